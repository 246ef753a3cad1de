//! The mount table: each mount puts a layer at a path, hiding what was below it there.

use super::tree::Layer;

/// What a mount is, as `/proc/mounts`, `mount` and `df` show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MountInfo {
    /// The first field of `/proc/mounts`: `overlay`, `tmpfs`, `/dev/vda1`, `server:/export`.
    pub source: String,
    /// The file system type: `overlay`, `tmpfs`, `ext4`, `nfs4`, ...
    pub fstype: String,
    /// The options, as `/proc/mounts` shows them: `rw,relatime`, `ro,relatime,size=65536k`.
    pub options: String,
    /// Writes under the mount fail with EROFS.
    pub read_only: bool,
    /// The file system's size in bytes (`df`'s Size).
    pub size: u64,
    /// The bytes it uses (`df`'s Used); `None`: what the mount's files take.
    pub used: Option<u64>,
    /// The device number `stat` shows (major, minor).
    pub dev: (u32, u32),
}

impl MountInfo {
    /// A mount of `source` as `fstype` with `options` (read-only if they hold `ro`), of no size.
    pub fn new(source: &str, fstype: &str, options: &str) -> MountInfo {
        MountInfo {
            source: source.into(),
            fstype: fstype.into(),
            options: options.into(),
            read_only: options.split(',').any(|o| o == "ro"),
            size: 0,
            used: None,
            dev: (0, 0),
        }
    }

    /// The same with a size in bytes.
    pub fn with_size(mut self, size: u64) -> MountInfo {
        self.size = size;
        self
    }

    /// The same with a device number.
    pub fn with_dev(mut self, major: u32, minor: u32) -> MountInfo {
        self.dev = (major, minor);
        self
    }

    /// Whether directories take no blocks and have tmpfs's sizes (40 + 20 per entry).
    pub fn is_tmpfs(&self) -> bool {
        self.fstype == "tmpfs"
    }
}

/// One mount: a layer at a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Mount {
    pub path: String,
    pub layer: Layer,
    pub info: MountInfo,
}

/// A row of the mount table, as `mounts()` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MountView {
    /// Where it is mounted.
    pub path: String,
    /// What it is.
    pub info: MountInfo,
    /// Bytes it uses (`info.used`, or what its files take in 4 KiB blocks).
    pub used: u64,
}

/// Whether the mount at `mount` covers `path`.
pub(super) fn covers(mount: &str, path: &str) -> bool {
    mount == "/" || path == mount || path.strip_prefix(mount).is_some_and(|r| r.starts_with('/'))
}

/// `path` relative to the mount at `mount` (`/` for the mount point itself).
pub(super) fn relative(mount: &str, path: &str) -> String {
    if mount == "/" {
        path.to_string()
    } else if path == mount {
        "/".into()
    } else {
        path[mount.len()..].to_string()
    }
}
