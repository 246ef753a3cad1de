//! Editors on the workstation: `kubectl edit`/`oc edit` (on `$KUBE_EDITOR`, `$EDITOR`, else
//! `vi`) and `vi`/`vim`/`nano FILE` at the prompt.
//!
//! - An editor given as a `sed` command line (`KUBE_EDITOR="sed -i 's/a/b/'"`) runs on the text
//!   inside kubelab, everywhere.
//! - Any other editor is a program on the host, and runs only at the interactive prompt
//!   ([`Editor::interactive`]): ONE editor binary, found by name on the host's `PATH`, with
//!   plain options only, on ONE temporary copy in a private directory (see [`host`]). Shells,
//!   interpreters and launchers are refused by name. Scripts, `kubelab run`, `grade` and `lint`
//!   never start a host process: they refuse plainly.
//! - What the host editor did (its exit status and the file it left) is kept for the session's
//!   record as a mark line ([`Outcome::to_mark`]) before the input, so that grading and
//!   `--resume` replay the same edit ([`Editor::replay`]) without an editor.

mod command;
mod host;

use std::collections::VecDeque;

use base64::Engine as _;

use crate::shell::{ShellState, vfs};
use command::{check, words};

/// Where a host editor's outcome is kept in a session record (`kubelab shell --record`).
pub const EDITOR_MARK: &str = "# kubelab: editor ";

/// The editor programs `vi FILE`, `vim FILE` and `nano FILE` at the prompt.
pub const EDITOR_COMMANDS: &[&str] = &["vi", "vim", "nano"];

/// What the host editor did, as the record keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// It ran and exited with `status`; the file then held `content` (None: no file, e.g. a new
    /// file the editor did not write).
    Ran {
        /// Exit status (128 + N for signal N).
        status: i32,
        /// The file afterwards.
        content: Option<Vec<u8>>,
    },
    /// It is not on the host's `PATH`.
    NotFound,
}

impl Outcome {
    /// The record's line for this outcome.
    pub fn to_mark(&self) -> String {
        match self {
            Outcome::Ran {
                status,
                content: Some(c),
            } => format!(
                "{EDITOR_MARK}{status} file:{}",
                base64::engine::general_purpose::STANDARD.encode(c)
            ),
            Outcome::Ran {
                status,
                content: None,
            } => format!("{EDITOR_MARK}{status} no-file"),
            Outcome::NotFound => format!("{EDITOR_MARK}not-found"),
        }
    }

    /// Reads a record line written by [`Outcome::to_mark`] (surrounding blanks ignored).
    pub fn from_mark(line: &str) -> Option<Outcome> {
        let rest = line.trim().strip_prefix(EDITOR_MARK.trim_end())?.trim();
        if rest == "not-found" {
            return Some(Outcome::NotFound);
        }
        let (status, what) = rest.split_once(' ')?;
        let status: i32 = status.parse().ok()?;
        let content = match what {
            "no-file" => None,
            w => Some(
                base64::engine::general_purpose::STANDARD
                    .decode(w.strip_prefix("file:")?)
                    .ok()?,
            ),
        };
        Some(Outcome::Ran { status, content })
    }
}

/// The workstation's editor: whether a host editor may run, the outcomes to replay, and those
/// of this input (for the record).
#[derive(Debug, Clone, Default)]
pub struct Editor {
    interactive: bool,
    replay: VecDeque<Outcome>,
    made: Vec<Outcome>,
}

impl Editor {
    /// The interactive prompt's editor: a host editor may run.
    pub fn interactive() -> Editor {
        Editor {
            interactive: true,
            ..Editor::default()
        }
    }

    /// Whether a host editor may run.
    pub fn is_interactive(&self) -> bool {
        self.interactive
    }

    /// Queues a recorded outcome: the next host edit takes it instead of running an editor.
    pub fn replay(&mut self, o: Outcome) {
        self.replay.push_back(o);
    }

    /// Drops the recorded outcomes no edit took.
    pub fn clear_replays(&mut self) {
        self.replay.clear();
    }

    /// The host editor's outcomes since the last call, oldest first.
    pub fn take_outcomes(&mut self) -> Vec<Outcome> {
        std::mem::take(&mut self.made)
    }

    /// Runs the host editor `argv` on a copy of `content` named `file_name`, or takes the next
    /// replayed outcome; `Err` is a refusal.
    fn outcome(
        &mut self,
        argv: &[String],
        file_name: &str,
        content: Option<&[u8]>,
    ) -> Result<Outcome, Refusal> {
        if let Some(o) = self.replay.pop_front() {
            return Ok(o);
        }
        if !self.interactive {
            return Err(Refusal::NotInteractive);
        }
        let o = host::run(argv, file_name, content).map_err(Refusal::Host)?;
        self.made.push(o.clone());
        Ok(o)
    }

