//! The reports of `kubelab grade` for other programs: JSON (versioned, described by
//! `docs/grade-report.schema.json`), JUnit XML (the common format CI servers read) and CSV
//! (one row per session, for gradebooks). Text is [`super::grade::to_text`].

use serde::Serialize;

use super::grade::Grade;
use crate::lab::Lab;

/// The JSON report's format name.
pub const REPORT_KIND: &str = "kubelab-grade-report";
/// The JSON report's schema version: raised when a field changes meaning or goes away (a new
/// field does not raise it). Version 2 made `lang` and the `display_*` texts required (a lab's
/// texts in the chosen language); nothing of version 1 changed.
pub const REPORT_VERSION: u32 = 2;

#[derive(Serialize)]
struct JsonReport<'a> {
    kind: &'static str,
    version: u32,
    lang: &'static str,
    lab: JsonLab<'a>,
    sessions: Vec<JsonSession<'a>>,
}

#[derive(Serialize)]
struct JsonLab<'a> {
    path: &'a str,
    title: &'a str,
    display_title: &'a str,
    total: u32,
    tasks: Vec<TaskRef<'a>>,
}

#[derive(Serialize, Clone, Copy)]
struct TaskRef<'a> {
    index: usize,
    title: &'a str,
    display_title: &'a str,
}

#[derive(Serialize)]
struct JsonSession<'a> {
    session: &'a str,
    earned: u32,
    total: u32,
    passed: usize,
    failed: usize,
    errors: usize,
    virtual_seconds: f64,
    note: Option<&'a str>,
    tasks: Vec<JsonTask<'a>>,
    checks: Vec<JsonCheck<'a>>,
}

#[derive(Serialize)]
struct JsonTask<'a> {
    index: usize,
    title: &'a str,
    display_title: &'a str,
    earned: u32,
    total: u32,
    done: bool,
}

#[derive(Serialize)]
struct JsonCheck<'a> {
    index: usize,
    what: &'a str,
    display_what: &'a str,
    task: Option<TaskRef<'a>>,
    points: u32,
    earned: u32,
    status: &'static str,
    reason: Option<&'a str>,
}

/// A check's verdict: `pass`, `fail`, or `error` (the check itself could not be evaluated).
fn status(c: &super::CheckOutcome) -> &'static str {
    if c.error {
        "error"
    } else if c.earned == c.points {
        "pass"
    } else {
        "fail"
    }
}

/// A task by its index (from 1) and English title, with its title in the lab's language.
fn task_ref(lab: &Lab, task: Option<usize>) -> Option<TaskRef<'_>> {
    let i = task?;
    let t = lab.base().tasks.get(i.checked_sub(1)?)?;
    Some(TaskRef {
        index: i,
        title: &t.title,
        display_title: lab.tasks.get(i - 1).map_or(&t.title, |d| &d.title),
    })
}

/// The text a check is shown by in the lab's language (`what` is the English one).
fn display_what<'a>(lab: &'a Lab, index: usize, what: &'a str) -> &'a str {
    lab.checks.get(index).map_or(what, |c| c.what.as_str())
}

/// A grade with the texts of `lab`'s language (the lab's title, what each check checks), for
/// reports people read; grading itself names checks in English.
pub fn localize(lab: &Lab, g: &Grade) -> Grade {
    let mut g = g.clone();
    g.lab = lab.title.clone();
    for (i, c) in g.checks.iter_mut().enumerate() {
        if let Some(l) = lab.checks.get(i) {
            c.what = l.what.clone();
        }
    }
    g
}

/// `--format json`: one JSON document for all sessions (`docs/grade-report.schema.json`).
/// Tasks and checks are identified by index and English text; `display_*` give the texts in
/// `lab`'s language ([`Lab::localized`]).
pub fn to_json(lab: &Lab, grades: &[Grade]) -> String {
    let base = lab.base();
    let sessions = grades
        .iter()
        .map(|g| JsonSession {
            session: &g.session,
            earned: g.earned,
            total: g.total,
            passed: g.checks.iter().filter(|c| status(c) == "pass").count(),
            failed: g.checks.iter().filter(|c| status(c) == "fail").count(),
            errors: g.checks.iter().filter(|c| status(c) == "error").count(),
            virtual_seconds: g.virtual_ms as f64 / 1000.0,
            note: g.note.as_deref(),
            tasks: base
                .tasks
                .iter()
                .zip(&lab.tasks)
                .enumerate()
                .map(|(i, (t, d))| {
                    let mine = g.checks.iter().filter(|c| c.task == Some(i + 1));
                    let (earned, total) =
                        mine.fold((0, 0), |(e, p), c| (e + c.earned, p + c.points));
                    JsonTask {
                        index: i + 1,
                        title: &t.title,
                        display_title: &d.title,
                        earned,
                        total,
                        done: total > 0 && earned == total,
                    }
                })
                .collect(),
            checks: g
                .checks
                .iter()
                .enumerate()
                .map(|(i, c)| JsonCheck {
                    index: i + 1,
                    what: &c.what,
                    display_what: display_what(lab, i, &c.what),
                    task: task_ref(lab, c.task),
                    points: c.points,
                    earned: c.earned,
                    status: status(c),
                    reason: c.reason.as_deref(),
                })
                .collect(),
        })
        .collect();
    let report = JsonReport {
        kind: REPORT_KIND,
        version: REPORT_VERSION,
        lang: lab.shown.code(),
        lab: JsonLab {
            path: &lab.path,
            title: &base.title,
            display_title: &lab.title,
            total: lab.total_points(),
            tasks: (1..=lab.tasks.len())
                .filter_map(|i| task_ref(lab, Some(i)))
                .collect(),
        },
        sessions,
    };
    let mut s = serde_json::to_string_pretty(&report).unwrap_or_default();
    s.push('\n');
    s
}

