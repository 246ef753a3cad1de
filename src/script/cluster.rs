//! The `cluster` host type: the simulated cluster as lab scripts see it. Objects come back as
//! Rhai maps with the real API field names.

use rhai::{Array, Dynamic, Engine, EvalAltResult, Map};
use serde_json::Value;

use super::convert::{from_dynamic, to_dynamic};
use super::host::Host;
use super::matching;
use super::meter::{ADVANCE_COST, CALL_COST, COMMAND_COST};
use super::node::NodeHandle;
use crate::world::api::kinds::{self, KindInfo};
use crate::world::api::meta;
use crate::world::api::selector::Selector;
use crate::world::clock::rfc3339;

type Res<T> = Result<T, Box<EvalAltResult>>;

/// `cluster` in scripts.
#[derive(Clone)]
pub struct Cluster(pub Host);

fn kind_of(world: &crate::world::World, f: &str, kind: &str) -> Res<&'static KindInfo> {
    world.resolve_kind(kind).ok_or_else(|| format!("cluster.{f}: unknown kind \"{kind}\" (try \"deployment\", \"pod\", \"replicaset\", ...)").into())
}

/// Seconds as milliseconds (a number of seconds given to `cluster.advance`).
fn seconds_to_ms(seconds: f64) -> Res<i64> {
    if (0.0..1e9).contains(&seconds) {
        Ok((seconds * 1000.0) as i64)
    } else {
        Err(format!(
            "cluster.advance: invalid duration {seconds}: a number of seconds from 0 to 30 days"
        )
        .into())
    }
}

/// Parses `"30s"`, `"2m"`, `"1h30m"`, `"500ms"` or a number of seconds into milliseconds.
pub fn parse_duration(s: &str) -> Result<i64, String> {
    let s = s.trim();
    if let Ok(n) = s.parse::<f64>() {
        return if (0.0..1e9).contains(&n) {
            Ok((n * 1000.0) as i64)
        } else {
            Err(format!("invalid duration \"{s}\""))
        };
    }
    let mut total = 0f64;
    let mut num = String::new();
    let mut chars = s.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() || c == '.' {
            num.push(c);
            continue;
        }
        let unit = if c == 'm' && chars.peek() == Some(&'s') {
            chars.next();
            0.001
        } else {
            match c {
                'h' => 3600.0,
                'm' => 60.0,
                's' => 1.0,
                'd' => 86400.0,
                _ => {
                    return Err(format!(
                        "invalid duration \"{s}\": use forms like \"30s\", \"5m\", \"1h\""
                    ));
                }
            }
        };
        let n: f64 = num
            .parse()
            .map_err(|_| format!("invalid duration \"{s}\""))?;
        total += n * unit;
        num.clear();
        any = true;
    }
    if !num.is_empty() || !any || total > 1e9 {
        return Err(format!(
            "invalid duration \"{s}\": use forms like \"30s\", \"5m\", \"1h\""
        ));
    }
    Ok((total * 1000.0) as i64)
}

impl Cluster {
    fn ns(&self) -> String {
        (self.0.namespace)()
    }

    fn lookup(&self, f: &str, kind: &str, name: &str, ns: &str) -> Res<std::rc::Rc<Value>> {
        self.0.charge(&format!("cluster.{f}"), CALL_COST)?;
        let k = kind_of(&self.0.world.borrow(), f, kind)?;
        let ns = if k.namespaced { ns } else { "" };
        let w = self.0.world.borrow();
        w.store.get_shared(k, ns, name).ok_or_else(|| {
            if k.namespaced {
                format!(
                    "cluster.{f}: no {} \"{name}\" in namespace \"{ns}\"",
                    k.singular
                )
                .into()
            } else {
                format!("cluster.{f}: no {} \"{name}\"", k.singular).into()
            }
        })
    }

    /// `cluster.get(kind, name)`: one object of the current namespace.
    pub fn get(&mut self, kind: &str, name: &str) -> Res<Dynamic> {
        let ns = self.ns();
        self.lookup("get", kind, name, &ns).map(|v| to_dynamic(&v))
    }

    /// `cluster.get(kind, name, namespace)`.
    pub fn get_in(&mut self, kind: &str, name: &str, ns: &str) -> Res<Dynamic> {
        self.lookup("get", kind, name, ns).map(|v| to_dynamic(&v))
    }