    /// `kubectl edit`: edits `content` (shown as `file_name`) with the editor command line
    /// `editor`; the error is kubectl's message (without `error: `).
    pub fn edit_text(
        &mut self,
        editor: &str,
        file_name: &str,
        content: &[u8],
    ) -> Result<Vec<u8>, String> {
        let argv = words(editor);
        if argv.first().map(String::as_str) == Some("sed") {
            return crate::shell::edit_with_sed(&argv[1..], &String::from_utf8_lossy(content))
                .map(String::into_bytes);
        }
        check(&argv)?;
        let shown = argv.join(" ");
        let base = vfs::file_name(file_name);
        match self.outcome(&argv, base, Some(content)) {
            Ok(Outcome::Ran {
                status: 0,
                content: Some(c),
            }) => Ok(c),
            Ok(Outcome::Ran {
                status: 0,
                content: None,
            }) => Err(format!("open {file_name}: no such file or directory")),
            Ok(Outcome::Ran { .. }) => {
                Err(format!("there was a problem with the editor {shown:?}"))
            }
            Ok(Outcome::NotFound) => Err(format!("unable to launch the editor {shown:?}")),
            Err(Refusal::Host(e)) => Err(e),
            Err(Refusal::NotInteractive) => Err(format!(
                "kubelab opens the editor {shown:?} only at the interactive prompt (kubelab shell on a terminal); in scripts and graded sessions set KUBE_EDITOR to a sed command, e.g. KUBE_EDITOR=\"sed -i 's/replicas: 5/replicas: 10/'\" kubectl edit deployment/NAME"
            )),
        }
    }

    /// `vi FILE`, `vim FILE`, `nano FILE` at the prompt: the virtual file's content goes to a
    /// temporary copy, the editor runs on it, and what it saved comes back into the file.
    /// Returns the exit status and what it printed on standard error.
    pub fn edit_file(&mut self, argv: &[String], state: &mut ShellState) -> Edited {
        let name = argv[0].clone();
        let fail = |msg: String, status: i32| Edited {
            stderr: format!("kubelab: {name}: {msg}\n").into_bytes(),
            status,
        };
        let mut options = vec![name.clone()];
        let mut operands = Vec::new();
        let mut only_files = false;
        for a in &argv[1..] {
            if only_files || !a.starts_with('-') || a == "-" {
                operands.push(a.clone());
            } else if a == "--" {
                only_files = true;
            } else {
                options.push(a.clone());
            }
        }
        if let Some(plus) = operands.iter().find(|o| o.starts_with('+')) {
            return fail(
                format!("kubelab passes only plain options such as -R to the editor, not {plus}"),
                2,
            );
        }
        if let Err(e) = check(&options) {
            return fail(e, 2);
        }
        let file = match operands.as_slice() {
            [f] => f.clone(),
            [] => {
                return fail(
                    "name the file to edit: kubelab opens the editor on a copy of one file".into(),
                    2,
                );
            }
            _ => {
                return fail(
                    "one file at a time: kubelab opens the editor on a copy of one file".into(),
                    2,
                );
            }
        };
        let path = state.resolve(&file);
        if state.vfs.is_dir(&path) {
            return fail(format!("{file}: Is a directory"), 1);
        }
        let old = state.vfs.read(&path).ok().map(<[u8]>::to_vec);
        let (status, content) = match self.outcome(&options, vfs::file_name(&path), old.as_deref())
        {
            Ok(Outcome::Ran { status, content }) => (status, content),
            Ok(Outcome::NotFound) => {
                return fail(
                    format!(
                        "not found on this computer's PATH (kubelab opens {name} from your PATH on a copy of {file})"
                    ),
                    127,
                );
            }
            Err(Refusal::Host(e)) => return fail(e, 126),
            Err(Refusal::NotInteractive) => {
                return fail(
                    format!(
                        "not available in the kubelab shell here: only the interactive prompt (kubelab shell on a terminal) opens your editor; in scripts write files with sed -i or cat > {file} <<'EOF'"
                    ),
                    127,
                );
            }
        };
        if let Some(c) = content
            && old.as_deref() != Some(c.as_slice())
            && let Err(e) = state.vfs.write(&path, &c, false)
        {
            return fail(format!("cannot write {file}: {e}"), 1);
        }
        Edited {
            status,
            stderr: Vec::new(),
        }
    }
}

/// What `vi FILE` at the prompt ended with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edited {
    /// Exit status.
    pub status: i32,
    /// Standard error.
    pub stderr: Vec<u8>,
}

