//! redis-cli (`src/redis-cli.c` of 5.0.4 and 7.2.5): its options, one command from its
//! arguments, commands read from its standard input, and its interactive prompt (a [`Session`]
//! of `kubectl exec -it POD -- redis-cli`). Replies take the terminal's form when its output is
//! a terminal (`kubectl exec -t` from a terminal), the raw form otherwise (`reply.rs`).

use serde_json::Value;

use super::commands::Client;
use super::config::split_args;
use super::reply::{self, Reply};
use super::{ConnectError, Version};
use crate::world::World;

/// What redis-cli was asked: where to connect, the database, the output form, the command.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Options {
    host: String,
    port: u16,
    db: u32,
    /// `--raw` / `--no-raw`, else whether standard output is a terminal.
    raw: Option<bool>,
    command: Vec<String>,
}

/// redis-cli's options that kubelab does not simulate (they exist).
const OTHER_OPTIONS: &[&str] = &[
    "-s",
    "-a",
    "-u",
    "-r",
    "-i",
    "-x",
    "-d",
    "-D",
    "-c",
    "-e",
    "-2",
    "-3",
    "--csv",
    "--stat",
    "--latency",
    "--latency-history",
    "--latency-dist",
    "--lru-test",
    "--slave",
    "--replica",
    "--rdb",
    "--pipe",
    "--pipe-timeout",
    "--bigkeys",
    "--memkeys",
    "--memkeys-samples",
    "--hotkeys",
    "--scan",
    "--pattern",
    "--intrinsic-latency",
    "--eval",
    "--ldb",
    "--ldb-sync-mode",
    "--cluster",
    "--verbose",
    "--no-auth-warning",
    "--user",
    "--pass",
    "--askpass",
    "--tls",
    "--sni",
    "--cacert",
    "--cacertdir",
    "--cert",
    "--key",
    "--help",
    "--functions-rdb",
    "--quoted-pattern",
    "--count",
    "--show-pushes",
    "--quoted-input",
    "--insecure",
    "--tls-ciphers",
    "--tls-ciphersuites",
    "--count",
];

/// How redis-cli ends before it connects.
enum Early {
    /// Output (stdout, stderr) and status.
    Exit(Vec<u8>, Vec<u8>, i32),
}

/// C's `atoi` for a port.
fn atoi(s: &str) -> i64 {
    let t = s.trim_start();
    let (neg, rest) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let d: String = rest
        .chars()
        .take_while(char::is_ascii_digit)
        .take(10)
        .collect();
    let v: i64 = d.parse().unwrap_or(0);
    if neg { -v } else { v }
}

/// `parseOptions`.
fn parse(v: Version, args: &[String]) -> Result<Options, Early> {
    let mut o = Options {
        host: "127.0.0.1".into(),
        port: 6379,
        db: 0,
        raw: None,
        command: Vec::new(),
    };
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        let last = i + 1 == args.len();
        match a {
            "-h" if !last => {
                i += 1;
                o.host = args[i].clone();
            }
            "-p" if !last => {
                i += 1;
                let p = atoi(&args[i]);
                if !(0..=65535).contains(&p) {
                    if v == Version::V7 {
                        return Err(Early::Exit(
                            Vec::new(),
                            b"Invalid server port.\n".to_vec(),
                            1,
                        ));
                    }
                    return Err(notice("a port out of range"));
                }
                o.port = p as u16;
            }
            "-n" if !last => {
                i += 1;
                o.db = atoi(&args[i]).clamp(0, u32::MAX as i64) as u32;
            }
            "--raw" => o.raw = Some(true),
            "--no-raw" => o.raw = Some(false),
            "-v" | "--version" => {
                return Err(Early::Exit(
                    format!("redis-cli {}\n", v.number()).into_bytes(),
                    Vec::new(),
                    0,
                ));
            }
            _ if a.starts_with('-') => {
                if OTHER_OPTIONS.contains(&a) || matches!(a, "-h" | "-p" | "-n") {
                    return Err(notice(&format!("redis-cli {a}")));
                }
                return Err(Early::Exit(
                    Vec::new(),
                    format!("Unrecognized option or bad number of args for: '{a}'\n").into_bytes(),
                    1,
                ));
            }
            _ => {
                o.command = args[i..].to_vec();
                break;
            }
        }
        i += 1;
    }
    Ok(o)
}

fn notice(what: &str) -> Early {
    Early::Exit(
        Vec::new(),
        format!("kubelab does not simulate {what}\n").into_bytes(),
        126,
    )
}

/// Where redis-cli runs: its pod and its resolver's files.
pub(crate) struct Place<'a> {
    pub pod_ip: &'a str,
    /// The container's `/etc/resolv.conf` and `/etc/hosts`.
    pub resolv_conf: &'a str,
    pub hosts: &'a str,
    pub version: Version,
    /// Whether its standard output is a terminal.
    pub terminal: bool,
}

