//! The HTTP side of `kubelab web` (axum): pages, the JSON API, the terminal's WebSocket and the
//! embedded assets. Every student route finds its session from the signed cookie alone.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::Router;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use futures_util::{SinkExt, StreamExt};
use serde_json::json;
use tokio::sync::oneshot;

use super::actor::{Msg, Worlds};
use super::auth::Signer;
use super::db::{Db, SessionRow};
use super::pages;
use crate::lab::Lab;
use crate::runner::grade::Grade;
use crate::runner::report;

/// The student cookie's name.
pub const COOKIE: &str = "kubelab_student";
/// The longest WebSocket message taken (keys, or a paste).
const MAX_MESSAGE: usize = 256 * 1024;

/// A lab served: as written (graded in English, as `kubelab grade` does) and in the language
/// its texts are shown in.
pub struct Served {
    pub base: Lab,
    pub shown: Lab,
}

/// What every handler shares.
pub struct App {
    pub labs: BTreeMap<String, Served>,
    pub db: Db,
    pub signer: Signer,
    pub worlds: Worlds,
    pub seed: u64,
    pub next_term: AtomicU64,
    /// Set when the server stops: its terminals close (an upgraded connection outlives
    /// axum's graceful shutdown otherwise).
    pub stopping: tokio::sync::watch::Receiver<bool>,
}

type Shared = State<Arc<App>>;

/// The router.
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/", get(index))
        .route("/join", post(join))
        .route("/labs/{lab}", get(lab_page))
        .route("/ws/labs/{lab}", get(terminal))
        .route("/api/labs/{lab}/check", post(check))
        .route("/api/labs/{lab}/hint/{task}", post(hint))
        .route("/instructor", get(instructor))
        .route("/api/instructor/labs/{lab}/{file}", get(grades))
        .route("/api/instructor/sessions/{id}/record", get(record))
        .route("/assets/{*path}", get(asset))
        .with_state(app)
}

fn error(status: StatusCode, msg: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("{msg}\n"),
    )
        .into_response()
}

/// The student the request's cookie names (its signature checked).
fn student(app: &App, headers: &HeaderMap) -> Option<i64> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .and_then(|(_, v)| app.signer.student(v))
}

/// The student's session of `lab`, or the response that says why there is none.
fn session<'a>(
    app: &'a App,
    headers: &HeaderMap,
    lab: &str,
) -> Result<(SessionRow, &'a Served), Response> {
    let Some(served) = app.labs.get(lab) else {
        return Err(error(StatusCode::NOT_FOUND, &format!("no lab named {lab}")));
    };
    let Some(id) = student(app, headers) else {
        return Err(error(
            StatusCode::UNAUTHORIZED,
            "join the class first (your name on the lab list)",
        ));
    };
    app.db
        .session(id, lab, app.seed)
        .map(|r| (r, served))
        .map_err(|e| error(StatusCode::INTERNAL_SERVER_ERROR, &e))
}

async fn index(State(app): Shared, headers: HeaderMap) -> Response {
    let name = student(&app, &headers).and_then(|id| app.db.student_name(id).ok().flatten());
    let labs: Vec<(String, String)> = app
        .labs
        .iter()
        .map(|(n, s)| (n.clone(), s.shown.title.clone()))
        .collect();
    Html(pages::index(&labs, name.as_deref())).into_response()
}

#[derive(serde::Deserialize)]
struct Join {
    name: String,
}

async fn join(State(app): Shared, Form(j): Form<Join>) -> Response {
    if j.name.trim().is_empty() {
        return error(StatusCode::BAD_REQUEST, "a name is needed to join");
    }
    match app.db.add_student(&j.name) {
        Ok(id) => {
            let cookie = format!(
                "{COOKIE}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age=31536000",
                app.signer.student_token(id)
            );
            let mut r = Redirect::to("/").into_response();
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                r.headers_mut().insert(header::SET_COOKIE, v);
            }
            r
        }
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, &e),
    }
}

async fn lab_page(State(app): Shared, headers: HeaderMap, Path(lab): Path<String>) -> Response {
    let Some(served) = app.labs.get(&lab) else {
        return error(StatusCode::NOT_FOUND, &format!("no lab named {lab}"));
    };
    if student(&app, &headers).is_none() {
        return Redirect::to("/").into_response();
    }
    Html(pages::lab(&lab, &served.shown)).into_response()
}

async fn terminal(
    State(app): Shared,
    headers: HeaderMap,
    Path(lab): Path<String>,
    ws: WebSocketUpgrade,
) -> Response {
    if !same_origin(&headers) {
        return error(
            StatusCode::FORBIDDEN,
            "a terminal opens only from this server's own pages",
        );
    }
    let (row, _) = match session(&app, &headers, &lab) {
        Ok(s) => s,
        Err(r) => return r,
    };
    ws.max_message_size(MAX_MESSAGE)
        .on_upgrade(move |socket| drive(app, row, lab, socket))
}

