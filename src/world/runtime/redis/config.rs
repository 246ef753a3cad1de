//! redis-server's configuration: the config file and the command-line options, read once at
//! start (`loadServerConfig` and `loadServerConfigFromString` of redis 5.0.4 and 7.2.5,
//! `src/config.c`), memory units as `memtoll` parses them, and `CONFIG GET`.
//!
//! kubelab keeps the parameters the course looks at (below, with each version's defaults and
//! checks); a directive redis knows but kubelab does not keep is said in the log, plainly.

use std::collections::BTreeMap;

use super::Version;

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

/// Whether redis `v` knows the directive (a parameter kubelab does not keep, or one of the
/// directives of the config file only).
pub fn known_directive(v: Version, name: &str) -> bool {
    let list: &[&str] = match v {
        Version::V5 => DIRECTIVES_5,
        Version::V7 => DIRECTIVES_7,
    };
    list.contains(&name)
}

/// `memtoll` (`src/util.c`): digits with an optional unit (`b`, `k` 1000, `kb` 1024, `m`, `mb`,
/// `g`, `gb`, any case); `None` where it reports an error.
pub fn memtoll(s: &str) -> Option<i64> {
    let digits_end = s
        .char_indices()
        .skip(usize::from(s.starts_with('-')))
        .find(|(_, c)| !c.is_ascii_digit())
        .map(|(i, _)| i)
        .unwrap_or(s.len());
    let (num, unit) = s.split_at(digits_end);
    let mul: i64 = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" => 1000,
        "kb" => 1024,
        "m" => 1_000_000,
        "mb" => 1 << 20,
        "g" => 1_000_000_000,
        "gb" => 1 << 30,
        _ => return None,
    };
    // strtoll of the digits: an empty string is 0 without an error.
    let v: i64 = if num.is_empty() || num == "-" {
        0
    } else {
        num.parse().ok()?
    };
    Some(v.wrapping_mul(mul))
}

/// C's `atoi`: leading blanks, a sign, digits; 0 when there are none.
fn atoi(s: &str) -> i64 {
    let t = s.trim_start();
    let (neg, rest) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
    let v = digits.parse::<i64>().unwrap_or(0).min(i32::MAX as i64 + 1);
    let v = if neg { -v } else { v };
    v.clamp(i32::MIN as i64, i32::MAX as i64)
}

/// `sdssplitargs` (`src/sds.c`): words, `"..."` with escapes, `'...'`; `None` for unbalanced
/// quotes or a closing quote followed by something else than a blank.
pub fn split_args(line: &str) -> Option<Vec<String>> {
    let b = line.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= b.len() {
            return Some(out);
        }
        let mut cur: Vec<u8> = Vec::new();
        let (mut inq, mut insq) = (false, false);
        loop {
            let c = b.get(i).copied();
            if inq {
                match c {
                    None => return None,
                    Some(b'\\')
                        if b.get(i + 1) == Some(&b'x')
                            && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit)
                            && b.get(i + 3).is_some_and(u8::is_ascii_hexdigit) =>
                    {
                        let h = std::str::from_utf8(&b[i + 2..i + 4]).unwrap_or("0");
                        cur.push(u8::from_str_radix(h, 16).unwrap_or(0));
                        i += 3;
                    }
                    Some(b'\\') if i + 1 < b.len() => {
                        i += 1;
                        cur.push(match b[i] {
                            b'n' => b'\n',
                            b'r' => b'\r',
                            b't' => b'\t',
                            b'b' => 8,
                            b'a' => 7,
                            o => o,
                        });
                    }
                    Some(b'"') => {
                        if b.get(i + 1).is_some_and(|n| !n.is_ascii_whitespace()) {
                            return None;
                        }
                        i += 1;
                        break;
                    }
                    Some(o) => cur.push(o),
                }
            } else if insq {
                match c {
                    None => return None,
                    Some(b'\\') if b.get(i + 1) == Some(&b'\'') => {
                        i += 1;
                        cur.push(b'\'');
                    }
                    Some(b'\'') => {
                        if b.get(i + 1).is_some_and(|n| !n.is_ascii_whitespace()) {
                            return None;
                        }
                        i += 1;
                        break;
                    }
                    Some(o) => cur.push(o),
                }
            } else {
                match c {
                    None | Some(b' ' | b'\n' | b'\r' | b'\t') => break,
                    Some(b'"') => inq = true,
                    Some(b'\'') => insq = true,
                    Some(o) => cur.push(o),
                }
            }
            i += 1;
        }
        out.push(String::from_utf8_lossy(&cur).into_owned());
    }
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

