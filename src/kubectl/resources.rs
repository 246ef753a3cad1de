//! Resource arguments as kubectl's resource builder reads them: `TYPE NAME...`,
//! `TYPE1,TYPE2 [NAME...]`, `TYPE/NAME...`, short names, plurals, `TYPE.group`, and the `all`
//! category.

use super::outcome::Failure;
use crate::world::World;
use crate::world::api::kinds::KindInfo;

/// The `all` category, in discovery order.
pub const ALL: &[&str] = &[
    "pods",
    "replicationcontrollers",
    "services",
    "daemonsets",
    "deployments",
    "replicasets",
    "statefulsets",
    "horizontalpodautoscalers",
    "cronjobs",
    "jobs",
];

/// One requested kind with the names asked for (empty = every object).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The kind.
    pub kind: &'static KindInfo,
    /// Names, in the order given.
    pub names: Vec<String>,
}

/// Resolves a type as typed (`deploy`, `pods`, `deployments.apps`, a custom resource's names).
pub fn resolve_type(world: &World, t: &str) -> Result<&'static KindInfo, Failure> {
    world
        .resolve_kind(t)
        .ok_or_else(|| Failure::Message(format!("the server doesn't have a resource type \"{t}\"")))
}

/// The kinds of a category (`all`, or one a CRD declares), in discovery order; empty when no
/// served resource has it.
fn category(world: &World, t: &str) -> Vec<&'static KindInfo> {
    let mut out: Vec<&'static KindInfo> = Vec::new();
    if t == "all" {
        out.extend(ALL.iter().filter_map(|p| world.resolve_kind(p)));
    }
    for s in world.custom_resources() {
        if s.info.categories.contains(&t) && !out.contains(&s.info) {
            out.push(s.info);
        }
    }
    out
}

fn expand(world: &World, types: &str) -> Result<Vec<&'static KindInfo>, Failure> {
    let mut out: Vec<&'static KindInfo> = Vec::new();
    for t in types.split(',').filter(|t| !t.is_empty()) {
        let members = category(world, t);
        if !members.is_empty() {
            for k in members {
                if !out.contains(&k) {
                    out.push(k);
                }
            }
            continue;
        }
        let k = resolve_type(world, t)?;
        if !out.contains(&k) {
            out.push(k);
        }
    }
    Ok(out)
}

/// Parses the positional arguments of `get`, `describe`, `delete`, `label`, ...
/// An empty result means no resource was named.
pub fn parse(world: &World, args: &[String]) -> Result<Vec<Request>, Failure> {
    let Some(first) = args.first() else {
        return Ok(vec![]);
    };
    if first.contains('/') {
        let mut out: Vec<Request> = Vec::new();
        for a in args {
            let Some((t, name)) = a.split_once('/') else {
                return Err(Failure::Message(
                    "there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'".into(),
                ));
            };
            if name.is_empty() {
                return Err(Failure::Message(
                    "arguments in resource/name form must have a single resource and name"
                        .to_string(),
                ));
            }
            let k = resolve_type(world, t)?;
            match out.iter_mut().find(|r| r.kind == k) {
                Some(r) => r.names.push(name.to_string()),
                None => out.push(Request {
                    kind: k,
                    names: vec![name.to_string()],
                }),
            }
        }
        return Ok(out);
    }
    if args[1..].iter().any(|a| a.contains('/')) {
        return Err(Failure::Message(
            "there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'".into(),
        ));
    }
    let kinds = expand(world, first)?;
    let names: Vec<String> = args[1..].to_vec();
    Ok(kinds
        .into_iter()
        .map(|kind| Request {
            kind,
            names: names.clone(),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn forms() {
        let w = World::empty(1, 0);
        let parse = |a: &[String]| super::parse(&w, a);
        let r = parse(&s(&["deploy,rs", "mongo"])).unwrap();
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].kind.kind, "Deployment");
        assert_eq!(r[1].names, vec!["mongo"]);
        let r = parse(&s(&["deployment/mongo", "po/x"])).unwrap();
        assert_eq!((r[0].kind.kind, r[1].kind.kind), ("Deployment", "Pod"));
        // kubectl's `all`: pods, replicationcontrollers, services and the seven workload kinds.
        assert_eq!(parse(&s(&["all"])).unwrap().len(), 10);
        assert_eq!(
            parse(&s(&["foo"])).unwrap_err().render(),
            "error: the server doesn't have a resource type \"foo\"\n"
        );
        assert!(parse(&s(&["deploy", "deploy/x"])).is_err());
    }
}
