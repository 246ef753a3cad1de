//! A node's block devices, as `lsblk` lists them: the system disk every node has (seed 004's
//! layout: the snaps' loop devices, `sda` with a 1 MiB BIOS boot partition `sda1` and the root
//! file system on `sda2`) and the raw disks a lab adds (`node.add_disk("sdb", "100G")`), which
//! carry no partition and no file system: what rook's OSD prepare job looks for.

use std::collections::BTreeMap;

/// What a device is (lsblk's TYPE).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DevType {
    /// A whole disk.
    Disk,
    /// A partition of a disk.
    Part,
    /// A loop device (a snap's squashfs image).
    Loop,
}

impl DevType {
    /// lsblk's word for it.
    pub fn word(self) -> &'static str {
        match self {
            DevType::Disk => "disk",
            DevType::Part => "part",
            DevType::Loop => "loop",
        }
    }
}

/// One block device of a node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockDevice {
    /// Kernel name (`sda2`).
    pub name: String,
    /// Major and minor device numbers.
    pub major: u32,
    /// Minor device number.
    pub minor: u32,
    /// Size in bytes.
    pub size: u64,
    /// Read-only.
    pub ro: bool,
    /// TYPE.
    pub kind: DevType,
    /// Where it is mounted.
    pub mountpoint: Option<String>,
    /// File system type, version and UUID (`ext4`, `1.0`, ...), when it holds one.
    pub fstype: Option<(&'static str, &'static str, String)>,
    /// Partitions.
    pub children: Vec<BlockDevice>,
}

/// A raw disk a lab added to a node (`node.add_disk`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddedDisk {
    /// Its name (`sdb` .. `sdz`).
    pub name: String,
    /// Its size in bytes.
    pub size: u64,
}

/// The added disks, by node.
pub type AddedDisks = BTreeMap<String, Vec<AddedDisk>>;

/// The snaps of the node's Ubuntu (the seed's `lsblk`): mount point and size in 512-byte
/// sectors, one loop device each.
const SNAPS: &[(&str, u64)] = &[
    ("/snap/core18/2128", 113_456),
    ("/snap/core18/1705", 112_640),
    ("/snap/lxd/21497", 148_480),
    ("/snap/snapd/12883", 66_152),
    ("/snap/lxd/14804", 141_312),
    ("/snap/core20/1081", 126_568),
    ("/snap/snapd/7264", 55_504),
];

/// The system disk: 100 GiB.
pub const SYSTEM_DISK: u64 = 100 << 30;

/// `sda2`: the disk less the first MiB (the partition table's alignment), `sda1`'s MiB, and
/// the backup GPT at the end, rounded down to a MiB.
pub const ROOT_PART: u64 = SYSTEM_DISK - (2 << 20);

/// The largest disk a lab may add: 64 TiB.
pub const MAX_DISK: u64 = 64 << 40;

/// A file system UUID drawn from the node's name (FNV-1a), in the version 4 layout, so each
/// node's root file system has its own and a run is the same everywhere.
fn uuid_for(node: &str) -> String {
    let mut h: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    for b in node.bytes().chain(*b"/sda2") {
        h ^= b as u128;
        h = h.wrapping_mul(0x0000_0000_0100_0000_0000_0000_0000_013b);
    }
    let hex = format!("{h:032x}");
    let b = hex.as_bytes();
    let s = |r: std::ops::Range<usize>| std::str::from_utf8(&b[r]).unwrap_or("0");
    let variant = ["8", "9", "a", "b"][(h as usize) & 3];
    format!(
        "{}-{}-4{}-{}{}-{}",
        s(0..8),
        s(8..12),
        s(13..16),
        variant,
        s(17..20),
        s(20..32)
    )
}