/// The directives of redis 5.0.4's `loadServerConfigFromString`.
const DIRECTIVES_5: &[&str] = &[
    "timeout",
    "tcp-keepalive",
    "protected-mode",
    "port",
    "tcp-backlog",
    "bind",
    "unixsocket",
    "unixsocketperm",
    "save",
    "dir",
    "loglevel",
    "logfile",
    "always-show-logo",
    "syslog-enabled",
    "syslog-ident",
    "syslog-facility",
    "databases",
    "include",
    "maxclients",
    "maxmemory",
    "maxmemory-policy",
    "maxmemory-samples",
    "proto-max-bulk-len",
    "client-query-buffer-limit",
    "lfu-log-factor",
    "lfu-decay-time",
    "slaveof",
    "replicaof",
    "repl-ping-slave-period",
    "repl-ping-replica-period",
    "repl-timeout",
    "repl-disable-tcp-nodelay",
    "repl-diskless-sync",
    "repl-diskless-sync-delay",
    "repl-backlog-size",
    "repl-backlog-ttl",
    "masterauth",
    "slave-serve-stale-data",
    "replica-serve-stale-data",
    "slave-read-only",
    "replica-read-only",
    "slave-ignore-maxmemory",
    "replica-ignore-maxmemory",
    "rdbcompression",
    "rdbchecksum",
    "activerehashing",
    "lazyfree-lazy-eviction",
    "lazyfree-lazy-expire",
    "lazyfree-lazy-server-del",
    "slave-lazy-flush",
    "replica-lazy-flush",
    "activedefrag",
    "daemonize",
    "dynamic-hz",
    "hz",
    "appendonly",
    "appendfilename",
    "no-appendfsync-on-rewrite",
    "appendfsync",
    "auto-aof-rewrite-percentage",
    "auto-aof-rewrite-min-size",
    "aof-rewrite-incremental-fsync",
    "rdb-save-incremental-fsync",
    "aof-load-truncated",
    "aof-use-rdb-preamble",
    "requirepass",
    "pidfile",
    "dbfilename",
    "active-defrag-threshold-lower",
    "active-defrag-threshold-upper",
    "active-defrag-ignore-bytes",
    "active-defrag-cycle-min",
    "active-defrag-cycle-max",
    "active-defrag-max-scan-fields",
    "hash-max-ziplist-entries",
    "hash-max-ziplist-value",
    "stream-node-max-bytes",
    "stream-node-max-entries",
    "list-max-ziplist-entries",
    "list-max-ziplist-value",
    "list-max-ziplist-size",
    "list-compress-depth",
    "set-max-intset-entries",
    "zset-max-ziplist-entries",
    "zset-max-ziplist-value",
    "hll-sparse-max-bytes",
    "rename-command",
    "cluster-enabled",
    "cluster-config-file",
    "cluster-announce-ip",
    "cluster-announce-port",
    "cluster-announce-bus-port",
    "cluster-require-full-coverage",
    "cluster-node-timeout",
    "cluster-migration-barrier",
    "cluster-slave-validity-factor",
    "cluster-replica-validity-factor",
    "cluster-slave-no-failover",
    "cluster-replica-no-failover",
    "lua-time-limit",
    "lua-replicate-commands",
    "slowlog-log-slower-than",
    "latency-monitor-threshold",
    "slowlog-max-len",
    "client-output-buffer-limit",
    "stop-writes-on-bgsave-error",
    "slave-priority",
    "replica-priority",
    "slave-announce-ip",
    "replica-announce-ip",
    "slave-announce-port",
    "replica-announce-port",
    "min-slaves-to-write",
    "min-replicas-to-write",
    "min-slaves-max-lag",
    "min-replicas-max-lag",
    "notify-keyspace-events",
    "supervised",
    "loadmodule",
    "sentinel",
];

