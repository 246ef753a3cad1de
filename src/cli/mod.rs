//! kubelab's own command line: `kubelab run | grade | lint | shell`.

/// Entry point of the `kubelab` binary; returns the process exit code.
pub fn main() -> i32 {
    eprintln!("kubelab: not yet implemented");
    2
}
