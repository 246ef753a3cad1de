//! Functions and `case`, checked against bash 5.2 (the workstation's words).

use crate::shell::{NoHost, Shell, Vfs};

fn run(sh: &mut Shell, s: &str) -> String {
    String::from_utf8(sh.run(s, &mut NoHost::default()).combined).unwrap()
}

fn one(s: &str) -> String {
    run(&mut Shell::new(Vfs::new()), s)
}

#[test]
fn case_matches_globs_and_quoted_patterns_literally() {
    let s = "for w in apple b.txt x '*' ''; do case $w in a*) echo A;; *.txt|*.md) echo T;; '*') echo star;; [xy]) echo XY;; *) echo other;; esac; done";
    assert_eq!(one(s), "A\nT\nXY\nstar\nother\n");
    assert_eq!(one("case x in (x) echo paren; esac"), "paren\n");
    assert_eq!(
        one("case x in\n  y)\n    echo no\n    ;;\n  x)\n    echo yes\n    ;;\nesac"),
        "yes\n"
    );
    assert_eq!(one("case x in y) ;; esac; echo $?"), "0\n");
    assert_eq!(one("false; case x in x) ;; esac; echo $?"), "0\n");
    assert_eq!(one("case x in x) false;; esac; echo $?"), "1\n");
    assert_eq!(
        one("v='a*'; case abc in \"$v\") echo lit;; $v) echo glob;; esac"),
        "glob\n"
    );
    assert_eq!(one("case x in esac; echo empty"), "empty\n");
    assert_eq!(one("case a in a) echo esac;; esac"), "esac\n");
}

#[test]
fn case_syntax_errors_are_bashs() {
    assert_eq!(
        one("case x in a) echo;; esac esac"),
        "kubelab: syntax error near unexpected token `esac'\n"
    );
    // bash's fall-through terminators are not read: said plainly, nothing runs.
    let out = one("case x in x) echo a;& y) echo b;; esac");
    assert_eq!(
        out,
        "kubelab: the kubelab shell does not support bash's `;&` and `;;&` case terminators\n"
    );
    assert_eq!(
        one("case x in x) echo a;;& y) echo b;; esac"),
        "kubelab: the kubelab shell does not support bash's `;&` and `;;&` case terminators\n"
    );
}

#[test]
fn functions_take_arguments_and_return() {
    let mut sh = Shell::new(Vfs::new());
    assert_eq!(
        run(
            &mut sh,
            "greet() { echo \"hi $1 ($#): $*\"; }\ngreet a b c; echo \"after: $#\""
        ),
        "hi a (3): a b c\nafter: 0\n"
    );
    assert_eq!(run(&mut sh, "greet z"), "hi z (1): z\n");
    assert_eq!(
        run(&mut sh, "f() { return 7; echo no; }; f; echo $?"),
        "7\n"
    );
    assert_eq!(run(&mut sh, "g() { false; return; }; g; echo $?"), "1\n");
    assert_eq!(
        run(
            &mut sh,
            "h() { for i in 1 2 3; do [ $i = 2 ] && return 4; echo $i; done; }; h; echo $?"
        ),
        "1\n4\n"
    );
    assert_eq!(
        run(&mut sh, "s() ( cd /; x=in ); x=out; s; echo $x"),
        "out\n"
    );
    assert_eq!(
        run(
            &mut sh,
            "function k { echo kw $1; }; k 1; function k2() { echo kw2; }; k2"
        ),
        "kw 1\nkw2\n"
    );
    assert_eq!(
        run(
            &mut sh,
            "fact() { if [ $1 -le 1 ]; then echo 1; else echo $(( $1 * $(fact $(($1-1))) )); fi; }; fact 5"
        ),
        "120\n"
    );
    assert_eq!(
        run(&mut sh, "type greet"),
        "greet is a function\nkubelab: type does not print the definition of the function greet\n"
    );
}

#[test]
fn local_variables_are_restored() {
    let mut sh = Shell::new(Vfs::new());
    assert_eq!(
        run(
            &mut sh,
            "x=g; f() { local x=l y; echo \"$x ${y-unset}\"; x=l2; }; f; echo $x"
        ),
        "l unset\ng\n"
    );
    assert_eq!(
        run(&mut sh, "local z=1; echo $?"),
        "kubelab: local: can only be used in a function\n1\n"
    );
    assert_eq!(
        run(&mut sh, "return 3; echo $?"),
        "kubelab: return: can only `return' from a function or sourced script\n2\n"
    );
    assert_eq!(run(&mut sh, "g() { y=set; }; g; echo $y"), "set\n");
    assert_eq!(
        run(&mut sh, "g2() { echo $v; }; v=p g2; echo \"[$v]\""),
        "p\n[]\n"
    );
}

#[test]
fn recursion_is_bounded() {
    let out = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(|| one("f() { f; }; f; echo after"))
        .unwrap()
        .join()
        .unwrap();
    assert_eq!(
        out,
        "kubelab: f: the kubelab shell does not support function calls nested deeper than 64\n"
    );
    let out = one("f() { [ $1 -lt 20 ] || return; f $(($1+1)); f $(($1+1)); }; f 0");
    assert!(out.contains("the limit of one input"), "{out}");
}
