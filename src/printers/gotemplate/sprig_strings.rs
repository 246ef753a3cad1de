//! Sprig's string functions (Masterminds/sprig v3 `strings.go`, `functions.go`), with Go
//! semantics: byte-based `trunc`/`substr`, `%q` quoting, argument order as Sprig has it
//! (`trimSuffix SUFFIX STRING`, `replace OLD NEW STRING`).

use gotmpl::{FuncMap, Value};

use super::sprig_util::{R, add, err, int_arg, list, s, string_arg, strslice, strval, want};

/// Registers the string functions.
pub fn register(m: &mut FuncMap) {
    add(m, "upper", |a| one(a, "upper", |x| x.to_uppercase()));
    add(m, "lower", |a| one(a, "lower", |x| x.to_lowercase()));
    add(m, "title", |a| one(a, "title", title));
    add(m, "untitle", |a| one(a, "untitle", untitle));
    add(m, "trim", |a| {
        one(a, "trim", |x| x.trim_matches(is_go_space).to_string())
    });
    add(m, "nospace", |a| {
        one(a, "nospace", |x| {
            x.chars().filter(|c| !c.is_whitespace()).collect()
        })
    });
    add(m, "trimAll", |a| {
        two(a, "trimAll", |cut, x| {
            x.trim_matches(|c| cut.contains(c)).to_string()
        })
    });
    add(m, "trimPrefix", |a| {
        two(a, "trimPrefix", |p, x| {
            x.strip_prefix(p).unwrap_or(x).to_string()
        })
    });
    add(m, "trimSuffix", |a| {
        two(a, "trimSuffix", |p, x| {
            x.strip_suffix(p).unwrap_or(x).to_string()
        })
    });
    add(m, "contains", |a| {
        two_b(a, "contains", |sub, x| x.contains(sub))
    });
    add(m, "hasPrefix", |a| {
        two_b(a, "hasPrefix", |p, x| x.starts_with(p))
    });
    add(m, "hasSuffix", |a| {
        two_b(a, "hasSuffix", |p, x| x.ends_with(p))
    });
    add(m, "replace", |a| {
        want("replace", a, 3)?;
        let (old, new, src) = (string_arg(&a[0])?, string_arg(&a[1])?, string_arg(&a[2])?);
        Ok(s(go_replace_all(&src, &old, &new)))
    });
    add(m, "repeat", |a| {
        want("repeat", a, 2)?;
        let n = int_arg(&a[0])?;
        let x = string_arg(&a[1])?;
        if n < 0 {
            return Err(err("strings: negative Repeat count"));
        }
        if (n as usize).saturating_mul(x.len()) > 1 << 20 {
            return Err(err(
                "kubelab does not support results over 1 MiB from repeat",
            ));
        }
        Ok(s(x.repeat(n as usize)))
    });
    add(m, "trunc", |a| {
        want("trunc", a, 2)?;
        let c = int_arg(&a[0])?;
        let x = string_arg(&a[1])?;
        let len = x.len() as i64;
        Ok(s(if c < 0 && len + c > 0 {
            byte_slice(&x, (len + c) as usize, x.len())
        } else if c >= 0 && len > c {
            byte_slice(&x, 0, c as usize)
        } else {
            x
        }))
    });
    add(m, "substr", |a| {
        want("substr", a, 3)?;
        let (start, end) = (int_arg(&a[0])?, int_arg(&a[1])?);
        let x = string_arg(&a[2])?;
        let len = x.len() as i64;
        Ok(s(if start < 0 {
            byte_slice(&x, 0, end.clamp(0, len) as usize)
        } else if end < 0 || end > len {
            byte_slice(&x, start.min(len) as usize, x.len())
        } else {
            byte_slice(&x, start.min(end) as usize, end as usize)
        }))
    });
    add(m, "quote", |a| {
        let parts: Vec<String> = a
            .iter()
            .filter(|v| !matches!(v, Value::Nil))
            .map(|v| gotmpl::go_quote(&strval(v)))
            .collect();
        Ok(s(parts.join(" ")))
    });
    add(m, "squote", |a| {
        let parts: Vec<String> = a
            .iter()
            .filter(|v| !matches!(v, Value::Nil))
            .map(|v| format!("'{}'", strval(v)))
            .collect();
        Ok(s(parts.join(" ")))
    });
    add(m, "cat", |a| {
        let parts: Vec<String> = a
            .iter()
            .filter(|v| !matches!(v, Value::Nil))
            .map(strval)
            .collect();
        Ok(s(parts.join(" ")))
    });
    add(m, "indent", |a| {
        want("indent", a, 2)?;
        let n = int_arg(&a[0])?;
        Ok(s(indent(n, &string_arg(&a[1])?)))
    });
    add(m, "nindent", |a| {
        want("nindent", a, 2)?;
        let n = int_arg(&a[0])?;
        Ok(s(format!("\n{}", indent(n, &string_arg(&a[1])?))))
    });
    add(m, "toString", |a| {
        want("toString", a, 1)?;
        Ok(s(strval(&a[0])))
    });
    add(m, "toStrings", |a| {
        want("toStrings", a, 1)?;
        Ok(list(strslice(&a[0]).into_iter().map(s).collect()))
    });
    add(m, "join", |a| {
        want("join", a, 2)?;
        let sep = string_arg(&a[0])?;
        Ok(s(strslice(&a[1]).join(&sep)))
    });
    add(m, "splitList", |a| {
        want("splitList", a, 2)?;
        let (sep, x) = (string_arg(&a[0])?, string_arg(&a[1])?);
        Ok(list(go_split(&x, &sep).into_iter().map(s).collect()))
    });
    add(m, "split", |a| {
        want("split", a, 2)?;
        let (sep, x) = (string_arg(&a[0])?, string_arg(&a[1])?);
        let mut out = std::collections::BTreeMap::new();
        for (i, p) in go_split(&x, &sep).into_iter().enumerate() {
            out.insert(std::sync::Arc::from(format!("_{i}").as_str()), s(p));
        }
        Ok(super::sprig_util::map(out))
    });
    add(m, "snakecase", |a| {
        one(a, "snakecase", |x| words_joined(x, '_'))
    });
    add(m, "kebabcase", |a| {
        one(a, "kebabcase", |x| words_joined(x, '-'))
    });
    add(m, "camelcase", |a| {
        one(a, "camelcase", |x| {
            x.split('_')
                .map(|w| {
                    let mut c = w.chars();
                    match c.next() {
                        Some(f) => f.to_uppercase().chain(c).collect::<String>(),
                        None => String::new(),
                    }
                })
                .collect()
        })
    });
    add(m, "abbrev", |a| {
        want("abbrev", a, 2)?;
        let w = int_arg(&a[0])?;
        let x = string_arg(&a[1])?;
        Ok(s(if w < 4 || x.len() as i64 <= w {
            x
        } else {
            format!("{}...", byte_slice(&x, 0, (w - 3) as usize))
        }))
    });
    add(m, "plural", |a| {
        want("plural", a, 3)?;
        let (one_s, many) = (string_arg(&a[0])?, string_arg(&a[1])?);
        Ok(s(if int_arg(&a[2])? == 1 { one_s } else { many }))
    });
}

