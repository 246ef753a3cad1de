//! The store of `kubelab web`: SQLite (rusqlite, `bundled`: nothing to install). Students,
//! their sessions (one per student and lab), each session's record in chunks (one per input,
//! with the world's virtual time after it), and the server's signing key.

use std::sync::{Arc, Mutex};

use rusqlite::{Connection, OptionalExtension, params};

/// The longest student name kept, in characters.
pub const MAX_NAME: usize = 64;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS students (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
    id INTEGER PRIMARY KEY,
    student INTEGER NOT NULL REFERENCES students(id),
    lab TEXT NOT NULL,
    seed INTEGER NOT NULL,
    UNIQUE (student, lab)
);
CREATE TABLE IF NOT EXISTS chunks (
    session INTEGER NOT NULL REFERENCES sessions(id),
    seq INTEGER NOT NULL,
    text TEXT NOT NULL,
    virtual_ms INTEGER NOT NULL,
    PRIMARY KEY (session, seq)
);
";

/// A session row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    pub id: i64,
    pub student: i64,
    pub student_name: String,
    pub lab: String,
    pub seed: u64,
}

/// The database, shared by the server's tasks and the worlds' threads.
#[derive(Clone)]
pub struct Db {
    conn: Arc<Mutex<Connection>>,
}

fn err(e: rusqlite::Error) -> String {
    format!("kubelab web: database: {e}")
}

impl Db {
    /// Opens `--database URL` (`sqlite:PATH`, or a bare path), creating the tables.
    pub fn open(url: &str) -> Result<Db, String> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Err(
                "kubelab does not support PostgreSQL for `kubelab web` yet (docs/web.md); use --database sqlite:PATH"
                    .into(),
            );
        }
        let path = url.strip_prefix("sqlite:").unwrap_or(url);
        let conn = Connection::open(path).map_err(|e| format!("kubelab web: {path}: {e}"))?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(err)?;
        conn.execute_batch("PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;")
            .map_err(err)?;
        conn.execute_batch(SCHEMA).map_err(err)?;
        Ok(Db {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    fn with<T>(&self, f: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> Result<T, String> {
        let c = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        f(&c).map_err(err)
    }

    /// The server's key: the stored one, or `make()`'s, stored.
    pub fn key(&self, make: impl FnOnce() -> Result<Vec<u8>, String>) -> Result<Vec<u8>, String> {
        if let Some(k) = self.with(|c| {
            c.query_row("SELECT value FROM meta WHERE key = 'key'", [], |r| r.get(0))
                .optional()
        })? {
            return Ok(k);
        }
        let k = make()?;
        self.with(|c| {
            c.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('key', ?1)",
                params![k],
            )
        })?;
        // Another process may have stored one first: the stored key wins.
        self.with(|c| c.query_row("SELECT value FROM meta WHERE key = 'key'", [], |r| r.get(0)))
    }

    /// A new student; the name is trimmed and cut to [`MAX_NAME`] characters.
    pub fn add_student(&self, name: &str) -> Result<i64, String> {
        let name: String = name.trim().chars().take(MAX_NAME).collect();
        self.with(|c| {
            c.execute("INSERT INTO students (name) VALUES (?1)", params![name])?;
            Ok(c.last_insert_rowid())
        })
    }

    /// A student's name.
    pub fn student_name(&self, id: i64) -> Result<Option<String>, String> {
        self.with(|c| {
            c.query_row(
                "SELECT name FROM students WHERE id = ?1",
                params![id],
                |r| r.get(0),
            )
            .optional()
        })
    }

    /// The student's session of `lab`, made with `seed` if there is none.
    pub fn session(&self, student: i64, lab: &str, seed: u64) -> Result<SessionRow, String> {
        self.with(|c| {
            c.execute(
                "INSERT OR IGNORE INTO sessions (student, lab, seed) VALUES (?1, ?2, ?3)",
                params![student, lab, seed as i64],
            )?;
            c.query_row(
                "SELECT s.id, s.student, st.name, s.lab, s.seed FROM sessions s
                 JOIN students st ON st.id = s.student WHERE s.student = ?1 AND s.lab = ?2",
                params![student, lab],
                row,
            )
        })
    }

    /// Every session of `lab`, in the order they were made.
    pub fn sessions_of(&self, lab: &str) -> Result<Vec<SessionRow>, String> {
        self.with(|c| {
            let mut q = c.prepare(
                "SELECT s.id, s.student, st.name, s.lab, s.seed FROM sessions s
                 JOIN students st ON st.id = s.student WHERE s.lab = ?1 ORDER BY s.id",
            )?;
            q.query_map(params![lab], row)?.collect()
        })
    }

    /// Adds the next chunk of a session's record.
    pub fn append(&self, session: i64, text: &str, virtual_ms: i64) -> Result<(), String> {
        self.with(|c| {
            c.execute(
                "INSERT INTO chunks (session, seq, text, virtual_ms)
                 VALUES (?1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM chunks WHERE session = ?1), ?2, ?3)",
                params![session, text, virtual_ms],
            )
            .map(|_| ())
        })
    }

    /// A session's record: its chunks, in order, as one text.
    pub fn record(&self, session: i64) -> Result<String, String> {
        self.with(|c| {
            let mut q = c.prepare("SELECT text FROM chunks WHERE session = ?1 ORDER BY seq")?;
            let parts: rusqlite::Result<Vec<String>> =
                q.query_map(params![session], |r| r.get(0))?.collect();
            Ok(parts?.concat())
        })
    }

    /// A session's chunks with the virtual time after each, in order.
    pub fn chunks(&self, session: i64) -> Result<Vec<(String, i64)>, String> {
        self.with(|c| {
            let mut q =
                c.prepare("SELECT text, virtual_ms FROM chunks WHERE session = ?1 ORDER BY seq")?;
            q.query_map(params![session], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect()
        })
    }
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<SessionRow> {
    Ok(SessionRow {
        id: r.get(0)?,
        student: r.get(1)?,
        student_name: r.get(2)?,
        lab: r.get(3)?,
        seed: r.get::<_, i64>(4)? as u64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_and_records_survive_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.db");
        let url = format!("sqlite:{}", path.display());
        let db = Db::open(&url).unwrap();
        let k = db.key(|| Ok(vec![1, 2, 3])).unwrap();
        assert_eq!(k, [1, 2, 3]);
        let a = db.add_student("  Kim Minji  ").unwrap();
        let s = db.session(a, "pods", 1).unwrap();
        assert_eq!(db.session(a, "pods", 9).unwrap(), s, "one session per lab");
        assert_eq!(s.student_name, "Kim Minji");
        db.append(s.id, "# kubelab session for labs/pods.lab\n", 0)
            .unwrap();
        db.append(s.id, "kubectl get pods\n", 1500).unwrap();
        drop(db);
        let db = Db::open(&url).unwrap();
        assert_eq!(db.key(|| Err("not again".into())).unwrap(), [1, 2, 3]);
        assert_eq!(
            db.record(s.id).unwrap(),
            "# kubelab session for labs/pods.lab\nkubectl get pods\n"
        );
        assert_eq!(db.chunks(s.id).unwrap()[1].1, 1500);
        assert_eq!(db.sessions_of("pods").unwrap(), [s]);
        assert!(db.sessions_of("other").unwrap().is_empty());
        let long = "x".repeat(500);
        let b = db.add_student(&long).unwrap();
        assert_eq!(db.student_name(b).unwrap().unwrap().len(), MAX_NAME);
        assert!(Db::open("postgres://x/y").is_err());
    }
}
