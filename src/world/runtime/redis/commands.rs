//! The commands a redis server answers (`processCommand` of `src/server.c`: the command looked
//! up, its arity checked, then run), over its keys: strings, in the numbered databases.
//! A command redis has but kubelab does not simulate gets kubelab's notice, not an error
//! redis would not give.

use super::reply::Reply;
use super::{Server, Version, config, table};

/// How many keys a server holds, and how many bytes of keys and values (kubelab's bounds).
const MAX_KEYS: usize = 10_000;
const MAX_BYTES: usize = 16 << 20;

/// A client's connection: the database it selected.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Client {
    pub db: u32,
}

fn not_simulated(what: &str) -> Reply {
    Reply::Kubelab(format!("kubelab does not simulate {what}"))
}

/// `processCommand`: runs `argv` from `client` on `server`.
pub fn run(server: &mut Server, client: &mut Client, argv: &[String]) -> Reply {
    let Some(name) = argv.first() else {
        return Reply::Nil;
    };
    let lower = name.to_ascii_lowercase();
    let list = match server.version {
        Version::V5 => table::V5,
        Version::V7 => table::V7,
    };
    let Some(&(_, arity)) = list.iter().find(|(n, _)| *n == lower) else {
        return unknown(server.version, argv);
    };
    let argc = argv.len() as i32;
    if (arity > 0 && arity != argc) || argc < -arity {
        return Reply::err(&format!("wrong number of arguments for '{lower}' command"));
    }
    let args = &argv[1..];
    match lower.as_str() {
        "ping" => match args {
            [] => Reply::Status("PONG".into()),
            [m] => Reply::bulk(m),
            _ => Reply::err("wrong number of arguments for 'ping' command"),
        },
        "echo" => Reply::bulk(&args[0]),
        "quit" => Reply::Status("OK".into()),
        "select" => select(server, client, &args[0]),
        "get" => match server.get(client.db, &args[0]) {
            Some(v) => Reply::Bulk(v.clone()),
            None => Reply::Nil,
        },
        "set" if args.len() == 2 => set(server, client.db, &[(&args[0], &args[1])]),
        "set" => not_simulated("SET options (EX, PX, NX, XX, ...)"),
        "mset" if args.len().is_multiple_of(2) => {
            let pairs: Vec<(&String, &String)> = args.chunks(2).map(|p| (&p[0], &p[1])).collect();
            set(server, client.db, &pairs)
        }
        "mset" => Reply::err("wrong number of arguments for MSET"),
        "mget" => Reply::Array(
            args.iter()
                .map(|k| match server.get(client.db, k) {
                    Some(v) => Reply::Bulk(v.clone()),
                    None => Reply::Nil,
                })
                .collect(),
        ),
        "del" | "unlink" => {
            Reply::Int(args.iter().filter(|k| server.remove(client.db, k)).count() as i64)
        }
        "exists" => Reply::Int(
            args.iter()
                .filter(|k| server.contains(client.db, k))
                .count() as i64,
        ),
        "type" => Reply::Status(
            if server.contains(client.db, &args[0]) {
                "string"
            } else {
                "none"
            }
            .into(),
        ),
        "strlen" => Reply::Int(server.get(client.db, &args[0]).map_or(0, Vec::len) as i64),
        "append" => {
            let mut v = server.get(client.db, &args[0]).cloned().unwrap_or_default();
            v.extend(args[1].as_bytes());
            let n = v.len() as i64;
            match store(server, client.db, &args[0], v) {
                Some(r) => r,
                None => Reply::Int(n),
            }
        }
        "incr" => incr_by(server, client.db, &args[0], 1),
        "decr" => incr_by(server, client.db, &args[0], -1),
        "incrby" | "decrby" => match args[1].parse::<i64>() {
            Ok(n) => incr_by(
                server,
                client.db,
                &args[0],
                if lower == "incrby" {
                    n
                } else {
                    n.wrapping_neg()
                },
            ),
            Err(_) => Reply::err("value is not an integer or out of range"),
        },
        "keys" => Reply::Array(
            server
                .keys_of(client.db)
                .filter(|k| glob(&args[0], k))
                .map(|k| Reply::bulk(k))
                .collect(),
        ),
        "dbsize" => Reply::Int(server.len(client.db) as i64),
        "flushdb" if args.is_empty() => {
            server.flush(Some(client.db));
            Reply::Status("OK".into())
        }
        "flushall" if args.is_empty() => {
            server.flush(None);
            Reply::Status("OK".into())
        }
        "info" => info(server, args),
        "config" => config_command(server, args),
        "command" if args.is_empty() => not_simulated("COMMAND"),
        _ => not_simulated(&format!("the redis command {}", name.to_ascii_uppercase())),
    }
}

