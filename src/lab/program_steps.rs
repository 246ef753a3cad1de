//! Steps typed to an interactive program rather than the shell: after a step that opens one
//! with kubectl's input (`kubectl exec -it POD -- mongo`), each following step is one line of
//! that program (`db.foo.find()` is complete as it is, though the shell would read it as the
//! start of a function), up to its `exit` or `quit()`. The workstation decides the same at
//! run time (`Workstation::reads_lines`); the lab file is split before anything runs, so this
//! reads the step's words.

/// The programs that read kubectl's input line by line when given no script: `mongo`
/// without `--eval` or a script file.
fn line_program(argv: &[&str]) -> bool {
    let Some(first) = argv.first() else {
        return false;
    };
    let name = first.rsplit('/').next().unwrap_or(first);
    name == "mongo"
        && !argv
            .iter()
            .any(|a| *a == "--eval" || a.starts_with("--eval=") || a.ends_with(".js"))
}

/// Whether a step opens a line-reading program's session: `kubectl`/`oc exec` with `-i`
/// (`-it`, `-ti`, `--stdin`), no input of its own (no pipe or redirection), and such a
/// program after `--`.
pub fn opens_program(command: &str) -> bool {
    if command.contains(['|', '<', '>', ';', '&', '\n']) {
        return false;
    }
    let words: Vec<&str> = command.split_whitespace().collect();
    if !matches!(words.first(), Some(&("kubectl" | "oc"))) || !words.contains(&"exec") {
        return false;
    }
    let Some(dash) = words.iter().position(|w| *w == "--") else {
        return false;
    };
    let stdin = words[..dash].iter().any(|w| {
        matches!(
            *w,
            "-i" | "-it" | "-ti" | "--stdin" | "--stdin=true" | "-i=true"
        )
    });
    stdin && line_program(&words[dash + 1..])
}

/// Whether a program's line ends its session.
pub fn ends_program(line: &str) -> bool {
    matches!(line.trim(), "exit" | "exit;" | "quit()" | "quit();")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_which_steps_open_a_program() {
        assert!(opens_program("kubectl exec -it mongodb -- mongo"));
        assert!(opens_program(
            "kubectl exec -i mongodb -c db -- mongo mystore"
        ));
        assert!(!opens_program("kubectl exec mongodb -- mongo"));
        assert!(!opens_program(
            "kubectl exec -it mongodb -- mongo --eval 'db'"
        ));
        assert!(!opens_program("echo x | kubectl exec -i mongodb -- mongo"));
        assert!(!opens_program("kubectl exec -it mongodb -- sh"));
        assert!(ends_program(" exit "));
        assert!(!ends_program("db.foo.find()"));
    }
}
