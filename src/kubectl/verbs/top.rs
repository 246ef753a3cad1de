//! `kubectl top pod|node` (`kubectl pkg/cmd/top/top_pod.go`, `top_node.go` and
//! `pkg/metricsutil/metrics_printer.go` of 1.32) over the world's resource metrics
//! ([`crate::world::metrics`]): the usage columns (`CPU(cores)` in millicores, `MEMORY(bytes)`
//! in whole MiB), `--containers`, `--sum`, `--sort-by=cpu|memory` (largest first), the node
//! percentages of allocatable (`--show-capacity`: of capacity), and the texts when metrics
//! are missing (`error: Metrics API not available`, `error: metrics not available yet`).
//! `--use-protocol-buffers` only chooses the wire format, which changes nothing here.
//!
//! Nodes without metrics are listed last with `<unknown>` in every column; kubectl lists them
//! in the random order of a Go map, kubelab in name order.

use serde_json::Value;

use crate::kubectl::context::Ctx;
use crate::kubectl::flags::Flags;
use crate::kubectl::outcome::{CmdResult, Failure};
use crate::printers::tabwriter::align;
use crate::world::api::kinds;
use crate::world::api::meta;
use crate::world::api::quantity::Quantity;
use crate::world::api::selector::Selector;
use crate::world::metrics::{self, NodeMetrics, PodMetrics};
use crate::world::{ApiError, Reason};

/// `metricsCreationDelay`: a pod older than this without metrics is reported as such.
const METRICS_CREATION_DELAY_MS: i64 = 2 * 60 * 1000;

const MI: i64 = 1024 * 1024;

fn sort_by(f: &dyn Flags) -> Result<String, Failure> {
    let s = f.string("sort-by").unwrap_or_default();
    if !s.is_empty() && s != "cpu" && s != "memory" {
        return Err(Failure::Message(
            "--sort-by accepts only cpu or memory".into(),
        ));
    }
    Ok(s)
}

fn usage_cells(cpu_milli: i64, memory_bytes: i64) -> String {
    format!("{cpu_milli}m\t{}Mi\t", memory_bytes / MI)
}

fn not_found(resource: &str, name: &str) -> Failure {
    Failure::Api(ApiError {
        reason: Reason::NotFound,
        message: format!("{resource}.metrics.k8s.io \"{name}\" not found"),
        causes: vec![],
    })
}

