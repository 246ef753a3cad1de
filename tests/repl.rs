//! The interactive prompt (`kubelab shell` on a terminal), driven as a person drives it: the
//! binary runs in a tmux pane (a real pseudo-terminal), keys are sent with `send-keys`, pastes
//! with `paste-buffer` (without bracketed paste), and the screen is read with `capture-pane`.
//! Without tmux (or for a check that needs vim, without vim) a test says "skipped" on stderr
//! and passes. Every wait polls the screen for what must appear, up to a generous ceiling.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// The longest any wait may take (a last line of defence on a loaded machine, not a timing).
const CEILING: Duration = Duration::from_secs(60);

/// Says a test was skipped on the process's standard error (not the harness's captured
/// output, so that it shows in a plain `cargo test`).
fn skipped(why: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "skipped: {why}");
}

fn have(program: &str, arg: &str) -> bool {
    Command::new(program)
        .arg(arg)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A tmux server of its own with one pane running `kubelab shell ARGS`.
struct Pane {
    socket: PathBuf,
    dir: tempfile::TempDir,
}

impl Pane {
    /// Starts the prompt with `HOME` (None: unset) and extra variables; None (after saying
    /// "skipped") when tmux is missing.
    fn start(test: &str, args: &str, home: Option<&Path>, vars: &[(&str, &str)]) -> Option<Pane> {
        if !have("tmux", "-V") {
            skipped(&format!("{test}: tmux is not installed"));
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join("tmux.sock");
        let mut env = format!(
            "env -i PATH='{}' TERM=xterm-256color LANG=C.UTF-8",
            std::env::var("PATH").unwrap_or_default()
        );
        if let Some(h) = home {
            env.push_str(&format!(" HOME='{}'", h.display()));
        }
        for (k, v) in vars {
            env.push_str(&format!(" {k}='{v}'"));
        }
        let cmd = format!(
            "cd '{}' && {env} '{}' shell {args}; echo \"[exited $?]\"; exec sleep 600",
            env!("CARGO_MANIFEST_DIR"),
            env!("CARGO_BIN_EXE_kubelab"),
        );
        let ok = Command::new("tmux")
            .arg("-S")
            .arg(&socket)
            .args([
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-s",
                "t",
                "-x",
                "200",
                "-y",
                "60",
            ])
            .arg(cmd)
            .env_remove("TMUX")
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "tmux new-session failed");
        let p = Pane { socket, dir };
        p.wait_end("$");
        Some(p)
    }

    fn tmux(&self, args: &[&str]) -> String {
        let o = Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .args(args)
            .output()
            .unwrap();
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    /// Keys as `tmux send-keys` names them (`Enter`, `C-c`, `C-d`, `Up`) or literal text.
    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "t"];
        args.extend(keys);
        self.tmux(&args);
    }

    /// Types a line and presses Enter.
    fn line(&self, text: &str) {
        self.tmux(&["send-keys", "-t", "t", "-l", text]);
        self.keys(&["Enter"]);
    }

    /// Pastes text at once, without bracketed paste (as an old terminal or a serial line does).
    fn paste(&self, text: &str) {
        let f = self.dir.path().join("paste.txt");
        std::fs::write(&f, text).unwrap();
        self.tmux(&["load-buffer", "-b", "p", f.to_str().unwrap()]);
        self.tmux(&["paste-buffer", "-b", "p", "-t", "t"]);
    }

    fn screen(&self) -> String {
        let s = self.tmux(&["capture-pane", "-p", "-J", "-t", "t"]);
        s.lines()
            .map(str::trim_end)
            .collect::<Vec<_>>()
            .join("\n")
            .trim_end()
            .to_string()
    }

    /// Waits until the screen holds `needle`; returns the screen.
    fn wait_for(&self, needle: &str) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if s.contains(needle) {
                return s;
            }
            assert!(
                start.elapsed() < CEILING,
                "the screen never showed {needle:?}:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until the screen ends with `tail` (e.g. the next prompt after an output).
    fn wait_end(&self, tail: &str) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if s.ends_with(tail) {
                return s;
            }
            assert!(
                start.elapsed() < CEILING,
                "the screen never ended with {tail:?}:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Pane {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .arg("kill-server")
            .status();
    }
}

/// The screen from the line that starts with `from` on.
fn from<'a>(screen: &'a str, from: &str) -> &'a str {
    &screen[screen
        .rfind(from)
        .unwrap_or_else(|| panic!("no {from:?} in:\n{screen}"))..]
}

