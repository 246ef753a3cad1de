//! Helm v3.21's command tree and pflag/cobra parsing: the commands kubelab knows with every
//! flag the real command has (so a real flag kubelab does not implement is refused by name,
//! never ignored), the global flags, interspersed flags, `--`, and cobra's error texts.

/// A flag's value type (pflag's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    /// `--x`, `--x=false`.
    Bool,
    /// A string.
    Str,
    /// An int (`strconv.ParseInt`).
    Int,
    /// A uint.
    Uint,
    /// StringArray: repeatable, never split.
    Array,
    /// StringSlice: repeatable, comma-split.
    Slice,
    /// A Go duration.
    Duration,
    /// StringToString (`a=b,c=d`).
    Map,
    /// float32.
    Float,
}

/// One flag of a command.
#[derive(Debug, Clone, Copy)]
pub struct Flag {
    pub name: &'static str,
    pub short: Option<char>,
    pub ty: Ty,
    /// kubelab implements it.
    pub supported: bool,
    /// pflag's NoOptDefVal for non-bool flags (`--dry-run` alone means `client`).
    pub no_opt: Option<&'static str>,
}

/// How many arguments a command takes (`cmd/helm/require`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Args {
    None,
    Exact(usize),
    Min(usize),
    Max(usize),
    Any,
}

/// One command of the tree.
pub struct Command {
    /// Full path without `helm` (`"repo add"`).
    pub path: &'static str,
    /// Aliases of the last word.
    pub aliases: &'static [&'static str],
    /// cobra's `Use` after the name (`"[NAME] [URL]"`).
    pub use_args: &'static str,
    pub args: Args,
    /// Flag specs: `name|short|type` words, `*` first when kubelab implements it.
    pub flags: &'static str,
}

const GLOBAL: &str = "burst-limit||i *debug|| kube-apiserver||s kube-as-group||a kube-as-user||s kube-ca-file||s kube-context||s kube-insecure-skip-tls-verify||b kube-tls-server-name||s kube-token||s kubeconfig||s *namespace|n|s qps||f registry-config||s *repository-cache||s *repository-config||s";

const VALUES: &str = "*values|f|l *set||a *set-string||a *set-file||a *set-json||a *set-literal||a";
const CHART_PATH: &str = "*version||s verify||b keyring||s repo||s username||s password||s cert-file||s key-file||s insecure-skip-tls-verify||b plain-http||b ca-file||s pass-credentials||b";
const INSTALL: &str = "*create-namespace||b *dry-run||s force||b no-hooks||b replace||b *timeout||d *wait||b wait-for-jobs||b *generate-name|g|b name-template||s *description||s devel||b dependency-update||b disable-openapi-validation||b *atomic||b skip-crds||b render-subchart-notes||b *skip-schema-validation||b labels|l|m enable-dns||b *hide-notes||b take-ownership||b post-renderer||s post-renderer-args||a";

