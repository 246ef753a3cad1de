//! nginx and httpd of the shipped images as they answer HTTP: from the container's own files,
//! as `kubectl exec` sees them (image, writable layer, volumes), so a page written into the
//! document root, an emptyDir an init container filled or an NFS share is what `curl` gets.
//!
//! nginx (`nginx_http.rs`, its configuration read by `nginx_conf.rs`) and httpd
//! (`httpd_http.rs`) answer as docs/containers.md ("Web servers") describes.
//!
//! `nginx -v` prints the version on stderr as `nginx.c` does; other options of nginx and
//! httpd say plainly that kubelab does not simulate them.

use std::rc::Rc;

use serde_json::Value;

use crate::calendar::{MONTHS, WEEKDAYS, civil};
use crate::world::World;
use crate::world::registry::rootfs::{Family, RootFs, RootFsSource};

/// A web server of a shipped image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Server {
    /// nginx: its version, `--prefix`, and the user its workers run as.
    Nginx {
        version: &'static str,
        prefix: &'static str,
        worker: (u32, u32),
    },
    /// Apache httpd: its version (`Server:`).
    Httpd { version: &'static str },
}

/// The web server of a shipped image family. Versions: nginx 1.7.9 and 1.25.5 (the tags),
/// 1.27.3 (the pkg-oss release whose texts `nginx:1.27` carries), 1.11.1 (what nginx-slim 0.8
/// compiles); httpd 2.4.62 (reference §6).
pub(crate) fn server_of(f: Family) -> Option<Server> {
    let packaged = |version| Server::Nginx {
        version,
        prefix: "/etc/nginx",
        worker: (101, 101),
    };
    match f {
        Family::Nginx179 => Some(Server::Nginx {
            version: "1.7.9",
            prefix: "/etc/nginx",
            worker: (101, 102),
        }),
        Family::Nginx125 => Some(packaged("1.25.5")),
        Family::Nginx127 => Some(packaged("1.27.3")),
        // Built from source with `--prefix=/usr/share/nginx`, no `user`: workers are nobody.
        Family::NginxSlim08 => Some(Server::Nginx {
            version: "1.11.1",
            prefix: "/usr/share/nginx",
            worker: (65534, 65534),
        }),
        Family::Httpd24 => Some(Server::Httpd { version: "2.4.62" }),
        _ => None,
    }
}

/// The shipped family whose file system this is (the families are built once per thread and
/// shared, so the same `Rc`).
fn family_of(rootfs: &Rc<RootFs>) -> Option<Family> {
    [
        Family::Nginx179,
        Family::Nginx125,
        Family::Nginx127,
        Family::NginxSlim08,
        Family::Httpd24,
    ]
    .into_iter()
    .find(|f| Rc::ptr_eq(&f.rootfs(), rootfs))
}

/// One HTTP answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub reason: &'static str,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// A request as the server sees it: its URI and its Host header.
pub(crate) struct Request<'a> {
    /// The path and query (`/index.html?x`).
    pub uri: &'a str,
    /// The host name of the Host header.
    pub host: &'a str,
    /// The port of the Host header (curl leaves out 80).
    pub host_port: u16,
    /// The port the server accepted on.
    pub port: u16,
    /// The virtual time, Unix seconds.
    pub now: i64,
}

/// `Mon, 03 Mar 2025 09:00:00 GMT` (RFC 1123, what both servers write).
pub(crate) fn http_date(secs: i64) -> String {
    let (y, mo, d, h, mi, s, wd) = civil(secs.saturating_mul(1000));
    format!(
        "{}, {d:02} {} {y} {h:02}:{mi:02}:{s:02} GMT",
        WEEKDAYS[wd as usize],
        MONTHS[(mo - 1) as usize]
    )
}

pub(super) fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        _ => "Internal Server Error",
    }
}

/// The URI's path, percent-decoded and normalized; None when `..` would leave the root.
pub(super) fn clean_path(uri: &str) -> Option<String> {
    let path = uri.split(['?', '#']).next().unwrap_or("/");
    let bytes = path.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                decoded.push(b);
                i += 3;
            }
            (b, _) => {
                decoded.push(b);
                i += 1;
            }
        }
    }
    let decoded = String::from_utf8_lossy(&decoded).into_owned();
    let mut parts: Vec<&str> = Vec::new();
    for c in decoded.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            c => parts.push(c),
        }
    }
    let mut out = format!("/{}", parts.join("/"));
    if decoded.ends_with('/') && out != "/" {
        out.push('/');
    }
    Some(out)
}

/// Whether the user `(uid, gid)` may read the file.
pub(super) fn readable(node: &crate::shell::vfs::Node, (uid, gid): (u32, u32)) -> bool {
    let bits = if node.uid == uid {
        node.perm >> 6
    } else if node.gid == gid {
        node.perm >> 3
    } else {
        node.perm
    };
    uid == 0 || bits & 0o4 != 0
}

