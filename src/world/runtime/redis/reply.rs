//! A server's replies (RESP2, as redis-cli asks for them) and how redis-cli prints them:
//! `cliFormatReplyTTY` when its standard output is a terminal, `cliFormatReplyRaw` otherwise
//! (`src/redis-cli.c` of 5.0.4 and 7.2.5).

use super::Version;

/// A reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// `+OK`.
    Status(String),
    /// `-ERR ...` (the whole message, its code included).
    Error(String),
    /// `:1`.
    Int(i64),
    /// A bulk string.
    Bulk(Vec<u8>),
    /// The null bulk string.
    Nil,
    /// An array.
    Array(Vec<Reply>),
    /// kubelab's own notice (a command kubelab does not simulate): redis-cli's stderr.
    Kubelab(String),
}

impl Reply {
    /// A bulk string of text.
    pub fn bulk(s: &str) -> Reply {
        Reply::Bulk(s.as_bytes().to_vec())
    }

    /// `-ERR message`.
    pub fn err(message: &str) -> Reply {
        Reply::Error(format!("ERR {message}"))
    }
}

/// `sdscatrepr`: a quoted string, `\\`, `\"`, `\n`, `\r`, `\t`, `\a`, `\b` escaped, other bytes
/// that are not printable as `\xHH`.
pub fn repr(b: &[u8]) -> String {
    let mut s = String::from("\"");
    for &c in b {
        match c {
            b'\\' => s.push_str("\\\\"),
            b'"' => s.push_str("\\\""),
            b'\n' => s.push_str("\\n"),
            b'\r' => s.push_str("\\r"),
            b'\t' => s.push_str("\\t"),
            7 => s.push_str("\\a"),
            8 => s.push_str("\\b"),
            0x20..=0x7e => s.push(c as char),
            _ => s.push_str(&format!("\\x{c:02x}")),
        }
    }
    s.push('"');
    s
}

/// `cliFormatReplyTTY(r, prefix)`.
pub fn tty(v: Version, r: &Reply, prefix: &str) -> Vec<u8> {
    let mut out = Vec::new();
    match r {
        Reply::Error(e) => out.extend(format!("(error) {e}\n").bytes()),
        Reply::Status(s) => out.extend(format!("{s}\n").bytes()),
        Reply::Int(n) => out.extend(format!("(integer) {n}\n").bytes()),
        Reply::Bulk(b) => out.extend(format!("{}\n", repr(b)).bytes()),
        Reply::Nil => out.extend(b"(nil)\n"),
        Reply::Kubelab(_) => {}
        Reply::Array(items) if items.is_empty() => out.extend(match v {
            Version::V5 => &b"(empty list or set)\n"[..],
            Version::V7 => &b"(empty array)\n"[..],
        }),
        Reply::Array(items) => {
            // Indexes right-aligned to the widest; nested arrays indented past them.
            let idxlen = items.len().to_string().len();
            let inner = format!("{prefix}{}", " ".repeat(idxlen + 2));
            for (i, item) in items.iter().enumerate() {
                let p = if i == 0 { "" } else { prefix };
                out.extend(format!("{p}{:>idxlen$}) ", i + 1).bytes());
                out.extend(tty(v, item, &inner));
            }
        }
    }
    out
}

/// `cliFormatReplyRaw(r)`: strings as they are, array elements on lines of their own.
pub fn raw(r: &Reply) -> Vec<u8> {
    let mut out = Vec::new();
    match r {
        Reply::Nil | Reply::Kubelab(_) => {}
        Reply::Error(e) => out.extend(format!("{e}\n").bytes()),
        Reply::Status(s) => out.extend(s.bytes()),
        Reply::Bulk(b) => out.extend(b),
        Reply::Int(n) => out.extend(n.to_string().bytes()),
        Reply::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b'\n');
                }
                out.extend(raw(item));
            }
        }
    }
    out
}

/// What redis-cli writes for a reply to `command`: standard output, and kubelab's notice for
/// its standard error. `INFO` is written as it comes (its own line ends); otherwise the tty
/// form, or the raw form and a newline (`cliReadReply`).
pub fn print(v: Version, command: &str, r: &Reply, terminal: bool) -> (Vec<u8>, Vec<u8>) {
    if let Reply::Kubelab(m) = r {
        return (Vec::new(), format!("{m}\n").into_bytes());
    }
    if command.eq_ignore_ascii_case("info") {
        return (raw(r), Vec::new());
    }
    if terminal {
        (tty(v, r, ""), Vec::new())
    } else {
        let mut out = raw(r);
        out.push(b'\n');
        (out, Vec::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_references_formats() {
        let cfg = Reply::Array(vec![Reply::bulk("maxmemory"), Reply::bulk("2097152")]);
        assert_eq!(
            String::from_utf8(tty(Version::V5, &cfg, "")).unwrap(),
            "1) \"maxmemory\"\n2) \"2097152\"\n"
        );
        assert_eq!(
            print(Version::V5, "config", &cfg, false).0,
            b"maxmemory\n2097152\n"
        );
        assert_eq!(print(Version::V7, "get", &Reply::Nil, false).0, b"\n");
        assert_eq!(print(Version::V7, "get", &Reply::Nil, true).0, b"(nil)\n");
        let e = Reply::err("unknown command 'FOO', with args beginning with: ");
        assert_eq!(
            print(Version::V7, "FOO", &e, false).0,
            b"ERR unknown command 'FOO', with args beginning with: \n\n"
        );
        assert_eq!(
            tty(Version::V7, &Reply::Array(vec![]), ""),
            b"(empty array)\n"
        );
        assert_eq!(
            tty(Version::V5, &Reply::Array(vec![]), ""),
            b"(empty list or set)\n"
        );
        assert_eq!(repr(b"a\nb\x01"), "\"a\\nb\\x01\"");
    }

    #[test]
    fn wide_and_nested_arrays() {
        let ten = Reply::Array((1..=10).map(Reply::Int).collect());
        let s = String::from_utf8(tty(Version::V7, &ten, "")).unwrap();
        assert!(s.starts_with(" 1) (integer) 1\n 2)"));
        assert!(s.ends_with("10) (integer) 10\n"));
        let nested = Reply::Array(vec![Reply::Array(vec![Reply::bulk("x"), Reply::bulk("y")])]);
        assert_eq!(
            String::from_utf8(tty(Version::V7, &nested, "")).unwrap(),
            "1) 1) \"x\"\n   2) \"y\"\n"
        );
    }
}
