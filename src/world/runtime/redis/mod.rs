//! redis in containers: `redis-server` as a container's main process (its configuration read
//! once at start from the container's files and its arguments, its startup log, its keys),
//! and `redis-cli` (`cli.rs`) talking to the server of the pod at an address.
//!
//! A server belongs to its container instance: it is kept in `World::redis` by container id,
//! so a restarted container (a new id) starts a new, empty server, and a ConfigMap changed
//! after the start does not change the running server (redis reads its file once).

pub mod cli;
mod commands;
mod config;
mod reply;
mod table;

use std::collections::BTreeMap;
use std::rc::Rc;

use serde_json::Value;

use crate::world::World;
use crate::world::api::meta;
use crate::world::registry::rootfs::{Family, RootFs};

pub use cli::Session;

/// The redis versions of the shipped images.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// `redis:5.0.4` (the kubernetes.io ConfigMap tutorial's image).
    V5,
    /// `redis:7.2`, `redis:latest`.
    V7,
}

impl Version {
    /// The version number (`REDIS_VERSION`).
    pub fn number(self) -> &'static str {
        match self {
            Version::V5 => "5.0.4",
            Version::V7 => "7.2.5",
        }
    }

    /// The redis of an image's file system; `None` for an image kubelab has no redis for.
    pub fn of(rootfs: &Rc<RootFs>) -> Option<Version> {
        if Rc::ptr_eq(rootfs, &Family::Redis504.rootfs()) {
            Some(Version::V5)
        } else if Rc::ptr_eq(rootfs, &Family::Redis72.rootfs()) {
            Some(Version::V7)
        } else {
            None
        }
    }
}

/// One database's keys (a persistent map: a snapshot of the world shares it until one side
/// writes).
type Db = imbl::OrdMap<String, Vec<u8>>;

/// A running redis-server: its parameters as read at start, and its keys by database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Server {
    pub version: Version,
    params: config::Params,
    dbs: BTreeMap<u32, Db>,
    /// Keys in all databases, and their bytes (keys and values): kubelab's bounds.
    keys: usize,
    bytes: usize,
}

impl Server {
    fn get(&self, db: u32, key: &str) -> Option<&Vec<u8>> {
        self.dbs.get(&db)?.get(key)
    }

    fn contains(&self, db: u32, key: &str) -> bool {
        self.get(db, key).is_some()
    }

    /// The keys of a database, in order.
    fn keys_of(&self, db: u32) -> impl Iterator<Item = &String> {
        self.dbs.get(&db).into_iter().flat_map(|d| d.keys())
    }

    fn len(&self, db: u32) -> usize {
        self.dbs.get(&db).map_or(0, Db::len)
    }

    fn insert(&mut self, db: u32, key: &str, value: Vec<u8>) {
        let add = key.len() + value.len();
        match self
            .dbs
            .entry(db)
            .or_default()
            .insert(key.to_string(), value)
        {
            Some(old) => self.bytes = self.bytes + add - key.len() - old.len(),
            None => {
                self.keys += 1;
                self.bytes += add;
            }
        }
    }

    fn remove(&mut self, db: u32, key: &str) -> bool {
        let Some(old) = self.dbs.get_mut(&db).and_then(|d| d.remove(key)) else {
            return false;
        };
        self.keys -= 1;
        self.bytes -= key.len() + old.len();
        true
    }

    fn flush(&mut self, db: Option<u32>) {
        match db {
            Some(n) => {
                if let Some(d) = self.dbs.remove(&n) {
                    self.keys -= d.len();
                    self.bytes -= d.iter().map(|(k, v)| k.len() + v.len()).sum::<usize>();
                }
            }
            None => {
                self.dbs.clear();
                self.keys = 0;
                self.bytes = 0;
            }
        }
    }

    fn databases(&self) -> i64 {
        self.params["databases"].parse().unwrap_or(16)
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.params["port"].parse().unwrap_or(6379)
    }
}

pub use super::Started;

