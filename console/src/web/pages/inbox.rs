//! The inbox (`/admin/inbox?…`): responses newest first or by revenue at risk, filters kept
//! in the URL, a themes strip (click one to search for it), "Load more" with the API's
//! cursor, and selection with bulk actions (status, tag, assign). Each row links to the
//! response (`pages::response`). Shopper text goes in as text only.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::rc::Rc;

use crate::error::ConsoleError;
use crate::filter::{InboxFilter, Sort, BANDS, STATUSES};
use crate::inbox_row::{self, parse_tags};
use crate::missing::Missing;
use crate::model::{BulkAnswer, BulkBody, InboxPage, Item, ItemRef, Sites, Theme, Themes};
use crate::query;
use crate::route::{Route, ROOT};
use crate::themes;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement, HtmlSelectElement};

use crate::web::app::App;
use crate::web::dom::{self, text_el, Js, H};
use crate::web::{download, http, people};

/// Rows per page.
const PAGE: u32 = 25;

/// What the page holds between loads.
#[derive(Default)]
struct State {
    items: Vec<Item>,
    selected: BTreeSet<ItemRef>,
    next: Option<String>,
}

/// The parts of the page that change after it is built.
#[derive(Clone)]
struct Parts {
    list: Element,
    more: Element,
    bulk: Element,
    count: Element,
    empty: Element,
}

fn band_label(band: &str) -> &'static str {
    match band {
        "detractor" => "Detractors (NPS 0–6)",
        "passive" => "Passives (NPS 7–8)",
        "promoter" => "Promoters (NPS 9–10)",
        _ => "Unhappy (CSAT ≤ 2, CES ≥ 5)",
    }
}

/// Renders the inbox for `filter`; rows, themes and sites load after. Without a site in
/// the URL, the collector's first site is chosen first ([`pick_site`]).
pub fn render(app: &Rc<App>, main: &Element, filter: &InboxFilter) -> Js<String> {
    dom::add(main, text_el("h1", "Inbox")?)?;
    if filter.site.is_none() {
        let note = H::new("p")?.attr("aria-busy", "true")?.el();
        main.append_child(&note)?;
        pick_site(app, note, filter);
        return Ok("Inbox".to_owned());
    }
    let sites = H::new("div")?.class("sites").el();
    main.append_child(&sites)?;
    dom::add(main, filters(app, filter)?)?;
    dom::add(main, sort_toggle(filter)?)?;
    let themes = H::new("section")?.attr("aria-labelledby", "themes-h")?.el();
    main.append_child(&themes)?;
    let state = Rc::new(RefCell::new(State::default()));
    let count = H::new("p")?.attr("id", "selected-count")?.el();
    let bulk = H::new("form")?
        .class("card filters")
        .attr("aria-label", "Bulk actions")?
        .attr("hidden", "")?
        .child(&count)?
        .el();
    main.append_child(&bulk)?;
    let list = H::new("ul")?
        .class("items")
        .attr("aria-label", "Responses")?
        .el();
    main.append_child(&list)?;
    let empty = H::new("p")?.attr("hidden", "")?.el();
    main.append_child(&empty)?;
    let more = dom::button("Load more", "button")?;
    more.set_attribute("hidden", "")?;
    let export = dom::button("Download CSV (responses shown)", "button")?;
    export.set_class_name("secondary");
    let tools = H::new("div")?
        .class("toolbar")
        .child(&more)?
        .child(&export)?;
    main.append_child(&tools.el())?;
    let (app3, state3) = (Rc::clone(app), Rc::clone(&state));
    app.on(&export, "click", move |_| {
        let text = inbox_row::csv(&state3.borrow().items);
        match download::text("responses.csv", "text/csv;charset=utf-8", &text) {
            Ok(()) => app3.announce("CSV downloaded."),
            Err(_) => app3.announce("The browser refused the download."),
        }
    });
    let parts = Parts {
        list,
        more: more.clone(),
        bulk,
        count,
        empty,
    };
    bulk_bar(app, &state, &parts, filter)?;
    let (app2, state2, parts2, filter2) = (
        Rc::clone(app),
        Rc::clone(&state),
        parts.clone(),
        filter.clone(),
    );
    app.on(&more, "click", move |_| {
        let cursor = state2.borrow().next.clone();
        load(&app2, &state2, &parts2, &filter2, cursor, None);
    });
    load(app, &state, &parts, filter, None, None);
    load_themes(app, themes, filter);
    load_sites(app, sites, filter);
    let title = match filter.active() {
        0 => "Inbox".to_owned(),
        n => format!("Inbox ({n} filters)"),
    };
    Ok(title)
}

