//! The file system's errors, each printing as the C library's message for its errno.

/// A file-system error; `Display` is the C library's message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VfsError {
    /// ENOENT.
    NotFound,
    /// EISDIR.
    IsDir,
    /// ENOTDIR.
    NotDir,
    /// EEXIST.
    Exists,
    /// ENOTEMPTY.
    NotEmpty,
    /// ENOSPC (kubelab's size cap).
    NoSpace,
    /// EACCES (what the student may not remove: `/dev/null`).
    PermissionDenied,
    /// ELOOP: more than 40 symbolic links on one path.
    Loop,
    /// EROFS: a write under a read-only mount.
    ReadOnly,
    /// EBUSY: removing or renaming a mount point.
    Busy,
    /// ENAMETOOLONG: a link's target longer than `PATH_MAX` - 1 (4095 bytes).
    NameTooLong,
    /// EPERM: changing the owner or mode of another user's file.
    NotPermitted,
    /// EINVAL (`readlink` of a file that is not a symbolic link, moving a directory into itself).
    Invalid,
    /// A file of a `proc` mount that kubelab does not build (only some of `/proc` is there):
    /// said plainly, never as ENOENT.
    NotSimulated,
}

impl std::fmt::Display for VfsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            VfsError::NotFound => "No such file or directory",
            VfsError::IsDir => "Is a directory",
            VfsError::NotDir => "Not a directory",
            VfsError::Exists => "File exists",
            VfsError::NotEmpty => "Directory not empty",
            VfsError::NoSpace => "No space left on device",
            VfsError::PermissionDenied => "Permission denied",
            VfsError::Loop => "Too many levels of symbolic links",
            VfsError::ReadOnly => "Read-only file system",
            VfsError::Busy => "Device or resource busy",
            VfsError::Invalid => "Invalid argument",
            VfsError::NotPermitted => "Operation not permitted",
            VfsError::NameTooLong => "File name too long",
            VfsError::NotSimulated => "kubelab does not simulate this part of /proc",
        })
    }
}
