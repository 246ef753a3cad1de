//! `lsblk` on a node (util-linux 2.37, Ubuntu 22.04's), over the node's block devices
//! (`block_devices.rs`). Columns and layout as libsmartcols prints them to a pipe: cells
//! separated by one space, every column but the last padded to its width (the header's
//! included), numbers right-aligned, `MAJ:MIN` as `%3u:%-3u`, the tree drawn with `├─` and
//! `└─`. The recorded outputs of the real lsblk over the same layout are in
//! `tests/inputs/lsblk/` (with the script that recorded them) and the tests compare byte for
//! byte.

use super::block_devices::{AddedDisk, BlockDevice, devices};

/// The columns kubelab's lsblk shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Name,
    KName,
    Path,
    MajMin,
    Rm,
    Size,
    Ro,
    Type,
    Mountpoint,
    Mountpoints,
    FsType,
    FsVer,
    Label,
    Uuid,
    FsAvail,
    FsUsePerc,
    FsSize,
    FsUsed,
}

const COLUMNS: &[(&str, Col)] = &[
    ("NAME", Col::Name),
    ("KNAME", Col::KName),
    ("PATH", Col::Path),
    ("MAJ:MIN", Col::MajMin),
    ("RM", Col::Rm),
    ("SIZE", Col::Size),
    ("RO", Col::Ro),
    ("TYPE", Col::Type),
    ("MOUNTPOINT", Col::Mountpoint),
    ("MOUNTPOINTS", Col::Mountpoints),
    ("FSTYPE", Col::FsType),
    ("FSVER", Col::FsVer),
    ("LABEL", Col::Label),
    ("UUID", Col::Uuid),
    ("FSAVAIL", Col::FsAvail),
    ("FSUSE%", Col::FsUsePerc),
    ("FSSIZE", Col::FsSize),
    ("FSUSED", Col::FsUsed),
];

/// The columns lsblk knows that kubelab does not fill (named so the notice is plain).
const KNOWN_UNSUPPORTED: &[&str] = &[
    "ALIGNMENT",
    "DISC-ALN",
    "DAX",
    "DISC-GRAN",
    "DISC-MAX",
    "DISC-ZERO",
    "FSROOTS",
    "GROUP",
    "HCTL",
    "HOTPLUG",
    "LOG-SEC",
    "MIN-IO",
    "MODE",
    "MODEL",
    "OPT-IO",
    "OWNER",
    "PARTFLAGS",
    "PARTLABEL",
    "PARTTYPE",
    "PARTTYPENAME",
    "PARTUUID",
    "PHY-SEC",
    "PKNAME",
    "PTTYPE",
    "PTUUID",
    "RA",
    "RAND",
    "REV",
    "ROTA",
    "RQ-SIZE",
    "SCHED",
    "SERIAL",
    "STATE",
    "SUBSYSTEMS",
    "TRAN",
    "VENDOR",
    "WSAME",
    "WWN",
    "ZONED",
    "ZONE-SZ",
    "ZONE-WGRAN",
    "ZONE-APP",
    "ZONE-NR",
    "ZONE-OMAX",
    "ZONE-AMAX",
];

impl Col {
    fn right(self) -> bool {
        matches!(
            self,
            Col::MajMin
                | Col::Rm
                | Col::Size
                | Col::Ro
                | Col::FsAvail
                | Col::FsUsePerc
                | Col::FsSize
                | Col::FsUsed
        )
    }

    fn header(self) -> &'static str {
        COLUMNS
            .iter()
            .find(|(_, c)| *c == self)
            .map(|(n, _)| *n)
            .unwrap_or("")
    }
}

const DEFAULT: &[Col] = &[
    Col::Name,
    Col::MajMin,
    Col::Rm,
    Col::Size,
    Col::Ro,
    Col::Type,
    Col::Mountpoints,
];

const FS: &[Col] = &[
    Col::Name,
    Col::FsType,
    Col::FsVer,
    Col::Label,
    Col::Uuid,
    Col::FsAvail,
    Col::FsUsePerc,
    Col::Mountpoints,
];