    /// `cluster.exists(kind, name)`.
    pub fn exists(&mut self, kind: &str, name: &str) -> Res<bool> {
        let ns = self.ns();
        self.exists_in(kind, name, &ns)
    }

    /// `cluster.exists(kind, name, namespace)`.
    pub fn exists_in(&mut self, kind: &str, name: &str, ns: &str) -> Res<bool> {
        self.0.charge("cluster.exists", CALL_COST)?;
        let k = kind_of(&self.0.world.borrow(), "exists", kind)?;
        let ns = if k.namespaced { ns } else { "" };
        Ok(self.0.world.borrow().store.contains(k, ns, name))
    }

    /// `cluster.list(kind)`: every object of a kind in the current namespace (all for
    /// cluster-scoped kinds).
    pub fn list(&mut self, kind: &str) -> Res<Array> {
        let ns = self.ns();
        self.list_in(kind, &ns)
    }

    /// `cluster.list(kind, namespace)`; `"*"` lists every namespace.
    pub fn list_in(&mut self, kind: &str, ns: &str) -> Res<Array> {
        self.0.charge("cluster.list", CALL_COST)?;
        let k = kind_of(&self.0.world.borrow(), "list", kind)?;
        let w = self.0.world.borrow();
        let ns = if !k.namespaced || ns == "*" {
            None
        } else {
            Some(ns)
        };
        let all: Array = w.store.list(k, ns).map(to_dynamic).collect();
        self.0.charge_items(all.len());
        Ok(all)
    }

    /// `cluster.pods(selector)`: pods of the current namespace matching a label selector.
    pub fn pods(&mut self, selector: &str) -> Res<Array> {
        self.0.charge("cluster.pods", CALL_COST)?;
        let sel = Selector::parse(selector).map_err(|e| format!("cluster.pods: {e}"))?;
        let ns = self.ns();
        let w = self.0.world.borrow();
        let k = kinds::by_kind(kinds::POD).ok_or("no Pod kind")?;
        let pods: Array = w
            .store
            .list(k, Some(&ns))
            .filter(|p| sel.matches_object(p))
            .map(to_dynamic)
            .collect();
        self.0.charge_items(pods.len());
        Ok(pods)
    }

    fn run(&mut self, f: &str, line: &str, stdin: &str) -> Res<Map> {
        self.0.charge(&format!("cluster.{f}"), COMMAND_COST)?;
        let rounds = self.0.rounds();
        let out = (self.0.run)(line, stdin.as_bytes()).map_err(|e| format!("cluster.{f}: {e}"))?;
        self.0.charge_rounds_since(rounds);
        let mut m = Map::new();
        m.insert("stdout".into(), out.stdout.clone().into());
        m.insert("stderr".into(), out.stderr.into());
        m.insert("status".into(), Dynamic::from_int(out.status as i64));
        m.insert("output".into(), out.stdout.into());
        Ok(m)
    }

    /// `cluster.kubectl(line)`: runs `kubectl <line>`; returns its standard output.
    pub fn kubectl(&mut self, args: &str) -> Res<String> {
        let m = self.run("kubectl", &format!("kubectl {args}"), "")?;
        Ok(m.get("stdout").map(|d| d.to_string()).unwrap_or_default())
    }

    /// `cluster.oc(line)`: runs `oc <line>`; returns its standard output.
    pub fn oc(&mut self, args: &str) -> Res<String> {
        let m = self.run("oc", &format!("oc {args}"), "")?;
        Ok(m.get("stdout").map(|d| d.to_string()).unwrap_or_default())
    }

    /// `cluster.shell(line)`: runs a workstation line; returns `#{stdout, stderr, status}`.
    pub fn shell(&mut self, line: &str) -> Res<Map> {
        self.run("shell", line, "")
    }

    /// `cluster.read_file(pod, path)`: a file in the pod's default container (kubectl's: the
    /// `kubectl.kubernetes.io/default-container` annotation, else the first), as its programs
    /// read it; `()` when there is no such file.
    pub fn read_file(&mut self, pod: &str, path: &str) -> Res<Dynamic> {
        let p = self.lookup("read_file", "pod", pod, &self.ns())?;
        let container = meta::str_at(
            &p,
            &[
                "metadata",
                "annotations",
                "kubectl.kubernetes.io/default-container",
            ],
        )
        .or_else(|| meta::str_at(&p, &["spec", "containers", "0", "name"]))
        .unwrap_or("")
        .to_string();
        self.read_file_in(pod, &container, path)
    }

