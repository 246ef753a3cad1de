//! Hostile inputs to the workstation shell's parser and expansions: deep nesting, huge
//! values, backtracking patterns, giant heredocs. Each runs as `kubelab grade` runs a session,
//! on a thread with a 2 MiB stack, and must end with a clear message and lose nothing else.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use kubelab::shell::{Call, Host, Limits, NoHost, Shell, Vfs};
use kubelab::workstation::{Workstation, run_script};
use kubelab::world::default_world;

/// Runs inputs one after another in one session on a 2 MiB stack; returns what each printed.
fn session(inputs: Vec<String>) -> Vec<String> {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            let mut sh = Shell::new(Vfs::new());
            inputs
                .iter()
                .map(|i| {
                    let o = sh.run(i, &mut NoHost::default());
                    String::from_utf8_lossy(&o.combined).into_owned()
                })
                .collect()
        })
        .expect("thread")
        .join()
        .expect("the session ran to its end")
}

fn one(input: String) -> String {
    session(vec![input, "echo still here".into()]).join("")
}

const DEEP: usize = 200_000;

#[test]
fn deep_arithmetic_is_refused_plainly() {
    // The 200,000 unary minus signs; the other forms at 20,000 (past the limit all the
    // same, and quicker to build and read).
    const SOME: usize = 20_000;
    for (what, expr) in [
        ("minus", format!("{}1", "- ".repeat(DEEP))),
        ("not", format!("{}1", "!".repeat(SOME))),
        ("power", format!("2{}", "**1".repeat(SOME))),
        ("ternary", format!("{}1", "1?1:".repeat(SOME))),
    ] {
        assert_eq!(
            one(format!("echo $(({expr}))")),
            "kubelab: the kubelab shell does not support arithmetic nested deeper than 1024 levels\nstill here\n",
            "{what}"
        );
    }
    // Parentheses written out are nesting the parser refuses; in a value, the evaluator does.
    let parens = format!("{}1{}", "(".repeat(SOME), ")".repeat(SOME));
    assert_eq!(
        one(format!("echo $(({parens}))")),
        "kubelab: the kubelab shell does not support nesting deeper than 100 levels\nstill here\n"
    );
    assert_eq!(
        one(format!("x='{parens}'; echo $((x))")),
        "kubelab: the kubelab shell does not support arithmetic nested deeper than 1024 levels\nstill here\n",
    );
    // Below the limit it evaluates (bash too).
    let parens = format!("{}1{}", "(".repeat(1000), ")".repeat(1000));
    assert_eq!(
        one(format!("x='{parens}'; echo $((x + 1))")),
        "2\nstill here\n"
    );
    let minus = format!("{}1", "- ".repeat(1001));
    assert_eq!(one(format!("echo $(({minus}))")), "-1\nstill here\n");
    // A name whose value names it again stops where bash stops it, with bash's words.
    assert_eq!(
        one("x=x; echo $((x))".into()),
        "kubelab: x: expression recursion level exceeded (error token is \"x\")\nstill here\n"
    );
}

#[test]
fn deep_nesting_is_refused_plainly() {
    let refused = "kubelab: the kubelab shell does not support nesting deeper than 100 levels\n";
    for (what, input) in [
        (
            "subshells",
            format!("{}echo{}", "( ".repeat(DEEP), " )".repeat(DEEP)),
        ),
        (
            "groups",
            format!("{}echo{}", "{ ".repeat(DEEP), "; }".repeat(DEEP)),
        ),
        (
            "substitutions",
            format!("echo {}x{}", "$(echo ".repeat(DEEP), ")".repeat(DEEP)),
        ),
        (
            "quoted substitutions",
            format!("echo {}x{}", "\"$(echo ".repeat(DEEP), ")\"".repeat(DEEP)),
        ),
        (
            "parameters",
            format!("echo {}x{}", "${x:-".repeat(DEEP), "}".repeat(DEEP)),
        ),
        (
            "loops",
            format!(
                "{}: {}",
                "while true; do ".repeat(DEEP),
                "done; ".repeat(DEEP)
            ),
        ),
        (
            "ifs",
            format!("{}:{}", "if true; then ".repeat(DEEP), "; fi".repeat(DEEP)),
        ),
        ("unclosed", "(".repeat(DEEP)),
    ] {
        assert_eq!(one(input), format!("{refused}still here\n"), "{what}");
    }
    // Up to the limit, nesting runs.
    let ok = format!("{}echo deep{}", "( ".repeat(99), " )".repeat(99));
    assert_eq!(one(ok), "deep\nstill here\n");
    let ok = format!("echo {}x{}", "${u:-".repeat(99), "}".repeat(99));
    assert_eq!(one(ok), "x\nstill here\n");
}

#[test]
fn deep_nesting_in_a_script_ends_its_own_input() {
    let script = format!("echo a\n{}\necho b\n", "$(".repeat(DEEP));
    let inputs = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || kubelab::workstation::inputs(&script))
        .unwrap()
        .join()
        .unwrap();
    assert_eq!(inputs.len(), 3);
    assert_eq!(inputs[2], "echo b\n");
}

/// The three-line session: a pattern that used to backtrack exponentially.
#[test]
fn backtracking_patterns_are_linear() {
    let stars = "*a".repeat(12) + "*b";
    let out = session(vec![
        "touch aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".into(),
        format!("echo {stars}"),
        format!(
            "x=a; for i in $(seq 1 11); do x=$x$x; done; y=${{x#{stars}}}; echo ${{#x}} ${{#y}}"
        ),
        format!(
            "a=${{x//{stars}/}}; b=${{x%%{stars}}}; c=${{x/{stars}/}}; echo ${{#a}} ${{#b}} ${{#c}}"
        ),
        "echo *".into(),
    ]);
    assert_eq!(
        out,
        [
            "",
            &format!("{stars}\n"),
            "2048 2048\n",
            "2048 2048 2048\n",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"
        ]
    );
}

