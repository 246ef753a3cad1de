//! The command tree of kubectl v1.32 and oc: every command kubelab knows, with its flags
//! (name, shorthand, type, default). The flag lists of kubectl commands were read off
//! `kubectl <command> --help` and `kubectl options` (v1.32.4) into `commands.txt`.

use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The value type of a flag (pflag's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlagType {
    /// `--x`, `--x=false`.
    Bool,
    /// A string.
    String,
    /// An integer (`strconv.ParseInt`).
    Int,
    /// A comma-separated list, repeatable (`StringSlice`).
    Slice,
    /// A repeatable string, never split (`StringArray`).
    Array,
    /// A Go duration (`30s`).
    Duration,
}

/// One flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlagSpec {
    /// Long name.
    pub name: String,
    /// Shorthand letter.
    pub short: Option<char>,
    /// Type.
    pub ty: FlagType,
    /// Default, as help prints it.
    pub default: String,
}

impl FlagSpec {
    /// The value a bare `--flag` takes (pflag's NoOptDefVal).
    pub fn no_opt_default(&self) -> Option<&'static str> {
        match (self.ty, self.name.as_str()) {
            (FlagType::Bool, _) => Some("true"),
            (_, "dry-run") => Some("unchanged"),
            (_, "cascade") => Some("background"),
            (_, "validate") => Some("strict"),
            _ => None,
        }
    }

    /// How pflag names the flag in `invalid argument` errors: `-r, --replicas` or `--replicas`.
    pub fn display(&self) -> String {
        match self.short {
            Some(c) => format!("-{c}, --{}", self.name),
            None => format!("--{}", self.name),
        }
    }
}

/// The known command paths and flags.
pub struct Table {
    /// Global flags (`kubectl options`).
    pub global: Vec<FlagSpec>,
    /// Command path (`"rollout undo"`) to its flags, for kubectl.
    pub kubectl: BTreeMap<String, Vec<FlagSpec>>,
    /// oc-only commands.
    pub oc: BTreeMap<String, Vec<FlagSpec>>,
}

fn parse_flags(s: &str) -> Vec<FlagSpec> {
    s.split(' ')
        .filter(|f| !f.is_empty())
        .filter_map(|f| {
            let mut p = f.splitn(4, '|');
            let name = p.next()?.to_string();
            let short = p.next()?.chars().next();
            let ty = match p.next()? {
                "bool" => FlagType::Bool,
                "int" => FlagType::Int,
                "slice" => FlagType::Slice,
                "array" => FlagType::Array,
                "duration" => FlagType::Duration,
                _ => FlagType::String,
            };
            Some(FlagSpec {
                name,
                short,
                ty,
                default: p.next().unwrap_or("").to_string(),
            })
        })
        .collect()
}

/// The table (parsed once).
pub fn table() -> &'static Table {
    static T: OnceLock<Table> = OnceLock::new();
    T.get_or_init(|| {
        let mut t = Table {
            global: vec![],
            kubectl: BTreeMap::new(),
            oc: BTreeMap::new(),
        };
        let mut in_oc = false;
        for line in include_str!("commands.txt").lines() {
            if line == "@oc" {
                in_oc = true;
                continue;
            }
            let (cmd, flags) = line.split_once('\t').unwrap_or((line, ""));
            let flags = parse_flags(flags);
            if cmd == "@global" {
                t.global = flags;
            } else if in_oc {
                t.oc.insert(cmd.to_string(), flags);
            } else {
                t.kubectl.insert(cmd.to_string(), flags);
            }
        }
        t
    })
}

/// kubectl's top-level commands (for "unknown command" suggestions).
pub const KUBECTL_COMMANDS: &[&str] = &[
    "annotate",
    "api-resources",
    "api-versions",
    "apply",
    "attach",
    "auth",
    "autoscale",
    "certificate",
    "cluster-info",
    "completion",
    "config",
    "cordon",
    "cp",
    "create",
    "debug",
    "delete",
    "describe",
    "diff",
    "drain",
    "edit",
    "events",
    "exec",
    "explain",
    "expose",
    "get",
    "kustomize",
    "label",
    "logs",
    "options",
    "patch",
    "plugin",
    "port-forward",
    "proxy",
    "replace",
    "rollout",
    "run",
    "scale",
    "set",
    "taint",
    "top",
    "uncordon",
    "version",
    "wait",
];

/// oc's own top-level commands (besides kubectl's).
pub const OC_COMMANDS: &[&str] = &[
    "adm",
    "extract",
    "idle",
    "image",
    "import-image",
    "login",
    "logout",
    "new-app",
    "new-build",
    "new-project",
    "observe",
    "policy",
    "process",
    "project",
    "projects",
    "registry",
    "rsh",
    "rsync",
    "secrets",
    "serviceaccounts",
    "start-build",
    "status",
    "tag",
    "whoami",
];

/// `oc create` subcommands oc adds to kubectl's (openshift/oc `kubectlwrappers/wrappers.go`)
/// that kubelab does not run, with their aliases.
pub const OC_CREATE_ONLY: &[&str] = &[
    "build",
    "clusterquota",
    "clusterresourcequota",
    "dc",
    "deploymentconfig",
    "identity",
    "user",
    "useridentitymapping",
];

/// Subcommand aliases: (group, alias, name).
pub const ALIASES: &[(&str, &str, &str)] = &[
    ("create", "deploy", "deployment"),
    ("create", "cm", "configmap"),
    ("create", "ns", "namespace"),
    ("create", "sa", "serviceaccount"),
    ("create", "svc", "service"),
    ("create", "cj", "cronjob"),
    ("create", "resourcequota", "quota"),
    ("create", "ing", "ingress"),
    ("create", "pdb", "poddisruptionbudget"),
    ("create", "pc", "priorityclass"),
    ("create", "is", "imagestream"),
    ("create", "istag", "imagestreamtag"),
    ("set", "sa", "serviceaccount"),
    ("top", "pods", "pod"),
    ("top", "po", "pod"),
    ("top", "nodes", "node"),
    ("top", "no", "node"),
];
