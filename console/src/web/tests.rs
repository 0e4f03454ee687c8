//! Browser tests of the console's shell (wasm-bindgen-test in headless Chromium, run by
//! `cargo xtask test browser`): pages rendered into detached elements, the 404 views, the
//! reading of the collector's error bodies as the browser parses them, the CSV download's
//! `Blob`, and the check every chart's SVG passes before it enters the page.
//!
//! Run alone: `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p rapport-console
//! --target wasm32-unknown-unknown --lib`.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::Element;

use crate::error::ConsoleError;
use crate::missing::Missing;
use crate::model::{Detail, Item};
use crate::web::app::App;
use crate::web::dom::{document, text_el, H};
use crate::web::pages::{dashboard, not_found, response};
use crate::web::{download, http};

wasm_bindgen_test_configure!(run_in_browser);

fn detached(tag: &str) -> Element {
    document()
        .and_then(|d| d.create_element(tag))
        .expect("an element")
}

fn texts(root: &Element, selector: &str) -> Vec<String> {
    let list = root.query_selector_all(selector).expect("a selector");
    (0..list.length())
        .filter_map(|i| list.item(i))
        .map(|n| n.text_content().unwrap_or_default())
        .collect()
}

fn href(root: &Element, selector: &str) -> Option<String> {
    root.query_selector(selector)
        .expect("a selector")
        .and_then(|a| a.get_attribute("href"))
}

fn api(status: u16, code: &str, message: &str) -> ConsoleError {
    ConsoleError::Api {
        status,
        code: code.into(),
        message: message.into(),
    }
}

#[wasm_bindgen_test]
fn an_unknown_console_path_shows_the_generic_not_found() {
    let main = detached("main");
    let title = not_found::render(&main).expect("rendered");
    assert_eq!(title, "Page not found");
    assert_eq!(texts(&main, "h1"), ["Page not found"]);
    assert_eq!(href(&main, "a").as_deref(), Some("/admin/inbox"));
    assert!(main
        .text_content()
        .unwrap_or_default()
        .contains("There is no console page at this address."));
}

/// The response page as it stands before its answer arrives: its heading and its body.
fn response_page() -> (Element, Element) {
    let main = detached("main");
    main.append_child(&text_el("h1", "Response").expect("h1"))
        .expect("appended");
    let body = detached("div");
    main.append_child(&body).expect("appended");
    (main, body)
}

#[wasm_bindgen_test]
fn an_unknown_site_and_a_missing_response_read_differently() {
    let (main, body) = response_page();
    let site = Missing::of(&api(
        404,
        "unknown_site",
        "No site \"shop-x\" on this collector.",
    ))
    .expect("a missing site");
    not_found::missing(
        &main,
        &body,
        &site,
        "Response",
        "/admin/inbox",
        "Choose a site",
    )
    .expect("rendered");
    assert_eq!(texts(&main, "h1"), ["Unknown site"]);
    assert_eq!(
        texts(&body, "p.missing"),
        ["No site \"shop-x\" on this collector."]
    );
    assert_eq!(href(&body, "a").as_deref(), Some("/admin/inbox"));
    let title = document().expect("document").title();
    assert_eq!(title, "Unknown site · Rapport console");

    let (main, body) = response_page();
    let id = Missing::of(&api(404, "not_found", "No response \"r9\" on shop-a."))
        .expect("a missing response");
    not_found::missing(
        &main,
        &body,
        &id,
        "Response",
        "/admin/inbox?site=shop-a",
        "See this site's responses",
    )
    .expect("rendered");
    assert_eq!(texts(&main, "h1"), ["Response not found"]);
    assert_eq!(texts(&body, "p.missing"), ["No response \"r9\" on shop-a."]);
    assert_eq!(texts(&body, "a"), ["See this site's responses"]);
    assert_eq!(
        href(&body, "a").as_deref(),
        Some("/admin/inbox?site=shop-a")
    );
}

#[wasm_bindgen_test]
fn the_response_page_names_each_question_by_its_text() {
    let item: Item = serde_json::from_str(
        r#"{"site":"shop-a","id":"r1","survey":"nps","receivedAt":5,
          "score":{"kind":"nps","value":9},"band":"promoter","text":"fine",
          "answers":[
            {"question":"q1","title":"How likely are you to recommend us?","type":"nps","value":9},
            {"question":"q2","type":"text","value":"<img src=x onerror=alert(1)>"}],
          "url":"/cart","customer":null,"risk":null,"currency":null,"status":"new",
          "tags":[],"assignee":null,"holdout":false}"#,
    )
    .expect("an item");
    let app = App::detached().expect("an app");
    let body = detached("div");
    app.main_for_tests().append_child(&body).expect("appended");
    let detail = Detail {
        item,
        notes: Vec::new(),
    };
    response::show(&app, &body, "/admin/api/inbox/shop-a/r1", &detail).expect("shown");
    let answers = body
        .query_selector("#r-answers + dl, section[aria-labelledby='r-answers'] dl")
        .expect("a selector")
        .expect("the answers");
    assert_eq!(
        texts(&answers, "dt"),
        ["How likely are you to recommend us?", "q2"]
    );
    assert_eq!(texts(&answers, "dd"), ["9", "<img src=x onerror=alert(1)>"]);
    // A response without notes says so.
    let notes = body
        .query_selector("section[aria-labelledby='r-notes']")
        .expect("a selector")
        .expect("the notes");
    assert!(texts(&notes, "p").contains(&"No notes yet.".to_owned()));
    // Shopper text went in as text.
    assert!(body.query_selector("img").expect("a selector").is_none());
}

