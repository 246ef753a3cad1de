//! `-f/--filename` sources (`cli-runtime` resource builder): files and directories of the
//! workstation, `-` for standard input, a few well-known URLs the course uses, and the files
//! the lab's web hosts serve (`world/web_hosts.rs`); any other URL is not reachable from the
//! lab's world, which kubelab says plainly.

use serde_json::Value;

use super::context::Ctx;
use super::manifest::{flatten_lists, parse_manifests_partial, validate_object};
use super::outcome::Failure;

/// One object read from a source, with the source name kubectl prints in messages.
#[derive(Debug, Clone, PartialEq)]
pub struct Sourced {
    /// The path, `STDIN` or URL as given.
    pub source: String,
    /// The object.
    pub object: Value,
}

/// Manifests published on the Kubernetes website that the course applies by URL.
const KNOWN_URLS: &[(&str, &str)] = &[(
    "https://raw.githubusercontent.com/kubernetes/website/main/content/en/examples/pods/config/redis-pod.yaml",
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: redis\nspec:\n  containers:\n  - name: redis\n    image: redis:5.0.4\n    command:\n      - redis-server\n      - \"/redis-master/redis.conf\"\n    env:\n    - name: MASTER\n      value: \"true\"\n    ports:\n    - containerPort: 6379\n    resources:\n      limits:\n        cpu: \"0.1\"\n    volumeMounts:\n    - mountPath: /redis-master-data\n      name: data\n    - mountPath: /redis-master\n      name: config\n  volumes:\n    - name: data\n      emptyDir: {}\n    - name: config\n      configMap:\n        name: example-redis-config\n        items:\n        - key: redis-config\n          path: redis.conf\n",
)];

fn read_source(ctx: &Ctx<'_>, name: &str) -> Result<Vec<(String, String)>, Failure> {
    if name == "-" {
        return Ok(vec![(
            "STDIN".to_string(),
            String::from_utf8_lossy(ctx.stdin).into_owned(),
        )]);
    }
    if name.starts_with("http://") || name.starts_with("https://") {
        if let Some((_, text)) = KNOWN_URLS.iter().find(|(u, _)| *u == name) {
            return Ok(vec![(name.to_string(), text.to_string())]);
        }
        // The lab's web hosts (`world/web_hosts.rs`): a file they serve, or their real 404.
        let hosts = &ctx.world.web_hosts;
        if let Some(bytes) = hosts.get(name) {
            return Ok(vec![(
                name.to_string(),
                String::from_utf8_lossy(bytes).into_owned(),
            )]);
        }
        if hosts.reachable(name) {
            return Err(Failure::Message(format!(
                "unable to read URL \"{name}\", server reported 404 Not Found, status code=404"
            )));
        }
        return Err(Failure::Unsupported(format!(
            "reading {name}: it is not reachable from the lab's world (no web host of the lab serves {})",
            crate::world::web_hosts::origin(name).unwrap_or(name)
        )));
    }
    if ctx.files.is_dir(name) {
        let entries = ctx.files.list_dir(name).map_err(Failure::Message)?;
        let mut out = Vec::new();
        for e in entries {
            if !(e.ends_with(".yaml") || e.ends_with(".yml") || e.ends_with(".json")) {
                continue;
            }
            let path = format!("{}/{e}", name.trim_end_matches('/'));
            let bytes = ctx.files.read_file(&path).map_err(Failure::Message)?;
            out.push((path, String::from_utf8_lossy(&bytes).into_owned()));
        }
        return Ok(out);
    }
    match ctx.files.read_file(name) {
        Ok(bytes) => Ok(vec![(
            name.to_string(),
            String::from_utf8_lossy(&bytes).into_owned(),
        )]),
        Err(_) => Err(Failure::Message(format!(
            "the path \"{name}\" does not exist"
        ))),
    }
}

/// Reads every object of the `-f` sources, in order. Objects before a broken document are
/// returned with the error (kubectl acts on them first), so the error is the second value.
pub fn read_sourced(ctx: &Ctx<'_>, names: &[String]) -> (Vec<Sourced>, Option<Failure>) {
    let mut out = Vec::new();
    for n in names {
        let texts = match read_source(ctx, n) {
            Ok(t) => t,
            Err(e) => return (out, Some(e)),
        };
        for (source, text) in texts {
            let parsed = parse_manifests_partial(&source, &text);
            for object in flatten_lists(parsed.objects) {
                if let Err(e) = validate_object(&source, &object) {
                    return (out, Some(Failure::Message(e.to_string())));
                }
                if let Some(e) = crate::world::api::schema::decode::decode_object_meta(&object) {
                    let msg = format!("unable to decode \"{source}\": {e}");
                    return (out, Some(Failure::Message(msg)));
                }
                out.push(Sourced {
                    source: source.clone(),
                    object,
                });
            }
            if let Some(e) = parsed.error {
                return (out, Some(Failure::Message(e.to_string())));
            }
        }
    }
    (out, None)
}

/// Reads every object of the `-f` sources or fails.
pub fn read_manifests(
    ctx: &Ctx<'_>,
    names: &[String],
    _recursive: bool,
) -> Result<Vec<Value>, Failure> {
    let (objs, err) = read_sourced(ctx, names);
    match err {
        Some(e) => Err(e),
        None => Ok(objs.into_iter().map(|s| s.object).collect()),
    }
}