/// The filter form: applying it goes to the URL of the new filter.
fn filters(app: &Rc<App>, filter: &InboxFilter) -> Js<Element> {
    let form = H::new("form")?
        .class("card filters")
        .attr("role", "search")?
        .attr("aria-label", "Filter responses")?
        .el();
    let (q_field, q) = dom::field("Search answers", "search", "q", "off")?;
    q.set_value(filter.q.as_deref().unwrap_or(""));
    let mut bands: Vec<(&str, &str)> = vec![("", "Any score")];
    bands.extend(BANDS.iter().map(|b| (*b, band_label(b))));
    let (band_field, band) = dom::select("Score", "f-band", &bands, filter.band.as_deref())?;
    let mut statuses: Vec<(&str, &str)> = vec![("", "Any status")];
    let labels: Vec<String> = STATUSES
        .iter()
        .map(|s| inbox_row::status_label(s))
        .collect();
    statuses.extend(
        STATUSES
            .iter()
            .zip(labels.iter())
            .map(|(s, l)| (*s, l.as_str())),
    );
    let (status_field, status) =
        dom::select("Status", "f-status", &statuses, filter.status.as_deref())?;
    let (survey_field, survey) = dom::field("Survey id", "text", "survey", "off")?;
    survey.set_value(filter.survey.as_deref().unwrap_or(""));
    let (from_field, from) = dom::field("From", "date", "from", "off")?;
    from.set_value(filter.from.as_deref().unwrap_or(""));
    let (to_field, to) = dom::field("To", "date", "to", "off")?;
    to.set_value(filter.to.as_deref().unwrap_or(""));
    let (url_field, url) = dom::field("Page URL contains", "text", "url", "off")?;
    url.set_value(filter.url.as_deref().unwrap_or(""));
    let (tier_field, tier) = dom::field("Customer tier", "text", "tier", "off")?;
    tier.set_value(filter.tier.as_deref().unwrap_or(""));
    let (tag_field, tag) = dom::field("Tag", "text", "tag", "off")?;
    tag.set_value(filter.tag.as_deref().unwrap_or(""));
    let (assignee_field, assignee) =
        dom::select("Assignee", "f-assignee", &[("", "Anyone")], None)?;
    people::fill(app, assignee.clone(), filter.assignee.clone());
    let (text_field, has_text) =
        dom::checkbox("Only answers with text", "f-has-text", filter.has_text)?;
    for f in [
        &q_field,
        &band_field,
        &status_field,
        &survey_field,
        &from_field,
        &to_field,
        &url_field,
        &tier_field,
        &tag_field,
        &assignee_field,
        &text_field,
    ] {
        form.append_child(f)?;
    }
    let actions = H::new("div")?
        .class("toolbar")
        .child(&dom::button("Apply filters", "submit")?)?
        .with(
            H::new("a")?
                .attr("href", &format!("{ROOT}/inbox"))?
                .text("Clear filters"),
        )?;
    form.append_child(&actions.el())?;
    let (app2, base) = (Rc::clone(app), filter.clone());
    app.on(&form, "submit", move |e| {
        e.prevent_default();
        let text = |i: &HtmlInputElement| {
            let v = i.value().trim().to_owned();
            (!v.is_empty()).then_some(v)
        };
        let choice = |s: &HtmlSelectElement| {
            let v = s.value();
            (!v.is_empty()).then_some(v)
        };
        let next = InboxFilter {
            site: base.site.clone(),
            sort: base.sort,
            survey: text(&survey),
            band: choice(&band),
            from: text(&from),
            to: text(&to),
            url: text(&url),
            has_text: has_text.checked(),
            tier: text(&tier),
            status: choice(&status),
            tag: text(&tag),
            assignee: choice(&assignee),
            q: text(&q),
        };
        app2.go(&Route::Inbox(next).path());
    });
    Ok(form)
}

