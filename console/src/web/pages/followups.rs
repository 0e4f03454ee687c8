//! Follow-ups: the closed-loop rate of a site, its holdout settings (owners change them) and
//! the holdout's results with each difference's interval drawn against zero
//! (`/admin/api/followups/summary`, `/admin/api/sites/{site}/holdout(/results)`).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement};

use crate::followup::{self, ClosedLoop, HoldoutSettings, Results, Unit};
use crate::format;
use crate::missing::Missing;
use crate::query;
use crate::route::{Route, ROOT};
use crate::web::app::App;
use crate::web::dom::{self, text_el, Js, H};
use crate::web::http;
use crate::web::site_picker::{self, SiteChoice};

const SVG: &str = "http://www.w3.org/2000/svg";

/// Renders the page for `site` (the first site of the collector when none is chosen), under
/// the shared site picker; choosing another site shows its follow-ups and puts it in the URL.
pub fn render(app: &Rc<App>, main: &Element, site: Option<&str>, owner: bool) -> Js<String> {
    dom::add(main, text_el("h1", "Follow-ups")?)?;
    let picker = H::new("div")?.class("sites").el();
    dom::add(main, picker.clone())?;
    let body = H::new("div")?.el();
    main.append_child(&body)?;
    let choice: Rc<RefCell<Option<SiteChoice>>> = Rc::default();
    let started = Rc::new(Cell::new(false));
    let ready: Rc<dyn Fn()> = {
        let (app, choice, wanted) = (Rc::clone(app), Rc::clone(&choice), site.map(str::to_owned));
        Rc::new(move || {
            let chosen = choice.borrow().as_ref().map(SiteChoice::value);
            let chosen = chosen.filter(|s| !s.is_empty());
            let site = match started.replace(true) {
                // First run: the deep link's site, even one the collector does not know
                // (its message says so), else the picker's first.
                false => wanted.clone().or(chosen),
                true => {
                    if let Some(s) = &chosen {
                        app.push(&Route::Followups(Some(s.clone())).path());
                    }
                    chosen
                }
            };
            if let Some(site) = site {
                load(&app, body.clone(), site, owner);
            }
        })
    };
    let wanted = site.map(str::to_owned);
    *choice.borrow_mut() = Some(site_picker::mount_at(
        app,
        &picker,
        "followup-site",
        wanted,
        ready,
    ));
    Ok("Follow-ups".to_owned())
}

