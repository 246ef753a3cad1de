//! The layers of `src/` import only the layers below them (docs/architecture.md).

use std::collections::BTreeSet;

const ALLOWED: &[(&str, &[&str])] = &[
    ("alloc_gauge.rs", &[]),
    ("calendar.rs", &[]),
    ("coroutine.rs", &[]),
    ("shell", &["alloc_gauge", "calendar"]),
    ("world", &["calendar", "coroutine", "shell"]),
    ("printers", &["world"]),
    ("kubectl", &["printers", "world"]),
    ("oc", &["kubectl", "printers", "world"]),
    ("helm", &["kubectl", "printers", "world", "calendar"]),
    ("frontend.rs", &["kubectl", "oc", "world"]),
    (
        "workstation",
        &["frontend", "helm", "kubectl", "oc", "shell", "world"],
    ),
    ("script", &["helm", "kubectl", "printers", "world"]),
    ("lab", &["script", "shell"]),
    (
        "runner",
        &["lab", "script", "shell", "workstation", "world"],
    ),
    ("cli", &["lab", "runner", "shell", "workstation", "world"]),
    (
        "web",
        &["cli", "lab", "runner", "shell", "workstation", "world"],
    ),
];

fn files(path: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    if path.is_dir() {
        for e in std::fs::read_dir(path).unwrap() {
            files(&e.unwrap().path(), out);
        }
    } else if path.extension().is_some_and(|e| e == "rs") {
        out.push(path.to_path_buf());
    }
}

#[test]
fn layers_import_only_layers_below() {
    let mut problems = Vec::new();
    for (layer, allowed) in ALLOWED {
        let mut fs = Vec::new();
        files(&std::path::Path::new("src").join(layer), &mut fs);
        assert!(!fs.is_empty(), "no files for layer {layer}");
        let own = layer.trim_end_matches(".rs");
        for f in fs {
            let text = std::fs::read_to_string(&f).unwrap();
            let used: BTreeSet<String> = text
                .match_indices("crate::")
                .map(|(i, _)| {
                    text[i + 7..]
                        .chars()
                        .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                        .collect::<String>()
                })
                .filter(|m| !m.is_empty())
                .collect();
            for m in used {
                if m != own && !allowed.contains(&m.as_str()) {
                    problems.push(format!("{} uses crate::{m}", f.display()));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The part of a source file before its test module (`#[cfg(test)]`), outside test files.
fn code_before_tests(path: &std::path::Path) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    if name == "tests.rs" || path.components().any(|c| c.as_os_str() == "tests") {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    let end = text
        .match_indices("#[cfg(test)]\nmod ")
        .find(|(i, _)| text[*i..].lines().nth(1).is_some_and(|l| l.ends_with('{')))
        .map_or(text.len(), |(i, _)| i);
    Some(text[..end].to_string())
}

/// Code that means a kind names it by its constant (`world::api::kinds::POD`), never by a string
/// literal in a comparison, a discovery lookup or an object's `kind` field: the served kinds'
/// names are the `kinds!` table's, and a misspelt literal would be a silent bug.
#[test]
fn kinds_are_named_by_their_constants() {
    let table = std::fs::read_to_string("src/world/api/kinds.rs").unwrap();
    let kinds: Vec<&str> = table
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix('"'))
        .filter(|l| l.contains("\" \"") && l.ends_with(';'))
        .filter_map(|l| l.split('"').next())
        .collect();
    assert!(kinds.contains(&"Pod") && kinds.len() > 40, "{kinds:?}");
    let mut fs = Vec::new();
    files(std::path::Path::new("src"), &mut fs);
    fs.sort();
    let mut problems = Vec::new();
    for f in fs {
        if f.ends_with("world/api/kinds.rs") || f.ends_with("world/api/kind_names.rs") {
            continue;
        }
        let Some(code) = code_before_tests(&f) else {
            continue;
        };
        for k in &kinds {
            for form in [
                format!("== \"{k}\""),
                format!("!= \"{k}\""),
                format!("\"{k}\" =="),
                format!("by_kind(\"{k}\""),
                format!("\"kind\": \"{k}\""),
            ] {
                if code.contains(&form) {
                    problems.push(format!("{}: {form}", f.display()));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "use world::api::kinds::*:\n{}",
        problems.join("\n")
    );
}
