//! kubelab's own command line: `kubelab shell | run | grade | lint`.

mod complete;
mod grade;
mod history;
mod record;
mod repl;
mod run;
mod shell;
pub mod worker;

const USAGE: &str = "kubelab: hands-on Kubernetes and OpenShift labs on a simulated cluster

Usage:
  kubelab shell [LAB] [--echo] [--record FILE [--resume]] [--instructor] [--seed N]
        the student's prompt (on the lab's world, or the default world); reads command lines
        from standard input when it is not a terminal. --record keeps the session in FILE for
        kubelab grade and never overwrites a record: --resume replays FILE's record to restore
        the lab, then adds to it
  kubelab run [--bless] [--seed N] [--lab-timeout SECONDS] LAB...
        run each lab's setup, reference solution, expected outputs, asserts and checks
  kubelab grade LAB SESSION... [--format text|json|junit] [--jobs N] [--seed N]
                [--session-timeout SECONDS]
        replay recorded sessions (or plain files of command lines) and score them; each
        session runs in a worker process, stopped after SECONDS (60) of wall-clock time
  kubelab lint [--seed N] [--lab-timeout SECONDS] LAB...
        prove each check can fail (after setup) and pass (after the reference solution)
  kubelab --help                      this text
";

/// Entry point of the `kubelab` binary; returns the process exit code.
pub fn main() -> i32 {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("shell") => shell::main(&args[1..]),
        Some("-h" | "--help" | "help") => {
            print!("{USAGE}");
            0
        }
        Some("run") => run::main_run(&args[1..]),
        Some("lint") => run::main_lint(&args[1..]),
        Some("grade") => grade::main(&args[1..]),
        Some(worker::GRADE_WORKER) => worker::grade_worker_main(),
        Some(worker::LAB_WORKER) => run::main_lab_worker(&args[1..]),
        Some(other) => {
            eprintln!("kubelab: unknown command \"{other}\"\n\n{USAGE}");
            2
        }
        None => {
            eprint!("{USAGE}");
            2
        }
    }
}
