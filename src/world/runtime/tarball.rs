//! The tar format as the container's `tar` writes and reads it and as `kubectl cp` (Go's
//! `archive/tar`) reads and writes it: 512-byte headers in the GNU layout (`ustar  \0` magic,
//! busybox's `chksum_and_xwrite_tar_header`), octal fields as busybox's `putOctal` fills them,
//! `././@LongLink` entries for names past 100 bytes (busybox's `writeLongname`), two zero blocks
//! at the end. Reading takes the GNU and the POSIX (`ustar\0`, with its `prefix`) layouts.

/// What an entry is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryKind {
    /// A regular file and its bytes.
    File(Vec<u8>),
    /// A directory.
    Dir,
    /// A symbolic link and its target.
    Symlink(String),
    /// A hard link to an earlier member.
    HardLink(String),
    /// A character device (major, minor).
    CharDev(u32, u32),
}

/// One member of an archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The member's name, as stored (without a directory's final `/`).
    pub name: String,
    pub kind: EntryKind,
    /// Permission bits (`07777`).
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    /// Owner names (empty: none recorded).
    pub uname: String,
    pub gname: String,
    /// Unix seconds.
    pub mtime: i64,
}

const BLOCK: usize = 512;

/// busybox's `putOctal`: zero-padded octal, one leading zero dropped so the field ends in NUL.
fn put_octal(field: &mut [u8], value: u64) {
    let len = field.len();
    let s = format!("{value:0len$o}");
    let s = s.as_bytes();
    let s = &s[s.len() - len..];
    let s = if s[0] == b'0' { &s[1..] } else { s };
    field[..s.len()].copy_from_slice(s);
}

fn put_str(field: &mut [u8], s: &str) {
    let b = s.as_bytes();
    let n = b.len().min(field.len());
    field[..n].copy_from_slice(&b[..n]);
}

/// Writes one header block with its checksum.
fn header(name: &str, typeflag: u8, e: &Entry, size: u64, linkname: &str) -> [u8; BLOCK] {
    let mut h = [0u8; BLOCK];
    put_str(&mut h[0..100], name);
    put_octal(&mut h[100..108], u64::from(e.mode & 0o7777));
    put_octal(&mut h[108..116], u64::from(e.uid));
    put_octal(&mut h[116..124], u64::from(e.gid));
    put_octal(&mut h[124..136], size);
    put_octal(&mut h[136..148], e.mtime.max(0) as u64);
    h[156] = typeflag;
    put_str(&mut h[157..257], linkname);
    h[257..265].copy_from_slice(b"ustar  \0");
    put_str(&mut h[265..296], &e.uname);
    put_str(&mut h[297..328], &e.gname);
    if let EntryKind::CharDev(ma, mi) = e.kind {
        put_octal(&mut h[329..337], u64::from(ma));
        put_octal(&mut h[337..345], u64::from(mi));
    }
    checksum(&mut h);
    h
}

fn checksum(h: &mut [u8; BLOCK]) {
    h[148..156].copy_from_slice(b"        ");
    let sum: u32 = h.iter().map(|&b| u32::from(b)).sum();
    let s = format!("{sum:06o}\0");
    h[148..155].copy_from_slice(&s.as_bytes()[..7]);
}

fn pad(out: &mut Vec<u8>) {
    let rem = out.len() % BLOCK;
    if rem != 0 {
        out.resize(out.len() + BLOCK - rem, 0);
    }
}

/// busybox's `writeLongname`: a `././@LongLink` member holding a name past 100 bytes.
fn long_name(out: &mut Vec<u8>, typeflag: u8, name: &str) {
    let mut h = [0u8; BLOCK];
    put_str(&mut h[0..100], "././@LongLink");
    for r in [100..107, 108..115, 116..123, 124..135, 136..147] {
        h[r].fill(b'0');
    }
    put_octal(&mut h[124..136], name.len() as u64 + 1);
    h[156] = typeflag;
    h[257..265].copy_from_slice(b"ustar  \0");
    checksum(&mut h);
    out.extend_from_slice(&h);
    out.extend_from_slice(name.as_bytes());
    out.push(0);
    pad(out);
}