/// `kubectl top pod`.
pub fn pod(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let args = f.args().to_vec();
    if args.len() > 1 {
        return Err(Failure::Usage {
            command: f.command_line_name(),
            message: "pod [NAME | -l label]".into(),
        });
    }
    let name = args.first().cloned().unwrap_or_default();
    let sort = sort_by(f)?;
    let label = f.string("selector").unwrap_or_default();
    let field = f.string("field-selector").unwrap_or_default();
    if !name.is_empty() && (!label.is_empty() || !field.is_empty()) {
        return Err(Failure::Message(
            "only one of NAME or selector can be provided".into(),
        ));
    }
    let selector = if label.is_empty() {
        None
    } else {
        Some(Selector::parse(&label).map_err(Failure::Message)?)
    };
    if !field.is_empty() {
        return Err(Failure::Unsupported("\"top pod --field-selector\"".into()));
    }
    let all = f.boolean("all-namespaces");
    let containers = f.boolean("containers");
    let no_headers = f.boolean("no-headers");
    let sum = f.boolean("sum");
    let ns = ctx.namespace(f.string("namespace").as_deref());
    if !metrics::api_available(ctx.world) {
        return Err(Failure::Message("Metrics API not available".into()));
    }
    let mut list: Vec<PodMetrics> = if name.is_empty() {
        metrics::list_pod_metrics(ctx.world, if all { None } else { Some(&ns) })
            .into_iter()
            .filter(|m| selector.as_ref().is_none_or(|s| s.matches(&m.labels)))
            .collect()
    } else {
        match metrics::pod_metrics(ctx.world, &ns, &name) {
            Some(m) => vec![m],
            None => return Err(not_found("podmetrics", &format!("{ns}/{name}"))),
        }
    };
    if list.is_empty() {
        verify_empty(ctx, &ns, selector.as_ref())?;
        if all {
            ctx.io.err("No resources found\n");
        } else {
            ctx.io
                .err(&format!("No resources found in {ns} namespace.\n"));
        }
        return Ok(());
    }
    // NewPodMetricsSorter: by namespace (with -A) and name, or the largest use first.
    match sort.as_str() {
        "cpu" => list.sort_by_key(|m| std::cmp::Reverse(m.totals().0)),
        "memory" => list.sort_by_key(|m| std::cmp::Reverse(m.totals().1)),
        _ => list.sort_by(|a, b| {
            if all && a.namespace != b.namespace {
                a.namespace.cmp(&b.namespace)
            } else {
                a.name.cmp(&b.name)
            }
        }),
    }
    let mut text = String::new();
    let mut width: usize = 3;
    if !no_headers {
        if all {
            text.push_str("NAMESPACE\t");
            width += 1;
        }
        if containers {
            text.push_str("POD\t");
            width += 1;
        }
        text.push_str("NAME\tCPU(cores)\tMEMORY(bytes)\t\n");
    }
    let (mut total_cpu, mut total_mem) = (0i64, 0i64);
    for m in &mut list {
        let (cpu, mem) = m.totals();
        total_cpu = total_cpu.saturating_add(cpu);
        total_mem = total_mem.saturating_add(mem);
        if containers {
            match sort.as_str() {
                "cpu" => m.containers.sort_by_key(|c| std::cmp::Reverse(c.cpu_milli)),
                "memory" => m
                    .containers
                    .sort_by_key(|c| std::cmp::Reverse(c.memory_bytes)),
                _ => m.containers.sort_by(|a, b| a.name.cmp(&b.name)),
            }
            for c in &m.containers {
                if all {
                    text.push_str(&format!("{}\t", m.namespace));
                }
                text.push_str(&format!(
                    "{}\t{}\t{}\n",
                    m.name,
                    c.name,
                    usage_cells(c.cpu_milli, c.memory_bytes)
                ));
            }
        } else {
            if all {
                text.push_str(&format!("{}\t", m.namespace));
            }
            text.push_str(&format!("{}\t{}\n", m.name, usage_cells(cpu, mem)));
        }
    }
    if sum {
        // printPodResourcesSum: the rule under the two usage columns, then the totals.
        for _ in 0..width.saturating_sub(2) {
            text.push('\t');
        }
        text.push_str("________\t________\t\n");
        for _ in 0..width.saturating_sub(3) {
            text.push('\t');
        }
        text.push_str(&format!("\t{}\n", usage_cells(total_cpu, total_mem)));
    }
    ctx.io.out(&align(&text, 0, 8, 3, ' '));
    Ok(())
}

/// `verifyEmptyMetrics`: why a list came back empty. Pods of the namespace (the context's,
/// even with `-A`, as kubectl lists them) older than two minutes have no metrics: that pod is
/// named; younger ones have none yet; no pods at all is no error.
fn verify_empty(ctx: &mut Ctx<'_>, ns: &str, selector: Option<&Selector>) -> CmdResult {
    let Some(pod_kind) = kinds::by_kind(kinds::POD) else {
        return Ok(());
    };
    let pods = ctx.world.list_shared(pod_kind, Some(ns), selector);
    if pods.is_empty() {
        return Ok(());
    }
    let now = ctx.world.now();
    for p in &pods {
        let created = meta::str_at(p, &["metadata", "creationTimestamp"])
            .and_then(crate::world::clock::parse_rfc3339)
            .unwrap_or(now);
        let age = now - created;
        if age > METRICS_CREATION_DELAY_MS {
            return Err(Failure::Message(format!(
                "Metrics not available for pod {}/{}, age: {}",
                meta::namespace(p),
                meta::name(p),
                super::drain::go_duration(age)
            )));
        }
    }
    Err(Failure::Message("metrics not available yet".into()))
}

