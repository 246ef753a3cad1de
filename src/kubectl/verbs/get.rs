//! `kubectl get` (`kubectl pkg/cmd/get/get.go`): tables, `-o wide|yaml|json|name|jsonpath|
//! custom-columns`, several kinds at once, label and field selectors, `-A`, `--show-labels`,
//! `-L`, `--sort-by`, `--ignore-not-found`, `-f`, and a bounded `--watch`.

use std::rc::Rc;

use serde_json::Value;

use crate::kubectl::context::Ctx;
use crate::kubectl::files;
use crate::kubectl::flags::Flags;
use crate::kubectl::outcome::{CmdResult, Failure};
use crate::kubectl::output::{self, GET_FORMATS, Output};
use crate::kubectl::resources::{self, Request};
use crate::kubectl::waiting::Wait;
use crate::printers::name::qualified_name;
use crate::printers::table::{self, TableOptions};
use crate::printers::tabwriter;
use crate::world::api::kinds::KindInfo;
use crate::world::api::meta;
use crate::world::api::selector::Selector;

/// The table of objects of one kind: a custom resource's printer columns, or the built-in
/// kind's columns.
fn table_rows<V: std::borrow::Borrow<Value>>(
    world: &crate::world::World,
    kind: &KindInfo,
    objs: &[V],
    opts: &TableOptions,
) -> Vec<Vec<String>> {
    match world.custom_resource(kind) {
        Some(served) => crate::printers::custom_table::table(
            &served.preferred().columns,
            objs,
            opts,
            world.now(),
        ),
        None => table::table(kind.kind, objs, opts, world.now()),
    }
}

/// How long a `--watch` follows changes in virtual time before kubelab stops it.
pub const WATCH_LIMIT_MS: i64 = 5 * 60 * 1000;

/// The options of one `get`.
pub struct GetOptions {
    requests: Vec<Request>,
    namespace: String,
    all_namespaces: bool,
    selector: Option<Selector>,
    field_selector: Vec<(String, bool, String)>,
    output: Output,
    table: TableOptions,
    sort_by: Option<String>,
    ignore_not_found: bool,
    watch: bool,
    watch_only: bool,
    from_files: Vec<Value>,
    chunk_names: bool,
    /// `--show-managed-fields`: structured output keeps `metadata.managedFields`.
    show_managed_fields: bool,
}

fn parse_field_selector(s: &str) -> Result<Vec<(String, bool, String)>, Failure> {
    let mut out = Vec::new();
    for part in s.split(',').filter(|p| !p.is_empty()) {
        let (k, eq, v) = if let Some((k, v)) = part.split_once("!=") {
            (k, false, v)
        } else if let Some((k, v)) = part.split_once("==") {
            (k, true, v)
        } else if let Some((k, v)) = part.split_once('=') {
            (k, true, v)
        } else {
            return Err(Failure::Message(format!(
                "invalid selector: '{part}'; can't understand '{part}'"
            )));
        };
        out.push((k.trim().to_string(), eq, v.trim().to_string()));
    }
    Ok(out)
}

fn field_value(obj: &Value, field: &str) -> Option<String> {
    let keys: Vec<&str> = field.split('.').collect();
    meta::path(obj, &keys).map(|v| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    })
}

impl GetOptions {
    /// Complete and validate from the command line.
    pub fn new(ctx: &mut Ctx<'_>, f: &dyn Flags) -> Result<GetOptions, Failure> {
        let output = output::parse_flags(f, GET_FORMATS, &*ctx.files)?;
        let filenames = f.strings("filename");
        let from_files = if filenames.is_empty() {
            vec![]
        } else {
            files::read_manifests(ctx, &filenames, f.boolean("recursive"))?
        };
        let requests = resources::parse(ctx.world, f.args())?;
        if requests.is_empty() && from_files.is_empty() {
            return Err(Failure::Raw(
                "You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples\n"
                    .replace("kubectl", f.program()),
            ));
        }
        let has_names = requests.iter().any(|r| !r.names.is_empty());
        let selector = match f.string("selector") {
            Some(s) if !s.is_empty() => {
                if has_names {
                    return Err(Failure::Message(
                        "name cannot be provided when a selector is specified".into(),
                    ));
                }
                Some(Selector::parse(&s).map_err(Failure::Message)?)
            }
            _ => None,
        };
        let all_namespaces = f.boolean("all-namespaces");
        if all_namespaces && has_names {
            return Err(Failure::Message(
                "a resource cannot be retrieved by name across all namespaces".into(),
            ));
        }
        let field_selector = parse_field_selector(&f.string("field-selector").unwrap_or_default())?;
        let several_kinds = requests.len() > 1
            || f.args()
                .first()
                .is_some_and(|a| a == "all" || a.split(',').any(|t| t == "all"));
        let table = TableOptions {
            wide: output == Output::Wide,
            show_labels: f.boolean("show-labels"),
            label_columns: f.strings("label-columns"),
            with_namespace: all_namespaces,
            no_headers: f.boolean("no-headers"),
            kind_prefix: None,
        };
        Ok(GetOptions {
            namespace: ctx.namespace(f.string("namespace").as_deref()),
            requests,
            all_namespaces,
            selector,
            field_selector,
            output,
            table,
            sort_by: f.string("sort-by").filter(|s| !s.is_empty()),
            ignore_not_found: f.boolean("ignore-not-found"),
            watch: f.boolean("watch"),
            watch_only: f.boolean("watch-only"),
            from_files,
            chunk_names: several_kinds || f.boolean("show-kind"),
            show_managed_fields: f.boolean("show-managed-fields"),
        })
    }

