//! The student's prompt at `kubelab shell`'s interactive prompt: where the student is, as
//! kube-ps1 and `oc project` users expect to see it. A lab may set it with
//! `prompt "TEMPLATE"`; the template's `{namespace}` (or `{project}`), `{user}` and `{server}`
//! are filled in before each input, `{{` and `}}` are braces. Without a template the prompt
//! is bash's `$ `, with the namespace in front once the student left `default`:
//! `(dev) $ `.

/// What a prompt can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place<'a> {
    /// The current namespace (OpenShift: project).
    pub namespace: &'a str,
    /// The user (`oc whoami`).
    pub user: &'a str,
    /// The API server's URL.
    pub server: &'a str,
}

/// The placeholders a template may use.
pub const PLACEHOLDERS: &[&str] = &["namespace", "project", "user", "server"];

/// A template's longest accepted length, in bytes.
pub const MAX_TEMPLATE: usize = 200;

/// The template's pieces: text, or a placeholder's name; an error is (byte offset, message).
fn pieces(template: &str) -> Result<Vec<(bool, &str)>, (usize, String)> {
    if template.len() > MAX_TEMPLATE {
        return Err((0, format!("a prompt is at most {MAX_TEMPLATE} bytes long")));
    }
    if let Some(i) = template.find(['\n', '\r']) {
        return Err((i, "a prompt is one line".into()));
    }
    let mut out = Vec::new();
    let mut rest = template;
    let mut at = 0;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("{{") {
            out.push((false, "{"));
            rest = r;
            at += 2;
        } else if let Some(r) = rest.strip_prefix("}}") {
            out.push((false, "}"));
            rest = r;
            at += 2;
        } else if let Some(r) = rest.strip_prefix('{') {
            let Some(end) = r.find('}') else {
                return Err((
                    at,
                    "`{` opens a placeholder that is not closed (write `{{` for a brace)".into(),
                ));
            };
            let name = &r[..end];
            if !PLACEHOLDERS.contains(&name) {
                return Err((
                    at,
                    format!(
                        "unknown placeholder `{{{name}}}`: a prompt can show {{namespace}}, {{project}}, {{user}} and {{server}}"
                    ),
                ));
            }
            out.push((true, name));
            rest = &r[end + 1..];
            at += end + 2;
        } else if rest.starts_with('}') {
            return Err((
                at,
                "`}` closes no placeholder (write `}}` for a brace)".into(),
            ));
        } else {
            let n = rest.find(['{', '}']).unwrap_or(rest.len());
            out.push((false, &rest[..n]));
            rest = &rest[n..];
            at += n;
        }
    }
    Ok(out)
}

/// Checks a lab's template; the error is (byte offset in the template, message).
pub fn check(template: &str) -> Result<(), (usize, String)> {
    pieces(template).map(|_| ())
}

/// The prompt for `place`: the lab's template filled in, or the default. `paint` colours the
/// place (the interactive prompt on a terminal).
pub fn render(template: Option<&str>, place: Place<'_>, paint: &dyn Fn(&str) -> String) -> String {
    let Some(t) = template else {
        return if place.namespace == "default" {
            "$ ".into()
        } else {
            format!("({}) $ ", paint(place.namespace))
        };
    };
    match pieces(t) {
        Ok(p) => p
            .into_iter()
            .map(|(is_name, s)| match (is_name, s) {
                (false, s) => s.to_string(),
                (true, "namespace" | "project") => paint(place.namespace),
                (true, "user") => paint(place.user),
                (true, _) => paint(place.server),
            })
            .collect(),
        Err(_) => "$ ".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HERE: Place<'static> = Place {
        namespace: "dev",
        user: "developer",
        server: "https://api.ocp4.example.com:6443",
    };

    fn plain(s: &str) -> String {
        s.to_string()
    }

    #[test]
    fn templates_are_filled_in() {
        assert_eq!(
            render(
                None,
                Place {
                    namespace: "default",
                    ..HERE
                },
                &plain
            ),
            "$ "
        );
        assert_eq!(render(None, HERE, &plain), "(dev) $ ");
        assert_eq!(
            render(Some("[{user}@{project}]$ "), HERE, &plain),
            "[developer@dev]$ "
        );
        assert_eq!(
            render(Some("{{k8s}} {namespace} > "), HERE, &|s: &str| format!(
                "<{s}>"
            )),
            "{k8s} <dev> > "
        );
        assert_eq!(render(Some("$ "), HERE, &plain), "$ ");
    }

    #[test]
    fn bad_templates_are_said() {
        assert_eq!(
            check("({ns}) $ "),
            Err((1, "unknown placeholder `{ns}`: a prompt can show {namespace}, {project}, {user} and {server}".into()))
        );
        assert_eq!(check("x {namespace").map_err(|e| e.0), Err(2));
        assert_eq!(check("a } b").map_err(|e| e.0), Err(2));
        assert!(check(&"x".repeat(MAX_TEMPLATE + 1)).is_err());
        assert!(check("{{}} {server}").is_ok());
    }
}
