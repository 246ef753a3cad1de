//! Development aid: print kubelab's `-o yaml` or `-o json` of a JSON file (for diffing with kubectl).
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let text = std::fs::read_to_string(&args[2]).unwrap_or_default();
    let value: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    let out = match args[1].as_str() {
        "yaml" => kubelab::printers::yaml::try_to_yaml(&value).unwrap_or_else(|e| format!("error: {e}\n")),
        "typed" => kubelab::printers::json::to_json_typed(&value),
        _ => kubelab::printers::json::to_json_sorted(&value),
    };
    print!("{out}");
}
