//! nginx's configuration as the server reads it, for what decides a static file's answer: the
//! file (`/etc/nginx/nginx.conf`) and its `include`s, parsed as `ngx_conf_file.c` tokenizes
//! (words, quoted strings, `;`, `{`, `}`, `#` comments), then the `server` that takes a
//! request (its `listen` port, `server_name`, `default_server`) and the `location` that matches
//! its URI (`=` exact, then the longest prefix), with `root`, `index`, `error_page`,
//! `default_type`, `types` and `server_tokens` inherited from `http` through `server` to
//! `location`. Directives that change the answer in ways kubelab does not simulate (`return`,
//! `proxy_pass`, `try_files`, regular-expression locations, ...) make the lookup fail with
//! kubelab's plain words.

use crate::shell::Vfs;

/// One directive: its name, arguments and block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Directive {
    pub name: String,
    pub args: Vec<String>,
    pub block: Option<Vec<Directive>>,
}

/// How many files `include` may pull in, and how deep blocks may nest.
const MAX_FILES: usize = 64;
const MAX_DEPTH: usize = 32;

/// The tokens of a configuration text.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Word(String),
    Semi,
    Open,
    Close,
}

fn tokens(text: &str) -> Result<Vec<Token>, String> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '#' => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            ';' => {
                chars.next();
                out.push(Token::Semi);
            }
            '{' => {
                chars.next();
                out.push(Token::Open);
            }
            '}' => {
                chars.next();
                out.push(Token::Close);
            }
            '"' | '\'' => {
                chars.next();
                let mut w = String::new();
                let mut closed = false;
                while let Some(d) = chars.next() {
                    match d {
                        '\\' => {
                            if let Some(e) = chars.next() {
                                w.push(e);
                            }
                        }
                        d if d == c => {
                            closed = true;
                            break;
                        }
                        d => w.push(d),
                    }
                }
                if !closed {
                    return Err("unexpected end of file, expecting \";\" or \"}\"".into());
                }
                out.push(Token::Word(w));
            }
            _ => {
                let mut w = String::new();
                while let Some(&d) = chars.peek() {
                    if d.is_whitespace() || matches!(d, ';' | '{' | '}') {
                        break;
                    }
                    w.push(d);
                    chars.next();
                }
                out.push(Token::Word(w));
            }
        }
    }
    Ok(out)
}

/// The directives of a token list, blocks nested.
fn directives(toks: &[Token], i: &mut usize, depth: usize) -> Result<Vec<Directive>, String> {
    if depth > MAX_DEPTH {
        return Err("blocks nested too deeply".into());
    }
    let mut out = Vec::new();
    let mut words: Vec<String> = Vec::new();
    while *i < toks.len() {
        let t = &toks[*i];
        *i += 1;
        match t {
            Token::Word(w) => words.push(w.clone()),
            Token::Semi => {
                if words.is_empty() {
                    return Err("unexpected \";\"".into());
                }
                let name = words.remove(0);
                out.push(Directive {
                    name,
                    args: std::mem::take(&mut words),
                    block: None,
                });
            }
            Token::Open => {
                if words.is_empty() {
                    return Err("unexpected \"{\"".into());
                }
                let name = words.remove(0);
                let block = directives(toks, i, depth + 1)?;
                out.push(Directive {
                    name,
                    args: std::mem::take(&mut words),
                    block: Some(block),
                });
            }
            Token::Close => {
                if depth == 0 {
                    return Err("unexpected \"}\"".into());
                }
                if !words.is_empty() {
                    return Err("unexpected \"}\"".into());
                }
                return Ok(out);
            }
        }
    }
    if depth > 0 || !words.is_empty() {
        return Err("unexpected end of file, expecting \";\" or \"}\"".into());
    }
    Ok(out)
}

/// Whether a file name matches a glob's last component (`*.conf`).
fn glob_match(pattern: &str, name: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == name,
        Some((pre, post)) => {
            name.len() >= pre.len() + post.len()
                && name.starts_with(pre)
                && name.ends_with(post)
                && !name.starts_with('.')
        }
    }
}

/// The configuration read from `path` in `vfs`, `include`s expanded in place (relative paths
/// from `prefix`, globs in file names, files in name order as `glob(3)` gives them). An include
/// of `mime.types` that is not in the image's files (kubelab's images do not carry its text)
/// becomes a `types` block of nginx's common types.
pub(super) fn load(vfs: &Vfs, path: &str, prefix: &str) -> Result<Vec<Directive>, String> {
    let mut files = 0;
    load_file(vfs, path, prefix, &mut files, 0)
}

