//! Webhooks & alerts (owners): the site's outbound webhook endpoints (list, add with the
//! signing secret shown once, enable/disable, rotate the secret, delete, send a test event,
//! the delivery log) and a site's alert settings (Slack-compatible URL, a message per
//! detractor response, the daily digest). What to say about a delivery is decided in
//! [`crate::hooks`]; this file only renders and forwards clicks.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement};

use crate::format;
use crate::hooks::{
    self, AlertSettings, DeliveryPage, DigestSettings, NewWebhook, TestResult, Webhook,
    WebhookList, WebhookPatch, WebhookWithSecret, EVENTS,
};
use crate::route::ROOT;
use crate::web::app::App;
use crate::web::dom::{self, text_el, Js, H};
use crate::web::http;
use crate::web::site_picker;

/// The parts of the page that change after it is drawn.
#[derive(Clone)]
struct Parts {
    rows: Element,
    secret: Element,
    log: Element,
    outcome: Element,
}

/// Renders the page; the endpoints load after.
pub fn render(app: &Rc<App>, main: &Element) -> Js<String> {
    dom::add(main, text_el("h1", "Webhooks & alerts")?)?;
    dom::add(main, text_el("h2", "Webhook endpoints")?)?;
    let table = H::new("table")?.el();
    dom::add(
        &table,
        text_el("caption", "Endpoints and the events they receive")?,
    )?;
    let head = ["URL", "Site", "Events", "Status", "Actions"]
        .iter()
        .try_fold(H::new("tr")?, |row, h| {
            row.with(H::new("th")?.attr("scope", "col")?.text(h))
        })?;
    table.append_child(&H::new("thead")?.with(head)?.el())?;
    let rows = H::new("tbody")?.el();
    table.append_child(&rows)?;
    let wrap = H::new("div")?
        .class("table-wrap")
        .attr("role", "region")?
        .attr("aria-label", "Webhook endpoints")?
        .attr("tabindex", "0")?
        .child(&table)?;
    main.append_child(&wrap.el())?;
    let outcome = H::new("p")?.attr("id", "hook-outcome")?.el();
    main.append_child(&outcome)?;
    let secret = H::new("div")?.class("card").attr("hidden", "")?.el();
    main.append_child(&secret)?;
    let log = H::new("div")?.attr("hidden", "")?.el();
    main.append_child(&log)?;
    let parts = Parts {
        rows,
        secret,
        log,
        outcome,
    };
    dom::add(main, create_form(app, &parts)?)?;
    dom::add(main, alerts_form(app)?)?;
    load(app, &parts);
    Ok("Webhooks & alerts".to_owned())
}

fn load(app: &Rc<App>, parts: &Parts) {
    let parts = parts.clone();
    app.spawn(|app, g| async move {
        let list = http::get::<WebhookList>(&format!("{ROOT}/api/webhooks")).await;
        if !app.current(g) {
            return;
        }
        match list {
            Ok(list) => {
                if let Err(e) = draw_rows(&app, &parts, &list.webhooks) {
                    web_sys::console::error_1(&e);
                }
            }
            Err(e) => app.failed(&e),
        }
    });
}

fn action(app: &Rc<App>, parts: &Parts, label: &str, what: String, run: Action) -> Js<Element> {
    let button = H::new("button")?
        .attr("type", "button")?
        .class("secondary")
        .attr("aria-label", &format!("{label}: {what}"))?
        .text(label)
        .el();
    let (app2, parts2) = (Rc::clone(app), parts.clone());
    app.on(&button, "click", move |_| run.start(&app2, &parts2));
    Ok(button)
}

/// What a row's button does.
#[derive(Clone)]
enum Action {
    Test(String),
    Log(String, String),
    Patch(String, WebhookPatchKind),
    Delete(String),
}

#[derive(Clone, Copy)]
enum WebhookPatchKind {
    Enable(bool),
    Rotate,
}

