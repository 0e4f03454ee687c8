//! Sign-in: e-mail and password → a session (`POST /admin/api/session`). The URL stays
//! what it was, so a deep link opens once signed in.

use std::rc::Rc;

use crate::model::{Session, SignInBody};
use crate::route::ROOT;
use web_sys::Element;

use crate::web::app::App;
use crate::web::dom::{self, text_el, Js, H};
use crate::web::http;

/// Renders the sign-in form.
pub fn render(app: &Rc<App>, main: &Element) -> Js<String> {
    dom::add(main, text_el("h1", "Sign in")?)?;
    let form = H::new("form")?
        .class("card")
        .attr("aria-label", "Sign in")?
        .el();
    let (email_field, email) = dom::field("E-mail", "email", "email", "username")?;
    let (password_field, password) =
        dom::field("Password", "password", "password", "current-password")?;
    email.set_required(true);
    password.set_required(true);
    form.append_child(&email_field)?;
    form.append_child(&password_field)?;
    dom::add(&form, dom::button("Sign in", "submit")?)?;
    main.append_child(&form)?;
    let app2 = Rc::clone(app);
    app.on(&form, "submit", move |e| {
        e.prevent_default();
        let (email, password) = (email.value(), password.value());
        app2.announce("Signing in…");
        app2.spawn(|app, g| async move {
            let body = SignInBody {
                email: &email,
                password: &password,
            };
            let answer: Result<Session, _> =
                http::send("POST", &format!("{ROOT}/api/session"), Some(&body), "").await;
            if !app.current(g) {
                return;
            }
            match answer {
                Ok(session) => {
                    app.announce(&format!("Signed in as {}.", session.user.email));
                    app.set_session(Some(session));
                }
                Err(e) => app.announce(&e.to_string()),
            }
        });
    });
    Ok("Sign in".to_owned())
}
