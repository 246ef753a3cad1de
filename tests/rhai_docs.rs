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

/// Every example in `docs/rhai-api.md` calls its host functions with arguments they accept: run
/// on the default world, an example may fail because an object it names is absent, never because
/// a function does not take the documented argument types (`cluster.advance(5)` once did).
#[test]
fn every_documented_example_calls_functions_as_documented() {
    let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/rhai-api.md"))
        .expect("docs/rhai-api.md");
    let lab = kubelab::lab::parse("docs.lab", "lab \"docs\"\n").expect("lab");
    let mut examples = 0;
    let mut wrong = Vec::new();
    for (i, block) in docs.split("```rhai\n").skip(1).enumerate() {
        let source = block.split("```").next().unwrap_or("").to_string();
        let mut s = kubelab::runner::LabSession::start(&lab, 1).expect("start");
        let b = kubelab::lab::Block {
            source: source.clone(),
            line: 1,
            col: 1,
        };
        examples += 1;
        if let Err(e) = s.eval(&b)
            && (e.contains("Function not found") || e.contains("Variable not found"))
        {
            wrong.push(format!("example {}: {source}=> {e}", i + 1));
        }
    }
    assert!(examples > 30, "{examples} examples");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
