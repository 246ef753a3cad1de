//! kubelab's own command line: `kubelab shell | run | grade | lint`.

mod shell;

const USAGE: &str = "kubelab: hands-on Kubernetes and OpenShift labs on a simulated cluster

Usage:
  kubelab shell [--echo] [--seed N]   the student's prompt on the default world; reads command
                                      lines from standard input when it is not a terminal
  kubelab run LAB...                  run a lab's reference solution and checks
  kubelab grade LAB SESSION...        grade recorded sessions
  kubelab lint LAB...                 prove each check of a lab can fail and can pass
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
        Some(cmd @ ("run" | "grade" | "lint")) => {
            eprintln!(
                "kubelab: `{cmd}` is not available in this build yet: the lab language lands with issue #4"
            );
            2
        }
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
