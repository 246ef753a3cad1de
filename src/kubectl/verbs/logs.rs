//! `kubectl logs` (`kubectl pkg/cmd/logs/logs.go`, `pkg/polymorphichelpers/logsforobject.go`):
//! complete → validate → run, with `-l`, `--all-containers`, `--all-pods`, `--prefix`,
//! `--since`, `--since-time`, `--timestamps`, `--tail`, `--limit-bytes`, `--ignore-errors`,
//! `--max-log-requests`, `-p` and `-f` (bounded in virtual time).
//!
//! kubectl keeps its log requests in a Go map and reads them in the map's random order;
//! kubelab reads them in a fixed order: pods by name, each pod's init containers then its
//! containers.

use serde_json::Value;

use super::logs_exec::{
    POD_RUNNING_TIMEOUT_ERROR, Picker, container_names, pick_container, pod_running_timeout_value,
    target_pods, waiting_reason,
};
use crate::kubectl::context::Ctx;
use crate::kubectl::duration::parse_go_duration;
use crate::kubectl::flags::Flags;
use crate::kubectl::outcome::{CmdResult, Failure};
use crate::kubectl::waiting::Wait;
use crate::world::api::selector::Selector;
use crate::world::api::{ApiError, Reason, kinds, meta};
use crate::world::clock::{Millis, rfc3339};
use crate::world::nodes::ContainerState;

/// How long `logs -f` follows running containers in virtual time when nothing else ends it.
pub const FOLLOW_LIMIT_MS: i64 = 60 * 60 * 1000;

/// logs' default `--pod-running-timeout`.
const POD_TIMEOUT_DEFAULT: Millis = 20_000;

/// The tail a selector's requests get unless `--tail` is given (`selectorTail`).
const SELECTOR_TAIL: i64 = 10;

const USAGE: &str = "expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command";

/// One log request: a container of a pod.
struct Request {
    pod: Value,
    container: String,
}

/// The completed options.
struct LogsOptions {
    namespace: String,
    container: Option<String>,
    container_specified: bool,
    two_args: bool,
    all_containers: bool,
    all_pods: bool,
    prefix: bool,
    follow: bool,
    previous: bool,
    timestamps: bool,
    ignore_errors: bool,
    max_requests: i64,
    limit_bytes: i64,
    since_time: Option<Millis>,
    since_seconds: Option<i64>,
    tail: Option<i64>,
    /// `--pod-running-timeout`: how long a workload without pods is watched for one.
    pod_timeout: Millis,
}

/// `kubectl logs`.
pub fn logs(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let (o, objects) = complete(ctx, f)?;
    o.validate()?;
    o.run(ctx, objects)
}

/// What the builder found: one object, or a selector's pods.
enum Objects {
    One(String),
    Pods(Vec<Value>),
}

