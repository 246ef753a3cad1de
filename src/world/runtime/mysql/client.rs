//! The `mysql` client of the mysql image (mysql-server `client/mysql.cc`, 8.0): its connection
//! options, statements from `-e` or its standard input in batch mode, and the result of
//! `SHOW DATABASES` as a table (output to a terminal) or tab-separated with a header (batch,
//! `opt_silent` when standard input or output is not a terminal). Errors take `put_info`'s
//! batch form `ERROR n (state): text`; the client's own errors are libmysql's `errmsg.cc`.

/// What the client was asked.
#[derive(Debug, Default)]
struct Options {
    user: Option<String>,
    password: Option<String>,
    host: Option<String>,
    port: u16,
    execute: Option<String>,
}

/// The client's socket (`[client] socket=` in the image's /etc/my.cnf).
const SOCKET: &str = "/var/run/mysqld/mysqld.sock";

/// Parses the arguments; `Err` is kubelab's notice for what it does not simulate.
fn parse(args: &[String]) -> Result<Options, String> {
    let mut o = Options {
        port: 3306,
        ..Options::default()
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |flag: &str, rest: &str| -> Result<String, String> {
            if !rest.is_empty() {
                return Ok(rest.to_string());
            }
            it.next()
                .cloned()
                .ok_or_else(|| format!("kubelab does not simulate mysql {flag} without a value"))
        };
        if let Some(v) = a.strip_prefix("--user=") {
            o.user = Some(v.to_string());
        } else if let Some(v) = a.strip_prefix("--password=") {
            o.password = Some(v.to_string());
        } else if let Some(v) = a.strip_prefix("--host=") {
            o.host = Some(v.to_string());
        } else if let Some(v) = a.strip_prefix("--port=") {
            o.port = v
                .parse()
                .map_err(|_| format!("kubelab does not simulate mysql {a}"))?;
        } else if let Some(v) = a.strip_prefix("--execute=") {
            o.execute = Some(v.to_string());
        } else if a == "-p" || a == "--password" {
            return Err(
                "kubelab does not simulate mysql's password prompt (-p without a password)".into(),
            );
        } else if let Some(v) = a.strip_prefix("-p") {
            o.password = Some(v.to_string());
        } else if let Some(rest) = a.strip_prefix("-u") {
            o.user = Some(value("-u", rest)?);
        } else if let Some(rest) = a.strip_prefix("-h") {
            o.host = Some(value("-h", rest)?);
        } else if let Some(rest) = a.strip_prefix("-P") {
            let v = value("-P", rest)?;
            o.port = v
                .parse()
                .map_err(|_| format!("kubelab does not simulate mysql -P {v}"))?;
        } else if let Some(rest) = a.strip_prefix("-e") {
            o.execute = Some(value("-e", rest)?);
        } else if a == "--user" || a == "--host" || a == "--execute" {
            let v = value(a, "")?;
            match a.as_str() {
                "--user" => o.user = Some(v),
                "--host" => o.host = Some(v),
                _ => o.execute = Some(v),
            }
        } else if a.starts_with('-') {
            return Err(format!("kubelab does not simulate mysql {a}"));
        } else {
            return Err(format!(
                "kubelab does not simulate mysql with a default database ({a})"
            ));
        }
    }
    Ok(o)
}

/// A statement kubelab answers: `SHOW DATABASES` (any case, spaces, an ending `;`).
fn is_show_databases(sql: &str) -> bool {
    let words: Vec<String> = sql
        .trim()
        .trim_end_matches(';')
        .split_whitespace()
        .map(str::to_ascii_lowercase)
        .collect();
    words == ["show", "databases"]
}