fn one(a: &[Value], name: &str, f: impl Fn(&str) -> String) -> R {
    want(name, a, 1)?;
    Ok(s(f(&string_arg(&a[0])?)))
}

fn two(a: &[Value], name: &str, f: impl Fn(&str, &str) -> String) -> R {
    want(name, a, 2)?;
    Ok(s(f(&string_arg(&a[0])?, &string_arg(&a[1])?)))
}

fn two_b(a: &[Value], name: &str, f: impl Fn(&str, &str) -> bool) -> R {
    want(name, a, 2)?;
    Ok(Value::Bool(f(&string_arg(&a[0])?, &string_arg(&a[1])?)))
}

/// Go's `unicode.IsSpace` for `strings.TrimSpace`.
fn is_go_space(c: char) -> bool {
    c.is_whitespace()
}

/// A byte range of a string, with invalid UTF-8 cut points replaced as Go would print them.
fn byte_slice(x: &str, from: usize, to: usize) -> String {
    String::from_utf8_lossy(&x.as_bytes()[from.min(x.len())..to.min(x.len())]).into_owned()
}

/// Sprig's `indent`: the pad before the text and after every newline.
pub fn indent(n: i64, text: &str) -> String {
    let pad = " ".repeat(n.clamp(0, 1 << 16) as usize);
    format!("{pad}{}", text.replace('\n', &format!("\n{pad}")))
}

/// Go's `strings.Replace(s, old, new, -1)` (an empty `old` inserts between runes).
fn go_replace_all(src: &str, old: &str, new: &str) -> String {
    if old.is_empty() {
        let mut out = String::from(new);
        for c in src.chars() {
            out.push(c);
            out.push_str(new);
        }
        return out;
    }
    src.replace(old, new)
}

/// Go's `strings.Split` (an empty separator splits into runes).
fn go_split(x: &str, sep: &str) -> Vec<String> {
    if sep.is_empty() {
        return x.chars().map(String::from).collect();
    }
    x.split(sep).map(String::from).collect()
}

/// Go's deprecated `strings.Title`: upper-cases the first letter of each word.
fn title(x: &str) -> String {
    let mut out = String::new();
    let mut prev_sep = true;
    for c in x.chars() {
        if prev_sep && c.is_alphabetic() {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        prev_sep = !(c.is_alphanumeric() || c == '_');
    }
    out
}

fn untitle(x: &str) -> String {
    let mut out = String::new();
    let mut prev_sep = true;
    for c in x.chars() {
        if prev_sep && c.is_alphabetic() {
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
        prev_sep = c.is_whitespace();
    }
    out
}

/// snake/kebab case: a separator before each upper-case letter that follows a lower-case
/// letter or digit, everything lower-cased.
fn words_joined(x: &str, sep: char) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for c in x.chars() {
        if c.is_uppercase() && prev_lower {
            out.push(sep);
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        if c == '_' || c == '-' || c == ' ' {
            out.push(sep);
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indent_pads_every_line() {
        assert_eq!(indent(2, "a\nb"), "  a\n  b");
    }

    #[test]
    fn title_case() {
        assert_eq!(title("hello wide world"), "Hello Wide World");
    }
}
