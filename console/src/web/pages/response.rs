//! One response (`/admin/inbox/{site}/{id}`): every answer, the page URL, the customer
//! block (orders, spend, predicted value and P(alive) with their intervals, revenue at
//! risk), triage (status, tags, assignee), internal notes, and the follow-ups with the reply
//! composer ([`super::followup_composer`]; a response in the holdout group gets no follow-up
//! unless the merchant overrides it explicitly). Shopper text goes in as text only.

use std::rc::Rc;

use crate::format;
use crate::inbox_row::{self, customer_block, parse_tags};
use crate::missing::Missing;
use crate::model::{Detail, DetailExtras, Item, Note, NoteBody, PatchBody};
use crate::route::{Route, ROOT};
use web_sys::Element;

use crate::error::ConsoleError;
use crate::filter::{InboxFilter, STATUSES};
use crate::web::app::App;
use crate::web::dom::{self, text_el, Js, H};
use crate::web::pages::not_found;
use crate::web::{http, people};

fn api(site: &str, id: &str) -> String {
    // The console's own URL of the response carries the escaped path segments.
    let path = Route::Response {
        site: site.to_owned(),
        id: id.to_owned(),
    }
    .path();
    format!("{ROOT}/api{}", path.trim_start_matches(ROOT))
}

/// Renders the response page; the response loads after.
pub fn render(app: &Rc<App>, main: &Element, site: &str, id: &str) -> Js<String> {
    dom::add(main, text_el("h1", "Response")?)?;
    let inbox = Route::Inbox(InboxFilter::default()).path();
    let back = H::new("a")?.attr("href", &inbox)?.text("Back to the inbox");
    let back = H::new("p")?.with(back)?.el();
    main.append_child(&back)?;
    let body = H::new("div")?.attr("aria-busy", "true")?.el();
    main.append_child(&body)?;
    let url = api(site, id);
    let main = main.clone();
    let site_inbox = Route::Inbox(InboxFilter {
        site: Some(site.to_owned()),
        ..InboxFilter::default()
    })
    .path();
    app.spawn(|app, g| async move {
        let answer = http::get_value(&url).await.and_then(|v| {
            let item = http::decode::<Item>(v.clone())?;
            let extras = http::decode::<DetailExtras>(v)?;
            Ok(Detail {
                item,
                notes: extras.notes,
            })
        });
        if !app.current(g) {
            return;
        }
        let _ = body.remove_attribute("aria-busy");
        match answer {
            Ok(detail) => {
                if let Err(e) = show(&app, &body, &url, &detail) {
                    web_sys::console::error_1(&e);
                }
            }
            Err(e) => match Missing::of(&e) {
                Some(missing) => {
                    // The view's own link replaces "Back to the inbox".
                    back.remove();
                    let (back, text) = match missing.is_unknown_site() {
                        true => (inbox, "Choose a site in the inbox"),
                        false => (site_inbox, "See this site's responses"),
                    };
                    let shown = not_found::missing(&main, &body, &missing, "Response", &back, text);
                    if let Err(e) = shown {
                        web_sys::console::error_1(&e);
                    }
                }
                None if matches!(e, ConsoleError::Api { status: 404, .. }) => {
                    body.set_text_content(Some(
                        "No such response (or the inbox is not available on this collector yet).",
                    ));
                }
                None => app.failed(&e),
            },
        }
    });
    Ok("Response".to_owned())
}

fn section(parent: &Element, id: &str, title: &str) -> Js<Element> {
    let s = H::new("section")?
        .class("block")
        .attr("aria-labelledby", id)?
        .with(H::new("h2")?.attr("id", id)?.text(title))?
        .el();
    parent.append_child(&s)?;
    Ok(s)
}

fn pairs(parent: &Element, lines: &[(&str, String)]) -> Js<()> {
    let dl = H::new("dl")?.class("answers").el();
    for (k, v) in lines {
        dom::add(&dl, text_el("dt", k)?)?;
        dom::add(&dl, text_el("dd", v)?)?;
    }
    parent.append_child(&dl)?;
    Ok(())
}

pub(crate) fn show(app: &Rc<App>, body: &Element, url: &str, d: &Detail) -> Js<()> {
    let item = &d.item;
    let view = inbox_row::row(item);
    let summary = section(body, "r-summary", "Summary")?;
    let mut lines = vec![
        ("Score", view.badge_label.clone()),
        ("Received", format::instant(item.received_at)),
        ("Survey", item.survey.clone()),
        ("Page", item.url.clone().unwrap_or_else(|| "–".to_owned())),
        ("Status", view.status.clone()),
        ("Assignee", view.assignee.clone()),
        (
            "Tags",
            if item.tags.is_empty() {
                "–".to_owned()
            } else {
                item.tags.join(", ")
            },
        ),
    ];
    if item.holdout {
        lines.push((
            "Holdout",
            "In the holdout group (no follow-up by default)".to_owned(),
        ));
    }
    pairs(&summary, &lines)?;
    let answers = section(body, "r-answers", "Answers")?;
    let lines: Vec<(&str, String)> = item
        .answers
        .iter()
        .map(|a| {
            (
                a.heading(),
                a.label.clone().unwrap_or_else(|| a.value.display()),
            )
        })
        .collect();
    match lines.is_empty() {
        true => dom::add(&answers, text_el("p", "No answers.")?)?,
        false => pairs(&answers, &lines)?,
    }
    let customer = section(body, "r-customer", "Customer")?;
    pairs(&customer, &customer_block(item))?;
    triage(app, &section(body, "r-triage", "Triage")?, url, item)?;
    notes(
        app,
        &section(body, "r-notes", "Internal notes")?,
        url,
        &d.notes,
    )?;
    // The follow-ups sent and the reply composer (closed for a holdout response) come from
    // the follow-up API itself.
    super::followup_composer::render(app, body, &item.site, &item.id)?;
    Ok(())
}

