//! Which texts of a lab lack a translation the lab has elsewhere: a lab that gives some texts
//! in Korean and not others shows a student a mix of languages. `kubelab lint` prints these
//! as warnings (the English text is shown in their place, so nothing breaks).

use super::ast::Lab;
use super::lang::{Alternates, Lang};

/// The line (1-based) of the first line whose trimmed text starts with `prefix`.
fn line_of(text: &str, prefix: &str) -> usize {
    text.lines()
        .position(|l| l.trim_start().starts_with(prefix))
        .map_or(1, |i| i + 1)
}

fn has(alt: &Alternates, lang: Lang) -> bool {
    alt.iter().any(|(l, _)| *l == lang)
}

/// One line per text without a translation into a language the lab uses elsewhere:
/// `PATH:LINE: task "TITLE" has no `ko` title (the English one is shown)`. Empty for a lab
/// in English only and for a lab translated throughout.
pub fn missing(lab: &Lab) -> Vec<String> {
    let b = lab.base();
    let mut out = Vec::new();
    for lang in b.languages() {
        let at = |line: usize, what: String| {
            format!(
                "{}:{line}: {what} has no `{lang}` text ({} is shown in its place)",
                b.path,
                Lang::En.name()
            )
        };
        if !has(&b.title_alt, lang) {
            out.push(at(line_of(&b.text, "lab "), "the lab's title".into()));
        }
        if b.intro.is_some() && !has(&b.intro_alt, lang) {
            out.push(at(line_of(&b.text, "intro"), "the intro".into()));
        }
        for t in &b.tasks {
            if !has(&t.title_alt, lang) {
                out.push(at(t.line, format!("task \"{}\"", t.title)));
            }
            for (i, alt) in t.hints_alt.iter().enumerate() {
                if !has(alt, lang) {
                    out.push(at(
                        t.line,
                        format!("hint {} of task \"{}\"", i + 1, t.title),
                    ));
                }
            }
        }
        for c in &b.checks {
            if !has(&c.what_alt, lang) {
                out.push(at(c.line, format!("check \"{}\"", c.what)));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partly_translated_lab_is_named_text_by_text() {
        let lab = crate::lab::parse(
            "t.lab",
            "lab \"T\" ko \"티\"\n\nintro \"\"\"\nHello\n\"\"\"\n\ntask \"one\" ko \"하나\" {\n    hint \"h1\" ko \"힌트\"\n    hint \"h2\"\n    check 1 \"a\" { true }\n}\n\ncheck 1 \"b\" ko \"비\" { true }\n",
        )
        .expect("lab");
        assert_eq!(
            missing(&lab),
            vec![
                "t.lab:3: the intro has no `ko` text (English is shown in its place)",
                "t.lab:7: hint 2 of task \"one\" has no `ko` text (English is shown in its place)",
                "t.lab:10: check \"a\" has no `ko` text (English is shown in its place)",
            ]
        );
        // The same from a localized copy: the English texts name the places.
        assert_eq!(missing(&lab.localized(Lang::Ko)), missing(&lab));
    }

    #[test]
    fn english_only_and_fully_translated_labs_are_clean() {
        let en = crate::lab::parse("t.lab", "lab \"T\"\n\ncheck 1 \"b\" { true }\n").expect("lab");
        assert!(missing(&en).is_empty());
        let ko = crate::lab::parse(
            "t.lab",
            "lab \"T\" ko \"티\"\n\nintro \"Hi\"\nintro ko \"안녕\"\n\ncheck 1 \"b\" ko \"비\" { true }\n",
        )
        .expect("lab");
        assert!(missing(&ko).is_empty());
    }
}
