//! The recorded answers of the real kubectl (`record.sh` in a `tests/inputs/kubectl_*` folder):
//! each case is `$ LINE`, then `--- stdout`, `--- stderr` and `--- exit N` blocks.

/// One recorded command line and what kubectl answered.
pub struct Recorded {
    pub line: String,
    pub stdout: String,
    pub stderr: String,
    pub status: i32,
}

/// Reads a recording.
pub fn read_recorded(text: &str) -> Vec<Recorded> {
    let mut out = Vec::new();
    let mut lines = text.split_inclusive('\n').peekable();
    while let Some(l) = lines.next() {
        let Some(cmd) = l.strip_prefix("$ ") else {
            continue;
        };
        let mut section = 0;
        let (mut stdout, mut stderr, mut status) = (String::new(), String::new(), 0);
        for l in lines.by_ref() {
            if let Some(code) = l.strip_prefix("--- exit ") {
                status = code.trim().parse().unwrap();
                break;
            }
            if l == "--- stdout\n" {
                section = 1;
                continue;
            }
            // "--- stderr" may follow output without a final newline
            if let Some(before) = l.strip_suffix("--- stderr\n") {
                stdout.push_str(before);
                section = 2;
                continue;
            }
            match section {
                1 => stdout.push_str(l),
                _ => stderr.push_str(l),
            }
        }
        out.push(Recorded {
            line: cmd.trim_end().to_string(),
            stdout,
            stderr,
            status,
        });
    }
    out
}