/// The arguments of redis-server when `argv` runs it: the program itself, or docker-library's
/// `docker-entrypoint.sh` (which runs `redis-server` with its arguments, and puts it in front
/// of arguments that are options or a `.conf` file).
fn server_args<'a>(argv: &'a [String], rootfs: &RootFs, path_env: &str) -> Option<&'a [String]> {
    let first = argv.first()?;
    let base = crate::shell::vfs::file_name(first);
    let (_, name) = rootfs.find_program(first, path_env, "/")?;
    if base == "redis-server" {
        return Some(&argv[1..]);
    }
    if name != "docker-entrypoint.sh" {
        return None;
    }
    // UNSURE: docker-library/redis's entrypoint (`"${1#-}" != "$1"` or `"${1%.conf}" != "$1"`).
    match argv.get(1) {
        Some(a) if a == "redis-server" => Some(&argv[2..]),
        Some(a) if a.starts_with('-') || a.ends_with(".conf") => Some(&argv[1..]),
        _ => None,
    }
}

/// redis's log line (`serverLogRaw`): `pid:role dd Mon yyyy HH:MM:SS.mmm level message`.
fn log_line(now: i64, role: char, level: char, msg: &str) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (y, mo, d, h, mi, s, _) = crate::calendar::civil(now);
    let ms = now.rem_euclid(1000);
    format!(
        "1:{role} {d:02} {} {y} {h:02}:{mi:02}:{s:02}.{ms:03} {level} {msg}",
        MONTHS[(mo as usize).saturating_sub(1) % 12]
    )
}

/// Starts redis-server when it is the main process (`argv`) of `container` of `pod`, which the
/// kubelet has just started: reads its configuration from the container's files and its
/// arguments, keeps the server, and gives its log. `None` when the process is not redis-server.
pub fn start(world: &mut World, pod: &Value, container: &str, argv: &[String]) -> Option<Started> {
    let t = world.target(pod, container);
    let version = Version::of(&t.rootfs)?;
    let path_env = t
        .env
        .iter()
        .find(|(k, _)| k == "PATH")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let args = server_args(argv, &t.rootfs, &path_env)?;
    let now = world.now();
    if let Some(a) = args.first().filter(|a| {
        matches!(
            a.as_str(),
            "-v" | "--version" | "-h" | "--help" | "--test-memory"
        )
    }) {
        return Some(Started {
            logs: vec![format!("kubelab does not simulate redis-server {a}")].into(),
            exit: Some(126),
        });
    }
    let (file, options) = config::arguments(args);
    let mut text = String::new();
    if let Some(path) = &file
        && path != "-"
    {
        match world.container_file(pod, container, path) {
            Ok(Some(b)) => text = String::from_utf8_lossy(&b).into_owned(),
            _ => {
                let msg = match version {
                    Version::V5 => format!("Fatal error, can't open config file '{path}'"),
                    Version::V7 => format!(
                        "Fatal error, can't open config file '{path}': No such file or directory"
                    ),
                };
                return Some(Started {
                    logs: vec![log_line(now, 'C', '#', &msg)].into(),
                    exit: Some(1),
                });
            }
        }
    }
    if !args.is_empty() {
        text.push('\n');
        text.push_str(&options);
    }
    let (params, notices) = match config::load(version, &text, &t.cwd) {
        config::Loaded::Ok(p, n) => (p, n),
        config::Loaded::Fatal(lines) => {
            return Some(Started {
                logs: lines.into(),
                exit: Some(1),
            });
        }
    };
    let server = Server {
        version,
        params,
        dbs: BTreeMap::new(),
        keys: 0,
        bytes: 0,
    };
    let notice = match version {
        Version::V5 => '#',
        Version::V7 => '*',
    };
    let mut logs = vec![
        log_line(
            now,
            'C',
            notice,
            "oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo",
        ),
        log_line(
            now,
            'C',
            notice,
            &format!(
                "Redis version={}, bits=64, commit=00000000, modified=0, pid=1, just started",
                version.number()
            ),
        ),
    ];
    if args.is_empty() {
        logs.push(log_line(now, 'C', '#', &format!("Warning: no config file specified, using the default config. In order to specify a config file use {} /path/to/redis.conf", argv.iter().find(|a| crate::shell::vfs::file_name(a) == "redis-server").map(String::as_str).unwrap_or("redis-server"))));
    } else {
        logs.push(log_line(now, 'C', notice, "Configuration loaded"));
    }
    logs.extend(notices);
    if version == Version::V7 {
        logs.push(log_line(
            now,
            'M',
            '*',
            "monotonic clock: POSIX clock_gettime",
        ));
    }
    logs.push(log_line(
        now,
        'M',
        '*',
        &format!("Running mode=standalone, port={}.", server.port()),
    ));
    logs.push(log_line(now, 'M', notice, "Server initialized"));
    logs.push(log_line(
        now,
        'M',
        '*',
        match version {
            Version::V5 => "Ready to accept connections",
            Version::V7 => "Ready to accept connections tcp",
        },
    ));
    let maxmemory: u64 = server.params["maxmemory"].parse().unwrap_or(0);
    if maxmemory > 0 && maxmemory < 1024 * 1024 {
        logs.push(log_line(now, 'M', '#', &format!("WARNING: You specified a maxmemory value that is less than 1MB (current value is {maxmemory} bytes). Are you sure this is what you really want?")));
    }
    world.prune_layers();
    world.redis.insert(t.container_id.clone(), Rc::new(server));
    Some(Started {
        logs: logs.into(),
        exit: None,
    })
}

