//! `-o/--output` handling (`cli-runtime pkg/genericclioptions/print_flags.go`): which printer a
//! flag value selects, and printing objects with it.

use serde_json::Value;

use super::context::Workstation;
use super::flags::Flags;
use super::outcome::Failure;
use crate::printers::jsonpath::{JsonPath, relaxed, text_of};
use crate::printers::{json, tabwriter, yaml};

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
    JsonPath {
        template: String,
        as_json: bool,
        allow_missing: bool,
    },
    /// `-o custom-columns=…`.
    CustomColumns(String),
    /// `-o go-template=…`, `go-template-file=…`, `template=…`, `templatefile=…`, or `--template`
    /// (`allow_missing` is `--allow-missing-template-keys`).
    GoTemplate {
        template: String,
        allow_missing: bool,
    },
}

/// Reads `-o`, `--template` and `--allow-missing-template-keys` as kubectl's `PrintFlags` do:
/// a `--template` without `-o` means `-o go-template`, and for the template formats the
/// `--template` value wins over the text after `=`.
pub fn parse_flags(
    f: &dyn Flags,
    allowed: &str,
    files: &dyn Workstation,
) -> Result<Output, Failure> {
    let output = f.string("output").unwrap_or_default();
    let template = f.string("template").filter(|t| !t.is_empty());
    let allow_missing =
        !f.changed("allow-missing-template-keys") || f.boolean("allow-missing-template-keys");
    let format = if output.is_empty() && template.is_some() {
        "go-template".to_string()
    } else {
        output
    };
    let name = format.split_once('=').map_or(format.as_str(), |(n, _)| n);
    if !TEMPLATE_FORMATS.contains(&name) {
        return parse(Some(&format), allowed, files).map(|o| match o {
            Output::JsonPath {
                template, as_json, ..
            } => Output::JsonPath {
                template,
                as_json,
                allow_missing,
            },
            other => other,
        });
    }
    let (name, arg) = match template {
        Some(t) => (name, t),
        None => match format.split_once('=') {
            Some((n, a)) => (n, a.to_string()),
            None => (name, String::new()),
        },
    };
    if arg.is_empty() {
        return Err(Failure::Message(
            "template format specified but no template given".into(),
        ));
    }
    let template = if name.ends_with("file") {
        files
            .read_file(&arg)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .map_err(|e| Failure::Message(format!("error reading --template {arg}, {e}")))?
    } else {
        arg
    };
    crate::printers::gotemplate::kubectl::GoTemplatePrinter::parse(&template, allow_missing)
        .map_err(Failure::Message)?;
    Ok(Output::GoTemplate {
        template,
        allow_missing,
    })
}

/// The `-o` names of the Go-template printer.
const TEMPLATE_FORMATS: &[&str] = &[
    "go-template",
    "go-template-file",
    "template",
    "templatefile",
];

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
            allow_missing: true,
        },
        ("jsonpath-as-json", Some(t)) => Output::JsonPath {
            template: t.to_string(),
            as_json: true,
            allow_missing: true,
        },
        ("jsonpath-file", Some(p)) => Output::JsonPath {
            template: read(p)?,
            as_json: false,
            allow_missing: true,
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
        ("go-template" | "go-template-file" | "template" | "templatefile", None) => {
            return Err(Failure::Message(
                "template format specified but no template given".into(),
            ));
        }
        ("go-template" | "template", Some(t)) => {
            crate::printers::gotemplate::kubectl::GoTemplatePrinter::parse(t, true)
                .map_err(Failure::Message)?;
            Output::GoTemplate {
                template: t.to_string(),
                allow_missing: true,
            }
        }
        ("go-template-file" | "templatefile", Some(p)) => {
            let t = files
                .read_file(p)
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .map_err(|e| Failure::Message(format!("error reading --template {p}, {e}")))?;
            crate::printers::gotemplate::kubectl::GoTemplatePrinter::parse(&t, true)
                .map_err(Failure::Message)?;
            Output::GoTemplate {
                template: t,
                allow_missing: true,
            }
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
        Output::JsonPath {
            template,
            as_json,
            allow_missing,
        } => jsonpath(template, *as_json, *allow_missing, &doc, typed),
        Output::GoTemplate {
            template,
            allow_missing,
        } => go_template(template, *allow_missing, &doc, typed),
        _ => Ok(String::new()),
    }
}

