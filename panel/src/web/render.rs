//! Renders the machine's [`Screen`] into the dialog: plain elements, text only through
//! `textContent`, actions as `data-a` attributes that the one click listener reads
//! (`data-r`: a reward id, `data-c`: the text to copy or share). No decision is made here.

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, HtmlElement};

use rapport::core::msg::{cat, int};

use crate::format::{signed, Format};
use crate::machine::{Focus, Ready, Screen, Step};
use crate::model::Me;
use crate::options::Options;
use crate::prelude::*;
use crate::strings::{self, fill, Strings};

/// Most activity entries shown.
const ACTIVITY_SHOWN: usize = 10;

/// What the page offers that the rendering depends on.
pub struct Page<'a> {
    /// The document.
    pub doc: &'a Document,
    /// The options.
    pub options: &'a Options,
    /// Whether `navigator.share` exists.
    pub can_share: bool,
    /// The words to draw with (the machine's).
    pub strings: &'a Strings,
    /// Their locale's tag, the dialog's `lang`.
    pub lang: &'a str,
    /// Whether they run right to left (the dialog's `dir`).
    pub rtl: bool,
    /// Numbers and dates in that locale.
    pub format: &'a dyn Format,
}

type R<T> = Result<T, JsValue>;

fn el(doc: &Document, parent: &Element, tag: &str, class: &str, text: Option<&str>) -> R<Element> {
    let e = doc.create_element(tag)?;
    if !class.is_empty() {
        e.set_attribute("class", class)?;
    }
    if text.is_some() {
        e.set_text_content(text);
    }
    parent.append_child(&e)?;
    Ok(e)
}

fn button(doc: &Document, parent: &Element, class: &str, text: &str, action: &str) -> R<Element> {
    let b = el(doc, parent, "button", class, Some(text))?;
    b.set_attribute("type", "button")?;
    b.set_attribute("data-a", action)?;
    Ok(b)
}

/// Builds the dialog's content for `screen` into `dialog` (emptied first).
pub fn render(page: &Page<'_>, dialog: &Element, screen: &Screen) -> R<()> {
    let (doc, s) = (page.doc, page.strings);
    dialog.set_text_content(None);
    dialog.set_attribute("lang", page.lang)?;
    // The direction of the words on screen: an Arabic page whose file did not come shows
    // English, left to right.
    dialog.set_attribute("dir", if page.rtl { "rtl" } else { "ltr" })?;
    let head = el(doc, dialog, "div", "hd", None)?;
    let title = el(doc, &head, "h2", "", Some(s.title))?;
    title.set_attribute("id", "rl-t")?;
    let close = button(doc, &head, "x", "×", "close")?;
    close.set_attribute("aria-label", s.close)?;
    let status = el(doc, dialog, "p", "sr", None)?;
    status.set_attribute("role", "status")?;
    match screen {
        Screen::Loading => {
            let p = el(doc, dialog, "p", "mu", Some(s.loading))?;
            dialog.set_attribute("aria-busy", "true")?;
            let _ = p;
            return Ok(());
        }
        Screen::Anonymous => anonymous(page, dialog, s)?,
        Screen::Failed(_) => {
            el(doc, dialog, "p", "er", Some(s.failed))?;
            button(doc, dialog, "pri gap", s.retry, "retry")?;
        }
        Screen::Ready(r) => {
            if r.copied {
                status.set_text_content(Some(s.copied));
            }
            ready(page, dialog, s, r)?;
        }
    }
    dialog.remove_attribute("aria-busy")?;
    Ok(())
}

fn anonymous(page: &Page<'_>, dialog: &Element, s: &Strings) -> R<()> {
    let doc = page.doc;
    el(doc, dialog, "h3", "", Some(s.join_title))?;
    el(doc, dialog, "p", "mu", Some(s.join_text))?;
    let row = el(doc, dialog, "div", "row gap", None)?;
    for (href, text, class) in [
        (page.options.join.as_deref(), s.join, "btn pri"),
        (page.options.sign_in.as_deref(), s.sign_in, "btn"),
    ] {
        if let Some(href) = href {
            let a = el(doc, &row, "a", class, Some(text))?;
            a.set_attribute("href", href)?;
        }
    }
    Ok(())
}

