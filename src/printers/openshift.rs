//! oc printers for the image API: `oc get is|istag` tables, `oc describe is`
//! (openshift/oc `pkg/helpers/describe`, openshift-apiserver `pkg/image/printers`).

use crate::world::api::kinds;
use serde_json::Value;

use super::tabwriter::align;
use super::units::human_duration;
use crate::world::api::meta;
use crate::world::clock::{Millis, parse_rfc3339};

fn created(e: &Value) -> Option<Millis> {
    e.get("created")
        .and_then(Value::as_str)
        .and_then(parse_rfc3339)
}

/// `printTagsUpToWidth` (40 characters).
fn tags_up_to_width(tags: &[String]) -> String {
    let mut remaining: i64 = 40;
    let mut kept: Vec<&str> = Vec::new();
    for (i, t) in tags.iter().enumerate() {
        remaining -= t.len() as i64 + 1;
        if remaining >= 0 {
            kept.push(t);
            continue;
        }
        if i == 0 {
            kept.push(t);
            break;
        }
        if remaining + t.len() as i64 > 10 && -remaining <= 10 {
            kept.push(t);
            continue;
        }
        break;
    }
    let dropped = tags.len() - kept.len();
    let mut s = kept.join(",");
    if dropped > 0 {
        s.push_str(&format!(" + {dropped} more..."));
    }
    s
}

/// The cells of an ImageStream row: NAME, IMAGE REPOSITORY, TAGS, UPDATED.
pub fn imagestream_cells(is: &Value, now: Millis) -> Vec<String> {
    let repo = meta::str_at(is, &["status", "publicDockerImageRepository"])
        .or_else(|| meta::str_at(is, &["spec", "dockerImageRepository"]))
        .or_else(|| meta::str_at(is, &["status", "dockerImageRepository"]))
        .unwrap_or("")
        .to_string();
    let mut tagged: Vec<(Millis, String)> = Vec::new();
    let mut failed: Vec<String> = Vec::new();
    for t in meta::path(is, &["status", "tags"])
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let name = t
            .get("tag")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        match t
            .get("items")
            .and_then(Value::as_array)
            .and_then(|a| a.first())
        {
            Some(h) => tagged.push((created(h).map(|c| c / 1000 * 1000).unwrap_or(0), name)),
            None => {
                if t.get("conditions").is_some() {
                    failed.push(name)
                }
            }
        }
    }
    tagged.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let newest = tagged.first().map(|t| t.0);
    let mut names: Vec<String> = tagged.into_iter().map(|t| t.1).collect();
    failed.sort();
    names.extend(failed);
    let updated = newest
        .map(|t| format!("{} ago", human_duration(now - t)))
        .unwrap_or_default();
    vec![
        meta::name(is).to_string(),
        repo,
        tags_up_to_width(&names),
        updated,
    ]
}

/// The cells of an ImageStreamTag row: NAME, IMAGE REFERENCE, UPDATED (+ IMAGE NAME wide).
pub fn istag_cells(t: &Value, wide: bool, now: Millis) -> Vec<String> {
    let updated = meta::str_at(t, &["metadata", "creationTimestamp"])
        .and_then(parse_rfc3339)
        .map(|c| format!("{} ago", human_duration(now - c)))
        .unwrap_or_default();
    let mut row = vec![
        meta::name(t).to_string(),
        meta::str_at(t, &["image", "dockerImageReference"])
            .unwrap_or("")
            .to_string(),
        updated,
    ];
    if wide {
        row.push(
            meta::str_at(t, &["image", "metadata", "name"])
                .unwrap_or("")
                .to_string(),
        );
    }
    row
}

/// `PrioritizeTags`: latest, then X.Y versions descending, then full semver descending, then
/// the rest in string order.
pub fn prioritize_tags(tags: &mut [String]) {
    fn class(t: &str) -> (u8, Vec<u64>, bool) {
        if t == "latest" {
            return (0, vec![], false);
        }
        let v = t.strip_prefix('v');
        let body = v.unwrap_or(t);
        let core = body.split_once('-').map_or(body, |(c, _)| c);
        let parts: Vec<&str> = core.split('.').collect();
        let nums: Option<Vec<u64>> = parts.iter().map(|p| p.parse().ok()).collect();
        match (parts.len(), nums) {
            (2, Some(n)) => (1, n, v.is_some()),
            (3.., Some(n)) if body == core || body.split_once('-').is_some() => (2, n, v.is_some()),
            _ => (3, vec![], false),
        }
    }
    tags.sort_by(|a, b| {
        let (ca, va, pa) = class(a);
        let (cb, vb, pb) = class(b);
        ca.cmp(&cb).then_with(|| match ca {
            1 | 2 => vb.cmp(&va).then(pa.cmp(&pb)),
            _ => a.cmp(b),
        })
    });
}

