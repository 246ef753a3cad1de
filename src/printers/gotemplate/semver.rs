//! Masterminds semver v3 versions and constraints, as `semverCompare` and Helm's `--version`
//! use them: `1.2.3`, `v1.14`, `1.14-0`; constraints `=`, `!=`, `>`, `<`, `>=`, `<=`, `~`,
//! `^`, wildcards (`1.2.x`, `*`), hyphen ranges (`1 - 2`), `,` (and), `||` (or). A version
//! with a prerelease satisfies a constraint only if the constraint has a prerelease too.

use std::cmp::Ordering;

/// A parsed version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    major: u64,
    minor: u64,
    patch: u64,
    pre: String,
}

impl Version {
    /// Parses a (loose) version: a leading `v`, missing minor/patch, `-pre` and `+build`.
    pub fn parse(text: &str) -> Result<Version, String> {
        let t = text.trim();
        let t = t.strip_prefix('v').unwrap_or(t);
        let (core, _build) = t.split_once('+').unwrap_or((t, ""));
        let (core, pre) = core.split_once('-').unwrap_or((core, ""));
        let parts: Vec<&str> = core.split('.').collect();
        if parts.is_empty() || parts.len() > 3 || parts.iter().any(|p| p.is_empty()) {
            return Err("Invalid Semantic Version".into());
        }
        let num = |i: usize| -> Result<u64, String> {
            match parts.get(i) {
                None => Ok(0),
                Some(p) => p
                    .parse::<u64>()
                    .map_err(|_| "Invalid Semantic Version".to_string()),
            }
        };
        Ok(Version {
            major: num(0)?,
            minor: num(1)?,
            patch: num(2)?,
            pre: pre.to_string(),
        })
    }

    fn cmp_core(&self, o: &Version) -> Ordering {
        (self.major, self.minor, self.patch)
            .cmp(&(o.major, o.minor, o.patch))
            .then_with(|| cmp_pre(&self.pre, &o.pre))
    }
}