fn milli(v: Option<&Value>) -> Option<i64> {
    let q = Quantity::from_json(v?).ok()?;
    i64::try_from(q.milli_value()).ok()
}

/// `kubectl top node`.
pub fn node(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let args = f.args().to_vec();
    if args.len() > 1 {
        return Err(Failure::Usage {
            command: f.command_line_name(),
            message: "node [NAME | -l label]".into(),
        });
    }
    let name = args.first().cloned().unwrap_or_default();
    let sort = sort_by(f)?;
    let label = f.string("selector").unwrap_or_default();
    if !name.is_empty() && !label.is_empty() {
        return Err(Failure::Message(
            "only one of NAME or --selector can be provided".into(),
        ));
    }
    let selector = if label.is_empty() {
        None
    } else {
        Some(Selector::parse(&label).map_err(Failure::Message)?)
    };
    if !metrics::api_available(ctx.world) {
        return Err(Failure::Message("Metrics API not available".into()));
    }
    let mut list: Vec<NodeMetrics> = metrics::list_node_metrics(ctx.world)
        .into_iter()
        .filter(|m| selector.as_ref().is_none_or(|s| s.matches(&m.labels)))
        .collect();
    if !name.is_empty() {
        list.retain(|m| m.name == name);
        if list.is_empty() {
            return Err(not_found("nodemetrics", &name));
        }
    }
    if list.is_empty() {
        return Err(Failure::Message("metrics not available yet".into()));
    }
    let Some(node_kind) = kinds::by_kind(kinds::NODE) else {
        return Ok(());
    };
    let nodes: Vec<std::rc::Rc<Value>> = if name.is_empty() {
        ctx.world.list_shared(node_kind, None, selector.as_ref())
    } else {
        vec![std::rc::Rc::new(
            ctx.world.get(node_kind, "", &name).map_err(Failure::Api)?,
        )]
    };
    let field = if f.boolean("show-capacity") {
        "capacity"
    } else {
        "allocatable"
    };
    let available = |n: &str| -> Option<(Option<i64>, Option<i64>)> {
        let node = nodes.iter().find(|o| meta::name(o) == n)?;
        Some((
            milli(meta::path(node, &["status", field, "cpu"])),
            milli(meta::path(node, &["status", field, "memory"])),
        ))
    };
    match sort.as_str() {
        "cpu" => list.sort_by_key(|m| std::cmp::Reverse(m.cpu_milli)),
        "memory" => list.sort_by_key(|m| std::cmp::Reverse(m.memory_bytes)),
        _ => list.sort_by(|a, b| a.name.cmp(&b.name)),
    }
    let mut text = String::new();
    if !f.boolean("no-headers") {
        text.push_str("NAME\tCPU(cores)\tCPU(%)\tMEMORY(bytes)\tMEMORY(%)\t\n");
    }
    let pct = |used: i64, avail: Option<i64>| -> Option<String> {
        let a = avail?;
        let fraction = used as f64 / a as f64 * 100.0;
        Some(format!("{}%\t", fraction as i64))
    };
    for m in &list {
        let (cpu_a, mem_a) = available(&m.name).unwrap_or((None, None));
        text.push_str(&format!("{}\t{}m\t", m.name, m.cpu_milli));
        if let Some(p) = pct(m.cpu_milli, cpu_a) {
            text.push_str(&p);
        }
        text.push_str(&format!("{}Mi\t", m.memory_bytes / MI));
        if let Some(p) = pct(m.memory_bytes.saturating_mul(1000), mem_a) {
            text.push_str(&p);
        }
        text.push('\n');
    }
    // Nodes the metrics do not cover (not Ready).
    for n in &nodes {
        if !list.iter().any(|m| m.name == meta::name(n)) {
            text.push_str(&format!(
                "{}\t<unknown>\t<unknown>\t<unknown>\t<unknown>\t\n",
                meta::name(n)
            ));
        }
    }
    ctx.io.out(&align(&text, 0, 8, 3, ' '));
    Ok(())
}
