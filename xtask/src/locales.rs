//! The locale files: one per supported locale except English, written from the typed
//! tables (the one source of truth) with `Strings::to_json`:
//! `dist/widget/locales/<tag>.json` from the core's (`rapport::core::i18n`) and
//! `dist/loyalty/locales/<tag>.json` from the loyalty panel's (`rapport_panel::i18n`).
//!
//! English is compiled into each wasm; a page that wants another locale has the widget or
//! the panel fetch that one file (see docs/ARCHITECTURE.md, "What loads when").

use std::path::{Path, PathBuf};

use rapport::core::i18n::Locale;

/// The directory of the locale files inside the widget's directory.
pub const DIR: &str = "locales";

/// The locales shipped as files: every supported one but English.
pub fn shipped() -> impl Iterator<Item = Locale> {
    Locale::ALL.into_iter().filter(|l| *l != Locale::En)
}

/// Writes the widget's locale files into `widget_dir/locales/` (afresh); returns their
/// paths.
pub fn write(widget_dir: &Path) -> Result<Vec<PathBuf>, String> {
    write_each(widget_dir, "widget", |l| l.strings().to_json())
}

/// Writes the loyalty panel's locale files into `panel_dir/locales/` (afresh); returns their
/// paths.
pub fn write_panel(panel_dir: &Path) -> Result<Vec<PathBuf>, String> {
    write_each(panel_dir, "loyalty panel", |l| {
        rapport_panel::i18n::table(l).to_json()
    })
}

fn write_each(
    artifact_dir: &Path,
    what: &str,
    file: impl Fn(Locale) -> String,
) -> Result<Vec<PathBuf>, String> {
    let dir = artifact_dir.join(DIR);
    crate::util::fresh_dir(&dir)?;
    let mut written = Vec::new();
    for locale in shipped() {
        let path = dir.join(format!("{}.json", locale.tag()));
        std::fs::write(&path, file(locale))
            .map_err(|e| format!("writing {}: {e}", path.display()))?;
        written.push(path);
    }
    eprintln!(
        "\n==> {what}: {} locale files written to {}",
        written.len(),
        dir.display()
    );
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_locale_but_english_is_a_file_the_core_reads_back() {
        let dir = std::env::temp_dir().join(format!("rapport-locales-{}", std::process::id()));
        let files = write(&dir).unwrap();
        assert_eq!(files.len(), Locale::ALL.len() - 1);
        assert!(
            !dir.join(DIR).join("en.json").exists(),
            "English is built in"
        );
        for locale in shipped() {
            let text =
                std::fs::read_to_string(dir.join(DIR).join(format!("{}.json", locale.tag())))
                    .unwrap();
            let json = rapport::core::json::from_text(&text).unwrap();
            let read = rapport::core::i18n::Strings::from_json(&json).unwrap();
            assert_eq!(&read, locale.strings(), "{locale:?}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_panels_files_are_read_back_by_the_panel() {
        let dir =
            std::env::temp_dir().join(format!("rapport-panel-locales-{}", std::process::id()));
        let files = write_panel(&dir).unwrap();
        assert_eq!(files.len(), Locale::ALL.len() - 1);
        assert!(
            !dir.join(DIR).join("en.json").exists(),
            "English is built in"
        );
        for locale in shipped() {
            let path = dir.join(DIR).join(format!("{}.json", locale.tag()));
            let json =
                rapport::core::json::from_text(&std::fs::read_to_string(path).unwrap()).unwrap();
            let read = rapport_panel::i18n::Strings::from_json(&json).unwrap();
            assert_eq!(&read, rapport_panel::i18n::table(locale), "{locale:?}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