impl Action {
    fn start(&self, app: &Rc<App>, parts: &Parts) {
        let (this, parts) = (self.clone(), parts.clone());
        app.spawn(|app, g| async move {
            let csrf = app.csrf();
            match this {
                Action::Test(id) => {
                    let path = format!("{ROOT}/api/webhooks/{id}/test");
                    let r: Result<TestResult, _> =
                        http::send::<_, ()>("POST", &path, None, &csrf).await;
                    if !app.current(g) {
                        return;
                    }
                    match r {
                        Ok(r) => {
                            let text = hooks::test_outcome(&r);
                            parts.outcome.set_text_content(Some(&text));
                            app.announce(&text);
                        }
                        Err(e) => app.failed(&e),
                    }
                }
                Action::Log(id, url) => {
                    let path = format!("{ROOT}/api/webhooks/{id}/deliveries");
                    let page = http::get::<DeliveryPage>(&path).await;
                    if !app.current(g) {
                        return;
                    }
                    match page {
                        Ok(page) => {
                            if let Err(e) = draw_log(&parts.log, &url, &page) {
                                web_sys::console::error_1(&e);
                            }
                            app.announce(&format!(
                                "{} deliveries to {url}.",
                                page.deliveries.len()
                            ));
                        }
                        Err(e) => app.failed(&e),
                    }
                }
                Action::Patch(id, kind) => {
                    let body = match kind {
                        WebhookPatchKind::Enable(on) => WebhookPatch {
                            enabled: Some(on),
                            ..WebhookPatch::default()
                        },
                        WebhookPatchKind::Rotate => WebhookPatch {
                            rotate_secret: Some(true),
                            ..WebhookPatch::default()
                        },
                    };
                    let path = format!("{ROOT}/api/webhooks/{id}");
                    let r: Result<WebhookWithSecret, _> =
                        http::send("PATCH", &path, Some(&body), &csrf).await;
                    if !app.current(g) {
                        return;
                    }
                    match r {
                        Ok(r) => {
                            if let Some(secret) = &r.secret {
                                let _ = show_secret(&parts.secret, &r.webhook.url, secret);
                                app.announce("New signing secret shown below, once.");
                            } else {
                                let state = if r.webhook.enabled {
                                    "enabled"
                                } else {
                                    "disabled"
                                };
                                app.announce(&format!("{} {state}.", r.webhook.url));
                            }
                            load(&app, &parts);
                        }
                        Err(e) => app.failed(&e),
                    }
                }
                Action::Delete(id) => {
                    let path = format!("{ROOT}/api/webhooks/{id}");
                    let r = http::send_empty("DELETE", &path, &csrf).await;
                    if !app.current(g) {
                        return;
                    }
                    match r {
                        Ok(()) => {
                            app.announce("Endpoint deleted.");
                            load(&app, &parts);
                        }
                        Err(e) => app.failed(&e),
                    }
                }
            }
        });
    }
}

fn draw_rows(app: &Rc<App>, parts: &Parts, list: &[Webhook]) -> Js<()> {
    dom::clear(&parts.rows);
    if list.is_empty() {
        let cell = H::new("td")?
            .attr("colspan", "5")?
            .text("No endpoint yet: add one below.");
        parts.rows.append_child(&H::new("tr")?.with(cell)?.el())?;
    }
    for w in list {
        let events: Vec<&str> = w.events.iter().map(|e| hooks::event_label(e)).collect();
        let actions = H::new("td")?.class("actions");
        let url = w.url.clone();
        let toggle = if w.enabled { "Disable" } else { "Enable" };
        let buttons = [
            ("Send test", Action::Test(w.id.clone())),
            ("Deliveries", Action::Log(w.id.clone(), url.clone())),
            (
                toggle,
                Action::Patch(w.id.clone(), WebhookPatchKind::Enable(!w.enabled)),
            ),
            (
                "Rotate secret",
                Action::Patch(w.id.clone(), WebhookPatchKind::Rotate),
            ),
            ("Delete", Action::Delete(w.id.clone())),
        ];
        let actions = buttons
            .into_iter()
            .try_fold(actions, |cell, (label, run)| {
                cell.child(&action(app, parts, label, url.clone(), run)?)
            })?;
        let row = H::new("tr")?
            .with(H::new("th")?.attr("scope", "row")?.text(&w.url))?
            .with(H::new("td")?.text(&w.site))?
            .with(H::new("td")?.text(&events.join(", ")))?
            .with(H::new("td")?.text(if w.enabled { "Enabled" } else { "Disabled" }))?
            .with(actions)?;
        parts.rows.append_child(&row.el())?;
    }
    Ok(())
}

