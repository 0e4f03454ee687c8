//! The dashboard: every chart of a site, computed by the metrics engine in a module Worker
//! (`/admin/assets/dashboard-worker.js`, which loads `/metrics/`: the console's own wasm does
//! not contain the engine), from `GET /admin/api/dashboard/data?site=`; or cohorts and CLV
//! of a Shopify orders export the merchant drops in; the funnel of an uploaded events CSV.
//! Progress shows while the Worker computes; the page never waits on it.
//!
//! Each chart: its title, summary, SVG (parsed as XML and checked element by element and
//! attribute by attribute against [`crate::dashboard`]'s allowlist before it enters the
//! page), a table view toggle and a CSV download (formula injection neutralised).

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Element, HtmlInputElement};

use crate::dashboard::{
    csv, csv_file_name, progress_text, svg_attribute_allowed, svg_element_allowed, Chart, Dashboard,
};
use crate::route::ROOT;
use crate::web::app::App;
use crate::web::dom::{self, document, text_el, Js, H};
use crate::web::download;
use crate::web::site_picker::{self, SiteChoice};

thread_local! {
    /// The Worker of the dashboard on screen (ended when the page renders again).
    static WORKER: RefCell<Option<web_sys::Worker>> = const { RefCell::new(None) };
}

/// What a computation's results go to.
#[derive(Clone)]
struct Target {
    site: String,
    progress: Element,
    status: Element,
    charts: Element,
}