/// The unknown command error, in each version's words (`processCommand` in 5.0.4,
/// `commandCheckExistence` in 7.2.5).
fn unknown(v: Version, argv: &[String]) -> Reply {
    let mut args = String::new();
    for a in &argv[1..] {
        if args.len() >= 128 {
            break;
        }
        let room = 128 - args.len();
        let a: String = a.chars().take(room).collect();
        match v {
            Version::V5 => args.push_str(&format!("`{a}`, ")),
            Version::V7 => args.push_str(&format!("'{a}' ")),
        }
    }
    let msg = match v {
        Version::V5 => format!(
            "unknown command `{}`, with args beginning with: {args}",
            argv[0]
        ),
        Version::V7 => {
            let name: String = argv[0].chars().take(128).collect();
            format!("unknown command '{name}', with args beginning with: {args}")
                .replace(['\r', '\n'], " ")
        }
    };
    Reply::err(&msg)
}

fn select(server: &Server, client: &mut Client, arg: &str) -> Reply {
    let Ok(id) = arg.parse::<i32>() else {
        return Reply::err(match server.version {
            Version::V5 => "invalid DB index",
            Version::V7 => "value is not an integer or out of range",
        });
    };
    if id < 0 || i64::from(id) >= server.databases() {
        return Reply::err("DB index is out of range");
    }
    client.db = id as u32;
    Reply::Status("OK".into())
}

fn set(server: &mut Server, db: u32, pairs: &[(&String, &String)]) -> Reply {
    for (k, v) in pairs {
        if let Some(r) = store(server, db, k, v.as_bytes().to_vec()) {
            return r;
        }
    }
    Reply::Status("OK".into())
}

/// Stores a value, within kubelab's bounds (`Some(notice)` past them).
fn store(server: &mut Server, db: u32, key: &str, value: Vec<u8>) -> Option<Reply> {
    let new_key = !server.contains(db, key);
    if (new_key && server.keys >= MAX_KEYS) || server.bytes + key.len() + value.len() > MAX_BYTES {
        return Some(Reply::Kubelab(format!(
            "kubelab: a redis server holds at most {MAX_KEYS} keys and {MAX_BYTES} bytes (kubelab's limit)"
        )));
    }
    server.insert(db, key, value);
    None
}

fn incr_by(server: &mut Server, db: u32, key: &str, by: i64) -> Reply {
    let cur = match server.get(db, key) {
        None => 0,
        Some(v) => match std::str::from_utf8(v)
            .ok()
            .and_then(|s| s.parse::<i64>().ok())
        {
            Some(n) => n,
            None => return Reply::err("value is not an integer or out of range"),
        },
    };
    let Some(n) = cur.checked_add(by) else {
        return Reply::err("increment or decrement would overflow");
    };
    match store(server, db, key, n.to_string().into_bytes()) {
        Some(r) => r,
        None => Reply::Int(n),
    }
}

/// `INFO keyspace` (`genRedisInfoString`); other sections are not simulated.
fn info(server: &Server, args: &[String]) -> Reply {
    match args {
        [s] if s.eq_ignore_ascii_case("keyspace") => {
            let mut text = String::from("# Keyspace\r\n");
            for (n, db) in &server.dbs {
                if !db.is_empty() {
                    text.push_str(&format!("db{n}:keys={},expires=0,avg_ttl=0\r\n", db.len()));
                }
            }
            Reply::Bulk(text.into_bytes())
        }
        [_, _, ..] if server.version == Version::V5 => Reply::err("syntax error"),
        _ => not_simulated("INFO sections other than keyspace"),
    }
}

