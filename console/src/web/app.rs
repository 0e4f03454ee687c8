//! The console app: the landmarks of `index.html` (header, nav, main, live region), the
//! signed-in session, the history (every view has its URL; links under `/admin` are
//! followed with `pushState`, Back/Forward with `popstate`), and the dispatch of a route to
//! its page. On every route change the page's heading takes the focus and the document
//! title follows, so a screen reader hears where it landed.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::rc::Rc;

use crate::error::ConsoleError;
use crate::model::Session;
use crate::route::{Route, NAV, ROOT};
use gloo_events::EventListener;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, MouseEvent};

use super::dom::{self, document, listen, Js, H};
use super::{http, pages, theme};

/// The running console.
pub struct App {
    main: Element,
    nav: Element,
    account: Element,
    live: Element,
    session: RefCell<Option<Session>>,
    /// The setup link's token, once taken out of the address bar.
    setup_token: RefCell<Option<String>>,
    /// Listeners of the page on screen, dropped (removed) on the next render.
    page_listeners: RefCell<Vec<EventListener>>,
    /// Bumped on every render: an answer that arrives for an older render is dropped.
    generation: Cell<u64>,
    /// Path and query of the view on screen: a `popstate` that changes only the fragment
    /// re-renders nothing (but on the setup page, which reads it).
    shown: RefCell<String>,
}

fn by_id(id: &str) -> Js<Element> {
    document()?
        .get_element_by_id(id)
        .ok_or_else(|| JsValue::from_str(&format!("index.html has no #{id}")))
}

fn location() -> Js<(String, String)> {
    let location = web_sys::window()
        .ok_or_else(|| JsValue::from_str("no window"))?
        .location();
    Ok((location.pathname()?, location.search()?))
}

#[cfg(test)]
impl App {
    /// An app over landmarks outside the document, for the browser tests: pages render into
    /// [`App::main_for_tests`].
    pub fn detached() -> Js<Rc<App>> {
        let el = |tag: &str| document()?.create_element(tag);
        Ok(Rc::new(App {
            main: el("main")?,
            nav: el("nav")?,
            account: el("div")?,
            live: el("div")?,
            session: RefCell::new(None),
            setup_token: RefCell::new(None),
            page_listeners: RefCell::new(Vec::new()),
            generation: Cell::new(0),
            shown: RefCell::new(String::new()),
        }))
    }

    /// The detached `main`.
    pub fn main_for_tests(&self) -> &Element {
        &self.main
    }
}

impl App {
    /// Finds the landmarks, installs the global listeners, reads the session, renders.
    pub fn boot() -> Js<()> {
        let app = Rc::new(App {
            main: by_id("main")?,
            nav: by_id("nav")?,
            account: by_id("account")?,
            live: by_id("live")?,
            session: RefCell::new(None),
            setup_token: RefCell::new(None),
            page_listeners: RefCell::new(Vec::new()),
            generation: Cell::new(0),
            shown: RefCell::new(String::new()),
        });
        theme::apply(theme::current())?;
        let window = web_sys::window().ok_or_else(|| JsValue::from_str("no window"))?;
        let on_pop = {
            let app = Rc::clone(&app);
            listen(&window, "popstate", move |_| {
                let now = location()
                    .map(|(path, query)| path + &query)
                    .unwrap_or_default();
                // A new setup link opened over the setup page changes only the fragment,
                // and the fragment is what that page reads.
                if *app.shown.borrow() != now || app.route() == Route::Setup {
                    app.live.set_text_content(None);
                    app.render();
                }
            })
        };
        let on_click = {
            let app = Rc::clone(&app);
            listen(&document()?.into(), "click", move |e| app.follow_link(e))
        };
        // The app lives as long as the page.
        on_pop.forget();
        on_click.forget();
        let first = Rc::clone(&app);
        wasm_bindgen_futures::spawn_local(async move {
            let route = first.route();
            if route.needs_session() {
                match http::get::<Session>(&format!("{ROOT}/api/me")).await {
                    Ok(session) => *first.session.borrow_mut() = Some(session),
                    Err(e) if e.is_signed_out() => {}
                    Err(e) => first.announce(&e.to_string()),
                }
            }
            first.render();
        });
        Ok(())
    }

    /// The route of the current URL.
    pub fn route(&self) -> Route {
        match location() {
            Ok((path, query)) => Route::parse(&path, &query),
            Err(_) => Route::NotFound(String::new()),
        }
    }