/// Why redis-cli could not connect (hiredis's `errstr`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectError {
    /// getaddrinfo failed.
    UnknownHost,
    /// Nothing listens there.
    Refused,
    /// A NetworkPolicy dropped the connection: redis-cli connects without a time-out of its
    /// own, the kernel gives up (ETIMEDOUT).
    TimedOut,
}

impl ConnectError {
    /// hiredis's words.
    pub fn text(&self) -> &'static str {
        match self {
            ConnectError::UnknownHost => "Name or service not known",
            ConnectError::Refused => "Connection refused",
            ConnectError::TimedOut => "Connection timed out",
        }
    }
}

impl World {
    /// The redis server of a container instance.
    pub fn redis_server(&self, container_id: &str) -> Option<&Server> {
        self.redis.get(container_id).map(|s| &**s)
    }

    /// The running container of `pod` with a redis-server listening on `port`.
    fn redis_listening(&self, pod: &Value, port: u16) -> Option<String> {
        let rt = self.pods.get(meta::uid(pod))?;
        rt.containers
            .iter()
            .filter(|c| c.is_running())
            .find(|c| {
                self.redis
                    .get(&c.container_id)
                    .is_some_and(|s| s.port() == port)
            })
            .map(|c| c.container_id.clone())
    }

    /// Connects to the redis server at `host:port` from a pod whose address is `own_ip`,
    /// resolving names with `resolve` (the pod's resolver). Returns the server's container id.
    pub(crate) fn redis_connect(
        &mut self,
        own_ip: &str,
        host: &str,
        port: u16,
        resolve: impl Fn(&World, &str) -> Option<String>,
    ) -> Result<String, ConnectError> {
        let ip = match host {
            "localhost" | "127.0.0.1" => own_ip.to_string(),
            h if h.parse::<std::net::Ipv4Addr>().is_ok() => h.to_string(),
            h => resolve(self, h).ok_or(ConnectError::UnknownHost)?,
        };
        use crate::world::network::{Pick, Unreachable};
        let (pod, target) = match self.connect(own_ip, &ip, port, Pick::First) {
            Ok(found) => found,
            Err(Unreachable::Refused) => return Err(ConnectError::Refused),
            Err(Unreachable::Dropped) => {
                self.advance(crate::world::network_policy::KERNEL_CONNECT_TIMEOUT_MS);
                return Err(ConnectError::TimedOut);
            }
        };
        self.redis_listening(&pod, target)
            .ok_or(ConnectError::Refused)
    }

    /// Runs one command on the server of a container instance.
    pub(crate) fn redis_command(
        &mut self,
        container_id: &str,
        client: &mut commands::Client,
        argv: &[String],
    ) -> Option<reply::Reply> {
        let server = self.redis.get_mut(container_id)?;
        Some(commands::run(Rc::make_mut(server), client, argv))
    }
}