fn complete(ctx: &mut Ctx<'_>, f: &dyn Flags) -> Result<(LogsOptions, Objects), Failure> {
    let args = f.args();
    let selector = f.string("selector").filter(|s| !s.is_empty());
    let usage = |message: &str| Failure::Usage {
        command: f.command_line_name(),
        message: message.to_string(),
    };
    match args.len() {
        0 if selector.is_none() => return Err(usage(USAGE)),
        1 if selector.is_some() => {
            return Err(usage("only a selector (-l) or a POD name is allowed"));
        }
        0..=2 => {}
        _ => return Err(usage(USAGE)),
    }
    let container = if args.len() == 2 {
        Some(args[1].clone())
    } else {
        f.string("container").filter(|c| !c.is_empty())
    };
    let all_pods = f.boolean("all-pods");
    // GetPodRunningTimeoutFlag's error is returned as it is (not a usage error) by logs.
    let pod_timeout = pod_running_timeout_value(f, POD_TIMEOUT_DEFAULT);
    if pod_timeout <= 0 {
        return Err(Failure::Message(POD_RUNNING_TIMEOUT_ERROR.into()));
    }
    let namespace = ctx.namespace(f.string("namespace").as_deref());
    // ToLogOptions: --since-time first.
    let since_time = match f.string("since-time").filter(|s| !s.is_empty()) {
        Some(s) => Some(parse_rfc3339_go(&s).map_err(Failure::Message)?),
        None => None,
    };
    let since = f.string("since").unwrap_or_default();
    let since_ms = parse_go_duration(&since).unwrap_or(0);
    // Round to the nearest second (Go's Duration.Round: halves away from zero).
    let since_seconds = (since_ms != 0).then(|| {
        let r = (since_ms.abs() + 500) / 1000;
        if since_ms < 0 { -r } else { r }
    });
    let tail_flag = f.int("tail")?.unwrap_or(-1);
    let tail = if selector.is_some() && tail_flag == -1 && !f.changed("tail") {
        Some(SELECTOR_TAIL)
    } else if tail_flag != -1 {
        Some(tail_flag)
    } else {
        None
    };
    let o = LogsOptions {
        namespace: namespace.clone(),
        container,
        container_specified: f.changed("container"),
        two_args: args.len() == 2,
        all_containers: f.boolean("all-containers"),
        all_pods,
        prefix: f.boolean("prefix") || all_pods,
        follow: f.boolean("follow"),
        previous: f.boolean("previous"),
        timestamps: f.boolean("timestamps"),
        ignore_errors: f.boolean("ignore-errors"),
        max_requests: f.int("max-log-requests")?.unwrap_or(5),
        limit_bytes: f.int("limit-bytes")?.unwrap_or(0),
        since_time,
        since_seconds,
        tail,
        pod_timeout,
    };
    // The builder: the named object (its NotFound said with the namespace), or the pods a
    // selector selects.
    let objects = match selector {
        Some(sel) => {
            let sel = Selector::parse(&sel).map_err(Failure::Message)?;
            let pk = kinds::by_kind(kinds::POD).expect("Pod");
            let pods = ctx.world.list(pk, Some(&namespace), Some(&sel));
            if pods.is_empty() {
                ctx.io
                    .err(&format!("No resources found in {namespace} namespace.\n"));
            }
            Objects::Pods(pods)
        }
        None => Objects::One(args[0].clone()),
    };
    Ok((o, objects))
}

impl LogsOptions {
    fn validate(&self) -> Result<(), Failure> {
        let msg = |s: String| Err(Failure::Message(s));
        if self.since_time.is_some() && self.since_seconds.is_some() {
            return msg("at most one of `sinceTime` or `sinceSeconds` may be specified".into());
        }
        if let (true, Some(c)) = (self.all_containers, &self.container) {
            return msg(format!(
                "--all-containers=true should not be specified with container name {c}"
            ));
        }
        if self.container_specified && self.two_args {
            return msg("only one of -c or an inline [CONTAINER] arg is allowed".into());
        }
        if self.limit_bytes < 0 {
            return msg("--limit-bytes must be greater than 0".into());
        }
        if self.since_seconds.is_some_and(|s| s < 0) {
            return msg("--since must be greater than 0".into());
        }
        if self.tail.is_some_and(|t| t < -1) {
            return msg("--tail must be greater than or equal to -1".into());
        }
        Ok(())
    }

    /// The requests of one pod (`logsForObjectWithClient`'s pod case).
    fn requests_of(
        &self,
        ctx: &mut Ctx<'_>,
        pod: Value,
        quiet: bool,
        out: &mut Vec<Request>,
    ) -> Result<(), Failure> {
        if self.all_containers {
            let mut names = container_names(&pod, "initContainers");
            names.extend(container_names(&pod, "containers"));
            for container in names {
                out.push(Request {
                    pod: pod.clone(),
                    container,
                });
            }
            return Ok(());
        }
        let picker = if quiet {
            Picker::LogsQuiet
        } else {
            Picker::Logs
        };
        let container = pick_container(ctx, &pod, self.container.clone(), picker)?;
        out.push(Request { pod, container });
        Ok(())
    }

    fn requests(&self, ctx: &mut Ctx<'_>, objects: Objects) -> Result<Vec<Request>, Failure> {
        let mut out = Vec::new();
        match objects {
            Objects::Pods(pods) => {
                for p in pods {
                    self.requests_of(ctx, p, self.all_pods, &mut out)?;
                }
            }
            Objects::One(arg) => {
                let pods = target_pods(
                    ctx,
                    &self.namespace,
                    &arg,
                    self.all_pods,
                    self.pod_timeout,
                    "cannot get the logs from",
                )
                .map_err(|e| match e {
                    Failure::Api(a) if a.reason == Reason::NotFound => Failure::Message(format!(
                        "error from server (NotFound): {} in namespace \"{}\"",
                        a.message, self.namespace
                    )),
                    other => other,
                })?;
                for p in pods {
                    self.requests_of(ctx, p, self.all_pods, &mut out)?;
                }
            }
        }
        Ok(out)
    }