    /// Goes to `url` (a new history entry) and renders it.
    pub fn go(self: &Rc<Self>, url: &str) {
        self.push(url);
        self.render();
    }

    /// Changes the URL without rendering (a filter change the page already shows).
    pub fn push(&self, url: &str) {
        if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
            let _ = history.push_state_with_url(&JsValue::NULL, "", Some(url));
        }
    }

    /// Replaces the URL without a new history entry (drops the setup token's fragment).
    pub fn replace(&self, url: &str) {
        if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
            let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(url));
        }
    }

    fn follow_link(self: &Rc<Self>, event: &web_sys::Event) {
        let Some(click) = event.dyn_ref::<MouseEvent>() else {
            return;
        };
        if click.button() != 0
            || click.ctrl_key()
            || click.meta_key()
            || click.shift_key()
            || click.alt_key()
        {
            return;
        }
        let link = event
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .and_then(|t| t.closest("a[href]").ok().flatten());
        let Some(href) = link.and_then(|a| a.get_attribute("href")) else {
            return;
        };
        // In-page links (the skip link): move the focus there, leave the URL alone.
        if let Some(id) = href.strip_prefix('#') {
            if let Some(target) = document().ok().and_then(|d| d.get_element_by_id(id)) {
                event.prevent_default();
                let _ = dom::focus(&target);
            }
            return;
        }
        let inside = href == ROOT || href.starts_with(&format!("{ROOT}/"));
        if inside && !href.starts_with(&format!("{ROOT}/api")) {
            event.prevent_default();
            // The last page's message ("25 responses shown.") is not the next page's.
            self.live.set_text_content(None);
            self.go(&href);
        }
    }

    /// The signed-in session, if any.
    pub fn session(&self) -> Option<Session> {
        self.session.borrow().clone()
    }

    /// The session's CSRF token (empty when signed out: the request then fails as it should).
    pub fn csrf(&self) -> String {
        self.session
            .borrow()
            .as_ref()
            .map(|s| s.csrf_token.clone())
            .unwrap_or_default()
    }

    /// Records a new session (signed in) or none (signed out), then renders.
    pub fn set_session(self: &Rc<Self>, session: Option<Session>) {
        *self.session.borrow_mut() = session;
        self.render();
    }

    /// Keeps the setup token once it is out of the address bar.
    pub fn keep_setup_token(&self, token: &str) {
        *self.setup_token.borrow_mut() = Some(token.to_owned());
    }

    /// The setup token kept by [`App::keep_setup_token`].
    pub fn setup_token(&self) -> Option<String> {
        self.setup_token.borrow().clone()
    }

    /// Forgets the setup token (used).
    pub fn forget_setup_token(&self) {
        *self.setup_token.borrow_mut() = None;
    }

    /// Says `text` in the live region (screen readers read it; it is also visible).
    pub fn announce(&self, text: &str) {
        // Cleared first, so the same message twice is read twice.
        self.live.set_text_content(None);
        self.live.set_text_content(Some(text));
    }

    /// Keeps `listener` until the next render.
    pub fn keep(&self, listener: EventListener) {
        self.page_listeners.borrow_mut().push(listener);
    }

    /// Listens on `target` for the page on screen.
    pub fn on(
        &self,
        target: &web_sys::EventTarget,
        event: &'static str,
        handler: impl FnMut(&web_sys::Event) + 'static,
    ) {
        self.keep(listen(target, event, handler));
    }

    /// Whether a render from generation `g` is still the one on screen.
    pub fn current(&self, g: u64) -> bool {
        self.generation.get() == g
    }

    /// Runs `task` for the page on screen: `task` gets the generation to check with
    /// [`App::current`] after each await.
    pub fn spawn<F: Future<Output = ()> + 'static>(
        self: &Rc<Self>,
        task: impl FnOnce(Rc<App>, u64) -> F,
    ) {
        let g = self.generation.get();
        wasm_bindgen_futures::spawn_local(task(Rc::clone(self), g));
    }

    /// An API failure on a page: a lost session goes back to sign-in, anything else is
    /// announced.
    pub fn failed(self: &Rc<Self>, error: &ConsoleError) {
        if error.is_signed_out() && self.session.borrow().is_some() {
            self.announce("Your session ended. Sign in again.");
            *self.session.borrow_mut() = None;
            self.render();
        } else {
            self.announce(&error.to_string());
        }
    }

    /// Renders the view of the current URL.
    pub fn render(self: &Rc<Self>) {
        if let Err(e) = self.try_render() {
            web_sys::console::error_2(&JsValue::from_str("[rapport console]"), &e);
        }
    }

    fn try_render(self: &Rc<Self>) -> Js<()> {
        self.generation.set(self.generation.get() + 1);
        self.page_listeners.borrow_mut().clear();
        dom::clear(&self.main);
        let route = self.route();
        *self.shown.borrow_mut() = location()
            .map(|(path, query)| path + &query)
            .unwrap_or_default();
        let session = self.session();
        self.render_chrome(&route, session.as_ref())?;
        let title = match (&route, &session) {
            (Route::Setup, _) => pages::setup::render(self, &self.main)?,
            (_, None) => pages::sign_in::render(self, &self.main)?,
            (r, Some(s)) if r.owner_only() && !s.user.is_owner() => {
                pages::not_allowed::render(&self.main)?
            }
            (Route::Inbox(filter), Some(_)) => pages::inbox::render(self, &self.main, filter)?,
            (Route::Response { site, id }, Some(_)) => {
                pages::response::render(self, &self.main, site, id)?
            }
            (Route::Followups(site), Some(s)) => {
                pages::followups::render(self, &self.main, site.as_deref(), s.user.is_owner())?
            }
            (Route::Dashboard, Some(_)) => pages::dashboard::render(self, &self.main)?,
            (Route::Segments, Some(_)) => pages::segments::render(self, &self.main)?,
            (Route::Alerts, Some(_)) => pages::alerts::render(self, &self.main)?,
            (Route::Users, Some(s)) => pages::users::render(self, &self.main, &s.user)?,
            (Route::Audit, Some(_)) => pages::audit::render(self, &self.main)?,
            (Route::NotFound(_), Some(_)) => pages::not_found::render(&self.main)?,
        };
        document()?.set_title(&format!("{title} · Rapport console"));
        if let Some(heading) = self.main.query_selector("h1")? {
            dom::focus(&heading)?;
        }
        Ok(())
    }

    /// The navigation (signed in only; owner pages for owners) and the account strip.
    fn render_chrome(self: &Rc<Self>, route: &Route, session: Option<&Session>) -> Js<()> {
        dom::clear(&self.nav);
        dom::clear(&self.account);
        let theme_button = dom::button("Dark theme", "button")?;
        theme_button.set_attribute(
            "aria-pressed",
            if theme::current() == "dark" {
                "true"
            } else {
                "false"
            },
        )?;
        theme_button.set_class_name("theme-toggle");
        let b = theme_button.clone();
        self.on(&theme_button, "click", move |_| {
            if let Ok(now) = theme::toggle() {
                let _ =
                    b.set_attribute("aria-pressed", if now == "dark" { "true" } else { "false" });
            }
        });
        let Some(session) = session else {
            self.nav.set_attribute("hidden", "")?;
            self.account.append_child(&theme_button)?;
            return Ok(());
        };
        self.nav.remove_attribute("hidden")?;
        let list = H::new("ul")?;
        for item in NAV
            .iter()
            .filter(|n| !n.owner_only || session.user.is_owner())
        {
            let link = H::new("a")?
                .attr("href", &format!("{ROOT}/{}", item.segment))?
                .text(item.label);
            let link = match route.nav_segment() == Some(item.segment) {
                true => link.attr("aria-current", "page")?,
                false => link,
            };
            list.0.append_child(&H::new("li")?.with(link)?.el())?;
        }
        self.nav.append_child(&list.el())?;
        let who = H::new("span")?
            .class("who")
            .text(&format!("{} ({})", session.user.email, session.user.role));
        let sign_out = dom::button("Sign out", "button")?;
        let app = Rc::clone(self);
        self.on(&sign_out, "click", move |_| {
            let app = Rc::clone(&app);
            wasm_bindgen_futures::spawn_local(async move {
                let csrf = app.csrf();
                match http::send_empty("DELETE", &format!("{ROOT}/api/session"), &csrf).await {
                    Ok(()) => {
                        app.announce("Signed out.");
                        app.set_session(None);
                    }
                    Err(e) => app.failed(&e),
                }
            });
        });
        self.account.append_child(&who.el())?;
        self.account.append_child(&theme_button)?;
        self.account.append_child(&sign_out)?;
        Ok(())
    }
}
