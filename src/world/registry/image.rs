//! An image as a registry stores it: manifest (digest, size, platform), config, and the small
//! behaviour kubelab gives it (what it answers over HTTP, what it logs, whether it exits).

use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

use super::rootfs::RootFsSource;
use crate::world::clock::{Millis, rfc3339};

/// The OCI image config subset kubelab uses (`docker inspect` `.Config`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImageConfig {
    /// ENTRYPOINT.
    pub entrypoint: Vec<String>,
    /// CMD.
    pub cmd: Vec<String>,
    /// ENV as `K=V`.
    pub env: Vec<String>,
    /// EXPOSE, e.g. `8080/tcp`.
    pub exposed_ports: Vec<String>,
    /// WORKDIR.
    pub working_dir: String,
    /// USER.
    pub user: String,
    /// LABEL.
    pub labels: BTreeMap<String, String>,
}

/// What a container of this image does when it runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Behavior {
    /// HTTP body answered per port (e.g. 8080 → `Welcome! http-go:v1`).
    pub http: BTreeMap<u16, String>,
    /// Lines written to stdout at start.
    pub logs: Vec<String>,
    /// `Some(code)`: the main process exits with `code` after `run_ms`; `None`: runs until stopped.
    pub exit_code: Option<i32>,
    /// How long the process runs before exiting (when `exit_code` is set), in ms.
    pub run_ms: Millis,
    /// Time from container start until it is ready to serve, in ms.
    pub ready_ms: Millis,
    /// Time the process needs to stop after SIGTERM, in ms (capped by the grace period).
    pub stop_ms: Millis,
}

impl Default for Behavior {
    fn default() -> Self {
        Behavior {
            http: BTreeMap::new(),
            logs: Vec::new(),
            exit_code: None,
            run_ms: 0,
            ready_ms: 500,
            stop_ms: 300,
        }
    }
}

/// What is pushed: everything about an image but its digest, which is computed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageSpec {
    /// Compressed size in bytes (what a pull transfers and a node stores).
    pub size: u64,
    /// `linux`.
    pub os: String,
    /// `amd64`, `arm64`, ...
    pub architecture: String,
    /// Build time.
    pub created: Millis,
    /// Image config.
    pub config: ImageConfig,
    /// Runtime behaviour.
    pub behavior: Behavior,
    /// Distinguishes the content of otherwise equal images (a build id); part of the digest.
    pub content: String,
    /// The root file system: a shipped family (not part of the digest: `content` names the
    /// build) or a lab author's own (its fingerprint is part of the digest).
    pub rootfs: RootFsSource,
}

impl ImageSpec {
    /// A plain image of `size` bytes whose content is identified by `content`.
    pub fn new(content: &str, size: u64, created: Millis) -> Self {
        ImageSpec {
            size,
            os: "linux".into(),
            architecture: "amd64".into(),
            created,
            config: ImageConfig::default(),
            behavior: Behavior::default(),
            content: content.into(),
            rootfs: RootFsSource::default(),
        }
    }
}

/// A stored image manifest with its digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    /// `sha256:<64 hex>` over the canonical manifest.
    pub digest: String,
    /// What was pushed.
    pub spec: ImageSpec,
    /// Layer digests (three per image).
    pub layers: Vec<(String, u64)>,
}

fn sha256_hex(data: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(data);
    crate::world::seed::hex(&h.finalize())
}

impl Image {
    /// The image config document (what `oc image info` / `docker inspect` show).
    pub fn config_json(&self) -> Value {
        let c = &self.spec.config;
        let mut doc = json!({
            "architecture": self.spec.architecture,
            "os": self.spec.os,
            "created": rfc3339(self.spec.created),
            "config": {
                "Entrypoint": c.entrypoint, "Cmd": c.cmd, "Env": c.env,
                "ExposedPorts": c.exposed_ports, "WorkingDir": c.working_dir, "User": c.user,
                "Labels": c.labels,
            },
            "kubelab.behavior": {
                "http": self.spec.behavior.http.iter().map(|(k, v)| (k.to_string(), Value::String(v.clone()))).collect::<serde_json::Map<_, _>>(),
                "logs": self.spec.behavior.logs, "exitCode": self.spec.behavior.exit_code,
                "runMs": self.spec.behavior.run_ms, "readyMs": self.spec.behavior.ready_ms,
            },
            "content": self.spec.content,
        });
        // Only a lab author's file system enters the document: shipped images' digests predate
        // root file systems and must not move.
        if let (Some(fp), Some(m)) = (self.spec.rootfs.digest_part(), doc.as_object_mut()) {
            m.insert("kubelab.rootfs".into(), Value::String(fp));
        }
        doc
    }

    /// Builds the manifest and computes its digest with sha256 over a canonical JSON encoding.
    pub fn build(spec: ImageSpec) -> Image {
        let mut img = Image {
            digest: String::new(),
            spec,
            layers: Vec::new(),
        };
        let config = serde_json::to_vec(&img.config_json()).unwrap_or_default();
        let config_digest = format!("sha256:{}", sha256_hex(&config));
        // Three layers splitting the size 60/30/10, named after the content.
        let total = img.spec.size;
        let sizes = [
            total * 6 / 10,
            total * 3 / 10,
            total - total * 6 / 10 - total * 3 / 10,
        ];
        img.layers = sizes
            .iter()
            .enumerate()
            .map(|(i, s)| {
                (
                    format!(
                        "sha256:{}",
                        sha256_hex(format!("{}#layer{i}", img.spec.content).as_bytes())
                    ),
                    *s,
                )
            })
            .collect();
        let manifest = json!({
            "schemaVersion": 2,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": config.len(), "digest": config_digest},
            "layers": img.layers.iter().map(|(d, s)| json!({"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": s, "digest": d})).collect::<Vec<_>>(),
        });
        img.digest = format!(
            "sha256:{}",
            sha256_hex(&serde_json::to_vec(&manifest).unwrap_or_default())
        );
        img
    }
}

/// A manifest list (multi-arch index): platform → image digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestList {
    /// `sha256:…` of the list.
    pub digest: String,
    /// (os, architecture, image digest) entries in push order.
    pub entries: Vec<(String, String, String)>,
}

impl ManifestList {
    /// Builds a list over images and computes its digest.
    pub fn build(images: &[&Image]) -> ManifestList {
        let entries: Vec<(String, String, String)> = images
            .iter()
            .map(|i| {
                (
                    i.spec.os.clone(),
                    i.spec.architecture.clone(),
                    i.digest.clone(),
                )
            })
            .collect();
        let doc = json!({
            "schemaVersion": 2,
            "mediaType": "application/vnd.docker.distribution.manifest.list.v2+json",
            "manifests": entries.iter().map(|(os, arch, d)| json!({"digest": d, "platform": {"os": os, "architecture": arch}})).collect::<Vec<_>>(),
        });
        ManifestList {
            digest: format!(
                "sha256:{}",
                sha256_hex(&serde_json::to_vec(&doc).unwrap_or_default())
            ),
            entries,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_depends_on_content_only() {
        let a = Image::build(ImageSpec::new("mongo:4.2", 100, 0));
        let b = Image::build(ImageSpec::new("mongo:4.2", 100, 0));
        let c = Image::build(ImageSpec::new("mongo:4.4", 100, 0));
        assert_eq!(a.digest, b.digest);
        assert_ne!(a.digest, c.digest);
        assert_eq!(a.digest.len(), 7 + 64);
    }
}
