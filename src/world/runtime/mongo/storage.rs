//! mongod's data directory, `/data/db`, as files of the container's file system: the names
//! WiredTiger and mongod give them (`WiredTiger`, `WiredTiger.lock`, `mongod.lock`,
//! `_mdb_catalog.wt`, `collection-N-RAND.wt`, `index-N-RAND.wt`, `journal/`,
//! `diagnostic.data/`, ...), with kubelab's own bytes inside: the catalog names each
//! collection's files, a collection's file holds its documents one per line as the legacy
//! shell prints them (`{ "_id" : ObjectId("..."), "name" : "foo" }`), an index's file its
//! `_id`s. So the data lives where `/data/db` is mounted: a PersistentVolume keeps it past the
//! pod, an emptyDir loses it with the pod, the container's writable layer with the container.

use crate::shell::Vfs;
use crate::shell::vfs::Cred;

use super::parse;
use super::value::{Bson, Doc, tojson};

/// mongod's `--dbpath` in the images.
pub const DBPATH: &str = "/data/db";

/// kubelab's bounds: documents per collection, bytes per document (its one-line text),
/// collections in all.
pub const MAX_DOCS: usize = 10_000;
/// See [`MAX_DOCS`].
pub const MAX_DOC_BYTES: usize = 16 * 1024;
/// See [`MAX_DOCS`].
pub const MAX_COLLECTIONS: usize = 200;

/// The `mongodb` user of the images (docker-entrypoint.sh runs mongod as it through gosu).
const MONGODB: Cred = Cred {
    uid: 999,
    gid: 999,
    umask: 0o022,
};

/// Why the data directory could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageError(pub String);

/// One collection of the catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// `db.collection`.
    pub ns: String,
    /// Its file's name without `.wt` (`collection-7-123`).
    pub ident: String,
    /// Its `_id` index's file (`index-8-123`).
    pub index: String,
}

impl Entry {
    /// The database's name.
    pub fn db(&self) -> &str {
        self.ns.split_once('.').map(|(d, _)| d).unwrap_or(&self.ns)
    }

    /// The collection's name.
    pub fn coll(&self) -> &str {
        self.ns.split_once('.').map(|(_, c)| c).unwrap_or("")
    }
}

/// `_mdb_catalog.wt`: the suffix of this data directory's file names, the next file number,
/// and the collections.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Catalog {
    rand: String,
    next: u64,
    /// The collections, in the order they were created.
    pub entries: Vec<Entry>,
}

fn path(name: &str) -> String {
    format!("{DBPATH}/{name}")
}

fn io(e: crate::shell::vfs::VfsError) -> StorageError {
    StorageError(format!("{DBPATH}: {e:?}"))
}

/// Writes as the `mongodb` user, as mongod does.
fn write(vfs: &mut Vfs, name: &str, data: &[u8]) -> Result<(), StorageError> {
    let cred = vfs.cred();
    vfs.set_cred(MONGODB);
    let r = vfs.write(&path(name), data, false).map_err(io);
    vfs.set_cred(cred);
    r
}

fn mkdir(vfs: &mut Vfs, name: &str) -> Result<(), StorageError> {
    if vfs.is_dir(&path(name)) {
        return Ok(());
    }
    let cred = vfs.cred();
    vfs.set_cred(MONGODB);
    let r = vfs.mkdir(&path(name)).map_err(io);
    vfs.set_cred(cred);
    r
}

