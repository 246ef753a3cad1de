//! glibc's `getent hosts [KEY...]` (nss/getent.c `hosts_keys`, `print_hosts`): a name is looked
//! up for IPv6 first (`gethostbyname2(AF_INET6)`), then IPv4; an address by `gethostbyaddr`; no
//! key lists the hosts file. Each entry prints as `%-15s %s` (address, canonical name) and its
//! aliases; the first key that is not found stops it with status 2.

use serde_json::Value;
use std::net::{Ipv4Addr, Ipv6Addr};

use super::coredns::{Rcode, Rdata, RrType};
use super::files;
use super::resolver::{HostEntry, ResolvConf, hosts_entries, hosts_lookup};
use crate::world::World;

type Output = (Vec<u8>, Vec<u8>, i32);

/// The databases glibc's getent knows (kubelab answers `hosts` only).
const DATABASES: &[&str] = &[
    "ahosts",
    "ahostsv4",
    "ahostsv6",
    "aliases",
    "ethers",
    "group",
    "gshadow",
    "hosts",
    "initgroups",
    "netgroup",
    "networks",
    "passwd",
    "protocols",
    "rpc",
    "services",
    "shadow",
];

fn line(ip: &str, e: &HostEntry) -> String {
    let mut s = format!("{ip:<15} {}", e.name);
    for a in &e.aliases {
        s.push(' ');
        s.push_str(a);
    }
    s.push('\n');
    s
}

/// `gethostbyaddr`: the hosts file's line for the address, else a PTR query.
fn by_addr(world: &World, conf: &ResolvConf, hosts: &str, ip: &str) -> Option<HostEntry> {
    if let Some((_, names)) = hosts_entries(hosts).into_iter().find(|(a, _)| a == ip) {
        return Some(HostEntry {
            name: names[0].clone(),
            aliases: names[1..].to_vec(),
            addrs: vec![ip.to_string()],
        });
    }
    let ptr = match ip.parse::<Ipv4Addr>() {
        Ok(v4) => {
            let o = v4.octets();
            format!("{}.{}.{}.{}.in-addr.arpa", o[3], o[2], o[1], o[0])
        }
        Err(_) => {
            let v6 = ip.parse::<Ipv6Addr>().ok()?;
            let mut s = String::new();
            for b in v6.octets().iter().rev() {
                s.push_str(&format!("{:x}.{:x}.", b & 0xf, b >> 4));
            }
            s + "ip6.arpa"
        }
    };
    let reply = conf
        .nameservers
        .iter()
        .find_map(|s| world.dns_server_query(s, &ptr, RrType::Ptr))?;
    if reply.rcode != Rcode::NoError {
        return None;
    }
    let names: Vec<String> = reply
        .answers
        .iter()
        .filter_map(|a| match &a.data {
            Rdata::Ptr(n) => Some(n.clone()),
            _ => None,
        })
        .collect();
    let first = names.first()?.clone();
    Some(HostEntry {
        name: first,
        aliases: names[1..].to_vec(),
        addrs: vec![ip.to_string()],
    })
}

/// `getent` run in `pod` (argv[0] is the program's name): stdout, stderr, status.
pub fn getent(world: &World, pod: &Value, argv: &[String]) -> Output {
    getent_with(
        world,
        &files::resolv_conf(world, pod),
        &files::hosts_file(world, pod),
        argv,
    )
}

/// `getent` with the container's own `/etc/resolv.conf` and `/etc/hosts`.
pub fn getent_with(world: &World, resolv_conf: &str, hosts: &str, argv: &[String]) -> Output {
    let args: Vec<&str> = argv.iter().skip(1).map(String::as_str).collect();
    if let Some(o) = args.iter().find(|a| a.starts_with('-') && a.len() > 1) {
        return (
            vec![],
            format!("getent: kubelab does not simulate getent's option {o}\n").into_bytes(),
            1,
        );
    }
    let Some(db) = args.first() else {
        return (
            vec![],
            b"getent: wrong number of arguments\nTry `getent --help' or `getent --usage' for more information.\n".to_vec(),
            1,
        );
    };
    if *db != "hosts" {
        let msg = if DATABASES.contains(db) {
            format!("getent: kubelab does not simulate getent {db}\n")
        } else {
            format!(
                "Unknown database: {db}\nTry `getent --help' or `getent --usage' for more information.\n"
            )
        };
        return (vec![], msg.into_bytes(), 1);
    }
    let conf = ResolvConf::parse(resolv_conf);
    let mut out = String::new();
    if args.len() == 1 {
        for (ip, names) in hosts_entries(hosts) {
            let e = HostEntry {
                name: names[0].clone(),
                aliases: names[1..].to_vec(),
                addrs: vec![],
            };
            out.push_str(&line(&ip, &e));
        }
        return (out.into_bytes(), vec![], 0);
    }
    for key in &args[1..] {
        let found: Option<HostEntry> = if key.contains(':') {
            key.parse::<Ipv6Addr>()
                .ok()
                .and_then(|a| by_addr(world, &conf, hosts, &a.to_string()))
        } else if let Ok(a) = key.parse::<Ipv4Addr>() {
            by_addr(world, &conf, hosts, &a.to_string())
        } else {
            // AF_INET6 first: only the hosts file has IPv6 addresses (the cluster has none).
            hosts_lookup(hosts, key, true).or_else(|| {
                world
                    .resolve_host(&conf, hosts, key)
                    .ok()
                    .filter(|e| !e.addrs.is_empty())
            })
        };
        let Some(e) = found else {
            return (out.into_bytes(), vec![], 2);
        };
        for ip in &e.addrs {
            out.push_str(&line(ip, &e));
        }
    }
    (out.into_bytes(), vec![], 0)
}
