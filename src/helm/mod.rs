//! `helm` (v3.21.4) on the workstation: the command line (`cli`), the client's files in the
//! virtual home (`paths`, `repo_file`), chart repositories served by the world's web hosts
//! (`fetch`, `repo`, `search`), charts (`chart`, `archive`, `package`), and releases stored as
//! Secrets in the simulated cluster (`storage`, `release`, `list`, `status`, ...).
//! docs/helm.md says what is and is not simulated.

pub mod archive;
pub mod chart;
pub mod chartcmds;
pub mod charts;
pub mod cli;
pub mod dependency;
pub mod dependency_update;
pub mod engine;
pub mod fetch;
pub mod inspect;
pub mod install;
pub mod kube;
pub mod lifecycle;
pub mod locate;
pub mod lock;
pub mod manifests;
pub mod outdir;
pub mod output;
pub mod paths;
pub mod pull;
pub mod release;
pub mod render;
pub mod repo;
pub mod repo_file;
pub mod repo_index;
pub mod schema;
pub mod search;
pub mod sites;
pub mod storage;
pub mod subcharts;
pub mod testing;
pub mod times;
pub mod uitable;
pub mod uninstall;
pub mod upgrade;

use crate::kubectl::context::Ctx;
use cli::{ParseError, Parsed};

/// A command's failure: the text after `Error: ` (exit status 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelmError(pub String);

impl From<String> for HelmError {
    fn from(s: String) -> Self {
        HelmError(s)
    }
}

impl From<&str> for HelmError {
    fn from(s: &str) -> Self {
        HelmError(s.to_string())
    }
}

/// A helm command's result.
pub type Res = Result<(), HelmError>;

/// What one helm command runs with.
pub struct Helm<'c, 'a> {
    pub ctx: &'c mut Ctx<'a>,
    pub p: Parsed,
    pub paths: paths::Paths,
}

impl Helm<'_, '_> {
    /// Standard output.
    pub fn out(&mut self, s: &str) {
        self.ctx.io.out(s);
    }

    /// Standard error.
    pub fn err(&mut self, s: &str) {
        self.ctx.io.err(s);
    }

    /// The namespace: `-n`, else `HELM_NAMESPACE`, else the kubeconfig's.
    pub fn namespace(&self) -> String {
        if let Some(n) = self.p.get("namespace") {
            return n.to_string();
        }
        match self.ctx.files.env("HELM_NAMESPACE") {
            Some(n) if !n.is_empty() => n,
            _ => self.ctx.config.namespace.clone(),
        }
    }
}

/// Runs `argv` (`argv[0]` is `helm`); returns the exit status.
pub fn run(ctx: &mut Ctx<'_>, argv: &[String]) -> i32 {
    let p = match cli::parse(argv.get(1..).unwrap_or(&[])) {
        Ok(p) => p,
        Err(ParseError::Cobra(m)) => {
            ctx.io.err(&format!("Error: {m}\n"));
            return 1;
        }
        Err(ParseError::UnknownCommand(m)) => {
            ctx.io
                .err(&format!("Error: {m}\nRun 'helm --help' for usage.\n"));
            return 1;
        }
        Err(ParseError::Unsupported(c)) => {
            ctx.io.err(&format!(
                "Error: kubelab does not support \"helm {c}\" (docs/helm.md lists what it simulates)\n"
            ));
            return 1;
        }
    };
    if p.help || p.path.is_empty() {
        let what = if p.path.is_empty() {
            "helm".to_string()
        } else {
            format!("helm {}", p.path)
        };
        ctx.io.err(&format!(
            "Error: kubelab does not support help texts (\"{what} --help\"); the Helm documentation has them\n"
        ));
        return 1;
    }
    if let Err(m) = cli::check_args(&p) {
        ctx.io.err(&format!("Error: {m}\n"));
        return 1;
    }
    if let Some(flag) = p.unsupported_flag() {
        ctx.io.err(&format!(
            "Error: kubelab does not support the flag --{flag} of \"helm {}\"\n",
            p.path
        ));
        return 1;
    }
    let paths = paths::Paths::new(&*ctx.files, &p);
    ctx.world
        .set_actor(&format!("Helm/{}", &paths::VERSION[1..]), &argv.join(" "));
    ctx.world
        .set_field_writer(Some(crate::world::api::managed_fields::Writer {
            manager: "helm".into(),
            subresource: None,
        }));
    let mut h = Helm { ctx, p, paths };
    let result = dispatch(&mut h);
    h.ctx.world.set_actor("", "");
    h.ctx.world.set_field_writer(None);
    h.ctx.world.settle();
    match result {
        Ok(()) => 0,
        Err(HelmError(m)) => {
            h.ctx.io.err(&format!("Error: {m}\n"));
            1
        }
    }
}

fn dispatch(h: &mut Helm<'_, '_>) -> Res {
    match h.p.path {
        "repo add" => repo::add(h),
        "repo update" => repo::update(h),
        "repo list" => repo::list(h),
        "repo remove" => repo::remove(h),
        "repo index" => repo_index::index_cmd(h),
        "search repo" => search::search_repo(h),
        "env" => paths::env_cmd(h),
        "create" => chartcmds::create(h),
        "package" => chartcmds::package(h),
        "lint" => chartcmds::lint(h),
        p if p.starts_with("show ") => chartcmds::show(h),
        "template" => install::template(h),
        "install" => install::install(h),
        "upgrade" => upgrade::upgrade(h),
        "rollback" => upgrade::rollback(h),
        "uninstall" => uninstall::uninstall(h),
        "list" => inspect::list(h),
        "status" => inspect::status(h),
        "history" => inspect::history(h),
        p if p.starts_with("get ") => inspect::get(h),
        "version" => paths::version(h),
        "test" => testing::test(h),
        "pull" => pull::pull(h),
        "dependency list" => dependency::list(h),
        "dependency build" => dependency_update::build(h),
        "dependency update" => dependency_update::update(h),
        "repo" | "search" | "get" | "show" | "dependency" => Err(HelmError(format!(
            "kubelab does not support help texts (\"helm {}\" prints its subcommands); the Helm documentation has them",
            h.p.path
        ))),
        other => Err(HelmError(format!(
            "kubelab does not support \"helm {other}\" yet (docs/helm.md lists what it simulates)"
        ))),
    }
}
