//! Malformed labs: each input in `tests/inputs/lab_errors/` gets an error with file, line,
//! column, the line, a caret and what to do (one snapshot each).

#[test]
fn malformed_labs() {
    insta::glob!("inputs/lab_errors/*.lab", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let name = format!(
            "tests/inputs/lab_errors/{}",
            path.file_name().unwrap().to_str().unwrap()
        );
        let err = kubelab::lab::parse(&name, &text).expect_err("a malformed lab must not parse");
        insta::assert_snapshot!(err.to_string());
    });
}