/// The parameters of redis 7.2.5's `static_configs` (names and aliases) and the directives of
/// its config file only.
const DIRECTIVES_7: &[&str] = &[
    "rdbchecksum",
    "daemonize",
    "io-threads-do-reads",
    "always-show-logo",
    "protected-mode",
    "rdbcompression",
    "rdb-del-sync-files",
    "activerehashing",
    "stop-writes-on-bgsave-error",
    "set-proc-title",
    "dynamic-hz",
    "lazyfree-lazy-eviction",
    "lazyfree-lazy-expire",
    "lazyfree-lazy-server-del",
    "lazyfree-lazy-user-del",
    "lazyfree-lazy-user-flush",
    "repl-disable-tcp-nodelay",
    "repl-diskless-sync",
    "aof-rewrite-incremental-fsync",
    "no-appendfsync-on-rewrite",
    "cluster-require-full-coverage",
    "rdb-save-incremental-fsync",
    "aof-load-truncated",
    "aof-use-rdb-preamble",
    "aof-timestamp-enabled",
    "cluster-replica-no-failover",
    "cluster-slave-no-failover",
    "replica-lazy-flush",
    "slave-lazy-flush",
    "replica-serve-stale-data",
    "slave-serve-stale-data",
    "replica-read-only",
    "slave-read-only",
    "replica-ignore-maxmemory",
    "slave-ignore-maxmemory",
    "jemalloc-bg-thread",
    "activedefrag",
    "syslog-enabled",
    "cluster-enabled",
    "appendonly",
    "cluster-allow-reads-when-down",
    "cluster-allow-pubsubshard-when-down",
    "crash-log-enabled",
    "crash-memcheck-enabled",
    "use-exit-on-panic",
    "disable-thp",
    "cluster-allow-replica-migration",
    "replica-announced",
    "latency-tracking",
    "aof-disable-auto-gc",
    "replica-ignore-disk-write-errors",
    "aclfile",
    "unixsocket",
    "pidfile",
    "replica-announce-ip",
    "slave-announce-ip",
    "masteruser",
    "cluster-announce-ip",
    "cluster-config-file",
    "cluster-announce-hostname",
    "cluster-announce-human-nodename",
    "syslog-ident",
    "dbfilename",
    "appendfilename",
    "appenddirname",
    "ignore-warnings",
    "proc-title-template",
    "bind-source-addr",
    "logfile",
    "req-res-logfile",
    "locale-collate",
    "masterauth",
    "requirepass",
    "supervised",
    "syslog-facility",
    "repl-diskless-load",
    "loglevel",
    "maxmemory-policy",
    "appendfsync",
    "oom-score-adj",
    "acl-pubsub-default",
    "sanitize-dump-payload",
    "enable-protected-configs",
    "enable-debug-command",
    "enable-module-command",
    "cluster-preferred-endpoint-type",
    "propagation-error-behavior",
    "shutdown-on-sigint",
    "shutdown-on-sigterm",
    "databases",
    "port",
    "io-threads",
    "auto-aof-rewrite-percentage",
    "cluster-replica-validity-factor",
    "cluster-slave-validity-factor",
    "list-max-listpack-size",
    "list-max-ziplist-size",
    "tcp-keepalive",
    "cluster-migration-barrier",
    "active-defrag-cycle-min",
    "active-defrag-cycle-max",
    "active-defrag-threshold-lower",
    "active-defrag-threshold-upper",
    "lfu-log-factor",
    "lfu-decay-time",
    "replica-priority",
    "slave-priority",
    "repl-diskless-sync-delay",
    "maxmemory-samples",
    "maxmemory-eviction-tenacity",
    "timeout",
    "replica-announce-port",
    "slave-announce-port",
    "tcp-backlog",
    "cluster-port",
    "cluster-announce-bus-port",
    "cluster-announce-port",
    "cluster-announce-tls-port",
    "repl-timeout",
    "repl-ping-replica-period",
    "repl-ping-slave-period",
    "list-compress-depth",
    "rdb-key-save-delay",
    "key-load-delay",
    "active-expire-effort",
    "hz",
    "min-replicas-to-write",
    "min-slaves-to-write",
    "min-replicas-max-lag",
    "min-slaves-max-lag",
    "watchdog-period",
    "shutdown-timeout",
    "repl-diskless-sync-max-replicas",
    "maxclients",
    "unixsocketperm",
    "socket-mark-id",
    "client-default-resp",
    "active-defrag-max-scan-fields",
    "slowlog-max-len",
    "acllog-max-len",
    "busy-reply-threshold",
    "lua-time-limit",
    "cluster-node-timeout",
    "cluster-ping-interval",
    "slowlog-log-slower-than",
    "latency-monitor-threshold",
    "proto-max-bulk-len",
    "stream-node-max-entries",
    "repl-backlog-size",
    "maxmemory",
    "cluster-link-sendbuf-limit",
    "hash-max-listpack-entries",
    "hash-max-ziplist-entries",
    "set-max-intset-entries",
    "set-max-listpack-entries",
    "set-max-listpack-value",
    "zset-max-listpack-entries",
    "zset-max-ziplist-entries",
    "active-defrag-ignore-bytes",
    "hash-max-listpack-value",
    "hash-max-ziplist-value",
    "stream-node-max-bytes",
    "zset-max-listpack-value",
    "zset-max-ziplist-value",
    "hll-sparse-max-bytes",
    "tracking-table-max-keys",
    "client-query-buffer-limit",
    "maxmemory-clients",
    "repl-backlog-ttl",
    "auto-aof-rewrite-min-size",
    "loading-process-events-interval-bytes",
    "tls-port",
    "tls-session-cache-size",
    "tls-session-cache-timeout",
    "tls-cluster",
    "tls-replication",
    "tls-auth-clients",
    "tls-prefer-server-ciphers",
    "tls-session-caching",
    "tls-cert-file",
    "tls-key-file",
    "tls-key-file-pass",
    "tls-client-cert-file",
    "tls-client-key-file",
    "tls-client-key-file-pass",
    "tls-dh-params-file",
    "tls-ca-cert-file",
    "tls-ca-cert-dir",
    "tls-protocols",
    "tls-ciphers",
    "tls-ciphersuites",
    "dir",
    "save",
    "client-output-buffer-limit",
    "oom-score-adj-values",
    "notify-keyspace-events",
    "bind",
    "replicaof",
    "slaveof",
    "latency-tracking-info-percentiles",
    "include",
    "rename-command",
    "user",
    "loadmodule",
    "sentinel",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_units_as_memtoll() {
        assert_eq!(memtoll("2mb"), Some(2_097_152));
        assert_eq!(memtoll("2MB"), Some(2_097_152));
        assert_eq!(memtoll("2m"), Some(2_000_000));
        assert_eq!(memtoll("1gb"), Some(1 << 30));
        assert_eq!(memtoll("1g"), Some(1_000_000_000));
        assert_eq!(memtoll("100kb"), Some(102_400));
        assert_eq!(memtoll("100"), Some(100));
        assert_eq!(memtoll("2xb"), None);
    }

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

    #[test]
    fn split_args_as_sdssplitargs() {
        assert_eq!(
            split_args(r#"SET k "a b\n" 'c'"#).unwrap(),
            ["SET", "k", "a b\n", "c"]
        );
        assert_eq!(split_args(r#"SET "k"x"#), None);
        assert_eq!(split_args(r#"GET "k"#), None);
    }
}