    /// `cluster.read_file(pod, container, path)`: a file in that container of the pod.
    pub fn read_file_in(&mut self, pod: &str, container: &str, path: &str) -> Res<Dynamic> {
        let p = self.lookup("read_file", "pod", pod, &self.ns())?;
        let w = self.0.world.borrow();
        match w.container_file(&p, container, path) {
            Ok(Some(bytes)) => Ok(String::from_utf8_lossy(&bytes).into_owned().into()),
            Ok(None) => Ok(Dynamic::UNIT),
            Err(e) => Err(format!("cluster.read_file: {e}").into()),
        }
    }

    /// `cluster.pv_file(pv, path)`: a file in what a PersistentVolume keeps (from the volume's
    /// root), whether a pod mounts it or not; `()` when there is no such file.
    pub fn pv_file(&mut self, pv: &str, path: &str) -> Res<Dynamic> {
        self.0.charge("cluster.pv_file", CALL_COST)?;
        let w = self.0.world.borrow();
        match w.pv_file(pv, path) {
            Ok(Some(bytes)) => Ok(String::from_utf8_lossy(&bytes).into_owned().into()),
            Ok(None) => Ok(Dynamic::UNIT),
            Err(e) => Err(format!("cluster.pv_file: {e}").into()),
        }
    }

    /// `cluster.apply(yaml)`: `kubectl apply -f -` with the YAML; fails with kubectl's error.
    pub fn apply(&mut self, yaml: &str) -> Res<String> {
        let m = self.run("apply", "kubectl apply -f -", yaml)?;
        let status = m.get("status").and_then(|d| d.as_int().ok()).unwrap_or(1);
        if status != 0 {
            return Err(format!(
                "cluster.apply: {}",
                m.get("stderr")
                    .map(|d| d.to_string())
                    .unwrap_or_default()
                    .trim_end()
            )
            .into());
        }
        Ok(m.get("stdout").map(|d| d.to_string()).unwrap_or_default())
    }

    /// `cluster.advance("30s")`: lets virtual time pass (controllers, kubelets and timers run).
    pub fn advance(&mut self, d: &str) -> Res<()> {
        let ms = parse_duration(d).map_err(|e| format!("cluster.advance: {e}"))?;
        self.advance_ms(ms)
    }

    /// `cluster.advance(30)`: a number of seconds.
    pub fn advance_seconds(&mut self, seconds: rhai::INT) -> Res<()> {
        self.advance_ms(seconds_to_ms(seconds as f64)?)
    }

    /// `cluster.advance(0.5)`: a number of seconds.
    pub fn advance_seconds_float(&mut self, seconds: rhai::FLOAT) -> Res<()> {
        self.advance_ms(seconds_to_ms(seconds)?)
    }

    fn advance_ms(&mut self, ms: i64) -> Res<()> {
        if ms > 30 * 86_400_000 {
            return Err("cluster.advance: at most 30 days at once".into());
        }
        self.0.charge("cluster.advance", ADVANCE_COST)?;
        let rounds = self.0.rounds();
        self.0.world_mut().advance(ms);
        self.0.charge_rounds_since(rounds);
        Ok(())
    }

    /// `cluster.add_nfs_server(server, export)`: an NFS server at `server` (an address) exporting
    /// the directory `export`; pods mounting it (or a directory below it) mount, others fail.
    pub fn add_nfs_server(&mut self, server: &str, export: &str) -> Res<()> {
        self.0.charge("cluster.add_nfs_server", CALL_COST)?;
        let mut w = self.0.world_mut();
        w.nfs_servers
            .entry(server.to_string())
            .or_default()
            .insert(export.to_string());
        let now = w.now();
        w.resync_at(now + 1);
        Ok(())
    }

    /// `cluster.add_user(name)`: a user of the cluster (no groups but
    /// `system:authenticated`), with credentials and a context `NAME@kubernetes` in the
    /// student's kubeconfig. No role is bound to it.
    pub fn add_user(&mut self, name: &str) -> Res<()> {
        self.add_user_with(name, rhai::Map::new())
    }