/// Newest first / by revenue at risk: two links to the two URLs, the current one marked.
fn sort_toggle(filter: &InboxFilter) -> Js<Element> {
    let nav = H::new("div")?
        .class("toolbar")
        .attr("role", "group")?
        .attr("aria-label", "Order")?
        .with(H::new("span")?.text("Order:"))?
        .el();
    for (sort, label) in [
        (Sort::Newest, "Newest first"),
        (Sort::Risk, "Revenue at risk"),
    ] {
        let mut f = filter.clone();
        f.sort = sort;
        let link = H::new("a")?
            .attr("href", &Route::Inbox(f).path())?
            .text(label);
        let link = match filter.sort == sort {
            true => link.attr("aria-current", "true")?,
            false => link,
        };
        nav.append_child(&link.el())?;
    }
    Ok(nav)
}

/// The API's inbox answer; a collector without the inbox endpoint answers 404 (an unknown
/// site is a 404 too, with its own code: [`unknown_site_of`]).
fn unavailable(e: &ConsoleError) -> bool {
    matches!(e, ConsoleError::Api { status: 404, .. }) && unknown_site_of(e).is_none()
}

/// The list names no record: of its 404s only an unknown site is about the filter.
fn unknown_site_of(e: &ConsoleError) -> Option<Missing> {
    Missing::of(e).filter(Missing::is_unknown_site)
}

/// Loads a page of rows (the first when `cursor` is `None`) and announces how many are
/// shown, after `note` (the outcome of a bulk action) when given.
fn load(
    app: &Rc<App>,
    state: &Rc<RefCell<State>>,
    parts: &Parts,
    filter: &InboxFilter,
    cursor: Option<String>,
    note: Option<String>,
) {
    let (state, parts, api) = (
        Rc::clone(state),
        parts.clone(),
        format!(
            "{ROOT}/api/inbox?{}",
            filter.api_query(cursor.as_deref(), PAGE)
        ),
    );
    let _ = parts.list.set_attribute("aria-busy", "true");
    app.spawn(|app, g| async move {
        let answer = http::get::<InboxPage>(&api).await;
        if !app.current(g) {
            return;
        }
        let _ = parts.list.remove_attribute("aria-busy");
        match answer {
            Ok(page) => {
                let first = state.borrow().items.len();
                let added = page.items.len();
                for (n, item) in page.items.iter().enumerate() {
                    let shown = row(&app, &state, &parts, item, first + n)
                        .and_then(|li| parts.list.append_child(&li).map(|_| ()));
                    if let Err(e) = shown {
                        web_sys::console::error_1(&e);
                    }
                }
                let mut s = state.borrow_mut();
                s.items.extend(page.items);
                s.next = page.next;
                let _ = match s.next {
                    Some(_) => parts.more.remove_attribute("hidden"),
                    None => parts.more.set_attribute("hidden", ""),
                };
                let total = s.items.len();
                drop(s);
                if total == 0 {
                    parts
                        .empty
                        .set_text_content(Some("No responses match these filters."));
                    let _ = parts.empty.remove_attribute("hidden");
                }
                let word = if total == 1 { "response" } else { "responses" };
                let shown = match cursor {
                    Some(_) => format!("{added} more loaded; {total} {word} shown."),
                    None => format!("{total} {word} shown."),
                };
                match note {
                    Some(note) => app.announce(&format!("{note} {shown}")),
                    None => app.announce(&shown),
                }
            }
            Err(e) if unavailable(&e) => {
                parts.empty.set_text_content(Some(
                    "The inbox is not available on this collector yet (its API answered 404).",
                ));
                let _ = parts.empty.remove_attribute("hidden");
            }
            Err(e) => match unknown_site_of(&e) {
                Some(missing) => {
                    if let Err(e) = unknown_site(&parts.empty, &missing) {
                        web_sys::console::error_1(&e);
                    }
                }
                None => app.failed(&e),
            },
        }
    });
}

