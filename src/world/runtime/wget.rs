//! busybox `wget` (networking/wget.c of busybox 1.36): HTTP GET to Services and pods of the
//! simulated cluster, as `curl` does, with busybox's errors. Without `-q` it reports on stderr as
//! busybox does when stderr is not a terminal (a pod's log, `kubectl exec` without `-t`): the
//! `Connecting to` line, `saving to '...'` or `writing to stdout`, one progress line (the
//! transfer takes no virtual time, so the bar is full and the estimate `0:00:00`; see
//! [`progress_line`]) and `'...' saved` or `written to stdout`. On a terminal the bar's width is
//! the terminal's, which kubelab does not know: that case is refused plainly.

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
    /// Whether stderr is a terminal (`kubectl exec -t`).
    pub tty: bool,
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
    if !quiet && from.tty {
        return notice(out, "wget's progress bar on a terminal (its width)");
    }
    if urls.is_empty() {
        return notice(out, "wget without a URL (its usage text)");
    }
    for url in urls {
        let how = How {
            quiet,
            output: output.as_deref(),
            redirects: 0,
            connect: true,
            timeout,
        };
        let status = one(world, &from, &url, how, shell, out);
        if status != 0 {
            return status;
        }
    }
    0
}

/// How one URL is fetched.
#[derive(Clone, Copy)]
struct How<'a> {
    /// `-q`: nothing on stderr but errors.
    quiet: bool,
    /// `-O FILE` (`-` for stdout).
    output: Option<&'a str>,
    /// Redirects followed so far.
    redirects: u32,
    /// Whether a connection to a (new) host is made: busybox prints `Connecting to` then (a
    /// redirect to a path on the same server reuses the address).
    connect: bool,
    /// `-T SEC`: busybox's alarm around the connection (900 by default; 0: none).
    timeout: u64,
}

/// Fetches one URL; its exit status.
fn one(
    world: &mut World,
    from: &From<'_>,
    url: &str,
    how: How<'_>,
    shell: &mut ShellState,
    out: Sink<'_>,
) -> i32 {
    let output = how.output;
    let timeout = how.timeout;
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
    let shown_host = host.clone();
    let host = match host.as_str() {
        "127.0.0.1" | "localhost" => from.pod_ip.to_string(),
        _ => host,
    };
    // Names resolve through the pod's own resolv.conf and hosts file.
    let pod = world.pod_by_ip(from.pod_ip);
    if !how.quiet && how.connect {
        // `Connecting to HOST[:PORT] (ADDRESS:PORT)` once the name resolved (a name that does
        // not resolve fails below with `bad address`, before this line).
        let address = if shown_host == "localhost" {
            Some("127.0.0.1".to_string())
        } else if shown_host.parse::<std::net::Ipv4Addr>().is_ok() {
            Some(shown_host.clone())
        } else {
            pod.as_ref()
                .and_then(|p| world.resolve_from_pod(p, &shown_host).ok())
                .and_then(|e| e.addrs.first().cloned())
        };
        if let Some(address) = address {
            out(
                true,
                format!("Connecting to {hostport} ({address}:{port})\n").as_bytes(),
            );
        }
    }
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
                Some(l) if how.redirects < 5 => {
                    // A path on the same server reuses the connection's address.
                    let (next, connect) = match l.strip_prefix('/') {
                        Some(p) => (format!("http://{hostport}/{p}"), false),
                        None => (l, true),
                    };
                    let how = How {
                        redirects: how.redirects + 1,
                        connect,
                        ..how
                    };
                    one(world, from, &next, how, shell, out)
                }
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
    // The file's name in the progress line: the last component of where it goes.
    let name_for = |target: &str| -> String {
        let last = target.rsplit('/').next().unwrap_or(target);
        if last.is_empty() {
            target.to_string()
        } else {
            last.to_string()
        }
    };
    let report_start = |out: Sink<'_>, target: Option<&str>| {
        if !how.quiet {
            let line = match target {
                None => "writing to stdout\n".to_string(),
                Some(t) => format!("saving to '{t}'\n"),
            };
            out(true, line.as_bytes());
        }
    };
    let report_end = |out: Sink<'_>, target: Option<&str>, size: usize| {
        if !how.quiet {
            let name = target.map(name_for).unwrap_or_else(|| "-".to_string());
            let mut text = progress_line(&name, size as u64);
            text.push_str(&match target {
                None => "written to stdout\n".to_string(),
                Some(t) => format!("'{t}' saved\n"),
            });
            out(true, text.as_bytes());
        }
    };
    match output {
        Some("-") => {
            report_start(out, None);
            out(false, body.as_bytes());
            report_end(out, None, body.len());
            0
        }
        Some(file) => match shell
            .vfs
            .write(&shell.resolve(file), body.as_bytes(), false)
        {
            Ok(()) => {
                report_start(out, Some(file));
                report_end(out, Some(file), body.len());
                0
            }
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
                Ok(()) => {
                    report_start(out, Some(name));
                    report_end(out, Some(name), body.len());
                    0
                }
                Err(e) => fail(out, format!("can't open '{name}': {e}")),
            }
        }
    }
}