#[test]
fn ctrl_d_at_a_continuation_prompt_ends_a_heredoc_or_is_a_syntax_error_but_never_quits() {
    let home = tempfile::tempdir().unwrap();
    let Some(p) = Pane::start("ctrl-d", "", Some(home.path()), &[]) else {
        return;
    };
    // Ctrl-D is sent once the prompt shows: typed ahead, the terminal itself would take it.
    p.line("echo before");
    p.wait_end("before\n$");
    p.line("cat <<EOF");
    p.wait_end(">");
    p.line("hello");
    p.wait_end("> hello\n>");
    p.keys(&["C-d"]);
    p.wait_end("hello\n$");
    p.line("echo \"abc");
    p.wait_end(">");
    p.keys(&["C-d"]);
    p.wait_for("matching `\"'");
    p.line("if true; then echo x");
    p.wait_end(">");
    p.keys(&["C-d"]);
    p.wait_for("unexpected end of file");
    p.line("echo alive");
    let s = p.wait_end("alive\n$");
    // As interactive bash 5 shows it (with `kubelab: ` for `bash: `): the second line of the
    // session opened the heredoc.
    assert_eq!(
        from(&s, "$ cat <<EOF"),
        "$ cat <<EOF\n> hello\n>\nkubelab: warning: here-document at line 2 delimited by end-of-file (wanted `EOF')\nhello\n$ echo \"abc\n>\nkubelab: unexpected EOF while looking for matching `\"'\n$ if true; then echo x\n>\nkubelab: syntax error: unexpected end of file\n$ echo alive\nalive\n$"
    );
    // Ctrl-D at the prompt leaves, as before.
    p.keys(&["C-d"]);
    p.wait_for("[exited 0]");
}

#[test]
fn pasted_and_typed_ahead_lines_all_run_in_order() {
    let home = tempfile::tempdir().unwrap();
    let Some(p) = Pane::start("paste", "", Some(home.path()), &[]) else {
        return;
    };
    p.paste("echo one\necho two\ncat <<EOF\nbody\nEOF\necho three\n");
    let s = p.wait_end("three\n$");
    assert_eq!(
        from(&s, "$ echo one"),
        "$ echo one\none\n$ echo two\ntwo\n$ cat <<EOF\n> body\n> EOF\nbody\n$ echo three\nthree\n$"
    );
    // Typed while a command runs: kept, then run one after another (the terminal echoes them
    // meanwhile, as under bash).
    p.line("seq 1 100000 > f; for i in $(seq 1 300); do grep -c 99 f > /dev/null; done; echo slow-done");
    p.line("echo typed-1");
    p.line("echo typed-2");
    let s = p.wait_end("typed-2\n$");
    assert!(
        s.contains("slow-done\n$ echo typed-1\ntyped-1\n$ echo typed-2\ntyped-2\n$"),
        "{s}"
    );
}

#[test]
fn history_is_kept_across_restarts_in_the_xdg_state_directory() {
    let home = tempfile::tempdir().unwrap();
    {
        let Some(p) = Pane::start("history", "", Some(home.path()), &[]) else {
            return;
        };
        p.line("echo remembered-1");
        p.wait_end("remembered-1\n$");
        p.keys(&["C-d"]);
        p.wait_for("[exited 0]");
    }
    let file = home.path().join(".local/state/kubelab/history");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.ends_with("echo remembered-1\n"), "{text}");
    let Some(p) = Pane::start("history", "", Some(home.path()), &[]) else {
        return;
    };
    p.keys(&["Up"]);
    p.wait_end("$ echo remembered-1");
    p.keys(&["Enter"]);
    p.wait_end("remembered-1\n$");

    // No home directory, or one that cannot hold the file: in memory only, not a word.
    for home in [None, Some(file.as_path())] {
        let Some(p) = Pane::start("history", "", home, &[]) else {
            return;
        };
        p.line("echo no-history-file");
        p.wait_end("no-history-file\n$");
        p.keys(&["Up"]);
        p.wait_end("$ echo no-history-file");
        p.keys(&["C-u", "C-d"]);
        let s = p.wait_for("[exited 0]");
        assert_eq!(
            from(&s, "$ echo no-history-file"),
            "$ echo no-history-file\nno-history-file\n$\nexit\n[exited 0]",
            "{home:?}"
        );
    }
}

