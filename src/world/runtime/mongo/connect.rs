//! The legacy shell's command line and its connection: which mongod it reaches (the pod's own
//! at `127.0.0.1:27017`, or a host resolved through the pod's DNS: `--host mongodb-0.mongo`),
//! whether anything listens there (a container of that pod running mongod), and the banner it
//! prints (`src/mongo/shell/dbshell.cpp`, `mongo.js`; the texts of
//! `../shared/reference/containers.md` §5).

use serde_json::Value;

use crate::world::World;
use crate::world::api::meta;
use crate::world::clock::Millis;
use crate::world::nodes::ContainerState;
use crate::world::registry::rootfs::{Family, RootFsSource};

/// The mongod port.
pub const PORT: u16 = 27017;

/// What the command line asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// `--quiet`.
    pub quiet: bool,
    /// `--eval SCRIPT`.
    pub eval: Option<String>,
    /// `--host HOST` (or the address argument's host).
    pub host: Option<String>,
    /// `--port N` (or the address argument's).
    pub port: u16,
    /// The database (`mongo mystore`, `host/db`), `test` by default.
    pub db: String,
    /// Script files after the address.
    pub files: Vec<String>,
    /// An option kubelab does not simulate.
    pub unsupported: Option<String>,
}

/// Reads the shell's command line (`argv[0]` is the program).
pub fn options(argv: &[String]) -> Options {
    let mut o = Options {
        port: PORT,
        db: "test".into(),
        ..Options::default()
    };
    let mut address_seen = false;
    let mut it = argv.iter().skip(1);
    while let Some(a) = it.next() {
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (a.as_str(), None),
        };
        let value = |it: &mut std::iter::Skip<std::slice::Iter<'_, String>>| {
            inline.clone().or_else(|| it.next().cloned())
        };
        match flag {
            "--quiet" => o.quiet = true,
            "--norc" => {}
            "--eval" => o.eval = Some(value(&mut it).unwrap_or_default()),
            "--host" => {
                let h = value(&mut it).unwrap_or_default();
                // `--host HOST:PORT`.
                match h.rsplit_once(':') {
                    Some((host, port)) if port.parse::<u16>().is_ok() => {
                        o.host = Some(host.to_string());
                        o.port = port.parse().unwrap_or(PORT);
                    }
                    _ => o.host = Some(h),
                }
            }
            "--port" => match value(&mut it).and_then(|p| p.parse().ok()) {
                Some(p) => o.port = p,
                None => o.unsupported = Some(format!("`{a}` without a port number")),
            },
            f if f.starts_with('-') => {
                o.unsupported
                    .get_or_insert_with(|| format!("the option {f}"));
            }
            _ if !address_seen && !a.ends_with(".js") => {
                address_seen = true;
                address(&mut o, a);
            }
            _ => o.files.push(a.clone()),
        }
    }
    o
}

/// The address argument: `db`, `host/db`, `host:port/db`, `mongodb://host:port/db?...`.
fn address(o: &mut Options, a: &str) {
    let rest = a.strip_prefix("mongodb://");
    let s = rest.unwrap_or(a);
    let s = s.split('?').next().unwrap_or(s);
    let (hostport, db) = match s.split_once('/') {
        Some((h, d)) => (Some(h), d),
        None if rest.is_some() => (Some(s), ""),
        None => (None, s),
    };
    if let Some(hp) = hostport.filter(|h| !h.is_empty()) {
        match hp.rsplit_once(':') {
            Some((h, p)) if p.parse::<u16>().is_ok() => {
                o.host = Some(h.to_string());
                o.port = p.parse().unwrap_or(PORT);
            }
            _ => o.host = Some(hp.to_string()),
        }
    }
    if !db.is_empty() {
        o.db = db.to_string();
    }
}

/// Whether the shell would read its standard input as typed lines (no `--eval`, no script).
pub fn interactive(argv: &[String]) -> bool {
    let o = options(argv);
    o.eval.is_none() && o.files.is_empty() && o.unsupported.is_none()
}

/// Whether a container's argv runs mongod (the image's `docker-entrypoint.sh mongod`, an
/// option first, which the entrypoint gives to mongod, or mongod itself).
pub fn is_mongod(argv: &[String]) -> bool {
    let base = |s: &str| s.rsplit('/').next().unwrap_or("").to_string();
    match argv.first().map(|a| base(a)).as_deref() {
        Some("mongod") => true,
        Some("docker-entrypoint.sh") => argv
            .get(1)
            .is_some_and(|a| base(a) == "mongod" || a.starts_with('-')),
        _ => false,
    }
}

