//! pflag/cobra-compatible parsing of a kubectl or oc command line: command resolution through
//! the command tree, `--flag=value`, `--flag value`, `-n ns`, `-nns`, `-oyaml`, combined bools,
//! flags anywhere, `--`, and cobra's and pflag's exact error texts.

use super::table::{
    ALIASES, FlagSpec, FlagType, KUBECTL_COMMANDS, OC_COMMANDS, OC_CREATE_ONLY, table,
};
use crate::kubectl::duration::parse_go_duration;
use crate::kubectl::flags::Flags;
use crate::kubectl::outcome::Failure;

/// A parsed command line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Invocation {
    program: String,
    path: Vec<String>,
    args: Vec<String>,
    dash_args: Vec<String>,
    /// (long name, value) in command-line order.
    flags: Vec<(String, String)>,
    specs: Vec<FlagSpec>,
    /// Deprecation warnings pflag prints to stderr.
    pub warnings: Vec<String>,
    /// `-h`/`--help` was given.
    pub help: bool,
    /// Flags a verb has read (to tell the student which given flags kubelab ignored).
    read: std::cell::RefCell<std::collections::BTreeSet<String>>,
}

fn spec_of<'a>(specs: &'a [FlagSpec], name: &str) -> Option<&'a FlagSpec> {
    specs.iter().find(|s| s.name == name)
}

fn short_of(specs: &[FlagSpec], c: char) -> Option<&FlagSpec> {
    specs.iter().find(|s| s.short == Some(c))
}

fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = if a[i - 1] == b[j - 1] { 0 } else { 1 };
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The flags a command path accepts (its own, then the global ones).
fn specs_for(program: &str, path: &[String]) -> Option<Vec<FlagSpec>> {
    let t = table();
    let key = path.join(" ");
    let own = if program == "oc" {
        t.oc.get(&key).or_else(|| t.kubectl.get(&key))
    } else {
        t.kubectl.get(&key)
    };
    let mut all = own?.clone();
    all.extend(t.global.iter().cloned());
    Some(all)
}

fn is_group(program: &str, key: &str) -> bool {
    let t = table();
    let prefix = format!("{key} ");
    t.kubectl.keys().any(|k| k.starts_with(&prefix))
        || (program == "oc" && t.oc.keys().any(|k| k.starts_with(&prefix)))
}

fn known(program: &str, key: &str) -> bool {
    let t = table();
    t.kubectl.contains_key(key) || (program == "oc" && t.oc.contains_key(key))
}

fn check_value(spec: &FlagSpec, value: &str) -> Result<(), String> {
    let bad = |why: String| {
        format!(
            "invalid argument \"{value}\" for \"{}\" flag: {why}",
            spec.display()
        )
    };
    match spec.ty {
        FlagType::Int => value.parse::<i64>().map(|_| ()).map_err(|_| {
            bad(format!(
                "strconv.ParseInt: parsing \"{value}\": invalid syntax"
            ))
        }),
        FlagType::Bool => match value {
            "1" | "t" | "T" | "TRUE" | "true" | "True" | "0" | "f" | "F" | "FALSE" | "false"
            | "False" => Ok(()),
            _ => Err(bad(format!(
                "strconv.ParseBool: parsing \"{value}\": invalid syntax"
            ))),
        },
        FlagType::Duration => {
            if value.chars().all(|c| c.is_ascii_digit()) && value != "0" {
                return Err(bad(format!("time: missing unit in duration \"{value}\"")));
            }
            parse_go_duration(value)
                .map(|_| ())
                .map_err(|_| bad(format!("time: invalid duration \"{value}\"")))
        }
        _ => Ok(()),
    }
}

