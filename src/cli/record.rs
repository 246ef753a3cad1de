//! The session record of `kubelab shell LAB --record FILE`: checked before the session starts
//! (an existing record is never overwritten; `--resume` goes on with it) and saved after every
//! input, by writing a new file beside it and renaming it over the old one, so that a crash
//! never leaves half a record.

use std::path::Path;

use crate::runner::student::record_lab;

/// What the record file holds before the session.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Existing {
    /// Nothing yet (no file, or an empty one).
    New,
    /// A record to go on with (`--resume`).
    Resume(String),
}

/// Whether two lab paths name the same file.
fn same_lab(a: &str, b: &str) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

/// Checks the record file before the session starts; the error is the message to print.
pub(super) fn check(path: &str, resume: bool, lab_path: &str) -> Result<Existing, String> {
    let p = Path::new(path);
    if p.is_dir() {
        return Err(format!("kubelab shell: --record {path}: is a directory"));
    }
    let text = match std::fs::read(p) {
        Ok(b) => String::from_utf8_lossy(&b).into_owned(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(format!("kubelab shell: cannot read the record {path}: {e}")),
    };
    if text.is_empty() {
        // Nothing to lose; make sure it can be written before the student starts working.
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(p)
            .map_err(|e| format!("kubelab shell: cannot write the record {path}: {e}"))?;
        return Ok(Existing::New);
    }
    if !resume {
        return Err(format!(
            "kubelab shell: {path} already holds a session record; to go on with it: kubelab shell {lab_path} --record {path} --resume (or record to another file)"
        ));
    }
    if let Some(other) = record_lab(&text)
        && !same_lab(other, lab_path)
    {
        return Err(format!(
            "kubelab shell: {path} is a session of {other}, not of {lab_path}"
        ));
    }
    Ok(Existing::Resume(text))
}

/// Saves the record: a new file beside it, renamed over it.
pub(super) fn save(path: &str, text: &str) -> Result<(), String> {
    let p = Path::new(path);
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = p.with_file_name(format!(".{name}.kubelab-new"));
    std::fs::write(&tmp, text)
        .and_then(|()| std::fs::rename(&tmp, p))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            format!("kubelab shell: cannot write the record {path}: {e}")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_existing_record_is_kept_unless_resumed() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("me.session");
        let f = f.to_str().unwrap();
        assert_eq!(check(f, false, "labs/a.lab"), Ok(Existing::New));
        assert!(Path::new(f).exists(), "created before the session starts");
        assert_eq!(check(f, false, "labs/a.lab"), Ok(Existing::New), "empty");
        let rec = "# kubelab session for labs/a.lab\necho hi\n";
        save(f, rec).unwrap();
        let err = check(f, false, "labs/a.lab").unwrap_err();
        assert_eq!(
            err,
            format!(
                "kubelab shell: {f} already holds a session record; to go on with it: kubelab shell labs/a.lab --record {f} --resume (or record to another file)"
            )
        );
        assert_eq!(std::fs::read_to_string(f).unwrap(), rec, "untouched");
        assert_eq!(
            check(f, true, "labs/a.lab"),
            Ok(Existing::Resume(rec.into()))
        );
        assert_eq!(
            check(f, true, "labs/b.lab").unwrap_err(),
            format!("kubelab shell: {f} is a session of labs/a.lab, not of labs/b.lab")
        );
        let d = dir.path().to_str().unwrap();
        assert_eq!(
            check(d, true, "labs/a.lab").unwrap_err(),
            format!("kubelab shell: --record {d}: is a directory")
        );
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary file left"
        );
    }
}
