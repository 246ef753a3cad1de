//! Pieces shared by describers (`kubectl pkg/describe/describe.go`): labels, annotations,
//! tolerations, containers, volumes, pod templates and events.

use crate::world::api::kinds;
use serde_json::Value;

use super::writer::{LEVEL_0, LEVEL_1, LEVEL_2, LEVEL_3, Writer};
use crate::printers::age::age;
use crate::world::api::meta;
use crate::world::clock::{parse_rfc3339, rfc1123z};

const MAX_ANNOTATION_LEN: usize = 140;

/// `RFC1123Z` of an RFC 3339 timestamp field.
pub fn time_of(v: Option<&str>) -> String {
    v.and_then(parse_rfc3339).map(rfc1123z).unwrap_or_default()
}

/// `printLabelsMultiline`.
pub fn labels_multiline(w: &mut Writer, title: &str, labels: Option<&Value>) {
    labels_multiline_with_indent(w, "", title, labels);
}

/// `printLabelsMultilineWithIndent`: `key=value` lines, sorted, `<none>` when empty.
pub fn labels_multiline_with_indent(
    w: &mut Writer,
    indent: &str,
    title: &str,
    labels: Option<&Value>,
) {
    w.write(LEVEL_0, &format!("{indent}{title}:\t"));
    let mut keys: Vec<(&String, &str)> = labels
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k, v.as_str().unwrap_or("")))
                .collect()
        })
        .unwrap_or_default();
    if keys.is_empty() {
        w.write_line("<none>");
        return;
    }
    keys.sort();
    for (i, (k, v)) in keys.iter().enumerate() {
        if i != 0 {
            w.write(LEVEL_0, &format!("{indent}\t"));
        }
        w.write_line(&format!("{k}={v}"));
    }
}

/// `printAnnotationsMultiline` (skipping `kubectl.kubernetes.io/last-applied-configuration`).
pub fn annotations_multiline(w: &mut Writer, title: &str, annotations: Option<&Value>) {
    w.write(LEVEL_0, &format!("{title}:\t"));
    let mut keys: Vec<(&String, &str)> = annotations
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter(|(k, _)| *k != "kubectl.kubernetes.io/last-applied-configuration")
                .map(|(k, v)| (k, v.as_str().unwrap_or("")))
                .collect()
        })
        .unwrap_or_default();
    if keys.is_empty() {
        w.write_line("<none>");
        return;
    }
    keys.sort();
    for (i, (k, v)) in keys.iter().enumerate() {
        if i != 0 {
            w.write(LEVEL_0, "\t");
        }
        let value = v.strip_suffix('\n').unwrap_or(v);
        if value.len() + k.len() + 2 > MAX_ANNOTATION_LEN || value.contains('\n') {
            w.write_line(&format!("{k}:"));
            for s in value.split('\n') {
                let s = if s.len() > MAX_ANNOTATION_LEN - 2 {
                    format!("{}...", &s[..floor_char(s, MAX_ANNOTATION_LEN - 2)])
                } else {
                    s.to_string()
                };
                w.write_line(&format!("\t  {s}"));
            }
        } else {
            w.write_line(&format!("{k}: {value}"));
        }
    }
}

