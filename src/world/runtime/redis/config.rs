//! redis-server's configuration: the config file and the command-line options, read once at
//! start (`loadServerConfig` and `loadServerConfigFromString` of redis 5.0.4 and 7.2.5,
//! `src/config.c`), memory units as `memtoll` parses them, and `CONFIG GET`.
//!
//! kubelab keeps the parameters the course looks at (below, with each version's defaults and
//! checks); a directive redis knows but kubelab does not keep is said in the log, plainly.

use std::collections::BTreeMap;

use super::Version;

mod directives;
mod scan;

pub use directives::known_directive;
use scan::atoi;
pub use scan::{memtoll, split_args};

/// How a parameter's value is read.
#[derive(Debug, Clone, Copy)]
enum Kind {
    /// A memory value (`memtoll`: `2mb` = 2097152).
    Memory,
    /// An integer between the bounds (7.2's `createIntConfig`); 5.0's check and message.
    Int {
        min: i64,
        max: i64,
        /// 5.0's message when the value is under its minimum (5.0 reads it with `atoi`).
        err5: &'static str,
    },
    /// One of the names; 5.0's message when it is none of them.
    Enum(&'static [&'static str], &'static str),
    /// `yes` or `no`.
    Bool,
    /// A file name without a directory.
    BaseName,
}

/// The parameters kubelab keeps: name, how it is read, default (the same in 5.0.4 and 7.2.5).
const PARAMS: &[(&str, Kind, &str)] = &[
    ("maxmemory", Kind::Memory, "0"),
    (
        "maxmemory-policy",
        Kind::Enum(
            &[
                "volatile-lru",
                "volatile-lfu",
                "volatile-random",
                "volatile-ttl",
                "allkeys-lru",
                "allkeys-lfu",
                "allkeys-random",
                "noeviction",
            ],
            "Invalid maxmemory policy",
        ),
        "noeviction",
    ),
    (
        "maxmemory-samples",
        Kind::Int {
            min: 1,
            max: i32::MAX as i64,
            err5: "maxmemory-samples must be 1 or greater",
        },
        "5",
    ),
    (
        "port",
        Kind::Int {
            min: 0,
            max: 65535,
            err5: "Invalid port",
        },
        "6379",
    ),
    (
        "databases",
        Kind::Int {
            min: 1,
            max: i32::MAX as i64,
            err5: "Invalid number of databases",
        },
        "16",
    ),
    ("appendonly", Kind::Bool, "no"),
    (
        "timeout",
        Kind::Int {
            min: 0,
            max: i32::MAX as i64,
            err5: "Invalid timeout value",
        },
        "0",
    ),
    (
        "tcp-keepalive",
        Kind::Int {
            min: 0,
            max: i32::MAX as i64,
            err5: "Invalid tcp-keepalive value",
        },
        "300",
    ),
    (
        "loglevel",
        Kind::Enum(
            &["debug", "verbose", "notice", "warning"],
            "Invalid log level. Must be one of debug, verbose, notice, warning",
        ),
        "notice",
    ),
    ("dbfilename", Kind::BaseName, "dump.rdb"),
];

/// A running server's parameters, by name (the kept ones, with their values as CONFIG GET
/// shows them).
pub type Params = BTreeMap<&'static str, String>;

/// The defaults.
pub fn defaults(dir: &str) -> Params {
    let mut p: Params = PARAMS.iter().map(|(n, _, d)| (*n, d.to_string())).collect();
    p.insert("dir", dir.to_string());
    p
}
/// The outcome of reading the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Loaded {
    /// The parameters, and kubelab's notices for directives it does not keep.
    Ok(Params, Vec<String>),
    /// redis's fatal error, as it prints it to stderr (several lines), exit 1.
    Fatal(Vec<String>),
}

/// `loadServerConfigFromString` over `config` (the file's text, then `\n` and the options).
pub fn load(v: Version, config: &str, dir: &str) -> Loaded {
    let mut params = defaults(dir);
    let mut notices = Vec::new();
    let fatal = |linenum: usize, line: &str, err: &str| {
        let mut out = vec![String::new()];
        out.push(match v {
            Version::V5 => "*** FATAL CONFIG FILE ERROR ***".to_string(),
            Version::V7 => format!("*** FATAL CONFIG FILE ERROR (Redis {}) ***", v.number()),
        });
        out.push(format!("Reading the configuration file, at line {linenum}"));
        out.push(format!(">>> '{line}'"));
        out.push(err.to_string());
        Loaded::Fatal(out)
    };
    for (i, raw) in config.split('\n').enumerate() {
        let linenum = i + 1;
        let line = raw.trim_matches([' ', '\t', '\r', '\n']);
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some(mut argv) = split_args(line) else {
            return fatal(linenum, line, "Unbalanced quotes in configuration line");
        };
        if argv.is_empty() {
            continue;
        }
        argv[0] = argv[0].to_ascii_lowercase();
        let name = argv[0].as_str();
        let Some((pname, kind, _)) = PARAMS.iter().find(|(n, _, _)| *n == name) else {
            if known_directive(v, name) {
                notices.push(format!(
                    "kubelab does not simulate the redis directive '{name}' (line {linenum}): ignored"
                ));
                continue;
            }
            return fatal(linenum, line, "Bad directive or wrong number of arguments");
        };
        if argv.len() != 2 {
            let err = match v {
                Version::V5 => "Bad directive or wrong number of arguments",
                Version::V7 => "wrong number of arguments",
            };
            return fatal(linenum, line, err);
        }
        match set(v, *kind, &argv[1]) {
            Ok(value) => {
                params.insert(pname, value);
            }
            Err(e) => return fatal(linenum, line, &e),
        }
    }
    Loaded::Ok(params, notices)
}

