//! httpd answering a request from the container's files, as the image's stock httpd.conf has
//! it: DocumentRoot `/usr/local/apache2/htdocs`, `DirectoryIndex index.html`, `Options Indexes
//! FollowSymLinks` (mod_autoindex's plain list, `modules/generators/mod_autoindex.c` without
//! FancyIndexing), `.ht*` denied, `ServerSignature` off; error pages of
//! `modules/http/http_protocol.c` (`ap_send_error_response`).

use crate::shell::Vfs;

use super::webserver::{Answer, Request, clean_path, http_date, readable, reason};

const HTDOCS: &str = "/usr/local/apache2/htdocs";
/// httpd's children run as www-data (the image's `User`/`Group`).
const WWW_DATA: (u32, u32) = (33, 33);

/// `ap_escape_html`.
fn escape_html(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '&' => o.push_str("&amp;"),
            '"' => o.push_str("&quot;"),
            c => o.push(c),
        }
    }
    o
}

/// `ap_os_escape_path(p, path, 0)`: bytes outside the path characters as `%xx`.
fn escape_path(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"$-_.+!*'(),:@&=~/".contains(&b) {
            o.push(b as char);
        } else {
            o.push_str(&format!("%{b:02x}"));
        }
    }
    o
}

/// httpd's common types (`docs/conf/mime.types` of 2.4.62); a file of another extension
/// gets no Content-Type.
const HTTPD_TYPES: &[(&str, &str)] = &[
    ("html", "text/html"),
    ("htm", "text/html"),
    ("txt", "text/plain"),
    ("css", "text/css"),
    ("js", "text/javascript"),
    ("json", "application/json"),
    ("xml", "application/xml"),
    ("png", "image/png"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("gif", "image/gif"),
    ("svg", "image/svg+xml"),
];

/// `ap_send_error_response`: the canned page (no signature: `ServerSignature` is off).
fn httpd_error(status: u16, location: &str) -> Vec<u8> {
    let title = format!("{status} {}", reason(status));
    let text = match status {
        301 => format!(
            "<p>The document has moved <a href=\"{}\">here</a>.</p>\n",
            escape_html(location)
        ),
        400 => {
            "<p>Your browser sent a request that this server could not understand.<br />\n</p>\n"
                .into()
        }
        403 => "<p>You don't have permission to access this resource.</p>\n".into(),
        _ => "<p>The requested URL was not found on this server.</p>\n".into(),
    };
    format!(
        "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>{title}</title>\n</head><body>\n<h1>{}</h1>\n{text}</body></html>\n",
        reason(status)
    )
    .into_bytes()
}

/// mod_autoindex's plain list of a directory (`uri` ends with `/`).
fn autoindex(vfs: &Vfs, dir: &str, uri: &str) -> Vec<u8> {
    let mut title = escape_html(uri);
    while title.len() > 1 && title.ends_with('/') {
        title.pop();
    }
    let mut names = vfs.read_dir(dir).unwrap_or_default();
    names.sort();
    let mut items = String::new();
    if uri != "/" {
        // The parent is the URI's `../` (`make_parent_entry`).
        let parent = crate::shell::vfs::parent(uri.trim_end_matches('/'));
        let parent = if parent == "/" {
            parent
        } else {
            format!("{parent}/")
        };
        items.push_str(&format!(
            "<li><a href=\"{}\"> Parent Directory</a></li>\n",
            escape_html(&escape_path(&parent))
        ));
    }
    for n in names {
        if n.starts_with(".ht") {
            continue;
        }
        let name = match vfs.stat(&format!("{}/{n}", dir.trim_end_matches('/'))) {
            Ok(st) if st.node.is_dir() => format!("{n}/"),
            Ok(st) if matches!(st.node.kind, crate::shell::vfs::Kind::File(_)) => n,
            _ => continue,
        };
        items.push_str(&format!(
            "<li><a href=\"{}\"> {}</a></li>\n",
            escape_html(&escape_path(&name)),
            escape_html(&name)
        ));
    }
    format!(
        "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 3.2 Final//EN\">\n<html>\n <head>\n  <title>Index of {title}</title>\n </head>\n <body>\n<h1>Index of {title}</h1>\n<ul>{items}</ul>\n</body></html>\n"
    )
    .into_bytes()
}

pub(super) fn httpd(vfs: &Vfs, version: &str, req: &Request<'_>) -> Answer {
    let date = http_date(req.now);
    let server = format!("Apache/{version} (Unix)");
    let error = |status: u16, location: Option<String>| {
        let body = httpd_error(status, location.as_deref().unwrap_or(""));
        let mut headers = vec![
            ("Date".to_string(), date.clone()),
            ("Server".into(), server.clone()),
        ];
        if let Some(l) = location {
            headers.push(("Location".into(), l));
        }
        headers.push(("Content-Length".into(), body.len().to_string()));
        headers.push((
            "Content-Type".into(),
            "text/html; charset=iso-8859-1".into(),
        ));
        Answer {
            status,
            reason: reason(status),
            headers,
            body,
        }
    };
    let Some(uri) = clean_path(req.uri) else {
        return error(400, None);
    };
    if crate::shell::vfs::file_name(uri.trim_end_matches('/')).starts_with(".ht") {
        return error(403, None);
    }
    let path = format!("{HTDOCS}{}", uri.trim_end_matches('/'));
    let Ok(st) = vfs.stat(&path) else {
        return error(404, None);
    };
    let serve_file = |p: &str, st: &crate::shell::vfs::Stat| {
        if !readable(&st.node, WWW_DATA) {
            return error(403, None);
        }
        let body = vfs.read(p).map(<[u8]>::to_vec).unwrap_or_default();
        let mtime = st.node.mtime;
        let mut headers = vec![
            ("Date".to_string(), date.clone()),
            ("Server".into(), server.clone()),
            ("Last-Modified".into(), http_date(mtime)),
            (
                "ETag".into(),
                format!("\"{:x}-{:x}\"", body.len(), mtime.saturating_mul(1_000_000)),
            ),
            ("Accept-Ranges".into(), "bytes".into()),
            ("Content-Length".into(), body.len().to_string()),
        ];
        let ext = crate::shell::vfs::file_name(p)
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase());
        if let Some(t) = ext.and_then(|e| HTTPD_TYPES.iter().find(|(x, _)| *x == e)) {
            headers.push(("Content-Type".into(), t.1.into()));
        }
        Answer {
            status: 200,
            reason: reason(200),
            headers,
            body,
        }
    };
    if !st.node.is_dir() {
        // A file named with a trailing slash is not found.
        return if uri.ends_with('/') {
            error(404, None)
        } else {
            serve_file(&path, &st)
        };
    }
    if !uri.ends_with('/') {
        let port = if req.host_port == 80 {
            String::new()
        } else {
            format!(":{}", req.host_port)
        };
        return error(
            301,
            Some(format!("http://{}{port}{}/", req.host, escape_path(&uri))),
        );
    }
    let index = format!("{path}/index.html");
    if let Ok(ist) = vfs.stat(&index)
        && !ist.node.is_dir()
    {
        return serve_file(&index, &ist);
    }
    let body = autoindex(vfs, &path, &uri);
    Answer {
        status: 200,
        reason: reason(200),
        headers: vec![
            ("Date".into(), date),
            ("Server".into(), server),
            ("Content-Length".into(), body.len().to_string()),
            ("Content-Type".into(), "text/html;charset=ISO-8859-1".into()),
        ],
        body,
    }
}

