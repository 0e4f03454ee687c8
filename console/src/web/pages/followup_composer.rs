//! A response's follow-ups and the reply composer (`/admin/api/inbox/{site}/{id}/followups`),
//! for the response page. The composer starts open, except for a response in the holdout
//! group: there it stays closed behind "Reply anyway", since a reply takes the response out
//! of the experiment ([`crate::followup::composer_open`]).

use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlTextAreaElement};

use crate::followup::{self, Followup, FollowupList, Reply};
use crate::format;
use crate::route::ROOT;
use crate::web::app::App;
use crate::web::dom::{self, text_el, Js, H};
use crate::web::http;

fn path(site: &str, id: &str) -> String {
    let seg = |s: &str| {
        crate::query::encode([("", s)])
            .trim_start_matches('=')
            .replace('+', "%20")
    };
    format!("{ROOT}/api/inbox/{}/{}/followups", seg(site), seg(id))
}

/// Appends the follow-ups section of response `id` of `site` to `main`; it fills in once
/// loaded.
pub fn render(app: &Rc<App>, main: &Element, site: &str, id: &str) -> Js<()> {
    let section = H::new("section")?
        .class("card")
        .attr("aria-labelledby", "followups")?
        .with(H::new("h2")?.attr("id", "followups")?.text("Follow-ups"))?
        .el();
    let body = H::new("div")?.el();
    section.append_child(&body)?;
    main.append_child(&section)?;
    load(app, body, site.to_owned(), id.to_owned());
    Ok(())
}

fn load(app: &Rc<App>, body: Element, site: String, id: String) {
    app.spawn(|app, g| async move {
        let list = http::get::<FollowupList>(&path(&site, &id)).await;
        if !app.current(g) {
            return;
        }
        match list {
            Ok(list) => {
                if let Err(e) = show(&app, &body, &site, &id, &list) {
                    web_sys::console::error_1(&e);
                }
            }
            Err(e) => app.failed(&e),
        }
    });
}

fn item(f: &Followup) -> Js<Element> {
    let li = H::new("li")?
        .with(H::new("p")?.class("reply").text(&f.text))?
        .with(H::new("p")?.class("muted").text(&format!(
            "{} · {} · {}{}",
            f.author,
            format::instant(f.sent_at),
            followup::status(f),
            if f.overridden {
                " · holdout overridden"
            } else {
                ""
            }
        )))?;
    Ok(li.el())
}

fn show(app: &Rc<App>, body: &Element, site: &str, id: &str, list: &FollowupList) -> Js<()> {
    dom::clear(body);
    if list.followups.is_empty() {
        dom::add(body, text_el("p", "No follow-up yet.")?)?;
    } else {
        let ul = H::new("ul")?.class("followups").el();
        for f in &list.followups {
            dom::add(&ul, item(f)?)?;
        }
        body.append_child(&ul)?;
    }
    let composer = composer(app, body, site, id, list.holdout)?;
    if followup::composer_open(list) {
        body.append_child(&composer)?;
        return Ok(());
    }
    dom::add(body, text_el(
        "p",
        "This answer is in the holdout group: it gets no follow-up, so that the experiment can \
         tell whether following up keeps customers. Replying anyway leaves it out of the results.",
    )?)?;
    let open = H::new("button")?
        .attr("type", "button")?
        .attr("aria-expanded", "false")?
        .attr("aria-controls", "composer")?
        .text("Reply anyway")
        .el();
    composer.set_attribute("hidden", "")?;
    body.append_child(&open)?;
    body.append_child(&composer)?;
    let (open2, composer2) = (open.clone(), composer.clone());
    app.on(&open, "click", move |_| {
        let _ = composer2.remove_attribute("hidden");
        let _ = open2.set_attribute("aria-expanded", "true");
        if let Ok(Some(t)) = composer2.query_selector("textarea") {
            let _ = dom::focus(&t);
        }
    });
    Ok(())
}

fn composer(app: &Rc<App>, body: &Element, site: &str, id: &str, holdout: bool) -> Js<Element> {
    let form = H::new("form")?
        .attr("id", "composer")?
        .attr("aria-label", "Reply to the shopper")?
        .el();
    let text: HtmlTextAreaElement = dom::document()?.create_element("textarea")?.dyn_into()?;
    text.set_id("f-reply");
    text.set_name("reply");
    text.set_required(true);
    text.set_max_length(2000);
    text.set_rows(4);
    let field = H::new("div")?
        .class("field")
        .with(
            H::new("label")?
                .attr("for", "f-reply")?
                .text("Reply to the shopper (shown on their next visit)"),
        )?
        .child(&text)?;
    form.append_child(&field.el())?;
    dom::add(&form, dom::button("Send reply", "submit")?)?;
    let (app2, body2, site, id) = (Rc::clone(app), body.clone(), site.to_owned(), id.to_owned());
    app.on(&form, "submit", move |e| {
        e.prevent_default();
        let (reply, body, site, id) = (text.value(), body2.clone(), site.clone(), id.clone());
        app2.spawn(|app, g| async move {
            let sent: Result<Followup, _> = http::send(
                "POST",
                &path(&site, &id),
                Some(&Reply {
                    text: &reply,
                    override_holdout: holdout,
                }),
                &app.csrf(),
            )
            .await;
            if !app.current(g) {
                return;
            }
            match sent {
                Ok(_) => {
                    app.announce("Reply sent: the shopper sees it on their next visit.");
                    load(&app, body, site, id);
                }
                Err(e) => app.failed(&e),
            }
        });
    });
    Ok(form)
}
