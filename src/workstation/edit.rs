//! `kubectl edit`'s editor on the workstation. Scripted sessions (labs, `kubelab run`,
//! `kubelab grade`) never start a host process: an editor given as a `sed` command line
//! (`KUBE_EDITOR="sed -i 's/replicas: 5/replicas: 10/'"`) runs on the temporary file's text.
//! Any other editor is refused with a message saying how to edit here.

/// Splits an editor command line into words (single and double quotes, backslashes).
fn words(cmd: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut any = false;
    let mut q: Option<char> = None;
    let mut it = cmd.chars();
    while let Some(c) = it.next() {
        match q {
            Some(qc) if c == qc => q = None,
            Some('"') if c == '\\' => {
                if let Some(n) = it.next() {
                    cur.push(n);
                }
            }
            Some(_) => cur.push(c),
            None => match c {
                '\'' | '"' => {
                    q = Some(c);
                    any = true;
                }
                '\\' => {
                    if let Some(n) = it.next() {
                        cur.push(n);
                    }
                }
                c if c.is_whitespace() => {
                    if any || !cur.is_empty() {
                        out.push(std::mem::take(&mut cur));
                    }
                    any = false;
                }
                _ => cur.push(c),
            },
        }
    }
    if any || !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Edits `content` with the editor command line `editor`. With `host_editor` (the interactive
/// REPL), an editor other than `sed` runs on the host on a temporary copy, as kubectl does.
pub fn run_editor(
    editor: &str,
    file_name: &str,
    content: &[u8],
    host_editor: bool,
) -> Result<Vec<u8>, String> {
    let argv = words(editor);
    match argv.first().map(String::as_str) {
        Some("sed") => crate::shell::edit_with_sed(&argv[1..], &String::from_utf8_lossy(content))
            .map(String::into_bytes),
        Some(_) if host_editor => on_host(&argv, file_name, content),
        _ => Err(format!(
            "kubelab cannot open the editor \"{editor}\" here; set KUBE_EDITOR to a sed command, e.g. KUBE_EDITOR=\"sed -i 's/replicas: 5/replicas: 10/'\" kubectl edit deployment/NAME"
        )),
    }
}

/// Runs the student's editor on a temporary copy in the host's temporary directory.
fn on_host(argv: &[String], file_name: &str, content: &[u8]) -> Result<Vec<u8>, String> {
    let safe: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let dir = std::env::temp_dir().join(format!("kubelab-edit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let path = dir.join(safe);
    std::fs::write(&path, content).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    let status = std::process::Command::new(&argv[0])
        .args(&argv[1..])
        .arg(&path)
        .status();
    let result = match status {
        Ok(s) if s.success() => {
            std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))
        }
        Ok(s) => Err(format!("the editor exited with {s}")),
        Err(e) => Err(format!("cannot start the editor \"{}\": {e}", argv[0])),
    };
    let _ = std::fs::remove_dir_all(&dir);
    result
}
