//! The access logs of nginx and httpd of the shipped images: a line per request in the
//! container's log (`kubectl logs`), where the server's configuration sends it to stdout.
//!
//! nginx (`ngx_http_log_module`): the `access_log` directives in effect for the request (http,
//! then the server, then the location: a level that has any replaces the inherited ones;
//! `off`: nothing), each with its `log_format` (`combined` built in; the images' nginx.conf
//! defines `main`), written when its path leads to the container's stdout or stderr (the
//! images link `/var/log/nginx/access.log` to `/dev/stdout`). No `access_log` at all: the
//! compiled-in default, `combined` to `--http-log-path` (`/var/log/nginx/access.log` in
//! nginx.org's packages; nginx-slim's build path is not known to kubelab: nothing). Values are
//! escaped as nginx does (`"`, `\`, control and non-ASCII bytes as `\xHH`); a variable that
//! has no value logs `-`.
//!
//! httpd (docker-library/httpd): the Dockerfile edits httpd.conf to `CustomLog /proc/self/fd/1
//! common`: `%h %l %u %t "%r" %>s %b` (`%b`: `-` for an empty body).
//!
//! Not simulated: an access log written to a file (the line is not written); `if=`,
//! `buffer=`, `flush=` and `gzip=` (kubelab's notice goes to the log instead of the line).

use crate::calendar::{MONTHS, civil};
use crate::shell::Vfs;

use super::nginx_conf::{self, Directive};

/// Who sent a request, as the server sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    /// The source address of the connection.
    pub addr: String,
    /// The User-Agent header the client sends.
    pub agent: String,
}

/// One request as the access log sees it.
pub(super) struct Logged<'a> {
    pub client: &'a Client,
    /// The method (`GET`).
    pub method: &'a str,
    /// The request target as sent (`/index.html?x`).
    pub uri: &'a str,
    pub status: u16,
    /// The body's length.
    pub bytes: usize,
    /// Unix seconds.
    pub now: i64,
}

/// nginx's `combined` format (built into `ngx_http_log_module.c`).
const COMBINED: &str = "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\"";

/// How many symbolic links a log path may go through.
const MAX_LINKS: usize = 8;

/// `07/Dec/2026:04:19:20 +0000` (`$time_local`, `%t`: local time, UTC in a container).
pub(super) fn time_local(now: i64) -> String {
    let (y, mo, d, h, mi, s, _) = civil(now.saturating_mul(1000));
    format!(
        "{d:02}/{}/{y}:{h:02}:{mi:02}:{s:02} +0000",
        MONTHS[(mo as usize).saturating_sub(1) % 12]
    )
}

/// A value as nginx escapes it in a log line (`ngx_http_log_escape`, the default escaping).
fn nginx_escape(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for b in v.bytes() {
        if b == b'"' || b == b'\\' || !(0x20..0x7f).contains(&b) {
            out.push_str(&format!("\\x{b:02X}"));
        } else {
            out.push(b as char);
        }
    }
    out
}