/// The filter names a site the collector does not know: its message and a way back to the
/// collector's first site.
fn unknown_site(empty: &Element, missing: &Missing) -> Js<()> {
    empty.set_text_content(Some(&format!("{} ", missing.message())));
    let link = H::new("a")?
        .attr("href", &Route::Inbox(InboxFilter::default()).path())?
        .text("Show the first site's responses");
    empty.append_child(&link.el())?;
    empty.remove_attribute("hidden")
}

/// One row: selection checkbox, score badge, excerpt linking to the response, who, money,
/// status, tags, assignee.
fn row(
    app: &Rc<App>,
    state: &Rc<RefCell<State>>,
    parts: &Parts,
    item: &Item,
    n: usize,
) -> Js<Element> {
    let view = inbox_row::row(item);
    let li = H::new("li")?.class("item").el();
    let check: HtmlInputElement = dom::document()?.create_element("input")?.dyn_into()?;
    check.set_type("checkbox");
    check.set_attribute("aria-label", &format!("Select: {}", view.excerpt))?;
    let key = ItemRef {
        site: item.site.clone(),
        id: item.id.clone(),
    };
    check.set_checked(state.borrow().selected.contains(&key));
    let (state2, parts2, check2) = (Rc::clone(state), parts.clone(), check.clone());
    app.on(&check, "change", move |_| {
        {
            let mut s = state2.borrow_mut();
            match check2.checked() {
                true => s.selected.insert(key.clone()),
                false => s.selected.remove(&key),
            };
        }
        show_selection(&state2, &parts2);
    });
    let left = H::new("div")?.child(&check)?.with(
        H::new("span")?
            .class(&format!("badge {}", view.badge_class))
            .attr("aria-hidden", "true")?
            .text(&view.badge),
    )?;
    li.append_child(&left.el())?;
    let body = H::new("div")?;
    let link = H::new("a")?
        .attr(
            "href",
            &Route::Response {
                site: item.site.clone(),
                id: item.id.clone(),
            }
            .path(),
        )?
        .attr("id", &format!("item-{n}"))?
        // The score is part of the link's name (the badge beside it is hidden from screen
        // readers): "NPS 3, detractor: The box came late".
        .attr(
            "aria-label",
            &format!("{}: {}", view.badge_label, view.excerpt),
        )?
        .with(H::new("span")?.class("text").text(&view.excerpt))?;
    let body = body.with(H::new("p")?.with(link)?)?;
    let mut who = vec![view.customer.clone()];
    who.extend(view.risk.clone());
    who.extend(view.p_alive.clone());
    let body = body.with(H::new("p")?.class("meta").text(&who.join(" · ")))?;
    let state_line = H::new("p")?
        .class("meta")
        .text(&format!("{} · {} · ", view.status, view.assignee));
    let tags = H::new("span")?.class("tags");
    let tags = item.tags.iter().try_fold(tags, |t, tag| {
        t.with(H::new("span")?.class("tag").text(tag))
    })?;
    let body = body
        .with(state_line.with(tags)?)?
        .with(H::new("p")?.class("meta").text(&view.meta))?;
    li.append_child(&body.el())?;
    Ok(li)
}