fn follow_alias(is: &Value, tag: &str) -> String {
    let name = meta::name(is);
    let ns = meta::namespace(is);
    let mut cur = tag.to_string();
    for _ in 0..32 {
        let Some(t) = crate::world::openshift::imagestream::spec_tag(is, &cur) else {
            break;
        };
        if meta::str_at(t, &["from", "kind"]) != Some("ImageStreamTag") {
            break;
        }
        let from_ns = meta::str_at(t, &["from", "namespace"]).unwrap_or("");
        if !(from_ns.is_empty() || from_ns == ns) {
            break;
        }
        let (stream, next) = crate::world::openshift::imagestream::split_istag(
            meta::str_at(t, &["from", "name"]).unwrap_or(""),
            name,
        );
        if stream != name || next == cur {
            break;
        }
        cur = next;
    }
    cur
}

/// `oc describe is` (tabwriter 0,8,1 with TABs).
pub fn describe_imagestream(is: &Value, now: Millis) -> String {
    let mut s = String::new();
    let ago = |t: Option<Millis>| {
        t.map(|t| format!("{} ago", human_duration(now - t)))
            .unwrap_or_default()
    };
    s.push_str(&format!("Name:\t{}\n", meta::name(is)));
    s.push_str(&format!("Namespace:\t{}\n", meta::namespace(is)));
    s.push_str(&format!(
        "Created:\t{}\n",
        ago(meta::str_at(is, &["metadata", "creationTimestamp"]).and_then(parse_rfc3339))
    ));
    let kv = |title: &str, m: Vec<(String, String)>, s: &mut String| {
        if m.is_empty() {
            s.push_str(&format!("{title}:\t<none>\n"));
            return;
        }
        for (i, (k, v)) in m.iter().enumerate() {
            if i == 0 {
                s.push_str(&format!("{title}:\t{k}={v}\n"));
            } else {
                s.push_str(&format!("\t{k}={v}\n"));
            }
        }
    };
    kv("Labels", meta::labels(is).into_iter().collect(), &mut s);
    let anns = meta::annotations(is);
    if let Some(d) = anns.get("description") {
        s.push_str(&format!("Description:\t{d}\n"));
    }
    kv(
        "Annotations",
        anns.into_iter()
            .filter(|(k, _)| k != "description")
            .collect(),
        &mut s,
    );
    let repo = meta::str_at(is, &["status", "publicDockerImageRepository"])
        .or_else(|| meta::str_at(is, &["status", "dockerImageRepository"]))
        .unwrap_or("");
    s.push_str(&format!("Image Repository:\t{repo}\n"));
    s.push_str(&format!(
        "Image Lookup:\tlocal={}\n",
        meta::bool_at(is, &["spec", "lookupPolicy", "local"]).unwrap_or(false)
    ));
    let spec_tags = crate::world::openshift::imagestream::spec_tags(is);
    let status_tags: Vec<Value> = meta::path(is, &["status", "tags"])
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if spec_tags.is_empty() && status_tags.is_empty() {
        s.push_str("Tags:\t<none>\n");
        return align(&s, 0, 8, 1, '\t');
    }
    let mut images: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    for t in &status_tags {
        for e in t
            .get("items")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            images.insert(
                e.get("image")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
            );
        }
    }
    let mut all_tags: Vec<String> = status_tags
        .iter()
        .filter_map(|t| t.get("tag").and_then(Value::as_str).map(str::to_string))
        .collect();
    for t in &spec_tags {
        let n = t
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        if !all_tags.contains(&n) {
            all_tags.push(n);
        }
    }
    s.push_str(&format!("Unique Images:\t{}\n", images.len()));
    s.push_str(&format!("Tags:\t{}\n\n", all_tags.len()));
    let mut header = align(&s, 0, 8, 1, '\t');
    // Blocks: aliases within the stream fold into their final target's header.
    let mut folded: std::collections::BTreeMap<String, Vec<String>> =
        std::collections::BTreeMap::new();
    let mut shown: Vec<String> = Vec::new();
    for t in &all_tags {
        let target = follow_alias(is, t);
        if target != *t {
            folded.entry(target).or_default().push(t.clone());
        } else {
            shown.push(t.clone());
        }
    }
    for target in folded.keys() {
        if !shown.contains(target) {
            shown.push(target.clone());
        }
    }
    prioritize_tags(&mut shown);
    let mut blocks: Vec<String> = Vec::new();
    for tag in &shown {
        let mut b = String::new();
        let mut aliases = folded.get(tag).cloned().unwrap_or_default();
        prioritize_tags(&mut aliases);
        if aliases.is_empty() {
            b.push_str(&format!("{tag}\n"));
        } else {
            b.push_str(&format!("{tag} ({})\n", aliases.join(", ")));
        }
        let spec = crate::world::openshift::imagestream::spec_tag(is, tag);
        let line = match spec {
            None => "  no spec tag".to_string(),
            Some(t) => {
                let kind = meta::str_at(t, &["from", "kind"]).unwrap_or("");
                let from_ns = meta::str_at(t, &["from", "namespace"])
                    .filter(|n| !n.is_empty() && *n != meta::namespace(is));
                let name = match from_ns {
                    Some(n) => format!("{n}/{}", meta::str_at(t, &["from", "name"]).unwrap_or("")),
                    None => meta::str_at(t, &["from", "name"]).unwrap_or("").to_string(),
                };
                let reference = t.get("reference").and_then(Value::as_bool) == Some(true);
                let scheduled = meta::bool_at(t, &["importPolicy", "scheduled"]) == Some(true);
                match kind {
                    "" => "  tag without source image".to_string(),
                    "DockerImage" if reference => format!("  reference to registry {name}"),
                    "DockerImage" if scheduled => {
                        format!("  updates automatically from registry {name}")
                    }
                    kinds::IMAGE_STREAM_IMAGE if reference => {
                        format!("  reference to image {name}")
                    }
                    _ if reference => format!("  reference to {name}"),
                    _ if scheduled => format!("  updates automatically from {name}"),
                    _ => format!("  tagged from {name}"),
                }
            }
        };
        b.push_str(&line);
        b.push('\n');
        if let Some(t) = spec {
            if meta::bool_at(t, &["importPolicy", "insecure"]) == Some(true) {
                b.push_str("    will use insecure HTTPS or HTTP connections\n");
            }
            if meta::str_at(t, &["referencePolicy", "type"]) == Some("Local") {
                b.push_str("    prefer registry pullthrough when referencing this tag\n");
            }
        }
        b.push('\n');
        let st = status_tags
            .iter()
            .find(|t| t.get("tag").and_then(Value::as_str) == Some(tag.as_str()));
        let spec_gen = spec
            .and_then(|t| t.get("generation"))
            .and_then(Value::as_i64)
            .unwrap_or(0);
        let observed = st
            .and_then(|t| meta::path(t, &["items", "0", "generation"]))
            .and_then(Value::as_i64)
            .unwrap_or(0);
        if spec.is_some_and(|t| {
            meta::str_at(t, &["from", "kind"]) == Some("DockerImage")
                && t.get("reference").and_then(Value::as_bool) != Some(true)
        }) && spec_gen > observed
            && st.and_then(|t| t.get("conditions")).is_none()
        {
            b.push_str("  ~ importing latest image ...\n");
        }
        if let Some(c) = st
            .and_then(|t| t.get("conditions"))
            .and_then(Value::as_array)
            .and_then(|a| a.first())
        {
            b.push_str(&format!(
                "  ! error: Import failed ({}): {}\n      {}\n",
                c.get("reason").and_then(Value::as_str).unwrap_or(""),
                c.get("message").and_then(Value::as_str).unwrap_or(""),
                ago(c
                    .get("lastTransitionTime")
                    .and_then(Value::as_str)
                    .and_then(parse_rfc3339))
            ));
        }
        for (i, e) in st
            .and_then(|t| t.get("items"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let r = e
                .get("dockerImageReference")
                .and_then(Value::as_str)
                .unwrap_or("");
            let img = e.get("image").and_then(Value::as_str).unwrap_or("");
            b.push_str(&format!("  {}{r}\n", if i == 0 { "* " } else { "  " }));
            let suffix = if !img.is_empty() && !r.contains(img) {
                format!("\t{img}")
            } else {
                String::new()
            };
            b.push_str(&format!("      {}{suffix}\n", ago(created(e))));
        }
        blocks.push(b);
    }
    let body = blocks.join("\n");
    let body = body
        .strip_suffix('\n')
        .map(|b| format!("{b}\n"))
        .unwrap_or(body);
    header.push_str(&body);
    header.trim_end_matches('\n').to_string() + "\n"
}