    /// `cluster.add_user(name, #{groups: [...], password: "..."})`: the same, in groups, with
    /// the password `oc login -u NAME -p PASSWORD` takes.
    pub fn add_user_with(&mut self, name: &str, opts: rhai::Map) -> Res<()> {
        self.0.charge("cluster.add_user", CALL_COST)?;
        if name.is_empty()
            || name.len() > 253
            || name.chars().any(|c| c.is_whitespace() || c == '/')
            || name.starts_with("system:")
        {
            return Err(format!("cluster.add_user: invalid user name \"{name}\"").into());
        }
        let mut groups = Vec::new();
        let mut password = String::new();
        for (k, v) in opts {
            match k.as_str() {
                "groups" => {
                    let arr = v.try_cast::<rhai::Array>().ok_or_else(|| {
                        "cluster.add_user: groups must be an array of strings".to_string()
                    })?;
                    for g in arr {
                        let g = g.into_string().map_err(|_| {
                            "cluster.add_user: groups must be an array of strings".to_string()
                        })?;
                        groups.push(g);
                    }
                }
                "password" => {
                    password = v
                        .into_string()
                        .map_err(|_| "cluster.add_user: password must be a string".to_string())?;
                }
                other => {
                    return Err(format!(
                        "cluster.add_user: unknown option \"{other}\" (groups, password)"
                    )
                    .into());
                }
            }
        }
        self.0.world_mut().auth.add_user(name, groups, &password);
        Ok(())
    }

    /// `cluster.add_nfs_server(server, export, name)`: the same, with the server's host name
    /// (its prompt, and `ssh NAME` reaches it).
    pub fn add_nfs_server_named(&mut self, server: &str, export: &str, name: &str) -> Res<()> {
        if name.is_empty()
            || name.len() > 63
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
        {
            return Err(format!("cluster.add_nfs_server: invalid host name \"{name}\"").into());
        }
        self.add_nfs_server(server, export)?;
        let mut w = self.0.world_mut();
        let h = w.nfs_hosts.entry(server.to_string()).or_default();
        h.name = name.to_string();
        h.named = true;
        Ok(())
    }

    /// `cluster.nfs_read(server, path)`: the text of a file on an NFS server (inside an export
    /// or not), `()` when there is none.
    pub fn nfs_read(&mut self, server: &str, path: &str) -> Res<Dynamic> {
        self.0.charge("cluster.nfs_read", CALL_COST)?;
        let mut w = self.0.world_mut();
        if !w.nfs_servers.contains_key(server) {
            return Err(format!("cluster.nfs_read: no NFS server \"{server}\"").into());
        }
        Ok(match w.nfs_read(server, path) {
            Some(b) => Dynamic::from(String::from_utf8_lossy(&b).into_owned()),
            None => Dynamic::UNIT,
        })
    }

    /// `cluster.nfs_write(server, path, text)`: writes a file on an NFS server (its
    /// directories made as `mkdir -p` does); every pod mounting the export sees it.
    pub fn nfs_write(&mut self, server: &str, path: &str, text: &str) -> Res<()> {
        self.0.charge("cluster.nfs_write", CALL_COST)?;
        let mut w = self.0.world_mut();
        if !w.nfs_servers.contains_key(server) {
            return Err(format!("cluster.nfs_write: no NFS server \"{server}\"").into());
        }
        if !path.starts_with('/') {
            return Err(format!("cluster.nfs_write: \"{path}\" is not an absolute path").into());
        }
        if text.len() > 256 * 1024 {
            return Err("cluster.nfs_write: more than 256 KiB (kubelab's limit)".into());
        }
        w.nfs_write(server, path, text.as_bytes())
            .map_err(|e| format!("cluster.nfs_write: {e}").into())
    }

    /// `cluster.now()`: the virtual time, RFC 3339.
    pub fn now(&mut self) -> Res<String> {
        self.0.charge("cluster.now", CALL_COST)?;
        Ok(rfc3339(self.0.world.borrow().now()))
    }