#[test]
fn reset_resets_the_terminal_and_asks_before_throwing_the_lab_away() {
    let dir = tempfile::tempdir().unwrap();
    let rec = dir.path().join("me.session");
    let args = format!("labs/pause-resume.lab --record '{}'", rec.display());
    let Some(p) = Pane::start("reset", &args, Some(dir.path()), &[]) else {
        return;
    };
    p.line("kubectl create deployment http-go --image=gasbugs/http-go:v1 --replicas=3");
    p.wait_for("deployment.apps/http-go created\n$");
    p.line("reset");
    // The terminal was reset (the screen cleared), then the question.
    let s = p.wait_for("[y/N]");
    assert_eq!(
        s,
        "Reset the lab? Everything done in this session is lost [y/N]"
    );
    p.line("n");
    p.wait_end("only the terminal was reset.\n$");
    p.line("kubectl get deployment -o name");
    let s = p.wait_end("deployment.apps/http-go\n$");
    assert!(s.starts_with("Reset the lab? Everything done in this session is lost [y/N] n\nThe lab was kept; only the terminal was reset.\n"), "{s}");
    p.line("reset");
    p.wait_for("[y/N]");
    p.line("y");
    p.wait_end("The lab was reset: a fresh cluster and workstation.\n$");
    p.line("kubectl get deployment");
    p.wait_end("No resources found in default namespace.\n$");
    p.keys(&["C-d"]);
    p.wait_for("[exited 0]");
    assert_eq!(
        std::fs::read_to_string(&rec).unwrap(),
        "# kubelab session for labs/pause-resume.lab\nkubectl create deployment http-go --image=gasbugs/http-go:v1 --replicas=3\nkubectl get deployment -o name\n# kubelab: reset\nkubectl get deployment\n"
    );
}

#[test]
fn ctrl_c_stops_a_running_command_and_keeps_the_world() {
    let home = tempfile::tempdir().unwrap();
    let Some(p) = Pane::start("ctrl-c", "", Some(home.path()), &[]) else {
        return;
    };
    p.line("kubectl create deployment web --image=nginx");
    p.wait_for("deployment.apps/web created\n$");
    // Minutes of work: only Ctrl-C ends it in time.
    p.line("seq 1 100000 > f");
    p.wait_end("$ seq 1 100000 > f\n$");
    p.line("while true; do grep -c 99 f > /dev/null; done; echo finished");
    p.wait_end("echo finished");
    std::thread::sleep(Duration::from_millis(300));
    p.keys(&["C-c"]);
    p.wait_end("^C\n$");
    p.line("echo status=$?");
    p.wait_end("status=130\n$");
    p.line("kubectl get deployment web -o name");
    let s = p.wait_end("deployment.apps/web\n$");
    assert_eq!(
        from(&s, "$ while"),
        "$ while true; do grep -c 99 f > /dev/null; done; echo finished\n^C\n$ echo status=$?\nstatus=130\n$ kubectl get deployment web -o name\ndeployment.apps/web\n$"
    );
    // At the prompt Ctrl-C drops the line.
    p.tmux(&["send-keys", "-t", "t", "-l", "echo never"]);
    p.wait_end("$ echo never");
    p.keys(&["C-c"]);
    p.wait_end("$ echo never\n$");
    p.line("echo after");
    let s = p.wait_end("after\n$");
    assert!(s.ends_with("$ echo never\n$ echo after\nafter\n$"), "{s}");
}

#[test]
fn a_wait_shows_its_lines_at_once_and_holds_until_ctrl_c() {
    let home = tempfile::tempdir().unwrap();
    let Some(p) = Pane::start("waits", "", Some(home.path()), &[]) else {
        return;
    };
    p.line("kubectl create deployment web --image=nginx; kubectl rollout status deploy/web");
    p.wait_end("successfully rolled out\n$");
    p.line("kubectl rollout pause deploy/web; kubectl set image deploy/web nginx=nginx:1.25");
    p.wait_end("image updated\n$");
    p.line("kubectl rollout status deploy/web; echo after");
    // The waiting line shows while the command still runs (no prompt after it).
    let s = p.wait_end("new replicas have been updated...");
    assert!(!s.ends_with("$"), "{s}");
    std::thread::sleep(Duration::from_millis(500));
    assert!(p.screen().ends_with("new replicas have been updated..."));
    p.keys(&["C-c"]);
    p.wait_end("^C\n$");
    p.line("echo status=$?");
    let s = p.wait_end("status=130\n$");
    assert_eq!(
        from(&s, "$ kubectl rollout status deploy/web; echo after"),
        "$ kubectl rollout status deploy/web; echo after\nWaiting for deployment \"web\" rollout to finish: 0 out of 1 new replicas have been updated...\n^C\n$ echo status=$?\nstatus=130\n$"
    );
}

