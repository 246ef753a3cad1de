//! Chart archives (`.tgz`): a ustar tar stream in gzip, as `chartutil.Save` writes it (each file
//! `0644`, owner 0, the modification time given, gzip comment `Helm` and helm's extra field),
//! and the reader `loader.LoadArchive` needs. Deterministic: the time is the virtual clock's,
//! and the bytes depend on nothing else. They are not Go's compressed bytes (helm.md §2.9).

use std::io::{Read, Write};

/// At most this many bytes unpacked from one archive (kubelab's limit; helm's own is 100 MiB).
pub const MAX_UNPACKED: usize = 16 * 1024 * 1024;

const HELM_EXTRA: &[u8] = b"+aHR0cHM6Ly95b3V0dS5iZS96OVV6MWljandyTQo=";

fn octal(field: &mut [u8], value: u64) {
    let width = field.len() - 1;
    let s = format!("{value:0width$o}");
    let s = &s.as_bytes()[s.len().saturating_sub(width)..];
    field[..width].copy_from_slice(s);
    field[width] = 0;
}

fn header(name: &str, size: usize, mtime: i64, flag: u8) -> [u8; 512] {
    let mut h = [0u8; 512];
    // ustar: a name over 100 bytes is split at a `/` into prefix (155) and name (100); a name
    // that cannot be split is cut (bytes, so no character boundary matters here).
    let b = name.as_bytes();
    let (prefix, name): (&[u8], &[u8]) = if b.len() > 100 {
        match b[..b.len().min(156)].iter().rposition(|&c| c == b'/') {
            Some(i) if b.len() - i - 1 <= 100 => (&b[..i], &b[i + 1..]),
            _ => (&[], &b[..100]),
        }
    } else {
        (&[], b)
    };
    h[..name.len()].copy_from_slice(name);
    octal(&mut h[100..108], 0o644);
    octal(&mut h[108..116], 0);
    octal(&mut h[116..124], 0);
    octal(&mut h[124..136], size as u64);
    octal(&mut h[136..148], mtime.max(0) as u64);
    h[156] = flag;
    h[257..263].copy_from_slice(b"ustar\0");
    h[263..265].copy_from_slice(b"00");
    h[345..345 + prefix.len()].copy_from_slice(prefix);
    h[148..156].copy_from_slice(b"        ");
    let sum: u32 = h.iter().map(|&b| b as u32).sum();
    let s = format!("{sum:06o}\0 ");
    h[148..156].copy_from_slice(s.as_bytes());
    h
}

/// Whether ustar's name (100) and prefix (155) fields hold the path.
fn fits_ustar(name: &str) -> bool {
    let b = name.as_bytes();
    b.len() <= 100
        || b[..b.len().min(156)]
            .iter()
            .rposition(|&c| c == b'/')
            .is_some_and(|i| b.len() - i - 1 <= 100)
}

/// One PAX record: `LEN key=value\n`, LEN counting itself.
fn pax_record(key: &str, value: &str) -> Vec<u8> {
    let body = format!(" {key}={value}\n");
    let mut len = body.len() + 1;
    while format!("{len}").len() + body.len() != len {
        len += 1;
    }
    format!("{len}{body}").into_bytes()
}

/// The `path` of PAX records, if any.
fn pax_path(data: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(data);
    text.lines()
        .find_map(|l| {
            l.split_once(' ')
                .and_then(|(_, kv)| kv.strip_prefix("path="))
        })
        .map(str::to_string)
}

/// The tar stream of `files` (paths inside the archive, bytes), in order.
pub fn tar(files: &[(String, Vec<u8>)], mtime: i64) -> Vec<u8> {
    let mut out = Vec::new();
    let entry = |out: &mut Vec<u8>, name: &str, data: &[u8], flag: u8| {
        out.extend_from_slice(&header(name, data.len(), mtime, flag));
        out.extend_from_slice(data);
        let pad = (512 - data.len() % 512) % 512;
        out.extend(std::iter::repeat_n(0u8, pad));
    };
    for (name, data) in files {
        if !fits_ustar(name) {
            // A PAX extended header carries the whole path, as Go's archive/tar writes it.
            entry(
                &mut out,
                "PaxHeaders.0/path",
                &pax_record("path", name),
                b'x',
            );
        }
        entry(&mut out, name, data, b'0');
    }
    out.extend(std::iter::repeat_n(0u8, 1024));
    out
}

