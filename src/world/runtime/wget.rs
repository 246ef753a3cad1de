//! busybox `wget` (networking/wget.c) in quiet mode (`wget -qO- http://svc`, `wget -q URL`):
//! HTTP GET to Services and pods of the simulated cluster, as `curl` does, with busybox's
//! errors. Its progress output (without `-q`) depends on the terminal and the clock, and is not
//! simulated.

use crate::shell::{ShellState, Sink};
use crate::world::World;
use crate::world::network::NetError;

/// The User-Agent busybox wget sends (networking/wget.c: `User-Agent: Wget`, the default of
/// its `-U`).
const USER_AGENT: &str = "Wget";

/// What one `wget` needs of the container it runs in.
pub(super) struct From<'a> {
    /// The pod's namespace (short names resolve there).
    pub namespace: &'a str,
    /// The pod's IP (`localhost`).
    pub pod_ip: &'a str,
    /// The image as the pod names it (kubelab's notices).
    pub image: &'a str,
}

/// Runs `wget ARGS`; returns its exit status.
pub(super) fn wget(
    world: &mut World,
    from: From<'_>,
    args: &[String],
    shell: &mut ShellState,
    out: Sink<'_>,
) -> i32 {
    let mut quiet = false;
    let mut output: Option<String> = None;
    // busybox's default network timeout (`G.timeout_seconds = 900`).
    let mut timeout: u64 = 900;
    let mut urls = Vec::new();
    let mut i = 0;
    let notice = |out: Sink<'_>, what: &str| {
        out(
            true,
            format!("kubelab does not simulate {what} in {}\n", from.image).as_bytes(),
        );
        1
    };
    while i < args.len() {
        let a = &args[i];
        i += 1;
        if a == "--" {
            urls.extend(args[i..].iter().cloned());
            break;
        }
        if !a.starts_with('-') || a == "-" {
            urls.push(a.clone());
            continue;
        }
        // Short options, bundled as getopt32 takes them (`-qO-`, `-qO file`, `-T5`).
        let mut chars = a[1..].chars();
        while let Some(c) = chars.next() {
            match c {
                'q' => quiet = true,
                'O' | 'T' => {
                    let rest: String = chars.by_ref().collect();
                    let value = if rest.is_empty() {
                        let v = args.get(i).cloned();
                        i += 1;
                        v
                    } else {
                        Some(rest)
                    };
                    let Some(value) = value else {
                        return notice(out, &format!("wget -{c} without its value"));
                    };
                    if c == 'O' {
                        output = Some(value);
                    } else {
                        // -T: getopt32's `T:+`, a number (the alarm around the connection).
                        match value.parse::<u32>() {
                            Ok(t) => timeout = t as u64,
                            Err(_) => {
                                out(true, format!("wget: invalid number '{value}'\n").as_bytes());
                                return 1;
                            }
                        }
                    }
                }
                _ => return notice(out, &format!("the wget option {a}")),
            }
        }
    }
    if !quiet {
        return notice(out, "wget without -q (its progress output)");
    }
    if urls.is_empty() {
        return notice(out, "wget without a URL (its usage text)");
    }
    for url in urls {
        let status = one(
            world,
            (&from, timeout),
            &url,
            output.as_deref(),
            shell,
            out,
            0,
        );
        if status != 0 {
            return status;
        }
    }
    0
}