fn show_selection(state: &Rc<RefCell<State>>, parts: &Parts) {
    let n = state.borrow().selected.len();
    let word = if n == 1 { "response" } else { "responses" };
    parts
        .count
        .set_text_content(Some(&format!("{n} {word} selected")));
    let _ = match n {
        0 => parts.bulk.set_attribute("hidden", ""),
        _ => parts.bulk.remove_attribute("hidden"),
    };
}

/// Bulk actions on the selection (the form `parts.bulk`): set the status, add tags,
/// assign; then the list reloads in place.
fn bulk_bar(
    app: &Rc<App>,
    state: &Rc<RefCell<State>>,
    parts: &Parts,
    filter: &InboxFilter,
) -> Js<()> {
    let form = parts.bulk.clone();
    let mut statuses: Vec<(&str, &str)> = vec![("", "Keep")];
    let labels: Vec<String> = STATUSES
        .iter()
        .map(|s| inbox_row::status_label(s))
        .collect();
    statuses.extend(
        STATUSES
            .iter()
            .zip(labels.iter())
            .map(|(s, l)| (*s, l.as_str())),
    );
    let (status_field, status) = dom::select("Set status", "b-status", &statuses, None)?;
    let (tag_field, tag) = dom::field("Add tags (comma-separated)", "text", "b-tags", "off")?;
    let (assignee_field, assignee) = dom::select(
        "Assign to",
        "b-assignee",
        &[("keep", "Keep"), ("", "Nobody")],
        None,
    )?;
    people::fill(app, assignee.clone(), None);
    for f in [&status_field, &tag_field, &assignee_field] {
        form.append_child(f)?;
    }
    dom::add(&form, dom::button("Apply to selected", "submit")?)?;
    let (app2, state2, parts2, filter2) = (
        Rc::clone(app),
        Rc::clone(state),
        parts.clone(),
        filter.clone(),
    );
    app.on(&form, "submit", move |e| {
        e.prevent_default();
        let (state, parts, filter) = (Rc::clone(&state2), parts2.clone(), filter2.clone());
        let items: Vec<ItemRef> = state.borrow().selected.iter().cloned().collect();
        let tags = parse_tags(&tag.value());
        let body = BulkBody {
            items,
            status: Some(status.value()).filter(|s| !s.is_empty()),
            add_tags: (!tags.is_empty()).then_some(tags),
            remove_tags: None,
            assignee: match assignee.value().as_str() {
                "keep" => None,
                "" => Some(None),
                id => Some(Some(id.to_owned())),
            },
        };
        if body.status.is_none() && body.add_tags.is_none() && body.assignee.is_none() {
            app2.announce("Choose a status, tags or an assignee to apply.");
            return;
        }
        app2.spawn(|app, g| async move {
            let csrf = app.csrf();
            let answer: Result<BulkAnswer, _> = http::send(
                "POST",
                &format!("{ROOT}/api/inbox/bulk"),
                Some(&body),
                &csrf,
            )
            .await;
            if !app.current(g) {
                return;
            }
            match answer {
                Ok(a) => {
                    let word = if a.updated == 1 {
                        "response"
                    } else {
                        "responses"
                    };
                    *state.borrow_mut() = State::default();
                    dom::clear(&parts.list);
                    show_selection(&state, &parts);
                    let note = format!("{} {word} updated.", a.updated);
                    load(&app, &state, &parts, &filter, None, Some(note));
                }
                Err(e) => app.failed(&e),
            }
        });
    });
    Ok(())
}