/// Renders the dashboard page and starts the Worker.
pub fn render(app: &Rc<App>, main: &Element) -> Js<String> {
    WORKER.with(|w| {
        if let Some(old) = w.borrow_mut().take() {
            old.terminate();
        }
    });
    dom::add(main, text_el("h1", "Dashboard")?)?;
    dom::add(
        main,
        text_el(
            "p",
            "Every chart is computed in your browser by the metrics engine, in a background worker, from the collector's data.",
        )?,
    )?;
    let options = web_sys::WorkerOptions::new();
    options.set_type(web_sys::WorkerType::Module);
    let worker =
        web_sys::Worker::new_with_options(&format!("{ROOT}/assets/dashboard-worker.js"), &options)?;
    WORKER.with(|w| *w.borrow_mut() = Some(worker.clone()));

    // The site's data.
    let form = H::new("form")?.class("dash-site").el();
    let picker = H::new("div")?.class("sites").el();
    form.append_child(&picker)?;
    dom::add(&form, dom::button("Compute", "submit")?)?;
    dom::add(main, form.clone())?;
    let data = section(main, "dash-data", "Your store")?;
    let events_label = H::new("label")?
        .attr("for", "f-events")?
        .text("Events CSV for the conversion funnel (optional)")
        .el();
    let events_input = file_input("f-events")?;
    let events_wrap = H::new("div")?
        .class("field")
        .child(&events_label)?
        .child(&events_input)?
        .el();
    data.charts
        .parent_element()
        .map(|p| p.insert_before(&events_wrap, Some(&data.charts)))
        .transpose()?;

    // A Shopify export.
    let export = section(main, "dash-export", "A Shopify orders export")?;
    let intro = text_el(
        "p",
        "See cohorts and customer lifetime value of an orders export before any webhook has run: choose the file or drop it here. It stays in your browser.",
    )?;
    let shop_label = H::new("label")?
        .attr("for", "f-shopify")?
        .text("Shopify orders export (CSV)")
        .el();
    let shop_input = file_input("f-shopify")?;
    let zone = H::new("div")?
        .class("drop-zone")
        .attr("id", "dash-drop")?
        .child(&intro)?
        .child(&shop_label)?
        .child(&shop_input)?
        .el();
    export
        .charts
        .parent_element()
        .map(|p| p.insert_before(&zone, Some(&export.charts)))
        .transpose()?;

    // The Worker's answers: progress, then the charts, to the section that asked.
    let pending: Rc<RefCell<Vec<(u32, Target)>>> = Rc::new(RefCell::new(Vec::new()));
    let next_id = Rc::new(std::cell::Cell::new(1u32));
    {
        let (app2, pending2) = (Rc::clone(app), Rc::clone(&pending));
        app.on(&worker, "message", move |e| {
            let Some(msg) = e.dyn_ref::<web_sys::MessageEvent>().map(|m| m.data()) else {
                return;
            };
            if let Err(err) = on_message(&app2, &pending2, &msg) {
                web_sys::console::error_2(&JsValue::from_str("[rapport dashboard]"), &err);
            }
        });
    }
    let choice: Rc<RefCell<Option<SiteChoice>>> = Rc::default();
    let start = {
        let (app2, worker2, pending2, next2) = (
            Rc::clone(app),
            worker.clone(),
            Rc::clone(&pending),
            Rc::clone(&next_id),
        );
        let (choice2, events2, target) = (Rc::clone(&choice), events_input.clone(), data.clone());
        Rc::new(move || {
            let Some(site) = choice2.borrow().as_ref().map(SiteChoice::value) else {
                return;
            };
            if site.is_empty() {
                return;
            }
            let mut t = target.clone();
            t.site = site.clone();
            let (worker, pending, next) =
                (worker2.clone(), Rc::clone(&pending2), Rc::clone(&next2));
            let events = events2.files().and_then(|f| f.get(0));
            app2.spawn(move |app, g| async move {
                let path = format!(
                    "{ROOT}/api/dashboard/data?{}",
                    crate::query::encode([("site", site.as_str())])
                );
                let answer = fetch_text(&path).await;
                if !app.current(g) {
                    return;
                }
                let text = match answer {
                    Ok(text) => text,
                    Err(e) => {
                        app.failed(&e);
                        let _ = set_status(&t, "The data could not be loaded.");
                        return;
                    }
                };
                let events = match events {
                    Some(file) => bytes_of(&file).await.ok(),
                    None => None,
                };
                let id = next.get();
                next.set(id + 1);
                let msg = js_sys::Object::new();
                let _ = set(&msg, "id", &JsValue::from(id));
                let _ = set(&msg, "kind", &JsValue::from_str("data"));
                let _ = set(&msg, "data", &JsValue::from_str(&text));
                if let Some(ev) = events {
                    let _ = set(&msg, "events", &ev);
                }
                let _ = begin(&t);
                pending.borrow_mut().push((id, t));
                if let Err(e) = worker.post_message(&msg) {
                    web_sys::console::error_2(&JsValue::from_str("[rapport dashboard]"), &e);
                }
            });
        })
    };
    {
        let start = Rc::clone(&start);
        app.on(&form, "submit", move |e| {
            e.prevent_default();
            start();
        });
    }
    {
        let start = Rc::clone(&start);
        app.on(&events_input, "change", move |_| start());
    }
    let send_file = {
        let (app2, worker2, pending2, next2, target) = (
            Rc::clone(app),
            worker.clone(),
            Rc::clone(&pending),
            Rc::clone(&next_id),
            export.clone(),
        );
        Rc::new(move |file: web_sys::File| {
            let (worker, pending, next, mut t) = (
                worker2.clone(),
                Rc::clone(&pending2),
                Rc::clone(&next2),
                target.clone(),
            );
            t.site = "export".into();
            app2.spawn(move |app, g| async move {
                let bytes = bytes_of(&file).await;
                if !app.current(g) {
                    return;
                }
                let Ok(bytes) = bytes else {
                    app.announce("The file could not be read.");
                    return;
                };
                let id = next.get();
                next.set(id + 1);
                let msg = js_sys::Object::new();
                let _ = set(&msg, "id", &JsValue::from(id));
                let _ = set(&msg, "kind", &JsValue::from_str("shopify"));
                let _ = set(&msg, "file", &bytes);
                let _ = begin(&t);
                pending.borrow_mut().push((id, t));
                if let Err(e) = worker.post_message(&msg) {
                    web_sys::console::error_2(&JsValue::from_str("[rapport dashboard]"), &e);
                }
            });
        })
    };
    {
        let (send, input) = (Rc::clone(&send_file), shop_input.clone());
        app.on(&shop_input, "change", move |_| {
            if let Some(file) = input.files().and_then(|f| f.get(0)) {
                send(file);
            }
        });
    }
    app.on(&zone, "dragover", |e| e.prevent_default());
    {
        let send = Rc::clone(&send_file);
        app.on(&zone, "drop", move |e| {
            e.prevent_default();
            let file = e
                .dyn_ref::<web_sys::DragEvent>()
                .and_then(|d| d.data_transfer())
                .and_then(|d| d.files())
                .and_then(|f| f.get(0));
            if let Some(file) = file {
                send(file);
            }
        });
    }
    // The first computation starts once the sites are known (and again on each change).
    let ready: Rc<dyn Fn()> = {
        let start = Rc::clone(&start);
        Rc::new(move || start())
    };
    *choice.borrow_mut() = Some(site_picker::mount(app, &picker, "f-site", ready));
    Ok("Dashboard".to_owned())
}

