//! `kubectl api-resources` and `kubectl api-versions` (and oc's): the discovery tables of the
//! resource types the simulated API server serves (`world::api::kinds::KINDS`), printed as
//! kubectl 1.32's `pkg/cmd/apiresources` prints them.

use std::cmp::Ordering;

use crate::kubectl::context::Ctx;
use crate::kubectl::flags::Flags;
use crate::kubectl::outcome::{CmdResult, Failure};
use crate::printers::tabwriter;
use crate::world::api::kinds::{KINDS, KindInfo};

/// `kubectl api-resources`.
pub fn api_resources(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    unexpected_arguments(f)?;
    let output = f.string("output").unwrap_or_default();
    if !matches!(output.as_str(), "" | "wide" | "name") {
        return Err(Failure::Message(format!(
            "--output {output} is not available"
        )));
    }
    let sort_by = f.string("sort-by").unwrap_or_default();
    if !matches!(sort_by.as_str(), "" | "name" | "kind") {
        return Err(Failure::Message(
            "--sort-by accepts only name or kind".into(),
        ));
    }
    // `--cached` only chooses between kubectl's discovery cache and a fresh request: the
    // answer is the same.
    let _ = f.boolean("cached");
    let group = f
        .changed("api-group")
        .then(|| f.string("api-group").unwrap_or_default());
    let namespaced = f.changed("namespaced").then(|| f.boolean("namespaced"));
    let verbs = f.strings("verbs");
    let categories = f.strings("categories");
    let served = ctx.world.served_kinds();
    let mut rows: Vec<&KindInfo> = served
        .into_iter()
        .filter(|k| group.as_deref().is_none_or(|g| g == k.group))
        .filter(|k| namespaced.is_none_or(|n| n == k.namespaced))
        .filter(|k| verbs.iter().all(|v| k.verbs.contains(&v.as_str())))
        .filter(|k| {
            categories
                .iter()
                .all(|c| k.categories.contains(&c.as_str()))
        })
        .collect();
    // `sort.Stable` by group (or name, or kind), ties by resource name.
    rows.sort_by(|a, b| {
        let first = match sort_by.as_str() {
            "name" => a.plural.cmp(b.plural),
            "kind" => a.kind.cmp(b.kind),
            _ => a.group.cmp(b.group),
        };
        match first {
            Ordering::Equal => a.plural.cmp(b.plural),
            o => o,
        }
    });
    let mut text = String::new();
    if !f.boolean("no-headers") && output != "name" {
        text.push_str("NAME\tSHORTNAMES\tAPIVERSION\tNAMESPACED\tKIND");
        if output == "wide" {
            text.push_str("\tVERBS\tCATEGORIES");
        }
        text.push('\n');
    }
    for k in rows {
        if output == "name" {
            text.push_str(&k.qualified_plural());
            text.push('\n');
            continue;
        }
        text.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}",
            k.plural,
            k.short_names.join(","),
            k.api_version(),
            k.namespaced,
            k.kind
        ));
        if output == "wide" {
            text.push_str(&format!(
                "\t{}\t{}",
                k.verbs.join(","),
                k.categories.join(",")
            ));
        }
        text.push('\n');
    }
    ctx.io.out(&tabwriter::align(&text, 6, 4, 3, ' '));
    Ok(())
}

/// `kubectl api-versions`: every served group/version, `sort.Strings` order.
pub fn api_versions(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    unexpected_arguments(f)?;
    let mut versions: Vec<String> = Vec::new();
    for s in ctx.world.custom_resources() {
        for v in &s.versions {
            versions.push(format!("{}/{}", s.info.group, v.name));
        }
    }
    // The older HPA version the API server also serves, and metrics-server's aggregated API.
    versions.push("autoscaling/v1".into());
    if crate::world::metrics::api_available(ctx.world) {
        versions.push("metrics.k8s.io/v1beta1".into());
    }
    ctx.io.out(&versions_text(versions));
    Ok(())
}

/// The lines `api-versions` prints.
fn versions_text(custom: Vec<String>) -> String {
    let mut versions: Vec<String> = KINDS.iter().map(KindInfo::api_version).collect();
    versions.extend(custom);
    versions.sort();
    versions.dedup();
    versions.iter().map(|v| format!("{v}\n")).collect()
}

/// Both commands take no arguments: `cmdutil.UsageErrorf(cmd, "unexpected arguments: %v", args)`.
fn unexpected_arguments(f: &dyn Flags) -> Result<(), Failure> {
    let args = f.args();
    if args.is_empty() {
        return Ok(());
    }
    Err(Failure::Usage {
        command: f.command_line_name(),
        message: format!("unexpected arguments: [{}]", args.join(" ")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_go_sorted_with_core_last() {
        assert_eq!(
            versions_text(vec!["stable.example.com/v1".into()]),
            "apiextensions.k8s.io/v1\napps/v1\nautoscaling/v2\nbatch/v1\ncoordination.k8s.io/v1\ndiscovery.k8s.io/v1\nimage.openshift.io/v1\nnetworking.k8s.io/v1\nnode.k8s.io/v1\npolicy/v1\nproject.openshift.io/v1\nrbac.authorization.k8s.io/v1\nroute.openshift.io/v1\nscheduling.k8s.io/v1\nstable.example.com/v1\nstorage.k8s.io/v1\nv1\n"
        );
    }
}