/// What mongod does to its data directory when it starts (`version` as `4.4`): the
/// entrypoint gives `/data/db` to `mongodb`; WiredTiger's files are created when missing, the
/// lock files written, the system collections created (`admin.system.version` with the
/// feature compatibility version, `local.startup_log`, `config.system.sessions`). `rand` is
/// the suffix of the files this data directory's collections get (kept in the catalog).
pub fn start(vfs: &mut Vfs, version: &str, rand: i64) -> Result<(), StorageError> {
    if !vfs.is_dir(DBPATH) {
        vfs.mkdir_all(DBPATH).map_err(io)?;
    }
    // docker-entrypoint.sh: `find "$dbPath" \! -user mongodb -exec chown mongodb '{}' +`.
    let _ = vfs.chown(DBPATH, Some(MONGODB.uid), Some(MONGODB.gid), false);
    let fresh = !vfs.is_file(&path("_mdb_catalog.wt"));
    let hs = if version.starts_with("4.2") {
        "WiredTigerLAS.wt"
    } else {
        "WiredTigerHS.wt"
    };
    for (name, text) in [
        (
            "WiredTiger",
            "WiredTiger\nkubelab: the files of this directory hold kubelab's encoding, not WiredTiger's\n",
        ),
        ("WiredTiger.turtle", "WiredTiger version string\nkubelab\n"),
        ("WiredTiger.wt", ""),
        (hs, ""),
        ("sizeStorer.wt", ""),
        ("storage.bson", ""),
    ] {
        if !vfs.is_file(&path(name)) {
            write(vfs, name, text.as_bytes())?;
        }
    }
    write(vfs, "WiredTiger.lock", b"WiredTiger lock file\n")?;
    write(vfs, "mongod.lock", b"1\n")?;
    mkdir(vfs, "journal")?;
    mkdir(vfs, "diagnostic.data")?;
    if fresh {
        let mut cat = Catalog {
            rand: rand.to_string(),
            next: 0,
            entries: Vec::new(),
        };
        // The feature compatibility version: the server's major.minor.
        let fcv: String = version.split('.').take(2).collect::<Vec<_>>().join(".");
        let version_doc: Doc = vec![
            (
                "_id".into(),
                Bson::Str("featureCompatibilityVersion".into()),
            ),
            ("version".into(), Bson::Str(fcv)),
        ];
        let e = create(vfs, &mut cat, "admin.system.version")?;
        write_docs(vfs, &e, &[version_doc])?;
        create(vfs, &mut cat, "local.startup_log")?;
        create(vfs, &mut cat, "config.system.sessions")?;
        save(vfs, &cat)?;
    }
    Ok(())
}

/// Reads the catalog; an error when the directory has none (mongod never ran on it).
pub fn load(vfs: &Vfs) -> Result<Catalog, StorageError> {
    let bytes = vfs
        .read(&path("_mdb_catalog.wt"))
        .map_err(|_| StorageError(format!("{DBPATH} has no catalog")))?;
    let text = String::from_utf8_lossy(bytes);
    let mut lines = text.lines();
    let head = lines.next().and_then(doc_of);
    let Some(head) = head else {
        return Err(StorageError(format!(
            "{DBPATH}/_mdb_catalog.wt is not kubelab's catalog"
        )));
    };
    let rand = match super::value::get(&head, "rand") {
        Some(Bson::Str(s)) => s.clone(),
        _ => "0".into(),
    };
    let next = match super::value::get(&head, "next") {
        Some(Bson::Double(n)) if *n >= 0.0 => *n as u64,
        _ => 0,
    };
    let entries = lines
        .filter_map(doc_of)
        .filter_map(|d| {
            let s = |k: &str| match super::value::get(&d, k) {
                Some(Bson::Str(s)) => Some(s.clone()),
                _ => None,
            };
            Some(Entry {
                ns: s("ns")?,
                ident: s("ident")?,
                index: s("idIndexIdent")?,
            })
        })
        .take(MAX_COLLECTIONS)
        .collect();
    Ok(Catalog {
        rand,
        next,
        entries,
    })
}

fn doc_of(line: &str) -> Option<Doc> {
    let st = parse::statements(line).ok()?;
    match st.first().and_then(parse::literal) {
        Some(Bson::Doc(d)) => Some(d),
        _ => None,
    }
}

/// Writes the catalog back.
pub fn save(vfs: &mut Vfs, cat: &Catalog) -> Result<(), StorageError> {
    let mut text = line(&vec![
        ("rand".into(), Bson::Str(cat.rand.clone())),
        ("next".into(), Bson::Double(cat.next as f64)),
    ]);
    for e in &cat.entries {
        text.push_str(&line(&vec![
            ("ns".into(), Bson::Str(e.ns.clone())),
            ("ident".into(), Bson::Str(e.ident.clone())),
            ("idIndexIdent".into(), Bson::Str(e.index.clone())),
        ]));
    }
    write(vfs, "_mdb_catalog.wt", text.as_bytes())
}

fn line(d: &Doc) -> String {
    let mut s = tojson(&Bson::Doc(d.clone()), "", Some(true));
    s.push('\n');
    s
}

impl Catalog {
    /// The collection `ns`.
    pub fn find(&self, ns: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.ns == ns)
    }
}

/// Creates the collection `ns` (its two files) and returns it; the caller saves the catalog.
pub fn create(vfs: &mut Vfs, cat: &mut Catalog, ns: &str) -> Result<Entry, StorageError> {
    if let Some(e) = cat.find(ns) {
        return Ok(e.clone());
    }
    if cat.entries.len() >= MAX_COLLECTIONS {
        return Err(StorageError(format!(
            "kubelab keeps at most {MAX_COLLECTIONS} collections in a data directory"
        )));
    }
    let e = Entry {
        ns: ns.to_string(),
        ident: format!("collection-{}-{}", cat.next, cat.rand),
        index: format!("index-{}-{}", cat.next + 1, cat.rand),
    };
    cat.next += 2;
    write(vfs, &format!("{}.wt", e.ident), b"")?;
    write(vfs, &format!("{}.wt", e.index), b"")?;
    cat.entries.push(e.clone());
    Ok(e)
}

