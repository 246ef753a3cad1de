//! kubectl's `-o go-template` printer (cli-runtime `printers/template.go` as of kubectl 1.32):
//! the template is named `output`, has Go's builtins plus `exists` and `base64decode`, and
//! runs on the object as `json.Unmarshal` gives it (every number a float64). Missing keys
//! print `<no value>` (`--allow-missing-template-keys`, true by default) or fail with
//! `map has no entry for key "x"`.

use std::sync::Arc;

use base64::Engine as _;
use gotmpl::{MissingKey, Template, TemplateError, Value};

use super::convert::from_json;
use super::sprig_util::{add, err};

/// A parsed kubectl template.
pub struct GoTemplatePrinter {
    raw: String,
    template: Template,
}

/// Why printing failed: `stdout` is the debugging text kubectl writes to its output before
/// returning `error` (printed as `error: ...`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintError {
    pub stdout: String,
    pub error: String,
}

impl GoTemplatePrinter {
    /// Parses `raw`; the error is kubectl's message (`error parsing template RAW, template:
    /// output:1: ...`).
    pub fn parse(raw: &str, allow_missing_keys: bool) -> Result<GoTemplatePrinter, String> {
        let mut funcs = gotmpl::FuncMap::new();
        add(&mut funcs, "exists", |a| Ok(Value::Bool(exists(a))));
        add(&mut funcs, "base64decode", |a| {
            super::sprig_util::want("base64decode", a, 1)?;
            let v = super::sprig_util::string_arg(&a[0])?;
            match base64::engine::general_purpose::STANDARD.decode(v.as_bytes()) {
                Ok(b) => Ok(Value::String(Arc::from(
                    String::from_utf8_lossy(&b).as_ref(),
                ))),
                Err(e) => Err(err(format!(
                    "base64 decode failed: {}",
                    go_base64_error(&e)
                ))),
            }
        });
        let template = Template::new("output")
            .funcs(funcs)
            .missing_key(if allow_missing_keys {
                MissingKey::Invalid
            } else {
                MissingKey::Error
            })
            .parse(raw)
            .map_err(|e| format!("error parsing template {raw}, {e}"))?;
        Ok(GoTemplatePrinter {
            raw: raw.to_string(),
            template,
        })
    }

    /// Prints one object. `raw_json` is Go's compact JSON of it (for the debugging text).
    pub fn print(&self, obj: &serde_json::Value, raw_json: &str) -> Result<String, PrintError> {
        let data = from_json(obj);
        match self.template.execute_to_string(&data) {
            Ok(s) => Ok(s),
            Err(e) => Err(self.failure(&e, raw_json, &data)),
        }
    }

    fn failure(&self, e: &TemplateError, raw_json: &str, data: &Value) -> PrintError {
        let stdout = format!(
            "Error executing template: {e}. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{}\n\traw data was:\n\t\t{raw_json}\n\tobject given to template engine was:\n\t\t{data}\n\n",
            self.raw
        );
        PrintError {
            stdout,
            error: format!(
                "error executing template {}: {e}",
                gotmpl::go_quote(&self.raw)
            ),
        }
    }
}

/// kubectl's `exists ITEM INDEX...`: whether each index leads somewhere non-nil (list
/// positions must be integers in range, map keys strings present in the map).
fn exists(a: &[Value]) -> bool {
    let Some(mut cur) = a.first().cloned() else {
        return false;
    };
    for idx in &a[1..] {
        let next = match (&cur, idx) {
            (Value::Nil, _) => return false,
            (Value::List(l), Value::Int(i)) => {
                match usize::try_from(*i).ok().and_then(|i| l.get(i)) {
                    Some(v) => v.clone(),
                    None => return false,
                }
            }
            (Value::String(s), Value::Int(i)) => {
                match usize::try_from(*i).ok().and_then(|i| s.as_bytes().get(i)) {
                    Some(b) => Value::Int(i64::from(*b)),
                    None => return false,
                }
            }
            (Value::Map(m), Value::String(k)) => m.get(k).cloned().unwrap_or(Value::Nil),
            _ => return false,
        };
        cur = next;
    }
    !matches!(cur, Value::Nil)
}

/// Go's `base64.CorruptInputError` text.
fn go_base64_error(e: &base64::DecodeError) -> String {
    let at = match e {
        base64::DecodeError::InvalidByte(i, _) => *i,
        base64::DecodeError::InvalidLastSymbol { offset, .. } => *offset,
        base64::DecodeError::InvalidLength(n) => *n,
        _ => 0,
    };
    format!("illegal base64 data at input byte {at}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn print(t: &str, obj: serde_json::Value) -> Result<String, PrintError> {
        let p = GoTemplatePrinter::parse(t, true).unwrap();
        p.print(&obj, "{}")
    }

    #[test]
    fn fields_numbers_and_missing_keys() {
        let obj = serde_json::json!({"metadata": {"name": "x"}, "spec": {"replicas": 1}});
        assert_eq!(
            print(
                "{{.metadata.name}} {{.spec.replicas}} {{.metadata.nope}}",
                obj
            )
            .unwrap(),
            "x 1 <no value>"
        );
    }

    #[test]
    fn exec_error_has_go_position() {
        let obj = serde_json::json!({"metadata": {"name": "x"}});
        let e = print("{{.metadata.name.x}}", obj).unwrap_err();
        assert_eq!(
            e.error,
            "error executing template \"{{.metadata.name.x}}\": template: output:1:11: executing \"output\" at <.metadata.name.x>: can't evaluate field x in type interface {}"
        );
    }

    #[test]
    fn parse_error_text() {
        let e = GoTemplatePrinter::parse("{{ upper .x }}", true)
            .err()
            .unwrap();
        assert_eq!(
            e,
            "error parsing template {{ upper .x }}, template: output:1: function \"upper\" not defined"
        );
    }

    #[test]
    fn exists_and_base64decode() {
        let obj = serde_json::json!({"data": {"k": "aGk="}, "items": [1]});
        assert_eq!(
            print(
                "{{exists . \"data\" \"k\"}} {{exists . \"data\" \"z\"}} {{base64decode .data.k}}",
                obj
            )
            .unwrap(),
            "true false hi"
        );
    }
}
