//! `kubelab web` as a class uses it: a server on a free loopback port, a student who joins,
//! types a lab's reference solution into the terminal's WebSocket key by key (heredocs and
//! all), presses Check and gets full marks; the instructor's export shows the score; another
//! student (or a forged cookie) cannot reach the session; and after a restart on the same
//! database the session goes on where it was (its world rebuilt by replay).

use std::net::SocketAddr;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use kubelab::web::{Options, Server, start};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

const LAB: &str = "config-env";

mod webutil;
use webutil::http;

async fn server(dir: &std::path::Path) -> Server {
    start(Options {
        labs: dir.display().to_string(),
        listen: "127.0.0.1:0".into(),
        database: Some(format!("sqlite:{}", dir.join("class.db").display())),
        seed: 1,
        lang: kubelab::lab::Lang::En,
    })
    .await
    .expect("the server starts")
}

/// Joins as `name`: the cookie the server set.
async fn join(addr: SocketAddr, name: &str) -> String {
    let (status, head, _) = http(
        addr,
        "POST",
        "/join",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        &format!("name={name}"),
    )
    .await;
    assert_eq!(status, 303, "{head}");
    let line = head
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("set-cookie:"))
        .expect("a cookie");
    let cookie = line["set-cookie:".len()..].trim();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    cookie.split(';').next().unwrap().to_string()
}

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn terminal(addr: SocketAddr, cookie: &str) -> Ws {
    let mut req = format!("ws://{addr}/ws/labs/{LAB}")
        .into_client_request()
        .unwrap();
    req.headers_mut().insert("Cookie", cookie.parse().unwrap());
    let (ws, _) = tokio_tungstenite::connect_async(req).await.unwrap();
    ws
}

/// Reads the terminal until what it wrote since the call ends with `end`.
async fn read_until(ws: &mut Ws, end: &str) -> String {
    let mut got = Vec::new();
    loop {
        let m = tokio::time::timeout(Duration::from_secs(300), ws.next())
            .await
            .unwrap_or_else(|_| panic!("no {end:?} after {:?}", String::from_utf8_lossy(&got)))
            .expect("the terminal stays open")
            .unwrap();
        if let Message::Binary(b) = m {
            got.extend_from_slice(&b);
        }
        let s = String::from_utf8_lossy(&got);
        if s.ends_with(end) {
            return s.into_owned();
        }
    }
}

/// Types `command` (lines ended by Enter, as a student types them) and reads to the next
/// prompt; what the terminal showed.
async fn type_command(ws: &mut Ws, command: &str) -> String {
    let keys = format!("{}\r", command.replace('\n', "\r"));
    ws.send(Message::Binary(keys.into_bytes().into()))
        .await
        .unwrap();
    read_until(ws, "$ ").await
}

