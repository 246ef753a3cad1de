// kubelab web: the lab page. The terminal sends keys over the WebSocket and writes what the
// server answers (the line editor is on the server: docs/web.md); the buttons ask the API for
// hints and checks. Nothing is loaded from outside the server.
(function () {
  "use strict";
  var root = document.querySelector(".lab");
  if (!root) return;
  var lab = root.getAttribute("data-lab");
  var status = document.getElementById("status");
  var term = new window.Terminal({
    convertEol: true,
    cursorBlink: true,
    cols: 100,
    rows: 32,
    fontFamily: "monospace",
    fontSize: 14,
    lineHeight: 1.2,
    scrollback: 5000,
  });
  term.open(document.getElementById("terminal"));
  // For the browser tests (tests/web_browser.rs), which read what the terminal shows.
  window.kubelabTerminal = term;
  var enc = new TextEncoder();
  var ws = null;

  function connect() {
    var proto = location.protocol === "https:" ? "wss:" : "ws:";
    ws = new WebSocket(proto + "//" + location.host + "/ws/labs/" + encodeURIComponent(lab));
    ws.binaryType = "arraybuffer";
    ws.onopen = function () { status.textContent = "connected"; term.focus(); };
    ws.onmessage = function (m) {
      if (typeof m.data === "string") term.write(m.data);
      else term.write(new Uint8Array(m.data));
    };
    ws.onclose = function () {
      status.textContent = "disconnected: reconnecting…";
      setTimeout(connect, 2000);
    };
  }
  term.onData(function (d) { if (ws && ws.readyState === 1) ws.send(enc.encode(d)); });
  term.onBinary(function (d) {
    if (!ws || ws.readyState !== 1) return;
    var b = new Uint8Array(d.length);
    for (var i = 0; i < d.length; i++) b[i] = d.charCodeAt(i) & 255;
    ws.send(b);
  });
  connect();

  function text(el, s) { el.textContent = s; return el; }

  function showChecks(r, only) {
    document.getElementById("total").textContent = r.earned;
    r.tasks.forEach(function (t) {
      var li = document.querySelector('.task[data-task="' + t.task + '"]');
      if (!li) return;
      li.querySelector(".score").textContent = "(" + t.earned + "/" + t.points + ")";
      li.classList.toggle("done", t.points > 0 && t.earned === t.points);
      if (only !== "all" && String(t.task) !== only) return;
      var ul = li.querySelector(".checks");
      ul.innerHTML = "";
      t.checks.forEach(function (c) {
        var item = document.createElement("li");
        item.className = c.earned === c.points ? "pass" : "fail";
        text(item, (c.earned === c.points ? "PASS " : "FAIL ") + c.earned + "/" + c.points + "  " + c.what);
        if (c.reason) {
          var why = document.createElement("div");
          why.className = "reason";
          item.appendChild(text(why, c.reason));
        }
        ul.appendChild(item);
      });
    });
  }

  document.querySelectorAll("button.check").forEach(function (b) {
    b.addEventListener("click", function () {
      b.disabled = true;
      fetch("/api/labs/" + encodeURIComponent(lab) + "/check", { method: "POST" })
        .then(function (r) { return r.ok ? r.json() : r.text().then(function (t) { throw new Error(t); }); })
        .then(function (r) { showChecks(r, b.getAttribute("data-task")); })
        .catch(function (e) { status.textContent = String(e); })
        .finally(function () { b.disabled = false; });
    });
  });

  document.querySelectorAll("button.hint").forEach(function (b) {
    b.addEventListener("click", function () {
      var n = b.getAttribute("data-task");
      fetch("/api/labs/" + encodeURIComponent(lab) + "/hint/" + n, { method: "POST" })
        .then(function (r) { return r.ok ? r.json() : r.text().then(function (t) { throw new Error(t); }); })
        .then(function (h) {
          var box = b.closest(".task").querySelector(".hints");
          if (box.children.length >= h.hint) return;
          var p = document.createElement("p");
          box.appendChild(text(p, "Hint " + h.hint + "/" + h.of + ": " + h.text));
        })
        .catch(function (e) { status.textContent = String(e); });
    });
  });
})();
