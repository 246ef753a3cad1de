//! The file tools (`ls`, `stat`, `ln`, `readlink`, `chmod`, `chown`, `touch`, and `rm`/`cat`
//! through links) against what the real GNU coreutils and busybox printed, recorded by
//! `tests/inputs/fs_compare/record.sh` into `gnu.recorded` and `busybox.recorded`: every case
//! runs after the same setup (`setup.sh`) in an empty directory, as root, at the recording's
//! time, and must print the same bytes with the same status.

use kubelab::shell::vfs::Cred;
use kubelab::shell::{Call, Host, Shell, Userland, Vfs};

const DIR: &str = "tests/inputs/fs_compare";

/// A host whose clock reads the recording's time.
struct Clock(i64);

impl Host for Clock {
    fn exec(&mut self, _call: Call<'_>) -> Option<i32> {
        None
    }
    fn sleep(&mut self, _millis: u64) -> bool {
        true
    }
    fn now(&self) -> i64 {
        self.0
    }
}

struct Case {
    line: String,
    stdout: String,
    stderr: String,
    status: i32,
}

/// Reads a `.recorded` file: `now N`, then per case `=== LINE`, `> ` stdout lines, `! ` stderr
/// lines (a `%` line: the last line had no newline), `--- status N`.
fn recorded(kind: &str) -> (i64, Vec<Case>) {
    let text = std::fs::read_to_string(format!("{DIR}/{kind}.recorded")).expect("recorded");
    let mut lines = text.lines();
    let now = lines
        .next()
        .and_then(|l| l.strip_prefix("now "))
        .and_then(|n| n.parse().ok())
        .expect("now");
    let mut cases: Vec<Case> = Vec::new();
    let mut last_err = false;
    for l in lines {
        if let Some(c) = l.strip_prefix("=== ") {
            cases.push(Case {
                line: c.to_string(),
                stdout: String::new(),
                stderr: String::new(),
                status: 0,
            });
            continue;
        }
        let c = cases.last_mut().expect("a case");
        if let Some(s) = l
            .strip_prefix("> ")
            .or(if l == ">" { Some("") } else { None })
        {
            c.stdout.push_str(s);
            c.stdout.push('\n');
            last_err = false;
        } else if let Some(s) = l.strip_prefix("! ") {
            c.stderr.push_str(s);
            c.stderr.push('\n');
            last_err = true;
        } else if l == "%" {
            let s = if last_err {
                &mut c.stderr
            } else {
                &mut c.stdout
            };
            s.pop();
        } else if let Some(s) = l.strip_prefix("--- status ") {
            c.status = s.parse().expect("status");
        }
    }
    (now, cases)
}

fn kubelab(userland: Userland, now: i64, setup: &str, line: &str) -> (String, String, i32) {
    let mut vfs = Vfs::new();
    vfs.set_cred(Cred::ROOT);
    vfs.mkdir("/etc").unwrap();
    vfs.write("/etc/passwd", b"root:x:0:0:root:/root:/bin/bash\n", false)
        .unwrap();
    vfs.write("/etc/group", b"root:x:0:\n", false).unwrap();
    vfs.mkdir("/work").unwrap();
    vfs.chmod("/work", 0o700).unwrap();
    let mut sh = Shell::new(vfs);
    sh.state.profile.userland = userland;
    let mut host = Clock(now);
    sh.run(&format!("cd /work; NOW={now}"), &mut host);
    let o = sh.run(setup, &mut host);
    assert_eq!(
        (o.status, String::from_utf8_lossy(&o.stderr).into_owned()),
        (0, String::new()),
        "setup"
    );
    let o = sh.run(line, &mut host);
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
        o.status,
    )
}

fn compare(kind: &str, userland: Userland) {
    let setup = std::fs::read_to_string(format!("{DIR}/setup.sh")).expect("setup");
    let (now, cases) = recorded(kind);
    assert!(cases.len() > 30, "the recording has its cases");
    let mut failures = Vec::new();
    for c in &cases {
        let got = kubelab(userland, now, setup.trim(), &c.line);
        if got != (c.stdout.clone(), c.stderr.clone(), c.status) {
            failures.push(format!(
                "$ {}\n--- real (status {})\n{}{}--- kubelab (status {})\n{}{}",
                c.line, c.status, c.stdout, c.stderr, got.2, got.0, got.1
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn file_tools_match_gnu_coreutils() {
    compare("gnu", Userland::Gnu);
}

#[test]
fn file_tools_match_busybox() {
    compare("busybox", Userland::Busybox);
}