/// What the root file system's statvfs says: (size, used, available) in bytes.
#[derive(Debug, Clone, Copy)]
pub struct RootFs {
    /// f_blocks * f_frsize.
    pub size: u64,
    /// (f_blocks - f_bfree) * f_frsize.
    pub used: u64,
    /// f_bavail * f_frsize.
    pub avail: u64,
}

impl RootFs {
    /// The root ext4 file system of a partition of `partition` bytes holding `used` bytes:
    /// mke2fs's overhead (inode tables, journal) leaves 98.3 % of the partition as blocks, and
    /// 5 % of them are reserved for root.
    pub fn ext4(partition: u64, used: u64) -> RootFs {
        let size = partition / 1000 * 983;
        let used = used.min(size);
        let reserved = size / 20;
        RootFs {
            size,
            used,
            avail: size.saturating_sub(used).saturating_sub(reserved),
        }
    }
}

/// What the node's system takes on its root file system before any image is pulled (Ubuntu
/// 22.04 server, containerd, the kubelet, the snaps' files).
pub const SYSTEM_USED: u64 = 6 << 30;

impl crate::world::World {
    /// `lsblk ARGS` on `node`: (stdout, stderr, exit status). The root file system holds the
    /// system and the images in the node's store (and what `node.fill_disk` put there).
    pub fn lsblk(&self, node: &str, args: &[&str]) -> (String, String, i32) {
        let used = self
            .nodes
            .get(node)
            .map(|n| n.disk_used())
            .unwrap_or(0)
            .saturating_add(SYSTEM_USED);
        let root = RootFs::ext4(super::block_devices::ROOT_PART, used);
        let added = self.node_disks.get(node).map(Vec::as_slice).unwrap_or(&[]);
        run(node, added, root, args)
    }
}

struct Opts {
    cols: Vec<Col>,
    bytes: bool,
    nodeps: bool,
    list: bool,
    noheadings: bool,
    paths: bool,
    devices: Vec<String>,
}

fn usage_error(msg: String) -> Result<Opts, (String, i32)> {
    Err((
        format!("{msg}\nTry 'lsblk --help' for more information.\n"),
        1,
    ))
}

fn unsupported(what: &str) -> Result<Opts, (String, i32)> {
    Err((format!("kubelab does not support lsblk {what}\n"), 1))
}

fn parse_cols(list: &str, cols: &mut Vec<Col>) -> Result<(), (String, i32)> {
    let (list, add) = match list.strip_prefix('+') {
        Some(rest) => (rest, true),
        None => (list, false),
    };
    if !add {
        cols.clear();
    }
    for name in list.split(',') {
        let upper = name.to_ascii_uppercase();
        match COLUMNS.iter().find(|(n, _)| *n == upper) {
            Some((_, c)) => cols.push(*c),
            None if KNOWN_UNSUPPORTED.contains(&upper.as_str()) => {
                return Err((
                    format!("kubelab does not support the lsblk column {upper}\n"),
                    1,
                ));
            }
            None => return Err((format!("lsblk: unknown column: {name}\n"), 1)),
        }
    }
    Ok(())
}

