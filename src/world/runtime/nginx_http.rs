//! nginx answering a request from the container's files: `root` + `index`, 403 for a
//! directory without an index (autoindex off), 404, a 301 to `URI/` for a directory,
//! `error_page`; the special pages of `src/http/ngx_http_special_response.c` and the headers of
//! `ngx_http_header_filter_module.c`, in its order.

use crate::shell::Vfs;

use super::nginx_conf;
use super::webserver::{Answer, Request, clean_path, http_date, readable, reason};

/// An nginx special page (`ngx_http_send_special_response`).
fn nginx_page(status: u16, version: Option<&str>, bgcolor: bool) -> Vec<u8> {
    let title = format!("{status} {}", reason(status));
    let body = if bgcolor {
        "<body bgcolor=\"white\">"
    } else {
        "<body>"
    };
    let tail = match version {
        Some(v) => format!("<hr><center>nginx/{v}</center>\r\n"),
        None => "<hr><center>nginx</center>\r\n".to_string(),
    };
    format!(
        "<html>\r\n<head><title>{title}</title></head>\r\n{body}\r\n<center><h1>{title}</h1></center>\r\n{tail}</body>\r\n</html>\r\n"
    )
    .into_bytes()
}

/// Whether the version writes `bgcolor` (removed in 1.15.4).
fn old_nginx(version: &str) -> bool {
    let mut v = version.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    let (a, b, c) = (
        v.next().unwrap_or(0),
        v.next().unwrap_or(0),
        v.next().unwrap_or(0),
    );
    (a, b, c) < (1, 15, 4)
}

/// What static content lookup found.
enum Found {
    File(String),
    Status(u16),
    Redirect(String),
}

fn nginx_lookup(vfs: &Vfs, site: &nginx_conf::Site, uri: &str, worker: (u32, u32)) -> Found {
    let file = |path: &str| -> Found {
        match vfs.stat(path) {
            Err(_) => Found::Status(404),
            Ok(st) if st.node.is_dir() => Found::Redirect(String::new()),
            Ok(st) if !readable(&st.node, worker) => Found::Status(403),
            Ok(_) => Found::File(path.to_string()),
        }
    };
    let root = site.root.trim_end_matches('/');
    if uri.ends_with('/') {
        for idx in &site.index {
            let p = format!("{root}{uri}{idx}");
            if vfs.stat(&p).is_ok() {
                return match file(&p) {
                    Found::Redirect(_) => Found::Redirect(format!("{uri}{idx}/")),
                    f => f,
                };
            }
        }
        return match vfs.stat(&format!("{root}{uri}")) {
            Ok(st) if st.node.is_dir() => Found::Status(403),
            _ => Found::Status(404),
        };
    }
    match file(&format!("{root}{uri}")) {
        Found::Redirect(_) => Found::Redirect(format!("{uri}/")),
        f => f,
    }
}

