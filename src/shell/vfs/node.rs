//! One entry of a tree: what it is (file, directory, symbolic link, device) and its metadata
//! (permission bits, owner, times, inode number).

use std::sync::Arc;

/// What an entry is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// A regular file's bytes (shared until written: a copy-up costs nothing).
    File(Arc<Vec<u8>>),
    /// A directory (its children are the tree's paths below it).
    Dir,
    /// A symbolic link and its target, as written.
    Symlink(String),
    /// A character device (`/dev/null` is 1, 3): empty to read, swallows writes.
    CharDev(u32, u32),
}

/// An entry and its metadata. Times are Unix seconds of virtual time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// What it is.
    pub kind: Kind,
    /// Permission bits, with set-user-id, set-group-id and sticky (`0o7777`).
    pub perm: u32,
    /// Owner.
    pub uid: u32,
    /// Group.
    pub gid: u32,
    /// Last access.
    pub atime: i64,
    /// Last change of the content.
    pub mtime: i64,
    /// Last change of the content or the metadata.
    pub ctime: i64,
    /// Creation.
    pub btime: i64,
    /// Inode number (0: given one when it enters a tree).
    pub ino: u64,
    /// The real size of a file whose bytes are a placeholder (an image's program binary):
    /// what `stat` and `ls -l` report while the placeholder is there. A write drops it; it
    /// costs nothing against the file system's byte bounds, which count the bytes held.
    pub apparent: Option<u64>,
}

/// The type bits of `st_mode`.
pub const S_IFDIR: u32 = 0o040000;
/// A regular file.
pub const S_IFREG: u32 = 0o100000;
/// A symbolic link.
pub const S_IFLNK: u32 = 0o120000;
/// A character device.
pub const S_IFCHR: u32 = 0o020000;

impl Node {
    /// An entry of `kind` with `perm`, owned by `uid:gid`, all its times `now`.
    pub fn new(kind: Kind, perm: u32, uid: u32, gid: u32, now: i64) -> Node {
        Node {
            kind,
            perm: perm & 0o7777,
            uid,
            gid,
            atime: now,
            mtime: now,
            ctime: now,
            btime: now,
            ino: 0,
            apparent: None,
        }
    }

    /// A directory.
    pub fn dir(perm: u32, uid: u32, gid: u32, now: i64) -> Node {
        Node::new(Kind::Dir, perm, uid, gid, now)
    }

    /// A regular file.
    pub fn file(data: &[u8], perm: u32, uid: u32, gid: u32, now: i64) -> Node {
        Node::new(Kind::File(Arc::new(data.to_vec())), perm, uid, gid, now)
    }

    /// A symbolic link (links are always `rwxrwxrwx`).
    pub fn symlink(target: &str, uid: u32, gid: u32, now: i64) -> Node {
        Node::new(Kind::Symlink(target.to_string()), 0o777, uid, gid, now)
    }

    /// A placeholder file that stands for `size` bytes (see [`Node::apparent`]).
    pub fn with_apparent_size(mut self, size: u64) -> Node {
        if matches!(self.kind, Kind::File(_)) {
            self.apparent = Some(size);
        }
        self
    }

    /// The size `stat` reports: a placeholder's real size, else [`Node::content_len`].
    pub fn size(&self) -> u64 {
        match (&self.kind, self.apparent) {
            (Kind::File(_), Some(n)) => n,
            _ => self.content_len(),
        }
    }

    /// Whether it is a directory.
    pub fn is_dir(&self) -> bool {
        matches!(self.kind, Kind::Dir)
    }

    /// `st_mode`: type bits and permission bits.
    pub fn mode(&self) -> u32 {
        self.perm
            | match self.kind {
                Kind::File(_) => S_IFREG,
                Kind::Dir => S_IFDIR,
                Kind::Symlink(_) => S_IFLNK,
                Kind::CharDev(..) => S_IFCHR,
            }
    }

    /// Bytes of content (a link's target length), 0 for directories and devices.
    pub fn content_len(&self) -> u64 {
        match &self.kind {
            Kind::File(b) => b.len() as u64,
            Kind::Symlink(t) => t.len() as u64,
            Kind::Dir | Kind::CharDev(..) => 0,
        }
    }

    /// What `ls -l` shows first: `drwxr-xr-x`, `-rwsr-xr-x`, `drwxrwxrwt`.
    pub fn mode_string(&self) -> String {
        mode_string(self.mode())
    }

    /// What `stat` calls it.
    pub fn type_name(&self) -> &'static str {
        match &self.kind {
            Kind::File(b) if b.is_empty() => "regular empty file",
            Kind::File(_) => "regular file",
            Kind::Dir => "directory",
            Kind::Symlink(_) => "symbolic link",
            Kind::CharDev(..) => "character special file",
        }
    }
}

/// `drwxr-xr-x` for an `st_mode`.
pub fn mode_string(mode: u32) -> String {
    let mut s = String::with_capacity(10);
    s.push(match mode & 0o170000 {
        S_IFDIR => 'd',
        S_IFLNK => 'l',
        S_IFCHR => 'c',
        S_IFREG => '-',
        _ => '?',
    });
    let special = [(0o4000, 's', 'S'), (0o2000, 's', 'S'), (0o1000, 't', 'T')];
    for (i, (bit, on, off)) in special.iter().enumerate() {
        let shift = 6 - 3 * i;
        let bits = (mode >> shift) & 7;
        s.push(if bits & 4 != 0 { 'r' } else { '-' });
        s.push(if bits & 2 != 0 { 'w' } else { '-' });
        let x = bits & 1 != 0;
        s.push(match (mode & bit != 0, x) {
            (true, true) => *on,
            (true, false) => *off,
            (false, true) => 'x',
            (false, false) => '-',
        });
    }
    s
}

/// Who a shell's writes belong to: new entries get this owner and `0666`/`0777` less the umask.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cred {
    /// User id.
    pub uid: u32,
    /// Group id.
    pub gid: u32,
    /// File-creation mask.
    pub umask: u32,
}

impl Cred {
    /// The workstation's student (uid 1000, gid 1000, umask 022).
    pub const STUDENT: Cred = Cred {
        uid: 1000,
        gid: 1000,
        umask: 0o022,
    };
    /// root (a container's default user).
    pub const ROOT: Cred = Cred {
        uid: 0,
        gid: 0,
        umask: 0o022,
    };
}