/// Appends one member.
pub fn write_entry(out: &mut Vec<u8>, e: &Entry) {
    let (typeflag, size, link, data): (u8, u64, &str, &[u8]) = match &e.kind {
        EntryKind::File(d) => (b'0', d.len() as u64, "", d),
        EntryKind::Dir => (b'5', 0, "", &[]),
        EntryKind::Symlink(t) => (b'2', 0, t, &[]),
        EntryKind::HardLink(t) => (b'1', 0, t, &[]),
        EntryKind::CharDev(..) => (b'3', 0, "", &[]),
    };
    let name = if e.kind == EntryKind::Dir {
        format!("{}/", e.name)
    } else {
        e.name.clone()
    };
    if link.len() >= 100 {
        long_name(out, b'K', link);
    }
    if name.len() >= 100 {
        long_name(out, b'L', &name);
    }
    out.extend_from_slice(&header(&name, typeflag, e, size, link));
    out.extend_from_slice(data);
    pad(out);
}

/// Ends an archive: two zero blocks, then (GNU tar) zeros up to its 10240-byte record.
pub fn finish(out: &mut Vec<u8>, record: usize) {
    out.resize(out.len() + 2 * BLOCK, 0);
    if record > 0 && !out.len().is_multiple_of(record) {
        out.resize(out.len() + record - out.len() % record, 0);
    }
}

/// Why an archive could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    /// Nothing at all: not even an end block.
    Empty,
    /// A header's checksum or fields are wrong (not an archive).
    BadHeader,
    /// The data ends inside a member.
    Truncated,
}

fn field_str(f: &[u8]) -> String {
    let end = f.iter().position(|&b| b == 0).unwrap_or(f.len());
    String::from_utf8_lossy(&f[..end]).into_owned()
}

fn field_octal(f: &[u8]) -> Option<u64> {
    if f.first().is_some_and(|b| b & 0x80 != 0) {
        // base-256 (GNU): big-endian, the marker bit cleared.
        let mut v: u64 = u64::from(f[0] & 0x3f);
        for &b in &f[1..] {
            v = v.checked_mul(256)?.checked_add(u64::from(b))?;
        }
        return Some(v);
    }
    let s = field_str(f);
    let s = s.trim_matches(|c| c == ' ' || c == '\0');
    if s.is_empty() {
        return Some(0);
    }
    u64::from_str_radix(s, 8).ok()
}

fn valid_checksum(h: &[u8]) -> bool {
    let Some(want) = field_octal(&h[148..156]) else {
        return false;
    };
    let sum: u64 = h
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            if (148..156).contains(&i) {
                32
            } else {
                u64::from(b)
            }
        })
        .sum();
    sum == want
}