/// The commands kubelab answers (others: see [`unsupported_command`]).
pub const COMMANDS: &[Command] = &[
    Command {
        path: "create",
        aliases: &[],
        use_args: "NAME",
        args: Args::Exact(1),
        flags: "starter|p|s",
    },
    Command {
        path: "lint",
        aliases: &[],
        use_args: "PATH",
        args: Args::Any,
        flags: "*strict||b with-subcharts||b *quiet||b *skip-schema-validation||b kube-version||s *values|f|l *set||a *set-string||a *set-file||a *set-json||a *set-literal||a",
    },
    Command {
        path: "template",
        aliases: &[],
        use_args: "[NAME] [CHART]",
        args: Args::Min(1),
        flags: "",
    },
    Command {
        path: "package",
        aliases: &[],
        use_args: "[CHART_PATH] [...]",
        args: Args::Any,
        flags: "sign||b key||s keyring||s passphrase-file||s *version||s *app-version||s *destination|d|s dependency-update|u|b username||s password||s cert-file||s key-file||s insecure-skip-tls-verify||b plain-http||b ca-file||s",
    },
    Command {
        path: "repo",
        aliases: &[],
        use_args: "add|remove|list|index|update [ARGS]",
        args: Args::None,
        flags: "",
    },
    Command {
        path: "repo add",
        aliases: &[],
        use_args: "[NAME] [URL]",
        args: Args::Exact(2),
        flags: "username||s password||s password-stdin||b *force-update||b *no-update||b cert-file||s key-file||s ca-file||s insecure-skip-tls-verify||b *allow-deprecated-repos||b pass-credentials||b timeout||d",
    },
    Command {
        path: "repo update",
        aliases: &["up"],
        use_args: "[REPO1 [REPO2 ...]]",
        args: Args::Any,
        flags: "timeout||d *fail-on-repo-update-fail||b",
    },
    Command {
        path: "repo list",
        aliases: &["ls"],
        use_args: "",
        args: Args::None,
        flags: "*output|o|s",
    },
    Command {
        path: "repo remove",
        aliases: &["rm"],
        use_args: "[REPO1 [REPO2 ...]]",
        args: Args::Min(1),
        flags: "",
    },
    Command {
        path: "repo index",
        aliases: &[],
        use_args: "[DIR]",
        args: Args::Exact(1),
        flags: "*url||s merge||s json||b",
    },
    Command {
        path: "search",
        aliases: &[],
        use_args: "[command]",
        args: Args::None,
        flags: "",
    },
    Command {
        path: "search repo",
        aliases: &[],
        use_args: "[keyword]",
        args: Args::Any,
        flags: "*regexp|r|b *versions|l|b *devel||b *version||s *max-col-width||u *fail-on-no-result||b *output|o|s",
    },
    Command {
        path: "install",
        aliases: &[],
        use_args: "[NAME] [CHART]",
        args: Args::Min(1),
        flags: "hide-secret||b *output|o|s",
    },
    Command {
        path: "upgrade",
        aliases: &[],
        use_args: "[RELEASE] [CHART]",
        args: Args::Exact(2),
        flags: "*create-namespace||b *install|i|b devel||b *dry-run||s hide-secret||b recreate-pods||b force||b no-hooks||b disable-openapi-validation||b skip-crds||b *timeout||d *reset-values||b *reuse-values||b reset-then-reuse-values||b *wait||b wait-for-jobs||b *atomic||b *history-max||i cleanup-on-fail||b render-subchart-notes||b *hide-notes||b *skip-schema-validation||b labels|l|m *description||s dependency-update||b enable-dns||b take-ownership||b post-renderer||s post-renderer-args||a *output|o|s",
    },
    Command {
        path: "rollback",
        aliases: &[],
        use_args: "<RELEASE> [REVISION]",
        args: Args::Min(1),
        flags: "*dry-run||b recreate-pods||b force||b no-hooks||b *timeout||d *wait||b wait-for-jobs||b cleanup-on-fail||b *history-max||i",
    },
    Command {
        path: "uninstall",
        aliases: &["del", "delete", "un"],
        use_args: "RELEASE_NAME [...]",
        args: Args::Min(1),
        flags: "*dry-run||b no-hooks||b *ignore-not-found||b *keep-history||b *wait||b cascade||s *timeout||d *description||s",
    },
    Command {
        path: "list",
        aliases: &["ls"],
        use_args: "",
        args: Args::None,
        flags: "*short|q|b *no-headers||b *time-format||s *date|d|b *reverse|r|b *all|a|b *uninstalled||b *superseded||b *uninstalling||b *deployed||b *failed||b *pending||b *all-namespaces|A|b *max|m|i *offset||i *filter|f|s *selector|l|s *output|o|s",
    },
    Command {
        path: "status",
        aliases: &[],
        use_args: "RELEASE_NAME",
        args: Args::Exact(1),
        flags: "*revision||i *output|o|s *show-desc||b show-resources||b",
    },
    Command {
        path: "history",
        aliases: &["hist"],
        use_args: "RELEASE_NAME",
        args: Args::Exact(1),
        flags: "*max||i *output|o|s",
    },
    Command {
        path: "get",
        aliases: &[],
        use_args: "[command]",
        args: Args::None,
        flags: "",
    },
    Command {
        path: "get values",
        aliases: &[],
        use_args: "RELEASE_NAME",
        args: Args::Exact(1),
        flags: "*revision||i *all|a|b *output|o|s",
    },
    Command {
        path: "get manifest",
        aliases: &[],
        use_args: "RELEASE_NAME",
        args: Args::Exact(1),
        flags: "*revision||i",
    },
    Command {
        path: "get notes",
        aliases: &[],
        use_args: "RELEASE_NAME",
        args: Args::Exact(1),
        flags: "*revision||i",
    },
    Command {
        path: "get hooks",
        aliases: &[],
        use_args: "RELEASE_NAME",
        args: Args::Exact(1),
        flags: "*revision||i",
    },
    Command {
        path: "get all",
        aliases: &[],
        use_args: "RELEASE_NAME",
        args: Args::Exact(1),
        flags: "*revision||i template||s",
    },
    Command {
        path: "show",
        aliases: &["inspect"],
        use_args: "[command]",
        args: Args::None,
        flags: "",
    },
    Command {
        path: "show all",
        aliases: &[],
        use_args: "[CHART]",
        args: Args::Exact(1),
        flags: "devel||b",
    },
    Command {
        path: "show values",
        aliases: &[],
        use_args: "[CHART]",
        args: Args::Exact(1),
        flags: "devel||b jsonpath||s",
    },
    Command {
        path: "show chart",
        aliases: &[],
        use_args: "[CHART]",
        args: Args::Exact(1),
        flags: "devel||b",
    },
    Command {
        path: "show readme",
        aliases: &[],
        use_args: "[CHART]",
        args: Args::Exact(1),
        flags: "devel||b",
    },
    Command {
        path: "show crds",
        aliases: &[],
        use_args: "[CHART]",
        args: Args::Exact(1),
        flags: "devel||b",
    },
    Command {
        path: "dependency",
        aliases: &["dep", "dependencies"],
        use_args: "update|build|list",
        args: Args::None,
        flags: "",
    },
    Command {
        path: "dependency list",
        aliases: &["ls"],
        use_args: "CHART",
        args: Args::Max(1),
        flags: "*max-col-width||u",
    },
    Command {
        path: "dependency build",
        aliases: &[],
        use_args: "CHART",
        args: Args::Max(1),
        flags: "verify||b keyring||s *skip-refresh||b username||s password||s cert-file||s key-file||s insecure-skip-tls-verify||b plain-http||b ca-file||s",
    },
    Command {
        path: "dependency update",
        aliases: &["up"],
        use_args: "CHART",
        args: Args::Max(1),
        flags: "verify||b keyring||s *skip-refresh||b username||s password||s cert-file||s key-file||s insecure-skip-tls-verify||b plain-http||b ca-file||s",
    },
    Command {
        path: "pull",
        aliases: &["fetch"],
        use_args: "[chart URL | repo/chartname] [...]",
        args: Args::Min(1),
        flags: "*devel||b *untar||b prov||b *untardir||s *destination|d|s",
    },
    Command {
        path: "test",
        aliases: &[],
        use_args: "[RELEASE]",
        args: Args::Exact(1),
        flags: "*timeout||d *logs||b *filter||l *hide-notes||b",
    },
    Command {
        path: "env",
        aliases: &[],
        use_args: "",
        args: Args::Max(1),
        flags: "",
    },
    Command {
        path: "version",
        aliases: &[],
        use_args: "",
        args: Args::None,
        flags: "*short||b template||s *client|c|b",
    },
];

