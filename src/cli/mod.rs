//! kubelab's own command line: `kubelab shell | run | grade | lint | new | completions`,
//! parsed by clap ([`args`]).

pub mod args;
pub mod complete;
mod grade;
mod history;
mod new;
mod record;
pub mod repl;
mod run;
mod shell;
pub mod style;
pub mod worker;

use clap::{CommandFactory, Parser};

use args::{Cli, Command};

/// Entry point of a `kubelab` binary without the web server: `kubelab web` says so.
pub fn main() -> i32 {
    main_with(|_| {
        eprintln!("kubelab: this build does not include `kubelab web`");
        2
    })
}

/// Entry point of the `kubelab` binary; returns the process exit code. `web` serves
/// `kubelab web` (the `web` layer sits above this one: it is handed in, not imported).
pub fn main_with(web: fn(args::WebArgs) -> i32) -> i32 {
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // The worker processes kubelab starts itself are not part of its command line.
    match argv.get(1).and_then(|a| a.to_str()) {
        Some(worker::GRADE_WORKER) => return worker::grade_worker_main(),
        Some(worker::LAB_WORKER) => {
            let rest: Vec<String> = argv[2..]
                .iter()
                .map(|a| a.to_string_lossy().into_owned())
                .collect();
            return run::main_lab_worker(&rest);
        }
        _ => {}
    }
    let cli = match Cli::try_parse_from(argv) {
        Ok(c) => c,
        Err(e) => {
            // Help and the version on stdout (status 0), errors on stderr (status 2).
            let _ = e.print();
            return e.exit_code();
        }
    };
    match cli.command {
        Command::Shell(a) => shell::main(a),
        Command::Run(a) => run::main_run(a),
        Command::Lint(a) => run::main_lint(a),
        Command::Grade(a) => grade::main(a),
        Command::New(a) => new::main(a),
        Command::Web(a) => web(a),
        Command::Completions(a) => {
            let mut cmd = Cli::command();
            clap_complete::generate(a.shell, &mut cmd, args::NAME, &mut std::io::stdout());
            0
        }
    }
}
