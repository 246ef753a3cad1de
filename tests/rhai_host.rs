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

/// `registry.push` with `base`, `files` and `programs`: the image carries its own root file
/// system, whose files take part in its digest.
#[test]
fn pushed_images_carry_files_and_programs() {
    use kubelab::world::registry::rootfs::{FileKind, rootfs_of};
    let world = Rc::new(RefCell::new(World::new(7)));
    let host = Host::new(
        world.clone(),
        Rc::new(|_: &str, _: &[u8]| {
            Ok(CommandOutput {
                stdout: String::new(),
                stderr: String::new(),
                status: 0,
            })
        }),
    );
    let engine = script::engine::build(&script::engine::Limits::default(), Default::default());
    let mut scope = script::scope_for(&host);
    let run = |scope: &mut rhai::Scope, src: &str| {
        engine
            .eval_with_scope::<Dynamic>(scope, src)
            .map_err(|e| e.to_string())
    };
    let d1 = run(
        &mut scope,
        r##"registry.push("quay.io/acme/app:1", #{
            base: "debian",
            files: #{
                "/app/run.sh": #{ content: "#!/bin/sh\necho hi\n", mode: 0o755 },
                "/app/index.html": "hello\n",
                "/app/data": #{ dir: true, mode: 0o770, uid: 1000, gid: 1000 },
                "/app/current": #{ link: "/app" },
            },
            programs: ["/app/run.sh", "/usr/local/bin/app"],
            version: "1",
        })"##,
    )
    .unwrap()
    .to_string();
    let d2 = run(
        &mut scope,
        r#"registry.push("quay.io/acme/app:2", #{ base: "debian", files: #{"/app/index.html": "bye\n"}, version: "1" })"#,
    )
    .unwrap()
    .to_string();
    assert_ne!(d1, d2, "different files, different digests");
    {
        let w = world.borrow();
        let image = w.registry.resolve("quay.io/acme/app:1").unwrap().image;
        let fs = rootfs_of(&image.spec);
        assert_eq!(fs.os, "debian");
        assert_eq!(fs.read("/app/index.html"), Some(&b"hello\n"[..]));
        assert_eq!(fs.file("/app/run.sh").map(|f| f.mode), Some(0o755));
        let data = fs.file("/app/data").unwrap();
        assert_eq!((data.mode, data.uid, data.gid), (0o770, 1000, 1000));
        assert_eq!(
            fs.file("/app/current").map(|f| f.kind.clone()),
            Some(FileKind::Symlink("/app".into()))
        );
        assert_eq!(
            fs.find_program("app", "/usr/local/bin:/usr/bin", "/"),
            Some(("/usr/local/bin/app".into(), "app".into()))
        );
        assert_eq!(
            fs.find_program("./run.sh", "", "/app"),
            Some(("/app/run.sh".into(), "run.sh".into()))
        );
        // A plain push of a new tag keeps the repository's file system.
        drop(w);
        let _ = run(&mut scope, r#"registry.push("quay.io/acme/app:3")"#).unwrap();
        let w = world.borrow();
        let image = w.registry.resolve("quay.io/acme/app:3").unwrap().image;
        assert_eq!(
            rootfs_of(&image.spec).read("/app/index.html"),
            Some(&b"bye\n"[..])
        );
        // A new tag of a shipped repository gets that repository's file system.
        drop(w);
        let _ = run(&mut scope, r#"registry.push("k8s.gcr.io/nginx-slim:0.9")"#).unwrap();
        let w = world.borrow();
        let image = w
            .registry
            .resolve("k8s.gcr.io/nginx-slim:0.9")
            .unwrap()
            .image;
        assert!(rootfs_of(&image.spec).has_program("nginx"));
        // A new repository starts from busybox.
        drop(w);
        let _ = run(&mut scope, r#"registry.push("quay.io/acme/other:1")"#).unwrap();
        let w = world.borrow();
        let image = w.registry.resolve("quay.io/acme/other:1").unwrap().image;
        assert_eq!(rootfs_of(&image.spec).os, "busybox");
    }
    // The same image from an image reference as base.
    let _ = run(
        &mut scope,
        r#"registry.push("quay.io/acme/web:1", #{ base: "nginx:1.25", files: #{"/usr/share/nginx/html/index.html": "v1\n"} })"#,
    )
    .unwrap();
    let w = world.borrow();
    let image = w.registry.resolve("quay.io/acme/web:1").unwrap().image;
    let fs = rootfs_of(&image.spec);
    assert_eq!(
        fs.read("/usr/share/nginx/html/index.html"),
        Some(&b"v1\n"[..])
    );
    assert!(fs.has_program("nginx"));
    drop(w);

    let errors = [
        (
            r#"registry.push("a/b:1", #{ files: "x" })"#,
            "registry.push: `files` must be a map of absolute path to content, e.g. #{\"/app/index.html\": \"hello\"}",
        ),
        (
            r#"registry.push("a/b:1", #{ files: #{"app/x": "y"} })"#,
            "registry.push: `files` path `app/x` must be absolute (start with /)",
        ),
        (
            r#"registry.push("a/b:1", #{ files: #{"/x": #{ contents: "y" }} })"#,
            "registry.push: `files` entry `/x`: unknown key `contents` (known: content, mode, uid, gid, dir, link)",
        ),
        (
            r#"registry.push("a/b:1", #{ files: #{"/x": #{ content: "y", mode: 0o17777 }} })"#,
            "registry.push: `files` entry `/x`: `mode` must be an integer between 0 and 0o7777",
        ),
        (
            r#"registry.push("a/b:1", #{ files: #{"/x": #{ content: "y", dir: true }} })"#,
            "registry.push: `files` entry `/x`: give exactly one of `content`, `dir: true` or `link`",
        ),
        (
            r#"registry.push("a/b:1", #{ programs: "/bin/x" })"#,
            "registry.push: `programs` must be a list of absolute paths, e.g. [\"/usr/local/bin/app\"]",
        ),
        (
            r#"registry.push("a/b:1", #{ base: "gentoo", files: #{} })"#,
            "registry.push: `base` `gentoo` is neither a shipped root file system (busybox, ",
        ),
        (
            r#"let f = #{}; for i in 0..300 { f["/f" + i] = ""; } registry.push("a/b:1", #{ files: f })"#,
            "registry.push: `files` holds at most 256 entries (this push has 300)",
        ),
        (
            r#"let s = "x"; s.pad(300000, "x"); registry.push("a/b:1", #{ files: #{"/big": s} })"#,
            "registry.push: `files` content is limited to 262144 bytes in all (this push has 300000)",
        ),
    ];
    for (src, want) in errors {
        let err = run(&mut scope, src).expect_err(src);
        assert!(err.contains(want), "{src}\n got: {err}\nwant: {want}");
    }
}

#[test]
fn custom_resources_are_read_by_their_names() {
    let world = Rc::new(RefCell::new(World::new(7)));
    {
        let mut w = world.borrow_mut();
        let crd = serde_json::json!({
            "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": {"name": "crontabs.stable.example.com"},
            "spec": {"group": "stable.example.com", "scope": "Namespaced",
                "names": {"plural": "crontabs", "kind": "CronTab", "shortNames": ["ct"]},
                "versions": [{"name": "v1", "served": true, "storage": true,
                    "schema": {"openAPIV3Schema": {"type": "object", "properties": {
                        "spec": {"type": "object", "properties": {
                            "replicas": {"type": "integer", "default": 2}}}}}}}]}});
        w.create(crd, false).unwrap();
        let ct = serde_json::json!({"apiVersion": "stable.example.com/v1", "kind": "CronTab",
            "metadata": {"name": "c1"}, "spec": {}});
        w.create(ct, false).unwrap();
    }
    let host = Host::new(
        world,
        Rc::new(|_: &str, _: &[u8]| {
            Ok(CommandOutput {
                stdout: String::new(),
                stderr: String::new(),
                status: 0,
            })
        }),
    );
    let engine = script::engine::build(&script::engine::Limits::default(), Default::default());
    let mut scope = script::scope_for(&host);
    for src in [
        r#"cluster.get("ct", "c1").spec.replicas"#,
        r#"cluster.get("crontabs.stable.example.com", "c1").spec.replicas"#,
        r#"cluster.list("CronTab")[0].spec.replicas"#,
    ] {
        let v = engine.eval_with_scope::<Dynamic>(&mut scope, src).unwrap();
        assert_eq!(v.as_int().unwrap(), 2, "{src}");
    }
    let v = engine
        .eval_with_scope::<Dynamic>(&mut scope, r#"cluster.exists("crontab", "nope")"#)
        .unwrap();
    assert!(!v.as_bool().unwrap());
}
