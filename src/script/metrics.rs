//! Resource metrics for lab scripts: what containers use (`cluster.set_usage`), a load shared
//! by the ready pods a selector picks (`cluster.set_load`), and a world without metrics-server
//! (`cluster.set_metrics_server(false)`). The metrics API serves them from the next scrape
//! (`world/metrics/`).

use rhai::{Engine, EvalAltResult};

use super::cluster::Cluster;
use super::meter::CALL_COST;
use crate::world::api::quantity::Quantity;
use crate::world::api::selector::Selector;

type Res<T> = Result<T, Box<EvalAltResult>>;

/// At most this many usages and loads set (kubelab's limit).
const MAX_ENTRIES: usize = 10_000;

fn cpu_milli(what: &str, s: &str) -> Res<i64> {
    let q = Quantity::parse(s).map_err(|e| format!("{what}: invalid CPU quantity \"{s}\": {e}"))?;
    i64::try_from(q.milli_value())
        .ok()
        .filter(|v| *v >= 0)
        .ok_or_else(|| format!("{what}: CPU quantity \"{s}\" out of range").into())
}

fn memory_bytes(what: &str, s: &str) -> Res<i64> {
    let q =
        Quantity::parse(s).map_err(|e| format!("{what}: invalid memory quantity \"{s}\": {e}"))?;
    i64::try_from(q.value())
        .ok()
        .filter(|v| *v >= 0)
        .ok_or_else(|| format!("{what}: memory quantity \"{s}\" out of range").into())
}

/// `cluster.set_usage(namespace, pod, container, cpu, memory)`: a container's use from now on
/// (`"250m"`, `"64Mi"`), instead of its program's idle figures and its share of loads.
fn set_usage(
    c: &mut Cluster,
    ns: &str,
    pod: &str,
    container: &str,
    cpu: &str,
    mem: &str,
) -> Res<()> {
    const WHAT: &str = "cluster.set_usage";
    c.0.charge(WHAT, CALL_COST)?;
    let (cpu, mem) = (cpu_milli(WHAT, cpu)?, memory_bytes(WHAT, mem)?);
    let mut w = c.0.world_mut();
    if w.metrics.usage.len() >= MAX_ENTRIES {
        return Err(format!("{WHAT}: kubelab keeps at most {MAX_ENTRIES} usages").into());
    }
    w.metrics
        .usage
        .insert((ns.into(), pod.into(), container.into()), (cpu, mem));
    Ok(())
}

/// `cluster.set_load(namespace, selector, cpu)`: CPU demand shared evenly by the Running and
/// Ready pods the label selector picks (their first container), as traffic through a Service
/// is, from now on; `"0"` ends it.
fn set_load(c: &mut Cluster, ns: &str, selector: &str, cpu: &str) -> Res<()> {
    set_load_after(c, ns, selector, cpu, "0s")
}

/// `cluster.set_load(namespace, selector, cpu, after)`: the same, from `after` (`"2m"`) on:
/// a lab's setup can script a load that rises and falls while the student works.
fn set_load_after(c: &mut Cluster, ns: &str, selector: &str, cpu: &str, after: &str) -> Res<()> {
    const WHAT: &str = "cluster.set_load";
    c.0.charge(WHAT, CALL_COST)?;
    Selector::parse(selector).map_err(|e| format!("{WHAT}: {e}"))?;
    let cpu = cpu_milli(WHAT, cpu)?;
    let after = super::cluster::parse_duration(after).map_err(|e| format!("{WHAT}: {e}"))?;
    let mut w = c.0.world_mut();
    let from = w.now().saturating_add(after);
    let total: usize = w.metrics.loads.values().map(Vec::len).sum();
    if total >= MAX_ENTRIES {
        return Err(format!("{WHAT}: kubelab keeps at most {MAX_ENTRIES} loads").into());
    }
    let schedule = w
        .metrics
        .loads
        .entry((ns.to_string(), selector.to_string()))
        .or_default();
    // A later change replaces what was planned from the same instant on.
    schedule.retain(|(t, _)| *t < from);
    schedule.push((from, cpu));
    Ok(())
}

/// `cluster.set_metrics_server(installed)`: whether the world serves the metrics API.
fn set_metrics_server(c: &mut Cluster, installed: bool) -> Res<()> {
    c.0.charge("cluster.set_metrics_server", CALL_COST)?;
    c.0.world_mut().metrics.no_metrics_server = !installed;
    Ok(())
}

/// Registers the metrics methods of `cluster`.
pub fn register(engine: &mut Engine) {
    engine
        .register_fn("set_usage", set_usage)
        .register_fn("set_load", set_load)
        .register_fn("set_load", set_load_after)
        .register_fn("set_metrics_server", set_metrics_server);
}
