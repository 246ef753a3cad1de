//! `oc image info [--filter-by-os=REGEX] IMAGE` (openshift/oc `pkg/cli/image/info/info.go`).

use crate::kubectl::context::Ctx;
use crate::kubectl::flags::Flags;
use crate::kubectl::outcome::{CmdResult, Failure};
use crate::printers::tabwriter::align;
use crate::printers::units::{human_size, short_human_duration};
use crate::world::registry::{ImageRef, Manifest};

/// `oc image info`.
pub fn run(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let Some(reference) = f.args().first().cloned() else {
        return Err(Failure::Usage {
            command: f.command_line_name(),
            message: "you must specify at least one image to view".into(),
        });
    };
    let parsed = ImageRef::parse(&reference).map_err(|e| {
        Failure::Message(format!(
            "\"{reference}\" is not a valid image reference: {e}"
        ))
    })?;
    let filter = f.string("filter-by-os").filter(|s| !s.is_empty());
    let resolved = ctx.world.registry.resolve(&parsed.full()).map_err(|e| {
        Failure::Message(format!("image \"{reference}\" not found: {}", e.message()))
    })?;
    let list = match ctx.world.registry.manifest(&resolved.repo_digest) {
        Some(Manifest::List(l)) => Some(l.clone()),
        _ => None,
    };
    let image = match &list {
        None => resolved.image.clone(),
        Some(l) => {
            let re = match &filter {
                Some(p) => Some(regex::Regex::new(p).map_err(|e| {
                    Failure::Message(format!(
                        "--filter-by-os was not a valid regular expression: {e}"
                    ))
                })?),
                None => None,
            };
            let matches: Vec<&(String, String, String)> = l
                .entries
                .iter()
                .filter(|(os, arch, _)| {
                    re.as_ref()
                        .is_none_or(|re| re.is_match(&format!("{os}/{arch}")))
                })
                .collect();
            if matches.len() != 1 {
                let mut t = String::from("  OS\tDIGEST\n");
                for (os, arch, d) in &l.entries {
                    t.push_str(&format!("  {os}/{arch}\t{d}\n"));
                }
                return Err(Failure::Message(format!(
                    "the image is a manifest list and contains multiple images - use --filter-by-os to select from:\n\n{}\n",
                    align(&t, 0, 0, 1, ' ')
                )));
            }
            match ctx.world.registry.manifest(&matches[0].2) {
                Some(Manifest::Image(i)) => (**i).clone(),
                _ => resolved.image.clone(),
            }
        }
    };
    let spec = &image.spec;
    let mut s = String::new();
    s.push_str(&format!("Name:\t{reference}\n"));
    if parsed.digest.as_deref() != Some(image.digest.as_str()) {
        s.push_str(&format!("Digest:\t{}\n", image.digest));
    }
    if let Some(l) = &list {
        s.push_str(&format!("Manifest List:\t{}\n", l.digest));
    }
    s.push_str("Media Type:\tapplication/vnd.docker.distribution.manifest.v2+json\n");
    s.push_str(&format!(
        "Created:\t{} ago\n",
        short_human_duration(ctx.world.now() - spec.created)
    ));
    let total: u64 = image.layers.iter().map(|l| l.1).sum();
    s.push_str(&format!(
        "Image Size:\t{} in {} layers\n",
        human_size(total as f64),
        image.layers.len()
    ));
    let width = image
        .layers
        .iter()
        .map(|l| human_size(l.1 as f64).len())
        .max()
        .unwrap_or(0)
        + 1;
    for (i, (d, size)) in image.layers.iter().enumerate() {
        let sz = if *size == 0 {
            "--".to_string()
        } else {
            human_size(*size as f64)
        };
        let cell = format!("{sz:<width$}{d}");
        s.push_str(&if i == 0 {
            format!("Layers:\t{cell}\n")
        } else {
            format!("\t{cell}\n")
        });
    }
    s.push_str(&format!("OS:\t{}\n", spec.os));
    s.push_str(&format!("Arch:\t{}\n", spec.architecture));
    let c = &spec.config;
    if !c.entrypoint.is_empty() {
        s.push_str(&format!("Entrypoint:\t{}\n", c.entrypoint.join(" ")));
    }
    s.push_str(&format!(
        "Command:\t{}\n",
        if c.cmd.is_empty() && c.entrypoint.is_empty() {
            "<none>".into()
        } else {
            c.cmd.join(" ")
        }
    ));
    if !c.working_dir.is_empty() {
        s.push_str(&format!("Working Dir:\t{}\n", c.working_dir));
    }
    if !c.user.is_empty() {
        s.push_str(&format!("User:\t{}\n", c.user));
    }
    if !c.exposed_ports.is_empty() {
        let mut p = c.exposed_ports.clone();
        p.sort();
        s.push_str(&format!("Exposes Ports:\t{}\n", p.join(", ")));
    }
    for (i, e) in c.env.iter().enumerate() {
        s.push_str(&if i == 0 {
            format!("Environment:\t{e}\n")
        } else {
            format!("\t{e}\n")
        });
    }
    for (i, (k, v)) in c.labels.iter().enumerate() {
        s.push_str(&if i == 0 {
            format!("Labels:\t{k}={v}\n")
        } else {
            format!("\t{k}={v}\n")
        });
    }
    ctx.io.out(&format!("{}\n", align(&s, 0, 4, 1, ' ')));
    Ok(())
}