    fn run(&self, ctx: &mut Ctx<'_>, objects: Objects) -> CmdResult {
        let requests = self.requests(ctx, objects)?;
        if self.follow && requests.len() > 1 && requests.len() as i64 > self.max_requests {
            return Err(Failure::Message(format!(
                "you are attempting to follow {} log streams, but maximum allowed concurrency is {}, use --max-log-requests to increase the limit",
                requests.len(),
                self.max_requests
            )));
        }
        let mut followed = Vec::new();
        for r in &requests {
            match self.consume(ctx, r) {
                Ok(stream) => followed.extend(stream),
                Err(e) if self.ignore_errors => ctx.io.out(&format!("error: {}\n", message(&e))),
                Err(e) => return Err(e),
            }
        }
        if self.follow && !self.previous {
            self.follow_all(ctx, followed)?;
        }
        Ok(())
    }

    /// Prints one request's log as the kubelet serves it (tail, then since, timestamps, byte
    /// limit), with the prefix; the stream to follow, if any.
    fn consume(&self, ctx: &mut Ctx<'_>, r: &Request) -> Result<Option<Stream>, Failure> {
        let name = meta::name(&r.pod).to_string();
        // The log is the pod's `log` subresource: the user needs `get pods/log`.
        if let Some(pk) = crate::world::api::kinds::by_kind(kinds::POD) {
            ctx.world
                .authorize_kind("get", pk, meta::namespace(&r.pod), &name, "log")?;
        }
        let uid = meta::uid(&r.pod).to_string();
        let rt = ctx
            .world
            .pods
            .get(&uid)
            .and_then(|p| p.containers.iter().find(|c| c.name == r.container))
            .cloned();
        let lines = match (&rt, self.previous) {
            (Some(c), true) => {
                if c.restart_count == 0 {
                    return Err(Failure::Api(ApiError::bad_request(format!(
                        "previous terminated container \"{}\" in pod \"{name}\" not found",
                        r.container
                    ))));
                }
                c.previous_logs.stamped()
            }
            (Some(c), false) if !c.container_id.is_empty() => c.logs.stamped(),
            _ => {
                let why = match waiting_reason(&r.pod, &r.container).as_deref() {
                    Some("ErrImagePull" | "ImagePullBackOff") => {
                        "trying and failing to pull image".to_string()
                    }
                    Some(w) => w.to_string(),
                    None => "ContainerCreating".to_string(),
                };
                return Err(Failure::Api(ApiError::bad_request(format!(
                    "container \"{}\" in pod \"{name}\" is waiting to start: {why}",
                    r.container
                ))));
            }
        };
        let shown = match self.tail {
            Some(t) if t >= 0 => &lines[lines.len().saturating_sub(t as usize)..],
            _ => &lines[..],
        };
        let since = self.since(ctx.world.now());
        let mut text = String::new();
        for (t, l) in shown {
            if since.is_some_and(|s| *t < s) {
                continue;
            }
            text.push_str(&self.line(*t, l));
        }
        if self.limit_bytes > 0 && text.len() as i64 > self.limit_bytes {
            let mut cut = self.limit_bytes as usize;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text.truncate(cut);
        }
        ctx.io.out(&self.prefixed(&name, &r.container, &text));
        Ok(rt.map(|c| Stream {
            uid,
            pod: name,
            container: r.container.clone(),
            restart_count: c.restart_count,
            container_id: c.container_id.clone(),
            shown: c.logs.len(),
        }))
    }

    /// The time before which lines are left out (`--since-time`, or now − `--since`).
    fn since(&self, now: Millis) -> Option<Millis> {
        self.since_time
            .or_else(|| self.since_seconds.map(|s| now - s * 1000))
    }