/// Real helm commands kubelab does not simulate.
const UNSUPPORTED: &[&str] = &["completion", "plugin", "push", "registry", "verify"];

fn flag_specs(s: &'static str) -> impl Iterator<Item = Flag> {
    s.split(' ').filter(|w| !w.is_empty()).map(|w| {
        let (supported, w) = match w.strip_prefix('*') {
            Some(rest) => (true, rest),
            None => (false, w),
        };
        let mut p = w.split('|');
        let name = p.next().unwrap_or("");
        let short = p.next().and_then(|s| s.chars().next());
        let ty = match p.next().unwrap_or("s") {
            "b" => Ty::Bool,
            "i" => Ty::Int,
            "u" => Ty::Uint,
            "a" => Ty::Array,
            "l" => Ty::Slice,
            "d" => Ty::Duration,
            "m" => Ty::Map,
            "f" => Ty::Float,
            _ => Ty::Str,
        };
        let no_opt = (name == "dry-run" && ty == Ty::Str).then_some("client");
        Flag {
            name,
            short,
            ty,
            supported,
            no_opt,
        }
    })
}

fn all_flags(cmd: &Command) -> Vec<Flag> {
    let mut v: Vec<Flag> = flag_specs(cmd.flags).collect();
    match cmd.path {
        "install" | "template" => {
            v.extend(flag_specs(INSTALL));
            v.extend(flag_specs(VALUES));
            v.extend(flag_specs(CHART_PATH));
        }
        "upgrade" => {
            v.extend(flag_specs(CHART_PATH));
            v.extend(flag_specs(VALUES));
        }
        p if p.starts_with("show ") || p == "pull" => v.extend(flag_specs(CHART_PATH)),
        _ => {}
    }
    if cmd.path == "template" {
        v.extend(flag_specs("*show-only|s|a *output-dir||s validate||b include-crds||b *skip-tests||b is-upgrade||b kube-version||s api-versions|a|l *release-name||b"));
    }
    v.extend(flag_specs(GLOBAL));
    v
}