/// `CONFIG GET name` (one exact name, and in 7.2 several); `CONFIG SET` and the rest are not
/// simulated.
fn config_command(server: &Server, args: &[String]) -> Reply {
    let v = server.version;
    let sub = args[0].to_ascii_lowercase();
    let known = ["get", "set", "resetstat", "rewrite", "help"];
    match (v, sub.as_str()) {
        (Version::V5, "get") if args.len() != 2 => Reply::err(&format!(
            "Unknown subcommand or wrong number of arguments for '{}'. Try CONFIG HELP.",
            args[0]
        )),
        (Version::V7, "get") if args.len() < 2 => {
            Reply::err("wrong number of arguments for 'config|get' command")
        }
        (_, "get") => {
            let mut out = Vec::new();
            for name in &args[1..] {
                if name.contains(['*', '?', '[']) {
                    return not_simulated("CONFIG GET with a pattern");
                }
                match config::get(v, &server.params, name) {
                    Ok(Some((n, value))) => {
                        if !out.contains(&Reply::bulk(&n)) {
                            out.push(Reply::bulk(&n));
                            out.push(Reply::bulk(&value));
                        }
                    }
                    Ok(None) => {}
                    Err(()) => {
                        return not_simulated(&format!("the redis parameter {name}"));
                    }
                }
            }
            if out.len() > 2 {
                // 7.2 answers in the order of a hash table of the names.
                return not_simulated("CONFIG GET of several parameters");
            }
            Reply::Array(out)
        }
        (_, s) if known.contains(&s) => not_simulated(&format!("CONFIG {}", s.to_uppercase())),
        (Version::V5, _) => Reply::err(&format!(
            "Unknown subcommand or wrong number of arguments for '{}'. Try CONFIG HELP.",
            args[0]
        )),
        (Version::V7, _) => Reply::err(&format!(
            "unknown subcommand '{}'. Try CONFIG HELP.",
            args[0].chars().take(128).collect::<String>()
        )),
    }
}

/// One element of a glob pattern.
enum Elem {
    Char(u8),
    Any,
    Star,
    Class(bool, Vec<(u8, u8)>),
}

/// `stringmatchlen` (`src/util.c`): `*`, `?`, `[...]` (`^` negates, `a-z` ranges), `\x`;
/// matched over a set of positions (no backtracking).
fn glob(pattern: &str, s: &str) -> bool {
    let p = pattern.as_bytes();
    let mut elems = Vec::new();
    let mut i = 0;
    while i < p.len() {
        match p[i] {
            b'*' => elems.push(Elem::Star),
            b'?' => elems.push(Elem::Any),
            b'\\' if i + 1 < p.len() => {
                i += 1;
                elems.push(Elem::Char(p[i]));
            }
            b'[' => {
                i += 1;
                let negate = p.get(i) == Some(&b'^');
                if negate {
                    i += 1;
                }
                let mut items = Vec::new();
                while i < p.len() && p[i] != b']' {
                    if p[i] == b'\\' && i + 1 < p.len() {
                        i += 1;
                        items.push((p[i], p[i]));
                    } else if i + 2 < p.len() && p[i + 1] == b'-' && p[i + 2] != b']' {
                        let (a, b) = (p[i].min(p[i + 2]), p[i].max(p[i + 2]));
                        items.push((a, b));
                        i += 2;
                    } else {
                        items.push((p[i], p[i]));
                    }
                    i += 1;
                }
                elems.push(Elem::Class(negate, items));
            }
            c => elems.push(Elem::Char(c)),
        }
        i += 1;
    }
    // at[j]: the pattern's first j elements match the text read so far.
    let mut at = vec![false; elems.len() + 1];
    at[0] = true;
    let close = |at: &mut Vec<bool>| {
        for j in 0..elems.len() {
            if at[j] && matches!(elems[j], Elem::Star) {
                at[j + 1] = true;
            }
        }
    };
    close(&mut at);
    for &c in s.as_bytes() {
        let mut next = vec![false; elems.len() + 1];
        for j in 0..elems.len() {
            if !at[j] {
                continue;
            }
            match &elems[j] {
                Elem::Star => next[j] = true,
                Elem::Any => next[j + 1] = true,
                Elem::Char(x) => next[j + 1] |= *x == c,
                Elem::Class(neg, items) => {
                    next[j + 1] |= items.iter().any(|(a, b)| (*a..=*b).contains(&c)) != *neg
                }
            }
        }
        close(&mut next);
        at = next;
    }
    at[elems.len()]
}

#[cfg(test)]
mod tests {
    use super::super::Server;
    use super::*;