    /// A line as the kubelet sends it: with `--timestamps`, its time in RFC 3339 with nine
    /// fractional digits first.
    fn line(&self, t: Millis, l: &str) -> String {
        if self.timestamps {
            format!("{} {l}\n", rfc3339_nano_fixed(t))
        } else {
            format!("{l}\n")
        }
    }

    /// `addPrefixIfNeeded`: `[pod/NAME/CONTAINER] ` before every line.
    fn prefixed(&self, pod: &str, container: &str, text: &str) -> String {
        if !self.prefix || text.is_empty() {
            return text.to_string();
        }
        let p = format!("[pod/{pod}/{container}] ");
        text.split_inclusive('\n')
            .map(|l| format!("{p}{l}"))
            .collect()
    }

    /// `-f`: every followed instance's new lines as they are written, until all have exited
    /// or Ctrl-C (kubectl reads them in parallel; kubelab interleaves them by virtual time).
    fn follow_all(&self, ctx: &mut Ctx<'_>, mut streams: Vec<Stream>) -> CmdResult {
        if streams.is_empty() {
            return Ok(());
        }
        let wait = Wait::new(ctx, None, FOLLOW_LIMIT_MS);
        loop {
            let mut running = false;
            for s in &mut streams {
                let cur = ctx
                    .world
                    .pods
                    .get(&s.uid)
                    .and_then(|r| r.containers.iter().find(|c| c.name == s.container))
                    .cloned();
                let (lines, live) = match &cur {
                    Some(c)
                        if c.restart_count == s.restart_count
                            && c.container_id == s.container_id =>
                    {
                        (
                            c.logs.stamped(),
                            matches!(c.state, ContainerState::Running { .. }),
                        )
                    }
                    Some(c) if c.restart_count == s.restart_count + 1 => {
                        (c.previous_logs.stamped(), false)
                    }
                    _ => (Vec::new(), false),
                };
                let mut text = String::new();
                for (t, l) in lines.iter().skip(s.shown) {
                    text.push_str(&self.line(*t, l));
                }
                s.shown = s.shown.max(lines.len());
                ctx.io.out(&self.prefixed(&s.pod, &s.container, &text));
                running |= live;
            }
            if !running {
                return Ok(());
            }
            wait.next(ctx)
                .map_err(|end| end.failure(Failure::Message(String::new())))?;
        }
    }
}

/// A container instance being followed.
struct Stream {
    uid: String,
    pod: String,
    container: String,
    restart_count: i64,
    container_id: String,
    shown: usize,
}

/// An error as `--ignore-errors` prints it (`error: <err>`: a server error's message alone).
fn message(e: &Failure) -> String {
    match e {
        Failure::Api(a) => a.message.clone(),
        Failure::Message(m) => m.clone(),
        other => format!("{other:?}"),
    }
}

/// The kubelet's `RFC3339NanoFixed`: `2025-03-03T09:00:01.200000000Z`.
pub fn rfc3339_nano_fixed(t: Millis) -> String {
    let s = rfc3339(t);
    let base = s.strip_suffix('Z').unwrap_or(&s);
    format!("{base}.{:03}000000Z", t.rem_euclid(1000))
}