fn floor_char(s: &str, n: usize) -> usize {
    let mut i = n.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// `printTolerationsMultilineWithIndent`.
pub fn tolerations_multiline(w: &mut Writer, title: &str, tolerations: Option<&Value>) {
    w.write(LEVEL_0, &format!("{title}:\t"));
    let mut ts: Vec<&Value> = tolerations
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    if ts.is_empty() {
        w.write_line("<none>");
        return;
    }
    ts.sort_by_key(|t| {
        t.get("key")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    });
    for (i, t) in ts.iter().enumerate() {
        if i != 0 {
            w.write(LEVEL_0, "\t");
        }
        let key = t.get("key").and_then(Value::as_str).unwrap_or("");
        let value = t.get("value").and_then(Value::as_str).unwrap_or("");
        let effect = t.get("effect").and_then(Value::as_str).unwrap_or("");
        let mut s = key.to_string();
        if !value.is_empty() {
            s.push_str(&format!("={value}"));
        }
        if !effect.is_empty() {
            s.push_str(&format!(":{effect}"));
        }
        if t.get("operator").and_then(Value::as_str) == Some("Exists") && value.is_empty() {
            s.push_str(if !key.is_empty() || !effect.is_empty() {
                " op=Exists"
            } else {
                "op=Exists"
            });
        }
        if let Some(secs) = t.get("tolerationSeconds").and_then(Value::as_i64) {
            s.push_str(&format!(" for {secs}s"));
        }
        w.write_line(&s);
    }
}

/// `DescribeProbe`.
pub fn probe(p: &Value) -> String {
    let n = |k: &str| p.get(k).and_then(Value::as_i64).unwrap_or(0);
    let attrs = format!(
        "delay={}s timeout={}s period={}s #success={} #failure={}",
        n("initialDelaySeconds"),
        n("timeoutSeconds"),
        n("periodSeconds"),
        n("successThreshold"),
        n("failureThreshold")
    );
    let port_str = |v: Option<&Value>| match v {
        Some(Value::Number(x)) => x.to_string(),
        Some(Value::String(s)) => s.clone(),
        _ => String::new(),
    };
    if let Some(e) = p.get("exec") {
        let cmd: Vec<&str> = e
            .get("command")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        return format!("exec [{}] {attrs}", cmd.join(" "));
    }
    if let Some(h) = p.get("httpGet") {
        let scheme = h
            .get("scheme")
            .and_then(Value::as_str)
            .unwrap_or("HTTP")
            .to_ascii_lowercase();
        let host = h.get("host").and_then(Value::as_str).unwrap_or("");
        let port = port_str(h.get("port"));
        let path = h.get("path").and_then(Value::as_str).unwrap_or("");
        let hostport = if port.is_empty() {
            host.to_string()
        } else {
            format!("{host}:{port}")
        };
        return format!("http-get {scheme}://{hostport}{path} {attrs}");
    }
    if let Some(t) = p.get("tcpSocket") {
        return format!(
            "tcp-socket {}:{} {attrs}",
            t.get("host").and_then(Value::as_str).unwrap_or(""),
            port_str(t.get("port"))
        );
    }
    format!("unknown {attrs}")
}

fn ports(c: &Value, host: bool) -> String {
    c.get("ports")
        .and_then(Value::as_array)
        .map(|ps| {
            ps.iter()
                .map(|p| {
                    let n = if host {
                        p.get("hostPort")
                    } else {
                        p.get("containerPort")
                    }
                    .and_then(Value::as_i64)
                    .unwrap_or(0);
                    format!(
                        "{n}/{}",
                        p.get("protocol").and_then(Value::as_str).unwrap_or("TCP")
                    )
                })
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default()
}

fn none_if_empty(s: &str) -> &str {
    if s.is_empty() { "<none>" } else { s }
}

fn describe_state(w: &mut Writer, name: &str, st: Option<&Value>) {
    let st = st.cloned().unwrap_or(Value::Null);
    if let Some(r) = st.get("running") {
        w.line(LEVEL_2, &format!("{name}:\tRunning"));
        w.line(
            LEVEL_3,
            &format!(
                "Started:\t{}",
                time_of(r.get("startedAt").and_then(Value::as_str))
            ),
        );
    } else if let Some(wt) = st.get("waiting") {
        w.line(LEVEL_2, &format!("{name}:\tWaiting"));
        if let Some(r) = wt
            .get("reason")
            .and_then(Value::as_str)
            .filter(|r| !r.is_empty())
        {
            w.line(LEVEL_3, &format!("Reason:\t{r}"));
        }
    } else if let Some(t) = st.get("terminated") {
        w.line(LEVEL_2, &format!("{name}:\tTerminated"));
        if let Some(r) = t
            .get("reason")
            .and_then(Value::as_str)
            .filter(|r| !r.is_empty())
        {
            w.line(LEVEL_3, &format!("Reason:\t{r}"));
        }
        if let Some(m) = t
            .get("message")
            .and_then(Value::as_str)
            .filter(|r| !r.is_empty())
        {
            w.line(LEVEL_3, &format!("Message:\t{m}"));
        }
        w.line(
            LEVEL_3,
            &format!(
                "Exit Code:\t{}",
                t.get("exitCode").and_then(Value::as_i64).unwrap_or(0)
            ),
        );
        if let Some(s) = t.get("signal").and_then(Value::as_i64).filter(|s| *s > 0) {
            w.line(LEVEL_3, &format!("Signal:\t{s}"));
        }
        w.line(
            LEVEL_3,
            &format!(
                "Started:\t{}",
                time_of(t.get("startedAt").and_then(Value::as_str))
            ),
        );
        w.line(
            LEVEL_3,
            &format!(
                "Finished:\t{}",
                time_of(t.get("finishedAt").and_then(Value::as_str))
            ),
        );
    } else {
        w.line(LEVEL_2, &format!("{name}:\tWaiting"));
    }
}

/// `describeContainers`: containers of a template (no statuses) or of a pod (with statuses).
pub fn containers(
    w: &mut Writer,
    label: &str,
    list: Option<&Value>,
    statuses: Option<&Value>,
    space: &str,
    pod: Option<&Value>,
) {
    let cs: Vec<&Value> = list
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    if cs.is_empty() {
        w.line(LEVEL_0, &format!("{space}{label}: <none>"));
        return;
    }
    w.line(LEVEL_0, &format!("{space}{label}:"));
    let name_indent = if space.is_empty() { "" } else { " " };
    for c in cs {
        let name = c.get("name").and_then(Value::as_str).unwrap_or("");
        let status = statuses.and_then(Value::as_array).and_then(|a| {
            a.iter()
                .find(|s| s.get("name").and_then(Value::as_str) == Some(name))
        });
        w.line(LEVEL_1, &format!("{name_indent}{name}:"));
        if let Some(s) = status {
            w.line(
                LEVEL_2,
                &format!(
                    "Container ID:\t{}",
                    s.get("containerID").and_then(Value::as_str).unwrap_or("")
                ),
            );
        }
        w.line(
            LEVEL_2,
            &format!(
                "Image:\t{}",
                c.get("image").and_then(Value::as_str).unwrap_or("")
            ),
        );
        if let Some(s) = status {
            w.line(
                LEVEL_2,
                &format!(
                    "Image ID:\t{}",
                    s.get("imageID").and_then(Value::as_str).unwrap_or("")
                ),
            );
        }
        let p = ports(c, false);
        if p.contains(',') {
            w.line(LEVEL_2, &format!("Ports:\t{p}"));
        } else {
            w.line(LEVEL_2, &format!("Port:\t{}", none_if_empty(&p)));
        }
        let hp = ports(c, true);
        if hp.contains(',') {
            w.line(LEVEL_2, &format!("Host Ports:\t{hp}"));
        } else {
            w.line(LEVEL_2, &format!("Host Port:\t{}", none_if_empty(&hp)));
        }
        if let Some(rp) = c.get("restartPolicy").and_then(Value::as_str) {
            w.line(LEVEL_2, &format!("Restart Policy:\t{rp}"));
        }
        for (key, title) in [("command", "Command"), ("args", "Args")] {
            if let Some(a) = c
                .get(key)
                .and_then(Value::as_array)
                .filter(|a| !a.is_empty())
            {
                w.line(LEVEL_2, &format!("{title}:"));
                for x in a {
                    for s in x.as_str().unwrap_or("").split('\n') {
                        w.line(LEVEL_3, s);
                    }
                }
            }
        }
        if let Some(s) = status {
            describe_state(w, "State", s.get("state"));
            if meta::path(s, &["lastState", "terminated"]).is_some() {
                describe_state(w, "Last State", s.get("lastState"));
            }
            w.line(
                LEVEL_2,
                &format!(
                    "Ready:\t{}",
                    if s.get("ready").and_then(Value::as_bool) == Some(true) {
                        "True"
                    } else {
                        "False"
                    }
                ),
            );
            w.line(
                LEVEL_2,
                &format!(
                    "Restart Count:\t{}",
                    s.get("restartCount").and_then(Value::as_i64).unwrap_or(0)
                ),
            );
        }
        for (key, title) in [("limits", "Limits"), ("requests", "Requests")] {
            if let Some(m) = meta::path(c, &["resources", key])
                .and_then(Value::as_object)
                .filter(|m| !m.is_empty())
            {
                w.line(LEVEL_2, &format!("{title}:"));
                for (k, v) in m {
                    w.line(
                        LEVEL_3,
                        &format!(
                            "{k}:\t{}",
                            v.as_str()
                                .map(str::to_string)
                                .unwrap_or_else(|| v.to_string())
                        ),
                    );
                }
            }
        }
        for (key, title) in [
            ("livenessProbe", "Liveness"),
            ("readinessProbe", "Readiness"),
            ("startupProbe", "Startup"),
        ] {
            if let Some(p) = c.get(key) {
                w.line(LEVEL_2, &format!("{title}:\t{}", probe(p)));
            }
        }
        if let Some(ef) = c
            .get("envFrom")
            .and_then(Value::as_array)
            .filter(|a| !a.is_empty())
        {
            w.line(LEVEL_2, "Environment Variables from:");
            for e in ef {
                let (from, r) = if let Some(r) = e.get("configMapRef") {
                    ("ConfigMap", r)
                } else if let Some(r) = e.get("secretRef") {
                    ("Secret", r)
                } else {
                    continue;
                };
                let name = r.get("name").and_then(Value::as_str).unwrap_or("");
                let optional = r.get("optional").and_then(Value::as_bool).unwrap_or(false);
                match e
                    .get("prefix")
                    .and_then(Value::as_str)
                    .filter(|p| !p.is_empty())
                {
                    None => w.line(LEVEL_3, &format!("{name}\t{from}\tOptional: {optional}")),
                    Some(p) => w.line(
                        LEVEL_3,
                        &format!("{name}\t{from} with prefix '{p}'\tOptional: {optional}"),
                    ),
                }
            }
        }
        let env: Vec<&Value> = c
            .get("env")
            .and_then(Value::as_array)
            .map(|a| a.iter().collect())
            .unwrap_or_default();
        w.line(
            LEVEL_2,
            &format!(
                "Environment:{}",
                if env.is_empty() { "\t<none>" } else { "" }
            ),
        );
        for e in env {
            let name = e.get("name").and_then(Value::as_str).unwrap_or("");
            if let Some(v) = e
                .get("value")
                .and_then(Value::as_str)
                .or_else(|| e.get("valueFrom").is_none().then_some(""))
            {
                for (i, s) in v.split('\n').enumerate() {
                    if i == 0 {
                        w.line(LEVEL_3, &format!("{name}:\t{s}"));
                    } else {
                        w.line(LEVEL_3, &format!("\t{s}"));
                    }
                }
                continue;
            }
            if let Some(f) = meta::path(e, &["valueFrom", "fieldRef"]) {
                let fp = f.get("fieldPath").and_then(Value::as_str).unwrap_or("");
                let resolved = pod.map(|p| resolve_field(p, fp)).unwrap_or_default();
                w.line(
                    LEVEL_3,
                    &format!(
                        "{name}:\t{resolved} ({}:{fp})",
                        f.get("apiVersion").and_then(Value::as_str).unwrap_or("v1")
                    ),
                );
            } else if let Some(r) = meta::path(e, &["valueFrom", "secretKeyRef"]) {
                w.line(
                    LEVEL_3,
                    &format!(
                        "{name}:\t<set to the key '{}' in secret '{}'>\tOptional: {}",
                        r.get("key").and_then(Value::as_str).unwrap_or(""),
                        r.get("name").and_then(Value::as_str).unwrap_or(""),
                        r.get("optional").and_then(Value::as_bool).unwrap_or(false)
                    ),
                );
            } else if let Some(r) = meta::path(e, &["valueFrom", "configMapKeyRef"]) {
                w.line(
                    LEVEL_3,
                    &format!(
                        "{name}:\t<set to the key '{}' of config map '{}'>\tOptional: {}",
                        r.get("key").and_then(Value::as_str).unwrap_or(""),
                        r.get("name").and_then(Value::as_str).unwrap_or(""),
                        r.get("optional").and_then(Value::as_bool).unwrap_or(false)
                    ),
                );
            }
        }
        let mut mounts: Vec<&Value> = c
            .get("volumeMounts")
            .and_then(Value::as_array)
            .map(|a| a.iter().collect())
            .unwrap_or_default();
        w.line(
            LEVEL_2,
            &format!("Mounts:{}", if mounts.is_empty() { "\t<none>" } else { "" }),
        );
        mounts.sort_by_key(|m| {
            m.get("mountPath")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        });
        for m in mounts {
            let mut flags = vec![
                if m.get("readOnly").and_then(Value::as_bool) == Some(true) {
                    "ro".to_string()
                } else {
                    "rw".to_string()
                },
            ];
            if let Some(sp) = m
                .get("subPath")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
            {
                flags.push(format!("path={sp:?}"));
            }
            w.line(
                LEVEL_3,
                &format!(
                    "{} from {} ({})",
                    m.get("mountPath").and_then(Value::as_str).unwrap_or(""),
                    m.get("name").and_then(Value::as_str).unwrap_or(""),
                    flags.join(",")
                ),
            );
        }
    }
}

fn resolve_field(pod: &Value, fp: &str) -> String {
    match fp {
        "metadata.name" => meta::name(pod).to_string(),
        "metadata.namespace" => meta::namespace(pod).to_string(),
        "metadata.uid" => meta::uid(pod).to_string(),
        "spec.nodeName" => meta::str_at(pod, &["spec", "nodeName"])
            .unwrap_or("")
            .to_string(),
        "spec.serviceAccountName" => meta::str_at(pod, &["spec", "serviceAccountName"])
            .unwrap_or("")
            .to_string(),
        "status.podIP" => meta::str_at(pod, &["status", "podIP"])
            .unwrap_or("")
            .to_string(),
        "status.hostIP" => meta::str_at(pod, &["status", "hostIP"])
            .unwrap_or("")
            .to_string(),
        _ => String::new(),
    }
}

fn opt_bool(v: Option<&Value>) -> String {
    match v.and_then(Value::as_bool) {
        Some(b) => b.to_string(),
        None => "<nil>".to_string(),
    }
}

/// `describeVolumes`.
pub fn volumes(w: &mut Writer, vols: Option<&Value>, space: &str) {
    let vs: Vec<&Value> = vols
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    if vs.is_empty() {
        w.line(LEVEL_0, &format!("{space}Volumes:\t<none>"));
        return;
    }
    w.line(LEVEL_0, &format!("{space}Volumes:"));
    let name_indent = if space.is_empty() { "" } else { " " };
    for v in vs {
        w.line(
            LEVEL_1,
            &format!(
                "{name_indent}{}:",
                v.get("name").and_then(Value::as_str).unwrap_or("")
            ),
        );
        let s = |k: &str, f: &str| meta::str_at(v, &[k, f]).unwrap_or("").to_string();
        if v.get("hostPath").is_some() {
            let t = meta::str_at(v, &["hostPath", "type"]).unwrap_or("");
            w.line(LEVEL_2, &format!("Type:\tHostPath (bare host directory volume)\n    Path:\t{}\n    HostPathType:\t{t}", s("hostPath", "path")));
        } else if let Some(e) = v.get("emptyDir") {
            let limit = e
                .get("sizeLimit")
                .and_then(Value::as_str)
                .unwrap_or("<unset>");
            w.line(
                LEVEL_2,
                &format!("Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:\t{}\n    SizeLimit:\t{limit}", s("emptyDir", "medium")),
            );
        } else if let Some(sec) = v.get("secret") {
            w.line(
                LEVEL_2,
                &format!(
                    "Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t{}\n    Optional:\t{}",
                    s("secret", "secretName"),
                    sec.get("optional").and_then(Value::as_bool).unwrap_or(false)
                ),
            );
        } else if let Some(cm) = v.get("configMap") {
            w.line(
                LEVEL_2,
                &format!(
                    "Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t{}\n    Optional:\t{}",
                    s("configMap", "name"),
                    cm.get("optional").and_then(Value::as_bool).unwrap_or(false)
                ),
            );
        } else if let Some(n) = v.get("nfs") {
            w.line(
                LEVEL_2,
                &format!(
                    "Type:\tNFS (an NFS mount that lasts the lifetime of a pod)\n    Server:\t{}\n    Path:\t{}\n    ReadOnly:\t{}",
                    s("nfs", "server"),
                    s("nfs", "path"),
                    n.get("readOnly").and_then(Value::as_bool).unwrap_or(false)
                ),
            );
        } else if let Some(c) = v.get("persistentVolumeClaim") {
            w.line(
                LEVEL_2,
                &format!(
                    "Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n    ClaimName:\t{}\n    ReadOnly:\t{}",
                    s("persistentVolumeClaim", "claimName"),
                    c.get("readOnly").and_then(Value::as_bool).unwrap_or(false)
                ),
            );
        } else if let Some(p) = v.get("projected") {
            w.line(
                LEVEL_2,
                "Type:\tProjected (a volume that contains injected data from multiple sources)",
            );
            for src in p
                .get("sources")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(sec) = src.get("secret") {
                    w.line(
                        LEVEL_2,
                        &format!(
                            "SecretName:\t{}\n    SecretOptionalName:\t{}",
                            sec.get("name").and_then(Value::as_str).unwrap_or(""),
                            opt_bool(sec.get("optional"))
                        ),
                    );
                } else if src.get("downwardAPI").is_some() {
                    w.line(LEVEL_2, "DownwardAPI:\ttrue");
                } else if let Some(cm) = src.get("configMap") {
                    w.line(
                        LEVEL_2,
                        &format!(
                            "ConfigMapName:\t{}\n    ConfigMapOptional:\t{}",
                            cm.get("name").and_then(Value::as_str).unwrap_or(""),
                            opt_bool(cm.get("optional"))
                        ),
                    );
                } else if let Some(t) = src.get("serviceAccountToken") {
                    w.line(
                        LEVEL_2,
                        &format!(
                            "TokenExpirationSeconds:\t{}",
                            t.get("expirationSeconds")
                                .and_then(Value::as_i64)
                                .unwrap_or(3600)
                        ),
                    );
                }
            }
        } else {
            w.line(LEVEL_2, "<unknown>");
        }
    }
}

/// `DescribePodTemplate`.
pub fn pod_template(w: &mut Writer, tpl: Option<&Value>) {
    w.line(LEVEL_0, "Pod Template:");
    let Some(t) = tpl else {
        w.write(LEVEL_1, "<unset>");
        return;
    };
    labels_multiline(w, "  Labels", meta::path(t, &["metadata", "labels"]));
    if meta::path(t, &["metadata", "annotations"])
        .and_then(Value::as_object)
        .is_some_and(|m| !m.is_empty())
    {
        annotations_multiline(
            w,
            "  Annotations",
            meta::path(t, &["metadata", "annotations"]),
        );
    }
    if let Some(sa) = meta::str_at(t, &["spec", "serviceAccountName"]).filter(|s| !s.is_empty()) {
        w.line(LEVEL_1, &format!("Service Account:\t{sa}"));
    }
    if meta::path(t, &["spec", "initContainers"])
        .and_then(Value::as_array)
        .is_some_and(|a| !a.is_empty())
    {
        containers(
            w,
            "Init Containers",
            meta::path(t, &["spec", "initContainers"]),
            None,
            "  ",
            None,
        );
    }
    containers(
        w,
        "Containers",
        meta::path(t, &["spec", "containers"]),
        None,
        "  ",
        None,
    );
    volumes(w, meta::path(t, &["spec", "volumes"]), "  ");
    if let Some(pc) = meta::str_at(t, &["spec", "priorityClassName"]).filter(|s| !s.is_empty()) {
        w.line(LEVEL_1, &format!("Priority Class Name:\t{pc}"));
    }
    labels_multiline(
        w,
        "  Node-Selectors",
        meta::path(t, &["spec", "nodeSelector"]),
    );
    tolerations_multiline(w, "  Tolerations", meta::path(t, &["spec", "tolerations"]));
}

/// `DescribeEvents` (flushes alignment first, as upstream does).
pub fn events(w: &mut Writer, evs: &[Value], now: i64) {
    if evs.is_empty() {
        w.line(LEVEL_0, "Events:\t<none>");
        return;
    }
    w.flush();
    let mut evs: Vec<&Value> = evs.iter().collect();
    evs.sort_by_key(|e| {
        meta::str_at(e, &["lastTimestamp"])
            .and_then(parse_rfc3339)
            .unwrap_or(0)
    });
    w.line(LEVEL_0, "Events:\n  Type\tReason\tAge\tFrom\tMessage");
    w.line(LEVEL_1, "----\t------\t----\t----\t-------");
    for e in evs {
        let first = age(meta::str_at(e, &["firstTimestamp"]), now);
        let count = meta::int_at(e, &["count"]).unwrap_or(1);
        let interval = if count > 1 {
            format!(
                "{} (x{count} over {first})",
                age(meta::str_at(e, &["lastTimestamp"]), now)
            )
        } else {
            first
        };
        let source = meta::str_at(e, &["source", "component"])
            .filter(|s| !s.is_empty())
            .or_else(|| meta::str_at(e, &["reportingComponent"]))
            .unwrap_or("");
        w.line(
            LEVEL_1,
            &format!(
                "{}\t{}\t{interval}\t{source}\t{}",
                meta::str_at(e, &["type"]).unwrap_or(""),
                meta::str_at(e, &["reason"]).unwrap_or(""),
                meta::str_at(e, &["message"]).unwrap_or("").trim()
            ),
        );
    }
}

/// `getPodStatusForController`: the `Pods Status:` line of a controller's describer, counting
/// the pods it controls (and, for a ReplicaSet, that its selector selects) by phase.
pub fn pods_status(
    w: &mut Writer,
    world: &crate::world::World,
    owner: &Value,
    selector: Option<&crate::world::api::selector::Selector>,
) {
    let (mut running, mut waiting, mut succeeded, mut failed) = (0, 0, 0, 0);
    for p in world
        .object_list(kinds::POD, meta::namespace(owner))
        .filter(|p| selector.is_none_or(|s| s.matches_object(p)))
        .filter(|p| meta::controller_uid(p) == Some(meta::uid(owner)))
    {
        match meta::str_at(p, &["status", "phase"]) {
            Some("Running") => running += 1,
            Some("Succeeded") => succeeded += 1,
            Some("Failed") => failed += 1,
            _ => waiting += 1,
        }
    }
    w.line(
        LEVEL_0,
        &format!(
            "Pods Status:\t{running} Running / {waiting} Waiting / {succeeded} Succeeded / {failed} Failed"
        ),
    );
}