/// The mongo version of a shipped mongo image.
pub fn version_of(world: &World, pod: &Value, image_name: &str) -> Option<&'static str> {
    let spec = world.container_image(pod, image_name)?;
    match spec.rootfs {
        RootFsSource::Shipped(Family::Mongo42) => Some("4.2.24"),
        RootFsSource::Shipped(Family::Mongo44) => Some("4.4.29"),
        RootFsSource::Shipped(Family::Mongo70) => Some("7.0.28"),
        _ => None,
    }
}

/// A mongod a shell reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Server {
    /// Its pod's namespace, name and uid.
    pub namespace: String,
    pub pod: String,
    pub uid: String,
    /// The container running mongod, and its instance.
    pub container: String,
    pub container_id: String,
    /// Its version (`4.4.29`).
    pub version: String,
    /// When it started.
    pub started_at: Millis,
}

/// Why a shell could not connect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Nothing listens at `HOST:PORT` (the shell's connection refused): `HOST:PORT`, and the
    /// peer as the shell's socket error names it (`HOST:PORT (IP:PORT)` for a name).
    Refused(String, String),
    /// What kubelab does not simulate.
    Notice(String),
}

/// The mongod running in a container of `pod`, listening on `port`.
pub fn server_in(world: &World, pod: &Value, port: u16) -> Option<Server> {
    if port != PORT {
        return None;
    }
    let rt = world.pods.get(meta::uid(pod))?;
    let c = rt.containers.iter().find(|c| {
        c.is_running() && !c.init && c.process.as_ref().is_some_and(|p| is_mongod(&p.argv))
    })?;
    let ContainerState::Running { started_at } = c.state else {
        return None;
    };
    let version = version_of(world, pod, &c.image_name)?;
    Some(Server {
        namespace: rt.namespace.clone(),
        pod: rt.name.clone(),
        uid: meta::uid(pod).to_string(),
        container: c.name.clone(),
        container_id: c.container_id.clone(),
        version: version.to_string(),
        started_at,
    })
}

/// Connects as the shell in `pod` does: `127.0.0.1`/`localhost` (or no host) is the pod
/// itself; another name is resolved through the pod's resolver (`resolv`, `hosts`: the
/// container's files) to an address, which the pod network routes (`World::route`: a pod's
/// address, or a Service's cluster IP to its first ready endpoint's target port).
pub fn connect(
    world: &mut World,
    pod: &Value,
    resolv: &str,
    hosts: &str,
    o: &Options,
) -> Result<Server, Failure> {
    let host = o.host.as_deref().unwrap_or("127.0.0.1");
    let addr = format!("{host}:{}", o.port);
    let own_ip = meta::str_at(pod, &["status", "podIP"]).unwrap_or("");
    // transport_layer_asio.cpp `makeConnectError`: the address the name resolved to follows
    // a name.
    let peer = |ip: &str| {
        if ip == host {
            addr.clone()
        } else {
            format!("{addr} ({ip}:{})", o.port)
        }
    };
    let mut endpoint = addr.clone();
    let target = if matches!(host, "127.0.0.1" | "localhost") || host == own_ip {
        endpoint = peer(if host == "localhost" {
            "127.0.0.1"
        } else {
            host
        });
        Some((pod.clone(), o.port))
    } else {
        let conf = crate::world::dns::ResolvConf::parse(resolv);
        match world.resolve_host(&conf, hosts, host) {
            Ok(e) => match e.addrs.first() {
                Some(ip) if world.pod_by_ip(ip).is_none() && !world.is_cluster_ip(ip) => {
                    let named = if ip == host {
                        host.to_string()
                    } else {
                        format!("{host} ({ip})")
                    };
                    return Err(Failure::Notice(format!(
                        "the mongo shell connecting to {named}, which is neither a pod's nor a Service's address"
                    )));
                }
                Some(ip) => {
                    endpoint = peer(ip);
                    match world.connect(own_ip, ip, o.port, crate::world::network::Pick::First) {
                        Ok(found) => Some(found),
                        Err(crate::world::network::Unreachable::Refused) => None,
                        // The shells' words for a connection nobody answers (after their
                        // connect time-out) are not recorded.
                        Err(crate::world::network::Unreachable::Dropped) => {
                            return Err(Failure::Notice(format!(
                                "the mongo shell's message for a connection a NetworkPolicy drops ({addr})"
                            )));
                        }
                    }
                }
                None => None,
            },
            Err(_) => {
                return Err(Failure::Notice(format!(
                    "the mongo shell's message for a host it cannot resolve ({host})"
                )));
            }
        }
    };
    target
        .and_then(|(p, port)| server_in(world, &p, port))
        .ok_or(Failure::Refused(addr, endpoint))
}

/// The shell's URL line (`connecting to: ...`).
pub fn url(o: &Options) -> String {
    let host = o.host.as_deref().unwrap_or("127.0.0.1");
    let db = if o.db == "test" { "" } else { o.db.as_str() };
    format!(
        "mongodb://{host}:{}/{db}?compressors=disabled&gssapiServiceName=mongodb",
        o.port
    )
}

