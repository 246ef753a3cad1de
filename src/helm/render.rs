//! From a chart and the command line's values to a release's manifest, hooks and notes, through
//! the template engine (`helm/engine`): values merged as `pkg/cli/values` does (`-f` files, then
//! `--set`, then `--set-string`), `.Capabilities` of the simulated cluster, `lookup` answered
//! from the world, and the rendered files sorted into manifest and hooks (`manifests.rs`).

use std::cell::RefCell;
use std::sync::Arc;

use serde_json::Value;

use super::chart::Chart;
use super::engine::{self, Capabilities, RenderRelease, UserValues};
use super::release::{Hook, Release};
use super::{Helm, paths};
use crate::world::World;
use crate::world::api::kinds;

/// The cluster's version (`.Capabilities.KubeVersion`).
pub const KUBE_VERSION: &str = "v1.32.4";

/// The values sources of the command line, in Helm's order; `-f` files read from the
/// workstation (or a web host of the world).
pub fn user_values(h: &Helm<'_, '_>) -> Result<Vec<UserValues>, String> {
    let mut out = Vec::new();
    for f in h.p.all("values") {
        let bytes = read_values_file(h, &f)?;
        out.push(UserValues::File(
            String::from_utf8_lossy(&bytes).into_owned(),
        ));
    }
    out.extend(h.p.all("set-json").into_iter().map(UserValues::SetJson));
    out.extend(h.p.all("set").into_iter().map(UserValues::Set));
    out.extend(h.p.all("set-string").into_iter().map(UserValues::SetString));
    for arg in h.p.all("set-file") {
        let wrap = |e: String| format!("failed parsing --set-file data: {e}");
        let mut pairs = Vec::new();
        for (key, path) in engine::strvals::file_pairs(&arg).map_err(wrap)? {
            let bytes = read_values_file(h, &path).map_err(wrap)?;
            pairs.push((key, String::from_utf8_lossy(&bytes).into_owned()));
        }
        out.push(UserValues::SetFile(pairs));
    }
    out.extend(
        h.p.all("set-literal")
            .into_iter()
            .map(UserValues::SetLiteral),
    );
    Ok(out)
}

/// `values.readFile`: `-` is standard input, an http(s) URL is fetched from the world, anything
/// else is a workstation file.
fn read_values_file(h: &Helm<'_, '_>, f: &str) -> Result<Vec<u8>, String> {
    if f.starts_with("http://") || f.starts_with("https://") {
        super::fetch::get(h.ctx.world, f).map_err(|e| e.message())
    } else if f.trim() == "-" {
        Ok(h.ctx.stdin.to_vec())
    } else {
        h.ctx
            .files
            .read_file(f)
            .map_err(|_| format!("open {f}: no such file or directory"))
    }
}

/// The user-supplied values as one map (`release.config`).
pub fn merged_user_values(user: &[UserValues]) -> Result<Value, String> {
    engine::coalesce_values("", user)
}

/// The values a release was rendered with (`get values --all`, `COMPUTED VALUES:`).
pub fn computed_values(r: &Release) -> Value {
    let user = match &r.config {
        Value::Object(o) if !o.is_empty() => {
            vec![UserValues::File(crate::printers::yaml::to_yaml(&r.config))]
        }
        _ => vec![],
    };
    engine::coalesce_values(&r.chart.values_yaml, &user).unwrap_or(Value::Null)
}

/// `.Capabilities` of the simulated cluster: its version, and the group/versions (and
/// group/version/kinds) it serves.
pub fn capabilities() -> Capabilities {
    let mut api_versions: Vec<String> = Vec::new();
    for k in kinds::KINDS {
        let gv = k.api_version();
        if !api_versions.contains(&gv) {
            api_versions.push(gv.clone());
        }
        api_versions.push(format!("{gv}/{}", k.kind));
    }
    Capabilities {
        kube_version: KUBE_VERSION.into(),
        api_versions,
        helm_version: paths::VERSION.into(),
        helm_git_commit: paths::GIT_COMMIT.into(),
        go_version: paths::GO_VERSION.into(),
    }
}

thread_local! {
    /// The world `lookup` reads during one render (a copy: the engine's functions must be
    /// `Send + Sync`, the world is not, and rendering runs on this thread).
    static LOOKUP_WORLD: RefCell<Option<World>> = const { RefCell::new(None) };
}

fn lookup(api_version: &str, kind: &str, ns: &str, name: &str) -> Option<Value> {
    LOOKUP_WORLD.with(|w| {
        let w = w.borrow();
        let w = w.as_ref()?;
        let k = kinds::by_kind_and_api_version(kind, api_version)?;
        let ns = if k.namespaced { ns } else { "" };
        if name.is_empty() {
            let items = w.list_quiet(k, if ns.is_empty() { None } else { Some(ns) }, None);
            return Some(serde_json::json!({"apiVersion": api_version, "kind": format!("{kind}List"), "items": items, "metadata": {"resourceVersion": ""}}));
        }
        w.store.get(k, ns, name).cloned()
    })
}

/// What rendering a chart gives.
pub struct Output {
    pub hooks: Vec<Hook>,
    pub manifest: String,
    pub notes: String,
}

/// Renders `chart` with `values` for a release (`renderResources`); `world` answers `lookup`
/// (None for `helm template`, whose lookups find nothing).
pub fn render(
    chart: &Chart,
    values: &Value,
    name: &str,
    ns: &str,
    revision: u32,
    is_upgrade: bool,
    world: Option<&World>,
) -> Result<Output, String> {
    let rr = RenderRelease {
        name,
        namespace: ns,
        revision,
        is_install: !is_upgrade,
        is_upgrade,
        service: "Helm",
    };
    LOOKUP_WORLD.with(|w| *w.borrow_mut() = world.cloned());
    let l: engine::Lookup = Arc::new(lookup);
    let rendered = super::subcharts::with_texts(chart, |rc| {
        engine::render(rc, values, &rr, &capabilities(), &l)
    });
    LOOKUP_WORLD.with(|w| *w.borrow_mut() = None);
    let rendered = rendered?;
    let (hooks, manifests) = super::manifests::sort_manifests(&rendered.files)?;
    Ok(Output {
        hooks,
        manifest: super::manifests::manifest_text(&manifests),
        notes: rendered.notes.unwrap_or_default(),
    })
}