/// Drops the collection `ns` (its files go); whether it existed. The caller saves the
/// catalog.
pub fn drop(vfs: &mut Vfs, cat: &mut Catalog, ns: &str) -> bool {
    let Some(i) = cat.entries.iter().position(|e| e.ns == ns) else {
        return false;
    };
    let e = cat.entries.remove(i);
    let _ = vfs.remove_file(&path(&format!("{}.wt", e.ident)));
    let _ = vfs.remove_file(&path(&format!("{}.wt", e.index)));
    true
}

/// The documents of a collection, in their natural order (as inserted).
pub fn read_docs(vfs: &Vfs, e: &Entry) -> Vec<Doc> {
    let Ok(bytes) = vfs.read(&path(&format!("{}.wt", e.ident))) else {
        return Vec::new();
    };
    String::from_utf8_lossy(bytes)
        .lines()
        .filter_map(doc_of)
        .take(MAX_DOCS)
        .collect()
}

/// Writes a collection's documents and its `_id` index.
pub fn write_docs(vfs: &mut Vfs, e: &Entry, docs: &[Doc]) -> Result<(), StorageError> {
    let mut text = String::new();
    let mut ids = String::new();
    for d in docs {
        text.push_str(&line(d));
        if let Some(id) = super::value::get(d, "_id") {
            ids.push_str(&tojson(id, "", Some(true)));
            ids.push('\n');
        }
    }
    write(vfs, &format!("{}.wt", e.ident), text.as_bytes())?;
    write(vfs, &format!("{}.wt", e.index), ids.as_bytes())
}

/// The bytes a database takes on disk as `listDatabases` reports them, in kubelab's model: each
/// file of a collection or index takes 20 KiB (the size of WiredTiger's new tables) and its
/// content rounded up to 4 KiB pages.
pub fn size_on_disk(vfs: &Vfs, cat: &Catalog, db: &str) -> u64 {
    cat.entries
        .iter()
        .filter(|e| e.db() == db)
        .flat_map(|e| [e.ident.clone(), e.index.clone()])
        .map(|f| {
            let len = vfs.read(&path(&format!("{f}.wt"))).map_or(0, |b| b.len()) as u64;
            20_480 + len.div_ceil(4096) * 4096
        })
        .sum()
}

/// The databases that have collections, by name.
pub fn databases(cat: &Catalog) -> Vec<String> {
    let mut dbs: Vec<String> = cat.entries.iter().map(|e| e.db().to_string()).collect();
    dbs.sort();
    dbs.dedup();
    dbs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_data_directory_keeps_collections_in_files() {
        let mut vfs = Vfs::new();
        start(&mut vfs, "4.4.29", -42).unwrap();
        let names = vfs.read_dir(DBPATH).unwrap();
        for n in [
            "WiredTiger",
            "WiredTiger.lock",
            "WiredTiger.turtle",
            "WiredTiger.wt",
            "WiredTigerHS.wt",
            "_mdb_catalog.wt",
            "collection-0--42.wt",
            "index-1--42.wt",
            "collection-2--42.wt",
            "diagnostic.data",
            "journal",
            "mongod.lock",
            "sizeStorer.wt",
            "storage.bson",
        ] {
            assert!(names.iter().any(|x| x == n), "{n} in {names:?}");
        }
        let mut cat = load(&vfs).unwrap();
        assert_eq!(databases(&cat), ["admin", "config", "local"]);
        let e = create(&mut vfs, &mut cat, "mystore.foo").unwrap();
        assert_eq!(e.ident, "collection-6--42");
        let d: Doc = vec![("name".into(), Bson::Str("foo".into()))];
        write_docs(&mut vfs, &e, std::slice::from_ref(&d)).unwrap();
        save(&mut vfs, &cat).unwrap();
        // A second start keeps what is there.
        start(&mut vfs, "4.4.29", 7).unwrap();
        let cat = load(&vfs).unwrap();
        let e = cat.find("mystore.foo").unwrap();
        assert_eq!(read_docs(&vfs, e), vec![d]);
        assert_eq!(size_on_disk(&vfs, &cat, "admin"), 20_480 * 2 + 4096 * 2);
    }
}
