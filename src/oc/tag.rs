//! `oc tag` (openshift/oc `pkg/cli/tag/tag.go`): point image stream tags at container images,
//! other tags (`--alias`), or fixed images; delete tags.

use crate::world::api::kinds;
use serde_json::{Value, json};

use crate::kubectl::context::Ctx;
use crate::kubectl::flags::Flags;
use crate::kubectl::outcome::{CmdResult, Failure};
use crate::world::api::meta;
use crate::world::openshift::imagestream::{head, spec_tags, status_tag};

/// A reference parsed the library-go way (no defaulting).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ref {
    /// Registry host, if any.
    pub registry: String,
    /// Namespace (first path component after the registry).
    pub namespace: String,
    /// Name (rest of the path).
    pub name: String,
    /// Tag.
    pub tag: String,
    /// Digest / id.
    pub id: String,
}

impl Ref {
    /// Parses `[registry/][namespace/]name[:tag][@id]`.
    pub fn parse(s: &str) -> Result<Ref, String> {
        if s.is_empty() || s.chars().any(char::is_whitespace) {
            return Err("invalid reference format".into());
        }
        let (rest, id) = match s.split_once('@') {
            Some((r, i)) => (r, i.to_string()),
            None => (s, String::new()),
        };
        let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
        let (path, tag) = match rest[last_slash..].rfind(':') {
            Some(i) => (
                &rest[..last_slash + i],
                rest[last_slash + i + 1..].to_string(),
            ),
            None => (rest, String::new()),
        };
        let mut parts: Vec<&str> = path.split('/').collect();
        let mut r = Ref {
            tag,
            id,
            ..Default::default()
        };
        if parts.len() > 1
            && (parts[0].contains('.') || parts[0].contains(':') || parts[0] == "localhost")
        {
            r.registry = parts.remove(0).to_string();
        }
        if parts.len() > 1 {
            r.namespace = parts.remove(0).to_string();
        }
        r.name = parts.join("/");
        if r.name.is_empty() {
            return Err("invalid reference format".into());
        }
        Ok(r)
    }

    /// `Exact()`: only the parts present.
    pub fn exact(&self) -> String {
        let mut s = String::new();
        if !self.registry.is_empty() {
            s.push_str(&self.registry);
            s.push('/');
        }
        if !self.namespace.is_empty() {
            s.push_str(&self.namespace);
            s.push('/');
        }
        s.push_str(&self.name);
        if !self.tag.is_empty() {
            s.push(':');
            s.push_str(&self.tag);
        }
        if !self.id.is_empty() {
            s.push('@');
            s.push_str(&self.id);
        }
        s
    }
}

