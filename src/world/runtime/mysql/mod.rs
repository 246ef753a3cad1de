//! mysql in containers: docker-library/mysql's `docker-entrypoint.sh` starting `mysqld` as the
//! `mysql:8.0` image's main process (its check of the environment, its log), the server's
//! accounts and databases as the entrypoint creates them, and the `mysql` client
//! (`client.rs`).
//!
//! The entrypoint is `8.0/docker-entrypoint.sh` of docker-library/mysql as of the last
//! Oracle Linux 8 image (commit a15b34a^, `MYSQL_VERSION 8.0.37-1.el8`). A server belongs to its
//! container instance (`World::mysql` by container id): a restarted container starts a new one
//! (kubelab keeps no data directory across restarts).

pub mod client;

use std::rc::Rc;

use serde_json::Value;

use crate::world::World;
use crate::world::registry::rootfs::{Family, RootFs};

/// The image's `MYSQL_VERSION` (docker-library/mysql `8.0/Dockerfile.oracle`, Oracle Linux 8).
pub const IMAGE_VERSION: &str = "8.0.37-1.el8";

/// A running mysqld: the accounts and databases the entrypoint set up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Server {
    /// root's password (`MYSQL_ROOT_PASSWORD`, empty with `MYSQL_ALLOW_EMPTY_PASSWORD`).
    pub root_password: String,
    /// `MYSQL_USER` and `MYSQL_PASSWORD` (the entrypoint creates it only with both).
    pub user: Option<(String, String)>,
    /// `MYSQL_DATABASE`.
    pub database: Option<String>,
}

impl Server {
    /// Whether `user` with `password` may log in.
    pub fn accepts(&self, user: &str, password: &str) -> bool {
        if user == "root" {
            return password == self.root_password;
        }
        self.user
            .as_ref()
            .is_some_and(|(u, p)| u == user && p == password)
    }

    /// The databases `user` sees (`SHOW DATABASES`), in order. UNSURE: a user with rights
    /// on one schema seeing information_schema, performance_schema and that schema.
    pub fn databases(&self, user: &str) -> Vec<String> {
        let mut all: Vec<String> = if user == "root" {
            ["information_schema", "mysql", "performance_schema", "sys"]
                .iter()
                .map(|s| s.to_string())
                .collect()
        } else {
            ["information_schema", "performance_schema"]
                .iter()
                .map(|s| s.to_string())
                .collect()
        };
        if let Some(db) = &self.database
            && !all.contains(db)
        {
            all.push(db.clone());
        }
        all.sort();
        all
    }
}

pub use super::Started;

/// Whether an image's file system is the mysql image's.
pub fn is_mysql(rootfs: &Rc<RootFs>) -> bool {
    Rc::ptr_eq(rootfs, &Family::Mysql80.rootfs())
}

/// `date --rfc-3339=seconds` in the container (UTC).
fn rfc3339(now: i64) -> String {
    let (y, mo, d, h, mi, s, _) = crate::calendar::civil(now);
    format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}+00:00")
}

/// The entrypoint's `mysql_log`: `DATE [TYPE] [Entrypoint]: TEXT` (a text of several lines is
/// printed as it is).
fn log(now: i64, kind: &str, text: &str) -> Vec<String> {
    format!("{} [{kind}] [Entrypoint]: {text}", rfc3339(now))
        .lines()
        .map(str::to_string)
        .collect()
}

/// A deterministic stand-in for `openssl rand -base64 24` (32 characters of base64).
fn generated_password(seed: &str) -> String {
    const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    (0..32)
        .map(|i| {
            for b in seed.bytes().chain([i as u8]) {
                h = (h ^ b as u64).wrapping_mul(0x100_0000_01b3);
            }
            B64[(h >> 58) as usize] as char
        })
        .collect()
}