/// The width busybox takes for a stderr that is not a terminal (`get_terminal_width`'s
/// default); the bar is that minus 48 characters.
const NOT_A_TTY_WIDTH: usize = 80;

/// The progress line `bb_progress_update` prints at the end of a transfer when stderr is not
/// a terminal: the file name padded (and cut) to 20 columns, then, when the size is known, the
/// percentage and the bar of `*`, then the size in 5 columns (scaled past 99999 bytes, see
/// [`size5`]) and the time estimate, which is `0:00:00` since no virtual time passed (`--:--:--`
/// for an empty body, whose size counts as unknown).
pub(crate) fn progress_line(name: &str, size: u64) -> String {
    let shown: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '?'
            }
        })
        .take(20)
        .collect();
    let mut line = format!("{shown:<20} ");
    if size > 0 {
        let bar = NOT_A_TTY_WIDTH - 48;
        line.push_str(&format!("100% |{}| ", "*".repeat(bar)));
    }
    line.push_str(&size5(size));
    if size > 0 {
        line.push_str("  0:00:00 ETA\n");
    } else {
        line.push_str(" --:--:-- ETA\n");
    }
    line
}

/// A byte count in 5 columns as busybox's `smart_ulltoa5` writes it: up to 99999 the number
/// right-aligned; past it, scaled by 1024 until it fits, as `12.3k` (below 100 units) or
/// ` 123M` / `1234G` with the unit letter last.
fn size5(bytes: u64) -> String {
    const UNITS: &[u8] = b" kMGTPEZY";
    if bytes <= 99_999 {
        return format!("{bytes:>5}");
    }
    // Tenths of the unit, as the C code scales `bytes * 10`.
    let mut tenths = bytes.saturating_mul(10);
    let mut unit = 0;
    loop {
        tenths /= 1024;
        unit += 1;
        if tenths < 100_000 || unit + 1 >= UNITS.len() {
            break;
        }
    }
    let whole = tenths / 10;
    let letter = UNITS[unit] as char;
    if whole >= 100 {
        format!("{:>4}{letter}", whole)
    } else {
        format!("{:>2}.{}{letter}", whole, tenths % 10)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_in_five_columns() {
        assert_eq!(size5(0), "    0");
        assert_eq!(size5(615), "  615");
        assert_eq!(size5(99_999), "99999");
        // 100000 * 10 / 1024 = 976 tenths: 97.6k
        assert_eq!(size5(100_000), "97.6k");
        // 5 MiB is 51200 tenths of a k: 5120k.
        assert_eq!(size5(5 * 1024 * 1024), "5120k");
        // 200 MiB is 2048000 tenths of a k, 2000 tenths of an M: 200M.
        assert_eq!(size5(200 * 1024 * 1024), " 200M");
    }

    #[test]
    fn the_final_line_of_a_pipe() {
        assert_eq!(
            progress_line("index.html", 615),
            "index.html           100% |********************************|   615  0:00:00 ETA\n"
        );
        assert_eq!(
            progress_line("-", 0),
            "-                        0 --:--:-- ETA\n"
        );
        assert_eq!(
            progress_line("a-very-long-file-name-indeed.html", 1),
            "a-very-long-file-nam 100% |********************************|     1  0:00:00 ETA\n"
        );
    }
}