fn load_file(
    vfs: &Vfs,
    path: &str,
    prefix: &str,
    files: &mut usize,
    depth: usize,
) -> Result<Vec<Directive>, String> {
    *files += 1;
    if *files > MAX_FILES {
        return Err(format!(
            "more than {MAX_FILES} files included (kubelab's limit)"
        ));
    }
    let text = match vfs.read(path) {
        Ok(b) => String::from_utf8_lossy(b).into_owned(),
        Err(_) => {
            return Err(format!(
                "open() \"{path}\" failed (2: No such file or directory)"
            ));
        }
    };
    let toks = tokens(&text).map_err(|e| format!("{e} in {path}"))?;
    let mut i = 0;
    let ds = directives(&toks, &mut i, 0).map_err(|e| format!("{e} in {path}"))?;
    expand(vfs, ds, prefix, files, depth)
}

fn expand(
    vfs: &Vfs,
    ds: Vec<Directive>,
    prefix: &str,
    files: &mut usize,
    depth: usize,
) -> Result<Vec<Directive>, String> {
    if depth > MAX_DEPTH {
        return Err("includes nested too deeply".into());
    }
    let mut out = Vec::new();
    for d in ds {
        if d.name == "include" && d.block.is_none() {
            let Some(arg) = d.args.first() else {
                return Err("invalid number of arguments in \"include\" directive".into());
            };
            let full = if arg.starts_with('/') {
                arg.clone()
            } else {
                format!("{}/{arg}", prefix.trim_end_matches('/'))
            };
            let (dir, name) = full.rsplit_once('/').unwrap_or(("", &full));
            let dir = if dir.is_empty() { "/" } else { dir };
            if name.contains('*') {
                let mut names = vfs.read_dir(dir).unwrap_or_default();
                names.sort();
                for n in names.iter().filter(|n| glob_match(name, n)) {
                    let p = format!("{}/{n}", dir.trim_end_matches('/'));
                    if vfs.is_file(&p) {
                        out.extend(load_file(vfs, &p, prefix, files, depth + 1)?);
                    }
                }
            } else if name == "mime.types" && !vfs.exists(&full) {
                out.push(Directive {
                    name: "types".into(),
                    args: vec![],
                    block: Some(
                        MIME_TYPES
                            .iter()
                            .map(|(t, exts)| Directive {
                                name: t.to_string(),
                                args: exts.split(' ').map(str::to_string).collect(),
                                block: None,
                            })
                            .collect(),
                    ),
                });
            } else {
                out.extend(load_file(vfs, &full, prefix, files, depth + 1)?);
            }
            continue;
        }
        let block = match d.block {
            Some(b) => Some(expand(vfs, b, prefix, files, depth + 1)?),
            None => None,
        };
        out.push(Directive { block, ..d });
    }
    Ok(out)
}

/// nginx's `conf/mime.types` (release-1.27.3), its common entries.
const MIME_TYPES: &[(&str, &str)] = &[
    ("text/html", "html htm shtml"),
    ("text/css", "css"),
    ("text/xml", "xml"),
    ("image/gif", "gif"),
    ("image/jpeg", "jpeg jpg"),
    ("application/javascript", "js"),
    ("text/plain", "txt"),
    ("image/png", "png"),
    ("image/svg+xml", "svg svgz"),
    ("image/x-icon", "ico"),
    ("application/json", "json"),
    ("application/pdf", "pdf"),
];

/// What decides the answer to one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Site {
    /// `root` (absolute).
    pub root: String,
    /// `index` files, in order.
    pub index: Vec<String>,
    /// `error_page CODE... URI` pages.
    pub error_pages: Vec<(u16, String)>,
    /// The type of a file's extension (`types`), and `default_type`.
    pub types: Vec<(String, String)>,
    pub default_type: String,
    /// `server_tokens` (the version in `Server:` and in error pages).
    pub tokens: bool,
    /// The `access_log` directives' arguments in effect (a level that has any replaces the
    /// inherited ones); None when no level has one (nginx's compiled-in default).
    pub access_logs: Option<Vec<Vec<String>>>,
}