/// Starts the entrypoint when it is the main process (`argv`) of `container` of `pod`: the
/// docker-library/mysql `_main` for `mysqld` as the container's root user. `None` when the
/// process is not the mysql image's entrypoint running mysqld.
pub fn start(world: &mut World, pod: &Value, container: &str, argv: &[String]) -> Option<Started> {
    let t = world.target(pod, container);
    if !is_mysql(&t.rootfs) {
        return None;
    }
    let path_env = t
        .env
        .iter()
        .find(|(k, _)| k == "PATH")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let (_, name) = t.rootfs.find_program(argv.first()?, &path_env, "/")?;
    if name != "docker-entrypoint.sh" {
        return None;
    }
    // `if [ "${1:0:1}" = '-' ]; then set -- mysqld "$@"`; setup only for mysqld.
    let first = argv.get(1)?;
    if first != "mysqld" && !first.starts_with('-') {
        return None;
    }
    let args = if first == "mysqld" {
        &argv[2..]
    } else {
        &argv[1..]
    };
    if let Some(a) = args.iter().find(|a| {
        matches!(
            a.as_str(),
            "-?" | "--help" | "--print-defaults" | "-V" | "--version"
        )
    }) {
        return Some(Started {
            logs: vec![format!("kubelab does not simulate mysqld {a}")].into(),
            exit: Some(126),
        });
    }
    if let Some(a) = args.first() {
        return Some(Started {
            logs: vec![format!(
                "kubelab does not simulate mysqld with arguments ({a} ...)"
            )]
            .into(),
            exit: Some(126),
        });
    }
    let now = world.now();
    let env = |k: &str| -> String {
        let direct = t
            .env
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        // file_env: `${VAR}_FILE` fills VAR from a file.
        let file = format!("{k}_FILE");
        match t.env.iter().find(|(n, _)| *n == file) {
            Some((_, path)) if direct.is_empty() => world
                .container_file(pod, container, path)
                .ok()
                .flatten()
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default(),
            _ => direct,
        }
    };
    let root = env("MYSQL_ROOT_PASSWORD");
    let allow_empty = env("MYSQL_ALLOW_EMPTY_PASSWORD");
    let random = env("MYSQL_RANDOM_ROOT_PASSWORD");
    let user = env("MYSQL_USER");
    let password = env("MYSQL_PASSWORD");
    let database = env("MYSQL_DATABASE");
    let started = format!("Entrypoint script for MySQL Server {IMAGE_VERSION} started.");
    let mut logs = log(now, "Note", &started);
    // Started as root: `exec gosu mysql "$BASH_SOURCE" "$@"`, which runs `_main` again.
    logs.extend(log(now, "Note", "Switching to dedicated user 'mysql'"));
    logs.extend(log(now, "Note", &started));
    if root.is_empty() && allow_empty.is_empty() && random.is_empty() {
        logs.extend(log(
            now,
            "ERROR",
            "Database is uninitialized and password option is not specified\n    You need to specify one of the following as an environment variable:\n    - MYSQL_ROOT_PASSWORD\n    - MYSQL_ALLOW_EMPTY_PASSWORD\n    - MYSQL_RANDOM_ROOT_PASSWORD",
        ));
        return Some(Started {
            logs: logs.into(),
            exit: Some(1),
        });
    }
    if user == "root" {
        logs.extend(log(now, "ERROR", "MYSQL_USER=\"root\", MYSQL_USER and MYSQL_PASSWORD are for configuring a regular user and cannot be used for the root user\n    Remove MYSQL_USER=\"root\" and use one of the following to control the root user password:\n    - MYSQL_ROOT_PASSWORD\n    - MYSQL_ALLOW_EMPTY_PASSWORD\n    - MYSQL_RANDOM_ROOT_PASSWORD"));
        return Some(Started {
            logs: logs.into(),
            exit: Some(1),
        });
    }
    if !user.is_empty() && password.is_empty() {
        logs.extend(log(
            now,
            "Warn",
            "MYSQL_USER specified, but missing MYSQL_PASSWORD; MYSQL_USER will not be created",
        ));
    } else if user.is_empty() && !password.is_empty() {
        logs.extend(log(
            now,
            "Warn",
            "MYSQL_PASSWORD specified, but missing MYSQL_USER; MYSQL_PASSWORD will be ignored",
        ));
    }
    // mysqld --initialize-insecure's own log lines come between these two (not simulated).
    logs.extend(log(now, "Note", "Initializing database files"));
    logs.extend(log(now, "Note", "Database files initialized"));
    logs.extend(log(now, "Note", "Starting temporary server"));
    logs.extend(log(now, "Note", "Temporary server started."));
    let mut root_password = root;
    if !random.is_empty() {
        root_password = generated_password(&t.container_id);
        logs.extend(log(
            now,
            "Note",
            &format!("GENERATED ROOT PASSWORD: {root_password}"),
        ));
    }
    if !database.is_empty() {
        logs.extend(log(now, "Note", &format!("Creating database {database}")));
    }
    let account = (!user.is_empty() && !password.is_empty()).then(|| (user.clone(), password));
    if account.is_some() {
        logs.extend(log(now, "Note", &format!("Creating user {user}")));
        if !database.is_empty() {
            logs.extend(log(
                now,
                "Note",
                &format!("Giving user {user} access to schema {database}"),
            ));
        }
    }
    logs.extend(log(now, "Note", "Stopping temporary server"));
    logs.extend(log(now, "Note", "Temporary server stopped"));
    logs.push(String::new());
    logs.extend(log(
        now,
        "Note",
        "MySQL init process done. Ready for start up.",
    ));
    logs.push(String::new());
    let server = Server {
        root_password,
        user: account,
        database: (!database.is_empty()).then_some(database),
    };
    world.prune_layers();
    world.mysql.insert(t.container_id.clone(), Rc::new(server));
    Some(Started {
        logs: logs.into(),
        exit: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entrypoint_dates_are_rfc3339_seconds() {
        assert_eq!(rfc3339(0), "1970-01-01 00:00:00+00:00");
        assert_eq!(log(0, "Note", "a\n    b").len(), 2);
    }

    #[test]
    fn databases_are_sorted_with_mysql_database() {
        let s = Server {
            root_password: "pw".into(),
            user: Some(("app".into(), "apw".into())),
            database: Some("shop".into()),
        };
        assert_eq!(
            s.databases("root"),
            [
                "information_schema",
                "mysql",
                "performance_schema",
                "shop",
                "sys"
            ]
        );
        assert!(s.accepts("root", "pw") && s.accepts("app", "apw") && !s.accepts("root", "x"));
        assert_eq!(generated_password("abc").len(), 32);
    }
}
