//! `git clone` on the student's machine, against the world's git hosts
//! (`world/git_hosts.rs`): the repository's files land in the workstation's file system, as a
//! checkout does. Messages are git's (`builtin/clone.c`, `remote-curl.c`; the recorded ones are
//! in `tests/inputs/git/`). Without a terminal git prints no progress, so kubelab prints none:
//! `Cloning into 'DIR'...` alone. Other git commands get kubelab's notice.

use crate::shell::{ShellState, Sink};
use crate::world::World;
use crate::world::git_hosts;

/// git clone's usage text (git 2.47, recorded: `tests/inputs/git/record.sh`).
const USAGE: &str = include_str!("git_clone_usage.txt");

/// Options git clone has that kubelab does not model.
const UNSUPPORTED: &[&str] = &[
    "--bare",
    "--mirror",
    "--recurse-submodules",
    "--recursive",
    "--no-checkout",
    "-n",
    "--origin",
    "-o",
    "--template",
    "--reference",
    "--dissociate",
    "--shallow-since",
    "--shallow-exclude",
    "--separate-git-dir",
    "--config",
    "-c",
    "--filter",
    "--sparse",
    "--jobs",
    "-j",
    "--upload-pack",
    "-u",
    "--shared",
    "-s",
    "--local",
    "-l",
    "--bundle-uri",
    "--server-option",
    "--ref-format",
    "--revision",
];

struct Clone {
    url: String,
    dir: Option<String>,
    branch: Option<String>,
    quiet: bool,
}

/// What git's argument parser says: (message, exit status).
type Refusal = (String, i32);

fn parse(args: &[String]) -> Result<Clone, Refusal> {
    let mut c = Clone {
        url: String::new(),
        dir: None,
        branch: None,
        quiet: false,
    };
    let mut positional: Vec<String> = vec![];
    let mut i = 0;
    let value = |i: &mut usize, name: &str, inline: Option<&str>| -> Result<String, Refusal> {
        if let Some(v) = inline {
            return Ok(v.to_string());
        }
        *i += 1;
        args.get(*i - 1).cloned().ok_or_else(|| {
            (
                format!("error: option `{name}' requires a value\n{USAGE}"),
                129,
            )
        })
    };
    while i < args.len() {
        let a = args[i].clone();
        i += 1;
        if a == "--" {
            positional.extend(args[i..].iter().cloned());
            break;
        }
        if !a.starts_with('-') || a == "-" {
            positional.push(a);
            continue;
        }
        let (name, inline) = match a.split_once('=') {
            Some((n, v)) if a.starts_with("--") => (n.to_string(), Some(v.to_string())),
            _ => (a.clone(), None),
        };
        match name.as_str() {
            "--single-branch" | "--no-single-branch" | "--no-tags" | "--tags" | "--progress"
            | "--no-progress" | "-v" | "--verbose" => {}
            "-q" | "--quiet" => c.quiet = true,
            "-b" | "--branch" => {
                c.branch = Some(value(&mut i, "branch", inline.as_deref())?);
            }
            "--depth" => {
                let d = value(&mut i, "depth", inline.as_deref())?;
                if !d.parse::<u32>().is_ok_and(|n| n > 0) {
                    return Err((format!("fatal: depth {d} is not a positive number\n"), 128));
                }
            }
            n if n.starts_with("-b") && n.len() > 2 => c.branch = Some(n[2..].to_string()),
            n if UNSUPPORTED.contains(&n) => {
                return Err((format!("kubelab does not support git clone {n}\n"), 1));
            }
            n => {
                let shown = n.trim_start_matches('-');
                let msg = if n.starts_with("--") {
                    format!("error: unknown option `{shown}'\n{USAGE}")
                } else {
                    let ch = shown.chars().next().unwrap_or('-');
                    format!("error: unknown switch `{ch}'\n{USAGE}")
                };
                return Err((msg, 129));
            }
        }
    }
    match positional.len() {
        0 => Err((
            format!("fatal: You must specify a repository to clone.\n\n{USAGE}"),
            129,
        )),
        1 | 2 => {
            c.url = positional[0].clone();
            c.dir = positional.get(1).cloned();
            Ok(c)
        }
        _ => Err((format!("fatal: Too many arguments.\n\n{USAGE}"), 129)),
    }
}

/// The directory git makes for a URL (`git_url_basename`): its last path component without
/// `.git` and trailing slashes.
fn dir_for(url: &str) -> String {
    let u = url.trim_end_matches('/');
    let u = u.strip_suffix(".git").unwrap_or(u).trim_end_matches('/');
    u.rsplit(['/', ':']).next().unwrap_or(u).to_string()
}

