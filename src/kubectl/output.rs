//! `-o/--output` handling (`cli-runtime pkg/genericclioptions/print_flags.go`): which printer a
//! flag value selects, and printing objects with it.

use serde_json::Value;

use super::context::Workstation;
use super::outcome::Failure;
use crate::printers::{json, yaml};

/// A chosen output format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// No `-o`: the command's default (table or success line).
    Default,
    /// `-o wide`.
    Wide,
    /// `-o name`.
    Name,
    /// `-o yaml`.
    Yaml,
    /// `-o json`.
    Json,
    /// `-o jsonpath=…` (`as_json` for `jsonpath-as-json`).
    JsonPath { template: String, as_json: bool },
    /// `-o custom-columns=…`.
    CustomColumns(String),
}

/// The formats `kubectl get` accepts.
pub const GET_FORMATS: &str = "custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml";
/// The formats object-printing commands (create, apply, scale, set, ...) accept.
pub const OBJECT_FORMATS: &str = "go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml";

/// Parses an `-o` value; `allowed` is the list in the error message (and decides whether
/// `wide`/`custom-columns` are valid).
pub fn parse(
    value: Option<&str>,
    allowed: &str,
    files: &dyn Workstation,
) -> Result<Output, Failure> {
    let Some(v) = value.filter(|v| !v.is_empty()) else {
        return Ok(Output::Default);
    };
    let unmatched = || {
        Failure::Message(format!(
            "unable to match a printer suitable for the output format \"{v}\", allowed formats are: {allowed}"
        ))
    };
    let get_ok = allowed == GET_FORMATS;
    let (name, arg) = match v.split_once('=') {
        Some((n, a)) => (n, Some(a)),
        None => (v, None),
    };
    let read = |path: &str| -> Result<String, Failure> {
        files
            .read_file(path)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .map_err(|e| Failure::Message(format!("error reading template {path}, {e}")))
    };
    Ok(match (name, arg) {
        ("yaml", None) => Output::Yaml,
        ("json", None) => Output::Json,
        ("name", None) => Output::Name,
        ("wide", None) if get_ok => Output::Wide,
        ("jsonpath", Some(t)) => Output::JsonPath {
            template: t.to_string(),
            as_json: false,
        },
        ("jsonpath-as-json", Some(t)) => Output::JsonPath {
            template: t.to_string(),
            as_json: true,
        },
        ("jsonpath-file", Some(p)) => Output::JsonPath {
            template: read(p)?,
            as_json: false,
        },
        ("jsonpath" | "jsonpath-as-json" | "jsonpath-file", None) => {
            return Err(Failure::Message(
                "template format specified but no template given".into(),
            ));
        }
        ("custom-columns", Some(spec)) if get_ok => Output::CustomColumns(spec.to_string()),
        ("custom-columns-file", Some(p)) if get_ok => Output::CustomColumns(read(p)?),
        ("custom-columns", None) if get_ok => {
            return Err(Failure::Message(
                "custom-columns format specified but no custom columns given".into(),
            ));
        }
        ("go-template" | "go-template-file" | "template" | "templatefile", _) => {
            return Err(Failure::Unsupported(
                "Go templates (-o go-template); use -o jsonpath=... or -o custom-columns=..."
                    .into(),
            ));
        }
        _ => return Err(unmatched()),
    })
}

/// The `List` wrapping several objects (`kubectl get -o yaml` of a list).
pub fn list_of(objs: &[Value]) -> Value {
    json::list_object(objs)
}

/// Prints objects in a structured format. `as_list` wraps them in a List; `typed` uses Go struct
/// field order for JSON (objects built by kubectl itself).
pub fn print_structured(
    out: &Output,
    objs: &[Value],
    as_list: bool,
    typed: bool,
) -> Result<String, Failure> {
    let doc = if as_list {
        list_of(objs)
    } else {
        objs.first().cloned().unwrap_or(Value::Null)
    };
    match out {
        Output::Yaml => {
            if as_list {
                Ok(yaml::to_yaml_list(objs))
            } else {
                yaml::try_to_yaml(&doc).map_err(|e| Failure::Message(e.to_string()))
            }
        }
        Output::Json => Ok(if as_list {
            json::to_json_list(objs)
        } else if typed {
            json::to_json_typed(&doc)
        } else {
            json::to_json_sorted(&doc)
        }),
        Output::JsonPath { template, as_json } => jsonpath(template, *as_json, &doc),
        _ => Ok(String::new()),
    }
}

/// `-o jsonpath`: not available until the jsonpath printer lands in this build.
fn jsonpath(_template: &str, _as_json: bool, _doc: &Value) -> Result<String, Failure> {
    Err(Failure::Unsupported("-o jsonpath in this build".into()))
}
