//! The audit log (owners): newest first, 50 a page, "Load more" for older lines
//! (`/admin/api/audit?before=…`).

use std::rc::Rc;

use crate::format;
use crate::model::AuditPage;
use crate::query;
use crate::route::ROOT;
use web_sys::Element;

use crate::web::app::App;
use crate::web::dom::{self, text_el, Js, H};
use crate::web::http;

/// Renders the audit page; lines load after.
pub fn render(app: &Rc<App>, main: &Element) -> Js<String> {
    dom::add(main, text_el("h1", "Audit log")?)?;
    let table = H::new("table")?.el();
    dom::add(&table, text_el("caption", "Console actions, newest first")?)?;
    let head = ["When", "Who", "Action", "Target", "Client"]
        .iter()
        .try_fold(H::new("tr")?, |row, h| {
            row.with(H::new("th")?.attr("scope", "col")?.text(h))
        })?;
    table.append_child(&H::new("thead")?.with(head)?.el())?;
    let body = H::new("tbody")?.el();
    table.append_child(&body)?;
    let wrap = H::new("div")?
        .class("table-wrap")
        .attr("role", "region")?
        .attr("aria-label", "Audit log")?
        .attr("tabindex", "0")?
        .child(&table)?;
    main.append_child(&wrap.el())?;
    let more = dom::button("Load more", "button")?;
    more.set_attribute("hidden", "")?;
    main.append_child(&more)?;
    let cursor = Rc::new(std::cell::RefCell::new(None::<String>));
    let (app2, body2, more2, cursor2) = (
        Rc::clone(app),
        body.clone(),
        more.clone(),
        Rc::clone(&cursor),
    );
    app.on(&more, "click", move |_| {
        let before = cursor2.borrow().clone();
        page(
            &app2,
            body2.clone(),
            more2.clone(),
            Rc::clone(&cursor2),
            before,
        );
    });
    page(app, body, more, cursor, None);
    Ok("Audit log".to_owned())
}

fn page(
    app: &Rc<App>,
    body: Element,
    more: Element,
    cursor: Rc<std::cell::RefCell<Option<String>>>,
    before: Option<String>,
) {
    app.spawn(|app, g| async move {
        let q = match &before {
            Some(b) => query::encode([("before", b.as_str())]),
            None => String::new(),
        };
        let path = match q.is_empty() {
            true => format!("{ROOT}/api/audit"),
            false => format!("{ROOT}/api/audit?{q}"),
        };
        let answer = http::get::<AuditPage>(&path).await;
        if !app.current(g) {
            return;
        }
        match answer {
            Ok(p) => {
                let shown = p.entries.len();
                if let Err(e) = rows(&body, &p) {
                    web_sys::console::error_1(&e);
                }
                *cursor.borrow_mut() = p.next.clone();
                let _ = match p.next {
                    Some(_) => more.remove_attribute("hidden"),
                    None => more.set_attribute("hidden", ""),
                };
                if before.is_some() {
                    app.announce(&format!("{shown} more lines loaded."));
                }
            }
            Err(e) => app.failed(&e),
        }
    });
}

fn rows(body: &Element, page: &AuditPage) -> Js<()> {
    for entry in &page.entries {
        let row = H::new("tr")?
            .with(H::new("td")?.class("when").text(&format::instant(entry.at)))?
            .with(H::new("td")?.text(entry.actor.as_deref().unwrap_or("—")))?
            .with(H::new("td")?.text(&entry.action.replace('_', " ")))?
            .with(H::new("td")?.text(entry.target.as_deref().unwrap_or("—")))?
            .with(H::new("td")?.text(&entry.client))?;
        body.append_child(&row.el())?;
    }
    Ok(())
}
