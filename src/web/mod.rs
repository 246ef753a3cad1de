//! `kubelab web LABS_DIR`: the labs served to a class in the browser (docs/web.md). Each
//! student's world runs on its own thread ([`actor`]); sessions are kept in a database as their
//! records ([`db`]) and rebuilt by replay; students are told apart by a signed cookie
//! ([`auth`]).

pub mod actor;
pub mod assets;
pub mod auth;
pub mod db;
pub mod line;
pub mod pages;
pub mod routes;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use crate::cli::args::WebArgs;
use crate::lab::Lang;

/// What a server is started with.
#[derive(Debug, Clone)]
pub struct Options {
    /// The directory of the labs.
    pub labs: String,
    /// The address to listen on.
    pub listen: String,
    /// `sqlite:PATH` (None: `LABS/kubelab-web.db`).
    pub database: Option<String>,
    /// The seed of new sessions.
    pub seed: u64,
    /// The language of the labs' texts.
    pub lang: Lang,
}

/// A running server.
pub struct Server {
    /// Where it listens.
    pub addr: SocketAddr,
    /// The instructor's token.
    pub instructor_token: String,
    /// The database it uses.
    pub database: String,
    /// The labs it serves, by name, and the labs that could not be loaded, with why.
    pub labs: Vec<String>,
    pub skipped: Vec<String>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    stopping: tokio::sync::watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    /// Stops listening and waits for the server's task to end.
    pub async fn stop(mut self) {
        let _ = self.stopping.send(true);
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        let _ = (&mut self.task).await;
    }
}

/// The labs of a directory (`*.lab`, by file name), and the errors of those that do not load.
fn load_labs(dir: &str, lang: Lang) -> (BTreeMap<String, routes::Served>, Vec<String>) {
    let mut labs = BTreeMap::new();
    let mut skipped = Vec::new();
    let mut files: Vec<std::path::PathBuf> = match std::fs::read_dir(dir) {
        Ok(d) => d
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "lab"))
            .collect(),
        Err(e) => {
            skipped.push(format!("{dir}: {e}"));
            Vec::new()
        }
    };
    files.sort();
    for f in files {
        let (Some(name), Some(path)) = (f.file_stem().and_then(|s| s.to_str()), f.to_str()) else {
            continue;
        };
        match crate::lab::load(path) {
            Ok(base) => {
                let shown = base.localized(lang);
                labs.insert(name.to_string(), routes::Served { base, shown });
            }
            Err(e) => skipped.push(e.trim_end().to_string()),
        }
    }
    (labs, skipped)
}

/// Starts a server (on the current tokio runtime).
pub async fn start(o: Options) -> Result<Server, String> {
    let database = o.database.clone().unwrap_or_else(|| {
        format!(
            "sqlite:{}",
            std::path::Path::new(&o.labs)
                .join("kubelab-web.db")
                .display()
        )
    });
    let db = db::Db::open(&database)?;
    let signer = auth::Signer::new(db.key(auth::new_key)?);
    let (labs, skipped) = load_labs(&o.labs, o.lang);
    if labs.is_empty() {
        return Err(format!(
            "kubelab web: no lab could be loaded from {}",
            o.labs
        ));
    }
    let names = labs.keys().cloned().collect();
    let instructor_token = signer.instructor_token();
    let (stopping, stopping_rx) = tokio::sync::watch::channel(false);
    let app = Arc::new(routes::App {
        labs,
        db: db.clone(),
        signer,
        worlds: actor::Worlds::new(db),
        seed: o.seed,
        next_term: AtomicU64::new(1),
        stopping: stopping_rx,
    });
    let listener = tokio::net::TcpListener::bind(&o.listen)
        .await
        .map_err(|e| format!("kubelab web: cannot listen on {}: {e}", o.listen))?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("kubelab web: {e}"))?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let router = routes::router(app);
    let task = tokio::spawn(async move {
        let served = axum::serve(listener, router).with_graceful_shutdown(async {
            let _ = stopped.await;
        });
        if let Err(e) = served.await {
            eprintln!("kubelab web: {e}");
        }
    });
    Ok(Server {
        addr,
        instructor_token,
        database,
        labs: names,
        skipped,
        stop: Some(stop),
        stopping,
        task,
    })
}

/// `kubelab web`.
pub fn main(a: WebArgs) -> i32 {
    let o = Options {
        labs: a.labs,
        listen: a.listen,
        database: a.database,
        seed: a.seed,
        lang: crate::cli::args::chosen_lang(a.lang),
    };
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("kubelab web: cannot start: {e}");
            return 1;
        }
    };
    rt.block_on(async move {
        let server = match start(o).await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("{e}");
                return 1;
            }
        };
        for s in &server.skipped {
            eprintln!("kubelab web: not served (it does not load):\n{s}");
        }
        let url = format!("http://{}", server.addr);
        let n = server.labs.len();
        let labs = if n == 1 { "lab" } else { "labs" };
        println!(
            "kubelab web: {n} {labs} at {url}/ (sessions kept in {})",
            server.database
        );
        println!(
            "kubelab web: the instructor page: {url}/instructor?token={}",
            server.instructor_token
        );
        println!("kubelab web: Ctrl-C stops the server; the sessions stay in the database.");
        let _ = tokio::signal::ctrl_c().await;
        server.stop().await;
        0
    })
}