fn show_secret(card: &Element, url: &str, secret: &str) -> Js<()> {
    dom::clear(card);
    dom::add(card, text_el("h2", "Signing secret")?)?;
    dom::add(
        card,
        text_el(
            "p",
            &format!("The secret of {url}, shown this once: copy it into the receiving end now."),
        )?,
    )?;
    dom::add(
        card,
        H::new("code")?.attr("id", "hook-secret")?.text(secret).el(),
    )?;
    card.remove_attribute("hidden")?;
    Ok(())
}

fn draw_log(log: &Element, url: &str, page: &DeliveryPage) -> Js<()> {
    dom::clear(log);
    dom::add(log, text_el("h2", &format!("Deliveries to {url}"))?)?;
    let table = H::new("table")?.el();
    dom::add(&table, text_el("caption", "Newest first")?)?;
    let head = ["Queued", "Event", "State", "Event id"]
        .iter()
        .try_fold(H::new("tr")?, |row, h| {
            row.with(H::new("th")?.attr("scope", "col")?.text(h))
        })?;
    table.append_child(&H::new("thead")?.with(head)?.el())?;
    let body = H::new("tbody")?.el();
    for d in &page.deliveries {
        let row = H::new("tr")?
            .with(
                H::new("td")?
                    .class("when")
                    .text(&format::instant(d.created_at)),
            )?
            .with(H::new("td")?.text(hooks::event_label(&d.kind)))?
            .with(H::new("td")?.text(&hooks::delivery_state(d)))?
            .with(H::new("td")?.text(&d.event_id))?;
        body.append_child(&row.el())?;
    }
    if page.deliveries.is_empty() {
        let cell = H::new("td")?
            .attr("colspan", "4")?
            .text("Nothing sent yet.");
        body.append_child(&H::new("tr")?.with(cell)?.el())?;
    }
    table.append_child(&body)?;
    let wrap = H::new("div")?
        .class("table-wrap")
        .attr("role", "region")?
        .attr("aria-label", "Delivery log")?
        .attr("tabindex", "0")?
        .child(&table)?;
    log.append_child(&wrap.el())?;
    log.remove_attribute("hidden")?;
    Ok(())
}

fn checkbox(label: &str, name: &str) -> Js<(Element, HtmlInputElement)> {
    let input: HtmlInputElement = dom::document()?.create_element("input")?.dyn_into()?;
    input.set_type("checkbox");
    input.set_name(name);
    input.set_id(&format!("f-{name}"));
    let wrap = H::new("div")?.class("check").child(&input)?.with(
        H::new("label")?
            .attr("for", &format!("f-{name}"))?
            .text(label),
    )?;
    Ok((wrap.el(), input))
}

fn create_form(app: &Rc<App>, parts: &Parts) -> Js<Element> {
    let form = H::new("form")?
        .class("card")
        .attr("aria-labelledby", "add-hook")?
        .el();
    form.append_child(
        &H::new("h2")?
            .attr("id", "add-hook")?
            .text("Add an endpoint")
            .el(),
    )?;
    let site_holder = H::new("div")?.class("sites").el();
    let site = site_picker::mount(app, &site_holder, "hook-site", Rc::new(|| ()));
    let (url_field, url) = dom::field(
        "URL (https://, or http:// to this machine)",
        "url",
        "hook-url",
        "off",
    )?;
    url.set_required(true);
    form.append_child(&site_holder)?;
    form.append_child(&url_field)?;
    let fieldset = H::new("fieldset")?.with(H::new("legend")?.text("Events"))?;
    let mut boxes = Vec::new();
    for (kind, label) in EVENTS {
        let (wrap, input) = checkbox(label, &format!("ev-{}", kind.replace('.', "-")))?;
        fieldset.0.append_child(&wrap)?;
        boxes.push((kind, input));
    }
    form.append_child(&fieldset.el())?;
    dom::add(&form, dom::button("Add endpoint", "submit")?)?;
    let (app2, form2, parts2) = (Rc::clone(app), form.clone(), parts.clone());
    app.on(&form, "submit", move |e| {
        e.prevent_default();
        let (site, url) = (site.value(), url.value());
        let events: Vec<&'static str> = boxes
            .iter()
            .filter(|(_, b)| b.checked())
            .map(|(k, _)| *k)
            .collect();
        let (form, parts) = (form2.clone(), parts2.clone());
        app2.spawn(|app, g| async move {
            let csrf = app.csrf();
            let body = NewWebhook {
                site: &site,
                url: &url,
                events,
            };
            let r: Result<WebhookWithSecret, _> =
                http::send("POST", &format!("{ROOT}/api/webhooks"), Some(&body), &csrf).await;
            if !app.current(g) {
                return;
            }
            match r {
                Ok(r) => {
                    if let Some(f) = form.dyn_ref::<web_sys::HtmlFormElement>() {
                        f.reset();
                    }
                    if let Some(secret) = &r.secret {
                        let _ = show_secret(&parts.secret, &r.webhook.url, secret);
                    }
                    app.announce(&format!(
                        "{} added; its signing secret is shown once.",
                        r.webhook.url
                    ));
                    load(&app, &parts);
                }
                Err(e) => app.failed(&e),
            }
        });
    });
    Ok(form)
}

