//! redis-cli with a terminal (`kubectl exec -it POD -- redis-cli` typed at the prompt): its
//! prompt and the terminal's reply form, which scripted sessions (no terminal) cannot show.

use kubelab::workstation::Workstation;
use kubelab::world::api::kinds;
use kubelab::world::default_world;

fn redis_pod() -> (Workstation, serde_json::Value) {
    let mut ws = Workstation::new(default_world::build(1));
    ws.run("kubectl create configmap example-redis-config --from-literal=redis-config=$'maxmemory 2mb\\nmaxmemory-policy allkeys-lru\\n'");
    ws.run("kubectl apply -f https://raw.githubusercontent.com/kubernetes/website/main/content/en/examples/pods/config/redis-pod.yaml");
    ws.run("sleep 10");
    let pod = (*ws
        .world
        .store
        .get(kinds::by_kind("Pod").unwrap(), "default", "redis")
        .unwrap())
    .clone();
    (ws, pod)
}

#[test]
fn the_prompt_with_a_terminal() {
    let (mut ws, pod) = redis_pod();
    let (session, opening) = ws
        .world
        .open_program(&pod, "redis", &["redis-cli".to_string()], true)
        .unwrap()
        .unwrap();
    assert!(opening.is_empty());
    ws.config.exec_session = Some(session);
    assert_eq!(ws.prompt(), "127.0.0.1:6379> ");
    let out = ws.run("CONFIG GET maxmemory-policy");
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "1) \"maxmemory-policy\"\n2) \"allkeys-lru\"\n"
    );
    let out = ws.run("CONFIG GET maxmemory");
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "1) \"maxmemory\"\n2) \"2097152\"\n"
    );
    assert_eq!(
        String::from_utf8(ws.run("GET nokey").stdout).unwrap(),
        "(nil)\n"
    );
    assert_eq!(
        String::from_utf8(ws.run("KEYS *").stdout).unwrap(),
        "(empty list or set)\n"
    );
    assert_eq!(
        String::from_utf8(ws.run("INCR n").stdout).unwrap(),
        "(integer) 1\n"
    );
    assert_eq!(
        String::from_utf8(ws.run("FOO").stdout).unwrap(),
        "(error) ERR unknown command `FOO`, with args beginning with: \n"
    );
    ws.run("SELECT 2");
    assert_eq!(ws.prompt(), "127.0.0.1:6379[2]> ");
    let out = ws.run("exit");
    assert_eq!(out.status, 0);
    assert!(ws.config.exec_session.is_none());
    assert_eq!(ws.prompt(), "$ ");
}

#[test]
fn no_server_no_connection() {
    let (mut ws, pod) = redis_pod();
    let (session, opening) = ws
        .world
        .open_program(
            &pod,
            "redis",
            &["redis-cli".to_string(), "-p".into(), "7000".into()],
            true,
        )
        .unwrap()
        .unwrap();
    assert_eq!(
        String::from_utf8(opening).unwrap(),
        "Could not connect to Redis at 127.0.0.1:7000: Connection refused\n"
    );
    ws.config.exec_session = Some(session);
    assert_eq!(ws.prompt(), "not connected> ");
    let out = ws.run("PING");
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "Could not connect to Redis at 127.0.0.1:7000: Connection refused\n"
    );
}