fn set(obj: &js_sys::Object, key: &str, value: &JsValue) -> Js<bool> {
    js_sys::Reflect::set(obj, &JsValue::from_str(key), value)
}

fn file_input(id: &str) -> Js<HtmlInputElement> {
    let input: HtmlInputElement = document()?.create_element("input")?.dyn_into()?;
    input.set_type("file");
    input.set_id(id);
    input.set_accept(".csv,text/csv");
    Ok(input)
}

/// A section with a heading, a progress bar, a status line and the charts' container.
fn section(main: &Element, id: &str, heading: &str) -> Js<Target> {
    let h2 = H::new("h2")?
        .attr("id", &format!("{id}-h"))?
        .text(heading)
        .el();
    let progress = H::new("progress")?
        .attr("max", "1")?
        .attr("value", "0")?
        .attr("aria-label", &format!("{heading}: progress"))?
        .attr("hidden", "")?
        .el();
    let status = H::new("p")?
        .class("dash-status")
        .attr("id", &format!("{id}-status"))?
        .el();
    let charts = H::new("div")?.class("dash-charts").attr("id", id)?.el();
    let wrap = H::new("section")?
        .attr("aria-labelledby", &format!("{id}-h"))?
        .child(&h2)?
        .child(&progress)?
        .child(&status)?
        .child(&charts)?
        .el();
    dom::add(main, wrap)?;
    Ok(Target {
        site: String::new(),
        progress,
        status,
        charts,
    })
}

fn set_status(t: &Target, text: &str) -> Js<()> {
    t.status.set_text_content(Some(text));
    Ok(())
}

fn begin(t: &Target) -> Js<()> {
    t.progress.remove_attribute("hidden")?;
    t.progress.set_attribute("value", "0")?;
    t.charts.set_attribute("aria-busy", "true")?;
    set_status(t, "Starting the metrics engine…")
}