/// Why an editor did not run.
enum Refusal {
    /// Not at the interactive prompt.
    NotInteractive,
    /// The host refused (kubelab's message).
    Host(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sed_edits_everywhere_and_other_editors_only_interactively() {
        let mut e = Editor::default();
        assert_eq!(
            e.edit_text("sed -i 's/a/b/'", "/tmp/x.yaml", b"a: 1\n"),
            Ok(b"b: 1\n".to_vec())
        );
        let err = e.edit_text("vi", "/tmp/x.yaml", b"a").unwrap_err();
        assert!(
            err.starts_with("kubelab opens the editor \"vi\" only at the interactive prompt"),
            "{err}"
        );
        // The escape from issue 12: refused before anything runs, interactive or not.
        let mut i = Editor::interactive();
        let err = i
            .edit_text("sh -c 'id > FILE'", "/tmp/x.yaml", b"a")
            .unwrap_err();
        assert!(err.contains("not \"sh\""), "{err}");
        assert!(i.take_outcomes().is_empty());
    }

    #[test]
    fn replayed_outcomes_stand_in_for_the_editor() {
        let mut e = Editor::default();
        e.replay(Outcome::Ran {
            status: 0,
            content: Some(b"b".to_vec()),
        });
        e.replay(Outcome::Ran {
            status: 1,
            content: None,
        });
        e.replay(Outcome::NotFound);
        assert_eq!(e.edit_text("vi", "/tmp/x.yaml", b"a"), Ok(b"b".to_vec()));
        assert_eq!(
            e.edit_text("vim -N", "/tmp/x.yaml", b"a"),
            Err("there was a problem with the editor \"vim -N\"".into())
        );
        assert_eq!(
            e.edit_text("code --wait", "/tmp/x.yaml", b"a"),
            Err("unable to launch the editor \"code --wait\"".into())
        );
        assert!(e.take_outcomes().is_empty(), "replays are already recorded");
    }

    #[test]
    fn marks_round_trip() {
        for o in [
            Outcome::Ran {
                status: 0,
                content: Some(b"apiVersion: v1\nkind: Pod\n".to_vec()),
            },
            Outcome::Ran {
                status: 0,
                content: Some(Vec::new()),
            },
            Outcome::Ran {
                status: 130,
                content: None,
            },
            Outcome::NotFound,
        ] {
            let m = o.to_mark();
            assert!(
                m.starts_with("# kubelab: editor ") && !m.contains('\n'),
                "{m}"
            );
            assert_eq!(Outcome::from_mark(&format!("{m}\n")), Some(o));
        }
        assert_eq!(Outcome::from_mark("# kubelab: editor 0 file:***"), None);
        assert_eq!(Outcome::from_mark("# kubelab: reset"), None);
    }

    #[test]
    fn vi_at_the_prompt_edits_the_virtual_file() {
        let mut st = ShellState::new(crate::shell::Vfs::new());
        st.vfs
            .write("/home/student/a.yaml", b"x: 1\n", false)
            .unwrap();
        let a = |s: &str| s.split(' ').map(String::from).collect::<Vec<_>>();
        // Scripted: refused plainly, the file untouched.
        let mut e = Editor::default();
        let o = e.edit_file(&a("vi a.yaml"), &mut st);
        assert_eq!(o.status, 127);
        assert!(
            String::from_utf8_lossy(&o.stderr)
                .starts_with("kubelab: vi: not available in the kubelab shell here"),
            "{o:?}"
        );
        // Replayed: the saved content comes back; a new file not written is not created.
        e.replay(Outcome::Ran {
            status: 0,
            content: Some(b"x: 2\n".to_vec()),
        });
        e.replay(Outcome::Ran {
            status: 0,
            content: None,
        });
        assert_eq!(e.edit_file(&a("vim a.yaml"), &mut st).status, 0);
        assert_eq!(st.read_file("a.yaml").unwrap(), b"x: 2\n");
        assert_eq!(e.edit_file(&a("nano -w new.txt"), &mut st).status, 0);
        assert!(st.read_file("new.txt").is_err());
        let err = |o: Edited| String::from_utf8_lossy(&o.stderr).into_owned();
        assert_eq!(
            err(e.edit_file(&a("vi"), &mut st)),
            "kubelab: vi: name the file to edit: kubelab opens the editor on a copy of one file\n"
        );
        assert_eq!(
            err(e.edit_file(&a("vi a b"), &mut st)),
            "kubelab: vi: one file at a time: kubelab opens the editor on a copy of one file\n"
        );
        assert_eq!(
            err(e.edit_file(&a("vi +3 a.yaml"), &mut st)),
            "kubelab: vi: kubelab passes only plain options such as -R to the editor, not +3\n"
        );
        assert_eq!(
            err(e.edit_file(&a("vi /tmp"), &mut st)),
            "kubelab: vi: /tmp: Is a directory\n"
        );
    }
}