/// A parsed helm command line.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// Command path (`"repo add"`).
    pub path: &'static str,
    pub args: Vec<String>,
    /// (long name, value) in command-line order.
    pub flags: Vec<(String, String)>,
    /// `-h`/`--help`.
    pub help: bool,
}

impl Parsed {
    /// The last value of a flag.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.flags
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// A bool flag.
    pub fn bool(&self, name: &str) -> bool {
        self.get(name)
            .is_some_and(|v| matches!(v, "1" | "t" | "T" | "true" | "TRUE" | "True"))
    }

    /// Every value of a repeatable flag (slices split on commas).
    pub fn all(&self, name: &str) -> Vec<String> {
        let slice = self
            .path_cmd()
            .map(all_flags)
            .unwrap_or_default()
            .iter()
            .any(|f| f.name == name && f.ty == Ty::Slice);
        let mut out = Vec::new();
        for (n, v) in &self.flags {
            if n == name {
                if slice {
                    out.extend(v.split(',').map(str::to_string));
                } else {
                    out.push(v.clone());
                }
            }
        }
        out
    }

    /// An int flag (validated at parse time).
    pub fn int(&self, name: &str) -> Option<i64> {
        self.get(name).and_then(|v| v.parse().ok())
    }

    fn path_cmd(&self) -> Option<&'static Command> {
        COMMANDS.iter().find(|c| c.path == self.path)
    }

    /// cobra's use line: `helm repo add [NAME] [URL] [flags]`.
    pub fn use_line(&self) -> String {
        use_line(self.path)
    }

    /// The first given flag kubelab does not implement.
    pub fn unsupported_flag(&self) -> Option<String> {
        let cmd = self.path_cmd()?;
        let specs = all_flags(cmd);
        self.flags
            .iter()
            .find(|(n, _)| specs.iter().any(|f| f.name == n && !f.supported))
            .map(|(n, _)| n.clone())
    }
}

fn use_line(path: &str) -> String {
    let cmd = COMMANDS.iter().find(|c| c.path == path);
    let args = cmd.map(|c| c.use_args).unwrap_or("");
    let mut s = format!("helm {path}");
    if !args.is_empty() {
        s.push(' ');
        s.push_str(args);
    }
    s.push_str(" [flags]");
    s
}

fn pluralize(n: usize) -> &'static str {
    if n == 1 { "argument" } else { "arguments" }
}

/// Checks the argument count as `cmd/helm/require` does.
pub fn check_args(p: &Parsed) -> Result<(), String> {
    let Some(cmd) = p.path_cmd() else {
        return Ok(());
    };
    let n = p.args.len();
    let path = format!("helm {}", p.path);
    let ul = p.use_line();
    match cmd.args {
        Args::None if n > 0 => Err(format!("\"{path}\" accepts no arguments\n\nUsage:  {ul}")),
        Args::Exact(k) if n != k => Err(format!(
            "\"{path}\" requires {k} {}\n\nUsage:  {ul}",
            pluralize(k)
        )),
        Args::Min(k) if n < k => Err(format!(
            "\"{path}\" requires at least {k} {}\n\nUsage:  {ul}",
            pluralize(k)
        )),
        Args::Max(k) if n > k => Err(format!(
            "\"{path}\" accepts at most {k} {}\n\nUsage:  {ul}",
            pluralize(k)
        )),
        _ => Ok(()),
    }
}

