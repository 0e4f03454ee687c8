//! Browser tests of the DOM shell (headless Chromium via wasm-bindgen-test).
//!
//! Each test uses its own site id, so localStorage state never leaks between tests, and
//! destroys its widget at the end.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Function, Object, Reflect};
use rapport::core::i18n::Locale;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{
    Element, HtmlElement, HtmlInputElement, KeyboardEvent, KeyboardEventInit, ShadowRoot,
};

wasm_bindgen_test_configure!(run_in_browser);

/// The widget object `start` returns, used through its JavaScript API as the loader does.
struct Widget(JsValue);

impl Widget {
    fn method(&self, name: &str) -> Function {
        Reflect::get(&self.0, &name.into())
            .unwrap()
            .dyn_into()
            .expect("a method")
    }

    /// `widget.command(name, args)`; must not throw.
    fn command(&self, name: JsValue, args: JsValue) {
        self.method("command")
            .call2(&self.0, &name, &args)
            .expect("command never throws");
    }

    /// `widget.active`, a boolean.
    fn active(&self) -> bool {
        Reflect::get(&self.0, &"active".into())
            .unwrap()
            .as_bool()
            .expect("a boolean")
    }

    /// `widget.destroy()`; must not throw.
    fn destroy(&mut self) {
        self.method("destroy")
            .call0(&self.0)
            .expect("destroy never throws");
    }
}

/// `start(options)`; never throws.
fn start(options: JsValue) -> Widget {
    Widget(rapport::web::exports::start(options))
}

fn window() -> web_sys::Window {
    web_sys::window().unwrap()
}

fn document() -> web_sys::Document {
    window().document().unwrap()
}

/// A survey config for `site` whose single survey shows on page load.
fn config(site: &str, questions: &str, extra: &str) -> String {
    format!(
        r#"{{"site":"{site}","locale":"en","surveys":[{{"id":"s","trigger":{{"type":"pageLoad"}},
        "throttle":{{"frequency":"always"}},"questions":[{questions}]}}]{extra}}}"#
    )
}

/// Events emitted by the widget, as `[name, detail]` pairs.
struct Events(Array);

impl Events {
    fn names(&self) -> Vec<String> {
        self.0
            .iter()
            .map(|pair| Array::from(&pair).get(0).as_string().unwrap())
            .collect()
    }

    fn detail(&self, name: &str) -> Option<JsValue> {
        self.0
            .iter()
            .map(|p| Array::from(&p))
            .find(|p| p.get(0).as_string().as_deref() == Some(name))
            .map(|p| p.get(1))
    }
}

fn options(site: &str, config_json: Option<&str>) -> (JsValue, Events) {
    let events = Array::new();
    let opts = Object::new();
    Reflect::set(&opts, &"site".into(), &site.into()).unwrap();
    // Port 9 (discard) on loopback: fetch fails fast, exercising the retry path.
    Reflect::set(&opts, &"endpoint".into(), &"http://127.0.0.1:9".into()).unwrap();
    let config = match config_json {
        Some(json) => js_sys::JSON::parse(json).unwrap(),
        None => JsValue::NULL,
    };
    Reflect::set(&opts, &"config".into(), &config).unwrap();
    let push = Function::new_with_args("n, d", "this.push([n, d])").bind0(&events);
    Reflect::set(&opts, &"emit".into(), &push).unwrap();
    Reflect::set(&opts, &"locales".into(), &locale_files()).unwrap();
    (opts.into(), Events(events))
}

/// A `locales(tag)` option as the loader's, serving the files the build writes from the
/// core's tables (a promise of the file's JSON; `undefined` for a tag with no file).
fn locale_files() -> Function {
    let files = Object::new();
    for locale in Locale::ALL {
        let json = js_sys::JSON::parse(&locale.strings().to_json()).unwrap();
        Reflect::set(&files, &locale.tag().into(), &json).unwrap();
    }
    Function::new_with_args("t", "return Promise.resolve(this[t])").bind0(&files)
}

fn launch(site: &str, questions: &str) -> (Widget, Events) {
    let (opts, events) = options(site, Some(&config(site, questions, "")));
    (start(opts), events)
}

/// [`launch`], but the survey is the shopper's: a manual survey shown with
/// `show(id, {shopper: true})`, as a feedback button does (modal: focus moves in).
fn launch_modal(site: &str, questions: &str) -> (Widget, Events) {
    let json = format!(
        r#"{{"site":"{site}","locale":"en","surveys":[{{"id":"s","trigger":{{"type":"manual"}},
        "throttle":{{"frequency":"always"}},"questions":[{questions}]}}]}}"#
    );
    let (opts, events) = options(site, Some(&json));
    let w = start(opts);
    let shopper = js_sys::JSON::parse(r#"{"shopper":true}"#).unwrap();
    w.command("show".into(), Array::of2(&"s".into(), &shopper).into());
    (w, events)
}

fn hosts() -> u32 {
    document()
        .query_selector_all("rapport-widget")
        .unwrap()
        .length()
}

fn root() -> ShadowRoot {
    document()
        .query_selector("rapport-widget")
        .unwrap()
        .expect("a <rapport-widget> host")
        .shadow_root()
        .expect("an open shadow root")
}

fn q(selector: &str) -> Element {
    root()
        .query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no element matches {selector}"))
}

fn q_all(selector: &str) -> Vec<Element> {
    let list = root().query_selector_all(selector).unwrap();
    (0..list.length())
        .map(|i| list.item(i).unwrap().dyn_into::<Element>().unwrap())
        .collect()
}

fn click(el: &Element) {
    el.dyn_ref::<HtmlElement>().unwrap().click();
}

fn key(el: &Element, key: &str) {
    let init = KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let event = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    el.dispatch_event(&event).unwrap();
}

/// Whether `el` takes part in layout: its computed `display` is not `none` (on it or, seen
/// through `offsetParent`, on an ancestor). Checks what the visitor sees, not just the
/// `hidden` attribute, which an author `display` rule would override.
fn rendered(el: &Element) -> bool {
    let display = window()
        .get_computed_style(el)
        .unwrap()
        .unwrap()
        .get_property_value("display")
        .unwrap();
    display != "none"
        && el
            .dyn_ref::<HtmlElement>()
            .unwrap()
            .offset_parent()
            .is_some()
}

fn checked(radios: &[Element]) -> Vec<usize> {
    radios
        .iter()
        .enumerate()
        .filter(|(_, r)| r.get_attribute("aria-checked").as_deref() == Some("true"))
        .map(|(i, _)| i)
        .collect()
}

fn storage(key: &str) -> Option<String> {
    window()
        .local_storage()
        .unwrap()
        .unwrap()
        .get_item(key)
        .unwrap()
}

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        window()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

const NPS: &str = r#"{"id":"nps","type":"nps","text":"How likely?","lowLabel":"Not likely","highLabel":"Very likely","required":true}"#;

#[wasm_bindgen_test]
fn nps_is_an_accessible_radio_group() {
    let (mut w, events) = launch("t-nps", NPS);
    assert_eq!(hosts(), 1);
    let dialog = q("[role=dialog]");
    let label_id = dialog.get_attribute("aria-labelledby").unwrap();
    let label = root().get_element_by_id(&label_id).unwrap();
    assert_eq!(label.text_content().unwrap(), "How likely?");
    let group = q("[role=radiogroup]");
    assert_eq!(group.get_attribute("aria-labelledby").unwrap(), label_id);
    assert_eq!(
        group.get_attribute("aria-required").as_deref(),
        Some("true")
    );
    let radios = q_all("[role=radio]");
    assert_eq!(radios.len(), 11);
    assert_eq!(radios[0].text_content().unwrap(), "0");
    assert_eq!(radios[10].text_content().unwrap(), "10");
    assert!(checked(&radios).is_empty());
    let stops: Vec<_> = radios
        .iter()
        .filter(|r| r.get_attribute("tabindex").as_deref() == Some("0"))
        .collect();
    assert_eq!(stops.len(), 1, "roving tabindex: one tab stop");
    assert!(q(".ends").text_content().unwrap().contains("Not likely"));
    assert!(q(".pg").text_content().unwrap().contains('1'));
    assert_eq!(events.names(), ["show"]);
    w.destroy();
    assert_eq!(hosts(), 0);
}

