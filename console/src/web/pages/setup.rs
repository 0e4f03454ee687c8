//! The first owner's account, from the one-time setup link `/admin/setup#token=…` (the
//! server prints it at first start, or `rapport-server setup-link`). The token is read from
//! the fragment and the fragment is dropped from the address bar at once; then the owner
//! is created (`POST /admin/api/setup`) and signed in.

use std::rc::Rc;

use crate::model::{Session, SetupBody, SignInBody, UserAnswer};
use crate::query;
use crate::route::ROOT;
use web_sys::Element;

use crate::web::app::App;
use crate::web::dom::{self, text_el, Js, H};
use crate::web::http;

/// The token of the link's fragment (`#token=…`), if any.
fn token_from_fragment() -> Option<String> {
    let hash = web_sys::window()?.location().hash().ok()?;
    let pairs = query::parse(hash.strip_prefix('#').unwrap_or(&hash));
    query::get(&pairs, "token").map(str::to_owned)
}

/// Renders the setup form (or how to get a link, without a token).
pub fn render(app: &Rc<App>, main: &Element) -> Js<String> {
    dom::add(main, text_el("h1", "Create the owner account")?)?;
    let token = token_from_fragment();
    if token.is_some() {
        // Out of the address bar and the history: the token is single use anyway.
        app.replace(&format!("{ROOT}/setup"));
    }
    let Some(token) = token.or_else(|| app.setup_token()) else {
        dom::add(main, text_el(
            "p",
            "Open the setup link the collector printed at its first start, or print a new one with `rapport-server setup-link`.",
        )?)?;
        return Ok("Set up".to_owned());
    };
    app.keep_setup_token(&token);
    let form = H::new("form")?
        .class("card")
        .attr("aria-label", "Create the owner account")?
        .el();
    let (email_field, email) = dom::field("E-mail", "email", "email", "username")?;
    let (password_field, password) = dom::field(
        "Password (12 characters or more)",
        "password",
        "password",
        "new-password",
    )?;
    let (again_field, again) = dom::field(
        "Password again",
        "password",
        "password-again",
        "new-password",
    )?;
    email.set_required(true);
    password.set_required(true);
    password.set_min_length(12);
    again.set_required(true);
    for f in [&email_field, &password_field, &again_field] {
        form.append_child(f)?;
    }
    dom::add(&form, dom::button("Create owner", "submit")?)?;
    main.append_child(&form)?;
    let app2 = Rc::clone(app);
    app.on(&form, "submit", move |e| {
        e.prevent_default();
        let (email, password, again) = (email.value(), password.value(), again.value());
        if password != again {
            app2.announce("The two passwords differ.");
            return;
        }
        let token = token.clone();
        app2.announce("Creating the owner…");
        app2.spawn(|app, g| async move {
            let body = SetupBody {
                token: &token,
                email: &email,
                password: &password,
            };
            let created: Result<UserAnswer, _> =
                http::send("POST", &format!("{ROOT}/api/setup"), Some(&body), "").await;
            if let Err(e) = created {
                if app.current(g) {
                    app.announce(&e.to_string());
                }
                return;
            }
            app.forget_setup_token();
            let body = SignInBody {
                email: &email,
                password: &password,
            };
            let session: Result<Session, _> =
                http::send("POST", &format!("{ROOT}/api/session"), Some(&body), "").await;
            app.replace(&format!("{ROOT}/users"));
            match session {
                Ok(session) => {
                    app.announce("Owner created; you are signed in.");
                    app.set_session(Some(session));
                }
                Err(e) => {
                    app.announce(&format!("Owner created. Sign in: {e}"));
                    app.render();
                }
            }
        });
    });
    Ok("Set up".to_owned())
}
