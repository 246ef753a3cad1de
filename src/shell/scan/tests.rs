//! The scanner's decisions on small inputs.

use super::*;

fn scan(s: &str) -> Scanned {
    Scanner::scan(s)
}

#[test]
fn heredocs_are_cut_out() {
    let s = scan("cat <<EOF | wc -l\na\nb\nEOF\necho $((1<<3)) <<< hi\n");
    assert_eq!(s.text, "cat <<\0 | wc -l\necho $((1<<3)) <<< hi\n");
    assert_eq!(s.bodies.len(), 1);
    assert_eq!(s.bodies[0].body, "a\nb\n");
    assert!(!s.incomplete);
    let s = scan("cat <<-'E F'\n\tx\n\tE F\n");
    assert_eq!(s.bodies[0].body, "x\n");
    assert!(s.bodies[0].quoted);
    assert!(scan("cat <<EOF\nabc\n").incomplete);
    assert!(scan("cat <<'EOF\n").incomplete);
    // `((` as a command is arithmetic, not a heredoc.
    assert!(!scan("((x<<2))\n").incomplete);
}

#[test]
fn quotes_continuations_and_depth() {
    assert!(scan("echo 'a\n").incomplete);
    assert!(scan("echo \"$(echo \")\")\n").incomplete);
    assert!(!scan("echo \"$(echo \")\")\"\n").incomplete);
    assert!(scan("echo a \\\n").incomplete);
    assert!(!scan("# a comment \\\n").incomplete);
    assert!(!scan("echo ${x:-'}'}\n").incomplete);
    assert!(scan("echo `ls\n").incomplete);
    assert_eq!(scan("( ( echo ) ); ( echo )").depth, 2);
    assert_eq!(
        scan("while true; do if a; then b; fi; done; for x in if; do :; done").depth,
        2
    );
    assert_eq!(scan("{ { echo; }; }; { echo; }").depth, 2);
    assert_eq!(scan("echo \"$(echo \"${x:-$((1+(2)))}\")\"").depth, 6);
    assert_eq!(scan("echo if while { (").depth, 1);
}