fn valid_tag(t: &str) -> bool {
    let mut chars = t.chars();
    t.len() <= 128
        && chars
            .next()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

/// `oc tag`.
pub fn run(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let args = f.args().to_vec();
    let ns = ctx.namespace(f.string("namespace").as_deref());
    let alias = f.boolean("alias");
    let delete = f.boolean("delete");
    let scheduled = f.boolean("scheduled");
    let insecure = f.boolean("insecure");
    let reference = f.boolean("reference");
    let import_mode = f.string("import-mode").unwrap_or_default();
    let policy = f
        .string("reference-policy")
        .unwrap_or_else(|| "source".into());
    if delete {
        if alias {
            return Err(Failure::Message(
                "--alias and --delete may not be both specified".into(),
            ));
        }
        if f.changed("source") {
            return Err(Failure::Message(
                "cannot specify a source kind when deleting".into(),
            ));
        }
        if scheduled || insecure {
            return Err(Failure::Message(
                "cannot set flags for importing images when deleting a tag".into(),
            ));
        }
        if args.is_empty() {
            return Err(Failure::Usage { command: f.command_line_name(), message: "you must specify a source and at least one destination or one or more tags to delete".into() });
        }
        for d in &args {
            let (dns, stream, tag) = parse_dest(d, &ns)?;
            let Some(mut is) = ctx
                .world
                .object(kinds::IMAGE_STREAM, &dns, &stream)
                .cloned()
                .filter(|is| {
                    spec_tags(is)
                        .iter()
                        .any(|t| t.get("name").and_then(Value::as_str) == Some(tag.as_str()))
                        || status_tag(is, &tag).is_some()
                })
            else {
                return Err(Failure::Api(crate::world::ApiError {
                    reason: crate::world::Reason::NotFound,
                    message: format!(
                        "imagestreamtags.image.openshift.io \"{stream}:{tag}\" not found"
                    ),
                    causes: vec![],
                }));
            };
            let tags: Vec<Value> = spec_tags(&is)
                .into_iter()
                .filter(|t| t.get("name").and_then(Value::as_str) != Some(tag.as_str()))
                .collect();
            is["spec"]["tags"] = Value::Array(tags);
            if let Some(st) = meta::path_mut(&mut is, &["status", "tags"]).as_array_mut() {
                st.retain(|t| t.get("tag").and_then(Value::as_str) != Some(tag.as_str()));
            }
            meta::remove_path(&mut is, &["metadata", "resourceVersion"]);
            // Status is a subresource: the ImageStreamTag delete removes history server-side.
            let stored = ctx.world.update(is.clone(), false)?;
            let mut stored = stored;
            stored["status"] = is["status"].clone();
            ctx.world.write(stored);
            ctx.io.out(&format!("Deleted tag {dns}/{stream}:{tag}.\n"));
        }
        return Ok(());
    }
    if args.len() < 2 {
        return Err(Failure::Usage { command: f.command_line_name(), message: "you must specify a source and at least one destination or one or more tags to delete".into() });
    }
    if policy != "source" && policy != "local" {
        return Err(Failure::Message(
            "reference policy must be set to 'source' or 'local'".into(),
        ));
    }
    if !import_mode.is_empty() && import_mode != "Legacy" && import_mode != "PreserveOriginal" {
        return Err(Failure::Message(
            "valid ImportMode values are Legacy or PreserveOriginal".into(),
        ));
    }
    let source_text = &args[0];
    let src = Ref::parse(source_text).map_err(Failure::Message)?;
    let kind = match f
        .string("source")
        .map(|s| s.to_ascii_lowercase())
        .as_deref()
    {
        None | Some("") => {
            if !src.registry.is_empty() {
                "DockerImage"
            } else if !src.id.is_empty() {
                "ImageStreamImage"
            } else if !src.tag.is_empty() {
                "ImageStreamTag"
            } else {
                "DockerImage"
            }
        }
        Some("imagestreamtag" | "istag") => "ImageStreamTag",
        Some("imagestreamimage" | "isimage") => "ImageStreamImage",
        Some("docker" | "dockerimage") => "DockerImage",
        Some(other) => {
            return Err(Failure::Usage {
                command: f.command_line_name(),
                message: format!(
                    "invalid source \"{other}\"; valid values are docker, dockerimage, imagestreamimage, imagestreamtag, isimage, istag"
                ),
            });
        }
    };
    if kind != "DockerImage" && !src.registry.is_empty() {
        return Err(Failure::Message(
            "server in SOURCE is only allowed when providing a container image".into(),
        ));
    }
    if kind == kinds::IMAGE_STREAM_TAG && src.tag.is_empty() {
        return Err(Failure::Message(
            "--source=ImageStreamTag requires a valid <name>:<tag> in SOURCE".into(),
        ));
    }
    if kind == kinds::IMAGE_STREAM_IMAGE && src.id.is_empty() {
        return Err(Failure::Message(
            "--source=ImageStreamImage requires a valid <name>@<id> in SOURCE".into(),
        ));
    }
    if (scheduled || insecure) && kind != "DockerImage" {
        return Err(Failure::Message(
            "only container images can have importing flags set".into(),
        ));
    }
    if alias && (scheduled || insecure) {
        return Err(Failure::Message(
            "cannot set a container image tag as an alias and also set import flags".into(),
        ));
    }
    // The source as written, and the object reference to store.
    let src_ns = if src.namespace.is_empty() {
        ns.clone()
    } else {
        src.namespace.clone()
    };
    let (from_kind, from_name, from_ns): (String, String, String) = match kind {
        "DockerImage" => ("DockerImage".into(), src.exact(), String::new()),
        kinds::IMAGE_STREAM_TAG if !alias => {
            let Some(is) = ctx.world.object(kinds::IMAGE_STREAM, &src_ns, &src.name) else {
                return Err(Failure::Api(crate::world::ApiError {
                    reason: crate::world::Reason::NotFound,
                    message: format!("imagestreams.image.openshift.io \"{}\" not found", src.name),
                    causes: vec![],
                }));
            };
            match head(is, &src.tag) {
                Some(h)
                    if h.get("image")
                        .and_then(Value::as_str)
                        .is_some_and(|i| !i.is_empty()) =>
                {
                    (
                        "ImageStreamImage".into(),
                        format!("{}@{}", src.name, h["image"].as_str().unwrap_or("")),
                        if src.namespace.is_empty() {
                            String::new()
                        } else {
                            src_ns.clone()
                        },
                    )
                }
                Some(h) => (
                    "DockerImage".into(),
                    h.get("dockerImageReference")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string(),
                    String::new(),
                ),
                None => {
                    return Err(Failure::Message(format!(
                        "\"{source_text}\" is not currently pointing to an image, cannot use it as the source of a tag"
                    )));
                }
            }
        }
        kinds::IMAGE_STREAM_TAG => (
            "ImageStreamTag".into(),
            format!("{}:{}", src.name, src.tag),
            if src.namespace.is_empty() {
                String::new()
            } else {
                src_ns.clone()
            },
        ),
        _ => (
            "ImageStreamImage".into(),
            format!("{}@{}", src.name, src.id),
            if src.namespace.is_empty() {
                String::new()
            } else {
                src_ns.clone()
            },
        ),
    };
    let shown_source = if from_kind == kinds::IMAGE_STREAM_IMAGE && kind == kinds::IMAGE_STREAM_TAG
    {
        from_name.clone()
    } else {
        src.exact()
    };
    for d in &args[1..] {
        let (dns, stream, tag) = parse_dest(d, &ns)?;
        if alias && (stream != src.name || dns != src_ns) && kind == kinds::IMAGE_STREAM_TAG {
            return Err(Failure::Message(
                "cannot set alias across different Image Streams".into(),
            ));
        }
        let mut from = json!({"kind": from_kind, "name": from_name});
        let from_ns_final = if !from_ns.is_empty() {
            from_ns.clone()
        } else if dns != ns && from_kind != "DockerImage" {
            ns.clone()
        } else {
            String::new()
        };
        if !from_ns_final.is_empty() && from_kind != "DockerImage" {
            from["namespace"] = json!(from_ns_final);
        }
        let mut tag_ref = json!({
            "name": tag,
            "from": from,
            "importPolicy": {"importMode": if import_mode.is_empty() { "Legacy".to_string() } else { import_mode.clone() }},
            "referencePolicy": {"type": if policy == "local" { "Local" } else { "Source" }},
        });
        if scheduled {
            tag_ref["importPolicy"]["scheduled"] = json!(true);
        }
        if insecure {
            tag_ref["importPolicy"]["insecure"] = json!(true);
        }
        if reference {
            tag_ref["reference"] = json!(true);
        }
        if from_kind == "DockerImage" {
            tag_ref["generation"] = json!(0);
        }
        let existing = ctx
            .world
            .object(kinds::IMAGE_STREAM, &dns, &stream)
            .cloned();
        match existing {
            Some(mut is) => {
                let mut tags: Vec<Value> = spec_tags(&is)
                    .into_iter()
                    .filter(|t| t.get("name").and_then(Value::as_str) != Some(tag.as_str()))
                    .collect();
                tags.push(tag_ref);
                is["spec"]["tags"] = Value::Array(tags);
                meta::remove_path(&mut is, &["metadata", "resourceVersion"]);
                ctx.world.update(is, false)?;
            }
            None => {
                ctx.world.create(
                    json!({"apiVersion": "image.openshift.io/v1", "kind": kinds::IMAGE_STREAM, "metadata": {"name": stream, "namespace": dns}, "spec": {"tags": [tag_ref]}}),
                    false,
                )?;
            }
        }
        let shown_dest = if dns == ns {
            format!("{stream}:{tag}")
        } else {
            format!("{dns}/{stream}:{tag}")
        };
        let msg = if alias {
            format!("Tag {shown_dest} set up to track {shown_source}.")
        } else if scheduled && dns == ns {
            format!("Tag {shown_dest} set to import {shown_source} periodically.")
        } else if scheduled {
            format!("Tag {shown_dest} set to {shown_source} periodically.")
        } else {
            format!("Tag {shown_dest} set to {shown_source}.")
        };
        ctx.io.out(&format!("{msg}\n"));
    }
    Ok(())
}

fn parse_dest(d: &str, ns: &str) -> Result<(String, String, String), Failure> {
    let (dns, rest) = match d.split_once('/') {
        Some((n, r)) => {
            if r.contains('/') {
                return Err(Failure::Message(format!("invalid image stream \"{d}\"")));
            }
            (n.to_string(), r)
        }
        None => (ns.to_string(), d),
    };
    let Some((stream, tag)) = rest.split_once(':') else {
        return Err(Failure::Message(format!(
            "\"{d}\" must be of the form <stream_name>:<tag>"
        )));
    };
    if !valid_tag(tag) {
        return Err(Failure::Message(format!(
            "invalid tag \"{tag}\" format, tags must start with an alphanumeric character followed by alphanumeric, '.' or '-' characters, and have a maximum of 128 characters"
        )));
    }
    Ok((dns, stream.to_string(), tag.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_without_defaulting() {
        let r = Ref::parse("quay.io/keycloak/keycloak:20.0.3").unwrap();
        assert_eq!(
            (
                r.registry.as_str(),
                r.namespace.as_str(),
                r.name.as_str(),
                r.tag.as_str()
            ),
            ("quay.io", "keycloak", "keycloak", "20.0.3")
        );
        assert_eq!(r.exact(), "quay.io/keycloak/keycloak:20.0.3");
        let r = Ref::parse("keycloak:20.0.2").unwrap();
        assert_eq!(
            (r.registry.as_str(), r.name.as_str(), r.tag.as_str()),
            ("", "keycloak", "20.0.2")
        );
    }
}