/// `-o go-template=...` (cli-runtime `template.go`): on an execution error kubectl has already
/// written the partial output and a debugging block to stdout, then fails.
fn go_template(
    template: &str,
    allow_missing: bool,
    doc: &Value,
    typed: bool,
) -> Result<String, Failure> {
    use crate::printers::gotemplate::kubectl::GoTemplatePrinter;
    let printer = GoTemplatePrinter::parse(template, allow_missing).map_err(Failure::Message)?;
    let raw = if typed {
        json::to_json_typed_compact(doc)
    } else {
        json::to_json_compact(doc)
    };
    printer.print(doc, &raw).map_err(|e| Failure::WithOutput {
        stdout: e.stdout,
        failure: Box::new(Failure::Message(e.error)),
    })
}

/// `-o jsonpath=...` (cli-runtime `jsonpath.go`). An object kubectl built itself (`typed`) is
/// handed to the engine through Go's JSON round trip, so its numbers are float64s there.
fn jsonpath(
    template: &str,
    as_json: bool,
    allow_missing: bool,
    doc: &Value,
    typed: bool,
) -> Result<String, Failure> {
    let jp = JsonPath::parse(template)
        .map_err(|e| Failure::Message(format!("error parsing jsonpath {template}, {e}")))?
        .allow_missing_keys(allow_missing);
    let floats;
    let doc = if typed {
        floats = as_floats(doc);
        &floats
    } else {
        doc
    };
    let result = if as_json {
        // kubectl's JSONPath printer ends the JSON with a newline (recorded:
        // tests/inputs/kubectl_run, `-o jsonpath-as-json`).
        jp.execute_as_json(doc)
    } else {
        jp.execute(doc)
    };
    result.map_err(|e| {
        Failure::Message(format!(
            "error executing jsonpath {}: Error executing template: {e}. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{template}\n\tobject given to jsonpath engine was:\n\t\t{}\n\n",
            crate::world::api::gocmp::quote(template),
            crate::printers::jsonpath::go_syntax(doc)
        ))
    })
}

/// Every number as a float64, as `json.Unmarshal` into `interface{}` decodes them.
fn as_floats(v: &Value) -> Value {
    match v {
        Value::Number(n) if !n.is_f64() => n
            .as_f64()
            .and_then(serde_json::Number::from_f64)
            .map_or_else(|| v.clone(), Value::Number),
        Value::Array(a) => Value::Array(a.iter().map(as_floats).collect()),
        Value::Object(m) => {
            Value::Object(m.iter().map(|(k, x)| (k.clone(), as_floats(x))).collect())
        }
        other => other.clone(),
    }
}

/// The text a jsonpath expression (relaxed: `.status.phase` or `{.status.phase}`) finds in an
/// object, results joined by spaces (`kubectl wait --for=jsonpath=...`).
pub fn jsonpath_value(expr: &str, obj: &Value) -> Result<String, Failure> {
    let t = relaxed(expr).map_err(Failure::Message)?;
    let jp = JsonPath::parse(&t).map_err(Failure::Message)?;
    jp.execute(obj).map_err(Failure::Message)
}

/// `-o custom-columns=HEADER:PATH,...` (`kubectl pkg/printers/customcolumn.go`): one column per
/// spec, values joined by commas, `<none>` when nothing is found.
pub fn custom_columns(spec: &str, objs: &[Value], no_headers: bool) -> Result<String, Failure> {
    let mut headers = Vec::new();
    let mut paths = Vec::new();
    for part in spec.split(',') {
        let Some((h, p)) = part.split_once(':') else {
            return Err(Failure::Message(format!(
                "unexpected custom-columns spec: {part}, expected <header>:<json-path-expr>"
            )));
        };
        headers.push(h.to_string());
        let t = relaxed(p).map_err(Failure::Message)?;
        paths.push(JsonPath::parse(&t).map_err(Failure::Message)?);
    }
    let mut rows: Vec<Vec<String>> = Vec::new();
    if !no_headers {
        rows.push(headers);
    }
    for o in objs {
        let mut row = Vec::new();
        for jp in &paths {
            let found: Vec<Value> = jp
                .find(o)
                .map_err(Failure::Message)?
                .into_iter()
                .flatten()
                .collect();
            let cell = if found.is_empty() {
                "<none>".to_string()
            } else {
                found.iter().map(go_sprint_v).collect::<Vec<_>>().join(",")
            };
            row.push(cell);
        }
        rows.push(row);
    }
    Ok(tabwriter::table(&rows))
}

/// Go's `fmt.Sprintf("%v", v)` of an unstructured value (`map[k:v]`, `[a b]`).
fn go_sprint_v(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".into(),
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let parts: Vec<String> = keys
                .iter()
                .map(|k| format!("{k}:{}", go_sprint_v(&m[k.as_str()])))
                .collect();
            format!("map[{}]", parts.join(" "))
        }
        Value::Array(a) => format!(
            "[{}]",
            a.iter().map(go_sprint_v).collect::<Vec<_>>().join(" ")
        ),
        other => text_of(other),
    }
}
