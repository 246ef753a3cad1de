//! The Rhai host and its sandbox: every resource a script could exhaust fails with a clear
//! message, and the host API returns real API objects.

use std::cell::RefCell;
use std::rc::Rc;

use kubelab::script::{self, CommandOutput, Host};
use kubelab::world::World;
use rhai::{Dynamic, Engine};

fn setup() -> (Engine, Host) {
    let world = Rc::new(RefCell::new(World::new(7)));
    let host = Host::new(
        world,
        Rc::new(|line: &str, _stdin: &[u8]| {
            Ok(CommandOutput {
                stdout: format!("ran: {line}\n"),
                stderr: String::new(),
                status: 0,
            })
        }),
    );
    let engine = script::engine::build(&script::engine::Limits::default(), Default::default());
    (engine, host)
}

fn eval(src: &str) -> Result<Dynamic, String> {
    let (engine, host) = setup();
    let mut scope = script::scope_for(&host);
    engine
        .eval_with_scope::<Dynamic>(&mut scope, src)
        .map_err(|e| e.to_string())
}

#[test]
fn every_resource_is_bounded() {
    let cases = [
        ("loop {}", "Too many operations"),
        ("let s = \"x\"; loop { s += s; }", "Length of string"),
        ("fn f(x) { f(x + 1) } f(0)", "Stack overflow"),
        ("sleep(100)", "sleep is not available"),
        ("import \"x\" as y; 1", ""),
        ("eval(\"1\")", "eval"),
        ("timestamp()", "timestamp"),
        ("let a = []; loop { a.push(1); }", "Size of array"),
    ];
    for (src, want) in cases {
        let err = eval(src).expect_err(src);
        assert!(err.contains(want), "{src}: {err}");
    }
}

#[test]
fn objects_have_real_field_names() {
    let v = eval(r#"let n = cluster.get("node", "worker-1"); n.status.nodeInfo.kubeletVersion"#)
        .unwrap();
    assert_eq!(v.to_string(), "v1.32.4");
    let v = eval(r#"cluster.list("nodes").len()"#).unwrap();
    assert_eq!(v.as_int().unwrap(), 3);
    let err = eval(r#"cluster.get("deployment", "mongo")"#).unwrap_err();
    assert!(
        err.contains("no deployment \"mongo\" in namespace \"default\""),
        "{err}"
    );
    let v = eval(r#"registry.digest("mongo:4.2").starts_with("sha256:")"#).unwrap();
    assert!(v.as_bool().unwrap());
    let v = eval(r#"cluster.kubectl("get pods")"#).unwrap();
    assert_eq!(v.to_string(), "ran: kubectl get pods\n");
    let v = eval(r#"cluster.node("worker-1").has_image("mongo:4.2")"#).unwrap();
    assert!(!v.as_bool().unwrap());
}

#[test]
fn partial_matching_explains_failures() {
    let v = eval(r#"cluster.matches("node", "worker-1", "metadata:\n  labels:\n    kubernetes.io/os: linux\n")"#).unwrap();
    assert!(v.as_bool().unwrap());
    let v = eval(r#"cluster.matches("node", "worker-1", #{ metadata: #{ labels: #{ "kubernetes.io/os": "windows" } } })"#).unwrap();
    assert_eq!(
        v.to_string(),
        "node worker-1: at `metadata.labels.kubernetes.io/os`: expected \"windows\", found \"linux\""
    );
}
