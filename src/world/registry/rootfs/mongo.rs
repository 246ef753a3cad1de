//! mongo images (docker-library/mongo `4.4/Dockerfile` and its 4.2/7.0 siblings): `FROM
//! ubuntu:bionic` (4.2), `focal` (4.4), `jammy` (7.0); group and user mongodb 999 with home
//! /data/db; /data/db and /data/configdb owned by mongodb; ca-certificates, jq, numactl and (as
//! Ubuntu lacks `ps`) procps; gosu in /usr/local/bin; /js-yaml.js (4.x); /docker-entrypoint-
//! initdb.d; the mongodb-org packages (server, shell, mongos, tools); `/etc/mongod.conf` moved to
//! `/etc/mongod.conf.orig`; docker-entrypoint.sh in /usr/local/bin. The legacy `mongo` shell
//! exists up to 5.0; 7.0 has `mongosh` only. wget is purged after the build.

use super::RootFs;
use super::apps::procps;
use super::build;
use super::ubuntu::{self, Release};

/// A mongo version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    V42,
    V44,
    V70,
}

/// The database tools (mongodb-org-tools / mongodb-database-tools).
const TOOLS: &[&str] = &[
    "bsondump",
    "mongodump",
    "mongoexport",
    "mongofiles",
    "mongoimport",
    "mongorestore",
    "mongostat",
    "mongotop",
];

/// A `mongo:<version>` image.
pub fn mongo(v: Version) -> RootFs {
    let release = match v {
        Version::V42 => Release::Bionic,
        Version::V44 => Release::Focal,
        Version::V70 => Release::Jammy,
    };
    let merged = release != Release::Bionic;
    let mut b = ubuntu::ubuntu(release);
    build::add_user(
        &mut b, "mongodb", 999, "mongodb", 999, "", "/data/db", "/bin/sh",
    );
    b.dir("/data", 0o755, 0, 0)
        .dir("/data/db", 0o755, 999, 999)
        .dir("/data/configdb", 0o755, 999, 999)
        .dir("/docker-entrypoint-initdb.d", 0o755, 0, 0);
    procps(&mut b, merged);
    b.programs(
        "/usr/bin",
        &[
            "jq",
            "numactl",
            "numastat",
            "migratepages",
            "migspeed",
            "memhog",
        ],
    );
    b.programs("/usr/local/bin", &["gosu", "docker-entrypoint.sh"]);
    b.programs("/usr/bin", &["mongod", "mongos"])
        .programs("/usr/bin", TOOLS);
    match v {
        Version::V42 | Version::V44 => {
            b.programs("/usr/bin", &["mongo", "install_compass"]);
            // Not described (a gap): js-yaml 3.13.1's text; the file is there.
        }
        Version::V70 => {
            b.programs("/usr/bin", &["mongosh"]);
        }
    }
    // Not described (a gap): /etc/mongod.conf.orig (the package's default config, kept by
    // docker-library/mongo's Dockerfile `mv /etc/mongod.conf /etc/mongod.conf.orig`).
    b.finish()
}
