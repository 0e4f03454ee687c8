//! Segments: for the chosen site, every segment's label and size, and per survey targeted
//! at it the responses, the segment's respondents, its impressions and its response rate
//! (responses over impressions); when the scores were computed and whether the fallback
//! rule was used (`GET /admin/api/segments?site=`). The wording is [`crate::segments`]'s.

use std::rc::Rc;

use web_sys::Element;

use crate::format;
use crate::route::ROOT;
use crate::segments::{computed_text, rate_text, shown_text, SegmentsView};
use crate::web::app::App;
use crate::web::dom::{self, text_el, Js, H};
use crate::web::http;
use crate::web::site_picker::{self, SiteChoice};

const COLUMNS: [&str; 7] = [
    "Segment",
    "Customers",
    "Targeted survey",
    "Responses (all)",
    "Respondents in the segment",
    "Impressions",
    "Response rate (responses / impressions)",
];

/// Renders the page; the sites and the segments load after.
pub fn render(app: &Rc<App>, main: &Element) -> Js<String> {
    dom::add(main, text_el("h1", "Segments")?)?;
    dom::add(
        main,
        text_el(
            "p",
            "Customers grouped by their scores (lifetime value, chance of being active) and their last answers, and how the surveys targeted at each segment are answered. A survey's response rate is its responses over the times the widget showed it, counted from the first day its impressions were recorded.",
        )?,
    )?;
    let picker = H::new("div")?.class("sites").el();
    dom::add(main, picker.clone())?;
    let status = H::new("p")?.attr("id", "seg-computed")?.el();
    dom::add(main, status.clone())?;
    let holder = H::new("div")?.el();
    dom::add(main, holder.clone())?;
    let choice: Rc<std::cell::RefCell<Option<SiteChoice>>> = Rc::default();
    let ready: Rc<dyn Fn()> = {
        let (app, choice) = (Rc::clone(app), Rc::clone(&choice));
        Rc::new(move || {
            let site = choice.borrow().as_ref().map(SiteChoice::value);
            if let Some(site) = site.filter(|s| !s.is_empty()) {
                load(&app, &site, &status, &holder);
            }
        })
    };
    *choice.borrow_mut() = Some(site_picker::mount(app, &picker, "seg-site", ready));
    Ok("Segments".to_owned())
}

fn load(app: &Rc<App>, site: &str, status: &Element, holder: &Element) {
    let (site, status, holder) = (site.to_owned(), status.clone(), holder.clone());
    holder.set_attribute("aria-busy", "true").ok();
    app.spawn(move |app, g| async move {
        let path = format!(
            "{ROOT}/api/segments?{}",
            crate::query::encode([("site", site.as_str())])
        );
        let r = http::get::<SegmentsView>(&path).await;
        if !app.current(g) {
            return;
        }
        holder.remove_attribute("aria-busy").ok();
        match r {
            Ok(view) => {
                status.set_text_content(Some(&computed_text(&view)));
                dom::clear(&holder);
                match table(&view) {
                    Ok(t) => {
                        let _ = holder.append_child(&t);
                        app.announce(&format!("Segments of {site} loaded."));
                    }
                    Err(e) => web_sys::console::error_1(&e),
                }
            }
            Err(e) => app.failed(&e),
        }
    });
}

fn table(view: &SegmentsView) -> Js<Element> {
    let table = H::new("table")?.el();
    dom::add(
        &table,
        text_el(
            "caption",
            &format!("Segments of {} and their targeted surveys", view.site),
        )?,
    )?;
    let head = COLUMNS.iter().try_fold(H::new("tr")?, |row, c| {
        row.with(H::new("th")?.attr("scope", "col")?.text(c))
    })?;
    table.append_child(&H::new("thead")?.with(head)?.el())?;
    let body = H::new("tbody")?.el();
    for s in &view.segments {
        let size = format::grouped(s.size as i64);
        let label = H::new("th")?.attr("scope", "row")?.text(&s.label);
        if s.targeted.is_empty() {
            let tr = H::new("tr")?
                .with(label)?
                .with(H::new("td")?.text(&size))?
                .with(H::new("td")?.text("none"))?;
            let tr = ["–", "–", "–", "–"]
                .iter()
                .try_fold(tr, |tr, v| tr.with(H::new("td")?.text(v)))?;
            body.append_child(&tr.el())?;
            continue;
        }
        for t in &s.targeted {
            let tr = H::new("tr")?
                .with(H::new("th")?.attr("scope", "row")?.text(&s.label))?
                .with(H::new("td")?.text(&size))?
                .with(H::new("td")?.text(&t.survey))?
                .with(H::new("td")?.text(&format::grouped(t.responses as i64)))?
                .with(H::new("td")?.text(&format::grouped(t.respondents as i64)))?
                .with(H::new("td")?.text(&shown_text(t)))?
                .with(H::new("td")?.text(&rate_text(t)))?;
            body.append_child(&tr.el())?;
        }
    }
    table.append_child(&body)?;
    Ok(H::new("div")?
        .class("table-wrap")
        .attr("role", "region")?
        .attr("aria-label", "Segments table")?
        .attr("tabindex", "0")?
        .child(&table)?
        .el())
}