/// Why parsing stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// cobra's/pflag's message (printed as `Error: ...`).
    Cobra(String),
    /// Find's error: printed with `Run 'helm --help' for usage.` after it.
    UnknownCommand(String),
    /// A real helm command kubelab does not simulate.
    Unsupported(String),
}

fn check_value(f: &Flag, v: &str) -> Result<(), String> {
    let disp = match f.short {
        Some(c) => format!("-{c}, --{}", f.name),
        None => format!("--{}", f.name),
    };
    let bad = |why: String| format!("invalid argument \"{v}\" for \"{disp}\" flag: {why}");
    if f.name == "output" && !matches!(v, "table" | "json" | "yaml") {
        return Err(bad("invalid format type".into()));
    }
    match f.ty {
        Ty::Int if v.parse::<i64>().is_err() => Err(bad(format!(
            "strconv.ParseInt: parsing \"{v}\": invalid syntax"
        ))),
        Ty::Uint if v.parse::<u64>().is_err() => Err(bad(format!(
            "strconv.ParseUint: parsing \"{v}\": invalid syntax"
        ))),
        Ty::Bool
            if !matches!(
                v,
                "1" | "t"
                    | "T"
                    | "TRUE"
                    | "true"
                    | "True"
                    | "0"
                    | "f"
                    | "F"
                    | "FALSE"
                    | "false"
                    | "False"
            ) =>
        {
            Err(bad(format!(
                "strconv.ParseBool: parsing \"{v}\": invalid syntax"
            )))
        }
        Ty::Duration if crate::kubectl::duration::parse_go_duration(v).is_err() => {
            Err(bad(format!("time: invalid duration \"{v}\"")))
        }
        _ => Ok(()),
    }
}