/// The doubling loop stops at one value's limit with a plain message, each time it
/// would pass it; the session goes on.
#[test]
fn doubling_a_variable_stops_at_the_value_limit() {
    let too_big =
        "kubelab: this value would exceed 16 MiB, the kubelab shell's limit for one value\n";
    let out = session(vec![
        "x=a; for i in $(seq 1 40); do x=$x$x; done; echo $?".into(),
        "echo ${#x}".into(),
    ]);
    assert_eq!(out[0], format!("{}1\n", too_big.repeat(16)));
    assert_eq!(out[1], "16777216\n");
}

/// Values, replacements and all variables together stay within their budgets (small ones
/// here, the same rules as the defaults').
#[test]
fn values_and_variables_have_budgets() {
    let limits = Limits {
        value_bytes: 1 << 10,
        variable_bytes: 3 << 10,
        ..Limits::default()
    };
    let out = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            let mut sh = Shell::new(Vfs::new()).with_limits(limits);
            [
                "x=a; for i in $(seq 1 11); do x=$x$x; done; echo $? ${#x}",
                "y=${x//a/aa}; echo $? ${#y}",
                "x=${x:0:512}; a=$x; b=$x; c=$x; d=$x; e=$x; echo $? ${#a} ${#b} ${#c} ${#d} ${#e}",
                "echo $x$x$x | wc -c",
                "echo ${z:=$x$x$x}; echo ${#z}; echo ${z:=$x}; echo ${#z}",
                "echo $((w=5)) $w",
            ]
            .iter()
            .map(|i| {
                String::from_utf8_lossy(&sh.run(i, &mut NoHost::default()).combined).into_owned()
            })
            .collect::<Vec<_>>()
        })
        .unwrap()
        .join()
        .unwrap();
    let one = "kubelab: this value would exceed 1 KiB, the kubelab shell's limit for one value\n";
    let all = "kubelab: the session's variables would exceed 3 KiB, the kubelab shell's limit for all variables\n";
    assert_eq!(out[0], format!("{one}1 1024\n"));
    assert_eq!(out[1], format!("{one}1 0\n"));
    assert_eq!(out[2], format!("{all}1 512 512 512 512 0\n"));
    assert_eq!(out[3], format!("{one}0\n"));
    assert_eq!(out[4], format!("{one}0\n{all}0\n"));
    assert_eq!(out[5], "5 5\n");
}

/// A host whose `press-ctrl-c` sets the session's interrupt flag, as Ctrl-C does.
struct CtrlC(Arc<AtomicBool>);

impl Host for CtrlC {
    fn exec(&mut self, call: Call<'_>) -> Option<i32> {
        (call.argv[0] == "press-ctrl-c").then(|| {
            self.0.store(true, Ordering::SeqCst);
            0
        })
    }
    fn sleep(&mut self, _: u64) -> bool {
        true
    }
}

/// Ctrl-C stops a long pattern match (and the rest of the input); a step budget stops one
/// without Ctrl-C.
#[test]
fn ctrl_c_and_the_step_budget_stop_pattern_matching() {
    let flag = Arc::new(AtomicBool::new(false));
    let mut sh = Shell::new(Vfs::new()).with_limits(Limits {
        match_steps: 100_000,
        ..Limits::default()
    });
    sh.set_interrupt(flag.clone());
    let mut host = CtrlC(flag);
    let mut run = |s: &str| {
        let o = sh.run(s, &mut host);
        (String::from_utf8_lossy(&o.combined).into_owned(), o.status)
    };
    run("x=a; for i in $(seq 1 16); do x=$x$x; done");
    assert_eq!(
        run("press-ctrl-c; y=${x//*a*a*b/}; echo not reached"),
        // The terminal echoed `^C`; the prompt adds the new line.
        ("".into(), 130)
    );
    assert_eq!(run("echo ${#y}"), ("0\n".into(), 0));
    assert_eq!(
        run("y=${x//?/}"),
        (
            "kubelab: pattern matching stopped after 100000 steps, the kubelab shell's limit for one expansion\n"
                .into(),
            1
        )
    );
}

/// Sessions that once hung, crashed or swallowed the rest of their input
/// (`tests/inputs/regressions/shell-*.txt`) run to their end on a 2 MiB stack, print the
/// same bytes twice, and print what the snapshot holds.
#[test]
fn regression_sessions() {
    insta::glob!("inputs/regressions/shell-*.txt", |path| {
        let script = std::fs::read_to_string(path).unwrap();
        let runs: Vec<String> = (0..2)
            .map(|_| {
                let s = script.clone();
                std::thread::Builder::new()
                    .stack_size(2 << 20)
                    .spawn(move || {
                        let mut ws = Workstation::new(default_world::build(1));
                        let (o, _, _) = run_script(&mut ws, &s, true);
                        String::from_utf8(o).unwrap()
                    })
                    .unwrap()
                    .join()
                    .unwrap()
            })
            .collect();
        assert_eq!(runs[0], runs[1], "the same bytes twice");
        insta::assert_snapshot!(runs[0]);
    });
}

/// Brace expansion that would make a flood of words stops with a plain message.
#[test]
fn brace_expansion_is_bounded() {
    let refused = "kubelab: brace expansion would make more than 100000 words, the kubelab shell's limit\nstill here\n";
    assert_eq!(one(format!("echo {}", "{a,b}".repeat(17))), refused);
    assert_eq!(one("echo {1..1000000000}".into()), refused);
    assert_eq!(
        one("echo {1..3}{a,b}".into()),
        "1a 1b 2a 2b 3a 3b\nstill here\n"
    );
}