/// Parses `argv` (without the program name) for `program` (`kubectl` or `oc`).
pub fn parse(program: &str, argv: &[String]) -> Result<Invocation, Failure> {
    let global = table().global.clone();
    // 1. Resolve the command: non-flag words walk the tree; flags before it use the globals.
    let mut path: Vec<String> = Vec::new();
    let mut i = 0;
    let mut pre_flags: Vec<String> = Vec::new();
    while i < argv.len() {
        let a = &argv[i];
        if a == "--" {
            break;
        }
        if a.starts_with('-') && a.len() > 1 {
            pre_flags.push(a.clone());
            // A global flag with a separate value swallows the next word.
            let takes_value = if let Some(name) = a.strip_prefix("--") {
                !name.contains('=')
                    && spec_of(&global, name).is_some_and(|s| s.ty != FlagType::Bool)
            } else {
                let chars: Vec<char> = a[1..].chars().collect();
                chars.len() == 1
                    && short_of(&global, chars[0]).is_some_and(|s| s.ty != FlagType::Bool)
            };
            if takes_value
                && path.is_empty()
                && let Some(v) = argv.get(i + 1)
            {
                pre_flags.push(v.clone());
                i += 1;
            }
            i += 1;
            continue;
        }
        let key = if path.is_empty() {
            a.clone()
        } else {
            format!("{} {a}", path.join(" "))
        };
        let alias = ALIASES
            .iter()
            .find(|(g, al, _)| path.len() == 1 && path[0] == *g && a == al)
            .map(|(_, _, n)| n.to_string());
        let resolved = match alias {
            Some(n) => format!("{} {n}", path.join(" ")),
            None => key.clone(),
        };
        if path.is_empty() {
            let top = KUBECTL_COMMANDS.contains(&a.as_str())
                || (program == "oc" && OC_COMMANDS.contains(&a.as_str()));
            if !top {
                let mut cands: Vec<&str> = KUBECTL_COMMANDS.to_vec();
                if program == "oc" {
                    cands.extend(OC_COMMANDS);
                }
                let mut sugg: Vec<&str> = cands
                    .iter()
                    .copied()
                    .filter(|c| levenshtein(c, a) <= 2 || c.starts_with(&a.to_ascii_lowercase()))
                    .collect();
                sugg.sort();
                let mut msg = format!("Error: unknown command \"{a}\" for \"{program}\"\n");
                if !sugg.is_empty() {
                    msg.push_str("\nDid you mean this?\n");
                    for s in sugg {
                        msg.push_str(&format!("\t{s}\n"));
                    }
                    msg.push('\n');
                }
                return Err(Failure::Raw(msg));
            }
            path.push(a.clone());
        } else if is_group(program, &path.join(" "))
            && (known(program, &resolved) || is_group(program, &resolved))
        {
            path = resolved.split(' ').map(str::to_string).collect();
        } else if program == "oc" && path == ["create"] && OC_CREATE_ONLY.contains(&a.as_str()) {
            return Err(Failure::Unsupported(format!("\"oc create {a}\"")));
        } else if is_group(program, &path.join(" ")) && !known(program, &path.join(" ")) {
            return Err(Failure::Raw(format!(
                "error: unknown command \"{a}\"\nSee '{program} {} -h' for help and examples\n",
                path.join(" ")
            )));
        } else {
            break;
        }
        i += 1;
    }
    let key = path.join(" ");
    // kubectl alone or a group without its subcommand (`kubectl rollout`): kubectl prints the
    // help text (the front end does, from the recorded texts); parse the global flags.
    let bare = program == "kubectl"
        && (path.is_empty() || (is_group(program, &key) && !known(program, &key)));
    // A command kubelab has no flag table for does not know its flags either: an unknown one
    // is kubelab's gap, not the student's mistake.
    let without_table = specs_for(program, &path).is_none();
    let Some(specs) = specs_for(program, &path).or_else(|| {
        // A known top-level command kubelab has no flag table for: parse with globals only.
        (!path.is_empty() || bare).then(|| global.clone())
    }) else {
        if path.is_empty() {
            return Err(Failure::Unsupported(format!(
                "{program} without a command (its help text)"
            )));
        }
        return Err(Failure::Unsupported(format!("\"{program} {key}\"")));
    };
    if is_group(program, &key) && !known(program, &key) && !bare {
        return Err(Failure::Unsupported(format!(
            "\"{program} {key}\" without a subcommand (its help text)"
        )));
    }
    // 2. Parse every flag and positional of the whole line (pflag interspersed parsing).
    let usage = format!(
        "See '{program}{}{key} --help' for usage.",
        if key.is_empty() { "" } else { " " }
    );
    let fail = |msg: String| Failure::Raw(format!("Error: {msg}\n{usage}\n"));
    let unknown = |msg: String, flag: &str| {
        if without_table {
            Failure::Unsupported(format!("\"{program} {key}\" with the flag {flag}"))
        } else {
            fail(msg)
        }
    };
    let mut inv = Invocation {
        program: program.to_string(),
        path: path.clone(),
        specs: specs.clone(),
        ..Default::default()
    };
    let mut words: Vec<String> = Vec::new();
    let mut j = 0;
    let mut path_left = path.clone();
    while j < argv.len() {
        let a = &argv[j];
        j += 1;
        if a == "--" {
            inv.dash_args = argv[j..].to_vec();
            break;
        }
        if a == "-h" || a == "--help" {
            inv.help = true;
            continue;
        }
        if let Some(body) = a.strip_prefix("--") {
            let (name, inline) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (body, None),
            };
            let Some(spec) = spec_of(&specs, name) else {
                return Err(unknown(
                    format!("unknown flag: --{name}"),
                    &format!("--{name}"),
                ));
            };
            let value = match inline {
                Some(v) => v,
                None => match spec.no_opt_default() {
                    Some(d) => d.to_string(),
                    None => next_value(argv, &mut j)
                        .ok_or_else(|| fail(format!("flag needs an argument: --{name}")))?,
                },
            };
            check_value(spec, &value).map_err(fail)?;
            inv.record(spec, value);
            continue;
        }
        if a.len() > 1 && a.starts_with('-') {
            let chars: Vec<char> = a[1..].chars().collect();
            let mut k = 0;
            while k < chars.len() {
                let c = chars[k];
                let Some(spec) = short_of(&specs, c) else {
                    return Err(unknown(
                        format!("unknown shorthand flag: '{c}' in {a}"),
                        &format!("-{c}"),
                    ));
                };
                if spec.ty == FlagType::Bool {
                    let rest: String = chars[k + 1..].iter().collect();
                    if let Some(v) = rest.strip_prefix('=') {
                        check_value(spec, v).map_err(fail)?;
                        inv.record(spec, v.to_string());
                        break;
                    }
                    inv.record(spec, "true".into());
                    k += 1;
                    continue;
                }
                let rest: String = chars[k + 1..].iter().collect();
                let value = if !rest.is_empty() {
                    rest.strip_prefix('=').map(str::to_string).unwrap_or(rest)
                } else {
                    next_value(argv, &mut j)
                        .ok_or_else(|| fail(format!("flag needs an argument: '{c}' in {a}")))?
                };
                check_value(spec, &value).map_err(fail)?;
                inv.record(spec, value);
                break;
            }
            continue;
        }
        // The words naming the command itself are not arguments.
        if !path_left.is_empty() {
            let first = path_left[0].clone();
            let alias_ok = ALIASES.iter().any(|(_, al, n)| *al == a && *n == first);
            if *a == first || alias_ok {
                path_left.remove(0);
                continue;
            }
        }
        words.push(a.clone());
        // Commands that stop parsing flags at their first argument (pflag's
        // SetInterspersed(false)): the rest is the command they run, `--` included.
        if program == "oc" && key == "rsh" {
            words.extend(argv[j..].iter().cloned());
            break;
        }
    }
    inv.args = words;
    Ok(inv)
}

