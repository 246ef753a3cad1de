//! Resource arguments as kubectl's resource builder reads them: `TYPE NAME...`,
//! `TYPE1,TYPE2 [NAME...]`, `TYPE/NAME...`, short names, plurals, `TYPE.group`, and the `all`
//! category.

use super::outcome::Failure;
use crate::world::api::kinds::{self, KindInfo};

/// The `all` category, in discovery order.
pub const ALL: &[&str] = &[
    "pods",
    "services",
    "daemonsets",
    "deployments",
    "replicasets",
    "statefulsets",
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

/// Resolves a type as typed (`deploy`, `pods`, `deployments.apps`).
pub fn resolve_type(t: &str) -> Result<&'static KindInfo, Failure> {
    kinds::resolve(t)
        .ok_or_else(|| Failure::Message(format!("the server doesn't have a resource type \"{t}\"")))
}

fn expand(types: &str) -> Result<Vec<&'static KindInfo>, Failure> {
    let mut out: Vec<&'static KindInfo> = Vec::new();
    for t in types.split(',').filter(|t| !t.is_empty()) {
        if t == "all" {
            for p in ALL {
                if let Some(k) = kinds::resolve(p)
                    && !out.contains(&k)
                {
                    out.push(k);
                }
            }
            continue;
        }
        let k = resolve_type(t)?;
        if !out.contains(&k) {
            out.push(k);
        }
    }
    Ok(out)
}

/// Parses the positional arguments of `get`, `describe`, `delete`, `label`, ...
/// An empty result means no resource was named.
pub fn parse(args: &[String]) -> Result<Vec<Request>, Failure> {
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
            let k = resolve_type(t)?;
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
    let kinds = expand(first)?;
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
        let r = parse(&s(&["deploy,rs", "mongo"])).unwrap();
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].kind.kind, "Deployment");
        assert_eq!(r[1].names, vec!["mongo"]);
        let r = parse(&s(&["deployment/mongo", "po/x"])).unwrap();
        assert_eq!((r[0].kind.kind, r[1].kind.kind), ("Deployment", "Pod"));
        assert_eq!(parse(&s(&["all"])).unwrap().len(), 8);
        assert_eq!(
            parse(&s(&["foo"])).unwrap_err().render(),
            "error: the server doesn't have a resource type \"foo\"\n"
        );
        assert!(parse(&s(&["deploy", "deploy/x"])).is_err());
    }
}
