//! `curl` (the workstation runs it, and the containers whose images have it): HTTP GET to
//! the names cluster DNS answers (Services as `name`, `name.namespace`,
//! `name.namespace.svc.cluster.local`; headless Services; `HOSTNAME.SUBDOMAIN` pods; dashed pod
//! IPs under `NS.pod.cluster.local`), cluster IPs and pod IPs, answered by nginx and httpd from
//! their files (`webserver.rs`) and by other images' declared HTTP bodies. Exit codes and
//! messages are curl's (6: unknown host, 7: connection refused, 22: `-f` on an error status).

use serde_json::Value;

use crate::world::World;
use crate::world::network::{NetError, Origin};

/// The User-Agent curl sends (`curl/VERSION`). kubelab does not model which curl each image
/// carries: every curl is the one of reference §6's access log (`curl/8.5.0`).
pub const USER_AGENT: &str = "curl/8.5.0";

/// curl's options that kubelab reads.
struct Opts {
    silent: bool,
    show_error: bool,
    include: bool,
    fail: bool,
    url: Option<String>,
    /// `-H 'Host: x'`: the Host header sent instead of the URL's host.
    host_header: Option<String>,
    /// `--resolve HOST:PORT:ADDR`: where connections to HOST:PORT go.
    resolve: Vec<(String, u16, String)>,
    /// `-m`/`--max-time` in milliseconds (0: none).
    max_time: u64,
    /// `--connect-timeout` in milliseconds (0: curl's default, 300 s).
    connect_timeout: u64,
}

/// curl's `secs2ms`: fractional seconds, or the message of a bad value for `opt`.
fn seconds(opt: &str, value: Option<&String>) -> Result<u64, (Vec<u8>, i32)> {
    let bad = |why: &str| {
        Err((
            format!("curl: option {opt}: {why}\ncurl: try 'curl --help' or 'curl --manual' for more information\n")
                .into_bytes(),
            2,
        ))
    };
    let Some(v) = value else {
        return Err((
            format!("curl: option {opt}: requires parameter\ncurl: try 'curl --help' or 'curl --manual' for more information\n")
                .into_bytes(),
            2,
        ));
    };
    match v.parse::<f64>() {
        Ok(x) if x.is_finite() && x < 0.0 => bad("expected a positive numerical parameter"),
        Ok(x) if x.is_finite() && x <= 9_223_372_036.0 => Ok((x * 1000.0) as u64),
        _ => bad("expected a proper numerical parameter"),
    }
}

/// Parses curl's command line. An option kubelab does not read (`-L`, `-v`, `-I`, `-o`,
/// ... and any curl lacks) gets kubelab's plain notice (status 2), never curl's "is unknown",
/// which would be false for curl's real options. `-k` (plain HTTP: no effect in curl either)
/// and the time limits (a connection a NetworkPolicy drops waits for them) are taken.
fn options(args: &[String]) -> Result<Opts, (Vec<u8>, i32)> {
    let mut o = Opts {
        silent: false,
        show_error: false,
        include: false,
        fail: false,
        url: None,
        host_header: None,
        resolve: Vec::new(),
        max_time: 0,
        connect_timeout: 0,
    };
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        match a.as_str() {
            "-s" | "--silent" => o.silent = true,
            "-S" | "--show-error" => o.show_error = true,
            "-i" | "--include" => o.include = true,
            "-f" | "--fail" => o.fail = true,
            "-k" | "--insecure" => {}
            "-m" | "--max-time" => {
                i += 1;
                o.max_time = seconds(a, args.get(i))?;
            }
            "--connect-timeout" => {
                i += 1;
                o.connect_timeout = seconds(a, args.get(i))?;
            }
            // Headers are sent; kubelab's servers, the ingress controller and the router look
            // at the Host header alone, as they route by it.
            "-H" | "--header" => {
                i += 1;
                let h = args.get(i).map(String::as_str).unwrap_or("");
                if let Some((name, value)) = h.split_once(':')
                    && name.trim().eq_ignore_ascii_case("host")
                {
                    o.host_header = Some(value.trim().to_string()).filter(|v| !v.is_empty());
                }
            }
            "--resolve" => {
                i += 1;
                let r = args.get(i).map(String::as_str).unwrap_or("");
                let mut parts = r.splitn(3, ':');
                match (
                    parts.next(),
                    parts.next().map(str::parse::<u16>),
                    parts.next(),
                ) {
                    (Some(h), Some(Ok(p)), Some(a)) if !h.is_empty() && !a.is_empty() => {
                        o.resolve.push((h.to_ascii_lowercase(), p, a.to_string()))
                    }
                    _ => {
                        return Err((
                            format!("curl: (49) Couldn't parse CURLOPT_RESOLVE entry '{r}'\n")
                                .into_bytes(),
                            49,
                        ));
                    }
                }
            }
            s if s.starts_with('-')
                && s.len() > 1
                && !s.starts_with("--")
                && s[1..].chars().all(|c| "sSifk".contains(c)) =>
            {
                o.silent |= s.contains('s');
                o.show_error |= s.contains('S');
                o.include |= s.contains('i');
                o.fail |= s.contains('f');
            }
            s if s.starts_with('-') => {
                return Err((
                    format!("kubelab does not support the curl option {s}\n").into_bytes(),
                    2,
                ));
            }
            s => o.url = Some(s.to_string()),
        }
        i += 1;
    }
    Ok(o)
}

