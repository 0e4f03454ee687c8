//! Users (owners): the list, a form to add an agent (or an owner), and disable/enable on
//! each account but one's own (`/admin/api/users`).

use std::rc::Rc;

use crate::format;
use crate::model::{NewUserBody, User, UserAnswer, Users};
use crate::route::ROOT;
use serde::Serialize;
use web_sys::{Element, HtmlSelectElement};

use crate::web::app::App;
use crate::web::dom::{self, text_el, Js, H};
use crate::web::http;
use wasm_bindgen::JsCast;

#[derive(Serialize)]
struct Disable {
    disabled: bool,
}

/// Renders the users page; the list loads after.
pub fn render(app: &Rc<App>, main: &Element, me: &User) -> Js<String> {
    dom::add(main, text_el("h1", "Users")?)?;
    let table = H::new("table")?.el();
    let caption = text_el("caption", "Console users")?;
    table.append_child(&caption)?;
    let head = H::new("tr")?;
    let head = ["E-mail", "Role", "Created", "Status", "Action"]
        .iter()
        .try_fold(head, |row, h| {
            row.with(H::new("th")?.attr("scope", "col")?.text(h))
        })?;
    table.append_child(&H::new("thead")?.with(head)?.el())?;
    let body = H::new("tbody")?.el();
    table.append_child(&body)?;
    let wrap = H::new("div")?
        .class("table-wrap")
        .attr("role", "region")?
        .attr("aria-label", "Console users")?
        .attr("tabindex", "0")?
        .child(&table)?;
    main.append_child(&wrap.el())?;
    dom::add(main, add_form(app)?)?;
    load(app, body, me.id.clone());
    Ok("Users".to_owned())
}

fn load(app: &Rc<App>, body: Element, me: String) {
    app.spawn(|app, g| async move {
        let users = http::get::<Users>(&format!("{ROOT}/api/users")).await;
        if !app.current(g) {
            return;
        }
        match users {
            Ok(users) => {
                if let Err(e) = rows(&app, &body, &users.users, &me) {
                    web_sys::console::error_1(&e);
                }
            }
            Err(e) => app.failed(&e),
        }
    });
}

fn rows(app: &Rc<App>, body: &Element, users: &[User], me: &str) -> Js<()> {
    dom::clear(body);
    for user in users {
        let row = H::new("tr")?
            .with(H::new("th")?.attr("scope", "row")?.text(&user.email))?
            .with(H::new("td")?.text(&user.role))?
            .with(
                H::new("td")?
                    .class("when")
                    .text(&format::instant(user.created_at)),
            )?
            .with(H::new("td")?.text(if user.disabled { "Disabled" } else { "Active" }))?;
        let action = H::new("td")?;
        if user.id != me {
            let label = if user.disabled { "Enable" } else { "Disable" };
            let button = H::new("button")?
                .attr("type", "button")?
                .attr("aria-label", &format!("{label} {}", user.email))?
                .text(label)
                .el();
            let (app2, body2, id, disabled, me2) = (
                Rc::clone(app),
                body.clone(),
                user.id.clone(),
                !user.disabled,
                me.to_owned(),
            );
            app.on(&button, "click", move |_| {
                let (body, id, me) = (body2.clone(), id.clone(), me2.clone());
                app2.spawn(|app, g| async move {
                    let csrf = app.csrf();
                    let path = format!("{ROOT}/api/users/{id}");
                    let answer: Result<UserAnswer, _> =
                        http::send("PATCH", &path, Some(&Disable { disabled }), &csrf).await;
                    if !app.current(g) {
                        return;
                    }
                    match answer {
                        Ok(a) => {
                            let verb = if a.user.disabled {
                                "disabled"
                            } else {
                                "enabled"
                            };
                            app.announce(&format!("{} {verb}.", a.user.email));
                            load(&app, body, me);
                        }
                        Err(e) => app.failed(&e),
                    }
                });
            });
            action.0.append_child(&button)?;
        } else {
            action.0.set_text_content(Some("(you)"));
        }
        let row = row.with(action)?;
        body.append_child(&row.el())?;
    }
    Ok(())
}

fn add_form(app: &Rc<App>) -> Js<Element> {
    let form = H::new("form")?
        .class("card")
        .attr("aria-labelledby", "add-user")?
        .el();
    form.append_child(
        &H::new("h2")?
            .attr("id", "add-user")?
            .text("Add a user")
            .el(),
    )?;
    let (email_field, email) = dom::field("E-mail", "email", "new-email", "off")?;
    let (password_field, password) = dom::field(
        "Initial password (12 characters or more)",
        "password",
        "new-password",
        "new-password",
    )?;
    email.set_required(true);
    password.set_required(true);
    password.set_min_length(12);
    let select: HtmlSelectElement = dom::document()?.create_element("select")?.dyn_into()?;
    select.set_id("f-role");
    for (value, label) in [
        ("agent", "Agent (inbox work)"),
        ("owner", "Owner (everything)"),
    ] {
        let option = H::new("option")?.attr("value", value)?.text(label).el();
        select.append_child(&option)?;
    }
    let role_field = H::new("div")?
        .class("field")
        .with(H::new("label")?.attr("for", "f-role")?.text("Role"))?
        .child(&select)?;
    form.append_child(&email_field)?;
    form.append_child(&password_field)?;
    form.append_child(&role_field.el())?;
    dom::add(&form, dom::button("Add user", "submit")?)?;
    let app2 = Rc::clone(app);
    let form2 = form.clone();
    app.on(&form, "submit", move |e| {
        e.prevent_default();
        let (email, password, role) = (email.value(), password.value(), select.value());
        let form = form2.clone();
        app2.spawn(|app, g| async move {
            let csrf = app.csrf();
            let body = NewUserBody {
                email: &email,
                password: &password,
                role: &role,
            };
            let answer: Result<UserAnswer, _> =
                http::send("POST", &format!("{ROOT}/api/users"), Some(&body), &csrf).await;
            if !app.current(g) {
                return;
            }
            match answer {
                Ok(a) => {
                    if let Some(f) = form.dyn_ref::<web_sys::HtmlFormElement>() {
                        f.reset();
                    }
                    app.announce(&format!("{} added as {}.", a.user.email, a.user.role));
                    app.render();
                }
                Err(e) => app.failed(&e),
            }
        });
    });
    Ok(form)
}
