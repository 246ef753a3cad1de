//! Masterminds/semver v3 as helm uses it: lenient versions (`v1.2`, `1`), ordering with
//! pre-releases, and constraints (`>`, `>=`, `<`, `<=`, `=`, `!=`, `~`, `^`, `x`/`*`
//! wildcards, `,` or spaces for AND, `||` for OR). A pre-release version satisfies a constraint
//! only when the constraint itself names a pre-release (`>0.0.0-0`).

use std::cmp::Ordering;

/// A version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
    pub pre: String,
}

fn parse_num(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

impl Version {
    /// `semver.NewVersion` (lenient: `v` prefix, missing minor/patch).
    pub fn parse(s: &str) -> Option<Version> {
        let s = s.strip_prefix('v').unwrap_or(s);
        let s = s.split('+').next().unwrap_or("");
        let (core, pre) = match s.split_once('-') {
            Some((c, p)) if !p.is_empty() => (c, p.to_string()),
            Some(_) => return None,
            None => (s, String::new()),
        };
        let parts: Vec<&str> = core.split('.').collect();
        if parts.is_empty() || parts.len() > 3 {
            return None;
        }
        let major = parse_num(parts[0])?;
        let minor = parts.get(1).map_or(Some(0), |p| parse_num(p))?;
        let patch = parts.get(2).map_or(Some(0), |p| parse_num(p))?;
        Some(Version {
            major,
            minor,
            patch,
            pre,
        })
    }

    fn core(&self) -> (u64, u64, u64) {
        (self.major, self.minor, self.patch)
    }
}

fn cmp_pre(a: &str, b: &str) -> Ordering {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Greater,
        (false, true) => return Ordering::Less,
        _ => {}
    }
    let (pa, pb): (Vec<&str>, Vec<&str>) = (a.split('.').collect(), b.split('.').collect());
    for (x, y) in pa.iter().zip(pb.iter()) {
        let o = match (x.parse::<u64>(), y.parse::<u64>()) {
            (Ok(m), Ok(n)) => m.cmp(&n),
            (Ok(_), Err(_)) => Ordering::Less,
            (Err(_), Ok(_)) => Ordering::Greater,
            _ => x.cmp(y),
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    pa.len().cmp(&pb.len())
}

impl Ord for Version {
    fn cmp(&self, o: &Self) -> Ordering {
        self.core()
            .cmp(&o.core())
            .then_with(|| cmp_pre(&self.pre, &o.pre))
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

#[derive(Debug, Clone)]
struct Term {
    op: String,
    v: Version,
    /// Which parts were wildcards or missing (1: minor on, 2: patch on).
    wild: u8,
}

/// A parsed constraint.
#[derive(Debug, Clone)]
pub struct Constraint {
    any: Vec<Vec<Term>>,
}

fn parse_term(t: &str) -> Option<Term> {
    let t = t.trim();
    let ops = [">=", "=<", "<=", "=>", "!=", ">", "<", "=", "~>", "~", "^"];
    let (op, rest) = ops
        .iter()
        .find_map(|o| t.strip_prefix(o).map(|r| (o.to_string(), r.trim())))
        .unwrap_or((String::new(), t));
    let op = match op.as_str() {
        "=<" => "<=".to_string(),
        "=>" => ">=".to_string(),
        "~>" => "~".to_string(),
        _ => op,
    };
    let rest = rest.strip_prefix('v').unwrap_or(rest);
    let (core, pre) = match rest.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (rest, None),
    };
    let parts: Vec<&str> = core.split('.').collect();
    if parts.is_empty() || parts.len() > 3 {
        return None;
    }
    let is_wild = |p: &str| matches!(p, "x" | "X" | "*");
    if parts.len() == 1 && is_wild(parts[0]) {
        return Some(Term {
            op: ">=".into(),
            v: Version {
                major: 0,
                minor: 0,
                patch: 0,
                pre: String::new(),
            },
            wild: 3,
        });
    }
    let mut wild = 0;
    let mut nums = [0u64; 3];
    for (i, n) in nums.iter_mut().enumerate() {
        match parts.get(i) {
            None => wild = wild.max(3 - i as u8),
            Some(p) if is_wild(p) => wild = wild.max(3 - i as u8),
            Some(p) => *n = parse_num(p)?,
        }
    }
    Some(Term {
        op,
        v: Version {
            major: nums[0],
            minor: nums[1],
            patch: nums[2],
            pre: pre.unwrap_or("").to_string(),
        },
        wild,
    })
}

impl Constraint {
    /// `semver.NewConstraint`; None when it does not parse (helm: `improper constraint: X`).
    pub fn parse(s: &str) -> Option<Constraint> {
        let mut any = Vec::new();
        for alt in s.split("||") {
            let mut all = Vec::new();
            let normalized = alt.replace(',', " ");
            let words: Vec<&str> = normalized.split_whitespace().collect();
            let mut i = 0;
            while i < words.len() {
                let mut w = words[i].to_string();
                // `>= 1.2` with a space after the operator.
                if w.chars().all(|c| "<>=!~^".contains(c)) && i + 1 < words.len() {
                    w.push_str(words[i + 1]);
                    i += 1;
                }
                // Hyphen range `1.2 - 1.4`.
                if i + 2 < words.len() && words[i + 1] == "-" {
                    all.push(parse_term(&format!(">={w}"))?);
                    all.push(parse_term(&format!("<={}", words[i + 2]))?);
                    i += 3;
                    continue;
                }
                all.push(parse_term(&w)?);
                i += 1;
            }
            if all.is_empty() {
                return None;
            }
            any.push(all);
        }
        Some(Constraint { any })
    }

    /// Whether `v` satisfies it.
    pub fn check(&self, v: &Version) -> bool {
        self.any.iter().any(|all| {
            all.iter().all(|t| {
                if !v.pre.is_empty() && t.v.pre.is_empty() {
                    return false;
                }
                check_term(t, v)
            })
        })
    }
}

fn check_term(t: &Term, v: &Version) -> bool {
    let c = &t.v;
    let upper = |major: u64, minor: u64| Version {
        major,
        minor,
        patch: 0,
        pre: String::new(),
    };
    match t.op.as_str() {
        "" | "=" => match t.wild {
            0 => v == c,
            1 => v.major == c.major && v.minor == c.minor,
            2 => v.major == c.major,
            _ => true,
        },
        "!=" => match t.wild {
            0 => v != c,
            1 => !(v.major == c.major && v.minor == c.minor),
            2 => v.major != c.major,
            _ => false,
        },
        ">" => match t.wild {
            0 => v > c,
            1 => v.core() >= (c.major, c.minor + 1, 0),
            2 => v.major > c.major,
            _ => false,
        },
        ">=" => v >= c,
        "<" => v < c,
        "<=" => match t.wild {
            0 => v <= c,
            1 => *v < upper(c.major, c.minor + 1),
            2 => *v < upper(c.major + 1, 0),
            _ => true,
        },
        "~" => {
            v >= c
                && if t.wild >= 2 {
                    *v < upper(c.major + 1, 0)
                } else {
                    *v < upper(c.major, c.minor + 1)
                }
        }
        "^" => {
            v >= c
                && if c.major > 0 || t.wild >= 2 {
                    *v < upper(c.major + 1, 0)
                } else if c.minor > 0 || t.wild >= 1 {
                    *v < upper(0, c.minor + 1)
                } else {
                    v.core() == c.core()
                }
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(c: &str, v: &str) -> bool {
        Constraint::parse(c)
            .unwrap()
            .check(&Version::parse(v).unwrap())
    }

    #[test]
    fn constraints_as_masterminds() {
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
        assert!(Version::parse("1.16.0") > Version::parse("1.16.0-rc.1"));
        assert!(Version::parse("v2").is_some());
        assert!(Version::parse("abc").is_none());
    }
}
