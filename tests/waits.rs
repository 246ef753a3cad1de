//! Waiting commands at an interactive prompt: their lines show as they are printed, a wait that
//! never ends holds until Ctrl-C, and Ctrl-C returns to the prompt with the world kept.
//! (Scripted waits are in `tests/inputs/transcripts/waits.txt`.)

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use kubelab::shell::Terminal;
use kubelab::workstation::Workstation;
use kubelab::world::default_world;

/// What the terminal was shown: (Ctrl-C already pressed, text).
type Shown = Rc<RefCell<Vec<(bool, String)>>>;

/// A workstation as the REPL sets it up: interactive, with a Ctrl-C flag and a terminal that
/// notes, for each write, whether Ctrl-C had been pressed yet.
fn interactive() -> (Workstation, Arc<AtomicBool>, Shown) {
    let mut ws = Workstation::new(default_world::build(1));
    let flag = Arc::new(AtomicBool::new(false));
    ws.editor = kubelab::workstation::edit::Editor::interactive();
    ws.shell.set_interrupt(flag.clone());
    let seen: Shown = Rc::default();
    let (s2, f2) = (seen.clone(), flag.clone());
    ws.shell.set_terminal(Terminal(Rc::new(move |b: &[u8]| {
        s2.borrow_mut().push((
            f2.load(Ordering::SeqCst),
            String::from_utf8_lossy(b).into_owned(),
        ))
    })));
    (ws, flag, seen)
}

/// Presses Ctrl-C after `ms` of wall-clock time, while `f` runs.
fn ctrl_c_after<T>(flag: &Arc<AtomicBool>, ms: u64, f: impl FnOnce() -> T) -> T {
    std::thread::scope(|s| {
        let flag = flag.clone();
        s.spawn(move || {
            std::thread::sleep(Duration::from_millis(ms));
            flag.store(true, Ordering::SeqCst);
        });
        f()
    })
}

#[test]
fn a_paused_rollout_holds_until_ctrl_c_and_keeps_the_world() {
    let (mut ws, flag, seen) = interactive();
    for line in [
        "kubectl create deployment x --image=nginx --replicas=2",
        "kubectl rollout status deploy/x",
        "kubectl rollout pause deploy/x",
        "kubectl set image deploy/x nginx=nginx:1.25",
    ] {
        assert_eq!(ws.run(line).status, 0, "{line}");
    }
    let before = ws.world.now();
    seen.borrow_mut().clear();
    let started = std::time::Instant::now();
    let out = ctrl_c_after(&flag, 300, || {
        ws.run("kubectl rollout status deploy/x; echo not reached")
    });
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(out.status, 130);
    let text = String::from_utf8_lossy(&out.combined).into_owned();
    assert!(
        text.starts_with(
            "Waiting for deployment \"x\" rollout to finish: 0 out of 2 new replicas have been updated...\n"
        ),
        "{text}"
    );
    assert!(!text.contains("not reached"), "{text}");
    assert!(!text.contains("stopped waiting"), "{text}");
    // The waiting line reached the terminal before Ctrl-C was pressed.
    let shown = seen.borrow().clone();
    assert!(
        shown
            .iter()
            .any(|(pressed, b)| !pressed && b.contains("Waiting for deployment")),
        "{shown:?}"
    );
    // The world waited its hour of virtual time (as a replay of the session does) and is kept.
    assert!(ws.world.now() >= before + 3_600_000);
    let out = ws.run("kubectl get deploy x -o jsonpath='{.spec.paused}'");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "true");
}

#[test]
fn a_wait_that_ends_by_itself_does_not_hold() {
    let (mut ws, _flag, _seen) = interactive();
    let out = ws.run("kubectl create deployment x --image=nginx; kubectl rollout status deploy/x");
    assert_eq!(out.status, 0);
    let out = ws.run("kubectl wait --for=condition=Ready pod -l app=x --timeout=1s");
    assert_eq!(out.status, 0, "{}", String::from_utf8_lossy(&out.combined));
    let out = ws.run("kubectl rollout status deploy/x --timeout=0s");
    assert_eq!(
        String::from_utf8_lossy(&out.combined),
        "deployment \"x\" successfully rolled out\n"
    );
}

#[test]
fn ctrl_c_stops_a_watch_and_the_rest_of_the_input() {
    let (mut ws, flag, _seen) = interactive();
    ws.run("kubectl create deployment x --image=nginx");
    let out = ctrl_c_after(&flag, 200, || ws.run("kubectl get pods -w; echo after"));
    assert_eq!(out.status, 130);
    let text = String::from_utf8_lossy(&out.combined).into_owned();
    assert!(text.starts_with("NAME "), "{text}");
    assert!(!text.contains("after"), "{text}");
    // The next input runs normally.
    let out = ws.run("echo next");
    assert_eq!(String::from_utf8_lossy(&out.combined), "next\n");
}