fn ready(page: &Page<'_>, dialog: &Element, s: &Strings, r: &Ready) -> R<()> {
    let doc = page.doc;
    let me = &r.me;
    balance(page, dialog, s, me)?;
    if let Some(tier) = &me.tier {
        el(doc, dialog, "h3", "", Some(s.tier))?;
        el(doc, dialog, "p", "", Some(&tier.name))?;
        let (text, share) = strings::progress(s, page.format, tier, me.next_tier.as_ref());
        let bar = el(doc, dialog, "div", "bar", None)?;
        bar.set_attribute("role", "progressbar")?;
        bar.set_attribute("aria-label", s.progress)?;
        bar.set_attribute("aria-valuemin", "0")?;
        bar.set_attribute("aria-valuemax", "100")?;
        bar.set_attribute("aria-valuenow", &int(i64::from(share)))?;
        bar.set_attribute("aria-valuetext", &text)?;
        let fill_el: HtmlElement = el(doc, &bar, "div", "fill", None)?.unchecked_into();
        let _ = fill_el
            .style()
            .set_property("width", &cat(&[&int(i64::from(share)), "%"]));
        el(doc, dialog, "p", "mu", Some(&text))?;
    }
    if let Step::Code { reward, code } = &r.step {
        let name = me
            .reward(reward)
            .map(|x| strings::reward_name(s, page.format, x))
            .unwrap_or_else(|| reward.clone());
        el(doc, dialog, "h3", "", Some(s.your_code))?;
        el(doc, dialog, "p", "", Some(&name))?;
        el(doc, dialog, "p", "code", Some(code))?;
        let row = el(doc, dialog, "div", "row gap", None)?;
        let copy = button(doc, &row, "pri", s.copy, "copy")?;
        copy.set_attribute("data-c", code)?;
        copy.set_attribute("data-k", "code")?;
        button(doc, &row, "", s.back, "back")?;
    }
    rewards(page, dialog, s, r)?;
    if !me.earn.is_empty() {
        el(doc, dialog, "h3", "", Some(s.earn))?;
        let ul = el(doc, dialog, "ul", "", None)?;
        for way in &me.earn {
            el(
                doc,
                &ul,
                "li",
                "",
                Some(&strings::earn_line(s, page.format, way)),
            )?;
        }
    }
    if let Some(referral) = &me.referral {
        el(doc, dialog, "h3", "", Some(s.refer))?;
        if let Some((mine, theirs)) = me.earn.iter().find_map(|e| match e {
            crate::model::Earn::Referral(a, b) => Some((*a, *b)),
            _ => None,
        }) {
            el(
                doc,
                dialog,
                "p",
                "mu",
                Some(&fill(
                    s.refer_text,
                    &page.format.int(mine),
                    &page.format.int(theirs),
                )),
            )?;
        }
        let link = referral.link.as_deref().unwrap_or(&referral.code);
        el(doc, dialog, "p", "ln", Some(link))?;
        let row = el(doc, dialog, "div", "row gap", None)?;
        let copy = button(doc, &row, "", s.copy, "copy")?;
        copy.set_attribute("data-c", link)?;
        copy.set_attribute("data-k", "ref")?;
        copy.set_attribute("aria-label", &cat(&[s.copy, " ", s.refer]))?;
        if page.can_share && referral.link.is_some() {
            let share = button(doc, &row, "", s.share, "share")?;
            share.set_attribute("data-c", link)?;
        }
    }
    activity(page, dialog, s, me)
}

fn balance(page: &Page<'_>, dialog: &Element, s: &Strings, me: &Me) -> R<()> {
    let (doc, f) = (page.doc, page.format);
    el(doc, dialog, "h3", "", Some(s.balance))?;
    let p = el(doc, dialog, "p", "", None)?;
    el(doc, &p, "span", "big", Some(&f.int(me.spendable)))?;
    el(doc, &p, "span", "", Some(&cat(&[" ", s.points])))?;
    if me.pending != 0 {
        el(
            doc,
            dialog,
            "p",
            "mu",
            Some(&fill(s.pending, &f.int(me.pending), "")),
        )?;
    }
    if let Some((at, points)) = &me.expiry {
        el(
            doc,
            dialog,
            "p",
            "mu",
            Some(&fill(s.expiring, &f.int(*points), &f.date(at))),
        )?;
    }
    Ok(())
}

