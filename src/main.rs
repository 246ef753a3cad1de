fn main() {
    std::process::exit(kubelab::cli::main());
}
