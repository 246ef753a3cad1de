//! The files the pages load, built into the binary: the page's script and style, and xterm.js
//! (`web/vendor/xterm/`, its version and licence in `VERSION.md` and `LICENSE` there).

/// The file at `path` under `/assets/`, with its media type.
pub fn get(path: &str) -> Option<(&'static str, &'static str)> {
    Some(match path {
        "app.js" => (include_str!("../../web/app.js"), JS),
        "style.css" => (include_str!("../../web/style.css"), CSS),
        "xterm/xterm.js" => (include_str!("../../web/vendor/xterm/xterm.js"), JS),
        "xterm/xterm.css" => (include_str!("../../web/vendor/xterm/xterm.css"), CSS),
        "xterm/LICENSE" => (include_str!("../../web/vendor/xterm/LICENSE"), TEXT),
        _ => return None,
    })
}

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";
const TEXT: &str = "text/plain; charset=utf-8";
