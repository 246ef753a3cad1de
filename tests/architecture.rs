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