/// A parameter's value as redis `v` reads it from the configuration, or its error.
fn set(v: Version, kind: Kind, arg: &str) -> Result<String, String> {
    match (kind, v) {
        // 5.0 reads memory without checking: a bad value is 0.
        (Kind::Memory, Version::V5) => Ok(memtoll(arg).unwrap_or(0).to_string()),
        (Kind::Memory, Version::V7) => match memtoll(arg) {
            Some(n) if n >= 0 => Ok(n.to_string()),
            _ => Err("argument must be a memory value".into()),
        },
        (Kind::Int { min, max, err5 }, Version::V5) => {
            let n = atoi(arg);
            if n < min || n > max {
                Err(err5.into())
            } else {
                Ok(n.to_string())
            }
        }
        (Kind::Int { min, max, .. }, Version::V7) => match arg.parse::<i64>() {
            Ok(n) if (min..=max).contains(&n) => Ok(n.to_string()),
            Ok(_) => Err(format!(
                "argument must be between {min} and {max} inclusive"
            )),
            Err(_) => Err("argument couldn't be parsed into an integer".into()),
        },
        (Kind::Enum(names, err5), _) => match names.iter().find(|n| n.eq_ignore_ascii_case(arg)) {
            Some(n) => Ok(n.to_string()),
            None => Err(match v {
                Version::V5 => err5.into(),
                Version::V7 => format!(
                    "argument(s) must be one of the following: {}",
                    names.join(", ")
                ),
            }),
        },
        (Kind::Bool, _) => match arg.to_ascii_lowercase().as_str() {
            "yes" => Ok("yes".into()),
            "no" => Ok("no".into()),
            _ => Err("argument must be 'yes' or 'no'".into()),
        },
        (Kind::BaseName, _) => {
            if arg.contains('/') {
                Err("dbfilename can't be a path, just a filename".into())
            } else {
                Ok(arg.to_string())
            }
        }
    }
}

/// The config text redis-server builds from its arguments (after the program's name): the
/// file's path when the first is not an option, and the options (`--name value ...`) appended
/// as lines (`main` in `src/server.c`: each `--name` starts a line, values are quoted with
/// `sdscatrepr`).
pub fn arguments(args: &[String]) -> (Option<String>, String) {
    let mut j = 0;
    let file = match args.first() {
        Some(a) if !a.starts_with("--") => {
            j = 1;
            Some(a.clone())
        }
        _ => None,
    };
    let mut options = String::new();
    for a in &args[j..] {
        if let Some(name) = a.strip_prefix("--") {
            if name == "check-rdb" {
                continue;
            }
            if !options.is_empty() {
                options.push('\n');
            }
            options.push_str(name);
            options.push(' ');
        } else {
            options.push_str(&super::reply::repr(a.as_bytes()));
            options.push(' ');
        }
    }
    (file, options)
}

/// `CONFIG GET` of one exact name: the name as the reply gives it (5.0: the parameter's; 7.2:
/// as asked) and the value; `Err(())` when kubelab does not keep a parameter redis has.
pub fn get(v: Version, params: &Params, name: &str) -> Result<Option<(String, String)>, ()> {
    let lower = name.to_ascii_lowercase();
    if let Some((n, value)) = params.iter().find(|(n, _)| **n == lower) {
        let shown = match v {
            Version::V5 => n.to_string(),
            Version::V7 => name.to_string(),
        };
        return Ok(Some((shown, value.clone())));
    }
    if known_directive(v, &lower) {
        return Err(());
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tutorials_config() {
        let Loaded::Ok(p, notes) = load(
            Version::V5,
            "maxmemory 2mb\nmaxmemory-policy allkeys-lru\n",
            "/data",
        ) else {
            panic!()
        };
        assert_eq!(p["maxmemory"], "2097152");
        assert_eq!(p["maxmemory-policy"], "allkeys-lru");
        assert!(notes.is_empty());
    }

    #[test]
    fn fatal_errors_in_each_versions_words() {
        let Loaded::Fatal(l) = load(Version::V5, "maxmemory 2mb\nmaxmemory-policy lru\n", "/")
        else {
            panic!()
        };
        assert_eq!(
            l,
            [
                "",
                "*** FATAL CONFIG FILE ERROR ***",
                "Reading the configuration file, at line 2",
                ">>> 'maxmemory-policy lru'",
                "Invalid maxmemory policy"
            ]
        );
        let Loaded::Fatal(l) = load(Version::V7, "maxmemroy 2mb", "/") else {
            panic!()
        };
        assert_eq!(l[1], "*** FATAL CONFIG FILE ERROR (Redis 7.2.5) ***");
        assert_eq!(l[4], "Bad directive or wrong number of arguments");
        let Loaded::Fatal(l) = load(Version::V7, "maxmemory lots", "/") else {
            panic!()
        };
        assert_eq!(l[4], "argument must be a memory value");
    }

    #[test]
    fn options_become_lines() {
        let args: Vec<String> = ["/etc/redis.conf", "--maxmemory", "1gb", "--port", "7000"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let (file, opts) = arguments(&args);
        assert_eq!(file.as_deref(), Some("/etc/redis.conf"));
        assert_eq!(opts, "maxmemory \"1gb\" \nport \"7000\" ");
    }
}