/// Parses a disk size as a lab writes it: `100G`, `100Gi`, `512M`, `2T`, or bytes (binary
/// units either way, as disk sizes are given to hypervisors).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let digits = t.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let unit = &t[digits.len()..];
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("invalid disk size \"{text}\" (examples: 100G, 512M, 2T)"))?;
    let shift = match unit {
        "" | "B" => 0,
        "K" | "Ki" | "KiB" => 10,
        "M" | "Mi" | "MiB" => 20,
        "G" | "Gi" | "GiB" => 30,
        "T" | "Ti" | "TiB" => 40,
        _ => {
            return Err(format!(
                "invalid disk size \"{text}\" (examples: 100G, 512M, 2T)"
            ));
        }
    };
    let bytes = n
        .checked_mul(1u64 << shift)
        .filter(|b| *b <= MAX_DISK)
        .ok_or_else(|| format!("disk size \"{text}\" is over kubelab's 64T"))?;
    if bytes < (1 << 20) {
        return Err(format!("disk size \"{text}\" is under 1M"));
    }
    Ok(bytes)
}

/// Checks a name for an added disk: `sdb` to `sdz` (`sda` is the system disk).
pub fn check_name(name: &str) -> Result<u32, String> {
    match name.as_bytes() {
        [b's', b'd', c @ b'b'..=b'z'] => Ok(u32::from(c - b'a') * 16),
        _ => Err(format!(
            "invalid disk name \"{name}\": added disks are named sdb to sdz (sda is the system disk)"
        )),
    }
}

/// A node's devices in lsblk's order (by major:minor): the loop devices, `sda` and its
/// partitions, then the added disks.
pub fn devices(node: &str, added: &[AddedDisk]) -> Vec<BlockDevice> {
    let mut out: Vec<BlockDevice> = SNAPS
        .iter()
        .enumerate()
        .map(|(i, (mnt, sectors))| BlockDevice {
            name: format!("loop{i}"),
            major: 7,
            minor: i as u32,
            size: sectors * 512,
            ro: true,
            kind: DevType::Loop,
            mountpoint: Some(mnt.to_string()),
            fstype: Some(("squashfs", "4.0", String::new())),
            children: vec![],
        })
        .collect();
    let part = |name: &str, minor: u32, size: u64| BlockDevice {
        name: name.to_string(),
        major: 8,
        minor,
        size,
        ro: false,
        kind: DevType::Part,
        mountpoint: None,
        fstype: None,
        children: vec![],
    };
    let mut root = part("sda2", 2, ROOT_PART);
    root.mountpoint = Some("/".into());
    root.fstype = Some(("ext4", "1.0", uuid_for(node)));
    out.push(BlockDevice {
        name: "sda".into(),
        major: 8,
        minor: 0,
        size: SYSTEM_DISK,
        ro: false,
        kind: DevType::Disk,
        mountpoint: None,
        fstype: None,
        children: vec![part("sda1", 1, 1 << 20), root],
    });
    let mut disks: Vec<&AddedDisk> = added.iter().collect();
    disks.sort_by(|a, b| a.name.cmp(&b.name));
    for d in disks {
        out.push(BlockDevice {
            name: d.name.clone(),
            major: 8,
            minor: check_name(&d.name).unwrap_or(0),
            size: d.size,
            ro: false,
            kind: DevType::Disk,
            mountpoint: None,
            fstype: None,
            children: vec![],
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_names() {
        assert_eq!(parse_size("100G"), Ok(100 << 30));
        assert_eq!(parse_size("512Mi"), Ok(512 << 20));
        assert!(parse_size("10x").is_err());
        assert!(parse_size("100000T").is_err());
        assert!(parse_size("12").is_err());
        assert_eq!(check_name("sdb"), Ok(16));
        assert_eq!(check_name("sdc"), Ok(32));
        assert!(check_name("sda").is_err());
        assert!(check_name("nvme0n1").is_err());
    }

    #[test]
    fn each_node_has_its_own_root_uuid() {
        let a = uuid_for("worker-1");
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
        assert_ne!(a, uuid_for("worker-2"));
        assert_eq!(a, uuid_for("worker-1"));
    }
}