fn rewards(page: &Page<'_>, dialog: &Element, s: &Strings, r: &Ready) -> R<()> {
    let (doc, f) = (page.doc, page.format);
    if r.me.rewards.is_empty() {
        return Ok(());
    }
    el(doc, dialog, "h3", "", Some(s.rewards))?;
    let ul = el(doc, dialog, "ul", "", None)?;
    for reward in &r.me.rewards {
        let li = el(doc, &ul, "li", "", None)?;
        let row = el(doc, &li, "div", "row", None)?;
        let name = strings::reward_name(s, f, reward);
        let text = el(doc, &row, "div", "grow", None)?;
        el(doc, &text, "div", "", Some(&name))?;
        let mut detail = cat(&[&f.int(reward.points), " ", s.points]);
        if let Some(tier) = &reward.min_tier {
            detail.push_str(" · ");
            detail.push_str(&fill(s.tier_only, tier, ""));
        }
        el(doc, &text, "div", "mu", Some(&detail))?;
        match &r.step {
            Step::Confirm(id) if *id == reward.id => {
                let q = el(
                    doc,
                    &li,
                    "p",
                    "gap",
                    Some(&fill(s.confirm, &name, &f.int(reward.points))),
                )?;
                q.set_attribute("id", "rl-q")?;
                let row = el(doc, &li, "div", "row gap", None)?;
                let yes = button(doc, &row, "pri", s.yes, "yes")?;
                yes.set_attribute("aria-describedby", "rl-q")?;
                button(doc, &row, "", s.cancel, "back")?;
            }
            Step::Redeeming(id) if *id == reward.id => {
                let p = el(doc, &li, "p", "mu gap", Some(s.redeeming))?;
                p.set_attribute("role", "status")?;
            }
            Step::Refused { reward: id, error } if *id == reward.id => {
                let p = el(
                    doc,
                    &li,
                    "p",
                    "er gap",
                    Some(crate::strings::refusal(s, error)),
                )?;
                p.set_attribute("role", "alert")?;
                button(doc, &li, "gap", s.back, "back")?;
            }
            _ => {
                let b = button(doc, &row, "", s.redeem, "redeem")?;
                b.set_attribute("data-r", &reward.id)?;
                b.set_attribute("aria-label", &cat(&[s.redeem, " ", &name]))?;
                if !reward.available || !matches!(r.step, Step::Browse | Step::Code { .. }) {
                    b.set_attribute("disabled", "")?;
                }
            }
        }
    }
    Ok(())
}

fn activity(page: &Page<'_>, dialog: &Element, s: &Strings, me: &Me) -> R<()> {
    let (doc, f) = (page.doc, page.format);
    el(doc, dialog, "h3", "", Some(s.activity))?;
    if me.activity.is_empty() {
        el(doc, dialog, "p", "mu", Some(s.no_activity))?;
        return Ok(());
    }
    let ul = el(doc, dialog, "ul", "", None)?;
    for a in me.activity.iter().take(ACTIVITY_SHOWN) {
        let li = el(doc, &ul, "li", "row", None)?;
        let text = el(doc, &li, "div", "grow", None)?;
        el(doc, &text, "div", "", Some(strings::activity_label(s, a)))?;
        let mut when = f.date(&a.at);
        if a.pending {
            when.push_str(" · ");
            when.push_str(s.pending_mark);
        }
        if let Some(code) = &a.code {
            when.push_str(" · ");
            when.push_str(code);
        }
        el(doc, &text, "div", "mu", Some(&when))?;
        el(doc, &li, "div", "", Some(&signed(f, a.points)))?;
    }
    Ok(())
}

/// The key that identifies a control across renders (`data-k`, else action and reward).
pub fn key_of(e: &Element) -> Option<String> {
    if let Some(k) = e.get_attribute("data-k") {
        return Some(k);
    }
    let a = e.get_attribute("data-a")?;
    Some(match e.get_attribute("data-r") {
        Some(r) => cat(&[&a, ":", &r]),
        None => a,
    })
}

/// Moves focus after a render: to `focus`, else to the control with `kept`'s key, else to
/// the dialog itself (the top of the panel, its title announced).
pub fn focus(dialog: &Element, focus: &Focus, kept: Option<String>) {
    let wanted: Option<String> = match focus {
        Focus::Keep => kept,
        Focus::First => {
            let _ = dialog.unchecked_ref::<HtmlElement>().focus();
            return;
        }
        Focus::Confirm => Some("yes".into()),
        Focus::Code => Some("code".into()),
        Focus::Reward(id) => Some(cat(&["redeem:", id])),
    };
    let controls = focusables(dialog);
    let target = wanted
        .and_then(|w| {
            controls
                .iter()
                .find(|c| key_of(c).as_deref() == Some(w.as_str()))
                .cloned()
        })
        .or_else(|| Some(dialog.clone()));
    if let Some(t) = target {
        let _ = t.unchecked_ref::<HtmlElement>().focus();
    }
}

/// The dialog's enabled buttons and links, in document order.
pub fn focusables(dialog: &Element) -> Vec<Element> {
    let Ok(list) = dialog.query_selector_all("button:not([disabled]),a[href]") else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<Element>().ok())
        .collect()
}