#[wasm_bindgen_test]
fn arrow_keys_home_end_move_and_select() {
    let (mut w, _) = launch("t-keys", NPS);
    let radios = q_all("[role=radio]");
    key(&radios[0], "ArrowRight");
    assert_eq!(checked(&radios), [1]);
    assert_eq!(
        root().active_element().unwrap(),
        radios[1],
        "focus follows selection"
    );
    assert_eq!(radios[1].get_attribute("tabindex").as_deref(), Some("0"));
    assert_eq!(radios[0].get_attribute("tabindex").as_deref(), Some("-1"));
    key(&radios[1], "End");
    assert_eq!(checked(&radios), [10]);
    key(&radios[10], "ArrowRight");
    assert_eq!(checked(&radios), [0], "wraps around");
    key(&radios[0], "ArrowLeft");
    assert_eq!(checked(&radios), [10]);
    key(&radios[10], "Home");
    assert_eq!(checked(&radios), [0]);
    click(&radios[7]);
    assert_eq!(checked(&radios), [7]);
    w.destroy();
}

#[wasm_bindgen_test]
fn every_scale_type_renders_its_radios() {
    for (kind, count, first_label) in [
        ("csat", 5, Some("1 of 5")),
        ("ces", 7, None),
        ("thumbs", 2, Some("up")),
        ("emoji", 5, None),
    ] {
        let site = format!("t-{kind}");
        let prompt = format!("Rate the {kind}");
        let (mut w, _) = launch(
            &site,
            &format!(r#"{{"id":"q","type":"{kind}","text":"{prompt}"}}"#),
        );
        let radios = q_all("[role=radiogroup] [role=radio]");
        assert_eq!(radios.len(), count, "{kind}");
        for radio in &radios {
            let name = radio
                .get_attribute("aria-label")
                .or(radio.text_content())
                .unwrap();
            assert!(!name.trim().is_empty(), "{kind}: every radio has a name");
        }
        if let Some(label) = first_label {
            let name = radios[0]
                .get_attribute("aria-label")
                .unwrap()
                .to_lowercase();
            assert!(name.contains(label), "{kind}: {name}");
        }
        assert_eq!(
            q(&format!(
                "#{}",
                q("[role=dialog]").get_attribute("aria-labelledby").unwrap()
            ))
            .text_content()
            .unwrap(),
            prompt,
            "{kind}: the question's text labels the dialog"
        );
        w.destroy();
    }
}

#[wasm_bindgen_test]
fn single_choice_is_a_radio_group_of_options() {
    let (mut w, _) = launch(
        "t-single",
        r#"{"id":"plan","type":"singleChoice","text":"Plan?","options":[{"id":"a","label":"Alpha"},{"id":"b","label":"Beta"}]}"#,
    );
    let radios = q_all("[role=radio]");
    assert_eq!(radios.len(), 2);
    assert_eq!(radios[1].text_content().unwrap(), "Beta");
    key(&radios[0], "ArrowDown");
    assert_eq!(checked(&radios), [1]);
    w.destroy();
}

#[wasm_bindgen_test]
fn multiple_choice_other_reveals_a_text_field() {
    let (mut w, _) = launch(
        "t-multi",
        r#"{"id":"why","type":"multipleChoice","text":"Why?","other":true,"options":[{"id":"a","label":"Price"},{"id":"b","label":"Speed"}]}"#,
    );
    let boxes = q_all("input[type=checkbox]");
    assert_eq!(boxes.len(), 3);
    assert!(root().query_selector("input[type=text]").unwrap().is_none());
    click(&boxes[2]);
    let field = q("input[type=text]");
    assert!(field.get_attribute("aria-label").is_some());
    assert_eq!(root().active_element().unwrap(), field);
    click(&boxes[2]);
    assert!(root().query_selector("input[type=text]").unwrap().is_none());
    w.destroy();
}

#[wasm_bindgen_test]
fn open_text_has_maxlength_and_a_counter() {
    let (mut w, _) = launch(
        "t-text",
        r#"{"id":"t","type":"openText","text":"Tell us","maxLength":50}"#,
    );
    let area = q("textarea");
    assert_eq!(area.get_attribute("maxlength").as_deref(), Some("50"));
    assert_eq!(area.get_attribute("aria-label").as_deref(), Some("Tell us"));
    let counter_id = area.get_attribute("aria-describedby").unwrap();
    let counter = root().get_element_by_id(&counter_id).unwrap();
    assert_eq!(counter.text_content().unwrap(), "0 / 50");
    let area: web_sys::HtmlTextAreaElement = area.dyn_into().unwrap();
    area.set_value("héllo");
    area.dispatch_event(
        &web_sys::Event::new_with_event_init_dict("input", &{
            let init = web_sys::EventInit::new();
            init.set_bubbles(true);
            init
        })
        .unwrap(),
    )
    .unwrap();
    assert_eq!(counter.text_content().unwrap(), "5 / 50");
    w.destroy();
}

#[wasm_bindgen_test]
fn config_text_is_inserted_as_text() {
    let (mut w, _) = launch(
        "t-xss",
        r#"{"id":"q","type":"thumbs","text":"<img src=x onerror=\"window.__pwned=1\">"}"#,
    );
    assert!(root().query_selector("img").unwrap().is_none());
    assert!(document().query_selector("img").unwrap().is_none());
    let label = q("[role=dialog]").get_attribute("aria-labelledby").unwrap();
    assert_eq!(
        root()
            .get_element_by_id(&label)
            .unwrap()
            .text_content()
            .unwrap(),
        "<img src=x onerror=\"window.__pwned=1\">"
    );
    w.destroy();
}

#[wasm_bindgen_test]
fn invalid_config_is_dormant_and_does_not_throw() {
    // The collector's configuration is read part by part; only one that is no object leaves
    // the widget dormant.
    let bad = r#"[{"site":"t-bad","surveys":[{"id":"s","trigger":{"type":"pageLoad"},"questions":[{"id":"q","type":"thumbs","text":"Pick"}]}]}]"#;
    let (opts, events) = options("t-bad", Some(bad));
    let mut w = start(opts);
    assert!(!w.active());
    assert_eq!(hosts(), 0);
    w.command("show".into(), Array::of1(&"s".into()).into());
    assert_eq!(hosts(), 0);
    assert!(events.names().is_empty());
    // Not even an options object.
    let mut w2 = start(JsValue::from_f64(3.0));
    assert!(!w2.active());
    w2.command("show".into(), JsValue::UNDEFINED);
    w.destroy();
    w2.destroy();
}

#[wasm_bindgen_test]
fn required_question_shows_an_error_and_stays() {
    let (mut w, _) = launch("t-req", NPS);
    click(&q(".go"));
    assert!(!q("[role=alert]").text_content().unwrap().is_empty());
    assert_eq!(q_all("[role=radio]").len(), 11, "still on the question");
    w.destroy();
}

#[wasm_bindgen_test]
fn branching_follows_the_answer_and_progress_updates() {
    let questions = r#"{"id":"nps","type":"nps","text":"How likely?","branches":[{"when":{"max":6},"goto":"why"}],"next":"end"},
        {"id":"why","type":"openText","text":"What went wrong?"}"#;
    let (mut w, _) = launch("t-branch", questions);
    click(&q_all("[role=radio]")[3]);
    click(&q(".go"));
    let label = q("[role=dialog]").get_attribute("aria-labelledby").unwrap();
    assert_eq!(
        root()
            .get_element_by_id(&label)
            .unwrap()
            .text_content()
            .unwrap(),
        "What went wrong?"
    );
    assert!(q(".pg").text_content().unwrap().contains('2'));
    w.destroy();
}

#[wasm_bindgen_test]
fn back_returns_to_the_question_that_jumped_with_its_answer_checked() {
    let questions = r#"{"id":"nps","type":"nps","text":"How likely?","branches":[{"when":{"max":6},"goto":"why"}],"next":"mood"},
        {"id":"plan","type":"singleChoice","text":"Plan?","options":[{"id":"a","label":"A"}]},
        {"id":"why","type":"openText","text":"What went wrong?"},
        {"id":"mood","type":"thumbs","text":"Good?"}"#;
    let (mut w, _) = launch("t-back", questions);
    assert!(!rendered(&q(".bk")), "no Back on the first question");
    click(&q_all("[role=radio]")[2]);
    click(&q(".go"));
    assert_eq!(q("#rq").text_content().unwrap(), "What went wrong?");
    assert!(rendered(&q(".bk")));
    assert_eq!(q(".bk").text_content().unwrap(), "Back");
    let area = q("textarea")
        .dyn_into::<web_sys::HtmlTextAreaElement>()
        .unwrap();
    area.set_value("Late \u{1f69a}");
    click(&q(".bk"));
    assert_eq!(q("#rq").text_content().unwrap(), "How likely?");
    assert_eq!(
        checked(&q_all("[role=radio]")),
        [2],
        "the answer given is checked"
    );
    assert!(!rendered(&q(".bk")));
    // Forward again: the text entered before going back is still there, counted.
    click(&q(".go"));
    let area = q("textarea")
        .dyn_into::<web_sys::HtmlTextAreaElement>()
        .unwrap();
    assert_eq!(area.value(), "Late \u{1f69a}");
    assert_eq!(q(".cnt").text_content().unwrap(), "6 / 2000");
    // Back, then a promoter: the jump skips `why`, and Back returns to the NPS.
    click(&q(".bk"));
    click(&q_all("[role=radio]")[9]);
    click(&q(".go"));
    assert_eq!(q("#rq").text_content().unwrap(), "Good?");
    click(&q(".bk"));
    assert_eq!(q("#rq").text_content().unwrap(), "How likely?");
    assert_eq!(checked(&q_all("[role=radio]")), [9]);
    w.destroy();
}

#[wasm_bindgen_test]
fn multiple_choice_answers_are_shown_again_after_back() {
    let questions = r#"{"id":"how","type":"multipleChoice","text":"How?","other":true,
        "options":[{"id":"a","label":"A"},{"id":"b","label":"B"}]},
        {"id":"last","type":"thumbs","text":"Good?"}"#;
    let (mut w, _) = launch("t-back-multi", questions);
    click(&q("[data-c=b]"));
    click(&q("[data-other]"));
    let other = q("input[type=text]")
        .dyn_into::<HtmlInputElement>()
        .unwrap();
    other.set_value("Radio");
    click(&q(".go"));
    click(&q(".bk"));
    let boxes: Vec<bool> = q_all("input[type=checkbox]")
        .iter()
        .map(|b| b.dyn_ref::<HtmlInputElement>().unwrap().checked())
        .collect();
    assert_eq!(boxes, [false, true, true]);
    let other = q("input[type=text]")
        .dyn_into::<HtmlInputElement>()
        .unwrap();
    assert_eq!(other.value(), "Radio");
    w.destroy();
}