pub(super) fn nginx(
    vfs: &Vfs,
    version: &str,
    prefix: &str,
    worker: (u32, u32),
    req: &Request<'_>,
) -> Answer {
    let not_simulated = |what: String| Answer {
        status: 500,
        reason: reason(500),
        headers: vec![("Content-Type".into(), "text/plain".into())],
        body: format!("kubelab does not simulate {what} (nginx/{version})\n").into_bytes(),
    };
    let conf = match nginx_conf::load(vfs, "/etc/nginx/nginx.conf", prefix) {
        Ok(c) => c,
        Err(e) => return not_simulated(format!("nginx with this configuration: {e}")),
    };
    let date = http_date(req.now);
    let mut uri = clean_path(req.uri);
    let mut status_override: Option<u16> = None;
    // An error page is looked up once (`recursive_error_pages off`).
    for round in 0..2 {
        let path = uri.clone().unwrap_or_default();
        let site = match nginx_conf::site_for(&conf, prefix, req.port, req.host, &path) {
            Ok(Some(s)) => s,
            Ok(None) => {
                return not_simulated(format!(
                    "a request to port {} that no nginx server listens on",
                    req.port
                ));
            }
            Err(e) => return not_simulated(e),
        };
        let found = match &uri {
            None => Found::Status(400),
            Some(u) => nginx_lookup(vfs, &site, u, worker),
        };
        let tokens = site.tokens.then_some(version);
        let server = match tokens {
            Some(v) => format!("nginx/{v}"),
            None => "nginx".to_string(),
        };
        match found {
            Found::File(p) => {
                let st = vfs.stat(&p).ok();
                let body = vfs.read(&p).map(<[u8]>::to_vec).unwrap_or_default();
                let mtime = st.as_ref().map_or(0, |s| s.node.mtime);
                let ext = crate::shell::vfs::file_name(&p)
                    .rsplit_once('.')
                    .map(|(_, e)| e.to_ascii_lowercase());
                let ctype = ext
                    .and_then(|e| site.types.iter().find(|(x, _)| *x == e))
                    .map(|(_, t)| t.clone())
                    .unwrap_or_else(|| site.default_type.clone());
                let status = status_override.unwrap_or(200);
                let mut headers = vec![
                    ("Server".to_string(), server),
                    ("Date".into(), date.clone()),
                    ("Content-Type".into(), ctype),
                    ("Content-Length".into(), body.len().to_string()),
                ];
                if status == 200 {
                    headers.push(("Last-Modified".into(), http_date(mtime)));
                }
                headers.push(("Connection".into(), "keep-alive".into()));
                headers.push(("ETag".into(), format!("\"{:x}-{:x}\"", mtime, body.len())));
                if status == 200 {
                    headers.push(("Accept-Ranges".into(), "bytes".into()));
                }
                return Answer {
                    status,
                    reason: reason(status),
                    headers,
                    body,
                };
            }
            Found::Redirect(to) if status_override.is_none() => {
                let body = nginx_page(301, tokens, old_nginx(version));
                let port = if req.port == 80 {
                    String::new()
                } else {
                    format!(":{}", req.port)
                };
                return Answer {
                    status: 301,
                    reason: reason(301),
                    headers: vec![
                        ("Server".into(), server),
                        ("Date".into(), date),
                        ("Content-Type".into(), "text/html".into()),
                        ("Content-Length".into(), body.len().to_string()),
                        ("Location".into(), format!("http://{}{port}{to}", req.host)),
                        ("Connection".into(), "keep-alive".into()),
                    ],
                    body,
                };
            }
            found => {
                let status = match (status_override, found) {
                    (Some(s), _) => s,
                    (None, Found::Status(s)) => s,
                    _ => 404,
                };
                let page = site
                    .error_pages
                    .iter()
                    .find(|(c, _)| *c == status)
                    .map(|(_, u)| u.clone());
                if round == 0
                    && let Some(page) = page
                {
                    uri = clean_path(&page);
                    status_override = Some(status);
                    continue;
                }
                let body = nginx_page(status, tokens, old_nginx(version));
                return Answer {
                    status,
                    reason: reason(status),
                    headers: vec![
                        ("Server".into(), server),
                        ("Date".into(), date),
                        ("Content-Type".into(), "text/html".into()),
                        ("Content-Length".into(), body.len().to_string()),
                        ("Connection".into(), "keep-alive".into()),
                    ],
                    body,
                };
            }
        }
    }
    not_simulated("recursive error pages".into())
}

#[cfg(test)]
mod tests {
    use super::super::webserver::testing::{image, req};
    use super::*;
    use crate::world::registry::rootfs::Family;

    #[test]
    fn nginx_serves_its_root() {
        let mut v = image(Family::Nginx127);
        let a = nginx(&v, "1.27.3", "/etc/nginx", (101, 101), &req("/"));
        assert_eq!(a.status, 200);
        assert_eq!(a.body.len(), 615);
        assert_eq!(a.headers[0], ("Server".into(), "nginx/1.27.3".into()));
        assert_eq!(a.headers[2], ("Content-Type".into(), "text/html".into()));
        let a = nginx(&v, "1.27.3", "/etc/nginx", (101, 101), &req("/nope.html"));
        assert_eq!(a.status, 404);
        assert_eq!(
            String::from_utf8(a.body).unwrap(),
            "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx/1.27.3</center>\r\n</body>\r\n</html>\r\n"
        );
        v.remove_file("/usr/share/nginx/html/index.html").unwrap();
        let a = nginx(&v, "1.27.3", "/etc/nginx", (101, 101), &req("/"));
        assert_eq!((a.status, a.body.len()), (403, 153));
        v.mkdir("/usr/share/nginx/html/d").unwrap();
        let a = nginx(&v, "1.27.3", "/etc/nginx", (101, 101), &req("/d"));
        assert_eq!(a.status, 301);
        assert!(
            a.headers
                .contains(&("Location".into(), "http://web/d/".into()))
        );
        let old = nginx_page(404, Some("1.7.9"), old_nginx("1.7.9"));
        assert!(
            String::from_utf8(old)
                .unwrap()
                .contains("<body bgcolor=\"white\">\r\n")
        );
    }
}