fn alerts_form(app: &Rc<App>) -> Js<Element> {
    let form = H::new("form")?
        .class("card")
        .attr("aria-labelledby", "alerts")?
        .el();
    form.append_child(&H::new("h2")?.attr("id", "alerts")?.text("Alerts").el())?;
    let site_field = H::new("div")?.class("sites").el();
    let site = site_picker::mount(app, &site_field, "alert-site", Rc::new(|| ()));
    let (slack_field, slack) = dom::field(
        "Slack-compatible incoming-webhook URL",
        "url",
        "alert-slack",
        "off",
    )?;
    let (instant_field, instant) =
        checkbox("A message for each detractor response", "alert-instant")?;
    let (digest_field, digest) = checkbox("The daily digest", "alert-digest")?;
    let (hour_field, hour) = dom::field("Digest hour (UTC, 0–23)", "number", "alert-hour", "off")?;
    hour.set_min("0");
    hour.set_max("23");
    hour.set_value("8");
    for f in [
        &site_field,
        &slack_field,
        &instant_field,
        &digest_field,
        &hour_field,
    ] {
        form.append_child(f)?;
    }
    let load = dom::button("Load settings", "button")?;
    load.set_class_name("secondary");
    let actions = H::new("div")?.class("toolbar").child(&load)?.el();
    dom::add(&actions, dom::button("Save alerts", "submit")?)?;
    form.append_child(&actions)?;
    let inputs = Rc::new((site, slack, instant, digest, hour));
    let (app2, i2) = (Rc::clone(app), Rc::clone(&inputs));
    app.on(&load, "click", move |_| {
        let i = Rc::clone(&i2);
        let site = i.0.value();
        app2.spawn(|app, g| async move {
            let path = format!("{ROOT}/api/sites/{}/alerts", crate::route::encode(&site));
            let r = http::get::<AlertSettings>(&path).await;
            if !app.current(g) {
                return;
            }
            match r {
                Ok(s) => {
                    i.1.set_value(s.slack_url.as_deref().unwrap_or(""));
                    i.2.set_checked(s.instant_detractor);
                    i.3.set_checked(s.digest.enabled);
                    i.4.set_value(&s.digest.hour_utc.to_string());
                    app.announce(&format!("Alert settings of {site} loaded."));
                }
                Err(e) => app.failed(&e),
            }
        });
    });
    let app3 = Rc::clone(app);
    app.on(&form, "submit", move |e| {
        e.prevent_default();
        let i = Rc::clone(&inputs);
        let site = i.0.value();
        let slack = i.1.value();
        let body = AlertSettings {
            slack_url: (!slack.is_empty()).then_some(slack),
            instant_detractor: i.2.checked(),
            digest: DigestSettings {
                enabled: i.3.checked(),
                hour_utc: i.4.value().parse().unwrap_or(24),
            },
        };
        app3.spawn(|app, g| async move {
            let csrf = app.csrf();
            let path = format!("{ROOT}/api/sites/{}/alerts", crate::route::encode(&site));
            let r: Result<AlertSettings, _> = http::send("PUT", &path, Some(&body), &csrf).await;
            if !app.current(g) {
                return;
            }
            match r {
                Ok(_) => app.announce(&format!("Alert settings of {site} saved.")),
                Err(e) => app.failed(&e),
            }
        });
    });
    Ok(form)
}