/// What curl says when it cannot write the body (the reader of its output pipe has gone; curl
/// ignores SIGPIPE): error 23, on stderr unless `-s` without `-S`.
pub fn write_failed(args: &[String]) -> (Vec<u8>, i32) {
    let quiet = options(args).is_ok_and(|o| o.silent && !o.show_error);
    let msg: &[u8] = if quiet {
        b""
    } else {
        b"curl: (23) Failed writing body\n"
    };
    (msg.to_vec(), 23)
}

/// A local port `kubectl port-forward` serves on the workstation: connections to one of
/// `hosts` (`localhost`, `127.0.0.1`, `[::1]`, ...) on `local` reach `pod`'s `remote` port over
/// the pod's loopback.
pub struct Forwarded {
    pub hosts: Vec<String>,
    pub local: u16,
    pub pod: Value,
    pub remote: u16,
}

/// curl run at the workstation with its port forwards: (stdout, stderr, exit status).
/// `localhost` without a forward on the port refuses the connection.
pub fn curl_workstation(
    world: &mut World,
    namespace: &str,
    args: &[String],
    forwards: &[Forwarded],
) -> (Vec<u8>, Vec<u8>, i32) {
    run(world, Origin::Workstation(namespace), args, forwards)
}

/// What curl printed: (stdout, stderr, exit status). From the workstation (`localhost` None),
/// names resolve through cluster DNS with the search list of `namespace`; in a pod (`localhost`
/// is its IP), through the pod's own resolv.conf and hosts file.
pub fn curl(
    world: &mut World,
    namespace: &str,
    args: &[String],
    localhost: Option<&str>,
) -> (Vec<u8>, Vec<u8>, i32) {
    match localhost
        .filter(|ip| !ip.is_empty())
        .and_then(|ip| world.pod_by_ip(ip))
    {
        Some(pod) => curl_from_pod(world, &pod, args),
        None => run(world, Origin::Workstation(namespace), args, &[]),
    }
}

/// curl run in `pod` (args without the program's name): (stdout, stderr, exit status).
pub fn curl_from_pod(world: &mut World, pod: &Value, args: &[String]) -> (Vec<u8>, Vec<u8>, i32) {
    run(world, Origin::Pod(pod), args, &[])
}