/// A value as httpd escapes it (`ap_escape_logitem`: `"` and `\` with a backslash, `\n`,
/// `\t` and the other control and non-ASCII bytes as `\xhh`).
fn httpd_escape(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for b in v.bytes() {
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\t' => out.push_str("\\t"),
            b'\r' => out.push_str("\\r"),
            0x20..=0x7e => out.push(b as char),
            b => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out
}

/// Where a path leads when it is followed through the file system's symbolic links.
fn follow(vfs: &Vfs, path: &str) -> String {
    let mut p = path.to_string();
    for _ in 0..MAX_LINKS {
        if !vfs.is_symlink(&p) {
            break;
        }
        let Ok(t) = vfs.readlink(&p) else { break };
        p = if t.starts_with('/') {
            t
        } else {
            format!(
                "{}/{t}",
                crate::shell::vfs::parent(&p).trim_end_matches('/')
            )
        };
    }
    p
}

/// Whether a log path is the container's stdout or stderr (`kubectl logs` shows both).
fn is_container_log(vfs: &Vfs, path: &str) -> bool {
    matches!(
        follow(vfs, path).as_str(),
        "/dev/stdout"
            | "/dev/stderr"
            | "/proc/self/fd/1"
            | "/proc/self/fd/2"
            | "/proc/1/fd/1"
            | "/proc/1/fd/2"
    )
}

/// The text of `log_format NAME` in the http block (its strings joined); `combined` is built in.
fn format_text(http: &[Directive], name: &str) -> Option<String> {
    if name == "combined" {
        return Some(COMBINED.to_string());
    }
    http.iter()
        .find(|d| d.name == "log_format" && d.args.first().map(String::as_str) == Some(name))
        .map(|d| {
            // `escape=` comes before the strings.
            d.args[1..]
                .iter()
                .filter(|a| !a.starts_with("escape="))
                .cloned()
                .collect::<String>()
        })
}

/// A format with its variables filled in.
fn render(format: &str, r: &Logged<'_>) -> String {
    let mut out = String::new();
    let mut rest = format;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let braced = after.starts_with('{');
        let body = if braced { &after[1..] } else { after };
        let len = body
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(body.len());
        let name = &body[..len];
        let consumed = if braced && body[len..].starts_with('}') {
            len + 2
        } else {
            len
        };
        let value = match name {
            "remote_addr" => Some(r.client.addr.clone()),
            "time_local" => Some(time_local(r.now)),
            "request" => Some(format!("{} {} HTTP/1.1", r.method, r.uri)),
            "request_method" => Some(r.method.to_string()),
            "request_uri" => Some(r.uri.to_string()),
            "server_protocol" => Some("HTTP/1.1".into()),
            "status" => Some(r.status.to_string()),
            "body_bytes_sent" => Some(r.bytes.to_string()),
            "http_user_agent" => Some(r.client.agent.clone()),
            // Headers the clients do not send, and no authentication: nginx's `-`.
            "remote_user" | "http_referer" | "http_x_forwarded_for" => None,
            "" => {
                out.push('$');
                rest = &after[consumed..];
                continue;
            }
            other => Some(format!("(kubelab does not simulate ${other})")),
        };
        out.push_str(&value.map_or("-".into(), |v| nginx_escape(&v)));
        rest = &after[consumed..];
    }
    out.push_str(rest);
    out
}

/// The lines nginx writes to the container's log for a request that took `site` (the
/// server and location that answered), from the configuration `conf`.
pub(super) fn nginx_lines(
    vfs: &Vfs,
    conf: &[Directive],
    prefix: &str,
    site: &nginx_conf::Site,
    r: &Logged<'_>,
) -> Vec<String> {
    let Some(http) = conf
        .iter()
        .find(|d| d.name == "http")
        .and_then(|d| d.block.as_ref())
    else {
        return vec![];
    };
    let logs = match &site.access_logs {
        Some(l) => l.clone(),
        // The compiled-in default: `--http-log-path` of nginx.org's packages.
        None if prefix == "/etc/nginx" => {
            vec![vec!["/var/log/nginx/access.log".into(), "combined".into()]]
        }
        None => vec![],
    };
    let mut out = Vec::new();
    for args in logs {
        let Some(path) = args.first() else { continue };
        if path == "off" {
            continue;
        }
        let path = if path.starts_with('/') {
            path.clone()
        } else {
            format!("{}/{path}", prefix.trim_end_matches('/'))
        };
        if !is_container_log(vfs, &path) {
            continue;
        }
        // `if=`, `buffer=`, `flush=`, `gzip=`: said plainly instead of a line they would change.
        if let Some(opt) = args.iter().skip(1).find(|a| a.contains('=')) {
            let opt = opt.split('=').next().unwrap_or_default();
            out.push(format!(
                "kubelab does not simulate the nginx access_log parameter {opt}="
            ));
            continue;
        }
        let name = args.get(1).map_or("combined", String::as_str);
        match format_text(http, name) {
            Some(f) => out.push(render(&f, r)),
            None => out.push(format!(
                "kubelab does not simulate the nginx log format \"{name}\" (not defined)"
            )),
        }
    }
    out
}