/// Directives that do not change a static file's answer to `curl`.
const INERT: &[&str] = &[
    "listen",
    "server_name",
    "access_log",
    "error_log",
    "sendfile",
    "tcp_nopush",
    "tcp_nodelay",
    "keepalive_timeout",
    "keepalive_requests",
    "gzip",
    "gzip_types",
    "gzip_vary",
    "gzip_min_length",
    "gzip_comp_level",
    "log_format",
    "client_max_body_size",
    "open_file_cache",
    "server_names_hash_bucket_size",
    "types_hash_max_size",
    "resolver",
    "ssl_protocols",
    "ssl_prefer_server_ciphers",
];

/// The settings of a block, over its parent's.
fn apply(site: &mut Site, ds: &[Directive], prefix: &str) -> Result<(), String> {
    let logs: Vec<Vec<String>> = ds
        .iter()
        .filter(|d| d.name == "access_log")
        .map(|d| d.args.clone())
        .collect();
    if !logs.is_empty() {
        site.access_logs = Some(logs);
    }
    for d in ds {
        match d.name.as_str() {
            "root" => {
                let r = d.args.first().cloned().unwrap_or_default();
                site.root = if r.starts_with('/') {
                    r
                } else {
                    format!("{}/{r}", prefix.trim_end_matches('/'))
                };
            }
            "index" => site.index = d.args.clone(),
            "error_page" => {
                // error_page CODE... [=RESPONSE] URI: later ones replace the inherited list.
                let Some(uri) = d.args.last() else { continue };
                if d.args.iter().any(|a| a.starts_with('=')) {
                    return Err("the nginx directive \"error_page\" with =RESPONSE".into());
                }
                for c in &d.args[..d.args.len() - 1] {
                    if let Ok(code) = c.parse::<u16>() {
                        site.error_pages.push((code, uri.clone()));
                    }
                }
            }
            "default_type" => site.default_type = d.args.first().cloned().unwrap_or_default(),
            "types" => {
                site.types.clear();
                for t in d.block.iter().flatten() {
                    for ext in &t.args {
                        site.types.push((ext.clone(), t.name.clone()));
                    }
                }
            }
            "server_tokens" => site.tokens = d.args.first().map(String::as_str) != Some("off"),
            "location" | "server" | "include" => {}
            "autoindex" if d.args.first().map(String::as_str) == Some("off") => {}
            "charset" if d.args.first().map(String::as_str) == Some("off") => {}
            n if INERT.contains(&n) => {}
            n => return Err(format!("the nginx directive \"{n}\"")),
        }
    }
    Ok(())
}

/// The port and `default_server` flag of a `listen`.
fn listen_port(args: &[String]) -> (u16, bool) {
    let addr = args.first().map(String::as_str).unwrap_or("80");
    let port = match addr.rsplit_once(':') {
        Some((_, p)) => p.parse().unwrap_or(0),
        None => addr.parse().unwrap_or(80),
    };
    (
        port,
        args.iter().any(|a| a == "default_server" || a == "default"),
    )
}

