//! `kubelab web` in a real headless Chromium, driven over WebDriver (chromedriver; Debian's
//! `chromium` and `chromium-driver`, which `.ci/run` installs when missing): a student joins,
//! opens a lab, types its reference solution into the xterm.js terminal, presses Check and sees
//! full marks; the instructor page shows the score; the server restarts on the same port and
//! database, the page reconnects and the session goes on. Screenshots of the lab page and the
//! instructor page are written to `target/web-screenshots/`. Without chromedriver and chromium
//! the test says it is skipped and passes.

use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use kubelab::web::{Options, Server, start};
use serde_json::{Value, json};

mod webutil;
use webutil::http;

const LAB: &str = "config-env";

/// chromedriver, stopped when dropped, after the browser session it started (also when the
/// test fails: a browser left behind would outlive the test).
struct Driver {
    child: Child,
    addr: SocketAddr,
    session: std::sync::Mutex<Option<String>>,
}

impl Drop for Driver {
    fn drop(&mut self) {
        use std::io::{Read, Write};
        let id = self.session.lock().ok().and_then(|mut s| s.take());
        if let (Some(id), Ok(mut s)) = (id, std::net::TcpStream::connect(self.addr)) {
            let _ = s.set_read_timeout(Some(Duration::from_secs(20)));
            let _ = write!(
                s,
                "DELETE /session/{id} HTTP/1.1\r\nHost: {}\r\nContent-Length: 0\r\n\r\n",
                self.addr
            );
            let _ = s.read(&mut [0u8; 4096]);
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn which(p: &str) -> Option<String> {
    std::env::var("PATH").ok()?.split(':').find_map(|d| {
        let f = std::path::Path::new(d).join(p);
        f.is_file().then(|| f.display().to_string())
    })
}

async fn wd(d: &Driver, method: &str, path: &str, body: Value) -> Value {
    let body = if matches!(method, "GET" | "DELETE") {
        String::new()
    } else {
        body.to_string()
    };
    let (status, _, text) = http(
        d.addr,
        method,
        path,
        &[("Content-Type", "application/json")],
        &body,
    )
    .await;
    let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    assert_eq!(status, 200, "{method} {path}: {text}");
    v["value"].clone()
}

struct Browser<'a> {
    d: &'a Driver,
    session: String,
}

impl Browser<'_> {
    async fn cmd(&self, method: &str, path: &str, body: Value) -> Value {
        wd(
            self.d,
            method,
            &format!("/session/{}{path}", self.session),
            body,
        )
        .await
    }

    async fn go(&self, url: &str) {
        self.cmd("POST", "/url", json!({ "url": url })).await;
    }

    async fn script(&self, js: &str) -> Value {
        self.cmd("POST", "/execute/sync", json!({ "script": js, "args": [] }))
            .await
    }

    async fn find(&self, css: &str) -> String {
        let v = self
            .cmd(
                "POST",
                "/element",
                json!({ "using": "css selector", "value": css }),
            )
            .await;
        v.as_object()
            .and_then(|o| o.values().next())
            .and_then(|v| v.as_str())
            .unwrap_or_else(|| panic!("no element {css}: {v}"))
            .to_string()
    }

    async fn keys(&self, css: &str, text: &str) {
        let e = self.find(css).await;
        self.cmd(
            "POST",
            &format!("/element/{e}/value"),
            json!({ "text": text }),
        )
        .await;
    }

    async fn click(&self, css: &str) {
        let e = self.find(css).await;
        self.cmd("POST", &format!("/element/{e}/click"), json!({}))
            .await;
    }

    /// Waits until `js` (an expression) is true.
    async fn wait(&self, js: &str, what: &str) {
        let until = Instant::now() + Duration::from_secs(120);
        loop {
            if self.script(&format!("return !!({js});")).await == json!(true) {
                return;
            }
            if Instant::now() > until {
                let shown = self.script(SCREEN).await;
                panic!(
                    "waited for {what}; the terminal shows:\n{}",
                    shown.as_str().unwrap_or("")
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn screenshot(&self, name: &str) {
        let png = self.cmd("GET", "/screenshot", Value::Null).await;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(png.as_str().unwrap_or(""))
            .unwrap();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/web-screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(name), bytes).unwrap();
    }
}

/// What the terminal's buffer holds, line by line (trailing blanks trimmed).
const SCREEN: &str = "var b = window.kubelabTerminal.buffer.active, out = []; \
    for (var i = 0; i < b.length; i++) out.push(b.getLine(i).translateToString(true)); \
    while (out.length && out[out.length - 1] === '') out.pop(); return out.join('\\n');";

/// How many prompts the terminal shows, and whether the cursor's line is a prompt.
const PROMPTS: &str = "(function () { var b = window.kubelabTerminal.buffer.active, n = 0; \
    for (var i = 0; i < b.length; i++) if (b.getLine(i).translateToString(true).startsWith('$ ')) n++; \
    return n; })()";

async fn server(dir: &std::path::Path, listen: &str) -> Server {
    start(Options {
        labs: dir.display().to_string(),
        listen: listen.into(),
        database: Some(format!("sqlite:{}", dir.join("class.db").display())),
        seed: 1,
        lang: kubelab::lab::Lang::En,
    })
    .await
    .expect("the server starts")
}

/// Types a command line by line (Enter after each) and waits for the next prompt.
async fn type_command(b: &Browser<'_>, command: &str) {
    let before = b
        .script(&format!("return {PROMPTS};"))
        .await
        .as_u64()
        .unwrap();
    let keys = format!("{}\u{E007}", command.replace('\n', "\u{E007}"));
    b.keys(".xterm-helper-textarea", &keys).await;
    b.wait(
        &format!(
            "{PROMPTS} > {before} && window.kubelabTerminal.buffer.active.getLine(window.kubelabTerminal.buffer.active.cursorY + window.kubelabTerminal.buffer.active.baseY).translateToString(true) === '$ '"
        ),
        &format!("the prompt after {command:?}"),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_student_in_headless_chromium_solves_a_lab_and_goes_on_after_a_restart() {
    let (Some(driver), Some(chromium)) = (which("chromedriver"), which("chromium")) else {
        eprintln!(
            "skipped: the browser test needs chromedriver and chromium (Debian: apt-get install chromium chromium-driver; .ci/run installs them)"
        );
        return;
    };
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(driver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let d = Driver {
        child,
        addr: SocketAddr::from(([127, 0, 0, 1], port)),
        session: std::sync::Mutex::new(None),
    };
    let until = Instant::now() + Duration::from_secs(30);
    while tokio::net::TcpStream::connect(d.addr).await.is_err() {
        assert!(Instant::now() < until, "chromedriver does not listen");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let s = wd(
        &d,
        "POST",
        "/session",
        json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                         "--disable-dev-shm-usage", "--window-size=1600,1000"]
            }
        }}}),
    )
    .await;
    let b = Browser {
        d: &d,
        session: s["sessionId"].as_str().expect("a session").to_string(),
    };
    *d.session.lock().unwrap() = Some(b.session.clone());

    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        format!("labs/{LAB}.lab"),
        dir.path().join(format!("{LAB}.lab")),
    )
    .unwrap();
    let lab = kubelab::lab::load(&format!("labs/{LAB}.lab")).unwrap();
    let total = lab.total_points();
    let srv = server(dir.path(), "127.0.0.1:0").await;
    let addr = srv.addr;

    // Join, open the lab; the terminal connects and shows the prompt.
    b.go(&format!("http://{addr}/")).await;
    b.keys("input[name=name]", "Alice\u{E007}").await;
    b.wait("document.querySelector('.who')", "the joined page")
        .await;
    b.go(&format!("http://{addr}/labs/{LAB}")).await;
    b.wait(
        "document.getElementById('status').textContent === 'connected' && window.kubelabTerminal.buffer.active.getLine(0).translateToString(true) === '$ '",
        "the terminal",
    )
    .await;

    for step in lab.steps() {
        type_command(&b, &step.command).await;
    }
    let screen = b.script(SCREEN).await;
    let screen = screen.as_str().unwrap_or("");
    assert!(screen.contains("pod/webapp created"), "{screen}");
    assert!(screen.contains("\n> "), "heredoc lines continue: {screen}");

    // Check: full marks on the page.
    b.click("button.check[data-task=all]").await;
    b.wait(
        &format!("document.getElementById('total').textContent === '{total}'"),
        "full marks",
    )
    .await;
    let passes = b
        .script("return document.querySelectorAll('.checks li.pass').length;")
        .await;
    assert_eq!(
        passes.as_u64(),
        Some(lab.checks.iter().filter(|c| c.task.is_some()).count() as u64)
    );
    b.screenshot("lab.png").await;

    // The instructor page shows the score.
    b.go(&format!(
        "http://{addr}/instructor?token={}",
        srv.instructor_token
    ))
    .await;
    let row = b
        .script("var r = document.querySelector('.grid tr:nth-child(2)'); return r ? r.textContent : '';")
        .await;
    assert!(
        row.as_str()
            .is_some_and(|r| r.starts_with("Alice") && r.ends_with(&format!("{total}/{total}"))),
        "{row}"
    );
    b.screenshot("instructor.png").await;

    // A restart on the same port and database: the page reconnects, the world is there.
    b.go(&format!("http://{addr}/labs/{LAB}")).await;
    b.wait(
        "document.getElementById('status').textContent === 'connected'",
        "the terminal",
    )
    .await;
    srv.stop().await;
    b.wait(
        "document.getElementById('status').textContent !== 'connected'",
        "the disconnect",
    )
    .await;
    let srv = server(dir.path(), &addr.to_string()).await;
    b.wait(
        "document.getElementById('status').textContent === 'connected'",
        "the reconnect",
    )
    .await;
    b.wait(&format!("{PROMPTS} >= 1"), "the prompt").await;
    type_command(&b, "kubectl get pod webapp -o name").await;
    let screen = b.script(SCREEN).await;
    assert!(
        screen
            .as_str()
            .is_some_and(|s| s.contains("$ kubectl get pod webapp -o name\npod/webapp\n$")),
        "{screen}"
    );
    srv.stop().await;
}