    fn matches_fields(&self, obj: &Value) -> bool {
        self.field_selector
            .iter()
            .all(|(k, eq, v)| (field_value(obj, k).as_deref() == Some(v.as_str())) == *eq)
    }

    /// Run: gather the objects of every requested kind, then print.
    pub fn run(&self, ctx: &mut Ctx<'_>) -> CmdResult {
        let mut groups: Vec<(&'static KindInfo, Vec<Rc<Value>>, bool)> = Vec::new();
        let mut errors: Vec<Failure> = Vec::new();
        for obj in &self.from_files {
            let kind = ctx.world.kind_of(obj)?;
            let ns = if kind.namespaced {
                if meta::namespace(obj).is_empty() {
                    self.namespace.clone()
                } else {
                    meta::namespace(obj).to_string()
                }
            } else {
                String::new()
            };
            match ctx.world.get(kind, &ns, meta::name(obj)) {
                Ok(o) => push(&mut groups, kind, o, true),
                Err(e) => errors.push(Failure::Api(e)),
            }
        }
        for r in &self.requests {
            if r.names.is_empty() {
                let ns = if self.all_namespaces || !r.kind.namespaced {
                    None
                } else {
                    Some(self.namespace.as_str())
                };
                if let Err(e) = ctx.world.authorize_list(r.kind, ns) {
                    errors.push(Failure::Api(e));
                    continue;
                }
                let objs: Vec<Rc<Value>> = ctx
                    .world
                    .list_shared(r.kind, ns, self.selector.as_ref())
                    .into_iter()
                    .filter(|o| self.matches_fields(o))
                    .collect();
                groups.push((r.kind, objs, false));
            } else {
                for n in &r.names {
                    match ctx.world.get(r.kind, &self.namespace, n) {
                        Ok(o) => push(&mut groups, r.kind, o, true),
                        Err(e)
                            if self.ignore_not_found
                                && e.reason == crate::world::Reason::NotFound => {}
                        Err(e) => errors.push(Failure::Api(e)),
                    }
                }
            }
        }
        if let Some(key) = &self.sort_by {
            for g in groups.iter_mut() {
                crate::kubectl::sorting::sort_by(&mut g.1, key)?;
            }
        }
        let total: usize = groups.iter().map(|g| g.1.len()).sum();
        let single_named = self.requests.len() == 1
            && self.requests[0].names.len() == 1
            && self.from_files.is_empty()
            || (self.requests.is_empty() && self.from_files.len() == 1);
        let mut text = String::new();
        match &self.output {
            Output::Default | Output::Wide => {
                let mut first = true;
                for (kind, objs, _) in &groups {
                    if objs.is_empty() {
                        continue;
                    }
                    let mut opts = self.table.clone();
                    opts.with_namespace = self.all_namespaces && kind.namespaced;
                    if self.chunk_names {
                        opts.kind_prefix = Some(kind.qualified_singular());
                    }
                    let rows = table_rows(ctx.world, kind, objs, &opts);
                    if !first {
                        text.push('\n');
                    }
                    first = false;
                    text.push_str(&tabwriter::table(&rows));
                }
            }
            Output::Name => {
                for (kind, objs, _) in &groups {
                    for o in objs {
                        text.push_str(&qualified_name(kind, meta::name(o)));
                        text.push('\n');
                    }
                }
            }
            Output::CustomColumns(spec) => {
                let all: Vec<Value> = groups
                    .iter()
                    .flat_map(|g| g.1.iter().map(|o| Value::clone(o)))
                    .collect();
                text = crate::kubectl::output::custom_columns(spec, &all, self.table.no_headers)?;
            }
            out => {
                let mut all: Vec<Value> = groups
                    .iter()
                    .flat_map(|g| g.1.iter().map(|o| Value::clone(o)))
                    .collect();
                if self.show_managed_fields {
                    all = all
                        .iter()
                        .map(|o| ctx.world.with_managed_fields(o))
                        .collect();
                }
                if !all.is_empty() || errors.is_empty() {
                    text = output::print_structured(out, &all, !single_named, false)?;
                }
            }
        }
        if !self.watch_only {
            ctx.io.out(&text);
        }
        if total == 0
            && errors.is_empty()
            && matches!(self.output, Output::Default | Output::Wide | Output::Name)
            && !self.watch
        {
            if self.all_namespaces || self.requests.iter().all(|r| !r.kind.namespaced) {
                ctx.io.err("No resources found\n");
            } else {
                ctx.io.err(&format!(
                    "No resources found in {} namespace.\n",
                    self.namespace
                ));
            }
        }
        if self.watch || self.watch_only {
            self.watch(ctx, &groups)?;
        }
        match errors.len() {
            0 => Ok(()),
            1 => Err(errors.remove(0)),
            _ => Err(Failure::Many(errors)),
        }
    }

    /// `--watch`: one line per change, until the world is quiet or the virtual-time limit.
    fn watch(
        &self,
        ctx: &mut Ctx<'_>,
        groups: &[(&'static KindInfo, Vec<Rc<Value>>, bool)],
    ) -> CmdResult {
        let Some((kind, _, _)) = groups.first() else {
            return Ok(());
        };
        let kind: &'static KindInfo = kind;
        let mut seen: std::collections::BTreeMap<(String, String), String> =
            std::collections::BTreeMap::new();
        let snapshot = |ctx: &mut Ctx<'_>| -> Vec<Value> {
            let ns = if self.all_namespaces || !kind.namespaced {
                None
            } else {
                Some(self.namespace.as_str())
            };
            let names: Vec<String> = self
                .requests
                .first()
                .map(|r| r.names.clone())
                .unwrap_or_default();
            ctx.world
                .list_quiet(kind, ns, self.selector.as_ref())
                .into_iter()
                .filter(|o| names.is_empty() || names.iter().any(|n| n == meta::name(o)))
                .collect()
        };
        for o in snapshot(ctx) {
            seen.insert(
                (meta::namespace(&o).to_string(), meta::name(&o).to_string()),
                meta::str_at(&o, &["metadata", "resourceVersion"])
                    .unwrap_or("")
                    .to_string(),
            );
        }
        let wait = Wait::new(ctx, None, WATCH_LIMIT_MS);
        let mut opts = self.table.clone();
        opts.no_headers = true;
        opts.with_namespace = self.all_namespaces && kind.namespaced;
        loop {
            if let Err(end) = wait.next(ctx) {
                return Err(end.failure(Failure::Message(String::new())));
            }
            for o in snapshot(ctx) {
                let key = (meta::namespace(&o).to_string(), meta::name(&o).to_string());
                let rv = meta::str_at(&o, &["metadata", "resourceVersion"])
                    .unwrap_or("")
                    .to_string();
                if seen.get(&key) == Some(&rv) {
                    continue;
                }
                seen.insert(key, rv);
                let line = match &self.output {
                    Output::Default | Output::Wide => tabwriter::table(&table_rows(
                        ctx.world,
                        kind,
                        std::slice::from_ref(&o),
                        &opts,
                    )),
                    Output::Name => format!("{}\n", qualified_name(kind, meta::name(&o))),
                    out => output::print_structured(out, std::slice::from_ref(&o), false, false)?,
                };
                ctx.io.out(&line);
            }
        }
    }
}

fn push(
    groups: &mut Vec<(&'static KindInfo, Vec<Rc<Value>>, bool)>,
    kind: &'static KindInfo,
    obj: Value,
    named: bool,
) {
    match groups.iter_mut().find(|g| g.0 == kind) {
        Some(g) => g.1.push(Rc::new(obj)),
        None => groups.push((kind, vec![Rc::new(obj)], named)),
    }
}

/// `kubectl get`.
pub fn run(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    if let Some(path) = f.string("raw").filter(|p| !p.is_empty()) {
        return raw(ctx, &path);
    }
    GetOptions::new(ctx, f)?.run(ctx)
}

/// `kubectl get --raw PATH`: the server's body as it is. kubelab answers the paths of the
/// metrics API (`world::metrics::api`) and says plainly that it does not serve the others raw.
fn raw(ctx: &mut Ctx<'_>, path: &str) -> CmdResult {
    match crate::world::metrics::api::raw(ctx.world, path) {
        Some(Ok(body)) => {
            ctx.io.out(&format!("{body}\n"));
            Ok(())
        }
        Some(Err((_, message))) => Err(Failure::Api(crate::world::ApiError {
            reason: crate::world::Reason::NotFound,
            message,
            causes: vec![],
        })),
        None => Err(Failure::Unsupported(format!(
            "\"get --raw {path}\" (only the metrics.k8s.io paths are served raw)"
        ))),
    }
}
