//! busybox 1.36's `nslookup` (networking/nslookup.c, FEATURE_NSLOOKUP_BIG): the server from
//! the command line or every `nameserver` of /etc/resolv.conf; an address argument is a PTR
//! query, anything else an A and an AAAA query, each tried with every search domain only when
//! the name has no dot; every reply printed in query order (`** server can't find NAME:
//! NXDOMAIN` for an error, exit status 1 if any reply was an error).

use serde_json::Value;
use std::net::{Ipv4Addr, Ipv6Addr};

use super::coredns::{Rcode, Rdata, RrType};
use super::files;
use super::resolver::ResolvConf;
use crate::world::World;

/// The query types of `-type=` (busybox's table order), with whether kubelab answers them.
const QTYPES: &[(&str, Option<RrType>)] = &[
    ("SOA", None),
    ("NS", None),
    ("A", Some(RrType::A)),
    ("AAAA", Some(RrType::Aaaa)),
    ("CNAME", Some(RrType::Cname)),
    ("MX", None),
    ("TXT", None),
    ("SRV", None),
    ("PTR", Some(RrType::Ptr)),
    ("ANY", None),
];

const USAGE: &str = "nslookup: kubelab does not simulate busybox's usage text: usage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]\n";

type Output = (Vec<u8>, Vec<u8>, i32);

fn fail(msg: String) -> Output {
    (vec![], msg.into_bytes(), 1)
}

/// `make_ptr`: the reverse name of an address argument.
fn make_ptr(arg: &str) -> Option<String> {
    if let Ok(v6) = arg.parse::<Ipv6Addr>() {
        if let Some(v4) = v6.to_ipv4_mapped() {
            let o = v4.octets();
            return Some(format!("{}.{}.{}.{}.in-addr.arpa", o[3], o[2], o[1], o[0]));
        }
        let mut s = String::new();
        for b in v6.octets().iter().rev() {
            s.push_str(&format!("{:x}.{:x}.", b & 0xf, b >> 4));
        }
        return Some(s + "ip6.arpa");
    }
    let o = arg.parse::<Ipv4Addr>().ok()?.octets();
    Some(format!("{}.{}.{}.{}.in-addr.arpa", o[3], o[2], o[1], o[0]))
}

/// busybox's `xatou_range` errors.
fn number(val: &str, max: u64) -> Result<u64, String> {
    match val.parse::<u64>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        Ok(_) => Err(format!("nslookup: number {val} is not in 1..{max} range\n")),
        Err(_) if !val.is_empty() && val.bytes().all(|b| b.is_ascii_digit()) => {
            Err(format!("nslookup: number {val} is not in 1..{max} range\n"))
        }
        Err(_) => Err(format!("nslookup: invalid number '{val}'\n")),
    }
}

/// busybox `nslookup` run in `pod` (argv[0] is the program's name): stdout, stderr, status.
pub fn nslookup(world: &World, pod: &Value, argv: &[String]) -> Output {
    nslookup_with(
        world,
        &files::resolv_conf(world, pod),
        &files::hosts_file(world, pod),
        files::hostname_file(pod).trim_end(),
        argv,
    )
}