fn parse(args: &[&str]) -> Result<Opts, (String, i32)> {
    let mut o = Opts {
        cols: DEFAULT.to_vec(),
        bytes: false,
        nodeps: false,
        list: false,
        noheadings: false,
        paths: false,
        devices: vec![],
    };
    let mut output: Vec<String> = vec![];
    let mut fs = false;
    let mut i = 0;
    while i < args.len() {
        let a = args[i];
        i += 1;
        if let Some(long) = a.strip_prefix("--") {
            let (name, value) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            match name {
                "" => {
                    o.devices.extend(args[i..].iter().map(|s| s.to_string()));
                    break;
                }
                "bytes" => o.bytes = true,
                "nodeps" => o.nodeps = true,
                "list" => o.list = true,
                "noheadings" => o.noheadings = true,
                "paths" => o.paths = true,
                "fs" => fs = true,
                "output" => match value.or_else(|| {
                    i += 1;
                    args.get(i - 1).map(|s| s.to_string())
                }) {
                    Some(v) => output.push(v),
                    None => {
                        return usage_error("lsblk: option '--output' requires an argument".into());
                    }
                },
                "all" | "ascii" | "discard" | "dedup" | "include" | "exclude" | "json"
                | "merge" | "noempty" | "output-all" | "pairs" | "perms" | "raw" | "scsi"
                | "inverse" | "topology" | "tree" | "width" | "sort" | "shell" | "zoned"
                | "sysroot" | "help" | "version" => return unsupported(&format!("--{name}")),
                _ => return usage_error(format!("lsblk: unrecognized option '{a}'")),
            }
            continue;
        }
        if a.len() < 2 || !a.starts_with('-') {
            o.devices.push(a.to_string());
            continue;
        }
        let flags: Vec<char> = a[1..].chars().collect();
        let mut j = 0;
        while j < flags.len() {
            let c = flags[j];
            j += 1;
            match c {
                'b' => o.bytes = true,
                'd' => o.nodeps = true,
                'l' => o.list = true,
                'n' => o.noheadings = true,
                'p' => o.paths = true,
                'f' => fs = true,
                'o' => {
                    let rest: String = flags[j..].iter().collect();
                    j = flags.len();
                    if !rest.is_empty() {
                        output.push(rest);
                    } else if let Some(v) = args.get(i) {
                        output.push(v.to_string());
                        i += 1;
                    } else {
                        return usage_error("lsblk: option requires an argument -- 'o'".into());
                    }
                }
                'A' | 'D' | 'E' | 'I' | 'J' | 'M' | 'O' | 'P' | 'S' | 'T' | 'a' | 'e' | 'i'
                | 'm' | 'r' | 's' | 't' | 'w' | 'x' | 'y' | 'z' | 'h' | 'V' => {
                    return unsupported(&format!("-{c}"));
                }
                _ => return usage_error(format!("lsblk: invalid option -- '{c}'")),
            }
        }
    }
    if fs {
        o.cols = FS.to_vec();
    }
    for list in output {
        parse_cols(&list, &mut o.cols)?;
    }
    Ok(o)
}

/// util-linux's `size_to_human_string` with one-letter suffixes: binary units, one decimal
/// rounded half up, a trailing `.0` dropped.
pub fn human(bytes: u64) -> String {
    let mut exp = 0;
    let mut shift = 10;
    while shift <= 60 && bytes >= (1u64 << shift) {
        exp = shift;
        shift += 10;
    }
    let letter = b"BKMGTPE"[exp / 10] as char;
    let mut dec = if exp > 0 { bytes >> exp } else { bytes };
    let mut frac = if exp > 0 {
        bytes & ((1u64 << exp) - 1)
    } else {
        0
    };
    if frac > 0 {
        frac = if frac >= u64::MAX / 1000 {
            ((frac / 1024) * 1000) / (1u64 << (exp - 10))
        } else {
            (frac * 1000) / (1u64 << exp)
        };
        frac = (frac + 50) / 100 * 10;
        if frac == 100 {
            dec += 1;
            frac = 0;
        }
    }
    if frac > 0 {
        let s = format!("{dec}.{frac:02}");
        let s = s.strip_suffix('0').unwrap_or(&s).to_string();
        format!("{s}{letter}")
    } else {
        format!("{dec}{letter}")
    }
}

struct Row {
    prefix: &'static str,
    dev: BlockDevice,
}