fn triage(app: &Rc<App>, parent: &Element, url: &str, item: &Item) -> Js<()> {
    let form = H::new("form")?
        .class("card")
        .attr("aria-label", "Triage")?
        .el();
    let labels: Vec<String> = STATUSES
        .iter()
        .map(|s| inbox_row::status_label(s))
        .collect();
    let statuses: Vec<(&str, &str)> = STATUSES
        .iter()
        .zip(labels.iter())
        .map(|(s, l)| (*s, l.as_str()))
        .collect();
    let (status_field, status) = dom::select("Status", "t-status", &statuses, Some(&item.status))?;
    let (tags_field, tags) = dom::field("Tags (comma-separated)", "text", "t-tags", "off")?;
    tags.set_value(&item.tags.join(", "));
    let (assignee_field, assignee) =
        dom::select("Assignee", "t-assignee", &[("", "Nobody")], None)?;
    let current = item.assignee.as_ref().map(|a| a.id.clone());
    if let Some(a) = &item.assignee {
        dom::add_option(&assignee, &a.id, &a.email)?;
    }
    people::fill(app, assignee.clone(), current.clone());
    for f in [&status_field, &tags_field, &assignee_field] {
        form.append_child(f)?;
    }
    dom::add(&form, dom::button("Save", "submit")?)?;
    parent.append_child(&form)?;
    let (app2, url) = (Rc::clone(app), url.to_owned());
    app.on(&form, "submit", move |e| {
        e.prevent_default();
        let chosen = assignee.value();
        let body = PatchBody {
            status: Some(status.value()),
            tags: Some(parse_tags(&tags.value())),
            assignee: Some((!chosen.is_empty()).then_some(chosen)),
        };
        let url = url.clone();
        app2.spawn(|app, g| async move {
            let csrf = app.csrf();
            let answer: Result<Item, _> = http::send("PATCH", &url, Some(&body), &csrf).await;
            if !app.current(g) {
                return;
            }
            match answer {
                Ok(_) => {
                    app.render();
                    app.announce("Saved.");
                }
                Err(e) => app.failed(&e),
            }
        });
    });
    Ok(())
}

fn note_item(note: &Note) -> Js<Element> {
    Ok(H::new("li")?
        .with(H::new("p")?.class("meta").text(&format!(
            "{} · {}",
            note.author.email,
            format::instant(note.at)
        )))?
        .with(H::new("p")?.class("body").text(&note.text))?
        .el())
}

fn notes(app: &Rc<App>, parent: &Element, url: &str, list: &[Note]) -> Js<()> {
    let ul = H::new("ul")?
        .class("timeline")
        .attr("aria-label", "Notes")?
        .el();
    for note in list {
        dom::add(&ul, note_item(note)?)?;
    }
    // Said while there is none; the first note added takes its place.
    let none = text_el("p", "No notes yet.")?;
    if list.is_empty() {
        parent.append_child(&none)?;
    }
    parent.append_child(&ul)?;
    let form = H::new("form")?
        .class("card")
        .attr("aria-label", "Add a note")?
        .el();
    let (field, text) = dom::textarea("Add a note (seen by your team only)", "n-text")?;
    text.set_required(true);
    form.append_child(&field)?;
    dom::add(&form, dom::button("Add note", "submit")?)?;
    parent.append_child(&form)?;
    let (app2, url) = (Rc::clone(app), format!("{url}/notes"));
    app.on(&form, "submit", move |e| {
        e.prevent_default();
        let (url, ul, text, none) = (url.clone(), ul.clone(), text.clone(), none.clone());
        app2.spawn(|app, g| async move {
            let csrf = app.csrf();
            let value = text.value();
            let answer: Result<Note, _> =
                http::send("POST", &url, Some(&NoteBody { text: &value }), &csrf).await;
            if !app.current(g) {
                return;
            }
            match answer {
                Ok(note) => {
                    if let Ok(li) = note_item(&note) {
                        let _ = ul.append_child(&li);
                    }
                    none.remove();
                    text.set_value("");
                    app.announce("Note added.");
                }
                Err(e) => app.failed(&e),
            }
        });
    });
    Ok(())
}