/// Resolves the command (non-flag words through the tree) and parses the flags.
pub fn parse(argv: &[String]) -> Result<Parsed, ParseError> {
    // 1. The command: leading words that name subcommands (flags skipped, global values too).
    let global: Vec<Flag> = flag_specs(GLOBAL).collect();
    let mut path = String::new();
    let mut i = 0;
    let mut consumed = Vec::new();
    while i < argv.len() {
        let a = &argv[i];
        if a == "--" {
            break;
        }
        if a.starts_with('-') && a.len() > 1 {
            if let Some(name) = a.strip_prefix("--")
                && !name.contains('=')
                && global.iter().any(|f| f.name == name && f.ty != Ty::Bool)
            {
                i += 1;
            } else if !a.starts_with("--")
                && a.len() == 2
                && global
                    .iter()
                    .any(|f| f.short == a.chars().nth(1) && f.ty != Ty::Bool)
            {
                i += 1;
            }
            i += 1;
            continue;
        }
        let next = if path.is_empty() {
            a.clone()
        } else {
            format!("{path} {a}")
        };
        let found = COMMANDS.iter().find(|c| {
            c.path == next
                || (c.path.rsplit_once(' ').map(|(p, _)| p).unwrap_or("") == path
                    && c.aliases.contains(&a.as_str()))
        });
        match found {
            Some(c) => {
                path = c.path.to_string();
                consumed.push(i);
                i += 1;
            }
            None => {
                if path.is_empty() {
                    if UNSUPPORTED.contains(&a.as_str()) {
                        return Err(ParseError::Unsupported(a.clone()));
                    }
                    return Err(ParseError::UnknownCommand(format!(
                        "unknown command \"{a}\" for \"helm\""
                    )));
                }
                break;
            }
        }
    }
    let Some(cmd) = COMMANDS.iter().find(|c| c.path == path) else {
        return Ok(Parsed {
            path: "",
            args: vec![],
            flags: vec![],
            help: true,
        });
    };
    let specs = all_flags(cmd);
    let mut out = Parsed {
        path: cmd.path,
        args: vec![],
        flags: vec![],
        help: false,
    };
    let rest: Vec<&String> = argv
        .iter()
        .enumerate()
        .filter(|(k, _)| !consumed.contains(k))
        .map(|(_, a)| a)
        .collect();
    let mut j = 0;
    while j < rest.len() {
        let a = rest[j];
        j += 1;
        if a == "--" {
            out.args.extend(rest[j..].iter().map(|s| s.to_string()));
            break;
        }
        if let Some(body) = a.strip_prefix("--") {
            let (name, value) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (body, None),
            };
            if name == "help" {
                out.help = true;
                continue;
            }
            let Some(f) = specs.iter().find(|f| f.name == name) else {
                return Err(ParseError::Cobra(format!("unknown flag: --{name}")));
            };
            let v = match value {
                Some(v) => v,
                None if f.ty == Ty::Bool => "true".into(),
                None if f.no_opt.is_some() => f.no_opt.unwrap_or_default().into(),
                None => match rest.get(j) {
                    Some(v) => {
                        j += 1;
                        v.to_string()
                    }
                    None => {
                        return Err(ParseError::Cobra(format!(
                            "flag needs an argument: --{name}"
                        )));
                    }
                },
            };
            check_value(f, &v).map_err(ParseError::Cobra)?;
            out.flags.push((f.name.to_string(), v));
            continue;
        }
        if a.starts_with('-') && a.len() > 1 {
            let chars: Vec<char> = a[1..].chars().collect();
            let mut k = 0;
            while k < chars.len() {
                let c = chars[k];
                if c == 'h' {
                    out.help = true;
                    k += 1;
                    continue;
                }
                let Some(f) = specs.iter().find(|f| f.short == Some(c)) else {
                    return Err(ParseError::Cobra(format!(
                        "unknown shorthand flag: '{c}' in -{}",
                        chars[k..].iter().collect::<String>()
                    )));
                };
                let tail: String = chars[k + 1..].iter().collect();
                let v = if f.ty == Ty::Bool {
                    if let Some(v) = tail.strip_prefix('=') {
                        k = chars.len();
                        v.to_string()
                    } else {
                        k += 1;
                        "true".into()
                    }
                } else if !tail.is_empty() {
                    k = chars.len();
                    tail.strip_prefix('=').unwrap_or(&tail).to_string()
                } else {
                    k = chars.len();
                    match rest.get(j) {
                        Some(v) => {
                            j += 1;
                            v.to_string()
                        }
                        None => {
                            return Err(ParseError::Cobra(format!(
                                "flag needs an argument: '{c}' in -{c}"
                            )));
                        }
                    }
                };
                check_value(f, &v).map_err(ParseError::Cobra)?;
                out.flags.push((f.name.to_string(), v));
            }
            continue;
        }
        out.args.push(a.to_string());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<Parsed, ParseError> {
        parse(&s.split(' ').map(str::to_string).collect::<Vec<_>>())
    }

    #[test]
    fn resolves_commands_aliases_and_interspersed_flags() {
        let x = p("-n dev repo add a https://x --force-update").unwrap();
        assert_eq!(x.path, "repo add");
        assert_eq!(x.args, ["a", "https://x"]);
        assert_eq!(x.get("namespace"), Some("dev"));
        assert!(x.bool("force-update"));
        assert_eq!(p("repo ls").unwrap().path, "repo list");
        assert_eq!(
            p("install x y --dry-run").unwrap().get("dry-run"),
            Some("client")
        );
        let y = p("install x y -f a.yaml,b.yaml --set a=1,b=2").unwrap();
        assert_eq!(y.all("values"), ["a.yaml", "b.yaml"]);
        assert_eq!(y.all("set"), ["a=1,b=2"]);
    }

    #[test]
    fn cobra_errors() {
        assert_eq!(
            p("list --nope").unwrap_err(),
            ParseError::Cobra("unknown flag: --nope".into())
        );
        assert_eq!(
            p("list -z").unwrap_err(),
            ParseError::Cobra("unknown shorthand flag: 'z' in -z".into())
        );
        assert_eq!(
            p("list -n").unwrap_err(),
            ParseError::Cobra("flag needs an argument: 'n' in -n".into())
        );
        assert_eq!(
            p("list -m x").unwrap_err(),
            ParseError::Cobra("invalid argument \"x\" for \"-m, --max\" flag: strconv.ParseInt: parsing \"x\": invalid syntax".into())
        );
        assert_eq!(
            check_args(&p("repo add a").unwrap()).unwrap_err(),
            "\"helm repo add\" requires 2 arguments\n\nUsage:  helm repo add [NAME] [URL] [flags]"
        );
        assert!(matches!(
            p("nosuch").unwrap_err(),
            ParseError::UnknownCommand(_)
        ));
    }
}