/// The line httpd writes (`CustomLog /proc/self/fd/1 common`).
pub(super) fn httpd_line(r: &Logged<'_>) -> String {
    let bytes = match r.bytes {
        0 => "-".to_string(),
        n => n.to_string(),
    };
    format!(
        "{} - - [{}] \"{}\" {} {bytes}",
        r.client.addr,
        time_local(r.now),
        httpd_escape(&format!("{} {} HTTP/1.1", r.method, r.uri)),
        r.status
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn logged(client: &Client, status: u16, bytes: usize) -> Logged<'_> {
        Logged {
            client,
            method: "GET",
            uri: "/",
            status,
            bytes,
            now: 1_796_617_160,
        }
    }

    #[test]
    fn formats() {
        let c = Client {
            addr: "10.244.1.5".into(),
            agent: "curl/8.5.0".into(),
        };
        assert_eq!(time_local(1_796_617_160), "07/Dec/2026:04:19:20 +0000");
        assert_eq!(
            httpd_line(&logged(&c, 200, 45)),
            "10.244.1.5 - - [07/Dec/2026:04:19:20 +0000] \"GET / HTTP/1.1\" 200 45"
        );
        assert_eq!(
            httpd_line(&logged(&c, 304, 0)),
            "10.244.1.5 - - [07/Dec/2026:04:19:20 +0000] \"GET / HTTP/1.1\" 304 -"
        );
        let main = "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\" \"$http_x_forwarded_for\"";
        assert_eq!(
            render(main, &logged(&c, 404, 153)),
            "10.244.1.5 - - [07/Dec/2026:04:19:20 +0000] \"GET / HTTP/1.1\" 404 153 \"-\" \"curl/8.5.0\" \"-\""
        );
        assert_eq!(nginx_escape("a\"b\\c\u{1}"), "a\\x22b\\x5Cc\\x01");
        assert_eq!(httpd_escape("a\"b"), "a\\\"b");
    }

    /// The image's nginx.conf logs `main` to /var/log/nginx/access.log, a link to /dev/stdout;
    /// `access_log off;` in the server, or a file, logs nothing to the container's log.
    #[test]
    fn nginx_configurations() {
        use crate::world::registry::rootfs::Family;
        let c = Client {
            addr: "10.244.1.5".into(),
            agent: "Wget".into(),
        };
        let lines = |vfs: &Vfs| {
            let conf = nginx_conf::load(vfs, "/etc/nginx/nginx.conf", "/etc/nginx").unwrap();
            let site = nginx_conf::site_for(&conf, "/etc/nginx", 80, "web", "/")
                .unwrap()
                .unwrap();
            nginx_lines(vfs, &conf, "/etc/nginx", &site, &logged(&c, 200, 615))
        };
        let mut vfs = super::super::webserver::testing::image(Family::Nginx127);
        assert_eq!(
            lines(&vfs),
            vec![
                "10.244.1.5 - - [07/Dec/2026:04:19:20 +0000] \"GET / HTTP/1.1\" 200 615 \"-\" \"Wget\" \"-\""
            ]
        );
        let conf = |text: &str| text.as_bytes().to_vec();
        vfs.write(
            "/etc/nginx/nginx.conf",
            &conf("events {} http { server { listen 80; access_log off; } }"),
            false,
        )
        .unwrap();
        assert!(lines(&vfs).is_empty());
        vfs.write(
            "/etc/nginx/nginx.conf",
            &conf("events {} http { access_log /tmp/a.log; server { listen 80; } }"),
            false,
        )
        .unwrap();
        assert!(lines(&vfs).is_empty());
        // No directive: `combined` to the packages' path.
        vfs.write(
            "/etc/nginx/nginx.conf",
            &conf("events {} http { server { listen 80; } }"),
            false,
        )
        .unwrap();
        assert_eq!(
            lines(&vfs),
            vec![
                "10.244.1.5 - - [07/Dec/2026:04:19:20 +0000] \"GET / HTTP/1.1\" 200 615 \"-\" \"Wget\""
            ]
        );
    }
}
