//! kubelab's own command line, parsed by clap: the subcommands, their flags, help texts with
//! examples, and the value checks (a bad `--seed`, `--jobs` or timeout is an error before
//! anything runs).

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::lab::Lang;

/// The binary's name, in completions and help.
pub const NAME: &str = "kubelab";

const ABOUT: &str = "Hands-on Kubernetes and OpenShift labs on a simulated cluster";

const LONG_ABOUT: &str = "Hands-on Kubernetes and OpenShift labs on a simulated cluster.

kubelab is a deterministic simulated cluster driven by kubectl and oc command lines exactly as \
students type them, and a lab language in which an exercise is also its grader.";

const EXAMPLES: &str = "Examples:
  kubelab shell                                   a prompt on the default cluster
  kubelab shell labs/mongo-rollout.lab --record me.session
  kubelab run labs/mongo-rollout.lab              the reference solution, checks and score
  kubelab lint labs/*.lab                         every check can fail and pass
  kubelab grade labs/mongo-rollout.lab me.session --format junit
  kubelab new labs/my-first.lab                   a commented lab skeleton
  kubelab completions bash > ~/.local/share/bash-completion/completions/kubelab";

/// `kubelab`.
#[derive(Debug, Parser)]
#[command(
    name = NAME,
    version,
    about = ABOUT,
    long_about = LONG_ABOUT,
    after_help = EXAMPLES,
    arg_required_else_help = true,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// kubelab's subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// The student's prompt, on a lab's world or the default cluster
    #[command(after_help = SHELL_EXAMPLES)]
    Shell(ShellArgs),
    /// Run each lab's setup, reference solution, expected outputs, asserts and checks
    #[command(after_help = RUN_EXAMPLES)]
    Run(RunArgs),
    /// Replay recorded sessions and score them
    #[command(after_help = GRADE_EXAMPLES)]
    Grade(GradeArgs),
    /// Prove each check can fail (after setup) and pass (after the reference solution)
    #[command(after_help = LINT_EXAMPLES)]
    Lint(LintArgs),
    /// Write a commented lab skeleton that passes `kubelab lint`
    #[command(after_help = NEW_EXAMPLES)]
    New(NewArgs),
    /// Print a shell completion script
    #[command(after_help = COMPLETIONS_EXAMPLES)]
    Completions(CompletionsArgs),
    /// Serve the labs to a class in the browser (lab pages, terminals, an instructor page)
    #[command(after_help = WEB_EXAMPLES)]
    Web(WebArgs),
}

const WEB_EXAMPLES: &str = "Examples:
  kubelab web labs/ --listen 127.0.0.1:8080
  kubelab web labs/ --listen 0.0.0.0:8080 --database sqlite:class.db

Sessions are kept in the database (default: kubelab-web.db in the labs directory, created on \
the first start) as their command records; a restart rebuilds each world by replay. The \
instructor token is printed at start. See docs/web.md.";

const SHELL_EXAMPLES: &str = "Examples:
  kubelab shell                                   the default cluster (control-plane, worker-1, worker-2)
  kubelab shell labs/mongo-rollout.lab            a lab: type tasks, hint, check or reset at the prompt
  kubelab shell labs/mongo-rollout.lab --record me.session
  kubelab shell labs/mongo-rollout.lab --record me.session --resume
  kubelab shell --echo < session.txt              scripted: prints what a student would see

From a terminal it is an interactive prompt; otherwise it reads command lines from standard \
input and exits with the last command's status, as `bash -s` does.";

const RUN_EXAMPLES: &str = "Examples:
  kubelab run labs/mongo-rollout.lab
  kubelab run --bless labs/my-lab.lab             rewrite expected outputs that no longer match
  kubelab run labs/*.lab --lab-timeout 120

Exit status: 0 when every lab matched its expected outputs and earned full marks, 1 otherwise, \
2 for a bad command line.";

const GRADE_EXAMPLES: &str = "Examples:
  kubelab grade labs/mongo-rollout.lab alice.session bob.session
  kubelab grade labs/mongo-rollout.lab sessions/*.session --format csv > grades.csv
  kubelab grade labs/mongo-rollout.lab me.session --format junit > junit.xml
  kubelab grade labs/mongo-rollout.lab me.session --fail-under 80%

Each session runs in a worker process, stopped after --session-timeout seconds of wall-clock \
time. A session file that is missing or cannot be read is an error (nothing is graded). Exit \
status: 0, or 1 when a session scored under --fail-under (or a file could not be read), 2 for \
a bad command line. The JSON report's schema: docs/grade-report.schema.json.";

const LINT_EXAMPLES: &str = "Examples:
  kubelab lint labs/mongo-rollout.lab
  kubelab lint labs/*.lab";

const NEW_EXAMPLES: &str = "Examples:
  kubelab new labs/scale-web.lab                  writes labs/scale-web.lab
  kubelab new scale-web                           writes scale-web.lab

Then: kubelab run scale-web.lab, kubelab lint scale-web.lab, and docs/authoring.md.";

const COMPLETIONS_EXAMPLES: &str = "Examples:
  kubelab completions bash > ~/.local/share/bash-completion/completions/kubelab
  kubelab completions zsh > ~/.zfunc/_kubelab
  kubelab completions fish > ~/.config/fish/completions/kubelab.fish";

/// `kubelab shell`.
#[derive(Debug, Args)]
pub struct ShellArgs {
    /// The lab to work on (none: the default cluster)
    #[arg(value_name = "LAB")]
    pub lab: Option<String>,
    /// Echo each command line after a `$ ` prompt, with its output (scripted sessions)
    #[arg(long)]
    pub echo: bool,
    /// Keep the session in FILE for `kubelab grade` (never overwrites a record)
    #[arg(long, value_name = "FILE")]
    pub record: Option<String>,
    /// Replay the --record file's session to restore the lab, then add to it
    #[arg(long)]
    pub resume: bool,
    /// Instructor mode: `solve` runs the current task's reference solution
    #[arg(long)]
    pub instructor: bool,
    /// The language of the lab's texts (default: from LC_ALL, LC_MESSAGES or LANG, else en)
    #[arg(long, value_name = "LANG", value_parser = lang)]
    pub lang: Option<Lang>,
    /// The seed of the simulated cluster's names and choices
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub seed: u64,
}

/// `kubelab run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Lab files
    #[arg(value_name = "LAB", required = true)]
    pub labs: Vec<String>,
    /// Rewrite the expected outputs that no longer match
    #[arg(long)]
    pub bless: bool,
    /// The language of the lab's texts (default: from LC_ALL, LC_MESSAGES or LANG, else en)
    #[arg(long, value_name = "LANG", value_parser = lang)]
    pub lang: Option<Lang>,
    /// The seed of the simulated cluster's names and choices
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub seed: u64,
    /// Stop a lab after SECONDS of wall-clock time
    #[arg(long, value_name = "SECONDS", default_value_t = super::worker::DEFAULT_TIMEOUT_SECS, value_parser = seconds)]
    pub lab_timeout: u64,
}

/// `kubelab lint`.
#[derive(Debug, Args)]
pub struct LintArgs {
    /// Lab files
    #[arg(value_name = "LAB", required = true)]
    pub labs: Vec<String>,
    /// The language of the lab's texts (default: from LC_ALL, LC_MESSAGES or LANG, else en)
    #[arg(long, value_name = "LANG", value_parser = lang)]
    pub lang: Option<Lang>,
    /// The seed of the simulated cluster's names and choices
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub seed: u64,
    /// Stop a lab after SECONDS of wall-clock time
    #[arg(long, value_name = "SECONDS", default_value_t = super::worker::DEFAULT_TIMEOUT_SECS, value_parser = seconds)]
    pub lab_timeout: u64,
}

/// The report formats of `kubelab grade`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// One block per session: each check's PASS or FAIL, and the score
    Text,
    /// One JSON document (docs/grade-report.schema.json)
    Json,
    /// JUnit XML: a test suite per session, a test case per check
    Junit,
    /// One row per session, a column per check: for gradebooks
    Csv,
}

/// `kubelab grade`.
#[derive(Debug, Args)]
pub struct GradeArgs {
    /// The lab the sessions were recorded on
    #[arg(value_name = "LAB")]
    pub lab: String,
    /// Session records (`kubelab shell LAB --record FILE`) or plain files of command lines
    #[arg(value_name = "SESSION", required = true)]
    pub sessions: Vec<String>,
    /// The report's format
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// The language of the lab's texts in the report (identifiers stay English) (default: from LC_ALL, LC_MESSAGES or LANG, else en)
    #[arg(long, value_name = "LANG", value_parser = lang)]
    pub lang: Option<Lang>,
    /// Sessions graded at once (default: the number of CPUs)
    #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub jobs: Option<u16>,
    /// The seed of the simulated cluster's names and choices
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub seed: u64,
    /// Stop a session after SECONDS of wall-clock time
    #[arg(long, value_name = "SECONDS", default_value_t = super::worker::DEFAULT_TIMEOUT_SECS, value_parser = seconds)]
    pub session_timeout: u64,
    /// Exit with status 1 when a session scores under POINTS, or under PERCENT% of the total
    #[arg(long, value_name = "POINTS|PERCENT%", value_parser = FailUnder::parse)]
    pub fail_under: Option<FailUnder>,
}

/// `--fail-under`: a score in points or in per cent of the total.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailUnder {
    /// At least this many points.
    Points(u32),
    /// At least this per cent of the total (0 to 100).
    Percent(u32),
}

impl FailUnder {
    fn parse(s: &str) -> Result<FailUnder, String> {
        let bad = || format!("expected POINTS (e.g. 8) or PERCENT% (e.g. 80%), got \"{s}\"");
        match s.strip_suffix('%') {
            Some(p) => match p.parse::<u32>() {
                Ok(n) if n <= 100 => Ok(FailUnder::Percent(n)),
                Ok(_) => Err(format!("a percentage is at most 100%, got \"{s}\"")),
                Err(_) => Err(bad()),
            },
            None => s.parse().map(FailUnder::Points).map_err(|_| bad()),
        }
    }

    /// Whether `earned` of `total` points is under the bar.
    pub fn fails(self, earned: u32, total: u32) -> bool {
        match self {
            FailUnder::Points(p) => earned < p,
            FailUnder::Percent(p) => u64::from(earned) * 100 < u64::from(p) * u64::from(total),
        }
    }
}

/// `kubelab new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// The lab file to write (`.lab` is added when missing); an existing file is never
    /// overwritten
    #[arg(value_name = "NAME")]
    pub name: String,
}

/// `kubelab completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell the script is for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `kubelab web`.
#[derive(Debug, Args)]
pub struct WebArgs {
    /// The directory of the labs to serve (its `*.lab` files)
    #[arg(value_name = "LABS_DIR", default_value = "labs")]
    pub labs: String,
    /// The address to listen on (port 0: any free port, printed at start)
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// Where sessions are kept: sqlite:PATH (default: LABS_DIR/kubelab-web.db)
    #[arg(long, value_name = "URL")]
    pub database: Option<String>,
    /// The seed of each new session's simulated cluster
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub seed: u64,
    /// The language of the lab's texts (default: from LC_ALL, LC_MESSAGES or LANG, else en)
    #[arg(long, value_name = "LANG", value_parser = lang)]
    pub lang: Option<Lang>,
}

/// `--lang`: a language kubelab has lab texts for.
fn lang(s: &str) -> Result<Lang, String> {
    Lang::from_code(s).ok_or_else(|| {
        let codes: Vec<&str> = crate::lab::lang::ALL.iter().map(|l| l.code()).collect();
        format!("kubelab has lab texts in: {}", codes.join(", "))
    })
}

/// The language to show lab texts in: `--lang`, else the environment's locale (`LC_ALL`,
/// `LC_MESSAGES`, `LANG`), else English.
pub fn chosen_lang(flag: Option<Lang>) -> Lang {
    flag.unwrap_or_else(|| Lang::from_env(|v| std::env::var(v).ok()))
}

/// A number of seconds greater than 0.
fn seconds(s: &str) -> Result<u64, String> {
    match s.parse::<u64>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err("a number of seconds greater than 0".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn fail_under_takes_points_or_a_percentage() {
        assert_eq!(FailUnder::parse("8"), Ok(FailUnder::Points(8)));
        assert_eq!(FailUnder::parse("80%"), Ok(FailUnder::Percent(80)));
        assert!(FailUnder::parse("101%").is_err());
        assert!(FailUnder::parse("-1").is_err());
        assert!(FailUnder::parse("eighty").is_err());
        assert!(FailUnder::Points(8).fails(7, 10));
        assert!(!FailUnder::Points(8).fails(8, 10));
        assert!(FailUnder::Percent(80).fails(7, 9));
        assert!(!FailUnder::Percent(80).fails(8, 10));
        assert!(!FailUnder::Percent(0).fails(0, 0));
        assert!(!FailUnder::Percent(100).fails(0, 0));
    }

    #[test]
    fn bad_values_are_errors() {
        for args in [
            &["kubelab", "grade", "a.lab", "s", "--seed", "x"][..],
            &["kubelab", "grade", "a.lab", "s", "--jobs", "0"],
            &["kubelab", "grade", "a.lab", "s", "-j", "x"],
            &["kubelab", "grade", "a.lab", "s", "--session-timeout", "0"],
            &["kubelab", "grade", "a.lab", "s", "--format", "xml"],
            &["kubelab", "grade", "a.lab"],
            &["kubelab", "run"],
            &["kubelab", "shell", "a.lab", "b.lab"],
        ] {
            let e = Cli::try_parse_from(args).expect_err(&args.join(" "));
            assert_eq!(e.exit_code(), 2, "{}", args.join(" "));
        }
        let ok = Cli::try_parse_from(["kubelab", "grade", "a.lab", "s", "-j3", "--seed=7"]);
        let Ok(Cli {
            command: Command::Grade(g),
        }) = ok
        else {
            panic!("{ok:?}")
        };
        assert_eq!((g.jobs, g.seed, g.format), (Some(3), 7, Format::Text));
    }

    #[test]
    fn a_mistyped_subcommand_gets_a_suggestion() {
        let e = Cli::try_parse_from(["kubelab", "grdae"]).unwrap_err();
        let text = e.render().to_string();
        assert!(
            text.contains("tip: a similar subcommand exists: 'grade'"),
            "{text}"
        );
    }
}