/// gzip with helm's header (comment `Helm`, its extra field), modification time `mtime`.
pub fn gzip(data: &[u8], mtime: i64) -> Vec<u8> {
    let mut enc = flate2::GzBuilder::new()
        .extra(HELM_EXTRA.to_vec())
        .comment("Helm")
        .mtime(mtime.max(0) as u32)
        .write(Vec::new(), flate2::Compression::default());
    let _ = enc.write_all(data);
    enc.finish().unwrap_or_default()
}

/// gzip as helm's release driver compresses (best compression, no name or time).
pub fn gzip_best(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::GzBuilder::new().write(Vec::new(), flate2::Compression::best());
    let _ = enc.write_all(data);
    enc.finish().unwrap_or_default()
}

/// Unpacks gzip, bounded.
pub fn gunzip(data: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(data)
        .take(MAX_UNPACKED as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| e.to_string())?;
    if out.len() > MAX_UNPACKED {
        return Err(format!(
            "more than {} MiB unpacked (kubelab's limit)",
            MAX_UNPACKED >> 20
        ));
    }
    Ok(out)
}

fn field_str(b: &[u8]) -> String {
    let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
    String::from_utf8_lossy(&b[..end]).into_owned()
}

fn field_num(b: &[u8]) -> usize {
    let s = field_str(b);
    usize::from_str_radix(s.trim(), 8).unwrap_or(0)
}

/// The regular files of a tar stream (directories and other entries skipped).
pub fn untar(data: &[u8]) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut out = Vec::new();
    let mut i = 0;
    let mut pax_name: Option<String> = None;
    while i + 512 <= data.len() {
        let h = &data[i..i + 512];
        if h.iter().all(|&b| b == 0) {
            break;
        }
        let mut name = field_str(&h[0..100]);
        let prefix = field_str(&h[345..500]);
        if &h[257..262] == b"ustar" && !prefix.is_empty() {
            name = format!("{prefix}/{name}");
        }
        let size = field_num(&h[124..136]);
        let start = i + 512;
        let end = start
            .checked_add(size)
            .ok_or("archive/tar: invalid header")?;
        if end > data.len() {
            return Err("unexpected EOF".into());
        }
        match h[156] {
            b'x' => pax_name = pax_path(&data[start..end]),
            b'0' | 0 => out.push((pax_name.take().unwrap_or(name), data[start..end].to_vec())),
            _ => pax_name = None,
        }
        i = start + size.div_ceil(512) * 512;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_is_deterministic() {
        let files = vec![
            (
                "mychart/Chart.yaml".to_string(),
                b"name: mychart\n".to_vec(),
            ),
            ("mychart/templates/a.yaml".to_string(), vec![b'x'; 700]),
        ];
        let t = tar(&files, 1_700_000_000);
        assert_eq!(t.len() % 512, 0);
        assert_eq!(untar(&t).unwrap(), files);
        let z = gzip(&t, 1_700_000_000);
        assert_eq!(z, gzip(&t, 1_700_000_000));
        assert_eq!(&z[..3], &[0x1f, 0x8b, 0x08]);
        assert_eq!(gunzip(&z).unwrap(), t);
        // Long and non-ASCII names never panic.
        let long = format!("{}/{}", "é".repeat(80), "x".repeat(90));
        let t = tar(&[(long.clone(), vec![1])], 0);
        assert_eq!(untar(&t).unwrap()[0].0, long);
        let name = "é".repeat(120);
        assert_eq!(
            untar(&tar(&[(name.clone(), vec![])], 0)).unwrap()[0].0,
            name
        );
        assert_eq!(pax_record("path", "a"), b"9 path=a\n");
    }
}