#[wasm_bindgen_test]
fn stars_faces_and_thumbs_are_svg_pictures() {
    for (kind, count) in [("csat", 5), ("emoji", 5), ("thumbs", 2)] {
        let site = format!("t-svg-{kind}");
        let (mut w, _) = launch(
            &site,
            &format!(r#"{{"id":"q","type":"{kind}","text":"?"}}"#),
        );
        let radios = q_all("[role=radio]");
        assert_eq!(radios.len(), count, "{kind}");
        for radio in &radios {
            assert_eq!(radio.text_content().unwrap(), "", "{kind}: no glyph text");
            let svg = radio.first_element_child().expect("a picture");
            assert_eq!(svg.local_name(), "svg", "{kind}");
            assert_eq!(
                svg.namespace_uri().as_deref(),
                Some("http://www.w3.org/2000/svg")
            );
            assert_eq!(svg.get_attribute("aria-hidden").as_deref(), Some("true"));
            let path = svg.first_element_child().unwrap();
            assert!(path.get_attribute("d").unwrap().len() > 10, "{kind}");
            let width = svg.get_bounding_client_rect().width();
            assert!(width >= 20.0, "{kind}: drawn {width} px wide");
        }
        w.destroy();
    }
}

#[wasm_bindgen_test]
fn the_dark_brand_colour_has_its_own_text_colour_and_falls_back_to_the_brand() {
    for (i, (theme, brand, brand_dark, on_dark)) in [
        (
            r##""brand":"#1e3a8a","brandDark":"#fde047""##,
            "#1e3a8a",
            "#fde047",
            "#111827",
        ),
        (r##""brand":"#1e3a8a""##, "#1e3a8a", "#1e3a8a", "#fff"),
        (
            r##""brand":"#1e3a8a","brandDark":"yellow""##,
            "#1e3a8a",
            "#1e3a8a",
            "#fff",
        ),
        // Neither set: the default brand's lighter tint, with dark text on it.
        (r#""radius":"4px""#, "#4f46e5", "#818cf8", "#111827"),
    ]
    .into_iter()
    .enumerate()
    {
        let site = format!("t-brand-dark-{i}");
        let json = config(
            &site,
            r#"{"id":"q","type":"thumbs","text":"Helpful?"}"#,
            &format!(r#","theme":{{{theme},"mode":"dark"}}"#),
        );
        let (opts, _) = options(&site, Some(&json));
        let mut w = start(opts);
        let host = document()
            .query_selector("rapport-widget")
            .unwrap()
            .unwrap();
        let style = window().get_computed_style(&host).unwrap().unwrap();
        let var = |name| style.get_property_value(name).unwrap().trim().to_string();
        assert_eq!(var("--rapport-brand-dark"), brand_dark, "{theme}");
        assert_eq!(var("--rapport-on-brand-dark"), on_dark, "{theme}");
        assert_eq!(var("--rapport-brand"), brand, "{theme}");
        // Dark mode: the primary button wears the dark pair.
        let go = window().get_computed_style(&q(".go")).unwrap().unwrap();
        let rgb = |hex: &str| match hex {
            "#fde047" => "rgb(253, 224, 71)",
            "#1e3a8a" => "rgb(30, 58, 138)",
            "#111827" => "rgb(17, 24, 39)",
            "#818cf8" => "rgb(129, 140, 248)",
            _ => "rgb(255, 255, 255)",
        };
        assert_eq!(
            go.get_property_value("background-color").unwrap(),
            rgb(brand_dark)
        );
        assert_eq!(go.get_property_value("color").unwrap(), rgb(on_dark));
        w.destroy();
    }
}

#[wasm_bindgen_test]
async fn submit_writes_the_outbox_once_and_thanks() {
    let (mut w, events) = launch("t-submit", r#"{"id":"t","type":"thumbs","text":"Good?"}"#);
    click(&q_all("[role=radio]")[0]);
    let go = q(".go");
    for chrome in [".pg", ".bar", ".ft", ".go"] {
        assert!(rendered(&q(chrome)), "{chrome} shows on a question");
    }
    go.dyn_ref::<HtmlElement>().unwrap().focus().unwrap();
    click(&go);
    click(&go);
    assert_eq!(
        root().active_element().unwrap(),
        q(".x"),
        "focus stays in the dialog, on its close button"
    );
    let outbox = storage("rapport:t-submit:outbox").expect("outbox written");
    let entries = js_sys::JSON::parse(&outbox).unwrap();
    let entries = Array::from(&entries);
    assert_eq!(entries.length(), 1, "double click sends once: {outbox}");
    let body = Reflect::get(&entries.get(0), &"body".into())
        .unwrap()
        .as_string()
        .unwrap();
    assert!(
        body.contains(r#""answers":[{"question":"t","value":"up"}]"#),
        "{body}"
    );
    assert_eq!(events.names().iter().filter(|n| *n == "submit").count(), 1);
    let detail = events.detail("submit").unwrap();
    let response = Reflect::get(&detail, &"response".into()).unwrap();
    let id = Reflect::get(&response, &"id".into())
        .unwrap()
        .as_string()
        .unwrap();
    assert_eq!(id.len(), 36);
    assert_eq!(&id[14..15], "4", "uuid v4");
    assert!(storage("rapport:t-submit:throttle")
        .unwrap()
        .contains("\"answered\":true"));
    assert!(storage("rapport:t-submit:visitor").is_some());
    assert!(storage("rapport:t-submit:mute").is_some());
    // Thank-you screen, then the network failure is scheduled for retry, not dropped.
    // The footer (with its disabled Submit), the progress text and bar are not rendered.
    for chrome in [".pg", ".bar", ".ft", ".go"] {
        assert!(
            !rendered(&q(chrome)),
            "{chrome} is not rendered on the thank-you step"
        );
    }
    assert!(rendered(&q(".x")), "the close button stays");
    sleep(300).await;
    let outbox = storage("rapport:t-submit:outbox").unwrap();
    assert!(outbox.contains("\"attempts\":1"), "{outbox}");
    w.destroy();
}

#[wasm_bindgen_test]
fn escape_closes_restores_focus_and_emits_close() {
    let button = document().create_element("button").unwrap();
    document().body().unwrap().append_child(&button).unwrap();
    button.dyn_ref::<HtmlElement>().unwrap().focus().unwrap();
    let (mut w, events) = launch_modal("t-esc", NPS);
    let radio = q("[role=radio]");
    assert_eq!(
        root().active_element().unwrap(),
        radio,
        "focus moves into the dialog"
    );
    key(&radio, "Escape");
    assert_eq!(hosts(), 0);
    assert_eq!(
        document().active_element().unwrap(),
        button,
        "focus restored"
    );
    let detail = events.detail("close").unwrap();
    assert_eq!(
        Reflect::get(&detail, &"completed".into()).unwrap(),
        JsValue::FALSE
    );
    button.remove();
    w.destroy();
}

#[wasm_bindgen_test]
fn focus_stays_in_a_page_field_the_visitor_is_typing_into() {
    for (i, (tag, editable)) in [("input", false), ("TEXTAREA", false), ("p", true)]
        .into_iter()
        .enumerate()
    {
        let field = document().create_element(tag).unwrap();
        if editable {
            field.set_attribute("contenteditable", "true").unwrap();
        }
        document().body().unwrap().append_child(&field).unwrap();
        field.dyn_ref::<HtmlElement>().unwrap().focus().unwrap();
        let (mut w, _) = launch_modal(&format!("t-typing-{i}"), NPS);
        assert_eq!(hosts(), 1);
        assert_eq!(
            document().active_element().unwrap(),
            field,
            "focus stays in the page's {tag}"
        );
        w.destroy();
        field.remove();
    }
}

#[wasm_bindgen_test]
fn a_survey_opened_by_a_trigger_leaves_focus_and_the_shortcut_moves_it_in() {
    let button = document().create_element("button").unwrap();
    document().body().unwrap().append_child(&button).unwrap();
    button.dyn_ref::<HtmlElement>().unwrap().focus().unwrap();
    let (mut w, _) = launch("t-popover", NPS);
    let dialog = q("[role=dialog]");
    assert_eq!(dialog.get_attribute("aria-modal").as_deref(), Some("false"));
    assert_eq!(
        document().active_element().unwrap(),
        button,
        "focus stays on the page"
    );
    let status = q("[role=status]").text_content().unwrap();
    assert!(
        status.contains("How likely?") && status.contains("Alt+Shift+R"),
        "{status}"
    );
    // Keys other than the shortcut stay the page's.
    key(&button, "Enter");
    assert_eq!(document().active_element().unwrap(), button);
    let init = KeyboardEventInit::new();
    init.set_key("R");
    init.set_code("KeyR");
    init.set_alt_key(true);
    init.set_shift_key(true);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let shortcut = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    button.dispatch_event(&shortcut).unwrap();
    assert!(shortcut.default_prevented());
    assert_eq!(root().active_element().unwrap(), q("[role=radio]"));
    // Not modal: Tab from the last element is not wrapped back in.
    let go = q(".go");
    go.dyn_ref::<HtmlElement>().unwrap().focus().unwrap();
    key(&go, "Tab");
    assert_eq!(
        document().active_element().unwrap(),
        button,
        "Tab goes on from the page's button"
    );
    w.destroy();
    button.remove();
}

#[wasm_bindgen_test]
fn minimise_collapses_to_the_title_and_reopens() {
    let (mut w, _) = launch("t-min", NPS);
    let minimise = q(".mn");
    assert_eq!(
        minimise.get_attribute("aria-expanded").as_deref(),
        Some("true")
    );
    click(&q_all("[role=radio]")[3]);
    click(&minimise);
    assert_eq!(
        minimise.get_attribute("aria-expanded").as_deref(),
        Some("false")
    );
    assert_eq!(
        minimise.get_attribute("aria-label").as_deref(),
        Some("Expand")
    );
    assert!(!rendered(&q(".go")), "the body is hidden");
    assert!(
        rendered(&q(".q")) && rendered(&q(".x")),
        "title and close stay"
    );
    click(&q(".q"));
    assert_eq!(
        minimise.get_attribute("aria-expanded").as_deref(),
        Some("true")
    );
    assert!(rendered(&q(".go")));
    assert_eq!(checked(&q_all("[role=radio]")), [3], "the answer is kept");
    w.destroy();
}

#[wasm_bindgen_test]
fn tab_is_trapped_inside_the_dialog() {
    let (mut w, _) = launch_modal("t-tab", NPS);
    let close = q(".mn");
    let go = q(".go");
    go.dyn_ref::<HtmlElement>().unwrap().focus().unwrap();
    key(&go, "Tab");
    assert_eq!(
        root().active_element().unwrap(),
        close,
        "Tab from the last wraps to the first"
    );
    let init = KeyboardEventInit::new();
    init.set_key("Tab");
    init.set_shift_key(true);
    init.set_bubbles(true);
    init.set_cancelable(true);
    close
        .dispatch_event(
            &KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap(),
        )
        .unwrap();
    assert_eq!(
        root().active_element().unwrap(),
        go,
        "Shift+Tab from the first wraps to the last"
    );
    w.destroy();
}

#[wasm_bindgen_test]
fn hostile_page_css_does_not_hide_or_shrink_the_widget() {
    let style = document().create_element("style").unwrap();
    style.set_text_content(Some(
        "* { all: unset !important } div { display: none !important } html { font-size: 6px } rapport-widget { display: none !important; opacity: 0 !important }",
    ));
    document().head().unwrap().append_child(&style).unwrap();
    let (mut w, _) = launch("t-hostile", NPS);
    let rect = q("[role=dialog]").get_bounding_client_rect();
    assert!(
        rect.width() >= 300.0 && rect.height() > 100.0,
        "{} x {}",
        rect.width(),
        rect.height()
    );
    let radio = q("[role=radio]").get_bounding_client_rect();
    assert!(
        radio.height() >= 30.0,
        "px sizes, not rem: {}",
        radio.height()
    );
    let host = document()
        .query_selector("rapport-widget")
        .unwrap()
        .unwrap();
    let computed = window().get_computed_style(&host).unwrap().unwrap();
    assert_eq!(computed.get_property_value("display").unwrap(), "block");
    assert_eq!(computed.get_property_value("opacity").unwrap(), "1");
    // The host covers the part of the page on screen (the containing block of the fixed
    // dialog) and lets every pointer event through to the page.
    let host_rect = host.get_bounding_client_rect();
    let view = window().visual_viewport().unwrap();
    assert!(
        (host_rect.width() - view.width().trunc()).abs() < 1.0
            && (host_rect.height() - view.height().trunc()).abs() < 1.0,
        "the host covers the visual viewport: {}x{} vs {}x{}",
        host_rect.width(),
        host_rect.height(),
        view.width(),
        view.height()
    );
    assert_eq!(
        computed.get_property_value("pointer-events").unwrap(),
        "none"
    );
    style.remove();
    w.destroy();
}

#[wasm_bindgen_test]
async fn rtl_locales_set_dir() {
    let site = "t-rtl";
    let json = config(
        site,
        r#"{"id":"q","type":"thumbs","text":{"en":"Was this helpful?","ar":"هل كان هذا مفيدًا؟"}}"#,
        "",
    )
    .replace(r#""locale":"en""#, r#""locale":"ar""#);
    let (opts, _) = options(site, Some(&json));
    let mut w = start(opts);
    assert_eq!(hosts(), 0, "waits for the Arabic locale file");
    sleep(0).await;
    let dialog = q("[role=dialog]");
    assert!(
        root().text_content().unwrap().contains("إرسال"),
        "Arabic words"
    );
    assert_eq!(dialog.get_attribute("dir").as_deref(), Some("rtl"));
    assert_eq!(dialog.get_attribute("lang").as_deref(), Some("ar"));
    let title = q(&format!(
        "#{}",
        dialog.get_attribute("aria-labelledby").unwrap()
    ));
    assert_eq!(title.text_content().unwrap(), "هل كان هذا مفيدًا؟");
    w.destroy();
}

#[wasm_bindgen_test]
async fn without_its_locale_file_the_widget_speaks_english() {
    let json = |site: &str| config(site, NPS, "").replace(r#""locale":"en""#, r#""locale":"fr""#);
    // `locales` rejects (the file could not be fetched), throws, or is not given.
    let rejecting = Function::new_no_args("return Promise.reject(new Error('offline'))");
    let throwing = Function::new_no_args("throw new Error('no')");
    for (site, locales) in [
        ("t-fr-rejected", Some(rejecting)),
        ("t-fr-throws", Some(throwing)),
        ("t-fr-none", None),
    ] {
        let (opts, events) = options(site, Some(&json(site)));
        match locales {
            Some(f) => Reflect::set(&opts, &"locales".into(), &f).unwrap(),
            None => Reflect::set(&opts, &"locales".into(), &JsValue::UNDEFINED).unwrap(),
        };
        let mut w = start(opts);
        sleep(0).await;
        assert_eq!(hosts(), 1, "{site}: shown anyway");
        let text = root().text_content().unwrap();
        assert!(
            text.contains("Submit") && !text.contains("Envoyer"),
            "{site}: {text}"
        );
        assert_eq!(
            q("[role=dialog]").get_attribute("lang").as_deref(),
            Some("fr")
        );
        assert_eq!(events.names(), ["show"], "{site}");
        w.destroy();
    }
}

#[wasm_bindgen_test]
async fn a_page_in_another_language_gets_its_locale_file_through_locales() {
    let site = "t-de";
    let json = config(site, NPS, "").replace(r#""locale":"en""#, r#""locale":"de-CH""#);
    let (opts, _) = options(site, Some(&json));
    let asked = Array::new();
    let files = Reflect::get(&opts, &"locales".into()).unwrap();
    let spy = Function::new_with_args("f, t", "this.push(t); return f(t)").bind1(&asked, &files);
    Reflect::set(&opts, &"locales".into(), &spy).unwrap();
    let mut w = start(opts);
    sleep(0).await;
    assert_eq!(
        asked
            .iter()
            .map(|t| t.as_string().unwrap())
            .collect::<Vec<_>>(),
        ["de"]
    );
    assert!(root().text_content().unwrap().contains("Senden"));
    w.destroy();
}

#[wasm_bindgen_test]
fn manual_show_and_track_commands() {
    let site = "t-cmd";
    let json = format!(
        r#"{{"site":"{site}","surveys":[
        {{"id":"m","throttle":{{"frequency":"always"}},"questions":[{{"id":"q","type":"thumbs","text":"Helpful?"}}]}},
        {{"id":"e","trigger":{{"type":"event","event":"Bought"}},"throttle":{{"frequency":"always"}},"questions":[{{"id":"q","type":"emoji","text":"How was it?"}}]}}]}}"#
    );
    let (opts, events) = options(site, Some(&json));
    let mut w = start(opts);
    assert_eq!(hosts(), 0, "manual survey waits");
    w.command("track".into(), Array::of1(&"Other".into()).into());
    assert_eq!(hosts(), 0);
    w.command(
        "track".into(),
        Array::of2(&"Bought".into(), &Object::new()).into(),
    );
    assert_eq!(q_all("[role=radio]").len(), 5, "event survey shown");
    w.command("hide".into(), Array::new().into());
    assert_eq!(hosts(), 0);
    w.command("show".into(), Array::of1(&"m".into()).into());
    assert_eq!(q_all("[role=radio]").len(), 2, "manual survey shown");
    w.command("nonsense".into(), Array::new().into());
    w.command("hide".into(), JsValue::UNDEFINED);
    assert_eq!(events.names(), ["show", "close", "show", "close"]);
    w.destroy();
}

#[wasm_bindgen_test]
fn storage_falls_back_to_memory_when_local_storage_throws() {
    let saved = Reflect::get(&window(), &"localStorage".into()).unwrap();
    let define = Function::new_with_args(
        "",
        "Object.defineProperty(window, 'localStorage', { configurable: true, get() { throw new DOMException('denied', 'SecurityError'); } });",
    );
    define.call0(&JsValue::NULL).unwrap();
    let (mut w, events) = launch("t-nostore", r#"{"id":"t","type":"thumbs","text":"Good?"}"#);
    assert_eq!(hosts(), 1, "still shows");
    click(&q_all("[role=radio]")[1]);
    click(&q(".go"));
    assert!(events.names().contains(&String::from("submit")));
    w.destroy();
    let restore = Function::new_with_args(
        "s",
        "Object.defineProperty(window, 'localStorage', { configurable: true, value: s, writable: true });",
    );
    restore.call1(&JsValue::NULL, &saved).unwrap();
    assert!(
        storage("rapport:t-nostore:outbox").is_none(),
        "nothing reached real storage"
    );
}

/// Replaces `window.fetch` with a stub answering `status`; records `[url, body, keepalive]`.
/// Replaces `fetch` with a stub answering `status`: the responses it was asked to POST
/// (`[url, body, keepalive]`) in the first array, the impressions in the second.
fn stub_fetch_both(status: u16) -> (Array, Array) {
    let sent = Array::new();
    let impressions = Array::new();
    let install = Function::new_with_args(
        "sent, impressions, status",
        "window.__realFetch = window.__realFetch || window.fetch;
         window.fetch = (url, init) => {
           const to = String(url).endsWith('/v1/impressions') ? impressions : sent;
           to.push([url, init.body, init.keepalive]);
           return Promise.resolve(new Response(to === sent ? '{}' : null, { status: to === sent ? status : 204 })); };",
    );
    let _ = install.call3(&JsValue::NULL, &sent, &impressions, &JsValue::from(status));
    (sent, impressions)
}

/// [`stub_fetch_both`]'s responses only.
fn stub_fetch(status: u16) -> Array {
    stub_fetch_both(status).0
}

fn restore_fetch() {
    Function::new_no_args("if (window.__realFetch) { window.fetch = window.__realFetch; }")
        .call0(&JsValue::NULL)
        .unwrap();
}

#[wasm_bindgen_test]
async fn an_opening_posts_one_impression_of_the_site_and_survey() {
    let (sent, impressions) = stub_fetch_both(201);
    let (mut w, _events) = launch(
        "t-impression",
        r#"{"id":"t","type":"thumbs","text":"Good?"}"#,
    );
    click(&q_all("[role=radio]")[0]);
    click(&q(".go"));
    sleep(50).await;
    restore_fetch();
    assert_eq!(impressions.length(), 1, "one impression for one opening");
    let request = Array::from(&impressions.get(0));
    let url = request.get(0).as_string().unwrap_or_default();
    assert!(url.ends_with("/v1/impressions"), "{url}");
    // The site and the survey, nothing about the visitor.
    assert_eq!(
        request.get(1).as_string().as_deref(),
        Some(r#"{"site":"t-impression","survey":"s"}"#)
    );
    assert_eq!(sent.length(), 1, "the answer is posted as before");
    w.destroy();
}

#[wasm_bindgen_test]
async fn delivered_responses_leave_the_outbox() {
    let sent = stub_fetch(201);
    let (mut w, events) = launch("t-deliver", r#"{"id":"t","type":"thumbs","text":"Good?"}"#);
    click(&q_all("[role=radio]")[0]);
    click(&q(".go"));
    sleep(50).await;
    restore_fetch();
    assert_eq!(sent.length(), 1);
    let request = Array::from(&sent.get(0));
    assert_eq!(
        request.get(0).as_string().unwrap(),
        "http://127.0.0.1:9/v1/responses"
    );
    assert_eq!(request.get(2), JsValue::TRUE, "keepalive");
    assert!(events.names().contains(&String::from("delivered")));
    let id = Reflect::get(&events.detail("delivered").unwrap(), &"id".into()).unwrap();
    assert!(request
        .get(1)
        .as_string()
        .unwrap()
        .contains(&id.as_string().unwrap()));
    assert_eq!(storage("rapport:t-deliver:outbox").as_deref(), Some("[]"));
    w.destroy();
}

#[wasm_bindgen_test]
async fn rejected_responses_are_dropped_not_retried() {
    let sent = stub_fetch(400);
    let (mut w, events) = launch("t-reject", r#"{"id":"t","type":"thumbs","text":"Good?"}"#);
    click(&q_all("[role=radio]")[1]);
    click(&q(".go"));
    sleep(50).await;
    restore_fetch();
    assert_eq!(sent.length(), 1);
    assert!(!events.names().contains(&String::from("delivered")));
    assert_eq!(storage("rapport:t-reject:outbox").as_deref(), Some("[]"));
    w.destroy();
}

#[wasm_bindgen_test]
async fn a_stored_outbox_is_flushed_on_start() {
    let sent = stub_fetch(200);
    window()
        .local_storage()
        .unwrap()
        .unwrap()
        .set_item(
            "rapport:t-flush:outbox",
            r#"[{"id":"r-1","body":"{\"id\":\"r-1\"}","attempts":2,"nextAttemptMs":0}]"#,
        )
        .unwrap();
    let (opts, events) = options("t-flush", None);
    let mut w = start(opts);
    sleep(50).await;
    restore_fetch();
    assert_eq!(sent.length(), 1);
    assert_eq!(
        Array::from(&sent.get(0)).get(1).as_string().unwrap(),
        r#"{"id":"r-1"}"#
    );
    assert_eq!(events.names(), ["delivered"]);
    w.destroy();
}

#[wasm_bindgen_test]
async fn delay_trigger_waits_for_its_time() {
    let site = "t-delay";
    let json = config(site, r#"{"id":"q","type":"thumbs","text":"Helpful?"}"#, "").replace(
        r#"{"type":"pageLoad"}"#,
        r#"{"type":"delay","seconds":0.3}"#,
    );
    let (opts, _) = options(site, Some(&json));
    Reflect::set(
        &opts,
        &"navAt".into(),
        &window().performance().unwrap().now().into(),
    )
    .unwrap();
    let mut w = start(opts);
    assert_eq!(hosts(), 0);
    sleep(150).await;
    assert_eq!(hosts(), 0);
    sleep(300).await;
    assert_eq!(hosts(), 1);
    w.destroy();
}

#[wasm_bindgen_test]
fn exit_intent_from_the_loader_or_the_pointer() {
    let site = "t-exit";
    let json = config(site, r#"{"id":"q","type":"thumbs","text":"Helpful?"}"#, "")
        .replace(r#"{"type":"pageLoad"}"#, r#"{"type":"exitIntent"}"#);
    let (opts, _) = options(site, Some(&json));
    Reflect::set(&opts, &"exitIntent".into(), &JsValue::TRUE).unwrap();
    let mut w = start(opts);
    assert_eq!(hosts(), 1, "the loader saw it first");
    w.destroy();

    let (opts, _) = options(site, Some(&json));
    let mut w = start(opts);
    assert_eq!(hosts(), 0);
    Function::new_no_args(
        "document.dispatchEvent(new MouseEvent('mouseout', { clientY: -2, relatedTarget: null, bubbles: true }))",
    )
    .call0(&JsValue::NULL)
    .unwrap();
    assert_eq!(hosts(), 1, "pointer left through the top");
    w.destroy();
}

#[wasm_bindgen_test]
fn dark_mode_and_brand_theme() {
    let site = "t-dark";
    let json = config(
        site,
        r#"{"id":"q","type":"thumbs","text":"Helpful?"}"#,
        r##","theme":{"mode":"dark","brand":"#fde047","position":"top-left"}"##,
    );
    let (opts, _) = options(site, Some(&json));
    let mut w = start(opts);
    let dialog = q("[role=dialog]");
    assert!(dialog.class_list().contains("dark"));
    assert!(dialog.class_list().contains("tl"));
    let style = window().get_computed_style(&dialog).unwrap().unwrap();
    assert_eq!(
        style.get_property_value("background-color").unwrap(),
        "rgb(17, 24, 39)"
    );
    let host = document()
        .query_selector("rapport-widget")
        .unwrap()
        .unwrap();
    let host_style = window().get_computed_style(&host).unwrap().unwrap();
    assert_eq!(
        host_style
            .get_property_value("--rapport-on-brand")
            .unwrap()
            .trim(),
        "#111827",
        "dark text on a light brand colour"
    );
    w.destroy();
}

#[wasm_bindgen_test]
fn brand_colours_pick_a_contrasting_text_colour() {
    // (brand, on-brand text): `#rgb` repeats each digit; anything but hex is left out.
    let cases = [
        ("#ff0", "#111827"),
        ("#fde047", "#111827"),
        ("#000", "#fff"),
        ("#1e3a8a", "#fff"),
        // Hex digits in either case.
        ("#FDE047", "#111827"),
        ("#1E3A8A", "#fff"),
        ("#FfF", "#111827"),
        ("red", ""),
        ("#12345", ""),
        ("#ggg", ""),
        ("#12345G", ""),
        ("#/:`", ""),
    ];
    for (i, (brand, on_brand)) in cases.into_iter().enumerate() {
        let site = format!("t-brand-{i}");
        let json = config(
            &site,
            r#"{"id":"q","type":"thumbs","text":"Helpful?"}"#,
            &format!(r#","theme":{{"brand":"{brand}"}}"#),
        );
        let (opts, _) = options(&site, Some(&json));
        let mut w = start(opts);
        let host = document()
            .query_selector("rapport-widget")
            .unwrap()
            .unwrap();
        let style = window().get_computed_style(&host).unwrap().unwrap();
        let var = |name| style.get_property_value(name).unwrap().trim().to_string();
        assert_eq!(var("--rapport-on-brand"), on_brand, "{brand}");
        let shown = if on_brand.is_empty() { "" } else { brand };
        assert_eq!(var("--rapport-brand"), shown, "{brand}");
        w.destroy();
    }
}

#[wasm_bindgen_test]
async fn identify_traits_and_user_id_go_into_the_response() {
    let (mut w, events) = launch("t-identify", r#"{"id":"t","type":"thumbs","text":"Good?"}"#);
    let traits = js_sys::JSON::parse(r#"{"plan":"pro"}"#).unwrap();
    w.command(
        "identify".into(),
        Array::of2(&"user-1".into(), &traits).into(),
    );
    w.command(
        "identify".into(),
        Array::of1(&JsValue::from_f64(5.0)).into(),
    );
    click(&q_all("[role=radio]")[0]);
    click(&q(".go"));
    let detail = events.detail("submit").unwrap();
    let response = Reflect::get(&detail, &"response".into()).unwrap();
    assert_eq!(
        Reflect::get(&response, &"userId".into())
            .unwrap()
            .as_string()
            .as_deref(),
        Some("user-1")
    );
    let traits = Reflect::get(&response, &"traits".into()).unwrap();
    assert_eq!(
        Reflect::get(&traits, &"plan".into())
            .unwrap()
            .as_string()
            .as_deref(),
        Some("pro")
    );
    assert!(storage("rapport:t-identify:visitor")
        .unwrap()
        .contains("user-1"));
    w.destroy();
}

/// The collector's configuration of the inline-config tests: one manual CES survey `x`.
const COLLECTOR_X: &str = r#"{"site":"SITE","surveys":[{"id":"x","trigger":{"type":"manual"},
  "throttle":{"frequency":"always"},"questions":[{"id":"q","type":"ces","text":"Easy?"}]}]}"#;

#[wasm_bindgen_test]
async fn config_command_applies_settings_and_refuses_inline_surveys() {
    let site = "t-config";
    let (opts, _) = options(site, Some(&COLLECTOR_X.replace("SITE", site)));
    let mut w = start(opts);
    assert!(w.active());
    // Surveys are defined only in the collector's configuration: neither `x` reworded nor a
    // survey of the page's own is taken; the locale beside them is.
    let inline = js_sys::JSON::parse(
        r#"{"locale":"es","surveys":[
            {"id":"x","trigger":{"type":"manual"},"throttle":{"frequency":"always"},"questions":[{"id":"q","type":"ces","text":"¿Fácil?"}]},
            {"id":"y","trigger":{"type":"manual"},"questions":[{"id":"q","type":"thumbs","text":"Helpful?"}]}]}"#,
    )
    .unwrap();
    w.command("config".into(), Array::of1(&inline).into());
    w.command("show".into(), Array::of1(&"y".into()).into());
    sleep(0).await; // the Spanish locale file
    assert_eq!(
        hosts(),
        0,
        "a survey the collector does not define is never shown"
    );
    w.command("show".into(), Array::of1(&"x".into()).into());
    assert_eq!(hosts(), 1);
    let text = root().text_content().unwrap();
    assert!(text.contains("Easy?"), "the collector's wording: {text}");
    assert!(!text.contains("¿Fácil?"), "{text}");
    assert!(text.contains("Enviar"), "the inline locale: {text}");
    assert_eq!(q_all("[role=radio]").len(), 7);
    w.destroy();
}

#[wasm_bindgen_test]
async fn inline_configurations_given_to_start_apply_before_the_first_evaluation() {
    let site = "t-inline";
    let page_load = COLLECTOR_X.replace(r#"{"type":"manual"}"#, r#"{"type":"pageLoad"}"#);
    let (opts, events) = options(site, Some(&page_load.replace("SITE", site)));
    // The locale applies before the first evaluation; `surveys` and a bad item are refused
    // alone.
    let inline = js_sys::JSON::parse(
        r#"[{"locale":"es"},
            {"cooldownDays":1,"surveys":[{"id":"z","trigger":{"type":"pageLoad"},"questions":[{"id":"q","type":"thumbs","text":"?"}]}]},
            7]"#,
    )
    .unwrap();
    Reflect::set(&opts, &"inline".into(), &inline).unwrap();
    let mut w = start(opts);
    assert!(w.active());
    sleep(0).await; // the Spanish locale file
    assert_eq!(hosts(), 1);
    assert!(root().text_content().unwrap().contains("Easy?"));
    assert!(root().text_content().unwrap().contains("Enviar"));
    assert_eq!(events.names(), ["show"]);
    let shown = events.detail("show").unwrap();
    assert_eq!(
        Reflect::get(&shown, &"survey".into())
            .unwrap()
            .as_string()
            .as_deref(),
        Some("x")
    );
    w.destroy();
    // Not an array: refused like any bad option.
    let (opts, _) = options("t-inline-bad", None);
    Reflect::set(&opts, &"inline".into(), &"{}".into()).unwrap();
    let w2 = start(opts);
    assert!(!w2.active());
}

#[wasm_bindgen_test]
async fn page_navigation_restarts_the_delay() {
    let site = "t-page";
    let json = config(site, r#"{"id":"q","type":"thumbs","text":"Helpful?"}"#, "").replace(
        r#"{"type":"pageLoad"}"#,
        r#"{"type":"delay","seconds":0.3}"#,
    );
    let (opts, _) = options(site, Some(&json));
    Reflect::set(
        &opts,
        &"navAt".into(),
        &window().performance().unwrap().now().into(),
    )
    .unwrap();
    let mut w = start(opts);
    sleep(150).await;
    w.command("page".into(), Array::new().into());
    sleep(250).await;
    assert_eq!(hosts(), 0, "the old page's timer was cancelled");
    sleep(250).await;
    assert_eq!(hosts(), 1, "the new page's delay fired");
    w.destroy();
}

#[wasm_bindgen_test]
async fn scroll_depth_trigger() {
    let spacer = document().create_element("div").unwrap();
    spacer.set_attribute("style", "height: 5000px").unwrap();
    document().body().unwrap().append_child(&spacer).unwrap();
    window().scroll_to_with_x_and_y(0.0, 0.0);
    let site = "t-scroll";
    let json = config(site, r#"{"id":"q","type":"thumbs","text":"Helpful?"}"#, "").replace(
        r#"{"type":"pageLoad"}"#,
        r#"{"type":"scroll","percent":80}"#,
    );
    let (opts, _) = options(site, Some(&json));
    let mut w = start(opts);
    assert_eq!(hosts(), 0);
    window().scroll_to_with_x_and_y(0.0, 100_000.0);
    sleep(100).await;
    assert_eq!(hosts(), 1);
    w.destroy();
    spacer.remove();
    window().scroll_to_with_x_and_y(0.0, 0.0);
}

#[wasm_bindgen_test]
fn destroy_stops_the_widget_and_only_string_names_are_commands() {
    let (mut w, _) = launch("t-destroy", NPS);
    assert_eq!(hosts(), 1);
    assert!(w.active());
    // Numbers are the handler's own tags (6 is `destroy`): as a name it is no command.
    w.command(JsValue::from_f64(6.0), JsValue::UNDEFINED);
    assert_eq!(hosts(), 1);
    assert!(w.active());
    w.destroy();
    assert_eq!(hosts(), 0);
    assert!(!w.active());
    w.command("show".into(), Array::of1(&"s".into()).into());
    assert_eq!(hosts(), 0, "commands after destroy are ignored");
    w.destroy();
}

/// The widget reads JSON with the browser's `JSON.parse`; the core's value must come out
/// as the collector's reader (serde_json, `From<&serde_json::Value>`) makes it.
#[wasm_bindgen_test]
fn browser_json_reads_like_the_collector() {
    use rapport::web::json_value;
    for text in [
        r#"{"a":[1,2.5,-3e2,1e-7,true,false,null,"x\u00e9\n\"q\""],"b":{"c":{},"d":[]},"e":""}"#,
        r#"{"k":1,"k":2,"m":{"k":[{"k":"v"}]}}"#,
        r#"[0,-0,9007199254740993,123456.789e3,"\ud83d\ude00"]"#,
        r#""just a string""#,
        "null",
    ] {
        assert_eq!(
            json_value::parse(text).expect(text),
            rapport::core::json::testing::parse(text).expect(text),
            "{text}"
        );
    }
    let err = json_value::parse("{\"a\":").expect_err("not JSON");
    assert!(!err.is_empty(), "the browser's message is kept");
}

/// Values JSON cannot hold read as `null`; arrays and objects keep their order.
#[wasm_bindgen_test]
fn browser_json_from_js_values() {
    use rapport::core::json::Json;
    use rapport::web::json_value::from_js;
    assert_eq!(from_js(&JsValue::UNDEFINED), Json::Null);
    assert_eq!(
        from_js(&Reflect::get(&window(), &"alert".into()).unwrap()),
        Json::Null
    );
    assert_eq!(from_js(&JsValue::TRUE), Json::Bool(true));
    assert_eq!(from_js(&JsValue::FALSE), Json::Bool(false));
    let object = Object::new();
    Reflect::set(&object, &"z".into(), &Array::of2(&"a".into(), &3.into())).unwrap();
    Reflect::set(&object, &"y".into(), &JsValue::NULL).unwrap();
    assert_eq!(
        from_js(&object),
        Json::Obj(vec![
            (
                "z".into(),
                Json::Arr(vec![Json::Str("a".into()), Json::Num(3.0)])
            ),
            ("y".into(), Json::Null),
        ])
    );
}

/// Traits within 4 KiB as the page's JSON but over it once stored (U+2028 is escaped in
/// storage) are rejected with the usual warning, once, and change nothing.
#[wasm_bindgen_test]
fn identify_rejects_traits_that_outgrow_the_limit_when_stored() {
    let (mut w, _events) = launch(
        "t-identify-big",
        r#"{"id":"t","type":"thumbs","text":"Good?"}"#,
    );
    let small = js_sys::JSON::parse(r#"{"plan":"pro"}"#).unwrap();
    w.command(
        "identify".into(),
        Array::of2(&"user-1".into(), &small).into(),
    );
    let big = Object::new();
    Reflect::set(&big, &"note".into(), &"\u{2028}".repeat(1300).into()).unwrap();
    let warnings = capture_warnings(|| {
        w.command("identify".into(), Array::of2(&"user-2".into(), &big).into());
    });
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(
        warnings[0].contains("accumulated traits exceed 4 KiB"),
        "{warnings:?}"
    );
    assert!(warnings[1].contains("at most 4 KiB"), "{warnings:?}");
    assert!(w.active(), "the widget keeps running");
    let stored = storage("rapport:t-identify-big:visitor").unwrap();
    assert!(
        stored.contains("user-1") && !stored.contains("user-2"),
        "{stored}"
    );
    w.destroy();
}

/// Runs `f` with `console.warn` recording its messages (arguments joined by spaces).
fn capture_warnings(f: impl FnOnce()) -> Vec<String> {
    let console = Reflect::get(&window(), &"console".into()).unwrap();
    let original = Reflect::get(&console, &"warn".into()).unwrap();
    let seen = Array::new();
    let record = Function::new_with_args("...args", "this.push(args.join(' '))").bind0(&seen);
    Reflect::set(&console, &"warn".into(), &record).unwrap();
    f();
    Reflect::set(&console, &"warn".into(), &original).unwrap();
    seen.iter().filter_map(|v| v.as_string()).collect()
}

/// `JSON.parse` nests without limit; the copy into the core stops at the core parser's
/// depth (deeper values read as `null`) instead of exhausting the wasm stack.
#[wasm_bindgen_test]
fn browser_json_from_js_stops_at_the_depth_limit() {
    use rapport::core::json::{Json, MAX_DEPTH};
    use rapport::web::json_value::read;
    let depth = 100_000;
    let text = "[".repeat(depth) + &"]".repeat(depth);
    let mut value = &read(&text).expect("JSON.parse reads it");
    let mut levels = 0;
    while let Json::Arr(items) = value {
        levels += 1;
        match items.first() {
            Some(inner) => value = inner,
            None => break,
        }
    }
    assert_eq!(levels, MAX_DEPTH + 1, "arrays kept down to the limit");
    assert_eq!(*value, Json::Null, "what is deeper reads as null");
}

/// Retry-After's HTTP dates are read by the browser's `Date.parse`: the preferred format
/// (RFC 9110's IMF-fixdate) exactly, and no number for what is not a date.
#[wasm_bindgen_test]
fn browser_reads_http_dates() {
    use rapport::web::env::parse_date;
    assert_eq!(
        parse_date("Sun, 06 Nov 1994 08:49:37 GMT"),
        Some(784_111_777_000.0)
    );
    assert_eq!(parse_date("not a date"), None);
    assert_eq!(parse_date(""), None);
}

/// An `emit` handler calling back into the widget is served on the next task; a call that
/// left the state borrowed without a Rust panic (here a page's DOM setter throwing through
/// the wasm, as a stack overflow or a `RangeError` would) marks the widget dead instead of
/// deferring calls for ever.
#[wasm_bindgen_test]
async fn a_trap_that_is_no_panic_marks_the_widget_dead() {
    let site = "t-trap";
    let json = format!(
        r#"{{"site":"{site}","surveys":[{{"id":"m","throttle":{{"frequency":"always"}},
        "questions":[{{"id":"q","type":"thumbs","text":"Helpful?"}}]}}]}}"#
    );
    let (opts, events) = options(site, Some(&json));
    let mut w = start(opts);
    // Re-entrancy: a page listener that hides the survey when it takes focus, which
    // happens while the widget is rendering it.
    let on_focus = Function::new_with_args(
        "e",
        "if (e.target.localName === 'rapport-widget' && this.hide) { this.hide = false; this.w.command('hide', []); }",
    );
    let holder = Object::new();
    Reflect::set(&holder, &"w".into(), &w.0).unwrap();
    Reflect::set(&holder, &"hide".into(), &JsValue::TRUE).unwrap();
    let on_focus = on_focus.bind0(&holder);
    document()
        .add_event_listener_with_callback("focusin", &on_focus)
        .unwrap();
    // The shopper's survey: it takes focus.
    let shopper = js_sys::JSON::parse(r#"{"shopper":true}"#).unwrap();
    w.command("show".into(), Array::of2(&"m".into(), &shopper).into());
    document()
        .remove_event_listener_with_callback("focusin", &on_focus)
        .unwrap();
    assert_eq!(
        Reflect::get(&holder, &"hide".into()).unwrap(),
        JsValue::FALSE,
        "the page's listener ran while the survey was being shown"
    );
    assert_eq!(
        hosts(),
        1,
        "shown; the re-entrant hide waits for the next task"
    );
    sleep(50).await;
    assert_eq!(hosts(), 0, "the re-entrant hide ran");
    assert_eq!(events.names(), ["show", "close"]);
    assert!(w.active());

    // A page that makes `textContent` throw: the next render stops mid-call.
    let patch = Function::new_with_args(
        "",
        "const d = Object.getOwnPropertyDescriptor(Node.prototype, 'textContent'); \
         window.__rapportTextContent = d; \
         Object.defineProperty(Node.prototype, 'textContent', { configurable: true, get: d.get, \
           set() { throw new RangeError('hostile page'); } });",
    );
    let unpatch = Function::new_with_args(
        "",
        "Object.defineProperty(Node.prototype, 'textContent', window.__rapportTextContent);",
    );
    patch.call0(&JsValue::NULL).unwrap();
    let thrown = w
        .method("command")
        .call2(&w.0, &"show".into(), &Array::of1(&"m".into()));
    unpatch.call0(&JsValue::NULL).unwrap();
    assert!(
        thrown.is_err(),
        "the page's exception went through the widget"
    );
    // The state is still borrowed: this call is deferred, and its replay finds it so.
    w.command("hide".into(), Array::new().into());
    sleep(50).await;
    assert!(!w.active(), "marked dead");
    w.command("show".into(), Array::of1(&"m".into()).into());
    sleep(50).await;
    assert_eq!(
        events.names(),
        ["show", "close"],
        "nothing shown or closed after the trap"
    );
    // Leave the page clean for the other tests.
    for host in q_hosts() {
        host.remove();
    }
    w.destroy();
}

fn q_hosts() -> Vec<Element> {
    let list = document().query_selector_all("rapport-widget").unwrap();
    (0..list.length())
        .map(|i| list.item(i).unwrap().dyn_into::<Element>().unwrap())
        .collect()
}