#[test]
fn the_person_s_own_editor_edits_a_copy_and_shells_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    if !have("vim", "--version") {
        skipped("the own-editor test needs vim");
        return;
    }
    let marker = dir.path().join("escaped");
    let rec = dir.path().join("me.session");
    let args = format!("labs/pause-resume.lab --record '{}'", rec.display());
    let Some(p) = Pane::start("editor", &args, Some(dir.path()), &[]) else {
        return;
    };
    p.line("kubectl create deployment web --image=nginx");
    p.wait_for("created\n$");
    // The escape from issue 12: refused, nothing runs on the host.
    p.line(&format!(
        "KUBE_EDITOR=\"sh -c 'id > {}'\" kubectl edit deployment web",
        marker.display()
    ));
    p.wait_for("error: kubelab runs only an editor program on the host, not \"sh\"");
    assert!(!marker.exists());
    // vim on a temporary copy of the object; what it saves is applied.
    p.line("KUBE_EDITOR='vim -N' kubectl edit deployment web");
    p.wait_for("# Please edit the object below.");
    p.line(":%s/replicas: 1/replicas: 3/");
    p.line(":wq");
    p.wait_for("deployment.apps/web edited\n$");
    // vi FILE: the virtual file's content to the copy and back.
    p.line("printf 'a: 1\\n' > f.yaml");
    p.line("vim -N f.yaml");
    p.wait_for("/f.yaml\" 1L");
    p.line(":s/1/2/");
    p.line(":wq");
    p.wait_end("$ vim -N f.yaml\n$");
    p.line("cat f.yaml; kubectl get deployment web -o jsonpath='{.spec.replicas}{\"\\n\"}'");
    let s = p.wait_end("3\n$");
    assert!(s.ends_with("a: 2\n3\n$"), "{s}");
    p.keys(&["C-d"]);
    p.wait_for("[exited 0]");

    // The record keeps what the editor saved, so resuming (and grading) replays the edits
    // without an editor.
    let text = std::fs::read_to_string(&rec).unwrap();
    assert_eq!(
        text.matches("# kubelab: editor 0 file:").count(),
        2,
        "{text}"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_kubelab"))
        .args(["shell", "labs/pause-resume.lab", "--record"])
        .arg(&rec)
        .arg("--resume")
        .stdin(
            std::fs::File::open(write(
                dir.path(),
                "in.txt",
                "cat f.yaml\nkubectl get deployment web -o jsonpath='{.spec.replicas}'\n",
            ))
            .unwrap(),
        )
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "a: 2\n3");
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// The prompt shows where the student is: bash's `$ ` in `default`, the namespace in front once
/// the student moved to another one; a lab's `prompt "TEMPLATE"` replaces it.
#[test]
fn the_prompt_shows_the_namespace_or_the_labs_template() {
    let home = tempfile::tempdir().unwrap();
    let Some(p) = Pane::start("prompt", "", Some(home.path()), &[]) else {
        return;
    };
    p.line("oc new-project dev > /dev/null");
    p.line("echo moved");
    p.wait_end("moved\n(dev) $");
    p.line("oc project default");
    p.wait_end("6443\".\n$");
    drop(p);

    let lab = home.path().join("p.lab");
    std::fs::write(
        &lab,
        "lab \"p\"\n\nprompt \"[{user}@{project}]$ \"\n\ntask \"t\" {\n    $ kubectl create namespace dev\n\n    check 1 \"dev\" { cluster.exists(\"namespace\", \"dev\") }\n}\n",
    )
    .unwrap();
    let args = format!("'{}'", lab.display());
    let Some(p) = Pane::start("prompt-lab", &args, Some(home.path()), &[("NO_COLOR", "1")]) else {
        return;
    };
    p.wait_end("[kubernetes-admin@default]$");
    p.line("oc new-project dev > /dev/null");
    p.line("echo moved");
    p.wait_end("moved\n[kubernetes-admin@dev]$");
}
