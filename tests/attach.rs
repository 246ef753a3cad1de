//! `kubectl attach -it` typed at the prompt (a terminal): the main process's prompt, and
//! kubectl's `Session ended, resume using ...` line when it exits, which scripted sessions (no
//! terminal) cannot show.

use kubelab::workstation::Workstation;
use kubelab::world::default_world;

fn box_pod(restart: &str) -> Workstation {
    let mut ws = Workstation::new(default_world::build(1));
    ws.editor = kubelab::workstation::edit::Editor::interactive();
    ws.run(&format!(
        "cat <<EOF | kubectl apply -f -\napiVersion: v1\nkind: Pod\nmetadata:\n  name: box\nspec:\n  restartPolicy: {restart}\n  containers:\n  - name: shell\n    image: busybox:1.36\n    stdin: true\n    tty: true\nEOF"
    ));
    ws.run("sleep 5");
    ws
}

#[test]
fn attach_with_a_terminal_shows_the_prompt_and_the_resume_line() {
    let mut ws = box_pod("Always");
    let out = ws.run("kubectl attach -it box");
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "If you don't see a command prompt, try pressing enter.\n"
    );
    assert_eq!(ws.prompt(), "/ # ");
    ws.run("cd /etc");
    assert_eq!(ws.prompt(), "/etc # ");
    let out = ws.run("exit 2");
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "Session ended, resume using 'kubectl attach box -c shell -i -t' command when the pod is running\n"
    );
    assert_eq!(out.status, 0);
    assert_eq!(ws.prompt(), "$ ");
    let out = ws.run("kubectl get pod box -o jsonpath='{.status.containerStatuses[0].lastState.terminated.exitCode}'");
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "2");
}

#[test]
fn no_resume_line_unless_the_pod_restarts_it() {
    let mut ws = box_pod("Never");
    ws.run("kubectl attach -it box");
    let out = ws.run("exit");
    assert!(out.stdout.is_empty());
    let out = ws.run("kubectl get pod box -o jsonpath='{.status.phase}'");
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "Succeeded");
}
