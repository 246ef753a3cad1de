//! The workstation's builtins against the real bash 5, GNU coreutils, GNU sed and GNU grep, when
//! they are installed: every line runs in both (after the same setup, in an empty directory) and
//! must print the same bytes with the same status. bash's own error prefix (`bash: line 1: `)
//! reads `kubelab: ` in the workstation.

use kubelab::shell::{NoHost, Shell, Vfs};

/// Files every case starts with.
const SETUP: &str = "printf 'x\\nA\\ny\\nB\\nz\\nA\\nw\\n' > ab; printf 'a\\nb\\nc\\n' > abc; printf 'a\\nb' > nonl";

fn kubelab(line: &str) -> (String, String, i32) {
    let mut sh = Shell::new(Vfs::new());
    let mut host = NoHost::default();
    sh.run(SETUP, &mut host);
    let o = sh.run(line, &mut host);
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
        o.status,
    )
}

fn real(line: &str) -> (String, String, i32) {
    let dir = tempfile::tempdir().expect("tempdir");
    let o = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!("{SETUP}\n{line}"))
        .current_dir(dir.path())
        .env("LC_ALL", "C.UTF-8")
        .output()
        .expect("bash");
    let stderr = String::from_utf8_lossy(&o.stderr)
        .lines()
        .map(|l| match l.strip_prefix("bash: line ") {
            Some(rest) => format!(
                "kubelab: {}\n",
                rest.split_once(": ").map(|x| x.1).unwrap_or(rest)
            ),
            None => format!("{l}\n"),
        })
        .collect();
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr,
        o.status.code().unwrap_or(-1),
    )
}

fn have_gnu_tools() -> bool {
    std::process::Command::new("sed")
        .arg("--version")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("GNU"))
}

