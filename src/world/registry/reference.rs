//! Image references as the container runtime parses them (`distribution/reference`):
//! `mongo:4.2` is `docker.io/library/mongo:4.2`; a reference may carry a tag, a digest or both.

/// The registry that short names resolve to.
pub const DEFAULT_DOMAIN: &str = "docker.io";

/// A parsed, normalized image reference.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ImageRef {
    /// Registry host (with port), e.g. `docker.io`, `quay.io`, `image-registry.openshift-image-registry.svc:5000`.
    pub domain: String,
    /// Repository path within the registry, e.g. `library/mongo`, `keycloak/keycloak`.
    pub path: String,
    /// Tag, if written (or implied `latest` when neither tag nor digest is given).
    pub tag: Option<String>,
    /// Digest `sha256:…`, if written.
    pub digest: Option<String>,
}

impl ImageRef {
    /// Parses a reference; the error text follows the runtime's (`invalid reference format`).
    pub fn parse(s: &str) -> Result<ImageRef, String> {
        let invalid = || format!("invalid reference format: {s}");
        if s.is_empty() || s.chars().any(char::is_whitespace) {
            return Err(invalid());
        }
        let (rest, digest) = match s.split_once('@') {
            Some((r, d)) => {
                let hex = d.strip_prefix("sha256:").ok_or_else(invalid)?;
                if hex.len() != 64
                    || !hex
                        .chars()
                        .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
                {
                    return Err(invalid());
                }
                (r, Some(d.to_string()))
            }
            None => (s, None),
        };
        // The tag is after the last ':' that comes after the last '/'.
        let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match rest[last_slash..].rfind(':') {
            Some(i) => (
                &rest[..last_slash + i],
                Some(rest[last_slash + i + 1..].to_string()),
            ),
            None => (rest, None),
        };
        if let Some(t) = &tag {
            let ok = !t.is_empty()
                && t.len() <= 128
                && t.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
                && !t.starts_with(['.', '-']);
            if !ok {
                return Err(invalid());
            }
        }
        if name.is_empty() || name.ends_with('/') || name.starts_with('/') {
            return Err(invalid());
        }
        let (domain, path) = match name.split_once('/') {
            Some((first, rest))
                if first.contains('.') || first.contains(':') || first == "localhost" =>
            {
                (first.to_string(), rest.to_string())
            }
            _ => (DEFAULT_DOMAIN.to_string(), name.to_string()),
        };
        let path = if domain == DEFAULT_DOMAIN && !path.contains('/') {
            format!("library/{path}")
        } else {
            path
        };
        let path_ok = path.split('/').all(|seg| {
            !seg.is_empty()
                && seg.chars().all(|c| {
                    c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-')
                })
                && seg.starts_with(|c: char| c.is_ascii_alphanumeric())
                && seg.ends_with(|c: char| c.is_ascii_alphanumeric())
        });
        if !path_ok {
            return Err(invalid());
        }
        let tag = if tag.is_none() && digest.is_none() {
            Some("latest".to_string())
        } else {
            tag
        };
        Ok(ImageRef {
            domain,
            path,
            tag,
            digest,
        })
    }

    /// `docker.io/library/mongo`.
    pub fn repository(&self) -> String {
        format!("{}/{}", self.domain, self.path)
    }

    /// The fully qualified reference: `docker.io/library/mongo:4.2`, `…@sha256:…`.
    pub fn full(&self) -> String {
        let mut s = self.repository();
        if let Some(t) = &self.tag {
            s.push(':');
            s.push_str(t);
        }
        if let Some(d) = &self.digest {
            s.push('@');
            s.push_str(d);
        }
        s
    }

    /// `docker.io/library/mongo:4.2` even when a digest is also present (the tag form).
    pub fn tagged(&self) -> Option<String> {
        self.tag
            .as_ref()
            .map(|t| format!("{}:{t}", self.repository()))
    }

    /// `docker.io/library/mongo@sha256:…` for a digest.
    pub fn with_digest(&self, digest: &str) -> String {
        format!("{}@{digest}", self.repository())
    }
}

/// Whether a reference string implies the `latest` tag (for `imagePullPolicy` defaulting):
/// no tag and no digest, or an explicit `:latest`.
pub fn is_latest(s: &str) -> bool {
    match ImageRef::parse(s) {
        Ok(r) => r.tag.as_deref() == Some("latest"),
        Err(_) => {
            // Unparseable references default like untagged ones unless they name a tag.
            let base = s.rsplit('/').next().unwrap_or(s);
            !base.contains(':') || base.ends_with(":latest")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_short_names() {
        let r = ImageRef::parse("mongo:4.2").unwrap();
        assert_eq!(r.full(), "docker.io/library/mongo:4.2");
        assert_eq!(
            ImageRef::parse("nginx").unwrap().full(),
            "docker.io/library/nginx:latest"
        );
        assert_eq!(
            ImageRef::parse("gasbugs/http-go:v1").unwrap().full(),
            "docker.io/gasbugs/http-go:v1"
        );
        let q = ImageRef::parse("quay.io/keycloak/keycloak:20.0.2").unwrap();
        assert_eq!(
            (q.domain.as_str(), q.path.as_str()),
            ("quay.io", "keycloak/keycloak")
        );
        let p = ImageRef::parse("localhost:5000/x:1").unwrap();
        assert_eq!(p.domain, "localhost:5000");
        let d = format!("nginx@sha256:{}", "a".repeat(64));
        assert_eq!(ImageRef::parse(&d).unwrap().tag, None);
        assert!(ImageRef::parse("Bad Name").is_err());
        assert!(ImageRef::parse("x@sha256:12").is_err());
    }

    #[test]
    fn latest_detection() {
        assert!(is_latest("nginx"));
        assert!(is_latest("nginx:latest"));
        assert!(!is_latest("nginx:1.25"));
        assert!(!is_latest(&format!("nginx@sha256:{}", "b".repeat(64))));
        assert!(is_latest(&format!(
            "nginx:latest@sha256:{}",
            "b".repeat(64)
        )));
    }
}