fn load(app: &Rc<App>, body: Element, site: String, owner: bool) {
    app.spawn(|app, g| async move {
        let q = query::encode([("site", site.as_str())]);
        let summary = http::get::<ClosedLoop>(&format!("{ROOT}/api/followups/summary?{q}")).await;
        let path = format!("{ROOT}/api/sites/{}/holdout", encode(&site));
        let settings = http::get::<HoldoutSettings>(&path).await;
        let results = http::get::<Results>(&format!("{path}/results")).await;
        if !app.current(g) {
            return;
        }
        let shown = match (summary, settings, results) {
            (Ok(s), Ok(h), Ok(r)) => page(&app, &body, &site, &s, h, &r, owner),
            (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => match Missing::of(&e) {
                // The site picker stays above: the merchant chooses a known site there.
                Some(missing) => unknown(&body, &missing),
                None => {
                    app.failed(&e);
                    Ok(())
                }
            },
        };
        if let Err(e) = shown {
            web_sys::console::error_1(&e);
        }
    });
}

/// The collector does not know the site (or its record): its message in place of the page,
/// and a way to the collector's first site (the picker is not shown with a single site).
fn unknown(body: &Element, missing: &Missing) -> Js<()> {
    dom::clear(body);
    let text = format!("{} Choose a site above. ", missing.message());
    let p = H::new("p")?.attr("role", "status")?.text(&text).el();
    let link = H::new("a")?
        .attr("href", &Route::Followups(None).path())?
        .text("Show the first site's follow-ups");
    p.append_child(&link.el())?;
    body.append_child(&p).map(|_| ())
}

fn encode(segment: &str) -> String {
    query::encode([("", segment)])
        .trim_start_matches('=')
        .replace('+', "%20")
}

fn section(body: &Element, id: &str, title: &str, class: &str) -> Js<Element> {
    let s = H::new("section")?
        .class(class)
        .attr("aria-labelledby", id)?
        .with(H::new("h2")?.attr("id", id)?.text(title))?
        .el();
    body.append_child(&s)?;
    Ok(s)
}

fn share(v: Option<f64>) -> String {
    v.map(format::percent).unwrap_or_else(|| "–".to_owned())
}

fn page(
    app: &Rc<App>,
    body: &Element,
    site: &str,
    s: &ClosedLoop,
    h: HoldoutSettings,
    r: &Results,
    owner: bool,
) -> Js<()> {
    dom::clear(body);
    let loop_ = section(
        body,
        "closed-loop",
        "Closed-loop rate, last 30 days",
        "card",
    )?;
    let dl = H::new("dl")?.class("answers").el();
    let time = |v: Option<i64>| v.map(followup::duration).unwrap_or_else(|| "–".to_owned());
    for (term, value) in [
        ("Detractor answers", format::grouped(s.detractors as i64)),
        (
            "Followed up",
            format!(
                "{} ({})",
                format::grouped(s.followed_up as i64),
                share(s.followed_up_share)
            ),
        ),
        ("Median time to the first follow-up", time(s.median_ms)),
        ("90th percentile", time(s.p90_ms)),
        (
            "Seen by the shopper",
            format!("{} ({})", s.seen, share(s.seen_share)),
        ),
        ("Rated helpful", share(s.helpful_share)),
    ] {
        dom::add(&dl, text_el("dt", term)?)?;
        dom::add(&dl, text_el("dd", &value)?)?;
    }
    loop_.append_child(&dl)?;

    let holdout = section(body, "holdout", "Holdout experiment", "card")?;
    dom::add(&holdout, text_el(
        "p",
        "A share of new detractor answers from identified customers gets no follow-up, so that \
         what happens next can be compared with the answers that do.",
    )?)?;
    match owner {
        true => dom::add(&holdout, settings_form(app, site, h)?)?,
        false => dom::add(
            &holdout,
            text_el(
                "p",
                &match h.enabled {
                    true => format!(
                        "On: {} held out, outcomes over {} days.",
                        format::percent(h.share),
                        h.window_days
                    ),
                    false => "Off.".to_owned(),
                },
            )?,
        )?,
    };
    results(body, r)
}

fn number(
    label: &str,
    name: &str,
    value: &str,
    min: &str,
    max: &str,
) -> Js<(Element, HtmlInputElement)> {
    let (field, input) = dom::field(label, "number", name, "off")?;
    input.set_value(value);
    input.set_min(min);
    input.set_max(max);
    input.set_step("1");
    input.set_required(true);
    Ok((field, input))
}

fn settings_form(app: &Rc<App>, site: &str, h: HoldoutSettings) -> Js<Element> {
    let form = H::new("form")?.attr("aria-label", "Holdout settings")?.el();
    let (on_field, on) = dom::checkbox("Hold out detractor answers", "holdout-on", h.enabled)?;
    let (share_field, share) = number(
        "Share held out (%, 5 to 50)",
        "holdout-share",
        &format!("{}", (h.share * 100.0).round()),
        "5",
        "50",
    )?;
    let (window_field, window) = number(
        "Outcome window (days, 7 to 365)",
        "holdout-window",
        &h.window_days.to_string(),
        "7",
        "365",
    )?;
    for f in [on_field, share_field, window_field] {
        form.append_child(&f)?;
    }
    dom::add(&form, dom::button("Save holdout", "submit")?)?;
    let (app2, site) = (Rc::clone(app), site.to_owned());
    app.on(&form, "submit", move |e| {
        e.prevent_default();
        let settings = HoldoutSettings {
            enabled: on.checked(),
            share: share.value_as_number() / 100.0,
            window_days: window.value_as_number() as i64,
        };
        let site = site.clone();
        app2.spawn(|app, g| async move {
            let path = format!("{ROOT}/api/sites/{}/holdout", encode(&site));
            let answer: Result<HoldoutSettings, _> =
                http::send("PUT", &path, Some(&settings), &app.csrf()).await;
            if !app.current(g) {
                return;
            }
            match answer {
                Ok(h) => {
                    app.announce(match h.enabled {
                        true => "Holdout saved: on.",
                        false => "Holdout saved: off.",
                    });
                    app.render();
                }
                Err(e) => app.failed(&e),
            }
        });
    });
    Ok(form)
}

fn results(body: &Element, r: &Results) -> Js<()> {
    let s = section(
        body,
        "results",
        "Results: followed up against held out",
        "card wide",
    )?;
    let c = &r.comparison;
    dom::add(
        &s,
        text_el(
            "p",
            &match r.complete {
                true => format!(
                    "Every answer's {}-day window is over.",
                    r.settings.window_days
                ),
                false => format!(
                    "Outcomes not complete: {} answers' {}-day windows are still open.",
                    r.pending, r.settings.window_days
                ),
            },
        )?,
    )?;
    if r.excluded_overrides > 0 {
        dom::add(
            &s,
            text_el(
                "p",
                &format!(
                    "{} held-out answers were followed up anyway and are left out.",
                    r.excluded_overrides
                ),
            )?,
        )?;
    }
    let table = H::new("table")?.el();
    dom::add(
        &table,
        text_el("caption", "Outcomes in the window after each answer")?,
    )?;
    let head = [
        "Metric",
        "Followed up",
        "Held out",
        "Difference",
        "Interval",
        "Still needed per group",
    ]
    .iter()
    .try_fold(H::new("tr")?, |row, h| {
        row.with(H::new("th")?.attr("scope", "col")?.text(h))
    })?;
    table.append_child(&H::new("thead")?.with(head)?.el())?;
    let tbody = H::new("tbody")?.el();
    let rate = |v: Option<f64>, n: u64| format!("{} of {n}", share(v));
    let mean = |v: Option<f64>, n: u64, unit: Unit| {
        format!(
            "{} (n = {n})",
            v.map(|m| followup::value(m, unit))
                .unwrap_or_else(|| "–".into())
        )
    };
    let mut lines = vec![(
        "Repeat purchase",
        rate(c.repeat.treatment.rate, c.repeat.treatment.n),
        rate(c.repeat.holdout.rate, c.repeat.holdout.n),
        c.repeat.difference,
        c.repeat.interval,
        c.repeat.still_needed,
        Unit::Points,
    )];
    lines.push((
        "Revenue per customer",
        mean(c.revenue.treatment.mean, c.revenue.treatment.n, Unit::Money),
        mean(c.revenue.holdout.mean, c.revenue.holdout.n, Unit::Money),
        c.revenue.difference,
        c.revenue.interval,
        c.revenue.still_needed,
        Unit::Money,
    ));
    if let Some(p) = &c.p_alive {
        lines.push((
            "Change in P(alive)",
            mean(p.treatment.mean, p.treatment.n, Unit::Probability),
            mean(p.holdout.mean, p.holdout.n, Unit::Probability),
            p.difference,
            p.interval,
            p.still_needed,
            Unit::Probability,
        ));
    }
    for (name, t, h, d, interval, needed, unit) in lines {
        let drawn = H::new("td")?;
        if let (Some(d), Some((l, hi))) = (d, interval) {
            dom::add(&drawn.0, draw(name, l, hi, d, unit)?)?;
        }
        let row = H::new("tr")?
            .with(H::new("th")?.attr("scope", "row")?.text(name))?
            .with(H::new("td")?.text(&t))?
            .with(H::new("td")?.text(&h))?
            .with(H::new("td")?.text(&followup::reading(d, interval, unit)))?
            .with(drawn)?
            .with(
                H::new("td")?.text(
                    &needed
                        .map(|n| format::grouped(n as i64))
                        .unwrap_or_else(|| "–".into()),
                ),
            )?;
        tbody.append_child(&row.el())?;
    }
    table.append_child(&tbody)?;
    let wrap = H::new("div")?
        .class("table-wrap")
        .attr("role", "region")?
        .attr("aria-label", "Holdout results")?
        .attr("tabindex", "0")?
        .child(&table)?;
    s.append_child(&wrap.el())?;
    Ok(())
}

/// The interval as a line on an axis with zero marked (an image with its words as its name).
fn draw(name: &str, low: f64, high: f64, point: f64, unit: Unit) -> Js<Element> {
    let d = dom::document()?;
    let a = followup::axis(low, high, point);
    let svg = d.create_element_ns(Some(SVG), "svg")?;
    for (k, v) in [
        ("viewBox", "0 0 100 20"),
        ("width", "160"),
        ("height", "32"),
        ("role", "img"),
    ] {
        svg.set_attribute(k, v)?;
    }
    svg.set_attribute(
        "aria-label",
        &format!(
            "{name}: difference {} with its 95 % interval from {} to {}; zero marked",
            followup::value(point, unit),
            followup::value(low, unit),
            followup::value(high, unit)
        ),
    )?;
    let line = |x1: f64, y1: f64, x2: f64, y2: f64, width: &str, dash: bool| -> Js<Element> {
        let l = d.create_element_ns(Some(SVG), "line")?;
        for (k, v) in [("x1", x1), ("y1", y1), ("x2", x2), ("y2", y2)] {
            l.set_attribute(k, &format!("{v:.2}"))?;
        }
        l.set_attribute("stroke", "currentColor")?;
        l.set_attribute("stroke-width", width)?;
        if dash {
            l.set_attribute("stroke-dasharray", "2 2")?;
        }
        Ok(l)
    };
    dom::add(&svg, line(a.zero, 1.0, a.zero, 19.0, "0.8", true)?)?;
    dom::add(&svg, line(a.low, 10.0, a.high, 10.0, "2", false)?)?;
    dom::add(&svg, line(a.low, 6.0, a.low, 14.0, "1.5", false)?)?;
    dom::add(&svg, line(a.high, 6.0, a.high, 14.0, "1.5", false)?)?;
    let dot = d.create_element_ns(Some(SVG), "circle")?;
    for (k, v) in [
        ("cx", format!("{:.2}", a.point)),
        ("cy", "10".into()),
        ("r", "3".into()),
    ] {
        dot.set_attribute(k, &v)?;
    }
    dot.set_attribute("fill", "currentColor")?;
    svg.append_child(&dot)?;
    Ok(svg.unchecked_into())
}