#[cfg(test)]
mod tests {
    use super::super::webserver::testing::{image, req};
    use super::*;
    use crate::world::registry::rootfs::Family;

    #[test]
    fn httpd_lists_an_empty_root() {
        let mut v = image(Family::Httpd24);
        let a = httpd(&v, "2.4.62", &req("/"));
        assert_eq!(a.body, b"<html><body><h1>It works!</h1></body></html>\n");
        assert!(a.headers.contains(&(
            "ETag".into(),
            format!("\"2d-{:x}\"", 1_700_000_000i64 * 1_000_000)
        )));
        v.remove_file("/usr/local/apache2/htdocs/index.html")
            .unwrap();
        let a = httpd(&v, "2.4.62", &req("/"));
        assert_eq!(
            String::from_utf8(a.body).unwrap(),
            "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 3.2 Final//EN\">\n<html>\n <head>\n  <title>Index of /</title>\n </head>\n <body>\n<h1>Index of /</h1>\n<ul></ul>\n</body></html>\n"
        );
        v.mkdir("/usr/local/apache2/htdocs/sub").unwrap();
        v.write("/usr/local/apache2/htdocs/a b.txt", b"x", false)
            .unwrap();
        let a = String::from_utf8(httpd(&v, "2.4.62", &req("/")).body).unwrap();
        assert!(a.contains("<ul><li><a href=\"a%20b.txt\"> a b.txt</a></li>\n<li><a href=\"sub/\"> sub/</a></li>\n</ul>"), "{a}");
        let a = String::from_utf8(httpd(&v, "2.4.62", &req("/sub/")).body).unwrap();
        assert!(
            a.contains("<title>Index of /sub</title>")
                && a.contains("<ul><li><a href=\"/\"> Parent Directory</a></li>\n</ul>"),
            "{a}"
        );
        let a = httpd(&v, "2.4.62", &req("/x"));
        assert_eq!(
            String::from_utf8(a.body).unwrap(),
            "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>404 Not Found</title>\n</head><body>\n<h1>Not Found</h1>\n<p>The requested URL was not found on this server.</p>\n</body></html>\n"
        );
        assert_eq!(httpd(&v, "2.4.62", &req("/sub")).status, 301);
    }
}