fn on_message(app: &Rc<App>, pending: &Rc<RefCell<Vec<(u32, Target)>>>, msg: &JsValue) -> Js<()> {
    let get = |k: &str| js_sys::Reflect::get(msg, &JsValue::from_str(k));
    let id = get("id")?.as_f64().unwrap_or(0.0) as u32;
    let kind = get("type")?.as_string().unwrap_or_default();
    let Some(target) = pending
        .borrow()
        .iter()
        .find(|(i, _)| *i == id)
        .map(|(_, t)| t.clone())
    else {
        return Ok(());
    };
    match kind.as_str() {
        "progress" => {
            let done = get("done")?.as_f64().unwrap_or(0.0);
            let total = get("total")?.as_f64().unwrap_or(1.0).max(1.0);
            let step = get("step")?.as_string().unwrap_or_default();
            target
                .progress
                .set_attribute("value", &format!("{}", done / total))?;
            set_status(&target, &progress_text(&step, done as u32, total as u32))?;
        }
        "result" => {
            pending.borrow_mut().retain(|(i, _)| *i != id);
            let result: Result<Dashboard, _> = serde_wasm_bindgen::from_value(get("result")?);
            target.progress.set_attribute("hidden", "")?;
            target.charts.remove_attribute("aria-busy")?;
            match result {
                Ok(d) => {
                    dom::clear(&target.charts);
                    // Which site's charts these are (the picker may have moved on since).
                    target.charts.set_attribute("data-site", &target.site)?;
                    for chart in &d.charts {
                        render_chart(app, &target, chart)?;
                    }
                    let done = format!("{} charts ready.", d.charts.len());
                    set_status(&target, &done)?;
                    app.announce(&done);
                }
                Err(e) => set_status(&target, &format!("Unexpected answer from the engine: {e}"))?,
            }
        }
        _ => {
            pending.borrow_mut().retain(|(i, _)| *i != id);
            let message = get("message")?.as_string().unwrap_or_default();
            target.progress.set_attribute("hidden", "")?;
            target.charts.remove_attribute("aria-busy")?;
            let text = format!("The charts could not be computed: {message}");
            set_status(&target, &text)?;
            app.announce(&text);
        }
    }
    Ok(())
}

fn render_chart(app: &Rc<App>, t: &Target, chart: &Chart) -> Js<()> {
    let id = format!("chart-{}-{}", t.charts.id(), chart.id);
    let article = H::new("article")?
        .class("chart")
        .attr("id", &id)?
        .attr("aria-labelledby", &format!("{id}-h"))?
        .el();
    dom::add(
        &article,
        H::new("h3")?
            .attr("id", &format!("{id}-h"))?
            .text(&chart.title)
            .el(),
    )?;
    dom::add(
        &article,
        H::new("p")?
            .class("chart-summary")
            .text(&chart.summary)
            .el(),
    )?;
    // Nothing to draw or tabulate (no CES question, no referral yet): the summary says why,
    // without empty axes, an empty table and a CSV of headers.
    if !chart.has_data() {
        t.charts.append_child(&article)?;
        return Ok(());
    }
    let figure = H::new("figure")?.class("chart-svg").el();
    match safe_svg(&chart.svg, &chart.title)? {
        Some(svg) => figure.append_child(&svg).map(|_| ())?,
        None => dom::add(
            &figure,
            text_el(
                "p",
                "This chart's drawing was withheld: it held something other than a chart.",
            )?,
        )?,
    }
    dom::add(&article, figure)?;
    let actions = H::new("div")?.class("chart-actions").el();
    let toggle = dom::button("Show table", "button")?;
    toggle.set_attribute("aria-expanded", "false")?;
    toggle.set_attribute("aria-controls", &format!("{id}-table"))?;
    let download = dom::button("Download CSV", "button")?;
    actions.append_child(&toggle)?;
    actions.append_child(&download)?;
    dom::add(&article, actions)?;
    let table = table_of(chart)?;
    let wrap = H::new("div")?
        .class("table-wrap")
        .attr("id", &format!("{id}-table"))?
        .attr("role", "region")?
        .attr("aria-label", &format!("{}: table", chart.title))?
        .attr("tabindex", "0")?
        .attr("hidden", "")?
        .child(&table)?
        .el();
    dom::add(&article, wrap.clone())?;
    {
        let (toggle2, wrap2) = (toggle.clone(), wrap.clone());
        app.on(&toggle, "click", move |_| {
            let open = wrap2.has_attribute("hidden");
            let _ = match open {
                true => wrap2.remove_attribute("hidden"),
                false => wrap2.set_attribute("hidden", ""),
            };
            let _ = toggle2.set_attribute("aria-expanded", if open { "true" } else { "false" });
            toggle2.set_text_content(Some(if open { "Hide table" } else { "Show table" }));
        });
    }
    {
        let (text, name) = (csv(chart), csv_file_name(&t.site, &chart.id));
        app.on(&download, "click", move |_| {
            if let Err(e) = download::text(&name, "text/csv;charset=utf-8", &text) {
                web_sys::console::error_2(&JsValue::from_str("[rapport dashboard]"), &e);
            }
        });
    }
    t.charts.append_child(&article)?;
    Ok(())
}