    /// `cluster.events()`: every event, oldest first.
    pub fn events(&mut self) -> Res<Array> {
        self.0.charge("cluster.events", CALL_COST)?;
        let w = self.0.world.borrow();
        let Some(k) = kinds::by_kind(kinds::EVENT) else {
            return Ok(Array::new());
        };
        let mut evs: Vec<&Value> = w.store.list(k, None).collect();
        evs.sort_by(|a, b| {
            (meta::str_at(a, &["firstTimestamp"]), meta::name(a))
                .cmp(&(meta::str_at(b, &["firstTimestamp"]), meta::name(b)))
        });
        self.0.charge_items(evs.len());
        Ok(evs.into_iter().map(to_dynamic).collect())
    }

    /// `cluster.audit()`: every API request made by users, oldest first.
    pub fn audit(&mut self) -> Res<Array> {
        self.0.charge("cluster.audit", CALL_COST)?;
        let entries: Array = self
            .0
            .world
            .borrow()
            .audit()
            .map(|e| to_dynamic(&e.to_value()))
            .collect();
        self.0.charge_items(entries.len());
        Ok(entries)
    }

    /// `cluster.rollout_history(kind, name)`: the revisions of a Deployment, oldest first, as
    /// `#{revision, image, images, change_cause, replicaset}`.
    pub fn rollout_history(&mut self, kind: &str, name: &str) -> Res<Array> {
        let k = kind_of(&self.0.world.borrow(), "rollout_history", kind)?;
        if k.kind != kinds::DEPLOYMENT {
            return Err(format!(
                "cluster.rollout_history: only deployments have a revision history here, not {}",
                k.plural
            )
            .into());
        }
        let ns = self.ns();
        let d = self.lookup("rollout_history", kind, name, &ns)?;
        let uid = meta::uid(&d).to_string();
        let w = self.0.world.borrow();
        let mut revs: Vec<(i64, Map)> = w
            .object_list(kinds::REPLICA_SET, &ns)
            .filter(|rs| meta::controller_of(rs).is_some_and(|(_, _, u)| u == uid))
            .filter_map(|rs| {
                let rev: i64 = meta::annotation(rs, "deployment.kubernetes.io/revision")?
                    .parse()
                    .ok()?;
                let images: Array = meta::path(rs, &["spec", "template", "spec", "containers"])
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(|c| c.get("image").and_then(Value::as_str))
                            .map(|s| Dynamic::from(s.to_string()))
                            .collect()
                    })
                    .unwrap_or_default();
                let mut m = Map::new();
                m.insert("revision".into(), Dynamic::from_int(rev));
                m.insert(
                    "image".into(),
                    images.first().cloned().unwrap_or(Dynamic::UNIT),
                );
                m.insert("images".into(), Dynamic::from_array(images));
                m.insert(
                    "change_cause".into(),
                    meta::annotation(rs, "kubernetes.io/change-cause")
                        .map(|s| Dynamic::from(s.to_string()))
                        .unwrap_or(Dynamic::UNIT),
                );
                m.insert(
                    "replicaset".into(),
                    Dynamic::from(meta::name(rs).to_string()),
                );
                Some((rev, m))
            })
            .collect();
        revs.sort_by_key(|(r, _)| *r);
        self.0.charge_items(revs.len());
        Ok(revs
            .into_iter()
            .map(|(_, m)| Dynamic::from_map(m))
            .collect())
    }

    /// `cluster.node(name)`.
    pub fn node(&mut self, name: &str) -> Res<NodeHandle> {
        self.0.charge("cluster.node", CALL_COST)?;
        if !self.0.world.borrow().nodes.contains_key(name) {
            let names: Vec<String> = self.0.world.borrow().nodes.keys().cloned().collect();
            return Err(format!(
                "cluster.node: no node \"{name}\" (nodes: {})",
                names.join(", ")
            )
            .into());
        }
        Ok(NodeHandle {
            host: self.0.clone(),
            name: name.to_string(),
        })
    }

    /// `cluster.nodes()`.
    pub fn nodes(&mut self) -> Res<Array> {
        self.0.charge("cluster.nodes", CALL_COST)?;
        let names: Vec<String> = self.0.world.borrow().nodes.keys().cloned().collect();
        self.0.charge_items(names.len());
        Ok(names
            .into_iter()
            .map(|n| {
                Dynamic::from(NodeHandle {
                    host: self.0.clone(),
                    name: n,
                })
            })
            .collect())
    }

    /// `cluster.matches(kind, name, expected)`: partial match of an object against a Rhai map or
    /// a YAML/JSON string; `true` or a string explaining what differs.
    pub fn matches(&mut self, kind: &str, name: &str, expected: Dynamic) -> Res<Dynamic> {
        let ns = self.ns();
        let actual = self.lookup("matches", kind, name, &ns)?;
        let expected = expectation(expected)?;
        Ok(match matching::matches(&actual, &expected) {
            Ok(()) => Dynamic::TRUE,
            Err(why) => Dynamic::from(format!(
                "{} {name}: {why}",
                kind_of(&self.0.world.borrow(), "matches", kind)?.singular
            )),
        })
    }
}