/// Runs `git ARGS` on the workstation; its exit status.
pub(super) fn git(world: &World, shell: &mut ShellState, args: &[String], out: Sink<'_>) -> i32 {
    match args.first().map(String::as_str) {
        Some("clone") => {}
        Some(other) => {
            out(
                true,
                format!("kubelab does not support git {other}: only git clone\n").as_bytes(),
            );
            return 1;
        }
        None => {
            out(
                true,
                b"kubelab does not support git without a command: only git clone\n",
            );
            return 1;
        }
    }
    let c = match parse(&args[1..]) {
        Ok(c) => c,
        Err((msg, status)) => {
            out(true, msg.as_bytes());
            return status;
        }
    };
    if git_hosts::key(&c.url).is_none() {
        out(
            true,
            format!(
                "kubelab does not support git clone of {}: only https:// URLs of the lab's git hosts\n",
                c.url
            )
            .as_bytes(),
        );
        return 1;
    }
    let dir = c.dir.clone().unwrap_or_else(|| dir_for(&c.url));
    let path = shell.resolve(&dir);
    let non_empty = shell.vfs.exists(&path)
        && (!shell.vfs.is_dir(&path) || shell.vfs.read_dir(&path).is_ok_and(|e| !e.is_empty()));
    if non_empty {
        out(
            true,
            format!(
                "fatal: destination path '{dir}' already exists and is not an empty directory.\n"
            )
            .as_bytes(),
        );
        return 128;
    }
    if !c.quiet {
        out(true, format!("Cloning into '{dir}'...\n").as_bytes());
    }
    // remote-curl.c names the repository with a trailing slash.
    let shown = format!("{}/", c.url.trim_end_matches('/'));
    if !world.git_hosts.host_served(&c.url) {
        let host = git_hosts::key(&c.url)
            .map(|k| git_hosts::host_of(&k).to_string())
            .unwrap_or_default();
        out(
            true,
            format!("fatal: unable to access '{shown}': Could not resolve host: {host}\n")
                .as_bytes(),
        );
        return 128;
    }
    let Some(repo) = world.git_hosts.repo(&c.url) else {
        // GitHub answers 404 with this body, which git shows after `remote: `.
        out(
            true,
            format!("remote: Repository not found.\nfatal: repository '{shown}' not found\n")
                .as_bytes(),
        );
        return 128;
    };
    let branch = c.branch.clone().unwrap_or_else(|| repo.head.clone());
    let Some(files) = repo.branches.get(&branch) else {
        if c.branch.is_some() {
            out(
                true,
                format!("fatal: Remote branch {branch} not found in upstream origin\n").as_bytes(),
            );
            return 128;
        }
        out(
            true,
            format!(
                "kubelab does not serve the default branch {branch} of {}: clone one of its branches with --branch ({})\n",
                c.url,
                repo.branches.keys().cloned().collect::<Vec<_>>().join(", ")
            )
            .as_bytes(),
        );
        return 1;
    };
    let write = |shell: &mut ShellState, p: &str, data: &[u8]| -> Result<(), String> {
        shell
            .vfs
            .mkdir_all(&crate::shell::vfs::parent(p))
            .and_then(|()| shell.vfs.write(p, data, false))
            .map_err(|e| format!("fatal: could not create work tree dir '{dir}': {e}\n"))
    };
    let mut result = write(
        shell,
        &format!("{path}/.git/HEAD"),
        format!("ref: refs/heads/{branch}\n").as_bytes(),
    );
    if result.is_ok() {
        let config = format!(
            "[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n\tlogallrefupdates = true\n[remote \"origin\"]\n\turl = {}\n\tfetch = +refs/heads/{branch}:refs/remotes/origin/{branch}\n[branch \"{branch}\"]\n\tremote = origin\n\tmerge = refs/heads/{branch}\n",
            c.url
        );
        result = write(shell, &format!("{path}/.git/config"), config.as_bytes());
    }
    for (p, content) in files.iter() {
        if result.is_err() {
            break;
        }
        result = write(shell, &format!("{path}/{p}"), content.bytes());
    }
    match result {
        Ok(()) => 0,
        Err(msg) => {
            out(true, msg.as_bytes());
            128
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn directory_names_as_git_guesses_them() {
        assert_eq!(dir_for("https://github.com/rook/rook.git"), "rook");
        assert_eq!(dir_for("https://github.com/rook/rook/"), "rook");
        assert_eq!(dir_for("https://example.com/a/b.git/"), "b");
    }

    #[test]
    fn arguments_as_git_parses_them() {
        let c = parse(&args(
            "--single-branch --branch release-1.7 https://x/y.git",
        ))
        .unwrap();
        assert_eq!(c.branch.as_deref(), Some("release-1.7"));
        assert_eq!(c.dir, None);
        let c = parse(&args("-b main --depth=1 https://x/y.git out")).unwrap();
        assert_eq!(
            (c.branch.as_deref(), c.dir.as_deref()),
            (Some("main"), Some("out"))
        );
        assert_eq!(parse(&args("--depth x u")).err().map(|e| e.1), Some(128));
        assert_eq!(parse(&args("")).err().map(|e| e.1), Some(129));
        assert_eq!(parse(&args("a b c")).err().map(|e| e.1), Some(129));
        assert!(
            parse(&args("--bogus u"))
                .err()
                .unwrap()
                .0
                .starts_with("error: unknown option `bogus'\nusage: git clone")
        );
        assert_eq!(parse(&args("--mirror u")).err().map(|e| e.1), Some(1));
    }
}