/// The themes strip: the top phrases for this site, band and period; a click searches for one.
fn load_themes(app: &Rc<App>, section: Element, filter: &InboxFilter) {
    let mut pairs: Vec<(&str, &str)> = Vec::new();
    for (k, v) in [
        ("site", &filter.site),
        ("band", &filter.band),
        ("from", &filter.from),
        ("to", &filter.to),
    ] {
        if let Some(v) = v {
            pairs.push((k, v.as_str()));
        }
    }
    let api = match query::encode(pairs) {
        q if q.is_empty() => format!("{ROOT}/api/themes"),
        q => format!("{ROOT}/api/themes?{q}"),
    };
    let filter = filter.clone();
    app.spawn(|app, g| async move {
        let Ok(themes) = http::get::<Themes>(&api).await else {
            // Themes are a help, not the inbox: a collector without them shows none.
            return;
        };
        if !app.current(g) || themes.themes.is_empty() {
            return;
        }
        let built = (|| -> Js<()> {
            section.append_child(&H::new("h2")?.attr("id", "themes-h")?.text("Themes").el())?;
            let (shown, rest) = themes::strip(&themes.themes);
            let list = theme_list(&filter, &shown)?;
            section.append_child(&list)?;
            if !rest.is_empty() {
                let more = H::new("details")?
                    .with(H::new("summary")?.text(&format!("More themes ({})", rest.len())))?
                    .child(&theme_list(&filter, &rest)?)?
                    .el();
                section.append_child(&more)?;
            }
            Ok(())
        })();
        if let Err(e) = built {
            web_sys::console::error_1(&e);
        }
    });
}

/// Themes as links that search for them.
fn theme_list(filter: &InboxFilter, list: &[&Theme]) -> Js<Element> {
    let ul = H::new("ul")?.class("themes").el();
    for theme in list {
        let mut f = filter.clone();
        f.q = Some(theme.phrase.clone());
        let link = H::new("a")?
            .attr("href", &Route::Inbox(f).path())?
            .attr(
                "aria-label",
                &format!("Search “{}” ({} answers)", theme.phrase, theme.count),
            )?
            .text(&format!("{} ({})", theme.phrase, theme.count));
        ul.append_child(&H::new("li")?.with(link)?.el())?;
    }
    Ok(ul)
}

/// The inbox API lists one site at a time: a URL without a site shows the collector's first
/// site, under a URL that names it (replaced, not a new history entry), so that a reload or
/// a shared link shows the same rows.
fn pick_site(app: &Rc<App>, note: Element, filter: &InboxFilter) {
    let filter = filter.clone();
    app.spawn(|app, g| async move {
        let sites = http::get::<Sites>(&format!("{ROOT}/api/sites")).await;
        if !app.current(g) {
            return;
        }
        let _ = note.remove_attribute("aria-busy");
        match sites {
            Ok(sites) => match sites.sites.first() {
                Some(site) => {
                    let mut f = filter;
                    f.site = Some(site.id.clone());
                    app.replace(&Route::Inbox(f).path());
                    app.render();
                }
                None => note.set_text_content(Some("This collector has no site configured.")),
            },
            Err(e) if unavailable(&e) => note.set_text_content(Some(
                "The inbox is not available on this collector yet (its API answered 404).",
            )),
            Err(e) => app.failed(&e),
        }
    });
}

/// The site picker, when the collector has more than one site.
fn load_sites(app: &Rc<App>, holder: Element, filter: &InboxFilter) {
    let filter = filter.clone();
    app.spawn(|app, g| async move {
        let Ok(sites) = http::get::<Sites>(&format!("{ROOT}/api/sites")).await else {
            return;
        };
        if !app.current(g) || sites.sites.len() < 2 {
            return;
        }
        let options: Vec<(String, String)> = sites
            .sites
            .iter()
            .map(|s| (s.id.clone(), s.name.clone().unwrap_or_else(|| s.id.clone())))
            .collect();
        let options: Vec<(&str, &str)> = options
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        let Ok((field, select)) = dom::select("Site", "f-site", &options, filter.site.as_deref())
        else {
            return;
        };
        let _ = holder.append_child(&field);
        let app2 = Rc::clone(&app);
        let select2 = select.clone();
        app.on(&select, "change", move |_| {
            let mut f = filter.clone();
            f.site = Some(select2.value()).filter(|v| !v.is_empty());
            app2.go(&Route::Inbox(f).path());
        });
    });
}