/// Reads an archive's members, in order. `limit` bounds the members read.
pub fn read(data: &[u8], limit: usize) -> Result<Vec<Entry>, ReadError> {
    if data.is_empty() {
        return Err(ReadError::Empty);
    }
    let mut out = Vec::new();
    let mut at = 0;
    let mut long: Option<String> = None;
    let mut long_link: Option<String> = None;
    loop {
        if at + BLOCK > data.len() {
            return if at >= data.len() && !out.is_empty() {
                Ok(out)
            } else {
                Err(ReadError::Truncated)
            };
        }
        let h = &data[at..at + BLOCK];
        if h.iter().all(|&b| b == 0) {
            return Ok(out);
        }
        if !valid_checksum(h) {
            return Err(ReadError::BadHeader);
        }
        let size = field_octal(&h[124..136]).ok_or(ReadError::BadHeader)? as usize;
        let start = at + BLOCK;
        let end = start.checked_add(size).ok_or(ReadError::Truncated)?;
        if end > data.len() {
            return Err(ReadError::Truncated);
        }
        let body = &data[start..end];
        at = start + size.div_ceil(BLOCK) * BLOCK;
        let typeflag = h[156];
        match typeflag {
            b'L' => {
                long = Some(field_str(body));
                continue;
            }
            b'K' => {
                long_link = Some(field_str(body));
                continue;
            }
            _ => {}
        }
        let mut name = field_str(&h[0..100]);
        if &h[257..263] == b"ustar\0" {
            let prefix = field_str(&h[345..500]);
            if !prefix.is_empty() {
                name = format!("{prefix}/{name}");
            }
        }
        if let Some(l) = long.take() {
            name = l;
        }
        let link = long_link.take().unwrap_or_else(|| field_str(&h[157..257]));
        let kind = match typeflag {
            b'0' | 0 | b'7' => EntryKind::File(body.to_vec()),
            b'5' => EntryKind::Dir,
            b'2' => EntryKind::Symlink(link),
            b'1' => EntryKind::HardLink(link),
            b'3' => EntryKind::CharDev(
                field_octal(&h[329..337]).unwrap_or(0) as u32,
                field_octal(&h[337..345]).unwrap_or(0) as u32,
            ),
            // Other types (pax headers, FIFOs) are skipped.
            _ => continue,
        };
        let is_dir = kind == EntryKind::Dir;
        let name = if is_dir && name.len() > 1 {
            name.trim_end_matches('/').to_string()
        } else {
            name
        };
        out.push(Entry {
            name,
            kind,
            mode: field_octal(&h[100..108]).unwrap_or(0) as u32 & 0o7777,
            uid: field_octal(&h[108..116]).unwrap_or(0) as u32,
            gid: field_octal(&h[116..124]).unwrap_or(0) as u32,
            uname: field_str(&h[265..297]),
            gname: field_str(&h[297..329]),
            mtime: field_octal(&h[136..148]).unwrap_or(0) as i64,
        });
        if out.len() > limit {
            return Err(ReadError::BadHeader);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, data: &[u8]) -> Entry {
        Entry {
            name: name.into(),
            kind: EntryKind::File(data.to_vec()),
            mode: 0o644,
            uid: 0,
            gid: 0,
            uname: "root".into(),
            gname: "root".into(),
            mtime: 1_530_552_467,
        }
    }

    #[test]
    fn a_header_as_busybox_writes_it() {
        let mut out = Vec::new();
        write_entry(&mut out, &file("tmp/tt/f", b"hi\n"));
        assert_eq!(out.len(), 1024);
        assert_eq!(&out[100..108], b"0000644\0");
        assert_eq!(&out[124..136], b"00000000003\0");
        assert_eq!(&out[257..265], b"ustar  \0");
        assert_eq!(&out[265..270], b"root\0");
        assert_eq!(&out[512..515], b"hi\n");
    }

    #[test]
    fn round_trip_with_long_names_and_links() {
        let long = format!("d/{}", "x".repeat(150));
        let mut out = Vec::new();
        let mut dir = file("d", b"");
        dir.kind = EntryKind::Dir;
        dir.mode = 0o755;
        let mut link = file("d/l", b"");
        link.kind = EntryKind::Symlink("../etc/passwd".into());
        link.mode = 0o777;
        let entries = vec![dir, file(&long, b"data"), link];
        for e in &entries {
            write_entry(&mut out, e);
        }
        finish(&mut out, 10240);
        assert_eq!(out.len(), 10240);
        assert_eq!(read(&out, 100).unwrap(), entries);
    }

    #[test]
    fn broken_archives() {
        assert_eq!(read(b"", 10), Err(ReadError::Empty));
        assert_eq!(read(&[1u8; 600], 10), Err(ReadError::BadHeader));
        let mut out = Vec::new();
        write_entry(&mut out, &file("f", &[7u8; 2000]));
        assert_eq!(read(&out[..900], 10), Err(ReadError::Truncated));
    }
}
