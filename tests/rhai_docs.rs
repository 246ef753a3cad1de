//! `docs/rhai-api.md` documents every host function: each registered method name appears in it.

#[test]
fn every_host_function_is_documented() {
    let engine = kubelab::script::engine::build(
        &kubelab::script::engine::Limits::default(),
        Default::default(),
    );
    let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/rhai-api.md"))
        .expect("docs/rhai-api.md");
    let mut missing = Vec::new();
    for sig in engine.gen_fn_signatures(false) {
        // Host functions take a Cluster, Registry or Node first.
        let Some((name, rest)) = sig.split_once('(') else {
            continue;
        };
        let host = ["Cluster", "Registry", "Node"].iter().any(|t| {
            rest.starts_with(&format!("_: {t}"))
                || rest.contains(&format!(": &mut {t}"))
                || rest.contains(&format!(": {t}"))
        });
        let name = name.trim_start_matches("get$");
        if host && !docs.contains(&format!(".{name}(")) && !docs.contains(&format!(".{name}`")) {
            missing.push(sig);
        }
    }
    assert!(
        missing.is_empty(),
        "undocumented host functions: {missing:#?}"
    );
}