/// `util.ParseRFC3339` (Go's `time.Parse` with `time.RFC3339`), with Go's error texts.
pub fn parse_rfc3339_go(v: &str) -> Result<Millis, String> {
    const LAYOUT: &str = "2006-01-02T15:04:05Z07:00";
    let cannot = |rest: &str, elem: &str| {
        format!("parsing time {v:?} as \"{LAYOUT}\": cannot parse {rest:?} as \"{elem}\"")
    };
    let range = |what: &str| format!("parsing time {v:?}: {what} out of range");
    let mut rest = v;
    let mut nums = [0i64; 6];
    let elems = [
        ("", "2006", 4),
        ("-", "01", 2),
        ("-", "02", 2),
        ("T", "15", 2),
        (":", "04", 2),
        (":", "05", 2),
    ];
    for (i, (lit, elem, width)) in elems.iter().enumerate() {
        if !lit.is_empty() {
            match rest.strip_prefix(lit) {
                Some(r) => rest = r,
                None => return Err(cannot(rest, lit)),
            }
        }
        let digits = rest
            .bytes()
            .take(*width)
            .take_while(u8::is_ascii_digit)
            .count();
        if digits < *width {
            return Err(cannot(rest, elem));
        }
        nums[i] = rest[..*width].parse().unwrap_or(0);
        rest = &rest[*width..];
    }
    let mut frac_ms = 0;
    if let Some(r) = rest.strip_prefix('.').or_else(|| rest.strip_prefix(','))
        && r.starts_with(|c: char| c.is_ascii_digit())
    {
        let n = r.bytes().take_while(u8::is_ascii_digit).count();
        let digits = &r[..n];
        frac_ms = format!("{digits:0<3}")[..3].parse().unwrap_or(0);
        rest = &r[n..];
    }
    let offset_ms = if let Some(r) = rest.strip_prefix('Z') {
        rest = r;
        0
    } else {
        let b = rest.as_bytes();
        let ok = b.len() >= 6
            && (b[0] == b'+' || b[0] == b'-')
            && b[1..3].iter().all(u8::is_ascii_digit)
            && b[3] == b':'
            && b[4..6].iter().all(u8::is_ascii_digit);
        if !ok {
            return Err(cannot(rest, "Z07:00"));
        }
        let h: i64 = rest[1..3].parse().unwrap_or(0);
        let m: i64 = rest[4..6].parse().unwrap_or(0);
        let sign = if b[0] == b'-' { -1 } else { 1 };
        rest = &rest[6..];
        sign * (h * 3600 + m * 60) * 1000
    };
    if !rest.is_empty() {
        return Err(format!("parsing time {v:?}: extra text: {rest:?}"));
    }
    let [y, mo, d, h, mi, s] = nums;
    if !(1..=12).contains(&mo) {
        return Err(range("month"));
    }
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if d < 1 || d > days[(mo - 1) as usize] {
        return Err(range("day"));
    }
    if h > 23 {
        return Err(range("hour"));
    }
    if mi > 59 {
        return Err(range("minute"));
    }
    if s > 59 {
        return Err(range("second"));
    }
    let text = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z");
    let t = crate::world::clock::parse_rfc3339(&text).ok_or_else(|| range("year"))?;
    Ok(t + frac_ms - offset_ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_time_errors_are_go_time_parse_errors() {
        let l = "\"2006-01-02T15:04:05Z07:00\"";
        for (v, want) in [
            (
                "x",
                format!("parsing time \"x\" as {l}: cannot parse \"x\" as \"2006\""),
            ),
            (
                "2025",
                format!("parsing time \"2025\" as {l}: cannot parse \"\" as \"-\""),
            ),
            (
                "2025-03-03T09:00:00",
                format!(
                    "parsing time \"2025-03-03T09:00:00\" as {l}: cannot parse \"\" as \"Z07:00\""
                ),
            ),
            (
                "2025-3-03T09:00:00Z",
                format!(
                    "parsing time \"2025-3-03T09:00:00Z\" as {l}: cannot parse \"3-03T09:00:00Z\" as \"01\""
                ),
            ),
            (
                "2025-13-03T09:00:00Z",
                "parsing time \"2025-13-03T09:00:00Z\": month out of range".to_string(),
            ),
            (
                "2025-03-32T09:00:00Z",
                "parsing time \"2025-03-32T09:00:00Z\": day out of range".to_string(),
            ),
            (
                "2025-03-03T09:00:00Zjunk",
                "parsing time \"2025-03-03T09:00:00Zjunk\": extra text: \"junk\"".to_string(),
            ),
        ] {
            assert_eq!(parse_rfc3339_go(v).unwrap_err(), want, "{v}");
        }
        let base = crate::world::clock::parse_rfc3339("2025-03-03T09:00:00Z").unwrap();
        assert_eq!(parse_rfc3339_go("2025-03-03T09:00:00Z"), Ok(base));
        assert_eq!(parse_rfc3339_go("2025-03-03T09:00:00.5Z"), Ok(base + 500));
        assert_eq!(
            parse_rfc3339_go("2025-03-03T10:00:00+01:00"),
            Ok(base),
            "offsets"
        );
    }

    #[test]
    fn kubelet_timestamps_have_nine_digits() {
        let t = crate::world::clock::parse_rfc3339("2025-03-03T09:00:01Z").unwrap() + 200;
        assert_eq!(rfc3339_nano_fixed(t), "2025-03-03T09:00:01.200000000Z");
    }
}