impl Invocation {
    /// The long names of the flags given on the command line, in order.
    pub fn given_flags(&self) -> Vec<String> {
        self.flags.iter().map(|(n, _)| n.clone()).collect()
    }

    fn record(&mut self, spec: &FlagSpec, value: String) {
        if spec.name == "record" {
            let w = "Flag --record has been deprecated, --record will be removed in the future"
                .to_string();
            if !self.warnings.contains(&w) {
                self.warnings.push(w);
            }
        }
        self.flags.push((spec.name.clone(), value));
    }

    /// Given flags no verb has read so far.
    pub fn unread_flags(&self) -> Vec<String> {
        let read = self.read.borrow();
        let mut out: Vec<String> = self
            .flags
            .iter()
            .map(|(n, _)| n.clone())
            .filter(|n| !read.contains(n))
            .collect();
        out.dedup();
        out
    }

    /// The raw value of the last occurrence of a flag (marks it read).
    fn last(&self, name: &str) -> Option<&str> {
        self.read.borrow_mut().insert(name.to_string());
        self.flags
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

impl Flags for Invocation {
    fn program(&self) -> &str {
        &self.program
    }

    fn path(&self) -> Vec<String> {
        self.path.clone()
    }

    fn args(&self) -> &[String] {
        &self.args
    }

    fn dash_args(&self) -> &[String] {
        &self.dash_args
    }

    fn string(&self, name: &str) -> Option<String> {
        self.last(name).map(str::to_string)
    }

    fn boolean(&self, name: &str) -> bool {
        match self.last(name) {
            Some(v) => matches!(v, "1" | "t" | "T" | "TRUE" | "true" | "True"),
            None => spec_of(&self.specs, name).is_some_and(|s| s.default == "true"),
        }
    }

    fn int(&self, name: &str) -> Result<Option<i64>, Failure> {
        match self.last(name) {
            Some(v) => v.parse().map(Some).map_err(|_| {
                Failure::Message(format!("invalid argument \"{v}\" for \"--{name}\" flag"))
            }),
            None => Ok(None),
        }
    }

    fn strings(&self, name: &str) -> Vec<String> {
        self.read.borrow_mut().insert(name.to_string());
        let array = spec_of(&self.specs, name).is_some_and(|s| s.ty == FlagType::Array);
        self.flags
            .iter()
            .filter(|(n, _)| n == name)
            .flat_map(|(_, v)| {
                if array {
                    vec![v.clone()]
                } else {
                    v.split(',')
                        .filter(|s| !s.is_empty())
                        .map(str::to_string)
                        .collect()
                }
            })
            .collect()
    }

    fn changed(&self, name: &str) -> bool {
        self.last(name).is_some()
    }

    fn change_cause(&self) -> String {
        let mut s = self.program.clone();
        for w in self.path.iter().chain(self.args.iter()) {
            s.push(' ');
            s.push_str(w);
        }
        for (n, v) in &self.flags {
            s.push_str(&format!(" --{n}={v}"));
        }
        s
    }
}

/// The word after a flag that takes a value, consumed.
fn next_value(argv: &[String], j: &mut usize) -> Option<String> {
    let v = argv.get(*j)?.clone();
    *j += 1;
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(line: &str) -> Result<Invocation, Failure> {
        let argv: Vec<String> = line.split_whitespace().map(str::to_string).collect();
        parse("kubectl", &argv)
    }

    #[test]
    fn resolves_commands_and_flags_anywhere() {
        let i = p("-n kube-system get pods -oyaml --show-labels").unwrap();
        assert_eq!(i.path(), vec!["get"]);
        assert_eq!(i.args(), &["pods".to_string()]);
        assert_eq!(i.string("namespace").as_deref(), Some("kube-system"));
        assert_eq!(i.string("output").as_deref(), Some("yaml"));
        assert!(i.boolean("show-labels"));
        let i = p("rollout undo deployment/mongo --to-revision=1").unwrap();
        assert_eq!(i.path(), vec!["rollout", "undo"]);
        assert_eq!(i.int("to-revision").unwrap(), Some(1));
        let i = p("create deploy web --image=nginx -r 3").unwrap();
        assert_eq!(i.path(), vec!["create", "deployment"]);
        assert_eq!(i.args(), &["web".to_string()]);
        assert_eq!(i.int("replicas").unwrap(), Some(3));
        let i = p("set image deployment/mongo mongo=mongo:4.4 --record").unwrap();
        assert_eq!(
            i.change_cause(),
            "kubectl set image deployment/mongo mongo=mongo:4.4 --record=true"
        );
        let i = p("exec web -c app -- env").unwrap();
        assert_eq!(i.dash_args(), &["env".to_string()]);
    }

    #[test]
    fn errors_are_cobras() {
        assert_eq!(
            p("get pods --foo").unwrap_err().render(),
            "Error: unknown flag: --foo\nSee 'kubectl get --help' for usage.\n"
        );
        assert_eq!(
            p("get pods -x").unwrap_err().render(),
            "Error: unknown shorthand flag: 'x' in -x\nSee 'kubectl get --help' for usage.\n"
        );
        assert_eq!(
            p("get pods -n").unwrap_err().render(),
            "Error: flag needs an argument: 'n' in -n\nSee 'kubectl get --help' for usage.\n"
        );
        assert_eq!(
            p("create deployment x --image=a --replicas=abc")
                .unwrap_err()
                .render(),
            "Error: invalid argument \"abc\" for \"-r, --replicas\" flag: strconv.ParseInt: parsing \"abc\": invalid syntax\nSee 'kubectl create deployment --help' for usage.\n"
        );
        assert_eq!(
            p("foo").unwrap_err().render(),
            "Error: unknown command \"foo\" for \"kubectl\"\n\nDid you mean this?\n\ttop\n\n"
        );
        assert_eq!(
            p("rollout foo").unwrap_err().render(),
            "error: unknown command \"foo\"\nSee 'kubectl rollout -h' for help and examples\n"
        );
        assert_eq!(
            p("rollout status deploy/x --timeout=10")
                .unwrap_err()
                .render(),
            "Error: invalid argument \"10\" for \"--timeout\" flag: time: missing unit in duration \"10\"\nSee 'kubectl rollout status --help' for usage.\n"
        );
    }
}
