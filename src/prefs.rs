//! The reader's page preferences, kept in localStorage: UI language (first from
//! `navigator.language`) and colour theme (following the system unless chosen).
//! They shape the page only, never the cluster.

use crate::i18n::Lang;

const LANG_KEY: &str = "kubeplay.lang";
const THEME_KEY: &str = "kubeplay.theme";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    /// Follow `prefers-color-scheme`.
    System,
    Light,
    Dark,
}

impl Theme {
    pub fn parse(s: &str) -> Option<Theme> {
        match s {
            "system" => Some(Theme::System),
            "light" => Some(Theme::Light),
            "dark" => Some(Theme::Dark),
            _ => None,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
}

/// A stored language tag wins; else the browser's language.
pub fn choose_lang(stored: Option<&str>, browser: Option<&str>) -> Lang {
    match stored {
        Some("ko") => Lang::Ko,
        Some("en") => Lang::En,
        _ => Lang::from_tag(browser.unwrap_or("")),
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn stored(key: &str) -> Option<String> {
    storage()?.get_item(key).ok().flatten()
}

fn store(key: &str, value: &str) {
    if let Some(s) = storage() {
        // Private browsing may refuse; the choice then lasts for this page only.
        let _ = s.set_item(key, value);
    }
}

pub fn load_lang() -> Lang {
    let browser = web_sys::window().and_then(|w| w.navigator().language());
    choose_lang(stored(LANG_KEY).as_deref(), browser.as_deref())
}

pub fn load_theme() -> Theme {
    stored(THEME_KEY).as_deref().and_then(Theme::parse).unwrap_or(Theme::System)
}

/// Remembers the language and marks the document with it (`<html lang>`).
pub fn apply_lang(lang: Lang, remember: bool) {
    if remember {
        store(LANG_KEY, lang.tag());
    }
    if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = root.set_attribute("lang", lang.tag());
    }
}

/// Remembers the theme and sets `data-theme` on `<html>`, which the stylesheet's
/// `color-scheme` follows (absent: the system's).
pub fn apply_theme(theme: Theme, remember: bool) {
    if remember {
        store(THEME_KEY, theme.key());
    }
    if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = match theme {
            Theme::System => root.remove_attribute("data-theme"),
            other => root.set_attribute("data-theme", other.key()),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_remembered_choice_wins_over_the_browser() {
        assert_eq!(choose_lang(None, Some("ko-KR")), Lang::Ko);
        assert_eq!(choose_lang(Some("en"), Some("ko-KR")), Lang::En);
        assert_eq!(choose_lang(Some("ko"), Some("en-US")), Lang::Ko);
        assert_eq!(choose_lang(Some("junk"), Some("en-US")), Lang::En);
        assert_eq!(choose_lang(None, None), Lang::En);
    }

    #[test]
    fn themes_round_trip() {
        for t in [Theme::System, Theme::Light, Theme::Dark] {
            assert_eq!(Theme::parse(t.key()), Some(t));
        }
        assert_eq!(Theme::parse("blue"), None);
    }
}