/// The site that answers `GET uri` for `host` on `port`: Ok(None) when no server listens there.
pub(super) fn site_for(
    conf: &[Directive],
    prefix: &str,
    port: u16,
    host: &str,
    uri: &str,
) -> Result<Option<Site>, String> {
    let mut site = Site {
        root: format!("{}/html", prefix.trim_end_matches('/')),
        index: vec!["index.html".into()],
        error_pages: vec![],
        types: vec![("html".into(), "text/html".into())],
        default_type: "text/plain".into(),
        tokens: true,
        access_logs: None,
    };
    let Some(http) = conf
        .iter()
        .find(|d| d.name == "http")
        .and_then(|d| d.block.as_ref())
    else {
        return Ok(None);
    };
    apply(&mut site, http, prefix)?;
    // The servers on that port; the one named by the Host header, else the default one.
    let servers: Vec<(&Vec<Directive>, bool)> = http
        .iter()
        .filter(|d| d.name == "server")
        .filter_map(|d| {
            let b = d.block.as_ref()?;
            let listens: Vec<(u16, bool)> = b
                .iter()
                .filter(|l| l.name == "listen")
                .map(|l| listen_port(&l.args))
                .collect();
            let listens = if listens.is_empty() {
                vec![(80, false)]
            } else {
                listens
            };
            let on = listens
                .iter()
                .filter(|(p, _)| *p == port)
                .collect::<Vec<_>>();
            if on.is_empty() {
                return None;
            }
            Some((b, on.iter().any(|(_, d)| *d)))
        })
        .collect();
    let named = servers.iter().find(|(b, _)| {
        b.iter()
            .filter(|d| d.name == "server_name")
            .any(|d| d.args.iter().any(|n| n.eq_ignore_ascii_case(host)))
    });
    let Some((server, _)) = named
        .or_else(|| servers.iter().find(|(_, d)| *d))
        .or_else(|| servers.first())
    else {
        return Ok(None);
    };
    apply(&mut site, server, prefix)?;
    // `=` exact first, then the longest prefix; regular expressions are not simulated.
    let locations: Vec<&Directive> = server.iter().filter(|d| d.name == "location").collect();
    if locations
        .iter()
        .any(|l| matches!(l.args.first().map(String::as_str), Some("~" | "~*")))
    {
        return Err("nginx's regular-expression locations".into());
    }
    let exact = locations
        .iter()
        .find(|l| matches!(l.args.as_slice(), [op, p] if op == "=" && p == uri));
    let best = exact.copied().or_else(|| {
        locations
            .iter()
            .filter_map(|l| {
                let p = match l.args.as_slice() {
                    [op, p] if op == "^~" => p,
                    [p] if !p.starts_with('@') => p,
                    _ => return None,
                };
                uri.starts_with(p.as_str()).then_some((p.len(), *l))
            })
            .max_by_key(|(n, _)| *n)
            .map(|(_, l)| l)
    });
    if let Some(block) = best.and_then(|l| l.block.as_ref()) {
        if block.iter().any(|d| d.name == "location") {
            return Err("nginx's nested locations".into());
        }
        apply(&mut site, block, prefix)?;
    }
    Ok(Some(site))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::registry::rootfs::{Family, FileKind};

    fn text(f: Family, path: &str) -> String {
        match f.rootfs().file(path).map(|f| &f.kind) {
            Some(FileKind::File(b)) => String::from_utf8_lossy(b).into_owned(),
            _ => panic!("{path}"),
        }
    }

    fn vfs(files: &[(&str, &str)]) -> Vfs {
        let mut v = Vfs::new();
        for (p, t) in files {
            let _ = v.mkdir_all(&crate::shell::vfs::parent(p));
            v.write(p, t.as_bytes(), false).unwrap();
        }
        v
    }

    #[test]
    fn the_images_configuration() {
        let main = text(Family::Nginx127, "/etc/nginx/nginx.conf");
        let default = text(Family::Nginx127, "/etc/nginx/conf.d/default.conf");
        let v = vfs(&[
            ("/etc/nginx/nginx.conf", &main),
            ("/etc/nginx/conf.d/default.conf", &default),
        ]);
        let conf = load(&v, "/etc/nginx/nginx.conf", "/etc/nginx").unwrap();
        let s = site_for(&conf, "/etc/nginx", 80, "web", "/")
            .unwrap()
            .unwrap();
        assert_eq!(s.root, "/usr/share/nginx/html");
        assert_eq!(s.index, vec!["index.html", "index.htm"]);
        assert_eq!(s.default_type, "application/octet-stream");
        assert!(s.types.contains(&("html".into(), "text/html".into())));
        assert!(
            site_for(&conf, "/etc/nginx", 8080, "web", "/")
                .unwrap()
                .is_none()
        );
        // The source's own nginx.conf (nginx-slim): `root html` from the prefix.
        let slim = text(Family::NginxSlim08, "/etc/nginx/nginx.conf");
        let v = vfs(&[("/etc/nginx/nginx.conf", &slim)]);
        let conf = load(&v, "/etc/nginx/nginx.conf", "/usr/share/nginx").unwrap();
        let s = site_for(&conf, "/usr/share/nginx", 80, "x", "/a")
            .unwrap()
            .unwrap();
        assert_eq!(s.root, "/usr/share/nginx/html");
    }

    #[test]
    fn locations_and_what_is_not_simulated() {
        let conf_text = "http { server { listen 80; root /srv; location /api { return 200; } location = /x { root /exact; } location /img/ { root /images; } } }";
        let v = vfs(&[("/etc/nginx/nginx.conf", conf_text)]);
        let conf = load(&v, "/etc/nginx/nginx.conf", "/etc/nginx").unwrap();
        let s = |u: &str| site_for(&conf, "/etc/nginx", 80, "h", u);
        assert_eq!(s("/").unwrap().unwrap().root, "/srv");
        assert_eq!(s("/x").unwrap().unwrap().root, "/exact");
        assert_eq!(s("/img/a.png").unwrap().unwrap().root, "/images");
        assert_eq!(s("/api").unwrap_err(), "the nginx directive \"return\"");
        assert!(load(&vfs(&[("/n", "http {")]), "/n", "/").is_err());
    }
}
