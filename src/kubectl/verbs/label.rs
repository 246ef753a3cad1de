//! `kubectl label` and `kubectl annotate` (`kubectl pkg/cmd/label`, `pkg/cmd/annotate`).

use crate::kubectl::common::dry_run;
use crate::kubectl::context::Ctx;
use crate::kubectl::flags::Flags;
use crate::kubectl::outcome::{CmdResult, Failure};
use crate::kubectl::output::{self, OBJECT_FORMATS, Output};
use crate::printers::name::{DryRun, qualified_name, success};
use crate::world::api::meta;

/// Which metadata map a command edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    /// `kubectl label`.
    Labels,
    /// `kubectl annotate`.
    Annotations,
}

/// `kubectl label` / `kubectl annotate`.
pub fn run(ctx: &mut Ctx<'_>, f: &dyn Flags, which: Which) -> CmdResult {
    let dry = dry_run(f)?;
    let overwrite = f.boolean("overwrite");
    let args = f.args();
    let first_change = args
        .iter()
        .position(|a| a.contains('=') || (a.ends_with('-') && !a.contains('/')))
        .unwrap_or(args.len());
    let (res_args, change_args) = args.split_at(first_change);
    let mut set: Vec<(String, String)> = Vec::new();
    let mut remove: Vec<String> = Vec::new();
    for a in change_args {
        if let Some((k, v)) = a.split_once('=') {
            set.push((k.to_string(), v.to_string()));
        } else if let Some(k) = a.strip_suffix('-') {
            remove.push(k.to_string());
        } else {
            return Err(Failure::Message(format!(
                "invalid {} format: {a}",
                if which == Which::Labels {
                    "label"
                } else {
                    "annotation"
                }
            )));
        }
    }
    if set.is_empty() && remove.is_empty() && !f.boolean("list") {
        return Err(Failure::Message(match which {
            Which::Labels => "at least one label update is required".into(),
            Which::Annotations => "at least one annotation update is required".into(),
        }));
    }
    let out = output::parse(f.string("output").as_deref(), OBJECT_FORMATS, &*ctx.files)?;
    let local = f.boolean("local");
    let local_missing = match which {
        Which::Labels => {
            "can only use local files by -f pod.yaml or --filename=pod.json when --local=true is set"
        }
        Which::Annotations => {
            "can only use local files by -f rsrc.yaml or --filename=rsrc.json when --local=true is set"
        }
    };
    let list = super::set_common::objects(ctx, f, res_args, local_missing)?;
    let field = match which {
        Which::Labels => "labels",
        Which::Annotations => "annotations",
    };
    let mut errors = Vec::new();
    for (kind, obj) in list {
        let obj = match obj {
            Ok(o) => o,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let current = meta::string_map(&obj, &["metadata", field]);
        // --list: the object's labels (annotations), `key=value` lines; kubectl walks a Go map
        // (random order), kubelab sorts.
        if f.boolean("list") && set.is_empty() && remove.is_empty() {
            for (k, v) in &current {
                ctx.io.out(&format!("{k}={v}\n"));
            }
            continue;
        }
        if !overwrite {
            let conflicts: Vec<String> = set
                .iter()
                .filter(|(k, v)| {
                    current.get(k).is_some_and(|c| c != v)
                        && !(which == Which::Annotations && k == "kubernetes.io/change-cause")
                })
                .map(|(k, _)| {
                    format!(
                        "'{k}' already has a value ({})",
                        current.get(k).cloned().unwrap_or_default()
                    )
                })
                .collect();
            if let Some(c) = conflicts.first() {
                errors.push(Failure::Message(match which {
                    Which::Labels => format!("{c}, and --overwrite is false"),
                    Which::Annotations => format!(
                        "--overwrite is false but found the following declared annotation(s): {}",
                        conflicts.join("; ")
                    ),
                }));
                continue;
            }
        }
        let mut next = current.clone();
        for (k, v) in &set {
            next.insert(k.clone(), v.clone());
        }
        for k in &remove {
            next.remove(k);
        }
        let mut updated = obj.clone();
        if next.is_empty() {
            meta::remove_path(&mut updated, &["metadata", field]);
        } else {
            meta::set_path(&mut updated, &["metadata", field], meta::map_value(&next));
        }
        let op = match which {
            Which::Annotations => "annotated",
            Which::Labels if next == current => "not labeled",
            Which::Labels if !remove.is_empty() && set.is_empty() => "unlabeled",
            Which::Labels => "labeled",
        };
        let mut result = updated.clone();
        if updated != obj && dry != DryRun::Client && !local {
            match ctx.world.update(updated, dry == DryRun::Server) {
                Ok(o) => result = o,
                Err(e) => {
                    errors.push(Failure::Api(e));
                    continue;
                }
            }
        }
        // --local changes nothing on the server and prints no dry-run suffix.
        let dry = if local { DryRun::None } else { dry };
        match &out {
            Output::Default => ctx.io.out(&success(kind, meta::name(&result), op, dry)),
            Output::Name => ctx
                .io
                .out(&format!("{}\n", qualified_name(kind, meta::name(&result)))),
            o => ctx
                .io
                .out(&output::print_structured(o, &[result], false, false)?),
        }
    }
    match errors.len() {
        0 => Ok(()),
        1 => Err(errors.remove(0)),
        _ => Err(Failure::Many(errors)),
    }
}