#[wasm_bindgen_test]
fn api_errors_are_read_in_either_form() {
    let parse = |text: &str| js_sys::JSON::parse(text).expect("JSON");
    let nested = http::error_of(
        404,
        parse(r#"{"error":{"code":"unknown_site","field":"site","message":"No site \"x\"."}}"#),
    );
    assert_eq!(nested, api(404, "unknown_site", "No site \"x\"."));
    assert_eq!(
        Missing::of(&nested),
        Some(Missing::UnknownSite("No site \"x\".".into()))
    );
    // An older collector's unknown site: `not_found` on the field `site`.
    let older = http::error_of(
        404,
        parse(r#"{"error":{"code":"not_found","field":"site","message":"No site \"x\"."}}"#),
    );
    assert!(Missing::of(&older).is_some_and(|m| m.is_unknown_site()));
    let flat = http::error_of(
        409,
        parse(r#"{"error":"holdout","message":"In the holdout."}"#),
    );
    assert_eq!(flat, api(409, "holdout", "In the holdout."));
    assert_eq!(flat.to_string(), "In the holdout.");
    // Not JSON (a proxy's page): the status stands in for the code.
    let bare = http::error_of(502, JsValue::NULL);
    assert_eq!(bare, api(502, "HTTP 502", ""));
    assert_eq!(Missing::of(&http::error_of(404, JsValue::NULL)), None);
    assert!(http::error_of(401, parse(r#"{"error":{"code":"unauthenticated"}}"#)).is_signed_out());
}

#[wasm_bindgen_test]
async fn the_csv_download_holds_the_text_under_its_name() {
    let text = "customer,clv\n\"'=HYPERLINK(\"\"x\"\")\",12.5\n";
    let (link, url) =
        download::link("dashboard-shop-a-clv.csv", "text/csv;charset=utf-8", text).expect("link");
    assert_eq!(link.download(), "dashboard-shop-a-clv.csv");
    assert_eq!(link.href(), url);
    assert!(url.starts_with("blob:"), "{url}");
    let window = web_sys::window().expect("a window");
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(&url))
        .await
        .expect("the blob answers")
        .dyn_into()
        .expect("a response");
    let blob: web_sys::Blob = JsFuture::from(response.blob().expect("a blob"))
        .await
        .expect("read")
        .dyn_into()
        .expect("a blob");
    assert_eq!(blob.type_(), "text/csv;charset=utf-8");
    let read = JsFuture::from(blob.text()).await.expect("text");
    assert_eq!(read.as_string().as_deref(), Some(text));
    web_sys::Url::revoke_object_url(&url).expect("revoked");
}

const CHART: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100" viewBox="0 0 200 100"><title>NPS</title><rect width="200" height="100" fill="#ffffff"/><g><line x1="0" y1="0" x2="10" y2="10" stroke="#000" onclick="alert(1)"/><text x="4" y="12" style="fill:red">9</text></g></svg>"##;

#[wasm_bindgen_test]
fn a_chart_svg_enters_the_page_only_through_the_allowlist() {
    let svg = dashboard::safe_svg(CHART, "NPS over time")
        .expect("parsed")
        .expect("a clean chart");
    assert_eq!(svg.local_name(), "svg");
    assert_eq!(svg.get_attribute("role").as_deref(), Some("img"));
    assert_eq!(
        svg.get_attribute("aria-label").as_deref(),
        Some("NPS over time")
    );
    // The chart stays; the handler and the inline style are dropped.
    let line = svg
        .query_selector("line")
        .expect("a selector")
        .expect("the line");
    assert_eq!(line.get_attribute("x2").as_deref(), Some("10"));
    assert!(!line.has_attribute("onclick"));
    let label = svg
        .query_selector("text")
        .expect("a selector")
        .expect("the text");
    assert!(!label.has_attribute("style"));
    assert_eq!(label.text_content().as_deref(), Some("9"));
    // A node of this document, ready to append.
    let here: web_sys::Node = document().expect("document").into();
    assert!(svg
        .owner_document()
        .is_some_and(|d| here.is_same_node(Some(&d))));

    let with_script = CHART.replace("<g>", "<g><script>alert(1)</script>");
    assert!(dashboard::safe_svg(&with_script, "x")
        .expect("parsed")
        .is_none());
    let unlisted = CHART.replace("<g>", "<g><path d=\"M0 0\"/>");
    assert!(dashboard::safe_svg(&unlisted, "x")
        .expect("parsed")
        .is_none());
    let with_link = CHART.replace(
        "<g>",
        "<g><a href=\"https://elsewhere.example/\"><text>x</text></a>",
    );
    assert!(dashboard::safe_svg(&with_link, "x")
        .expect("parsed")
        .is_none());
    let html_root = "<html xmlns=\"http://www.w3.org/1999/xhtml\"><body/></html>";
    assert!(dashboard::safe_svg(html_root, "x")
        .expect("parsed")
        .is_none());
    let broken = "<svg xmlns=\"http://www.w3.org/2000/svg\"><g></svg>";
    assert!(dashboard::safe_svg(broken, "x").expect("parsed").is_none());
}

#[wasm_bindgen_test]
fn elements_built_in_the_shell_carry_text_as_text() {
    let p = H::new("p").expect("p").text("<b>bold</b> & co").el();
    assert_eq!(p.inner_html(), "&lt;b&gt;bold&lt;/b&gt; &amp; co");
    assert_eq!(p.child_element_count(), 0);
}
