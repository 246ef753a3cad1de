//! `helm test RELEASE` (`cmd/helm/release_testing.go`, `pkg/action/release_testing.go`): runs
//! the release's `test` hooks in the cluster (virtual time, as the other hooks), stores the
//! hooks' last runs in the release's newest revision, prints the status block with its
//! `TEST SUITE` lines, and with `--logs` the test Pods' logs.

use super::inspect::status_text;
use super::lifecycle::{exec_hooks, timeout_ms, validate_name};
use super::release::Hook;
use super::{Helm, HelmError, Res, storage};
use crate::world::api::kinds;

/// The `--filter` values split as Helm splits them: `name=X` includes, `!name=X` (or
/// `! name=X`) excludes; anything else is ignored, as Helm ignores it.
fn filters(values: &[String]) -> (Vec<String>, Vec<String>) {
    let (mut include, mut exclude) = (Vec::new(), Vec::new());
    for f in values {
        if let Some(n) = f.strip_prefix("name=") {
            include.push(n.to_string());
        } else if let Some(rest) = f.strip_prefix('!') {
            let rest = rest
                .strip_prefix(['\t', '\n', '\x0c', '\r', ' '])
                .unwrap_or(rest);
            if let Some(n) = rest.strip_prefix("name=") {
                exclude.push(n.to_string());
            }
        }
    }
    (include, exclude)
}

/// Splits the hooks into (skipped, executing) as `ReleaseTesting.Run` does.
fn select(hooks: Vec<Hook>, include: &[String], exclude: &[String]) -> (Vec<Hook>, Vec<Hook>) {
    let mut skipped = Vec::new();
    let mut executing = hooks;
    if !exclude.is_empty() {
        let (out, keep): (Vec<Hook>, Vec<Hook>) = executing
            .into_iter()
            .partition(|h| exclude.contains(&h.name));
        skipped.extend(out);
        executing = keep;
    }
    if !include.is_empty() {
        let (keep, out): (Vec<Hook>, Vec<Hook>) = executing
            .into_iter()
            .partition(|h| include.contains(&h.name));
        skipped.extend(out);
        executing = keep;
    }
    (skipped, executing)
}

/// `helm test RELEASE`.
pub fn test(h: &mut Helm<'_, '_>) -> Res {
    let name = h.p.args[0].clone();
    if validate_name(&name).is_err() {
        return Err(HelmError(format!(
            "releaseTest: Release name is invalid: {name}"
        )));
    }
    let ns = h.namespace();
    let Some(mut rel) = storage::history(h.ctx.world, &ns, &name).pop() else {
        return Err("release: not found".into());
    };
    let (include, exclude) = filters(&h.p.all("filter"));
    let (skipped, executing) = select(std::mem::take(&mut rel.hooks), &include, &exclude);
    rel.hooks = executing;
    let timeout = timeout_ms(&h.p);
    let run = exec_hooks(h.ctx.world, &mut rel, "test", timeout);
    let mut hooks = skipped;
    hooks.append(&mut rel.hooks);
    rel.hooks = hooks;
    let stored = storage::update(h.ctx.world, &rel);
    let run_err = match (run, stored) {
        (Err(e), _) | (Ok(()), Err(e)) => Some(e),
        _ => None,
    };
    let hide_notes = h.p.bool("hide-notes");
    let text = status_text(&rel, h.paths.debug, false, false, hide_notes);
    h.out(&text);
    if h.p.bool("logs") {
        h.out("\n");
        pod_logs(h, &rel.hooks, &ns, &include, &exclude)?;
    }
    match run_err {
        Some(e) => Err(HelmError(e)),
        None => Ok(()),
    }
}

/// `GetPodLogs`: every test hook's Pod log (the Pod named as the hook), by weight.
fn pod_logs(
    h: &mut Helm<'_, '_>,
    hooks: &[Hook],
    ns: &str,
    include: &[String],
    exclude: &[String],
) -> Res {
    let mut by_weight: Vec<&Hook> = hooks.iter().collect();
    by_weight.sort_by(|a, b| a.weight.cmp(&b.weight).then_with(|| a.name.cmp(&b.name)));
    for hk in by_weight {
        for e in &hk.events {
            if e != "test"
                || exclude.contains(&hk.name)
                || (!include.is_empty() && !include.contains(&hk.name))
            {
                continue;
            }
            let text = log_of(h, ns, &hk.name)
                .map_err(|m| HelmError(format!("unable to get pod logs for {}: {m}", hk.name)))?;
            h.out(&format!("POD LOGS: {}\n{text}\n", hk.name));
        }
    }
    Ok(())
}

/// A Pod's log as `GET pods/NAME/log` serves it without options (the only container's).
fn log_of(h: &mut Helm<'_, '_>, ns: &str, pod: &str) -> Result<String, String> {
    let pk = kinds::by_kind(kinds::POD).ok_or("pods is not served")?;
    let obj = h
        .ctx
        .world
        .store
        .get(pk, ns, pod)
        .cloned()
        .ok_or_else(|| format!("pods \"{pod}\" not found"))?;
    let names: Vec<String> = obj
        .pointer("/spec/containers")
        .and_then(serde_json::Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|c| c["name"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    if names.len() != 1 {
        return Err(format!(
            "a container name must be specified for pod {pod}, choose one of: [{}]",
            names.join(" ")
        ));
    }
    let uid = crate::world::api::meta::uid(&obj).to_string();
    let rt = h
        .ctx
        .world
        .pods
        .get(&uid)
        .and_then(|p| p.containers.iter().find(|c| c.name == names[0]))
        .cloned();
    match rt {
        Some(c) if !c.container_id.is_empty() => Ok(c
            .logs
            .stamped()
            .iter()
            .map(|(_, l)| format!("{l}\n"))
            .collect()),
        _ => Err(format!(
            "container \"{}\" in pod \"{pod}\" is waiting to start: ContainerCreating",
            names[0]
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hook(n: &str) -> Hook {
        Hook {
            name: n.into(),
            events: vec!["test".into()],
            ..Hook::default()
        }
    }

    #[test]
    fn filters_as_helm_reads_them() {
        let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            filters(&v(&["name=a", "!name=b", "! name=c", "nope=d"])),
            (v(&["a"]), v(&["b", "c"]))
        );
    }

    #[test]
    fn skipped_hooks_first_as_helm_stores_them() {
        let hs = vec![hook("a"), hook("b"), hook("c")];
        let (s, e) = select(hs.clone(), &[], &["b".into()]);
        assert_eq!(s.iter().map(|h| &h.name).collect::<Vec<_>>(), ["b"]);
        assert_eq!(e.iter().map(|h| &h.name).collect::<Vec<_>>(), ["a", "c"]);
        let (s, e) = select(hs, &["c".into()], &["b".into()]);
        assert_eq!(s.iter().map(|h| &h.name).collect::<Vec<_>>(), ["b", "a"]);
        assert_eq!(e.iter().map(|h| &h.name).collect::<Vec<_>>(), ["c"]);
    }
}
