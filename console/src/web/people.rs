//! The assignee choices of the inbox's selects: nobody, the signed-in user, and (for an
//! owner, who may list users) every active user.

use std::rc::Rc;

use crate::model::Users;
use crate::route::ROOT;
use web_sys::HtmlSelectElement;

use super::app::App;
use super::dom::add_option;
use super::http;

/// Adds "Me" and, for an owner, the other active users to `select` (after whatever it
/// already lists), then selects `selected` if given.
pub fn fill(app: &Rc<App>, select: HtmlSelectElement, selected: Option<String>) {
    let Some(session) = app.session() else {
        return;
    };
    let me = session.user.clone();
    let _ = add_option(&select, &me.id, &format!("Me ({})", me.email));
    if let Some(value) = &selected {
        select.set_value(value);
    }
    if !me.is_owner() {
        return;
    }
    app.spawn(|app, g| async move {
        let Ok(users) = http::get::<Users>(&format!("{ROOT}/api/users")).await else {
            return;
        };
        if !app.current(g) {
            return;
        }
        for user in users.users.iter().filter(|u| !u.disabled && u.id != me.id) {
            let _ = add_option(&select, &user.id, &user.email);
        }
        if let Some(value) = &selected {
            select.set_value(value);
        }
    });
}