fn cell(o: &Opts, col: Col, r: &Row, root: Option<RootFs>) -> String {
    let d = &r.dev;
    let fsstat = || match (d.mountpoint.as_deref(), d.fstype.as_ref()) {
        (Some("/"), _) => root,
        (Some(_), Some(("squashfs", _, _))) => Some(RootFs {
            size: d.size,
            used: d.size,
            avail: 0,
        }),
        _ => None,
    };
    let size = |n: u64| {
        if n == 0 {
            "0".to_string()
        } else if o.bytes {
            n.to_string()
        } else {
            human(n)
        }
    };
    match col {
        Col::Name => {
            let name = if o.paths {
                format!("/dev/{}", d.name)
            } else {
                d.name.clone()
            };
            format!("{}{name}", r.prefix)
        }
        Col::KName => d.name.clone(),
        Col::Path => format!("/dev/{}", d.name),
        Col::MajMin => format!("{:>3}:{:<3}", d.major, d.minor),
        Col::Rm => "0".into(),
        Col::Size => {
            if o.bytes {
                d.size.to_string()
            } else {
                human(d.size)
            }
        }
        Col::Ro => if d.ro { "1" } else { "0" }.into(),
        Col::Type => d.kind.word().into(),
        Col::Mountpoint | Col::Mountpoints => d.mountpoint.clone().unwrap_or_default(),
        Col::FsType => d
            .fstype
            .as_ref()
            .map(|f| f.0.to_string())
            .unwrap_or_default(),
        Col::FsVer => d
            .fstype
            .as_ref()
            .map(|f| f.1.to_string())
            .unwrap_or_default(),
        Col::Label => String::new(),
        Col::Uuid => d.fstype.as_ref().map(|f| f.2.clone()).unwrap_or_default(),
        Col::FsAvail => fsstat().map(|s| size(s.avail)).unwrap_or_default(),
        Col::FsSize => fsstat().map(|s| size(s.size)).unwrap_or_default(),
        Col::FsUsed => fsstat().map(|s| size(s.used)).unwrap_or_default(),
        Col::FsUsePerc => fsstat()
            .map(|s| {
                if s.size == 0 {
                    "-".to_string()
                } else {
                    format!(
                        "{}%",
                        ((s.used as f64) / (s.size as f64) * 100.0).round_ties_even()
                    )
                }
            })
            .unwrap_or_default(),
    }
}

/// Runs `lsblk ARGS` on the node whose disks are the system disk and `added`, with the root
/// file system's statvfs `root`: (stdout, stderr, exit status).
pub fn run(node: &str, added: &[AddedDisk], root: RootFs, args: &[&str]) -> (String, String, i32) {
    let o = match parse(args) {
        Ok(o) => o,
        Err((msg, status)) => return (String::new(), msg, status),
    };
    let all = devices(node, added);
    let mut tops: Vec<BlockDevice> = vec![];
    let mut err = String::new();
    let mut missing = false;
    if o.devices.is_empty() {
        tops = all;
    } else {
        for name in &o.devices {
            let short = name.strip_prefix("/dev/").unwrap_or(name);
            let found = all
                .iter()
                .flat_map(|d| std::iter::once(d).chain(d.children.iter()))
                .find(|d| d.name == short && name.starts_with("/dev/"));
            match found {
                Some(d) => tops.push(d.clone()),
                None => {
                    err.push_str(&format!("lsblk: {name}: not a block device\n"));
                    missing = true;
                }
            }
        }
    }
    let mut rows: Vec<Row> = vec![];
    for d in tops {
        let children = if o.nodeps { vec![] } else { d.children.clone() };
        rows.push(Row { prefix: "", dev: d });
        let n = children.len();
        for (k, c) in children.into_iter().enumerate() {
            let prefix = match (o.list, k + 1 == n) {
                (true, _) => "",
                (false, false) => "├─",
                (false, true) => "└─",
            };
            rows.push(Row { prefix, dev: c });
        }
    }
    let status = if missing { 32 } else { 0 };
    if rows.is_empty() {
        return (String::new(), err, status);
    }
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| o.cols.iter().map(|c| cell(&o, *c, r, Some(root))).collect())
        .collect();
    let width = |k: usize| {
        cells
            .iter()
            .map(|row| row[k].chars().count())
            .chain(std::iter::once(o.cols[k].header().len()))
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..o.cols.len()).map(width).collect();
    let mut out = String::new();
    let mut line = |texts: Vec<String>| {
        let last = texts.len().saturating_sub(1);
        for (k, t) in texts.iter().enumerate() {
            if k > 0 {
                out.push(' ');
            }
            let pad = widths[k].saturating_sub(t.chars().count());
            if o.cols[k].right() {
                out.push_str(&" ".repeat(pad));
                out.push_str(t);
            } else {
                out.push_str(t);
                if k != last {
                    out.push_str(&" ".repeat(pad));
                }
            }
        }
        out.push('\n');
    };
    if !o.noheadings {
        line(o.cols.iter().map(|c| c.header().to_string()).collect());
    }
    for row in cells {
        line(row);
    }
    (out, err, status)
}

#[cfg(test)]
#[path = "lsblk_tests.rs"]
mod tests;