fn connect(world: &mut World, from: &Place<'_>, o: &Options) -> Result<String, ConnectError> {
    let conf = crate::world::dns::ResolvConf::parse(from.resolv_conf);
    world.redis_connect(from.pod_ip, &o.host, o.port, |w, name| {
        w.resolve_host(&conf, from.hosts, name)
            .ok()
            .and_then(|e| e.addrs.first().cloned())
    })
}

fn could_not_connect(o: &Options, e: &ConnectError) -> Vec<u8> {
    format!(
        "Could not connect to Redis at {}:{}: {}\n",
        o.host,
        o.port,
        e.text()
    )
    .into_bytes()
}

/// Sends one command over a connection and gives what redis-cli writes.
fn issue(
    world: &mut World,
    server: &str,
    client: &mut Client,
    v: Version,
    argv: &[String],
    terminal: bool,
) -> (Vec<u8>, Vec<u8>) {
    if argv[0].eq_ignore_ascii_case("help") || argv[0] == "?" {
        return (
            Vec::new(),
            b"kubelab does not simulate redis-cli's help\n".to_vec(),
        );
    }
    let r = world
        .redis_command(server, client, argv)
        .unwrap_or(Reply::Nil);
    reply::print(v, &argv[0], &r, terminal)
}

/// redis-cli run with `args` (after its name), standard input `stdin`: one command from the
/// arguments, or the commands on its standard input. Writes to `out`; returns the status.
pub(crate) fn run(
    world: &mut World,
    from: &Place<'_>,
    args: &[String],
    stdin: &[u8],
    out: &mut dyn FnMut(bool, &[u8]) -> bool,
) -> i32 {
    let o = match parse(from.version, args) {
        Ok(o) => o,
        Err(Early::Exit(so, se, status)) => {
            out(false, &so);
            out(true, &se);
            return status;
        }
    };
    let terminal = o.raw.map_or(from.terminal, |r| !r);
    let mut client = Client { db: o.db };
    if !o.command.is_empty() {
        let server = match connect(world, from, &o) {
            Ok(s) => s,
            Err(e) => {
                out(true, &could_not_connect(&o, &e));
                return 1;
            }
        };
        if !select(world, &server, &mut client) {
            return 1;
        }
        let (so, se) = issue(
            world,
            &server,
            &mut client,
            from.version,
            &o.command,
            terminal,
        );
        out(false, &so);
        out(true, &se);
        return 0;
    }
    if from.terminal && stdin.is_empty() {
        out(
            true,
            b"kubelab does not simulate redis-cli's prompt inside a shell: use kubectl exec -it POD -- redis-cli\n",
        );
        return 126;
    }
    // The prompt without a terminal: the lines of its standard input, no prompt shown.
    let mut connected = match connect(world, from, &o) {
        Ok(s) => select(world, &s, &mut client).then_some(s),
        Err(e) => {
            out(true, &could_not_connect(&o, &e));
            None
        }
    };
    let text = String::from_utf8_lossy(stdin).into_owned();
    for line in text.lines() {
        if let Some(status) = repl_line(world, from, &o, &mut client, &mut connected, line, out) {
            return status;
        }
    }
    0
}

/// `cliSelect`: the database of `-n` on a new connection.
fn select(world: &mut World, server: &str, client: &mut Client) -> bool {
    if client.db == 0 {
        return true;
    }
    let mut c = Client::default();
    let r = world.redis_command(server, &mut c, &["SELECT".into(), client.db.to_string()]);
    matches!(r, Some(Reply::Status(_)))
}

/// One line at redis-cli's prompt (`repl`): `Some(status)` when it exits.
fn repl_line(
    world: &mut World,
    from: &Place<'_>,
    o: &Options,
    client: &mut Client,
    connected: &mut Option<String>,
    line: &str,
    out: &mut dyn FnMut(bool, &[u8]) -> bool,
) -> Option<i32> {
    if line.is_empty() {
        return None;
    }
    let Some(argv) = split_args(line) else {
        out(false, b"Invalid argument(s)\n");
        return None;
    };
    let first = argv.first()?;
    if first.eq_ignore_ascii_case("quit") || first.eq_ignore_ascii_case("exit") {
        return Some(0);
    }
    if argv.len() > 1 && first.parse::<i64>().is_ok() {
        out(
            true,
            b"kubelab does not simulate redis-cli's repeated commands (N COMMAND)\n",
        );
        return None;
    }
    if first.eq_ignore_ascii_case("connect") || first.eq_ignore_ascii_case("clear") {
        out(
            true,
            format!("kubelab does not simulate redis-cli's {first} at its prompt\n").as_bytes(),
        );
        return None;
    }
    // Every command reconnects when needed (`issueCommandRepeat`), to whatever server now
    // listens there.
    match connect(world, from, o) {
        Ok(s) => {
            if connected.as_deref() != Some(s.as_str()) {
                select(world, &s, client);
            }
            *connected = Some(s.clone());
            let (so, se) = issue(world, &s, client, from.version, &argv, from.terminal_for(o));
            out(false, &so);
            out(true, &se);
        }
        Err(e) => {
            *connected = None;
            out(true, &could_not_connect(o, &e));
        }
    }
    None
}