/// The statements of a text (split at `;`, empty ones dropped).
fn statements(text: &str) -> Vec<String> {
    text.split([';', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// `print_table_data` (a table) or `print_tab_data` (a header and tab-separated rows) of one
/// column.
fn result(column: &str, rows: &[String], table: bool) -> String {
    let mut s = String::new();
    if !table {
        s.push_str(column);
        s.push('\n');
        for r in rows {
            s.push_str(r);
            s.push('\n');
        }
        return s;
    }
    let width = rows
        .iter()
        .map(|r| r.chars().count())
        .chain([column.chars().count()])
        .max()
        .unwrap_or(0);
    let line = format!("+{}+\n", "-".repeat(width + 2));
    s.push_str(&line);
    s.push_str(&format!("| {column:<width$} |\n"));
    s.push_str(&line);
    for r in rows {
        s.push_str(&format!("| {r:<width$} |\n"));
    }
    s.push_str(&line);
    s
}

/// Runs `mysql ARGS` in a container.
pub(in crate::world::runtime) fn in_container(
    host: &mut super::super::host::ContainerHost<'_>,
    args: &[String],
    stdin: &[u8],
    shell: &crate::shell::ShellState,
    out: crate::shell::Sink<'_>,
) -> i32 {
    if !super::is_mysql(&host.rootfs) {
        let (msg, status) = super::super::host::not_simulated("mysql", &host.image);
        out(true, &msg);
        return status;
    }
    let o = match parse(args) {
        Ok(o) => o,
        Err(msg) => {
            out(true, format!("{msg}\n").as_bytes());
            return 126;
        }
    };
    let text = match &o.execute {
        Some(e) => e.clone(),
        None if host.tty => {
            out(
                true,
                b"kubelab does not simulate the interactive mysql prompt; use mysql -e 'STATEMENT'\n",
            );
            return 126;
        }
        None => String::from_utf8_lossy(stdin).into_owned(),
    };
    let stmts = statements(&text);
    if let Some(s) = stmts.iter().find(|s| !is_show_databases(s)) {
        out(
            true,
            format!("kubelab does not simulate the statement '{s}' in mysql (it answers SHOW DATABASES)\n")
                .as_bytes(),
        );
        return 126;
    }
    if o.password.is_some() {
        out(
            true,
            b"mysql: [Warning] Using a password on the command line interface can be insecure.\n",
        );
    }
    // The login name without -u: the OS user of the container (root).
    let user = o.user.clone().unwrap_or_else(|| "root".to_string());
    let password = o.password.clone().unwrap_or_default();
    let read =
        |p: &str| String::from_utf8_lossy(shell.vfs.read(p).unwrap_or_default()).into_owned();
    let (conf, hosts) = (read("/etc/resolv.conf"), read("/etc/hosts"));
    let world = &mut *host.world;
    let (server, client_host) = match o.host.as_deref() {
        None | Some("localhost") => match world.mysql.get(&host.container_id) {
            Some(s) => (s.clone(), "localhost".to_string()),
            None => {
                out(true, format!("ERROR 2002 (HY000): Can't connect to local MySQL server through socket '{SOCKET}' (2)\n").as_bytes());
                return 1;
            }
        },
        Some(h) => {
            let ip = if h == "127.0.0.1" {
                Some(host.pod_ip.clone())
            } else if h.parse::<std::net::Ipv4Addr>().is_ok() {
                Some(h.to_string())
            } else {
                let conf = crate::world::dns::ResolvConf::parse(&conf);
                world
                    .resolve_host(&conf, &hosts, h)
                    .ok()
                    .and_then(|e| e.addrs.first().cloned())
            };
            let Some(ip) = ip else {
                out(
                    true,
                    format!("ERROR 2005 (HY000): Unknown MySQL server host '{h}' (-2)\n")
                        .as_bytes(),
                );
                return 1;
            };
            use crate::world::network::{Pick, Unreachable};
            let client = if h == "127.0.0.1" { h } else { &host.pod_ip };
            // The errno in the message: 111 (refused), or 110 when a NetworkPolicy drops the
            // connection and the kernel gives up (the client sets no time-out of its own).
            let mut errno = 111;
            let found = match world.connect(client, &ip, o.port, Pick::First) {
                Ok(found) => Some(found),
                Err(Unreachable::Refused) => None,
                Err(Unreachable::Dropped) => {
                    world.advance(crate::world::network_policy::KERNEL_CONNECT_TIMEOUT_MS);
                    errno = 110;
                    None
                }
            };
            let found = found
                .filter(|(_, port)| *port == 3306)
                .and_then(|(pod, _)| {
                    let rt = world.pods.get(crate::world::api::meta::uid(&pod))?;
                    rt.containers
                        .iter()
                        .filter(|c| c.is_running())
                        .find_map(|c| world.mysql.get(&c.container_id).cloned())
                });
            match found {
                Some(s) => {
                    let from = if h == "127.0.0.1" || ip == host.pod_ip {
                        "localhost".to_string()
                    } else {
                        host.pod_ip.clone()
                    };
                    (s, from)
                }
                None => {
                    out(
                        true,
                        format!(
                            "ERROR 2003 (HY000): Can't connect to MySQL server on '{h}:{}' ({errno})\n",
                            o.port
                        )
                        .as_bytes(),
                    );
                    return 1;
                }
            }
        }
    };
    if !server.accepts(&user, &password) {
        let yes = if password.is_empty() { "NO" } else { "YES" };
        out(
            true,
            format!("ERROR 1045 (28000): Access denied for user '{user}'@'{client_host}' (using password: {yes})\n")
                .as_bytes(),
        );
        return 1;
    }
    // `opt_silent` (tab form) when standard input or output is not a terminal.
    let table = host.tty;
    for _ in &stmts {
        let rows = server.databases(&user);
        out(false, result("Database", &rows, table).as_bytes());
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|a| a.to_string()).collect()
    }

    #[test]
    fn options_take_their_forms() {
        let o = parse(&s(&["-uroot", "-psecret", "-e", "show databases"])).unwrap();
        assert_eq!(
            (o.user.as_deref(), o.password.as_deref()),
            (Some("root"), Some("secret"))
        );
        let o = parse(&s(&[
            "-u",
            "app",
            "--password=x",
            "-h",
            "db",
            "-eshow databases",
        ]))
        .unwrap();
        assert_eq!(
            (o.user.as_deref(), o.host.as_deref(), o.execute.as_deref()),
            (Some("app"), Some("db"), Some("show databases"))
        );
        assert!(parse(&s(&["-p"])).is_err());
        assert!(parse(&s(&["--xml"])).is_err());
    }

    #[test]
    fn results_take_table_and_tab_forms() {
        let rows = s(&["information_schema", "sys"]);
        assert_eq!(
            result("Database", &rows, false),
            "Database\ninformation_schema\nsys\n"
        );
        assert_eq!(
            result("Database", &rows, true),
            "+--------------------+\n| Database           |\n+--------------------+\n| information_schema |\n| sys                |\n+--------------------+\n"
        );
        assert!(is_show_databases(" SHOW  databases; "));
        assert!(!is_show_databases("select 1"));
    }
}
