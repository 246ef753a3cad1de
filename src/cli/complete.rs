//! Tab completion at the prompt: commands, kubectl/oc verbs, resource kinds and the names of
//! live objects in the current namespace.

use rustyline::completion::{Completer, Pair};
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::validate::Validator;
use rustyline::{Context, Helper};

use crate::world::World;
use crate::world::api::kinds::{self, KINDS};

const OC_VERBS: &[&str] = &[
    "debug",
    "image",
    "import-image",
    "new-project",
    "project",
    "projects",
    "tag",
    "whoami",
];
/// The words kubectl's command table (`workstation::kubectl_commands`) has after `prefix`
/// (`[]`: the verbs; `["rollout"]`: its subcommands), sorted and without repeats.
fn command_words(prefix: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = crate::workstation::kubectl_commands()
        .filter_map(|path| {
            let words: Vec<&str> = path.split(' ').collect();
            (words.len() > prefix.len() && words[..prefix.len()] == *prefix)
                .then(|| words[prefix.len()].to_string())
        })
        .collect();
    v.sort();
    v.dedup();
    v
}

/// Completion candidates, refreshed from the world before each prompt.
pub struct Completion {
    names: Vec<(&'static str, String)>,
    lab: bool,
}

impl Completion {
    /// Candidates from the objects of the current namespace (and cluster-scoped ones).
    pub fn from_world(world: &World, namespace: &str, lab: bool) -> Completion {
        let mut names = Vec::new();
        for k in KINDS.iter().filter(|k| {
            !matches!(
                k.kind,
                "Event" | "ImageStreamImage" | "ImageStreamTag" | "Project"
            )
        }) {
            let ns = if k.namespaced { Some(namespace) } else { None };
            for o in world.store.list(k, ns) {
                if let Some(n) = o.pointer("/metadata/name").and_then(|v| v.as_str()) {
                    names.push((k.plural, n.to_string()));
                }
            }
        }
        Completion { names, lab }
    }

    fn candidates(&self, words: &[&str]) -> Vec<String> {
        match words {
            [] => {
                let mut v: Vec<String> = crate::shell::builtin_names()
                    .iter()
                    .map(|s| s.to_string())
                    .collect();
                v.extend(["kubectl", "oc", "helm"].map(String::from));
                v.extend(
                    crate::workstation::edit::EDITOR_COMMANDS
                        .iter()
                        .map(|s| s.to_string()),
                );
                if self.lab {
                    v.extend(
                        crate::runner::student::META_COMMANDS
                            .iter()
                            .map(|s| s.to_string()),
                    );
                }
                v
            }
            [p] if *p == "kubectl" || *p == "oc" => {
                let mut v = command_words(&[]);
                if *p == "oc" {
                    v.extend(OC_VERBS.iter().map(|s| s.to_string()));
                }
                v
            }
            [_, "rollout"] => command_words(&["rollout"]),
            [_, "rollout", _] => ["deployment/", "statefulset/"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            [_, verb]
                if matches!(
                    *verb,
                    "get"
                        | "describe"
                        | "delete"
                        | "edit"
                        | "label"
                        | "annotate"
                        | "patch"
                        | "scale"
                ) =>
            {
                KINDS.iter().map(|k| k.plural.to_string()).collect()
            }
            [_, _, kind, ..] => match kinds::resolve(kind) {
                Some(k) => self
                    .names
                    .iter()
                    .filter(|(p, _)| *p == k.plural)
                    .map(|(_, n)| n.clone())
                    .collect(),
                None => vec![],
            },
            _ => vec![],
        }
    }
}

impl Completion {
    /// The word under the cursor (`pos`, a byte offset in `line`) starts at the byte offset
    /// returned; the candidates for it, sorted and without repeats. The interactive prompt and
    /// `kubelab web`'s terminal both complete with it.
    pub fn complete_at(&self, line: &str, pos: usize) -> (usize, Vec<String>) {
        let head = line.get(..pos).unwrap_or(line);
        let start = head.rfind(' ').map(|i| i + 1).unwrap_or(0);
        let prefix = &head[start..];
        let words: Vec<&str> = head[..start]
            .split_whitespace()
            .filter(|w| !w.starts_with('-'))
            .collect();
        let mut c: Vec<String> = self
            .candidates(&words)
            .into_iter()
            .filter(|c| c.starts_with(prefix))
            .collect();
        c.sort();
        c.dedup();
        (start, c)
    }
}

impl Completer for Completion {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let (start, c) = self.complete_at(line, pos);
        Ok((
            start,
            c.into_iter()
                .map(|s| Pair {
                    display: s.clone(),
                    replacement: s,
                })
                .collect(),
        ))
    }
}

impl Hinter for Completion {
    type Hint = String;
}
impl Highlighter for Completion {}
impl Validator for Completion {}
impl Helper for Completion {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verbs_come_from_the_command_table() {
        let c = Completion {
            names: Vec::new(),
            lab: false,
        };
        let verbs = c.candidates(&["kubectl"]);
        for v in ["get", "logs", "exec", "cp", "attach", "rollout", "explain"] {
            assert!(verbs.contains(&v.to_string()), "{v}: {verbs:?}");
        }
        assert_eq!(
            c.candidates(&["kubectl", "rollout"]),
            ["history", "pause", "restart", "resume", "status", "undo"]
        );
        assert!(c.candidates(&["oc"]).contains(&"import-image".to_string()));
    }
}
