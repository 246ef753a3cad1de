//! What mongod of the mongo:4.2 and mongo:4.4 images writes to the container's log as it starts
//! with the image's default command (`docker-entrypoint.sh mongod`, which the entrypoint runs as
//! `mongod --bind_ip_all`) on an empty data directory: the lines, their order and their spacing
//! are those of real start logs of mongo:4.2.24 (text lines, `logger/message_log_domain`'s
//! `<date> <S>  <COMPONENT> [<ctx>] <msg>`) and mongo:4.4 (one JSON object a line, `logv2`:
//! `"s"`, `"c"` and `"id"` padded with spaces after their comma to 2, 8 and 7 characters).
//!
//! Values: build info as the images' binaries report it (4.2.24: git `5e4ec1d2…`, Ubuntu 18.04's
//! `OpenSSL 1.1.1  11 Sep 2018`; 4.4.29: git `f4dda329…`, Ubuntu 20.04's `OpenSSL 1.1.1f  31 Mar
//! 2020`); WiredTiger's cache is half of the node's memory less 1 GiB, at least 256 MiB
//! (`WiredTigerKVEngine`'s default: 1399M on a 3822 MiB machine in a real log); the data
//! directory (the image's volume, on the node's ext4 disk) gets the XFS advice (mongod warns on
//! `EXT4_SUPER_MAGIC`; 4.2's text form, a blank `STORAGE` line and the two `** WARNING`/`**
//! See` lines, checked against real 3.6/4.0 logs of the same format). Approximated:
//! the milliseconds between lines (those of the real logs), the UUIDs of the collections mongod
//! creates and the thread address in WiredTiger's messages (drawn from the container's id).
//!
//! Not simulated (no lines: `start` gives `None`): other command lines (options of mongod's
//! own, a configuration file), the entrypoint's first-run initialisation
//! (`MONGO_INITDB_ROOT_USERNAME`: its temporary mongod), and a restart on a data directory that
//! already holds data (mongod then detects the storage engine and creates no collections).

use crate::calendar::civil;
use crate::world::clock::Millis;

/// The mongod versions whose start log kubelab writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    V42,
    V44,
}

impl Version {
    /// The version of a shipped image (`connect::version_of`).
    pub fn of(number: &str) -> Option<Version> {
        match number {
            "4.2.24" => Some(Version::V42),
            "4.4.29" => Some(Version::V44),
            _ => None,
        }
    }
}

/// What the start log depends on.
#[derive(Debug, Clone)]
pub struct Start<'a> {
    pub version: Version,
    /// When mongod started.
    pub now: Millis,
    /// The pod's host name.
    pub host: &'a str,
    /// The node's memory in kB.
    pub mem_kb: u64,
    /// A per-instance number (from the container's id): UUIDs and thread addresses.
    pub seed: u64,
}

/// WiredTiger's cache in MiB: `0.5 * (memSizeMB - 1024)`, at least 256.
pub fn cache_mb(mem_kb: u64) -> u64 {
    let mb = mem_kb / 1024;
    (mb.saturating_sub(1024) / 2).max(256)
}

/// 4.2's date: `2026-12-07T04:19:13.456+0000`; 4.4's: `…456+00:00`.
fn date(now: Millis, v: Version) -> String {
    let (y, mo, d, h, mi, s, _) = civil(now);
    let ms = now.rem_euclid(1000);
    let zone = match v {
        Version::V42 => "+0000",
        Version::V44 => "+00:00",
    };
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{ms:03}{zone}")
}

/// A 4.2 text line.
pub fn text_line(now: Millis, sev: char, component: &str, ctx: &str, msg: &str) -> String {
    format!(
        "{} {sev}  {component:<8} [{ctx}] {msg}",
        date(now, Version::V42)
    )
}