async fn check(addr: SocketAddr, cookie: &str) -> serde_json::Value {
    let (status, _, body) = http(
        addr,
        "POST",
        &format!("/api/labs/{LAB}/check"),
        &[("Cookie", cookie)],
        "",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

fn labs_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        format!("labs/{LAB}.lab"),
        dir.path().join(format!("{LAB}.lab")),
    )
    .unwrap();
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_student_solves_a_lab_in_the_browser_terminal_and_it_survives_a_restart() {
    let dir = labs_dir();
    let lab = kubelab::lab::load(&format!("labs/{LAB}.lab")).unwrap();
    let total = lab.total_points();
    let srv = server(dir.path()).await;
    let addr = srv.addr;

    // The pages.
    let (status, _, body) = http(addr, "GET", "/", &[], "").await;
    assert_eq!(status, 200);
    assert!(body.contains(&format!("href=\"/labs/{LAB}\"")), "{body}");
    assert!(body.contains("action=\"/join\""), "{body}");
    let (status, _, _) = http(addr, "GET", "/assets/xterm/xterm.js", &[], "").await;
    assert_eq!(status, 200);

    let alice = join(addr, "Alice").await;
    let (status, _, page) = http(
        addr,
        "GET",
        &format!("/labs/{LAB}"),
        &[("Cookie", &alice)],
        "",
    )
    .await;
    assert_eq!(status, 200);
    assert!(page.contains(&lab.title), "{page}");
    assert!(page.contains("/assets/xterm/xterm.js"), "{page}");

    // Nothing done yet: no points.
    let r = check(addr, &alice).await;
    assert_eq!(
        (r["earned"].as_u64(), r["points"].as_u64()),
        (Some(0), Some(total as u64))
    );

    // The reference solution, typed into the terminal.
    let mut ws = terminal(addr, &alice).await;
    let greeting = read_until(&mut ws, "$ ").await;
    assert_eq!(greeting, "$ ");
    let mut transcript = String::new();
    for step in lab.steps() {
        transcript.push_str(&type_command(&mut ws, &step.command).await);
    }
    // Heredoc lines were continued with `> `, and the pod was made.
    assert!(transcript.contains("\n> "), "{transcript}");
    assert!(transcript.contains("pod/webapp created"), "{transcript}");

    // Tab completion from the live world, and Ctrl-C at the prompt.
    ws.send(Message::Binary(b"kubectl get pods web\t".to_vec().into()))
        .await
        .unwrap();
    let completed = read_until(&mut ws, "webapp ").await;
    assert!(
        completed.ends_with("kubectl get pods webapp "),
        "{completed:?}"
    );
    ws.send(Message::Binary(b"\x03".to_vec().into()))
        .await
        .unwrap();
    assert_eq!(read_until(&mut ws, "$ ").await, "^C\n$ ");

    let r = check(addr, &alice).await;
    assert_eq!(r["earned"].as_u64(), Some(total as u64), "{r:#}");
    assert!(
        r["tasks"][0]["checks"]
            .as_array()
            .is_some_and(|c| !c.is_empty()),
        "{r:#}"
    );

    // Another student has a session of their own; a forged cookie has none.
    let bob = join(addr, "Bob").await;
    assert_eq!(check(addr, &bob).await["earned"].as_u64(), Some(0));
    let alice_id = alice.split(['=', '.']).nth(1).unwrap();
    let bob_sig = bob.split('.').nth(1).unwrap();
    let forged = format!("kubelab_student={alice_id}.{bob_sig}");
    let (status, _, _) = http(
        addr,
        "POST",
        &format!("/api/labs/{LAB}/check"),
        &[("Cookie", &forged)],
        "",
    )
    .await;
    assert_eq!(status, 401);
    let mut req = format!("ws://{addr}/ws/labs/{LAB}")
        .into_client_request()
        .unwrap();
    req.headers_mut().insert("Cookie", forged.parse().unwrap());
    assert!(tokio_tungstenite::connect_async(req).await.is_err());

    // The instructor's export (kubelab grade's report of the stored records).
    let token = srv.instructor_token.clone();
    let path = format!("/api/instructor/labs/{LAB}/grades.csv");
    let (status, _, _) = http(addr, "GET", &path, &[], "").await;
    assert_eq!(status, 401);
    let bearer = format!("Bearer {token}");
    let (status, _, csv) = http(addr, "GET", &path, &[("Authorization", &bearer)], "").await;
    assert_eq!(status, 200, "{csv}");
    assert!(
        csv.contains(&format!("Alice,{total},{total}"))
            || csv
                .lines()
                .any(|l| l.starts_with("Alice,") && l.contains(&format!(",{total},{total}"))),
        "{csv}"
    );
    let (status, _, json) = http(
        addr,
        "GET",
        &format!("/api/instructor/labs/{LAB}/grades.json"),
        &[("Authorization", &bearer)],
        "",
    )
    .await;
    assert_eq!(status, 200, "{json}");
    let j: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(j["sessions"][0]["session"], "Alice", "{j:#}");
    assert_eq!(
        j["sessions"][0]["earned"].as_u64(),
        Some(total as u64),
        "{j:#}"
    );
    let (status, _, grid) = http(addr, "GET", &format!("/instructor?token={token}"), &[], "").await;
    assert_eq!(status, 200);
    assert!(grid.contains(">Alice</a></td>"), "{grid}");
    // Each student's transcript: the record `kubelab grade` reads.
    let s = &j["sessions"][0];
    assert_eq!(s["earned"].as_u64(), Some(total as u64));
    let (status, _, rec) = http(
        addr,
        "GET",
        "/api/instructor/sessions/1/record",
        &[("Authorization", &bearer)],
        "",
    )
    .await;
    assert_eq!(status, 200, "{rec}");
    assert!(
        rec.contains("cat <<EOF | kubectl apply -f -\napiVersion: v1\n"),
        "{rec}"
    );
    let (status, _, _) = http(addr, "GET", "/api/instructor/sessions/1/record", &[], "").await;
    assert_eq!(status, 401);
    // Another site's page cannot open Alice's terminal with her cookie.
    let mut req = format!("ws://{addr}/ws/labs/{LAB}")
        .into_client_request()
        .unwrap();
    req.headers_mut().insert("Cookie", alice.parse().unwrap());
    req.headers_mut()
        .insert("Origin", "http://evil.example".parse().unwrap());
    assert!(tokio_tungstenite::connect_async(req).await.is_err());

    // A restart on the same database: the cookie still works, the world is rebuilt.
    drop(ws);
    srv.stop().await;
    let srv = server(dir.path()).await;
    assert_eq!(
        srv.instructor_token, token,
        "the key is kept in the database"
    );
    let addr = srv.addr;
    assert_eq!(
        check(addr, &alice).await["earned"].as_u64(),
        Some(total as u64)
    );
    let mut ws = terminal(addr, &alice).await;
    read_until(&mut ws, "$ ").await;
    let out = type_command(&mut ws, "kubectl get pod webapp -o name").await;
    assert_eq!(out, "kubectl get pod webapp -o name\npod/webapp\n$ ");
    // History from before the restart is the terminal's own (a new terminal starts empty);
    // the record goes on after the replayed one.
    let rows =
        kubelab::web::db::Db::open(&format!("sqlite:{}", dir.path().join("class.db").display()))
            .unwrap();
    let s = rows.sessions_of(LAB).unwrap();
    let rec = rows.record(s[0].id).unwrap();
    assert!(
        rec.starts_with(&format!(
            "# kubelab session for {}",
            dir.path().join(format!("{LAB}.lab")).display()
        )),
        "{rec}"
    );
    assert!(
        rec.ends_with("# kubelab: resumed\nkubectl get pod webapp -o name\n"),
        "{rec}"
    );
    srv.stop().await;
}

/// `reset` asks first, as at `kubelab shell`'s prompt; two terminals of one student drive one
/// world; the host's editor is never started for a web session.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reset_asks_and_two_terminals_share_the_world() {
    let dir = labs_dir();
    let srv = server(dir.path()).await;
    let addr = srv.addr;
    let kim = join(addr, "%EA%B9%80%EB%AF%BC%EC%A7%80").await;
    let mut one = terminal(addr, &kim).await;
    let mut two = terminal(addr, &kim).await;
    read_until(&mut one, "$ ").await;
    read_until(&mut two, "$ ").await;
    let made = type_command(&mut one, "kubectl create deployment web --image=nginx").await;
    assert!(made.ends_with("deployment.apps/web created\n$ "), "{made}");
    let seen = type_command(&mut two, "kubectl get deployment -o name").await;
    assert_eq!(
        seen,
        "kubectl get deployment -o name\ndeployment.apps/web\n$ "
    );

    // No host program: `kubectl edit` says where kubelab opens an editor.
    let edit = type_command(&mut one, "kubectl edit deployment web").await;
    assert!(edit.contains("kubelab opens the editor"), "{edit}");

    // `reset`: the terminal first, then the question; no keeps the lab.
    ws_keys(&mut one, "reset\r").await;
    let asked = read_until(&mut one, "[y/N] ").await;
    assert_eq!(
        asked,
        format!(
            "reset\n{}{}",
            kubelab::cli::repl::TERMINAL_RESET,
            kubelab::cli::repl::RESET_QUESTION
        )
    );
    let kept = type_command(&mut one, "n").await;
    assert_eq!(kept, format!("n\n{}\n$ ", kubelab::cli::repl::RESET_KEPT));
    ws_keys(&mut one, "reset\r").await;
    read_until(&mut one, "[y/N] ").await;
    type_command(&mut one, "y").await;
    let gone = type_command(&mut two, "kubectl get deployment -o name").await;
    assert_eq!(
        gone,
        "kubectl get deployment -o name\nNo resources found in default namespace.\n$ "
    );
    let (status, _, page) = http(addr, "GET", "/", &[("Cookie", &kim)], "").await;
    assert_eq!(status, 200);
    assert!(page.contains("<b>김민지</b>"), "{page}");
    srv.stop().await;
}

async fn ws_keys(ws: &mut Ws, keys: &str) {
    ws.send(Message::Binary(keys.as_bytes().to_vec().into()))
        .await
        .unwrap();
}
