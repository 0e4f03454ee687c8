//! The site picker pages share (dashboard, webhooks & alerts, segments): the collector's
//! sites from `GET /admin/api/sites`, a `<select>` when there is more than one, nothing to
//! pick when there is one (that site is used).

use std::cell::RefCell;
use std::rc::Rc;

use web_sys::{Element, HtmlSelectElement};

use crate::model::Sites;
use crate::route::ROOT;
use crate::web::app::App;
use crate::web::dom::{self, text_el};
use crate::web::http;

/// The chosen site: the select's value when there is one, otherwise the only site.
#[derive(Clone, Default)]
pub struct SiteChoice {
    only: Rc<RefCell<String>>,
    select: Rc<RefCell<Option<HtmlSelectElement>>>,
}

impl SiteChoice {
    /// The site id chosen now (empty until the sites have loaded).
    pub fn value(&self) -> String {
        match self.select.borrow().as_ref() {
            Some(select) => select.value(),
            None => self.only.borrow().clone(),
        }
    }
}

/// Loads the sites into `holder` (a `<select id=id>` labelled "Site" when more than one)
/// and returns the choice at once; `ready` runs once the sites are known and again on
/// every change of the select. No site at all: says so in `holder`.
pub fn mount(app: &Rc<App>, holder: &Element, id: &'static str, ready: Rc<dyn Fn()>) -> SiteChoice {
    mount_at(app, holder, id, None, ready)
}

/// [`mount`] starting on `wanted` (a deep link's `?site=`): selected when the collector has
/// it; a site it does not know leaves the select on no site, for the page to say so.
pub fn mount_at(
    app: &Rc<App>,
    holder: &Element,
    id: &'static str,
    wanted: Option<String>,
    ready: Rc<dyn Fn()>,
) -> SiteChoice {
    let choice = SiteChoice::default();
    let (holder, out) = (holder.clone(), choice.clone());
    app.spawn(move |app, g| async move {
        let sites = http::get::<Sites>(&format!("{ROOT}/api/sites")).await;
        if !app.current(g) {
            return;
        }
        let sites = match sites {
            Ok(s) => s,
            Err(e) => {
                app.failed(&e);
                return;
            }
        };
        let initial = sites.initial(wanted.as_deref()).map(str::to_owned);
        let sites = sites.sites;
        let Some(first) = sites.first() else {
            if let Ok(p) = text_el("p", "The collector has no site configured.") {
                let _ = dom::add(&holder, p);
            }
            return;
        };
        *choice.only.borrow_mut() = first.id.clone();
        if sites.len() > 1 {
            let options: Vec<(String, String)> = sites
                .iter()
                .map(|s| (s.id.clone(), s.name.clone().unwrap_or_else(|| s.id.clone())))
                .collect();
            let options: Vec<(&str, &str)> = options
                .iter()
                .map(|(a, b)| (a.as_str(), b.as_str()))
                .collect();
            if let Ok((field, select)) = dom::select("Site", id, &options, initial.as_deref()) {
                if initial.is_none() {
                    select.set_selected_index(-1);
                }
                let _ = holder.append_child(&field);
                *choice.select.borrow_mut() = Some(select.clone());
                let on_change = Rc::clone(&ready);
                app.on(&select, "change", move |_| on_change());
            }
        }
        ready();
    });
    out
}
