//! The languages a lab's texts can be written in, and which one a user reads: `--lang`, else
//! the environment's locale (`LC_ALL`, then `LC_MESSAGES`, then `LANG`, the order POSIX gives
//! for messages), else English. A lab's untagged texts are English; a translation follows its
//! text after a language tag (`task "Roll out" ko "롤아웃하기" {`). See docs/lab-language.md,
//! "Texts in several languages".

use std::fmt;

/// A language of lab texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Lang {
    /// English: a lab's untagged texts.
    #[default]
    En,
    /// Korean (the course's language).
    Ko,
}

/// Every language, the base one first.
pub const ALL: &[Lang] = &[Lang::En, Lang::Ko];

impl Lang {
    /// The tag written in a lab file and given to `--lang` (ISO 639-1).
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ko => "ko",
        }
    }

    /// The language's own name for itself (in messages).
    pub fn name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Ko => "Korean",
        }
    }

    /// The language of a tag (`ko`), if kubelab knows it.
    pub fn from_code(code: &str) -> Option<Lang> {
        ALL.iter().copied().find(|l| l.code() == code)
    }

    /// The language of a POSIX locale name (`ko_KR.UTF-8`, `ko`, `en_US`, `C`): its language
    /// part before `_`, `.` or `@`. None for a locale kubelab has no texts for (`C`, `POSIX`,
    /// `de_DE`): the caller falls back to English.
    pub fn from_locale(locale: &str) -> Option<Lang> {
        let lang = locale.split(['_', '.', '@']).next().unwrap_or("");
        Lang::from_code(&lang.to_ascii_lowercase())
    }

    /// The language the environment asks for: the first of `LC_ALL`, `LC_MESSAGES` and `LANG`
    /// that is set and not empty decides (as POSIX has a program choose its messages' locale);
    /// a locale kubelab has no texts for (`C`, `de_DE.UTF-8`) means English. `get` reads a
    /// variable (the process environment in the binary; a table in tests).
    pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Lang {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|v| get(v))
            .find(|v| !v.is_empty())
            .and_then(|v| Lang::from_locale(&v))
            .unwrap_or_default()
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A text and its translations: the base (English) text and `(language, text)` alternates in
/// the order written.
pub type Alternates = Vec<(Lang, String)>;

/// The text to show in `lang`: its translation, else the base text.
pub fn pick<'a>(base: &'a str, alternates: &'a [(Lang, String)], lang: Lang) -> &'a str {
    alternates
        .iter()
        .find(|(l, _)| *l == lang)
        .map_or(base, |(_, t)| t.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn locales_name_their_language() {
        assert_eq!(Lang::from_locale("ko_KR.UTF-8"), Some(Lang::Ko));
        assert_eq!(Lang::from_locale("ko_KR.utf8"), Some(Lang::Ko));
        assert_eq!(Lang::from_locale("ko"), Some(Lang::Ko));
        assert_eq!(Lang::from_locale("ko_KR@euro"), Some(Lang::Ko));
        assert_eq!(Lang::from_locale("en_US.UTF-8"), Some(Lang::En));
        assert_eq!(Lang::from_locale("C.UTF-8"), None);
        assert_eq!(Lang::from_locale("POSIX"), None);
        assert_eq!(Lang::from_locale("de_DE.UTF-8"), None);
        assert_eq!(Lang::from_locale(""), None);
    }

    #[test]
    fn the_environment_decides_in_posix_order() {
        assert_eq!(Lang::from_env(env(&[])), Lang::En);
        assert_eq!(Lang::from_env(env(&[("LANG", "ko_KR.UTF-8")])), Lang::Ko);
        assert_eq!(
            Lang::from_env(env(&[("LANG", "ko_KR.UTF-8"), ("LC_MESSAGES", "C")])),
            Lang::En
        );
        assert_eq!(
            Lang::from_env(env(&[
                ("LANG", "en_US.UTF-8"),
                ("LC_MESSAGES", "en_US.UTF-8"),
                ("LC_ALL", "ko_KR.UTF-8")
            ])),
            Lang::Ko
        );
        // An empty variable is unset.
        assert_eq!(
            Lang::from_env(env(&[("LC_ALL", ""), ("LANG", "ko_KR.UTF-8")])),
            Lang::Ko
        );
        // A locale without texts means English, not the next variable.
        assert_eq!(
            Lang::from_env(env(&[("LC_ALL", "fr_FR.UTF-8"), ("LANG", "ko_KR.UTF-8")])),
            Lang::En
        );
    }

    #[test]
    fn a_missing_translation_falls_back_to_the_base_text() {
        let alt = vec![(Lang::Ko, "롤아웃하기".to_string())];
        assert_eq!(pick("Roll out", &alt, Lang::Ko), "롤아웃하기");
        assert_eq!(pick("Roll out", &alt, Lang::En), "Roll out");
        assert_eq!(pick("Roll out", &[], Lang::Ko), "Roll out");
    }
}