/// Whether a WebSocket request comes from a page of this server: a browser sends `Origin`, and
/// its host must be the one the request was sent to (another site's page cannot open a
/// student's terminal with their cookie). A client that sends no `Origin` is not a browser page.
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let origin_host = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"));
    matches!((origin_host, host), (Some(o), Some(h)) if o == h)
}

/// One terminal: keys in, the world's bytes out.
async fn drive(app: Arc<App>, row: SessionRow, lab: String, socket: WebSocket) {
    let Some(served) = app.labs.get(&lab) else {
        return;
    };
    let (mut to_page, mut from_page) = socket.split();
    let (out, mut outgoing) = tokio::sync::mpsc::unbounded_channel::<Vec<u8>>();
    let term = app.next_term.fetch_add(1, Ordering::SeqCst);
    let flag = app.worlds.interrupt(row.id);
    app.worlds
        .send(&row, &served.shown, Msg::Attach { term, out });
    let writer = tokio::spawn(async move {
        while let Some(b) = outgoing.recv().await {
            if to_page.send(Message::Binary(b.into())).await.is_err() {
                break;
            }
        }
    });
    let mut stopping = app.stopping.clone();
    loop {
        let m = tokio::select! {
            m = from_page.next() => m,
            _ = stopping.wait_for(|s| *s) => break,
        };
        let Some(Ok(m)) = m else { break };
        let bytes = match m {
            Message::Binary(b) => b.to_vec(),
            Message::Text(t) => t.as_str().as_bytes().to_vec(),
            Message::Close(_) => break,
            _ => continue,
        };
        // Ctrl-C reaches a running command at once (the world's thread is busy with it).
        if bytes.contains(&0x03) {
            flag.store(true, Ordering::SeqCst);
        }
        app.worlds
            .send(&row, &served.shown, Msg::Keys { term, bytes });
    }
    app.worlds.send(&row, &served.shown, Msg::Detach { term });
    writer.abort();
}