impl World {
    /// What the web server of `container` in `pod` answers to `client`, when the container
    /// runs nginx or httpd of a shipped image, with the lines its access log writes to the
    /// container's log (`access_log.rs`); None for any other container (its image's declared
    /// answer).
    pub(crate) fn web_answer(
        &self,
        pod: &Value,
        container: &str,
        req: &Request<'_>,
        client: &super::access_log::Client,
    ) -> Option<(Answer, Vec<String>)> {
        let rt = self.pods.get(crate::world::api::meta::uid(pod))?;
        let c = rt.containers.iter().find(|c| c.name == container)?;
        let spec = self.container_image(pod, &c.image_name)?;
        let RootFsSource::Shipped(family) = spec.rootfs else {
            return None;
        };
        let server = server_of(family)?;
        let t = self.target(pod, container);
        let (vfs, _) = super::files::assemble(
            self,
            pod,
            container,
            &t.rootfs,
            t.built,
            self.layers.get(&t.container_id).map(|l| &**l),
        );
        let logged = |a: &Answer| super::access_log::Logged {
            client,
            method: "GET",
            uri: req.uri,
            status: a.status,
            bytes: a.body.len(),
            now: req.now,
        };
        Some(match server {
            Server::Nginx {
                version,
                prefix,
                worker,
            } => {
                let a = super::nginx_http::nginx(&vfs, version, prefix, worker, req);
                // The server and location the request took (its URI as sent, normalized).
                let lines = super::nginx_conf::load(&vfs, "/etc/nginx/nginx.conf", prefix)
                    .ok()
                    .and_then(|conf| {
                        let uri = clean_path(req.uri).unwrap_or_else(|| "/".into());
                        let site =
                            super::nginx_conf::site_for(&conf, prefix, req.port, req.host, &uri)
                                .ok()??;
                        Some(super::access_log::nginx_lines(
                            &vfs,
                            &conf,
                            prefix,
                            &site,
                            &logged(&a),
                        ))
                    })
                    .unwrap_or_default();
                (a, lines)
            }
            Server::Httpd { version } => {
                let a = super::httpd_http::httpd(&vfs, version, req);
                let line = super::access_log::httpd_line(&logged(&a));
                (a, vec![line])
            }
        })
    }
}

// ---- the programs ----

/// `nginx ARGS` in a container of `rootfs`: (stdout, stderr, status). `nginx -v` prints the
/// version on stderr (`ngx_show_version_info`); the rest is kubelab's notice.
pub(super) fn nginx_program(
    rootfs: &Rc<RootFs>,
    args: &[String],
    image: &str,
) -> (Vec<u8>, Vec<u8>, i32) {
    let version = family_of(rootfs).and_then(server_of).and_then(|s| match s {
        Server::Nginx { version, .. } => Some(version),
        Server::Httpd { .. } => None,
    });
    match (args, version) {
        ([a], Some(v)) if a == "-v" => (
            vec![],
            format!("nginx version: nginx/{v}\n").into_bytes(),
            0,
        ),
        _ => {
            let what = match args.first() {
                Some(a) => format!("nginx {a}"),
                None => "nginx (a second server)".to_string(),
            };
            let (msg, status) = super::host::not_simulated(&what, image);
            (vec![], msg, status)
        }
    }
}

/// `httpd ARGS` in a container of `rootfs`: (stdout, stderr, status). `httpd -v` prints the
/// version and the build time (`show_compile_settings`' first lines: `__DATE__ __TIME__`, the
/// day padded with a space) on stdout; the rest is kubelab's notice. `built`: Unix seconds.
pub(super) fn httpd_program(
    rootfs: &Rc<RootFs>,
    args: &[String],
    image: &str,
    built: i64,
) -> (Vec<u8>, Vec<u8>, i32) {
    let version = family_of(rootfs).and_then(server_of).and_then(|s| match s {
        Server::Httpd { version } => Some(version),
        Server::Nginx { .. } => None,
    });
    match (args, version) {
        ([a], Some(v)) if a == "-v" => {
            let (y, mo, d, h, mi, s, _) = civil(built.saturating_mul(1000));
            let month = MONTHS[(mo as usize).saturating_sub(1) % 12];
            (
                format!(
                    "Server version: Apache/{v} (Unix)\nServer built:   {month} {d:>2} {y} {h:02}:{mi:02}:{s:02}\n"
                )
                .into_bytes(),
                vec![],
                0,
            )
        }
        _ => {
            let what = match args.first() {
                Some(a) => format!("httpd {a}"),
                None => "httpd (a second server)".to_string(),
            };
            let (msg, status) = super::host::not_simulated(&what, image);
            (vec![], msg, status)
        }
    }
}

/// What the servers' tests share: a request and an image's files.
#[cfg(test)]
pub(super) mod testing {
    use super::*;
    use crate::shell::Vfs;

    pub fn req(uri: &str) -> Request<'_> {
        Request {
            uri,
            host: "web",
            host_port: 80,
            port: 80,
            now: 1_741_000_000,
        }
    }

    /// The image's files (not its programs), written at 1_700_000_000.
    pub fn image(f: Family) -> Vfs {
        use crate::world::registry::rootfs::FileKind;
        let mut v = Vfs::new();
        v.set_now(1_700_000_000);
        for file in &f.rootfs().files {
            match &file.kind {
                FileKind::Dir => {
                    let _ = v.mkdir_all(&file.path);
                }
                FileKind::File(b) => {
                    let _ = v.mkdir_all(&crate::shell::vfs::parent(&file.path));
                    let _ = v.write(&file.path, b, false);
                }
                FileKind::Symlink(t) => {
                    let _ = v.symlink(t, &file.path);
                }
            }
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_dates() {
        assert_eq!(clean_path("/a/../b?x=1"), Some("/b".into()));
        assert_eq!(clean_path("/a%20b/"), Some("/a b/".into()));
        assert_eq!(clean_path("/../x"), None);
        assert_eq!(http_date(1_740_992_400), "Mon, 03 Mar 2025 09:00:00 GMT");
    }
}