fn table_of(chart: &Chart) -> Js<Element> {
    let table = H::new("table")?.el();
    dom::add(&table, text_el("caption", &chart.title)?)?;
    let head = chart
        .table
        .columns
        .iter()
        .try_fold(H::new("tr")?, |row, c| {
            row.with(H::new("th")?.attr("scope", "col")?.text(c))
        })?;
    table.append_child(&H::new("thead")?.with(head)?.el())?;
    let body = H::new("tbody")?.el();
    for row in &chart.table.rows {
        let tr = row.iter().try_fold(H::new("tr")?, |tr, v| {
            tr.with(H::new("td")?.text(&v.display()))
        })?;
        body.append_child(&tr.el())?;
    }
    table.append_child(&body)?;
    Ok(table)
}

/// The chart's SVG as a node of this document, or `None` when it holds anything outside
/// the allowlist (or is not well-formed XML).
pub(crate) fn safe_svg(text: &str, title: &str) -> Js<Option<Element>> {
    let parser = web_sys::DomParser::new()?;
    let doc = parser.parse_from_string(text, web_sys::SupportedType::ImageSvgXml)?;
    let Some(root) = doc.document_element() else {
        return Ok(None);
    };
    if root.local_name() != "svg" || !clean(&root)? {
        return Ok(None);
    }
    root.set_attribute("role", "img")?;
    root.set_attribute("aria-label", title)?;
    let node = document()?.import_node_with_deep(&root, true)?;
    Ok(node.dyn_into::<Element>().ok())
}

/// Checks every element against the allowlist and drops every attribute it refuses;
/// `false` when an element is not allowed.
fn clean(el: &Element) -> Js<bool> {
    if !svg_element_allowed(&el.local_name()) {
        return Ok(false);
    }
    let attrs = el.attributes();
    let mut refused = Vec::new();
    for i in 0..attrs.length() {
        if let Some(a) = attrs.item(i) {
            if !svg_attribute_allowed(&a.name(), &a.value()) {
                refused.push(a.name());
            }
        }
    }
    for name in refused {
        el.remove_attribute(&name)?;
    }
    let children = el.children();
    for i in 0..children.length() {
        if let Some(child) = children.item(i) {
            if !clean(&child)? {
                return Ok(false);
            }
        }
    }
    Ok(true)
}

async fn bytes_of(file: &web_sys::File) -> Result<JsValue, JsValue> {
    let buffer = JsFuture::from(file.array_buffer()).await?;
    Ok(js_sys::Uint8Array::new(&buffer).into())
}

/// The dashboard data as text (handed to the Worker as it is).
async fn fetch_text(path: &str) -> Result<String, crate::error::ConsoleError> {
    use crate::error::ConsoleError;
    let window = web_sys::window().ok_or(ConsoleError::Network)?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(path))
        .await
        .map_err(|_| ConsoleError::Network)?
        .dyn_into()
        .map_err(|_| ConsoleError::Network)?;
    let status = response.status();
    let text = match response.text() {
        Ok(p) => JsFuture::from(p)
            .await
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default(),
        Err(_) => String::new(),
    };
    if (200..300).contains(&status) {
        return Ok(text);
    }
    let body = js_sys::JSON::parse(&text).unwrap_or(JsValue::NULL);
    Err(crate::web::http::error_of(status, body))
}