fn run(
    world: &mut World,
    origin: Origin<'_>,
    args: &[String],
    forwards: &[Forwarded],
) -> (Vec<u8>, Vec<u8>, i32) {
    let Opts {
        silent,
        show_error,
        include,
        fail,
        url,
        host_header,
        resolve,
        max_time,
        connect_timeout,
    } = match options(args) {
        Ok(o) => o,
        Err((stderr, status)) => return (vec![], stderr, status),
    };
    let Some(url) = url else {
        return (vec![], b"curl: no URL specified!\ncurl: try 'curl --help' or 'curl --manual' for more information\n".to_vec(), 2);
    };
    let quiet = silent && !show_error;
    // The lab's web hosts (`world/web_hosts.rs`) answer over http and https alike.
    if world.web_hosts.reachable(&url) {
        let body = world.web_hosts.get(&url).map(<[u8]>::to_vec);
        return web_host_answer(body, include, fail, quiet);
    }
    let rest = url.strip_prefix("http://").unwrap_or(&url);
    if url.starts_with("https://") {
        return (
            vec![],
            if silent && !show_error {
                vec![]
            } else {
                b"curl: (35) kubelab's cluster serves plain HTTP only\n".to_vec()
            },
            35,
        );
    }
    let (hostport, path) = match rest.find('/') {
        Some(p) => (&rest[..p], &rest[p..]),
        None => (rest, "/"),
    };
    let (host, port) = match hostport.rsplit_once(':') {
        Some((h, p)) => match p.parse::<u16>() {
            Ok(p) => (h.to_string(), p),
            Err(_) => return (vec![], b"curl: (3) URL rejected: Port number was not a decimal number between 0 and 65535\n".to_vec(), 3),
        },
        None => (hostport.to_string(), 80),
    };
    // (`localhost` in a pod is the pod's own address: `World::http_get`.)
    let header = host_header.unwrap_or_else(|| host.clone());
    let connect = resolve
        .iter()
        .find(|(h, p, _)| *h == host.to_ascii_lowercase() && *p == port)
        .map(|(_, _, a)| a.clone())
        .unwrap_or_else(|| host.clone());
    let answer = match origin {
        Origin::Workstation(_) if is_loopback(&connect) => {
            match forwards.iter().find(|f| {
                f.local == port && f.hosts.iter().any(|h| h.eq_ignore_ascii_case(&connect))
            }) {
                // The kubelet's forward connects to the port inside the pod's network
                // namespace: the server sees 127.0.0.1. Nothing listening there: kubectl
                // closes the accepted connection and curl reads nothing.
                Some(f) => {
                    let client = super::access_log::Client {
                        addr: "127.0.0.1".into(),
                        agent: USER_AGENT.into(),
                    };
                    match world.answer_pod(&f.pod, f.remote, (&header, port), path, &client) {
                        Err(NetError::Refused { .. }) => {
                            let err = if quiet {
                                vec![]
                            } else {
                                b"curl: (52) Empty reply from server\n".to_vec()
                            };
                            return (vec![], err, 52);
                        }
                        other => other,
                    }
                }
                None => Err(NetError::Refused {
                    host: connect.clone(),
                    port,
                }),
            }
        }
        _ => world.http_request(origin, &connect, port, path, USER_AGENT, Some(&header)),
    };
    match answer {
        Ok(r) => {
            if fail && r.status >= 400 {
                return (
                    vec![],
                    if quiet {
                        vec![]
                    } else {
                        format!(
                            "curl: (22) The requested URL returned error: {}\n",
                            r.status
                        )
                        .into_bytes()
                    },
                    22,
                );
            }
            let mut out = Vec::new();
            if include {
                out.extend(format!("HTTP/1.1 {} {}\r\n", r.status, r.reason).as_bytes());
                for (k, v) in &r.headers {
                    out.extend(format!("{k}: {v}\r\n").as_bytes());
                }
                out.extend(b"\r\n");
            }
            out.extend(r.body.as_bytes());
            (out, vec![], 0)
        }
        Err(NetError::UnknownHost(h)) if h.parse::<std::net::Ipv4Addr>().is_ok() => (
            vec![],
            if quiet {
                vec![]
            } else {
                format!("curl: (7) Failed to connect to {h} port {port} after 0 ms: Couldn't connect to server\n").into_bytes()
            },
            7,
        ),
        Err(NetError::UnknownHost(h)) => (
            vec![],
            if quiet {
                vec![]
            } else {
                format!("curl: (6) Could not resolve host: {h}\n").into_bytes()
            },
            6,
        ),
        Err(NetError::Dropped { host, port }) => {
            let (waited, msg) = dropped(&host, port, max_time, connect_timeout);
            world.advance(waited as i64);
            (vec![], if quiet { vec![] } else { msg.into_bytes() }, 28)
        }
        Err(NetError::Refused { host, port }) => (
            vec![],
            if quiet {
                vec![]
            } else {
                format!("curl: (7) Failed to connect to {host} port {port} after 0 ms: Couldn't connect to server\n").into_bytes()
            },
            7,
        ),
    }
}

/// The workstation's own addresses: `localhost`, `127.0.0.1` (and the rest of 127/8), `[::1]`.
fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host == "[::1]"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// How long curl 8.5 waits for a connection nobody answers, and what it says then (exit 28):
/// `-m` is checked before the connection's own progress (`multi.c`, strictly past the limit:
/// one millisecond more); `--connect-timeout` (default 300 s) by the connecting filter
/// (`connect.c`, at the limit: `Timeout was reached`); without a limit under the kernel's
/// 127 s, the kernel gives up first (ETIMEDOUT: `Couldn't connect to server`, exit 28).
fn dropped(host: &str, port: u16, max_time: u64, connect_timeout: u64) -> (u64, String) {
    let kernel = crate::world::network_policy::KERNEL_CONNECT_TIMEOUT_MS as u64;
    let connect = if connect_timeout == 0 {
        300_000
    } else {
        connect_timeout
    };
    if max_time > 0 && max_time <= connect.min(kernel) {
        return (
            max_time + 1,
            format!(
                "curl: (28) Connection timed out after {} milliseconds\n",
                max_time + 1
            ),
        );
    }
    if connect < kernel {
        return (
            connect,
            format!(
                "curl: (28) Failed to connect to {host} port {port} after {connect} ms: Timeout was reached\n"
            ),
        );
    }
    (
        kernel,
        format!(
            "curl: (28) Failed to connect to {host} port {port} after {kernel} ms: Couldn't connect to server\n"
        ),
    )
}

/// A lab web host's answer: the file (200), or 404 for a path it does not serve.
fn web_host_answer(
    body: Option<Vec<u8>>,
    include: bool,
    fail: bool,
    quiet: bool,
) -> (Vec<u8>, Vec<u8>, i32) {
    let status = if body.is_some() { 200 } else { 404 };
    if fail && body.is_none() {
        let err = if quiet {
            vec![]
        } else {
            b"curl: (22) The requested URL returned error: 404\n".to_vec()
        };
        return (vec![], err, 22);
    }
    let body = body.unwrap_or_else(|| b"404: Not Found".to_vec());
    let mut out = Vec::new();
    if include {
        let reason = if status == 200 { "OK" } else { "Not Found" };
        out.extend(
            format!(
                "HTTP/1.1 {status} {reason}\r\nContent-Length: {}\r\n\r\n",
                body.len()
            )
            .as_bytes(),
        );
    }
    out.extend(body);
    (out, vec![], 0)
}