async fn check(State(app): Shared, headers: HeaderMap, Path(lab): Path<String>) -> Response {
    let (row, served) = match session(&app, &headers, &lab) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let (reply, answer) = oneshot::channel();
    app.worlds.send(&row, &served.shown, Msg::Check { reply });
    let outcomes = match answer.await {
        Ok(Ok(o)) => o,
        Ok(Err(e)) => return error(StatusCode::INTERNAL_SERVER_ERROR, &e),
        Err(_) => return error(StatusCode::INTERNAL_SERVER_ERROR, "the world stopped"),
    };
    let l = &served.shown;
    let tasks: Vec<serde_json::Value> = l
        .tasks
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let mine: Vec<_> = outcomes.iter().filter(|o| o.task == Some(i + 1)).collect();
            json!({
                "task": i + 1,
                "title": t.title,
                "earned": mine.iter().map(|o| o.earned).sum::<u32>(),
                "points": mine.iter().map(|o| o.points).sum::<u32>(),
                "checks": mine.iter().map(|o| json!({
                    "what": o.what, "points": o.points, "earned": o.earned,
                    "reason": o.reason, "error": o.error,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let other: Vec<serde_json::Value> = outcomes
        .iter()
        .filter(|o| o.task.is_none())
        .map(|o| json!({"what": o.what, "points": o.points, "earned": o.earned, "reason": o.reason, "error": o.error}))
        .collect();
    axum::Json(json!({
        "lab": l.title,
        "tasks": tasks,
        "checks": other,
        "earned": outcomes.iter().map(|o| o.earned).sum::<u32>(),
        "points": outcomes.iter().map(|o| o.points).sum::<u32>(),
    }))
    .into_response()
}

async fn hint(
    State(app): Shared,
    headers: HeaderMap,
    Path((lab, task)): Path<(String, usize)>,
) -> Response {
    let (row, served) = match session(&app, &headers, &lab) {
        Ok(s) => s,
        Err(r) => return r,
    };
    if task == 0 || task > served.shown.tasks.len() {
        return error(
            StatusCode::NOT_FOUND,
            &format!("the lab has no task {task}"),
        );
    }
    let (reply, answer) = oneshot::channel();
    app.worlds.send(
        &row,
        &served.shown,
        Msg::Hint {
            task: task - 1,
            reply,
        },
    );
    match answer.await {
        Ok(Ok(h)) => axum::Json(h).into_response(),
        Ok(Err(e)) => error(StatusCode::NOT_FOUND, &e),
        Err(_) => error(StatusCode::INTERNAL_SERVER_ERROR, "the world stopped"),
    }
}

#[derive(serde::Deserialize)]
struct Token {
    token: Option<String>,
}

/// Whether the request carries the instructor's token (`Authorization: Bearer` or `?token=`).
fn instructor_ok(app: &App, headers: &HeaderMap, q: &Token) -> bool {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    bearer
        .or(q.token.as_deref())
        .is_some_and(|t| app.signer.is_instructor(t))
}

/// Every session of a lab graded from its stored record, as `kubelab grade` grades a record.
async fn grade_lab(app: &Arc<App>, lab: &str) -> Result<Vec<(i64, Grade)>, String> {
    let rows = app.db.sessions_of(lab)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut sessions = Vec::new();
    for r in rows {
        sessions.push((r.student_name.clone(), app.db.record(r.id)?, r.seed));
    }
    let app2 = app.clone();
    let lab = lab.to_string();
    tokio::task::spawn_blocking(move || {
        let Some(served) = app2.labs.get(&lab) else {
            return Vec::new();
        };
        let base = served.base.clone();
        std::thread::Builder::new()
            .stack_size(crate::cli::worker::WORKER_STACK)
            .spawn(move || {
                sessions
                    .iter()
                    .map(|(name, text, seed)| {
                        crate::cli::worker::grade_guarded(&base, name, text, *seed)
                    })
                    .collect::<Vec<Grade>>()
            })
            .ok()
            .and_then(|h| h.join().ok())
            .unwrap_or_default()
    })
    .await
    .map(|g| ids.into_iter().zip(g).collect())
    .map_err(|e| format!("grading stopped: {e}"))
}

async fn instructor(State(app): Shared, headers: HeaderMap, Query(q): Query<Token>) -> Response {
    if !instructor_ok(&app, &headers, &q) {
        return error(StatusCode::UNAUTHORIZED, "the instructor token is needed");
    }
    let mut all = Vec::new();
    for (name, served) in &app.labs {
        match grade_lab(&app, name).await {
            Ok(g) => {
                let g = g
                    .iter()
                    .map(|(id, g)| (*id, report::localize(&served.shown, g)))
                    .collect();
                all.push((name.clone(), served.shown.clone(), g));
            }
            Err(e) => return error(StatusCode::INTERNAL_SERVER_ERROR, &e),
        }
    }
    let token = q.token.unwrap_or_default();
    Html(pages::instructor(&all, &token)).into_response()
}

async fn grades(
    State(app): Shared,
    headers: HeaderMap,
    Query(q): Query<Token>,
    Path((lab, file)): Path<(String, String)>,
) -> Response {
    if !instructor_ok(&app, &headers, &q) {
        return error(StatusCode::UNAUTHORIZED, "the instructor token is needed");
    }
    let Some(served) = app.labs.get(&lab) else {
        return error(StatusCode::NOT_FOUND, &format!("no lab named {lab}"));
    };
    let format = match file.as_str() {
        "grades.json" => "application/json",
        "grades.csv" => "text/csv; charset=utf-8",
        "grades.xml" => "application/xml",
        _ => {
            return error(
                StatusCode::NOT_FOUND,
                "grades.json, grades.csv or grades.xml",
            );
        }
    };
    let g: Vec<Grade> = match grade_lab(&app, &lab).await {
        Ok(g) => g.into_iter().map(|(_, g)| g).collect(),
        Err(e) => return error(StatusCode::INTERNAL_SERVER_ERROR, &e),
    };
    let body = match file.as_str() {
        "grades.json" => report::to_json(&served.shown, &g),
        "grades.csv" => report::to_csv(&served.shown, &g),
        _ => report::to_junit(&served.shown, &g),
    };
    ([(header::CONTENT_TYPE, format)], body).into_response()
}

/// A session's record, as `kubelab grade` and `kubelab shell --resume` read it: the student's
/// transcript of inputs.
async fn record(
    State(app): Shared,
    headers: HeaderMap,
    Query(q): Query<Token>,
    Path(id): Path<i64>,
) -> Response {
    if !instructor_ok(&app, &headers, &q) {
        return error(StatusCode::UNAUTHORIZED, "the instructor token is needed");
    }
    match app.db.record(id) {
        Ok(r) if !r.is_empty() => {
            ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], r).into_response()
        }
        Ok(_) => error(StatusCode::NOT_FOUND, "no record for this session"),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, &e),
    }
}

async fn asset(Path(path): Path<String>) -> Response {
    match super::assets::get(&path) {
        Some((body, mime)) => (
            [
                (header::CONTENT_TYPE, mime),
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            body,
        )
            .into_response(),
        None => error(StatusCode::NOT_FOUND, "no such file"),
    }
}