    fn server(v: Version) -> Server {
        Server {
            version: v,
            params: config::defaults("/data"),
            dbs: Default::default(),
            keys: 0,
            bytes: 0,
        }
    }

    fn cmd(s: &mut Server, c: &mut Client, line: &str) -> Reply {
        let argv: Vec<String> = line.split(' ').map(str::to_string).collect();
        run(s, c, &argv)
    }

    #[test]
    fn strings_keys_and_databases() {
        let mut s = server(Version::V5);
        let mut c = Client::default();
        assert_eq!(cmd(&mut s, &mut c, "SET a 1"), Reply::Status("OK".into()));
        assert_eq!(cmd(&mut s, &mut c, "incrby a 41"), Reply::Int(42));
        assert_eq!(cmd(&mut s, &mut c, "get a"), Reply::bulk("42"));
        assert_eq!(cmd(&mut s, &mut c, "APPEND a x"), Reply::Int(3));
        assert_eq!(
            cmd(&mut s, &mut c, "INCR a"),
            Reply::err("value is not an integer or out of range")
        );
        assert_eq!(cmd(&mut s, &mut c, "SELECT 1"), Reply::Status("OK".into()));
        assert_eq!(c.db, 1);
        assert_eq!(cmd(&mut s, &mut c, "GET a"), Reply::Nil);
        assert_eq!(
            cmd(&mut s, &mut c, "SELECT 16"),
            Reply::err("DB index is out of range")
        );
        assert_eq!(
            cmd(&mut s, &mut c, "SELECT x"),
            Reply::err("invalid DB index")
        );
        assert_eq!(
            cmd(&mut s, &mut c, "MSET b 2 c 3"),
            Reply::Status("OK".into())
        );
        assert_eq!(s.keys, 3);
        assert_eq!(cmd(&mut s, &mut c, "FLUSHDB"), Reply::Status("OK".into()));
        assert_eq!(s.keys, 1);
        assert_eq!(s.bytes, 4);
        assert_eq!(cmd(&mut s, &mut c, "DEL a"), Reply::Int(0));
        c.db = 0;
        assert_eq!(cmd(&mut s, &mut c, "DEL a nosuch"), Reply::Int(1));
        assert_eq!((s.keys, s.bytes), (0, 0));
        assert_eq!(
            cmd(&mut s, &mut c, "GET"),
            Reply::err("wrong number of arguments for 'get' command")
        );
        assert!(matches!(
            cmd(&mut s, &mut c, "LPUSH l a"),
            Reply::Kubelab(_)
        ));
        assert_eq!(
            cmd(&mut s, &mut c, "CONFIG FOO"),
            Reply::err(
                "Unknown subcommand or wrong number of arguments for 'FOO'. Try CONFIG HELP."
            )
        );
        let mut s7 = server(Version::V7);
        assert_eq!(
            cmd(&mut s7, &mut c, "CONFIG FOO"),
            Reply::err("unknown subcommand 'FOO'. Try CONFIG HELP.")
        );
        assert_eq!(
            cmd(&mut s7, &mut c, "CONFIG GET"),
            Reply::err("wrong number of arguments for 'config|get' command")
        );
        assert_eq!(
            cmd(&mut s7, &mut c, "CONFIG GET MaxMemory"),
            Reply::Array(vec![Reply::bulk("MaxMemory"), Reply::bulk("0")])
        );
    }

    #[test]
    fn a_server_is_bounded() {
        let mut s = server(Version::V7);
        let mut c = Client::default();
        for i in 0..MAX_KEYS {
            cmd(&mut s, &mut c, &format!("SET k{i} v"));
        }
        assert!(matches!(
            cmd(&mut s, &mut c, "SET more v"),
            Reply::Kubelab(_)
        ));
        assert_eq!(cmd(&mut s, &mut c, "SET k1 w"), Reply::Status("OK".into()));
        assert_eq!(cmd(&mut s, &mut c, "DBSIZE"), Reply::Int(MAX_KEYS as i64));
    }

    #[test]
    fn glob_as_stringmatch() {
        assert!(glob("*", "abc"));
        assert!(glob("a*", "abc"));
        assert!(glob("h?llo", "hallo"));
        assert!(glob("h[ae]llo", "hello"));
        assert!(!glob("h[^e]llo", "hello"));
        assert!(glob("h[a-b]llo", "hbllo"));
        assert!(!glob("a*", "bac"));
    }
}
