//! `helm template --output-dir DIR` (`pkg/action` `writeToFile`): every rendered document is
//! written to `DIR/CHART/templates/FILE` (under `DIR/RELEASE/` with `--release-name`) as
//! `---\n# Source: PATH\nCONTENT\n`, the documents of one template appended to its file, each
//! write announced as `wrote PATH` on standard output. Helm writes the manifests first (a
//! template's file is created afresh by its first document), then the hooks, which it appends
//! to a file that already exists, even one left by an earlier run, as Helm does.

use std::collections::BTreeSet;

use super::release::Hook;
use super::{Helm, HelmError, Res};

/// The (template path, content) documents of a release manifest (`# Source:` first lines).
fn documents(manifest: &str) -> Vec<(String, String)> {
    super::manifests::split(manifest)
        .into_iter()
        .filter_map(|d| {
            let rest = d.strip_prefix("# Source: ")?;
            let (name, content) = rest.split_once('\n').unwrap_or((rest, ""));
            Some((name.to_string(), content.to_string()))
        })
        .collect()
}

/// `writeToFile`.
fn write(h: &mut Helm<'_, '_>, dir: &str, name: &str, data: &str, append: bool) -> Res {
    let file = format!("{dir}/{name}");
    let parent = match file.rsplit_once('/') {
        Some((p, _)) if !p.is_empty() => p.to_string(),
        _ => ".".into(),
    };
    h.ctx.files.mkdir_all(&parent).map_err(HelmError)?;
    let mut bytes = if append {
        h.ctx.files.read_file(&file).map_err(HelmError)?
    } else {
        Vec::new()
    };
    bytes.extend_from_slice(format!("---\n# Source: {name}\n{data}\n").as_bytes());
    h.ctx.files.create_file(&file, &bytes).map_err(HelmError)?;
    h.out(&format!("wrote {file}\n"));
    Ok(())
}

/// Writes the manifest's documents and the hooks (test hooks left out with `--skip-tests`).
pub fn write_all(
    h: &mut Helm<'_, '_>,
    out_dir: &str,
    release: &str,
    manifest: &str,
    hooks: &[Hook],
    skip_tests: bool,
) -> Res {
    let dir = if h.p.bool("release-name") {
        format!("{}/{release}", out_dir.trim_end_matches('/'))
    } else {
        out_dir.to_string()
    };
    let mut written = BTreeSet::new();
    for (name, content) in documents(manifest) {
        let append = written.contains(&name);
        write(h, &dir, &name, &content, append)?;
        written.insert(name);
    }
    let mut hook_written = BTreeSet::new();
    for k in hooks {
        if skip_tests && k.events.iter().any(|e| e == "test") {
            continue;
        }
        let file = format!("{dir}/{}", k.path);
        if h.ctx.files.read_file(&file).is_ok() {
            hook_written.insert(k.path.clone());
        }
        let append = hook_written.contains(&k.path);
        write(h, &dir, &k.path, &k.manifest, append)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_keep_their_template_paths() {
        let m = "---\n# Source: c/templates/a.yaml\nkind: A\n---\n# Source: c/templates/a.yaml\nkind: B\n";
        assert_eq!(
            documents(m),
            [
                ("c/templates/a.yaml".to_string(), "kind: A".to_string()),
                ("c/templates/a.yaml".to_string(), "kind: B".to_string())
            ]
        );
    }
}