/// Text for an XML attribute or element: the five special characters escaped, and the
/// characters XML 1.0 cannot hold replaced by U+FFFD.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

fn seconds(ms: i64) -> String {
    format!("{}.{:03}", ms.max(0) / 1000, ms.max(0) % 1000)
}

fn property(out: &mut String, indent: &str, name: &str, value: &str) {
    out.push_str(&format!(
        "{indent}<property name=\"{}\" value=\"{}\"/>\n",
        xml(name),
        xml(value)
    ));
}

/// `--format junit`: the common JUnit XML format. One `<testsuite>` per session (its
/// properties: the lab, the points earned and possible; its `time`: the session's length on
/// the simulated clock; each check's points, `check.N.points` and `check.N.points.earned`, as
/// the common schema has no properties in a test case), one `<testcase>` per check: a check not
/// met is a `<failure>` whose body is the reason, a check that could not be evaluated (a Rhai
/// error in the lab) an `<error>`; the grading note is the suite's `<system-err>`.
pub fn to_junit(lab: &Lab, grades: &[Grade]) -> String {
    let count = |f: &dyn Fn(&super::CheckOutcome) -> bool| -> usize {
        grades
            .iter()
            .map(|g| g.checks.iter().filter(|c| f(c)).count())
            .sum()
    };
    let tests = count(&|_| true);
    let failures = count(&|c| status(c) == "fail");
    let errors = count(&|c| status(c) == "error");
    let time: i64 = grades.iter().map(|g| g.virtual_ms.max(0)).sum();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"kubelab\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" time=\"{}\">\n",
        seconds(time)
    ));
    for g in grades {
        let n = |s: &str| g.checks.iter().filter(|c| status(c) == s).count();
        out.push_str(&format!(
            "    <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"0\" time=\"{}\">\n",
            xml(&g.session),
            g.checks.len(),
            n("fail"),
            n("error"),
            seconds(g.virtual_ms)
        ));
        out.push_str("        <properties>\n");
        let p = "            ";
        property(&mut out, p, "lab", &lab.path);
        property(&mut out, p, "lab.title", &g.lab);
        // A lab shown in another language: its texts in that language too.
        let translated = lab.shown != crate::lab::Lang::En;
        if translated {
            property(&mut out, p, "lang", lab.shown.code());
            property(&mut out, p, "lab.display_title", &lab.title);
        }
        property(&mut out, p, "points.earned", &g.earned.to_string());
        property(&mut out, p, "points.total", &g.total.to_string());
        // The common schema has no properties inside a test case: each check's points are the
        // suite's, named after the check's number (its test case's name starts with it).
        for (i, c) in g.checks.iter().enumerate() {
            let n = i + 1;
            property(
                &mut out,
                p,
                &format!("check.{n}.points"),
                &c.points.to_string(),
            );
            property(
                &mut out,
                p,
                &format!("check.{n}.points.earned"),
                &c.earned.to_string(),
            );
            if translated {
                property(
                    &mut out,
                    p,
                    &format!("check.{n}.display_what"),
                    display_what(lab, i, &c.what),
                );
            }
        }
        out.push_str("        </properties>\n");
        for (i, c) in g.checks.iter().enumerate() {
            let classname = match task_ref(lab, c.task) {
                Some(t) => format!("{} / task {}: {}", g.lab, t.index, t.title),
                None => g.lab.clone(),
            };
            out.push_str(&format!(
                "        <testcase name=\"{}. {}\" classname=\"{}\" time=\"0.000\">\n",
                i + 1,
                xml(&c.what),
                xml(&classname)
            ));
            let reason = c.reason.as_deref();
            match status(c) {
                "error" => out.push_str(&format!(
                    "            <error message=\"the check could not be evaluated\" type=\"lab error\">{}</error>\n",
                    xml(reason.unwrap_or(""))
                )),
                "fail" => out.push_str(&format!(
                    "            <failure message=\"the check is not met\" type=\"check failed\">{}</failure>\n",
                    xml(reason.unwrap_or("the check is not met"))
                )),
                _ => {}
            }
            out.push_str("        </testcase>\n");
        }
        if let Some(note) = &g.note {
            out.push_str(&format!("        <system-err>{}</system-err>\n", xml(note)));
        }
        out.push_str("    </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line end.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// `--format csv`: a header row, then one row per session: its name, the points earned and
/// possible, each check's points earned (a column per check, named by its index and what it
/// checks), and the grading note. Lines end with CRLF, as RFC 4180 and spreadsheets want.
pub fn to_csv(lab: &Lab, grades: &[Grade]) -> String {
    let mut header = vec!["session".to_string(), "earned".into(), "total".into()];
    // The checks' English texts: a gradebook's columns stay the same whatever the language.
    for (i, c) in lab.base().checks.iter().enumerate() {
        let unit = if c.points == 1 { "point" } else { "points" };
        header.push(format!("{}. {} ({} {unit})", i + 1, c.what, c.points));
    }
    header.push("note".into());
    let mut out = String::new();
    let mut row = |fields: Vec<String>| {
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    };
    row(header);
    for g in grades {
        let mut fields = vec![g.session.clone(), g.earned.to_string(), g.total.to_string()];
        for i in 0..lab.checks.len() {
            fields.push(
                g.checks
                    .get(i)
                    .map(|c| c.earned.to_string())
                    .unwrap_or_default(),
            );
        }
        fields.push(g.note.clone().unwrap_or_default());
        row(fields);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runner::CheckOutcome;

    fn lab() -> Lab {
        crate::lab::parse(
            "t.lab",
            "lab \"T & t\"\n\ntask \"one\" {\n    check 2 \"a, \\\"quoted\\\"\" { true }\n}\ncheck 3 \"b\" { true }\n",
        )
        .expect("lab")
    }

    fn grade() -> Grade {
        Grade {
            session: "s<1>".into(),
            lab: "T & t".into(),
            checks: vec![
                CheckOutcome {
                    what: "a, \"quoted\"".into(),
                    points: 2,
                    earned: 0,
                    reason: Some("no <web>".into()),
                    task: Some(1),
                    error: false,
                },
                CheckOutcome {
                    what: "b".into(),
                    points: 3,
                    earned: 0,
                    reason: Some("t.lab:6:20: Variable not found: x".into()),
                    task: None,
                    error: true,
                },
            ],
            earned: 0,
            total: 5,
            note: Some("n".into()),
            virtual_ms: 61_250,
        }
    }

    #[test]
    fn junit_has_failures_errors_time_and_points() {
        let x = to_junit(&lab(), &[grade()]);
        assert!(x.contains("<testsuites name=\"kubelab\" tests=\"2\" failures=\"1\" errors=\"1\" time=\"61.250\">\n"), "{x}");
        assert!(
            !x.lines().next().unwrap_or("").contains("skipped")
                && !x.lines().nth(1).unwrap_or("").contains("skipped"),
            "{x}"
        );
        assert!(x.contains("<testsuite name=\"s&lt;1&gt;\" tests=\"2\" failures=\"1\" errors=\"1\" skipped=\"0\" time=\"61.250\">"), "{x}");
        assert!(x.contains("<testcase name=\"1. a, &quot;quoted&quot;\" classname=\"T &amp; t / task 1: one\" time=\"0.000\">"), "{x}");
        assert!(
            x.contains("<property name=\"check.1.points\" value=\"2\"/>"),
            "{x}"
        );
        assert!(x.contains("<failure message=\"the check is not met\" type=\"check failed\">no &lt;web&gt;</failure>"), "{x}");
        assert!(x.contains("<error message=\"the check could not be evaluated\" type=\"lab error\">t.lab:6:20: Variable not found: x</error>"), "{x}");
        assert!(x.contains("<system-err>n</system-err>"), "{x}");
    }

    #[test]
    fn csv_quotes_what_needs_it() {
        assert_eq!(
            to_csv(&lab(), &[grade()]),
            "session,earned,total,\"1. a, \"\"quoted\"\" (2 points)\",2. b (3 points),note\r\ns<1>,0,5,0,0,n\r\n"
        );
    }

    #[test]
    fn json_names_tasks_by_index_and_title() {
        let v: serde_json::Value = serde_json::from_str(&to_json(&lab(), &[grade()])).unwrap();
        assert_eq!(v["kind"], REPORT_KIND);
        assert_eq!(v["version"], REPORT_VERSION);
        let c = &v["sessions"][0]["checks"];
        assert_eq!(
            c[0]["task"],
            serde_json::json!({"index": 1, "title": "one", "display_title": "one"})
        );
        assert_eq!(c[0]["status"], "fail");
        assert_eq!(c[1]["status"], "error");
        assert_eq!(c[1]["task"], serde_json::Value::Null);
        assert_eq!(v["sessions"][0]["virtual_seconds"], 61.25);
        assert_eq!(v["sessions"][0]["tasks"][0]["done"], false);
    }
}
