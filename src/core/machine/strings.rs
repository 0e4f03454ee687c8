//! The widget's own strings in the page's language. English is built in; another locale's
//! strings come from its locale file, which the host fetches when asked
//! ([`Effect::LoadStrings`]) and hands back ([`Input::Strings`]). While the wanted
//! locale's file is on its way no survey opens (triggers are evaluated again when it
//! arrives), so a survey never shows in English first; a file that cannot be fetched or
//! read, or has not arrived within [`LOCALE_FILE_WAIT_MS`], leaves the widget in English,
//! with one warning (a file that arrives later is used for the surveys opened after it).
//!
//! [`Input::Strings`]: super::Input::Strings

use crate::prelude::*;

use super::{Effect, Machine, Step, Timer};
use crate::core::i18n::{Lang, Locale, Strings};
use crate::core::json::Json;
use crate::core::msg::cat;

/// How long a survey waits for its locale file before it opens in English: a slow or
/// stalled request must not keep a due survey away (the file is a few hundred bytes).
pub const LOCALE_FILE_WAIT_MS: f64 = 3_000.0;

/// Where a locale's strings are.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Table {
    /// Asked for, not yet arrived.
    Loading,
    /// Read.
    Loaded(&'static Strings),
    /// Could not be fetched or read: English is shown.
    Failed,
}

impl Machine {
    /// The locale the configuration and the page want.
    fn wanted_locale(&self) -> Option<Locale> {
        let config = self.config.as_ref()?;
        Some(Lang::wanted(&config.locale, &self.languages))
    }

    /// What is known of `locale`'s strings (`None`: never asked for).
    fn table(&self, locale: Locale) -> Option<Table> {
        self.tables
            .iter()
            .find(|(l, _)| *l == locale)
            .map(|(_, table)| *table)
    }

    /// Asks the host for the wanted locale's file, unless it is English or already asked
    /// for. Called whenever the configuration or the page's languages may have changed it.
    pub(super) fn want_strings(&mut self, step: &mut Step<'_>) {
        let Some(locale) = self.wanted_locale() else {
            return;
        };
        if locale != Locale::En && self.table(locale).is_none() {
            self.tables.push((locale, Table::Loading));
            step.push(Effect::LoadStrings(locale));
            step.push(Effect::SetTimer(Timer::Strings, LOCALE_FILE_WAIT_MS));
        }
    }

    /// Whether the wanted locale's file is still on its way (no survey opens meanwhile).
    pub(super) fn strings_pending(&self) -> bool {
        self.wanted_locale()
            .is_some_and(|l| self.table(l) == Some(Table::Loading))
    }

    /// The language of a survey opened now: the loaded strings of the wanted locale, else
    /// English.
    pub(super) fn lang(&self, configured: &str) -> Lang {
        Lang::detect(configured, &self.languages, |l| match self.table(l) {
            Some(Table::Loaded(s)) => Some(s),
            _ => None,
        })
    }

    /// The wait for locale files is over: those still on their way count as failed for now
    /// (English, one warning each), and triggers are evaluated again.
    pub(super) fn strings_overdue(&mut self, step: &mut Step<'_>) {
        let mut any = false;
        for (locale, table) in &mut self.tables {
            if *table == Table::Loading {
                *table = Table::Failed;
                any = true;
                step.warn(&[
                    "locale file `",
                    locale.tag(),
                    "`: not loaded within 3 s; the widget's own words are shown in English",
                ]);
            }
        }
        if any {
            self.evaluate(step);
        }
    }

    /// The host fetched `locale`'s file (`None`: it could not); triggers are evaluated
    /// again, now that a survey may open.
    pub(super) fn strings_arrived(
        &mut self,
        step: &mut Step<'_>,
        locale: Locale,
        file: Option<Json>,
    ) {
        let (settled, why) = match file.as_ref().map(Strings::from_json) {
            Some(Ok(strings)) => (Table::Loaded(Box::leak(Box::new(strings))), None),
            Some(Err(err)) => (Table::Failed, Some(cat(&[&err.path, ": ", &err.message]))),
            None => (Table::Failed, Some(String::from("could not be loaded"))),
        };
        if let Some(why) = why {
            step.warn(&[
                "locale file `",
                locale.tag(),
                "`: ",
                &why,
                "; the widget's own words are shown in English",
            ]);
        }
        match self.tables.iter_mut().find(|(l, _)| *l == locale) {
            Some((_, table)) => *table = settled,
            None => self.tables.push((locale, settled)),
        }
        self.evaluate(step);
    }
}
