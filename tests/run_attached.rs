//! `kubectl run -it` typed at the prompt (a terminal): the container's shell prompt, kubectl's
//! `Session ended, resume using ...` line (restartPolicy Always), `--rm`'s `pod "x" deleted`,
//! and the exit code of a `--restart=Never` pod, which scripted sessions (no terminal) cannot
//! all show.

use kubelab::workstation::Workstation;
use kubelab::world::default_world;

fn at_prompt() -> Workstation {
    let mut ws = Workstation::new(default_world::build(1));
    ws.editor = kubelab::workstation::edit::Editor::interactive();
    ws
}

fn text(b: Vec<u8>) -> String {
    String::from_utf8(b).unwrap()
}

#[test]
fn run_rm_it_opens_the_shell_then_deletes_the_pod() {
    let mut ws = at_prompt();
    let out = ws.run("kubectl run box --image=busybox:1.36 --rm -it");
    assert_eq!(
        text(out.stderr),
        "If you don't see a command prompt, try pressing enter.\n"
    );
    assert_eq!(ws.prompt(), "/ # ");
    let out = ws.run("hostname");
    assert_eq!(text(out.stdout), "box\n");
    let out = ws.run("exit");
    assert_eq!(
        text(out.stdout),
        "Session ended, resume using 'kubectl attach box -c box -i -t' command when the pod is running\npod \"box\" deleted\n"
    );
    assert_eq!(out.status, 0);
    assert_eq!(ws.prompt(), "$ ");
    let out = ws.run("kubectl get pods");
    assert!(text(out.stdout).contains("Terminating"));
}

#[test]
fn run_never_returns_the_exit_code() {
    let mut ws = at_prompt();
    ws.run("kubectl run tmp --image=busybox:1.36 --restart=Never --rm -it -- sh");
    assert_eq!(ws.prompt(), "/ # ");
    let out = ws.run("exit 5");
    assert_eq!(text(out.stdout), "pod \"tmp\" deleted\n");
    assert_eq!(text(out.stderr), "pod default/tmp terminated (Error)\n");
    assert_eq!(out.status, 5);
    let out = ws.run("kubectl run keep --image=busybox:1.36 -it -- sh");
    assert_eq!(out.status, 0);
    let out = ws.run("exit");
    assert_eq!(
        text(out.stdout),
        "Session ended, resume using 'kubectl attach keep -c keep -i -t' command when the pod is running\n"
    );
    let out = ws.run("kubectl get pod keep -o jsonpath='{.spec.containers[0].stdin}'");
    assert_eq!(text(out.stdout), "true");
}