/// A 4.4 JSON line; `rest` is what follows `"msg"` (`,"attr":{…}`, or nothing).
pub fn json_line(
    now: Millis,
    sev: char,
    component: &str,
    id: u32,
    ctx: &str,
    msg: &str,
    rest: &str,
) -> String {
    let s = format!("\"{sev}\",");
    let c = format!("\"{component}\",");
    let i = format!("{id},");
    format!(
        "{{\"t\":{{\"$date\":\"{}\"}},\"s\":{s:<6}\"c\":{c:<12}\"id\":{i:<9}\"ctx\":\"{ctx}\",\"msg\":\"{msg}\"{rest}}}",
        date(now, Version::V44)
    )
}

/// A UUID (version 4 form) from the instance's number and `n`.
fn uuid(seed: u64, n: u64) -> String {
    let a = splitmix(seed ^ n.wrapping_mul(0x9e37_79b9_7f4a_7c15));
    let b = splitmix(a);
    let hex = format!("{a:016x}{b:016x}");
    format!(
        "{}-{}-4{}-{}{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        ["8", "9", "a", "b"][(b >> 62) as usize],
        &hex[17..20],
        &hex[20..32]
    )
}

fn splitmix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The main thread's address in WiredTiger's messages (`0x7f…ac0`, glibc's first thread stack).
fn thread(seed: u64) -> String {
    format!("0x7f{:07x}ac0", splitmix(seed) & 0xfff_ffff)
}

/// WiredTiger's message prefix: `[seconds:microseconds][pid:thread]`.
fn wt_prefix(now: Millis, seed: u64, n: u64) -> String {
    let us =
        now.rem_euclid(1000) * 1000 + (splitmix(seed ^ now as u64) % 900) as i64 + 70 * n as i64;
    format!("[{}:{us}][1:{}]", now.div_euclid(1000), thread(seed))
}

/// The facts a start log is made of, kept in the container's log until it is read.
pub struct Deferred {
    pub version: Version,
    pub now: Millis,
    pub host: String,
    pub mem_kb: u64,
    pub seed: u64,
}

impl crate::world::nodes::logs::LogSource for Deferred {
    fn lines(&self) -> Vec<String> {
        lines(&Start {
            version: self.version,
            now: self.now,
            host: &self.host,
            mem_kb: self.mem_kb,
            seed: self.seed,
        })
    }
}

/// The start log.
pub fn lines(s: &Start) -> Vec<String> {
    match s.version {
        Version::V42 => v42(s),
        Version::V44 => v44(s),
    }
}

fn v42(s: &Start) -> Vec<String> {
    let t = |ms: i64| s.now + ms;
    let l = |ms: i64, c: &str, ctx: &str, msg: &str| text_line(t(ms), 'I', c, ctx, msg);
    let init = "initandlisten";
    let refresh = "LogicalSessionCacheRefresh";
    let admin = uuid(s.seed, 1);
    let sessions = uuid(s.seed, 3);
    vec![
        l(
            0,
            "CONTROL",
            "main",
            "Automatically disabling TLS 1.0, to force-enable TLS 1.0 specify --sslDisabledProtocols 'none'",
        ),
        text_line(
            t(10),
            'W',
            "ASIO",
            "main",
            "No TransportLayer configured during NetworkInterface startup",
        ),
        l(
            11,
            "CONTROL",
            init,
            &format!(
                "MongoDB starting : pid=1 port=27017 dbpath=/data/db 64-bit host={}",
                s.host
            ),
        ),
        l(11, "CONTROL", init, "db version v4.2.24"),
        l(
            11,
            "CONTROL",
            init,
            "git version: 5e4ec1d24431fcdd28b579a024c5c801b8cde4e2",
        ),
        l(
            11,
            "CONTROL",
            init,
            "OpenSSL version: OpenSSL 1.1.1  11 Sep 2018",
        ),
        l(11, "CONTROL", init, "allocator: tcmalloc"),
        l(11, "CONTROL", init, "modules: none"),
        l(11, "CONTROL", init, "build environment:"),
        l(11, "CONTROL", init, "    distmod: ubuntu1804"),
        l(11, "CONTROL", init, "    distarch: x86_64"),
        l(11, "CONTROL", init, "    target_arch: x86_64"),
        l(11, "CONTROL", init, "options: { net: { bindIp: \"*\" } }"),
        l(12, "STORAGE", init, ""),
        l(
            12,
            "STORAGE",
            init,
            "** WARNING: Using the XFS filesystem is strongly recommended with the WiredTiger storage engine",
        ),
        l(
            12,
            "STORAGE",
            init,
            "**          See http://dochub.mongodb.org/core/prodnotes-filesystem",
        ),
        l(
            12,
            "STORAGE",
            init,
            &format!(
                "wiredtiger_open config: create,cache_size={}M,cache_overflow=(file_max=0M),session_max=33000,eviction=(threads_min=4,threads_max=4),config_base=false,statistics=(fast),log=(enabled=true,archive=true,path=journal,compressor=snappy),file_manager=(close_idle_time=100000,close_scan_interval=10,close_handle_minimum=250),statistics_log=(wait=0),verbose=[recovery_progress,checkpoint_progress],",
                cache_mb(s.mem_kb)
            ),
        ),
        l(
            744,
            "STORAGE",
            init,
            &format!(
                "WiredTiger message {}, txn-recover: Set global recovery timestamp: (0, 0)",
                wt_prefix(t(744), s.seed, 0)
            ),
        ),
        l(
            748,
            "RECOVERY",
            init,
            "WiredTiger recoveryTimestamp. Ts: Timestamp(0, 0)",
        ),
        l(768, "STORAGE", init, "Timestamp monitor starting"),
        l(790, "CONTROL", init, ""),
        l(
            790,
            "CONTROL",
            init,
            "** WARNING: Access control is not enabled for the database.",
        ),
        l(
            790,
            "CONTROL",
            init,
            "**          Read and write access to data and configuration is unrestricted.",
        ),
        l(790, "CONTROL", init, ""),
        l(
            823,
            "STORAGE",
            init,
            &format!(
                "createCollection: admin.system.version with provided UUID: {admin} and options: {{ uuid: UUID(\"{admin}\") }}"
            ),
        ),
        l(
            831,
            "INDEX",
            init,
            "index build: done building index _id_ on ns admin.system.version",
        ),
        l(
            837,
            "COMMAND",
            init,
            "setting featureCompatibilityVersion to 4.2",
        ),
        l(
            839,
            "STORAGE",
            init,
            "Flow Control is enabled on this deployment.",
        ),
        l(
            841,
            "STORAGE",
            init,
            &format!(
                "createCollection: local.startup_log with generated UUID: {} and options: {{ capped: true, size: 10485760 }}",
                uuid(s.seed, 2)
            ),
        ),
        l(
            846,
            "INDEX",
            init,
            "index build: done building index _id_ on ns local.startup_log",
        ),
        l(
            847,
            "FTDC",
            init,
            "Initializing full-time diagnostic data capture with directory '/data/db/diagnostic.data'",
        ),
        l(
            880,
            "CONTROL",
            "LogicalSessionCacheReap",
            "Sessions collection is not set up; waiting until next sessions reap interval: config.system.sessions does not exist",
        ),
        l(
            883,
            "NETWORK",
            "listener",
            "Listening on /tmp/mongodb-27017.sock",
        ),
        l(883, "NETWORK", "listener", "Listening on 0.0.0.0"),
        l(
            883,
            "NETWORK",
            "listener",
            "waiting for connections on port 27017",
        ),
        l(
            890,
            "STORAGE",
            refresh,
            &format!(
                "createCollection: config.system.sessions with provided UUID: {sessions} and options: {{ uuid: UUID(\"{sessions}\") }}"
            ),
        ),
        l(
            894,
            "INDEX",
            refresh,
            "index build: done building index _id_ on ns config.system.sessions",
        ),
        l(
            904,
            "INDEX",
            refresh,
            "index build: starting on config.system.sessions properties: { v: 2, key: { lastUse: 1 }, name: \"lsidTTLIndex\", ns: \"config.system.sessions\", expireAfterSeconds: 1800 } using method: Hybrid",
        ),
        l(
            904,
            "INDEX",
            refresh,
            "build may temporarily use up to 200 megabytes of RAM",
        ),
        l(
            904,
            "INDEX",
            refresh,
            "index build: collection scan done. scanned 0 total records in 0 seconds",
        ),
        l(
            904,
            "INDEX",
            refresh,
            "index build: inserted 0 keys from external sorter into index in 0 seconds",
        ),
        l(
            906,
            "INDEX",
            refresh,
            "index build: done building index lsidTTLIndex on ns config.system.sessions",
        ),
    ]
}

fn v44(s: &Start) -> Vec<String> {
    let t = |ms: i64| s.now + ms;
    let init = "initandlisten";
    let refresh = "LogicalSessionCacheRefresh";
    let zero_ts = "\"commitTimestamp\":{\"$timestamp\":{\"t\":0,\"i\":0}}";
    let index = |ms: i64, ctx: &str, ns: &str, name: &str| {
        json_line(
            t(ms),
            'I',
            "INDEX",
            20345,
            ctx,
            "Index build: done building",
            &format!(
                ",\"attr\":{{\"buildUUID\":null,\"namespace\":\"{ns}\",\"index\":\"{name}\",{zero_ts}}}"
            ),
        )
    };
    let admin = uuid(s.seed, 1);
    let wt = |ms: i64, n: u64, what: &str| {
        json_line(
            t(ms),
            'I',
            "STORAGE",
            22430,
            init,
            "WiredTiger message",
            &format!(
                ",\"attr\":{{\"message\":\"{}, txn-recover: [WT_VERB_RECOVERY | WT_VERB_RECOVERY_PROGRESS] {what}\"}}",
                wt_prefix(t(ms), s.seed, n)
            ),
        )
    };
    let startup_warning = ",\"tags\":[\"startupWarnings\"]";
    vec![
        json_line(
            t(0),
            'I',
            "CONTROL",
            23285,
            "main",
            "Automatically disabling TLS 1.0, to force-enable TLS 1.0 specify --sslDisabledProtocols 'none'",
            "",
        ),
        json_line(
            t(5),
            'I',
            "NETWORK",
            4648601,
            "main",
            "Implicit TCP FastOpen unavailable. If TCP FastOpen is required, set tcpFastOpenServer, tcpFastOpenClient, and tcpFastOpenQueueSize.",
            "",
        ),
        json_line(
            t(5),
            'I',
            "STORAGE",
            4615611,
            init,
            "MongoDB starting",
            &format!(
                ",\"attr\":{{\"pid\":1,\"port\":27017,\"dbPath\":\"/data/db\",\"architecture\":\"64-bit\",\"host\":\"{}\"}}",
                s.host
            ),
        ),
        json_line(
            t(5),
            'I',
            "CONTROL",
            23403,
            init,
            "Build Info",
            ",\"attr\":{\"buildInfo\":{\"version\":\"4.4.29\",\"gitVersion\":\"f4dda329a99811c707eb06d05ad023599f9be263\",\"openSSLVersion\":\"OpenSSL 1.1.1f  31 Mar 2020\",\"modules\":[],\"allocator\":\"tcmalloc\",\"environment\":{\"distmod\":\"ubuntu2004\",\"distarch\":\"x86_64\",\"target_arch\":\"x86_64\"}}}",
        ),
        json_line(
            t(5),
            'I',
            "CONTROL",
            51765,
            init,
            "Operating System",
            ",\"attr\":{\"os\":{\"name\":\"Ubuntu\",\"version\":\"20.04\"}}",
        ),
        json_line(
            t(5),
            'I',
            "CONTROL",
            21951,
            init,
            "Options set by command line",
            ",\"attr\":{\"options\":{\"net\":{\"bindIp\":\"*\"}}}",
        ),
        json_line(
            t(6),
            'I',
            "STORAGE",
            22297,
            init,
            "Using the XFS filesystem is strongly recommended with the WiredTiger storage engine. See http://dochub.mongodb.org/core/prodnotes-filesystem",
            startup_warning,
        ),
        json_line(
            t(6),
            'I',
            "STORAGE",
            22315,
            init,
            "Opening WiredTiger",
            &format!(
                ",\"attr\":{{\"config\":\"create,cache_size={}M,session_max=33000,eviction=(threads_min=4,threads_max=4),config_base=false,statistics=(fast),log=(enabled=true,archive=true,path=journal,compressor=snappy),file_manager=(close_idle_time=100000,close_scan_interval=10,close_handle_minimum=250),statistics_log=(wait=0),verbose=[recovery_progress,checkpoint_progress,compact_progress],\"}}",
                cache_mb(s.mem_kb)
            ),
        ),
        wt(522, 0, "Set global recovery timestamp: (0, 0)"),
        wt(522, 1, "Set global oldest timestamp: (0, 0)"),
        json_line(
            t(528),
            'I',
            "STORAGE",
            4795906,
            init,
            "WiredTiger opened",
            ",\"attr\":{\"durationMillis\":522}",
        ),
        json_line(
            t(528),
            'I',
            "RECOVERY",
            23987,
            init,
            "WiredTiger recoveryTimestamp",
            ",\"attr\":{\"recoveryTimestamp\":{\"$timestamp\":{\"t\":0,\"i\":0}}}",
        ),
        json_line(
            t(536),
            'I',
            "STORAGE",
            4366408,
            init,
            "No table logging settings modifications are required for existing WiredTiger tables",
            ",\"attr\":{\"loggingEnabled\":true}",
        ),
        json_line(
            t(536),
            'I',
            "STORAGE",
            22262,
            init,
            "Timestamp monitor starting",
            "",
        ),
        json_line(
            t(538),
            'W',
            "CONTROL",
            22120,
            init,
            "Access control is not enabled for the database. Read and write access to data and configuration is unrestricted",
            startup_warning,
        ),
        json_line(
            t(539),
            'I',
            "STORAGE",
            20320,
            init,
            "createCollection",
            &format!(
                ",\"attr\":{{\"namespace\":\"admin.system.version\",\"uuidDisposition\":\"provided\",\"uuid\":{{\"uuid\":{{\"$uuid\":\"{admin}\"}}}},\"options\":{{\"uuid\":{{\"$uuid\":\"{admin}\"}}}}}}"
            ),
        ),
        index(545, init, "admin.system.version", "_id_"),
        json_line(
            t(546),
            'I',
            "COMMAND",
            20459,
            init,
            "Setting featureCompatibilityVersion",
            ",\"attr\":{\"newVersion\":\"4.4\"}",
        ),
        json_line(
            t(546),
            'I',
            "STORAGE",
            20536,
            init,
            "Flow Control is enabled on this deployment",
            "",
        ),
        json_line(
            t(547),
            'I',
            "STORAGE",
            20320,
            init,
            "createCollection",
            &format!(
                ",\"attr\":{{\"namespace\":\"local.startup_log\",\"uuidDisposition\":\"generated\",\"uuid\":{{\"uuid\":{{\"$uuid\":\"{}\"}}}},\"options\":{{\"capped\":true,\"size\":10485760}}}}",
                uuid(s.seed, 2)
            ),
        ),
        index(558, init, "local.startup_log", "_id_"),
        json_line(
            t(558),
            'I',
            "FTDC",
            20625,
            init,
            "Initializing full-time diagnostic data capture",
            ",\"attr\":{\"dataDirectory\":\"/data/db/diagnostic.data\"}",
        ),
        json_line(
            t(560),
            'I',
            "STORAGE",
            20320,
            refresh,
            "createCollection",
            &format!(
                ",\"attr\":{{\"namespace\":\"config.system.sessions\",\"uuidDisposition\":\"generated\",\"uuid\":{{\"uuid\":{{\"$uuid\":\"{}\"}}}},\"options\":{{}}}}",
                uuid(s.seed, 3)
            ),
        ),
        json_line(
            t(561),
            'I',
            "CONTROL",
            20712,
            "LogicalSessionCacheReap",
            "Sessions collection is not set up; waiting until next sessions reap interval",
            ",\"attr\":{\"error\":\"NamespaceNotFound: config.system.sessions does not exist\"}",
        ),
        json_line(
            t(561),
            'I',
            "NETWORK",
            23015,
            "listener",
            "Listening on",
            ",\"attr\":{\"address\":\"/tmp/mongodb-27017.sock\"}",
        ),
        json_line(
            t(561),
            'I',
            "NETWORK",
            23015,
            "listener",
            "Listening on",
            ",\"attr\":{\"address\":\"0.0.0.0\"}",
        ),
        json_line(
            t(562),
            'I',
            "NETWORK",
            23016,
            "listener",
            "Waiting for connections",
            ",\"attr\":{\"port\":27017,\"ssl\":\"off\"}",
        ),
        index(573, refresh, "config.system.sessions", "_id_"),
        index(573, refresh, "config.system.sessions", "lsidTTLIndex"),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2021-06-10T14:22:06.046Z.
    const T: Millis = 1_623_334_926_046;

    #[test]
    fn json_lines_pad_severity_component_and_id() {
        assert_eq!(
            json_line(
                T,
                'W',
                "ASIO",
                22601,
                "main",
                "No TransportLayer configured during NetworkInterface startup",
                ""
            ),
            "{\"t\":{\"$date\":\"2021-06-10T14:22:06.046+00:00\"},\"s\":\"W\",  \"c\":\"ASIO\",     \"id\":22601,   \"ctx\":\"main\",\"msg\":\"No TransportLayer configured during NetworkInterface startup\"}"
        );
        assert_eq!(
            json_line(T, 'I', "RECOVERY", 23987, "x", "m", ""),
            "{\"t\":{\"$date\":\"2021-06-10T14:22:06.046+00:00\"},\"s\":\"I\",  \"c\":\"RECOVERY\", \"id\":23987,   \"ctx\":\"x\",\"msg\":\"m\"}"
        );
        assert!(
            json_line(T, 'I', "NETWORK", 4648601, "main", "m", "")
                .contains("\"id\":4648601, \"ctx\"")
        );
    }

    #[test]
    fn text_lines_pad_the_component() {
        assert_eq!(
            text_line(T, 'I', "RECOVERY", "initandlisten", "x"),
            "2021-06-10T14:22:06.046+0000 I  RECOVERY [initandlisten] x"
        );
        assert_eq!(
            text_line(T, 'I', "FTDC", "initandlisten", ""),
            "2021-06-10T14:22:06.046+0000 I  FTDC     [initandlisten] "
        );
    }

    #[test]
    fn cache_is_half_of_memory_above_one_gib() {
        // A real 4.2.24 log on a 3822 MiB machine.
        assert_eq!(cache_mb(3822 * 1024), 1399);
        assert_eq!(cache_mb(1024 * 1024), 256);
        assert_eq!(cache_mb(0), 256);
    }

    #[test]
    fn logs_are_deterministic_and_name_the_host() {
        for v in [Version::V42, Version::V44] {
            let s = Start {
                version: v,
                now: T,
                host: "mongo-0",
                mem_kb: 4 << 20,
                seed: 7,
            };
            let a = lines(&s);
            assert_eq!(a, lines(&s));
            assert!(a.iter().any(|l| l.contains("mongo-0")));
            assert!(a.iter().any(|l| l.contains("cache_size=1536M")));
            assert!(a.iter().any(|l| l.contains("aiting for connections")));
        }
    }

    #[test]
    fn uuids_have_the_v4_form() {
        let u = uuid(42, 1);
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert!(matches!(&u[19..20], "8" | "9" | "a" | "b"));
        assert_ne!(u, uuid(42, 2));
    }
}