impl Place<'_> {
    fn terminal_for(&self, o: &Options) -> bool {
        o.raw.map_or(self.terminal, |r| !r)
    }
}

/// An interactive redis-cli (`kubectl exec -it POD -- redis-cli`): the state that lasts
/// between the lines typed at its prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    version: Version,
    options: Options,
    client: Client,
    /// The server it is connected to (its container id).
    connected: Option<String>,
    /// Whether its output is a terminal: the prompt and the terminal's reply form.
    terminal: bool,
}

impl Session {
    /// `127.0.0.1:6379> ` (`[N]` after `SELECT N`), `not connected> `; nothing without a
    /// terminal (linenoise shows no prompt when its input is not a terminal).
    pub fn prompt(&self) -> String {
        if !self.terminal {
            return String::new();
        }
        if self.connected.is_none() {
            return "not connected> ".into();
        }
        let db = match self.client.db {
            0 => String::new(),
            n => format!("[{n}]"),
        };
        format!("{}:{}{db}> ", self.options.host, self.options.port)
    }
}

/// The pod's resolver files (as the kubelet wrote them).
fn pod_files(world: &World, pod: &Value) -> (String, String) {
    (
        crate::world::dns::resolv_conf(world, pod),
        crate::world::dns::hosts_file(world, pod),
    )
}

/// Opens redis-cli's prompt when `args` (after the program's name) give no command: the
/// session and what redis-cli wrote on opening (its connection error). `None` when the
/// arguments hold a command or end redis-cli at once (`--version`, a bad option): it runs as
/// a plain command.
pub(crate) fn open(
    world: &mut World,
    pod: &Value,
    version: Version,
    args: &[String],
    terminal: bool,
) -> Option<(Session, Vec<u8>)> {
    let o = parse(version, args).ok()?;
    if !o.command.is_empty() {
        return None;
    }
    let terminal = o.raw.map_or(terminal, |r| !r) && terminal;
    let mut s = Session {
        version,
        client: Client { db: o.db },
        options: o,
        connected: None,
        terminal,
    };
    let (conf, hosts) = pod_files(world, pod);
    let ip = crate::world::api::meta::str_at(pod, &["status", "podIP"])
        .unwrap_or("")
        .to_string();
    let from = Place {
        pod_ip: &ip,
        resolv_conf: &conf,
        hosts: &hosts,
        version,
        terminal,
    };
    let mut err = Vec::new();
    match connect(world, &from, &s.options) {
        Ok(c) => {
            if select(world, &c, &mut s.client) {
                s.connected = Some(c);
            }
        }
        Err(e) => err = could_not_connect(&s.options, &e),
    }
    Some((s, err))
}

/// One input at the prompt (one line or several); `Some(status)` when redis-cli exits.
pub(crate) fn input(
    world: &mut World,
    pod: &Value,
    s: &mut Session,
    text: &str,
    out: &mut dyn FnMut(bool, &[u8]) -> bool,
) -> Option<i32> {
    let (conf, hosts) = pod_files(world, pod);
    let ip = crate::world::api::meta::str_at(pod, &["status", "podIP"])
        .unwrap_or("")
        .to_string();
    let from = Place {
        pod_ip: &ip,
        resolv_conf: &conf,
        hosts: &hosts,
        version: s.version,
        terminal: s.terminal,
    };
    let o = s.options.clone();
    for line in text.lines() {
        if let Some(st) = repl_line(world, &from, &o, &mut s.client, &mut s.connected, line, out) {
            return Some(st);
        }
    }
    None
}

/// redis-cli run by a container's shell or by `kubectl exec` (through the shell engine).
pub(in crate::world::runtime) fn in_container(
    host: &mut super::super::host::ContainerHost<'_>,
    args: &[String],
    stdin: &[u8],
    shell: &crate::shell::ShellState,
    out: crate::shell::Sink<'_>,
) -> i32 {
    let Some(version) = Version::of(&host.rootfs) else {
        let (msg, status) = super::super::host::not_simulated("redis-cli", &host.image);
        out(true, &msg);
        return status;
    };
    let read =
        |p: &str| String::from_utf8_lossy(shell.vfs.read(p).unwrap_or_default()).into_owned();
    let (conf, hosts) = (read("/etc/resolv.conf"), read("/etc/hosts"));
    let pod_ip = host.pod_ip.clone();
    let place = Place {
        pod_ip: &pod_ip,
        resolv_conf: &conf,
        hosts: &hosts,
        version,
        terminal: host.tty,
    };
    run(host.world, &place, args, stdin, out)
}