fn compare(lines: &[&str]) {
    if !have_gnu_tools() {
        use std::io::Write as _;
        let _ = writeln!(
            std::io::stderr(),
            "skipped: GNU sed/grep/coreutils not found; no comparison with them"
        );
        return;
    }
    let mut failures = Vec::new();
    for line in lines {
        let want = real(line);
        let got = kubelab(line);
        if want != got {
            failures.push(format!(
                "$ {line}\n--- real (status {})\n{}{}--- kubelab (status {})\n{}{}",
                want.2, want.0, want.1, got.2, got.0, got.1
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} differ:\n{}",
        failures.len(),
        lines.len(),
        failures.join("\n")
    );
}

#[test]
fn head_and_tail_match_coreutils() {
    compare(&[
        "tail -n -1 abc",
        "tail -1 -n -1 abc",
        "tail -n 1 -1 abc",
        "tail -n +2 abc",
        "tail -n +0 abc",
        "tail -n 0 abc",
        "tail -2 abc",
        "tail +2 abc",
        "tail -n ' +1' abc",
        "tail -c 3 abc",
        "tail -c +3 abc",
        "tail -2c abc",
        "tail -n 1 nonl",
        "tail -n 18446744073709551615 abc",
        "tail -n 18446744073709551616 abc",
        "tail -n -99999999999999999999999 abc",
        "tail -n x abc",
        "tail -n '' abc",
        "tail -n - abc",
        "tail -n + abc",
        "tail -n ++1 abc",
        "tail -n 2.5 abc",
        "tail -n 1 abc ab",
        "tail -q -n 1 abc ab",
        "tail -n 1 nope abc",
        "tail -x abc",
        "tail -n",
        "tail abc -3",
        "head -n -1 abc",
        "head -n +2 abc",
        "head -n -0 abc",
        "head -n 9223372036854775808 abc",
        "head -n 99999999999999999999999 abc",
        "head -n -18446744073709551615 abc",
        "head -n 1k abc",
        "head -n 1KB abc",
        "head -n 16E abc",
        "head -n 1B abc",
        "head -c 3 abc",
        "head -c -3 abc",
        "head -2 abc",
        "head -2c abc",
        "head -n 2 -1 abc",
        "head -v abc",
        "head abc ab",
        "head --lines=-1 abc",
        "head --bogus",
        "head -n 1x abc",
        "echo hi | head -n -1; echo $?",
        "head -n 1 nope; echo $?",
    ]);
}

#[test]
fn sed_matches_gnu_sed() {
    compare(&[
        // Leftmost-longest, and no empty match right after a match.
        "echo axb | sed 's/x*/-/g'",
        "echo xyz | sed 's/y*/!/g'",
        "echo aaa | sed 's/a*\\|b/X/g'",
        "echo abab | sed 's/a\\|ab/[&]/g'",
        "echo 'foobar foo' | sed -E 's/(foo|foobar)(.*)/<\\1|\\2>/'",
        "echo abcabc | sed -E 's/(a|ab)(c|bcd)/[\\1,\\2]/g'",
        "echo abab | sed 's/a\\|ab/X/2'",
        "sed -n '/A/,/B/p' ab",
        "sed '/A/,/B/p' ab",
        "sed -n '3,5p' ab",
        "sed '3,$d' ab",
        "sed -n '/A/,+2p' ab",
        "sed -n '/A/,~4p' ab",
        "sed '0,/A/d' ab",
        "sed '0,/x/d' ab",
        "sed '1,/x/d' ab",
        "sed -n '2!p' ab",
        "sed -n '/A/,/B/!p' ab",
        "sed '/A/,/B/s/^/>/' ab",
        "sed -n '/A/,/B/{p}' ab",
        "sed -n '2{p;p}' ab",
        "sed -n '5,2p' ab",
        "sed -n '$p' ab",
        "sed -n '$!p' ab",
        "sed -n '2,4!p' ab",
        "sed -n '2 , 4p' ab",
        "sed -n '2! p' ab",
        "sed -n '2!!p' ab",
        "sed -n '0,3p' ab",
        "sed -n '0p' ab",
        "sed -n '0,/A/p' ab",
        "sed -n '2,/A/p' ab",
        "sed -n '/A/,3p' ab",
        "sed -n '$,2p' ab",
        "sed -n '3,+0p' ab",
        "sed -n '/z/,+5p' ab",
        "sed -n '2,~0p' ab",
        "sed -n '0~3p' ab",
        "sed -n '2~3p' ab",
        "sed '1~2d' ab",
        "sed '2,3!d' ab",
        "sed -n '/A/,/A/p' ab",
        "sed -n '2,/B/{/y/p}' ab",
        "sed -n '\\,A,p' ab",
        "sed -n '/a/Ip' ab",
        "sed '/A/,/B/d;s/x/X/' ab",
        "sed -n '/A/,/B/{s/y/Y/p}' ab",
        "sed -n -e '/A/,/B/p' -e '2p' ab",
        "sed -e 2d -e 4d ab",
        "sed -n '99999999999999999999p' ab",
        "sed -n '2,99999999999999999999999p' ab",
        "sed -n '/A/,/B/{/y/!p}' ab",
        "sed 2q ab",
        "sed '2q5' ab; echo $?",
        "sed 2Q ab",
        "sed = ab",
        "sed '2a hello' ab",
        "sed '2i\\ hello' ab",
        "sed '2c changed' ab",
        "sed '2,3c changed' ab",
        "sed 'n;d' ab",
        "sed '$!n;s/^/>/' ab",
        "sed y/xyz/XYZ/ ab",
        "sed 's/A/a/;s//b/' ab",
        "sed -n '/A/{s//[&]/p}' ab",
        "sed p nonl",
        "sed -n '$p' ab abc",
        "sed -s -n '$p' ab abc",
        "echo aab | sed 's/\\(a\\)\\1/x/'",
        "echo aab | sed -E 's/(a)\\1/x/'",
        "echo aab | sed -n '/\\(a\\)\\1/p'",
        "echo abcabc | sed -E 's/(a)(b)(c)\\1\\2\\3/[\\3\\2\\1]/'",
        "echo baaac | sed 's/a*/x/g'",
        "echo hello | sed 's/l/L/2g'",
        "echo hello | sed 's/\\(h\\)\\(e\\)/\\U\\1\\E\\2/'",
        "echo hello world | sed 's/\\w\\+/\\u&/g'",
        "echo hello | sed 's/l/\\n/'",
        "echo hello | sed 's|l|/|g'",
        "echo 'a.b' | sed 's/\\./x/g'",
        "echo ab | sed 's/(/x/'",
        "echo 'replicas: 5' | sed 's/replicas: [0-9]*/replicas: 10/'",
        "sed 'k' ab",
        "sed -n '/A/' ab",
        "sed 'p x' ab",
        "sed 's/a/b/k' ab",
        "sed 's/a/b' ab",
        "sed 's/\\(a\\)/\\2/' ab",
        "sed 'y/ab/c/' ab",
        "sed '}' ab",
        "sed -n '/A/,' ab",
        "sed -n '/A/,/Bp' ab",
        "sed 's//b/' ab",
        "echo aab | sed 's/\\(a\\)\\2/x/'",
        "echo ab | sed -E 's/(/x/'",
        "sed -n p nope ab; echo $?",
    ]);
}

#[test]
fn grep_matches_gnu_grep() {
    compare(&[
        // POSIX leftmost-longest: the longest alternative wins, whatever its order.
        "echo abcd | grep -o 'a\\|ab'",
        "echo abcd | grep -oE 'ab|abcd|a'",
        "echo 'hello world' | grep -o 'o\\|or\\|orl'",
        "echo 'ABab' | grep -oi 'a\\|ab'",
        "printf 'aa\\nab\\nabab\\nxyzxyz\\n' | grep '\\(a\\)\\1'",
        "printf 'aa\\nab\\nabab\\nxyzxyz\\n' | grep -E '(a)\\1'",
        "printf 'aa\\nab\\nabab\\nxyzxyz\\n' | grep -E '(ab|xyz)\\1'",
        "printf 'aa\\nab\\nabab\\nxyzxyz\\n' | grep -oE '(ab|xyz)\\1'",
        "printf 'aa\\nab\\n' | grep -e '\\(a\\)\\1' -e '\\(b\\)\\1'",
        "printf 'aa\\nbb\\nab\\n' | grep -e 'x\\(y\\)' -e '\\(b\\)\\1'",
        "printf 'aa\\nab\\n' | grep '\\1'",
        "printf 'aa\\nab\\n' | grep -E '(a)\\2'",
        "printf 'aa\\nab\\n' | grep -F '\\(a\\)\\1'",
        "printf 'aa\\nab\\n' | grep -w '\\(a\\)\\1'",
        "printf 'aa\\nab\\n' | grep -i '\\(A\\)\\1'",
        "printf 'aa\\nab\\n' | grep 'a\\{2\\}'",
        "printf 'a+b\\nab\\n' | grep 'a+b'",
        "printf 'a+b\\naab\\n' | grep 'a\\+b'",
        "printf 'a{b\\nab\\n' | grep -E 'a{b'",
        "printf '*a\\nab\\n' | grep '*a'",
        "printf '*a\\nab\\n' | grep -E '*a'",
        "printf 'ab\\n' | grep -E '('",
        "printf 'ab\\n' | grep '['",
        "printf 'ab\\n' | grep -E 'a{99999}'",
        "printf 'a]b\\n' | grep 'a[]]b'",
        "printf 'a\\\\b\\n' | grep 'a[\\]b'",
        "printf 'a&b\\n' | grep 'a[&&]b'",
        "printf 'x^y\\n' | grep 'x^y'",
        "printf 'x$y\\n' | grep 'x$y'",
        "printf 'a)\\n' | grep -E 'a)'",
        "printf 'ab\\n' | grep 'a[[:foo:]]b'",
        "printf 'b\\n' | grep '[z-a]'",
        "grep -c A ab",
        "grep -n -A1 B ab",
        "grep -v '[AB]' ab",
    ]);
}

#[test]
fn numbers_match_bash_and_coreutils() {
    compare(&[
        "seq 9223372036854775806 9223372036854775807",
        "seq 18446744073709551614 18446744073709551615",
        "seq 18446744073709551614 18446744073709551617",
        "seq 99999999999999999999999998 99999999999999999999999999",
        "seq 9223372036854775807 -1 9223372036854775805",
        "seq -9223372036854775809 -9223372036854775808",
        "seq 18446744073709551614 2 18446744073709551618",
        "seq 1 0.5 3",
        "seq 0.1 0.1 0.5",
        "seq 1e2 1e2 3e2",
        "seq 1.5e1 17",
        "seq 1e-3 1",
        "seq 5 1",
        "seq 5 -1 1",
        "seq 10 -3 0",
        "seq 1 0 5",
        "seq 1 -0 5",
        "seq -1",
        "seq 1 2 3 4",
        "seq",
        "seq abc",
        "seq nan",
        "seq -w 8 10",
        "seq -w -1 2",
        "seq -s , 1 3",
        "seq 1 1.50 3",
        "seq 3 1.5 7",
        "seq 0x10 0x12",
        "seq +3",
        "printf '%5d|%-5d|%05d|%+d|% d|%.3d\\n' 42 42 42 5 5 5",
        "printf '%x|%X|%o|%#x|%#o|%u\\n' 255 255 8 255 8 -1",
        "printf '%s %s\\n' a b c",
        "printf '%d %d\\n' 1",
        "printf '%d\\n' abc; echo $?",
        "printf '%d\\n' 12abc",
        "printf '%d\\n' 0x1f 010 ' 7' \"'A\"",
        "printf '%d\\n' 99999999999999999999",
        "printf '%5.2f|%e|%g|%E|%G\\n' 3.14159 1234.5 0.0001 1e-5 123456789",
        "printf '%.0e|%#g|%g|%g\\n' 5 1 1e100 -0",
        "printf '%.3s|%10.4f|%-8.2e|%+.1f\\n' abcdef 3.14159 31415.9 -2.25",
        "printf '%5c|%-3c|\\n' xy z",
        "printf '%b|\\n' 'a\\tb'",
        "printf '%b|\\n' 'a\\cb'; echo",
        "printf 'a\\\\tb|\\n'",
        "printf '\\x41\\101\\u00e9|\\n'",
        "printf '%q|%q|%q\\n' '' \"a'b\" 'a b'",
        "printf '%*d|%-*d|\\n' 5 1 4 2",
        "printf 'abc%'; echo $?",
        "printf '%z\\n' 1; echo $?",
        "printf '%99999999999d\\n' 1",
        "printf '%.2147483648s|\\n' abc",
        "printf '%s\\n'",
        "printf -- '-x\\n'",
    ]);
}

#[test]
fn files_and_tests_match_coreutils_and_bash() {
    compare(&[
        "cat < /dev/null; echo $?",
        "cat /dev/null; echo $?",
        "cp /dev/null f && cat f && wc -c f",
        "echo hi > /dev/null; cat /dev/null",
        "echo hi | cat - /dev/stdin",
        "[ -e /dev/null ]; echo $?",
        "[ -f /dev/null ]; echo $?",
        "rm -rf /; echo $?",
        "rm -r /",
        "rm -f /",
        "rm -rf //",
        "rm -rf .",
        "rm -rf ..",
        "rm -r ./",
        "rm -rf /tmp/..",
        "rm -d .",
        "rm .",
        "rm -rf x/.",
        "rm nope",
        "rm -f nope; echo $?",
        "rm ''",
        "rm -x",
        "mkdir d; touch d/f; rm -rv d",
        "mkdir -p e; rm -dv e; rm -d abc",
        "mkdir a; cp -r a a/b; mv a a/b; cp -r a a",
        "echo ab | sed 's/[/]/x/'",
        "echo a/b | sed 's/[/]/x/'",
        "[ ! ! ! 1 -eq 1 ]; echo $?",
        "[ 1 -eq 1 -a ]",
        "[ 1 -eq 1 -a 2 ]; echo $?",
        "[ 1 2 3 4 5 ]",
        "[ 1 -eq 1 2 3 ]",
        "[ -z a b ]",
        "[ a -eq 1 ]",
        "[ 1 -eq 1 -o a -eq 1 ]",
        "[ ! ]; echo $?",
        "[ ! ! ]; echo $?",
        "[ '(' 1 ]",
        "[ '(' 1 2 ]",
        "[ '(' 1 -eq 1 ]",
        "test '(' 1 -eq 1",
        "[ '(' 1 -eq 1 ')' ')' ]",
        "[ '(' '!' ')' ]; echo $?",
        "[ '(' 1 -a '(' 2 ')' x ]",
        "[ 1 -a 2 -a 3 -b ]",
        "[ x -o ]",
        "[ -o x ]; echo $?",
        "[ a = a -o b = c -a c = d ]; echo $?",
        "[ 99999999999999999999 -eq 1 ]",
        "[ 1 -eq ' 1 ' ]; echo $?",
        "[ -q x ]",
        "[ x -q y ]",
        "[ = = = ]; echo $?",
        "[ -a -a -a ]; echo $?",
        "[ ! ! = ! ]; echo $?",
        "test 1 -eq 1 ]",
        "echo cm9vda== | base64 -d",
        "echo cm9vdA | base64 -d; echo \" $?\"",
        "echo YW= | base64 -d; echo \" $?\"",
        "echo 'YW==YWJj' | base64 -d",
        "echo 'YWJj====' | base64 -d; echo \" $?\"",
        "echo 'YW Jj' | base64 -d; echo \" $?\"",
        "echo 'YW*Jj' | base64 -di",
        "printf 'YWJ\\njZGVm\\n' | base64 -d",
        "echo abc | base64 -w 2",
        "echo abc | base64 -w 0",
        "echo abc | base64 -w -1",
        "echo abc | base64 -w 99999999999999999999999",
        "echo abc | base64 -w",
        "echo abc | base64 -D",
        "printf 'ab:cd\\nxyz\\n' | cut -f 0",
        "printf 'ab:cd\\nxyz\\n' | cut -f 99999999999999999999999",
        "printf 'ab:cd\\nxyz\\n' | cut -f 2-1",
        "printf 'ab:cd\\nxyz\\n' | cut -f -",
        "printf 'ab:cd\\nxyz\\n' | cut -f 1x,2",
        "printf 'ab:cd\\nxyz\\n' | cut -c 1-99999999999999999999",
        "printf 'ab:cd\\nxyz\\n' | cut -d: -f 2-",
        "echo 'a  b' | tr -s ' ' x",
        "echo aabb | tr -ds a b",
        "echo abc | tr 'c-a' x",
        "echo abc | tr -d a b",
        "echo abc | tr a",
    ]);
}

#[test]
fn case_and_functions_match_bash() {
    compare(&[
        "for w in apple b.txt x '*' ''; do case $w in a*) echo A;; *.txt|*.md) echo T;; '*') echo star;; [xy]) echo XY;; *) echo other;; esac; done",
        "case x in (x|y) echo m;; *) echo no; esac",
        "case x in\n  y)\n    echo no\n    ;;\n  x)\n    echo yes\n    ;;\nesac",
        "case a in b) ;; esac; echo $?",
        "false; case a in a) ;; esac; echo $?",
        "case a in a) false;; esac; echo $?",
        "v='a*'; case abc in \"$v\") echo lit;; $v) echo glob;; esac",
        "case \"a b\" in 'a b') echo quoted;; esac",
        "case ab in a\\?) echo no;; a?) echo yes;; esac",
        "f() { echo \"$# [$1] [$2] $*\"; }; f a 'b c' d; echo \"$#\"",
        "f() { return 7; echo no; }; f; echo $?",
        "f() { false; return; }; f; echo $?",
        "f() { for i in 1 2 3; do [ $i = 2 ] && return 4; echo $i; done; }; f; echo $?",
        "f() ( x=in; exit 3 ); x=out; f; echo $? $x",
        "f() { local x=l y; echo \"$x ${y-unset}\"; x=l2; }; x=g; f; echo $x",
        "f() { y=set; }; f; echo $y",
        "g() { echo $v; }; v=p g; echo \"[$v]\"",
        "function k { echo kw $1; }; k 1; function k2() { echo kw2; }; k2",
        "fact() { if [ $1 -le 1 ]; then echo 1; else echo $(( $1 * $(fact $(($1-1))) )); fi; }; fact 6",
        "f() { case $1 in -h) echo help;; *) echo \"arg $1\";; esac; }; f -h; f x",
        "f() { echo in f; } > out; f; cat out",
        "local z=1; echo $?",
        "f() { shift; echo \"$#:$*\"; shift 2; echo $?; shift 5; echo $?; }; f a b c",
        "f() { while [ $# -gt 0 ]; do echo \"[$1]\"; shift; done; }; f a 'b c' \"\"",
        "return 3; echo $?",
    ]);
}