/// `nslookup` with the container's own `/etc/resolv.conf`, `/etc/hosts` and host name (what
/// the container has now, if it changed them).
pub fn nslookup_with(
    world: &World,
    resolv_conf: &str,
    hosts: &str,
    hostname: &str,
    argv: &[String],
) -> Output {
    let mut types: Vec<usize> = Vec::new();
    let mut port: u64 = 53;
    let mut i = 1;
    while i < argv.len() && argv[i].starts_with('-') {
        let opt = &argv[i][1..];
        let (key, val) = opt.split_once('=').unwrap_or((opt, ""));
        match key {
            "type" | "querytype" => {
                let Some(t) = QTYPES.iter().position(|(n, _)| n.eq_ignore_ascii_case(val)) else {
                    return fail(format!("nslookup: invalid query type \"{val}\"\n"));
                };
                if !types.contains(&t) {
                    types.push(t);
                }
            }
            "port" => match number(val, 0xffff) {
                Ok(p) => port = p,
                Err(e) => return fail(e),
            },
            "retry" => {
                if let Err(e) = number(val, i32::MAX as u64) {
                    return fail(e);
                }
            }
            "t" | "timeout" => {
                if let Err(e) = number(val, (i32::MAX / 1000) as u64) {
                    return fail(e);
                }
            }
            "debug" => {
                return fail("nslookup: kubelab does not simulate nslookup -debug\n".into());
            }
            _ => return fail(USAGE.into()),
        }
        i += 1;
    }
    let args = &argv[i..];
    if args.is_empty() || args.len() > 2 {
        return fail(USAGE.into());
    }
    let name = args[0].as_str();

    // The servers: the command line's, or resolv.conf's (127.0.0.1 without any).
    let mut search: Option<String> = None;
    let mut servers: Vec<String> = Vec::new();
    if let Some(s) = args.get(1) {
        servers.push(s.clone());
    } else {
        let mut have_search = false;
        for line in resolv_conf.lines() {
            // busybox reads lines into a 512-byte buffer.
            let mut cut = line.len().min(511);
            while !line.is_char_boundary(cut) {
                cut -= 1;
            }
            let line = line[..cut].trim_start_matches([' ', '\t']);
            let Some(end) = line.find([' ', '\t']) else {
                continue;
            };
            let (key, arg) = (&line[..end], &line[end + 1..]);
            if arg.is_empty() {
                continue;
            }
            match key {
                "domain" if !have_search => search = Some(arg.to_string()),
                "search" => {
                    have_search = true;
                    search = Some(arg.to_string());
                }
                "nameserver" => servers.push(arg.to_string()),
                _ => {}
            }
        }
        if search.is_none() {
            search = hostname.split_once('.').map(|(_, d)| d.to_string());
        }
        if search.as_deref() == Some(".") {
            search = None;
        }
        if servers.is_empty() {
            servers.push("127.0.0.1".into());
        }
    }
    // Each server's address, as xhost2sockaddr finds it (a name through the pod's resolver).
    let mut addrs: Vec<(String, String, u64)> = Vec::new();
    let conf = ResolvConf::parse(resolv_conf);
    for s in &servers {
        let (host, p) = match s.rsplit_once(':') {
            Some((h, p)) if !h.contains(':') => match p.parse::<u64>() {
                Ok(p) if p <= 0xffff => (h, p),
                _ => return fail(format!("nslookup: bad port spec '{s}'\n")),
            },
            _ => (s.as_str(), port),
        };
        let ip = if host.parse::<Ipv4Addr>().is_ok() || host.parse::<Ipv6Addr>().is_ok() {
            host.to_string()
        } else {
            match world.resolve_host(&conf, hosts, host) {
                Ok(e) if !e.addrs.is_empty() => e.addrs[0].clone(),
                _ => return fail(format!("nslookup: bad address '{s}'\n")),
            }
        };
        addrs.push((s.clone(), ip, p));
    }

    // The queries, in the order they are sent.
    let mut queries: Vec<(String, RrType)> = Vec::new();
    let with_search = |q: &mut Vec<(String, RrType)>, t: RrType| match &search {
        Some(sl) if t != RrType::Ptr && !name.contains('.') => {
            let mut s = sl.as_str();
            loop {
                let e = s.find([' ', '\t', '\n']).unwrap_or(s.len());
                q.push((format!("{name}.{}", &s[..e]), t));
                s = s[e..].trim_start();
                if s.is_empty() {
                    break;
                }
            }
        }
        _ => q.push((name.to_string(), t)),
    };
    if types.is_empty() {
        match make_ptr(name) {
            Some(ptr) => queries.push((ptr, RrType::Ptr)),
            None => {
                with_search(&mut queries, RrType::A);
                with_search(&mut queries, RrType::Aaaa);
            }
        }
    } else {
        types.sort_unstable();
        for t in types {
            match QTYPES[t].1 {
                Some(rt) => with_search(&mut queries, rt),
                None => {
                    return fail(format!(
                        "nslookup: kubelab does not simulate -type={} queries\n",
                        QTYPES[t].0.to_ascii_lowercase()
                    ));
                }
            }
        }
    }

    let mut out = String::new();
    let mut status = 0;
    for (shown, ip, p) in &addrs {
        let replies: Option<Vec<_>> = if *p == 53 {
            queries
                .iter()
                .map(|(q, t)| world.dns_server_query(ip, q, *t))
                .collect()
        } else {
            None
        };
        let Some(replies) = replies else {
            continue;
        };
        let shown_addr = if ip.contains(':') {
            format!("[{ip}]:{p}")
        } else {
            format!("{ip}:{p}")
        };
        out.push_str(&format!("Server:\t\t{shown}\nAddress:\t{shown_addr}\n\n"));
        for ((q, _), r) in queries.iter().zip(replies) {
            if r.rcode != Rcode::NoError {
                out.push_str(&format!("** server can't find {q}: {}\n", r.rcode.text()));
                status = 1;
            } else {
                if !r.authoritative {
                    out.push_str("Non-authoritative answer:\n");
                }
                for a in &r.answers {
                    match &a.data {
                        Rdata::A(ip) => {
                            out.push_str(&format!("Name:\t{}\nAddress: {ip}\n", a.name))
                        }
                        Rdata::Cname(t) => {
                            out.push_str(&format!("{}\tcanonical name = {t}\n", a.name))
                        }
                        Rdata::Ptr(t) => out.push_str(&format!("{}\tname = {t}\n", a.name)),
                    }
                }
            }
            out.push('\n');
        }
        return (out.into_bytes(), vec![], status);
    }
    (
        b";; connection timed out; no servers could be reached\n\n".to_vec(),
        vec![],
        1,
    )
}
