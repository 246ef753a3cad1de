fn main() {
    std::process::exit(kubelab::cli::main_with(kubelab::web::main));
}
