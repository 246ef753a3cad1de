//! The REPL's history across restarts: `$XDG_STATE_HOME/kubelab/history`, or
//! `~/.local/state/kubelab/history` when `XDG_STATE_HOME` is unset (the XDG base directory
//! rule for state). At most [`MAX_ENTRIES`] entries; an entry longer than [`MAX_ENTRY_BYTES`]
//! (a large paste) is not kept. Only the interactive prompt reads or writes it: scripted
//! sessions, `run`, `grade` and `lint` never do. Without a usable home directory (`HOME`
//! unset or relative, the directory not writable) history lives in memory only, silently.

use std::path::PathBuf;

use rustyline::history::History as _;

/// Entries kept.
pub(super) const MAX_ENTRIES: usize = 1000;
/// Longest entry kept, in bytes.
pub(super) const MAX_ENTRY_BYTES: usize = 16 << 10;

/// Where the history file goes for this environment (`HOME`, `XDG_STATE_HOME`), if anywhere.
pub(super) fn location(home: Option<&str>, xdg_state_home: Option<&str>) -> Option<PathBuf> {
    let home = home.filter(|h| h.starts_with('/'))?;
    let state = match xdg_state_home.filter(|x| x.starts_with('/')) {
        Some(x) => PathBuf::from(x),
        None => PathBuf::from(home).join(".local").join("state"),
    };
    Some(state.join("kubelab").join("history"))
}

/// The history file of one REPL.
pub(super) struct HistoryFile {
    path: Option<PathBuf>,
}

impl HistoryFile {
    /// The file for the process's environment.
    pub(super) fn from_env() -> HistoryFile {
        let var = |n: &str| std::env::var(n).ok();
        HistoryFile {
            path: location(var("HOME").as_deref(), var("XDG_STATE_HOME").as_deref()),
        }
    }

    /// Loads the file into the editor's history (a missing or unreadable file: nothing).
    pub(super) fn load<H: rustyline::Helper>(
        &self,
        rl: &mut rustyline::Editor<H, rustyline::history::DefaultHistory>,
    ) {
        if let Some(p) = &self.path
            && p.is_file()
        {
            let _ = rl.load_history(p);
        }
    }

    /// Adds an entry and appends it to the file; a file that cannot be written is given up
    /// for this session without a word.
    pub(super) fn add<H: rustyline::Helper>(
        &mut self,
        rl: &mut rustyline::Editor<H, rustyline::history::DefaultHistory>,
        entry: &str,
    ) {
        if entry.len() > MAX_ENTRY_BYTES {
            return;
        }
        if !rl.history_mut().add(entry).unwrap_or(false) {
            return;
        }
        let Some(p) = &self.path else { return };
        let ok = p
            .parent()
            .is_some_and(|d| std::fs::create_dir_all(d).is_ok())
            && rl.append_history(p).is_ok();
        if !ok {
            self.path = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_xdg_state_directory_or_none() {
        assert_eq!(
            location(Some("/home/ana"), None),
            Some(PathBuf::from("/home/ana/.local/state/kubelab/history"))
        );
        assert_eq!(
            location(Some("/home/ana"), Some("/var/state")),
            Some(PathBuf::from("/var/state/kubelab/history"))
        );
        assert_eq!(
            location(Some("/home/ana"), Some("relative")),
            Some(PathBuf::from("/home/ana/.local/state/kubelab/history"))
        );
        assert_eq!(location(None, Some("/var/state")), None);
        assert_eq!(location(Some(""), None), None);
    }
}