/// What the shell prints when the connection is refused (reference §5), and its status.
pub fn refused(client_version: &str, o: &Options, addr: &str, peer: &str) -> (String, String, i32) {
    let mut out = String::new();
    if !o.quiet {
        out.push_str(&format!("MongoDB shell version v{client_version}\n"));
        out.push_str(&format!("connecting to: {}\n", url(o)));
    }
    let err = format!(
        "Error: couldn't connect to server {addr}, connection attempt failed: SocketException: Error connecting to {peer} :: caused by :: Connection refused :\nexception: connect failed\n"
    );
    (out, err, 1)
}

/// `2026-12-07T04:19:14.100+00:00` (4.4's log time) or `...+0000` (4.2's).
fn log_time(t: Millis, colon: bool) -> String {
    let (y, mo, d, h, mi, s, _) = crate::calendar::civil(t);
    let ms = t.rem_euclid(1000);
    let zone = if colon { "+00:00" } else { "+0000" };
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{ms:03}{zone}")
}

/// The banner: four lines (shell version, URL, implicit session, server version); with a
/// terminal, the server's startup warnings and the free monitoring notice too.
pub fn banner(client_version: &str, o: &Options, server: &Server, uuid: &str, tty: bool) -> String {
    let mut s = format!(
        "MongoDB shell version v{client_version}\nconnecting to: {}\nImplicit session: session {{ \"id\" : UUID(\"{uuid}\") }}\nMongoDB server version: {}\n",
        url(o),
        server.version
    );
    if !tty {
        return s;
    }
    if server.version.starts_with("4.2") {
        // UNSURE: 4.2 prints its startup warnings as its text log lines.
        let t = log_time(server.started_at, false);
        let p = format!("{t} I  CONTROL  [initandlisten] ");
        s.push_str("Server has startup warnings: \n");
        s.push_str(&format!(
            "{p}\n{p}** WARNING: Access control is not enabled for the database.\n{p}**          Read and write access to data and configuration is unrestricted.\n{p}\n"
        ));
    } else {
        s.push_str(&format!(
            "---\nThe server generated these startup warnings when booting: \n        {}: Access control is not enabled for the database. Read and write access to data and configuration is unrestricted\n---\n",
            log_time(server.started_at, true)
        ));
    }
    s.push_str(FREE_MONITORING);
    s
}

const FREE_MONITORING: &str = "---
        Enable MongoDB's free cloud-based monitoring service, which will then receive and display
        metrics about your deployment (disk utilization, CPU, operation statistics, etc).

        The monitoring data will be available on a MongoDB website with a unique URL accessible to you
        and anyone you share the URL with. MongoDB may use this information to make product
        improvements and to suggest MongoDB products and deployment options to you.

        To enable free monitoring, run the following command: db.enableFreeMonitoring()
        To permanently disable this reminder, run the following command: db.disableFreeMonitoring()
---
";

/// A version 4 UUID from 16 bytes.
pub fn uuid(a: u64, b: u64) -> String {
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&a.to_be_bytes());
    bytes[8..].copy_from_slice(&b.to_be_bytes());
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let h = crate::world::seed::hex(&bytes);
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn reads_the_command_line() {
        let o = options(&argv("mongo --quiet --eval db.foo.find() mystore"));
        assert!(o.quiet);
        assert_eq!(o.eval.as_deref(), Some("db.foo.find()"));
        assert_eq!(o.db, "mystore");
        assert!(!interactive(&argv("mongo --eval x")));
        assert!(interactive(&argv("mongo mystore")));
        let o = options(&argv("mongo --host mongodb-0.mongo:27018"));
        assert_eq!(
            (o.host.as_deref(), o.port),
            (Some("mongodb-0.mongo"), 27018)
        );
        let o = options(&argv("mongo mongodb://db-0.db:27017/shop?x=1"));
        assert_eq!(
            (o.host.as_deref(), o.db.as_str()),
            (Some("db-0.db"), "shop")
        );
        assert_eq!(
            url(&options(&argv("mongo mystore"))),
            "mongodb://127.0.0.1:27017/mystore?compressors=disabled&gssapiServiceName=mongodb"
        );
        assert!(options(&argv("mongo -u root")).unsupported.is_some());
        assert!(is_mongod(&argv("docker-entrypoint.sh mongod")));
        assert!(is_mongod(&argv("docker-entrypoint.sh --bind_ip_all")));
        assert!(is_mongod(&argv("/usr/bin/mongod --dbpath /data/db")));
        assert!(!is_mongod(&argv("sleep 3600")));
        assert_eq!(uuid(0, 0), "00000000-0000-4000-8000-000000000000");
    }
}
