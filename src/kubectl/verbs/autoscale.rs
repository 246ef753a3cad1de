//! `kubectl autoscale` (`kubectl pkg/cmd/autoscale/autoscale.go` of 1.32): looks the targets
//! up, checks that each has a scale subresource, and creates an autoscaling/v1
//! HorizontalPodAutoscaler for each (`--min` when positive, `--cpu-percent` when not
//! negative); the API server stores it as autoscaling/v2 (`controllers::hpa::from_v1`).
//! `--dry-run=client` prints the v1 object kubectl built; a create prints
//! `horizontalpodautoscaler.autoscaling/NAME autoscaled`, or the v1 view of the stored object
//! with `-o`.

use serde_json::{Value, json};

use super::targets;
use crate::kubectl::common::{dry_run, record};
use crate::kubectl::context::Ctx;
use crate::kubectl::flags::Flags;
use crate::kubectl::outcome::{CmdResult, Failure};
use crate::kubectl::output::{self, OBJECT_FORMATS, Output};
use crate::printers::name::{DryRun, qualified_name, success};
use crate::world::api::kinds::{self, KindInfo};
use crate::world::api::meta;
use crate::world::controllers::hpa::from_v1;

/// The v1 object kubectl builds (`createHorizontalPodAutoscaler`).
pub fn build_v1(
    name: &str,
    target: &KindInfo,
    target_name: &str,
    min: i64,
    max: i64,
    cpu: i64,
) -> Value {
    let mut spec = json!({
        "maxReplicas": max,
        "scaleTargetRef": {"apiVersion": target.api_version(), "kind": target.kind, "name": target_name},
    });
    if min > 0 {
        spec["minReplicas"] = json!(min);
    }
    if cpu >= 0 {
        spec["targetCPUUtilizationPercentage"] = json!(cpu);
    }
    json!({
        "apiVersion": "autoscaling/v1",
        "kind": kinds::HORIZONTAL_POD_AUTOSCALER,
        "metadata": {"creationTimestamp": null, "name": name},
        "spec": spec,
        "status": {"currentReplicas": 0, "desiredReplicas": 0},
    })
}

/// The autoscaling/v1 view of a stored (v2) HPA: a CPU utilization metric becomes
/// `targetCPUUtilizationPercentage`.
pub fn to_v1(v2: &Value) -> Value {
    let mut out = v2.clone();
    out["apiVersion"] = json!("autoscaling/v1");
    let mut spec = v2.get("spec").cloned().unwrap_or_else(|| json!({}));
    let cpu = spec
        .get("metrics")
        .and_then(Value::as_array)
        .and_then(|ms| {
            ms.iter().find(|m| {
                meta::str_at(m, &["type"]) == Some("Resource")
                    && meta::str_at(m, &["resource", "name"]) == Some("cpu")
            })
        })
        .and_then(|m| meta::path(m, &["resource", "target", "averageUtilization"]))
        .cloned();
    if let Some(o) = spec.as_object_mut() {
        o.remove("metrics");
        o.remove("behavior");
        if let Some(c) = cpu {
            o.insert("targetCPUUtilizationPercentage".into(), c);
        }
    }
    out["spec"] = spec;
    let current = meta::int_at(v2, &["status", "currentReplicas"]).unwrap_or(0);
    let desired = meta::int_at(v2, &["status", "desiredReplicas"]).unwrap_or(0);
    out["status"] = json!({"currentReplicas": current, "desiredReplicas": desired});
    out
}

/// `kubectl autoscale`.
pub fn run(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let dry = dry_run(f)?;
    let out = output::parse_flags(f, OBJECT_FORMATS, &*ctx.files)?;
    let max = f.int("max")?.unwrap_or(-1);
    let min = f.int("min")?.unwrap_or(-1);
    let cpu = f.int("cpu-percent")?.unwrap_or(-1);
    if max < 1 {
        return Err(Failure::Message(format!(
            "--max=MAXPODS is required and must be at least 1, max: {max}"
        )));
    }
    if max < min {
        return Err(Failure::Message(format!(
            "--max=MAXPODS must be larger or equal to --min=MINPODS, max: {max}, min: {min}"
        )));
    }
    let args: Vec<String> = f.args().to_vec();
    let list = targets::resolve(ctx, f, &args, false)?;
    let ns = ctx.namespace(f.string("namespace").as_deref());
    let mut count = 0;
    for (kind, obj) in list {
        let obj = obj?;
        let scalable = matches!(
            kind.kind,
            "Deployment" | "ReplicaSet" | "StatefulSet" | "ReplicationController"
        ) || ctx
            .world
            .custom_resource(kind)
            .is_some_and(|s| s.preferred().scale.is_some());
        if !scalable {
            return Err(Failure::Message(format!(
                "cannot autoscale a {}: could not find scale subresource for {}/{}, Resource={} in discovery information",
                kind.kind, kind.group, kind.version, kind.plural
            )));
        }
        let target_name = meta::name(&obj).to_string();
        let name = f
            .string("name")
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| target_name.clone());
        let mut hpa = build_v1(&name, kind, &target_name, min, max, cpu);
        record(f, &mut hpa);
        count += 1;
        if dry == DryRun::Client {
            print(ctx, &out, hpa, "created", dry)?;
            continue;
        }
        if f.boolean("save-config") {
            let la = crate::kubectl::apply_merge::last_applied_typed(&hpa);
            meta::set_annotation(
                &mut hpa,
                "kubectl.kubernetes.io/last-applied-configuration",
                &la,
            );
        }
        let mut send = from_v1(&hpa);
        meta::set_path(&mut send, &["metadata", "namespace"], json!(ns));
        if let Some(m) = send.get_mut("metadata").and_then(Value::as_object_mut) {
            m.remove("creationTimestamp");
        }
        let created = ctx
            .world
            .create(send, dry == DryRun::Server)
            .map_err(Failure::Api)?;
        print(ctx, &out, to_v1(&created), "autoscaled", dry)?;
    }
    if count == 0 {
        return Err(Failure::Message("no objects passed to autoscale".into()));
    }
    Ok(())
}

fn print(ctx: &mut Ctx<'_>, out: &Output, obj: Value, op: &str, dry: DryRun) -> CmdResult {
    let Some(kind) = kinds::by_kind(kinds::HORIZONTAL_POD_AUTOSCALER) else {
        return Ok(());
    };
    match out {
        Output::Default => ctx.io.out(&success(kind, meta::name(&obj), op, dry)),
        Output::Name => ctx
            .io
            .out(&format!("{}\n", qualified_name(kind, meta::name(&obj)))),
        out => ctx
            .io
            .out(&output::print_structured(out, &[obj], false, true)?),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v1_round_trip() {
        let d = kinds::by_kind("Deployment").unwrap();
        let v1 = build_v1("web", d, "web", 2, 5, 50);
        let v2 = from_v1(&v1);
        assert_eq!(
            v2["spec"]["metrics"][0]["resource"]["target"]["averageUtilization"],
            json!(50)
        );
        assert_eq!(to_v1(&v2)["spec"], v1["spec"]);
    }
}