/// An expectation from a Rhai map or a YAML/JSON string.
pub fn expectation(d: Dynamic) -> Res<Value> {
    if d.is_string() {
        let text = d.into_string().unwrap_or_default();
        return parse_yaml_value(&text)
            .map_err(|e| format!("the expectation is not valid YAML: {e}").into());
    }
    from_dynamic(&d)
}

/// Parses one YAML (or JSON) document into a value, as kubectl reads manifests.
pub fn parse_yaml_value(text: &str) -> Result<Value, String> {
    let docs = crate::kubectl::manifest::parse_manifests("expectation", text)
        .map_err(|e| e.to_string())?;
    Ok(docs.into_iter().next().unwrap_or(Value::Null))
}

/// `matches(actual, expected)` as a global function for maps already in hand.
pub fn matches_values(actual: Dynamic, expected: Dynamic) -> Res<Dynamic> {
    let a = from_dynamic(&actual)?;
    let e = expectation(expected)?;
    Ok(match matching::matches(&a, &e) {
        Ok(()) => Dynamic::TRUE,
        Err(why) => Dynamic::from(why),
    })
}

/// Registers `Cluster` and its methods.
pub fn register(engine: &mut Engine) {
    engine
        .register_type_with_name::<Cluster>("Cluster")
        .register_fn("get", Cluster::get)
        .register_fn("get", Cluster::get_in)
        .register_fn("exists", Cluster::exists)
        .register_fn("exists", Cluster::exists_in)
        .register_fn("list", Cluster::list)
        .register_fn("list", Cluster::list_in)
        .register_fn("pods", Cluster::pods)
        .register_fn("kubectl", Cluster::kubectl)
        .register_fn("oc", Cluster::oc)
        .register_fn("shell", Cluster::shell)
        .register_fn("apply", Cluster::apply)
        .register_fn("read_file", Cluster::read_file)
        .register_fn("read_file", Cluster::read_file_in)
        .register_fn("pv_file", Cluster::pv_file)
        .register_fn("advance", Cluster::advance)
        .register_fn("advance", Cluster::advance_seconds)
        .register_fn("advance", Cluster::advance_seconds_float)
        .register_fn("add_nfs_server", Cluster::add_nfs_server)
        .register_fn("add_user", Cluster::add_user)
        .register_fn("add_user", Cluster::add_user_with)
        .register_fn("add_nfs_server", Cluster::add_nfs_server_named)
        .register_fn("nfs_read", Cluster::nfs_read)
        .register_fn("nfs_write", Cluster::nfs_write)
        .register_fn("now", Cluster::now)
        .register_fn("load_balancer_pool", Cluster::load_balancer_pool)
        .register_fn("network_policy", Cluster::network_policy)
        .register_fn("install_ingress_nginx", Cluster::install_ingress_nginx)
        .register_fn("events", Cluster::events)
        .register_fn("audit", Cluster::audit)
        .register_fn("rollout_history", Cluster::rollout_history)
        .register_fn("node", Cluster::node)
        .register_fn("nodes", Cluster::nodes)
        .register_fn("matches", Cluster::matches)
        .register_fn("matches", matches_values);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30s"), Ok(30_000));
        assert_eq!(parse_duration("1h30m"), Ok(5_400_000));
        assert_eq!(parse_duration("500ms"), Ok(500));
        assert_eq!(parse_duration("2"), Ok(2_000));
        assert!(parse_duration("soon").is_err());
    }
}
