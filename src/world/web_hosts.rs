//! Web hosts of the lab's world: files served at URLs (chart repositories for `helm repo add`).
//! Labs publish files from Rhai (`cluster.web_host_file(url, text)`); a URL prefix a lab marks
//! writable is where a student's files may be published (`cluster.web_host_publish`). A host
//! none of whose URLs is in the table is not reachable from the lab's world.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

/// At most this many files in all (kubelab's limit).
pub const MAX_FILES: usize = 512;
/// At most this many bytes per file (kubelab's limit).
pub const MAX_FILE_BYTES: usize = 4 * 1024 * 1024;

/// The table of served files.
#[derive(Debug, Clone, Default)]
pub struct WebHosts {
    files: BTreeMap<String, Rc<Vec<u8>>>,
    writable: BTreeSet<String>,
}

/// `https://host` of a URL (scheme and authority), or None when it is not an http(s) URL.
pub fn origin(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let host_len = rest.find('/').unwrap_or(rest.len());
    if host_len == 0 {
        return None;
    }
    Some(&url[..url.len() - rest.len() + host_len])
}

impl WebHosts {
    /// Serves `bytes` at `url` (replacing what was there).
    pub fn put(&mut self, url: &str, bytes: Vec<u8>) -> Result<(), String> {
        if origin(url).is_none() {
            return Err(format!("\"{url}\" is not an http:// or https:// URL"));
        }
        if bytes.len() > MAX_FILE_BYTES {
            return Err(format!(
                "\"{url}\": more than {} MiB (kubelab's limit)",
                MAX_FILE_BYTES >> 20
            ));
        }
        if !self.files.contains_key(url) && self.files.len() >= MAX_FILES {
            return Err(format!(
                "more than {MAX_FILES} files on web hosts (kubelab's limit)"
            ));
        }
        self.files.insert(url.to_string(), Rc::new(bytes));
        Ok(())
    }

    /// Stops serving `url`; whether it was served.
    pub fn remove(&mut self, url: &str) -> bool {
        self.files.remove(url).is_some()
    }

    /// The file at `url`.
    pub fn get(&self, url: &str) -> Option<&[u8]> {
        self.files.get(url).map(|b| b.as_slice())
    }

    /// Whether any file is served from the URL's host.
    pub fn reachable(&self, url: &str) -> bool {
        let Some(o) = origin(url) else { return false };
        self.files.keys().any(|k| origin(k) == Some(o))
            || self.writable.iter().any(|w| origin(w) == Some(o))
    }

    /// The URLs served under a prefix, in order.
    pub fn list(&self, prefix: &str) -> Vec<String> {
        self.files
            .range(prefix.to_string()..)
            .take_while(|(k, _)| k.starts_with(prefix))
            .map(|(k, _)| k.clone())
            .collect()
    }

    /// Lets students publish under `prefix`.
    pub fn set_writable(&mut self, prefix: &str) -> Result<(), String> {
        if origin(prefix).is_none() {
            return Err(format!("\"{prefix}\" is not an http:// or https:// URL"));
        }
        self.writable.insert(prefix.to_string());
        Ok(())
    }

    /// Whether `url` lies under a writable prefix.
    pub fn is_writable(&self, url: &str) -> bool {
        self.writable.iter().any(|w| url.starts_with(w.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serves_files_and_knows_reachable_hosts() {
        let mut w = WebHosts::default();
        w.put("https://charts.example.com/a/index.yaml", b"x".to_vec())
            .unwrap();
        assert_eq!(
            w.get("https://charts.example.com/a/index.yaml"),
            Some(&b"x"[..])
        );
        assert!(w.reachable("https://charts.example.com/other"));
        assert!(!w.reachable("https://elsewhere.example.com/"));
        assert_eq!(origin("https://h.io/x/y"), Some("https://h.io"));
        assert!(w.put("ftp://x/y", vec![]).is_err());
        assert_eq!(
            w.list("https://charts.example.com/"),
            ["https://charts.example.com/a/index.yaml"]
        );
    }
}