/// Fetches one URL; its exit status.
fn one(
    world: &mut World,
    (from, timeout): (&From<'_>, u64),
    url: &str,
    output: Option<&str>,
    shell: &mut ShellState,
    out: Sink<'_>,
    redirects: u32,
) -> i32 {
    let fail = |out: Sink<'_>, msg: String| {
        out(true, format!("wget: {msg}\n").as_bytes());
        1
    };
    if url.starts_with("https://") {
        out(
            true,
            b"kubelab does not simulate HTTPS: the cluster's services answer plain HTTP\n",
        );
        return 1;
    }
    let rest = url.strip_prefix("http://").unwrap_or(url);
    let (hostport, path) = match rest.find('/') {
        Some(p) => (&rest[..p], &rest[p..]),
        None => (rest, "/"),
    };
    let (host, port) = match hostport.rsplit_once(':') {
        Some((h, p)) => match p.parse::<u16>() {
            Ok(p) => (h.to_string(), p),
            Err(_) => return fail(out, format!("bad port spec '{hostport}'")),
        },
        None => (hostport.to_string(), 80),
    };
    let host = match host.as_str() {
        "127.0.0.1" | "localhost" => from.pod_ip.to_string(),
        _ => host,
    };
    // Names resolve through the pod's own resolv.conf and hosts file.
    let pod = world.pod_by_ip(from.pod_ip);
    let origin = match &pod {
        Some(p) => crate::world::network::Origin::Pod(p),
        None => crate::world::network::Origin::Workstation(from.namespace),
    };
    let got = world.http_get(origin, &host, port, path, USER_AGENT);
    let body = match got {
        // A redirect is followed (busybox gives up after 5: `too many redirections`).
        Ok(r) if matches!(r.status, 301 | 302 | 303 | 307 | 308) => {
            let location = r
                .headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("Location"))
                .map(|(_, v)| v.clone());
            return match location {
                Some(l) if redirects < 5 => one(
                    world,
                    (from, timeout),
                    &l,
                    output,
                    shell,
                    out,
                    redirects + 1,
                ),
                Some(_) => fail(out, "too many redirections".into()),
                None => fail(
                    out,
                    format!("server returned error: HTTP/1.1 {} {}", r.status, r.reason),
                ),
            };
        }
        Ok(r) if !(200..300).contains(&r.status) => {
            return fail(
                out,
                format!("server returned error: HTTP/1.1 {} {}", r.status, r.reason),
            );
        }
        Ok(r) => r.body,
        Err(NetError::UnknownHost(h)) if h.parse::<std::net::Ipv4Addr>().is_ok() => {
            return fail(
                out,
                format!("can't connect to remote host ({h}): Connection refused"),
            );
        }
        Err(NetError::UnknownHost(h)) => return fail(out, format!("bad address '{h}'")),
        // A NetworkPolicy dropped the connection: busybox's alarm (`-T`, 900 s by default;
        // 0: none) or the kernel's ETIMEDOUT, whichever comes first.
        Err(NetError::Dropped { host, .. }) => {
            let kernel = crate::world::network_policy::KERNEL_CONNECT_TIMEOUT_MS;
            if timeout > 0 && (timeout as i64) * 1000 < kernel {
                world.advance(timeout as i64 * 1000);
                return fail(out, "download timed out".into());
            }
            world.advance(kernel);
            let ip = if host.parse::<std::net::Ipv4Addr>().is_ok() {
                host
            } else {
                pod.as_ref()
                    .and_then(|p| world.resolve_from_pod(p, &host).ok())
                    .and_then(|e| e.addrs.first().cloned())
                    .unwrap_or(host)
            };
            return fail(
                out,
                format!("can't connect to remote host ({ip}): Connection timed out"),
            );
        }
        Err(NetError::Refused { host, .. }) => {
            let ip = if host.parse::<std::net::Ipv4Addr>().is_ok() {
                host
            } else {
                pod.as_ref()
                    .and_then(|p| world.resolve_from_pod(p, &host).ok())
                    .and_then(|e| e.addrs.first().cloned())
                    .unwrap_or(host)
            };
            return fail(
                out,
                format!("can't connect to remote host ({ip}): Connection refused"),
            );
        }
    };
    match output {
        Some("-") => {
            out(false, body.as_bytes());
            0
        }
        Some(file) => match shell
            .vfs
            .write(&shell.resolve(file), body.as_bytes(), false)
        {
            Ok(()) => 0,
            Err(e) => fail(out, format!("can't open '{file}': {e}")),
        },
        None => {
            // The URL's last component, or index.html; never over an existing file (O_EXCL).
            let last = path.rsplit('/').next().unwrap_or("");
            let name = if last.is_empty() { "index.html" } else { last };
            let target = shell.resolve(name);
            if shell.vfs.exists(&target) {
                return fail(out, format!("can't open '{name}': File exists"));
            }
            match shell.vfs.write(&target, body.as_bytes(), false) {
                Ok(()) => 0,
                Err(e) => fail(out, format!("can't open '{name}': {e}")),
            }
        }
    }
}