/// `DescribeImage` (tabwriter 0,8,1 with TABs): an image of an ImageStreamTag or an import.
/// `image_name` is the first line's value (the digest for istags, `stream:tag` for imports).
pub fn describe_image(image: &Value, image_name: &str, now: Millis) -> String {
    let ago = |t: Option<Millis>| {
        t.map(|t| format!("{} ago", human_duration(now - t)))
            .unwrap_or_default()
    };
    let none = |s: String| {
        if s.is_empty() {
            "<none>".to_string()
        } else {
            s
        }
    };
    let md = image
        .get("dockerImageMetadata")
        .cloned()
        .unwrap_or(Value::Null);
    let mut s = String::new();
    s.push_str(&format!("Image Name:\t{image_name}\n"));
    s.push_str(&format!(
        "Docker Image:\t{}\n",
        meta::str_at(image, &["dockerImageReference"]).unwrap_or("")
    ));
    s.push_str(&format!("Name:\t{}\n", meta::name(image)));
    s.push_str(&format!(
        "Created:\t{}\n",
        ago(meta::str_at(image, &["metadata", "creationTimestamp"]).and_then(parse_rfc3339))
    ));
    let anns = meta::annotations(image);
    if !anns.is_empty() {
        for (i, (k, v)) in anns.iter().enumerate() {
            s.push_str(&if i == 0 {
                format!("Annotations:\t{k}={v}\n")
            } else {
                format!("\t{k}={v}\n")
            });
        }
    }
    let layers: Vec<&Value> = image
        .get("dockerImageLayers")
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    let total: u64 = layers
        .iter()
        .filter_map(|l| l.get("size").and_then(Value::as_u64))
        .sum();
    s.push_str(&format!(
        "Image Size:\t{} in {} layers\n",
        super::units::human_size(total as f64),
        layers.len()
    ));
    for (i, l) in layers.iter().enumerate() {
        let size =
            super::units::human_size(l.get("size").and_then(Value::as_u64).unwrap_or(0) as f64);
        let d = l.get("name").and_then(Value::as_str).unwrap_or("");
        s.push_str(&if i == 0 {
            format!("Layers:\t{size}\t{d}\n")
        } else {
            format!("\t{size}\t{d}\n")
        });
    }
    s.push_str(&format!(
        "Image Created:\t{}\n",
        ago(md
            .get("Created")
            .and_then(Value::as_str)
            .and_then(parse_rfc3339))
    ));
    s.push_str("Author:\t<none>\n");
    s.push_str(&format!(
        "Arch:\t{}\n",
        md.get("Architecture").and_then(Value::as_str).unwrap_or("")
    ));
    let join = |k: &str| {
        md.get("Config")
            .and_then(|c| c.get(k))
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default()
    };
    let entry = join("Entrypoint");
    if !entry.is_empty() {
        s.push_str(&format!("Entrypoint:\t{entry}\n"));
    }
    s.push_str(&format!("Command:\t{}\n", none(join("Cmd"))));
    s.push_str(&format!(
        "Working Dir:\t{}\n",
        none(
            md.get("Config")
                .and_then(|c| c.get("WorkingDir"))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        )
    ));
    s.push_str(&format!(
        "User:\t{}\n",
        none(
            md.get("Config")
                .and_then(|c| c.get("User"))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        )
    ));
    s.push_str("Exposes Ports:\t<none>\n");
    s.push_str("Docker Labels:\t<none>\n");
    let env: Vec<&str> = md
        .get("Config")
        .and_then(|c| c.get("Env"))
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    for (i, e) in env.iter().enumerate() {
        s.push_str(&if i == 0 {
            format!("Environment:\t{e}\n")
        } else {
            format!("\t{e}\n")
        });
    }
    align(&s, 0, 8, 1, '\t')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_priority() {
        let mut t: Vec<String> = ["stable", "20", "20.0.2", "20.0", "latest", "20.0.3"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        prioritize_tags(&mut t);
        assert_eq!(
            t,
            vec!["latest", "20.0", "20.0.3", "20.0.2", "20", "stable"]
        );
        assert_eq!(
            tags_up_to_width(&["20".into(), "20.0.2".into()]),
            "20,20.0.2"
        );
    }
}
