//! Helm for lab scripts: the world's web hosts (chart repositories a lab serves, and publishing a
//! student's packaged charts, the seed's "upload to GitHub" step) and the releases stored in the
//! cluster (`cluster.helm_releases(namespace)`, read from the release Secrets as `helm list`
//! reads them).

use base64::Engine as _;
use rhai::{Array, Dynamic, Engine, EvalAltResult, Map};

use super::cluster::Cluster;
use super::meter::{CALL_COST, COMMAND_COST};

type Res<T> = Result<T, Box<EvalAltResult>>;

/// At most this many files published by one call (kubelab's limit).
const MAX_PUBLISH: usize = 64;

fn web_host_file(c: &mut Cluster, url: &str, text: &str) -> Res<()> {
    c.0.charge("cluster.web_host_file", CALL_COST)?;
    c.0.world_mut()
        .web_hosts
        .put(url, text.as_bytes().to_vec())
        .map_err(|e| format!("cluster.web_host_file: {e}").into())
}

fn web_host_read(c: &mut Cluster, url: &str) -> Res<Dynamic> {
    c.0.charge("cluster.web_host_read", CALL_COST)?;
    let w = c.0.world.borrow();
    if let Some(b) = w.web_hosts.get(url) {
        return Ok(String::from_utf8_lossy(b).into_owned().into());
    }
    Ok(crate::helm::sites::get(url)
        .map(|b| Dynamic::from(String::from_utf8_lossy(&b).into_owned()))
        .unwrap_or(Dynamic::UNIT))
}

fn run(c: &Cluster, what: &str, line: &str) -> Res<String> {
    c.0.charge(what, COMMAND_COST)?;
    let out = (c.0.run)(line, b"").map_err(|e| format!("{what}: {e}"))?;
    if out.status != 0 {
        return Err(format!("{what}: `{line}` failed: {}", out.stderr.trim_end()).into());
    }
    Ok(out.stdout)
}

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// Copies the regular files of a workstation directory to `prefix/NAME`.
fn web_host_publish(c: &mut Cluster, prefix: &str, dir: &str) -> Res<Array> {
    let what = "cluster.web_host_publish";
    let names = run(c, what, &format!("ls -1A {}", quote(dir)))?;
    let prefix = prefix.trim_end_matches('/');
    let mut published = Array::new();
    for name in names.lines().filter(|n| !n.is_empty()) {
        let path = format!("{}/{name}", dir.trim_end_matches('/'));
        let is_file = (c.0.run)(&format!("test -f {}", quote(&path)), b"")
            .map(|o| o.status == 0)
            .unwrap_or(false);
        if !is_file {
            continue;
        }
        if published.len() >= MAX_PUBLISH {
            return Err(format!("{what}: more than {MAX_PUBLISH} files (kubelab's limit)").into());
        }
        let b64 = run(c, what, &format!("base64 -w0 {}", quote(&path)))?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(b64.trim())
            .map_err(|e| format!("{what}: {path}: {e}"))?;
        let url = format!("{prefix}/{name}");
        c.0.world_mut()
            .web_hosts
            .put(&url, bytes)
            .map_err(|e| format!("{what}: {e}"))?;
        published.push(url.into());
    }
    Ok(published)
}

fn helm_releases(c: &mut Cluster, ns: &str) -> Res<Array> {
    c.0.charge("cluster.helm_releases", CALL_COST)?;
    let mut w = c.0.world.borrow_mut();
    let all = crate::helm::storage::list(&mut w, if ns.is_empty() { None } else { Some(ns) });
    c.0.charge_items(all.len());
    Ok(all
        .iter()
        .map(|r| {
            let mut m = Map::new();
            m.insert("name".into(), r.name.clone().into());
            m.insert("namespace".into(), r.namespace.clone().into());
            m.insert("revision".into(), Dynamic::from_int(r.version as i64));
            m.insert("status".into(), r.info.status.clone().into());
            m.insert("description".into(), r.info.description.clone().into());
            m.insert("chart".into(), r.chart.name().to_string().into());
            m.insert("chart_version".into(), r.chart.version().to_string().into());
            m.insert(
                "app_version".into(),
                r.chart.app_version().to_string().into(),
            );
            m.insert("values".into(), super::convert::to_dynamic(&r.config));
            m.insert("manifest".into(), r.manifest.clone().into());
            let hooks: Array = r
                .hooks
                .iter()
                .map(|h| {
                    let mut hm = Map::new();
                    hm.insert("name".into(), h.name.clone().into());
                    hm.insert("kind".into(), h.kind.clone().into());
                    hm.insert(
                        "events".into(),
                        Dynamic::from_array(h.events.iter().map(|e| e.clone().into()).collect()),
                    );
                    hm.insert("phase".into(), h.last_run_phase.clone().into());
                    Dynamic::from_map(hm)
                })
                .collect();
            m.insert("hooks".into(), Dynamic::from_array(hooks));
            Dynamic::from_map(m)
        })
        .collect())
}

/// Registers the helm methods of `cluster`.
pub fn register(engine: &mut Engine) {
    engine
        .register_fn("web_host_file", web_host_file)
        .register_fn("web_host_read", web_host_read)
        .register_fn("web_host_publish", web_host_publish)
        .register_fn("helm_releases", helm_releases);
}