impl Ord for Version {
    fn cmp(&self, o: &Self) -> Ordering {
        self.cmp_core(o)
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

/// Prerelease order: none is greater than any; dot-separated identifiers compared numerically
/// when both are numbers.
fn cmp_pre(a: &str, b: &str) -> Ordering {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Greater,
        (false, true) => return Ordering::Less,
        _ => {}
    }
    let (xa, xb): (Vec<&str>, Vec<&str>) = (a.split('.').collect(), b.split('.').collect());
    for (p, q) in xa.iter().zip(xb.iter()) {
        let o = match (p.parse::<u64>(), q.parse::<u64>()) {
            (Ok(m), Ok(n)) => m.cmp(&n),
            (Ok(_), Err(_)) => Ordering::Less,
            (Err(_), Ok(_)) => Ordering::Greater,
            _ => p.cmp(q),
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    xa.len().cmp(&xb.len())
}

#[derive(Debug, Clone)]
struct Term {
    op: String,
    v: Version,
    /// How many of major/minor/patch were given (wildcards count as missing).
    given: usize,
    has_pre: bool,
}

/// A parsed constraint: alternatives (`||`) of conjunctions (`,` or space).
#[derive(Debug, Clone)]
pub struct Constraint {
    any: Vec<Vec<Term>>,
}

impl Constraint {
    /// Parses a constraint, or Masterminds' error text.
    pub fn parse(text: &str) -> Result<Constraint, String> {
        let mut any = Vec::new();
        for alt in text.split("||") {
            let alt = alt.trim();
            let mut all = Vec::new();
            // hyphen ranges "a - b"
            if let Some((lo, hi)) = alt.split_once(" - ") {
                all.push(term(&format!(">={}", lo.trim()), text)?);
                all.push(term(&format!("<={}", hi.trim()), text)?);
            } else {
                let mut pending_op = String::new();
                for tok in alt.split([',', ' ']).filter(|t| !t.is_empty()) {
                    if tok.chars().all(|c| "<>=!~^".contains(c)) {
                        pending_op.push_str(tok);
                        continue;
                    }
                    all.push(term(&format!("{pending_op}{tok}"), text)?);
                    pending_op.clear();
                }
            }
            if all.is_empty() {
                return Err(format!("improper constraint: {text}"));
            }
            any.push(all);
        }
        Ok(Constraint { any })
    }

    /// Whether `v` satisfies the constraint.
    pub fn matches(&self, v: &Version) -> bool {
        self.any.iter().any(|all| all.iter().all(|t| t.matches(v)))
    }
}

fn term(tok: &str, whole: &str) -> Result<Term, String> {
    let op_len = tok
        .find(|c: char| !"<>=!~^".contains(c))
        .unwrap_or(tok.len());
    let (op, ver) = tok.split_at(op_len);
    let ver = ver.trim();
    let bare = ver.strip_prefix('v').unwrap_or(ver);
    let core = bare.split(['-', '+']).next().unwrap_or("");
    let mut given = 0;
    let mut parts = Vec::new();
    for p in core.split('.') {
        if p == "x" || p == "X" || p == "*" || p.is_empty() {
            break;
        }
        given += 1;
        parts.push(p);
    }
    let has_pre = bare.contains('-');
    let text = if parts.is_empty() {
        "0.0.0".to_string()
    } else {
        let mut t = parts.join(".");
        if let Some((_, pre)) = bare.split_once('-') {
            t.push('-');
            t.push_str(pre);
        }
        t
    };
    let v = Version::parse(&text).map_err(|_| format!("improper constraint: {whole}"))?;
    Ok(Term {
        op: op.to_string(),
        v,
        given,
        has_pre,
    })
}

impl Term {
    fn matches(&self, v: &Version) -> bool {
        if !v.pre.is_empty() && !self.has_pre {
            return false;
        }
        let c = &self.v;
        let cmp = v.cmp_core(c);
        let upper = |level: usize| -> Version {
            match level {
                0 => Version {
                    major: u64::MAX,
                    minor: 0,
                    patch: 0,
                    pre: String::new(),
                },
                1 => Version {
                    major: c.major + 1,
                    minor: 0,
                    patch: 0,
                    pre: String::new(),
                },
                _ => Version {
                    major: c.major,
                    minor: c.minor + 1,
                    patch: 0,
                    pre: String::new(),
                },
            }
        };
        let below = |u: &Version| v.cmp_core(u) == Ordering::Less;
        match self.op.as_str() {
            "" | "=" => {
                if self.given < 3 {
                    cmp != Ordering::Less && below(&upper(self.given))
                } else {
                    cmp == Ordering::Equal
                }
            }
            "!=" => {
                if self.given < 3 {
                    !(cmp != Ordering::Less && below(&upper(self.given)))
                } else {
                    cmp != Ordering::Equal
                }
            }
            ">" => {
                if self.given < 3 {
                    !below(&upper(self.given))
                } else {
                    cmp == Ordering::Greater
                }
            }
            ">=" | "=>" => cmp != Ordering::Less,
            "<" => cmp == Ordering::Less,
            "<=" | "=<" => {
                if self.given < 3 {
                    below(&upper(self.given))
                } else {
                    cmp != Ordering::Greater
                }
            }
            "~" | "~>" => {
                cmp != Ordering::Less && below(&upper(if self.given <= 1 { 1 } else { 2 }))
            }
            "^" => {
                let u = if c.major > 0 || self.given <= 1 {
                    upper(1)
                } else if c.minor > 0 || self.given == 2 {
                    upper(2)
                } else {
                    Version {
                        major: 0,
                        minor: 0,
                        patch: c.patch + 1,
                        pre: String::new(),
                    }
                };
                cmp != Ordering::Less && below(&u)
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(c: &str, v: &str) -> bool {
        Constraint::parse(c)
            .unwrap()
            .matches(&Version::parse(v).unwrap())
    }

    #[test]
    fn helm_scaffold_constraints() {
        assert!(ok(">=1.14-0", "v1.32.0"));
        assert!(ok(">=1.14-0", "v1.19.0-gke.1"));
        assert!(!ok(">=1.19-0", "v1.18.3"));
        assert!(!ok(">0.0.0", "1.0.0-alpha"));
        assert!(ok("^1.2.3", "1.9.0"));
        assert!(!ok("^1.2.3", "2.0.0"));
        assert!(ok("~1.2.3", "1.2.9"));
        assert!(!ok("~1.2.3", "1.3.0"));
        assert!(ok("1.2.x", "1.2.7"));
        assert!(ok(">= 1.2, < 3.0.0 || >= 4.2.3", "4.3.0"));
        assert!(ok("1.0 - 2.0", "1.5.0"));
    }

    #[test]
    fn helm_search_constraints() {
        assert!(ok(">0.0.0", "0.1.0"));
        assert!(!ok(">0.0.0", "0.1.0-rc1"));
        assert!(ok(">0.0.0-0", "0.1.0-rc1"));
        assert!(ok("0.1.0", "0.1.0"));
        assert!(!ok("0.1.0", "0.1.1"));
        assert!(ok("^1.2.0", "1.9.0"));
        assert!(!ok("^1.2.0", "2.0.0"));
        assert!(ok("~1.2.0", "1.2.9"));
        assert!(!ok("~1.2.0", "1.3.0"));
        assert!(ok("1.x", "1.4.0"));
        assert!(ok(">=1.0, <2.0", "1.5.0"));
        assert!(ok("<1.0 || >=3", "3.1.0"));
        assert!(Version::parse("1.16.0").unwrap() > Version::parse("1.16.0-rc.1").unwrap());
        assert!(Version::parse("v2").is_ok());
        assert!(Version::parse("abc").is_err());
    }
}
