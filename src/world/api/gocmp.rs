//! The report of go-cmp's `cmp.Diff` (v0.6, `report_*.go`) that the API server puts in the
//! pod, PVC and PV update errors, over a model of the Go values ([`GoV`]).
//!
//! What is reproduced: the `  `/`- `/`+ ` markers followed by tab indentation, struct headers
//! with their type (`core.PodSpec{`), compact values with types elided and zero fields omitted
//! (`{Name: "x", Image: "y"}`), removed/inserted leaf values with the types go-cmp shows in diff
//! mode, two records of context around a difference and `... // N identical fields` for the
//! rest, and key alignment over runs of one-line records.
//! What is not: go-cmp picks, per process and at random, a regular or a non-breaking space after
//! each marker (on purpose, so that nobody depends on the text); kubelab always prints a regular
//! space. Its slice edit script is approximated by a longest common subsequence, pairing changed
//! elements in order.

/// A Go value as go-cmp prints it.
#[derive(Debug, Clone, PartialEq)]
pub enum GoV {
    /// `nil` (nil pointer, slice or map).
    Nil,
    /// A string, printed `%q`.
    Str(String),
    /// A value whose type implements `fmt.Stringer`: `s"..."`.
    Stringer(String),
    /// An integer.
    Int(i64),
    /// A bool.
    Bool(bool),
    /// A non-nil pointer.
    Ptr(Box<GoV>),
    /// A struct: type name and fields in declaration order.
    Struct(String, Vec<(String, GoV)>),
    /// A non-nil slice: type name (`[]core.Container`) and elements.
    Slice(String, Vec<GoV>),
    /// A non-nil map: type name and entries in key order.
    Map(String, Vec<(GoV, GoV)>),
    /// A value go-cmp prints as `{...}` when it is not itself a difference (the unexported
    /// amount inside a `resource.Quantity`).
    Opaque(Box<GoV>),
}

impl GoV {
    fn is_zero(&self) -> bool {
        match self {
            GoV::Nil => true,
            GoV::Str(s) | GoV::Stringer(s) => s.is_empty(),
            GoV::Int(i) => *i == 0,
            GoV::Bool(b) => !b,
            GoV::Struct(_, fs) => fs.iter().all(|(_, v)| v.is_zero()),
            GoV::Opaque(x) => x.is_zero(),
            _ => false,
        }
    }

    fn is_composite(&self) -> bool {
        matches!(self, GoV::Struct(..) | GoV::Slice(..) | GoV::Map(..))
    }
}

/// Go's `%q` (`strconv.Quote`): double quotes, `\"` and `\\`, the usual short escapes, other
/// control characters as `\x..`/`\u....`; printable Unicode is kept.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The value on one line. `diff`: printed as a removed/inserted value (go-cmp's `autoType`
/// then shows a composite's type) rather than an identical one; `elide`: this node's own type is
/// implied by its parent (slice elements, map values).
pub fn compact(v: &GoV, diff: bool, elide: bool) -> String {
    let ty = |t: &str| {
        if diff && !elide {
            t.to_string()
        } else {
            String::new()
        }
    };
    match v {
        GoV::Nil => "nil".into(),
        GoV::Str(s) => quote(s),
        GoV::Stringer(s) => format!("s{}", quote(s)),
        GoV::Int(i) => i.to_string(),
        GoV::Bool(b) => b.to_string(),
        GoV::Ptr(x) => format!("&{}", compact(x, diff, elide)),
        GoV::Opaque(x) => {
            if diff {
                compact(x, diff, elide)
            } else {
                "{...}".into()
            }
        }
        GoV::Struct(t, fs) => {
            let body: Vec<String> = fs
                .iter()
                .filter(|(_, v)| !v.is_zero())
                .map(|(k, v)| format!("{k}: {}", compact(v, diff, false)))
                .collect();
            format!("{}{{{}}}", ty(t), body.join(", "))
        }
        GoV::Slice(t, items) => {
            let body: Vec<String> = items.iter().map(|x| compact(x, diff, true)).collect();
            format!("{}{{{}}}", ty(t), body.join(", "))
        }
        GoV::Map(t, entries) => {
            let body: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{}: {}", compact(k, diff, true), compact(v, diff, true)))
                .collect();
            format!("{}{{{}}}", ty(t), body.join(", "))
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Mark {
    Same,
    Removed,
    Inserted,
}

/// One record of a list: a key (empty for slice elements and ellipses) and its text lines.
struct Record {
    mark: Mark,
    key: String,
    /// One line, or several (a nested diff: header, body, closing).
    lines: Vec<(Mark, usize, String)>,
    ellipsis: bool,
}

/// `cmp.Diff(old, new)`: empty when equal, else the report (ending with a newline).
pub fn diff(old: &GoV, new: &GoV) -> String {
    if old == new {
        return String::new();
    }
    let mut lines: Vec<(Mark, usize, String)> = Vec::new();
    match (old, new) {
        (GoV::Struct(..) | GoV::Slice(..) | GoV::Map(..), _) if same_shape(old, new) => {
            nested(old, new, "", 0, &mut lines, true);
        }
        _ => {
            lines.push((Mark::Removed, 0, compact(old, true, false)));
            lines.push((Mark::Inserted, 0, compact(new, true, false)));
        }
    }
    let mut out = String::new();
    for (m, depth, text) in lines {
        out.push_str(match m {
            Mark::Same => "  ",
            Mark::Removed => "- ",
            Mark::Inserted => "+ ",
        });
        for _ in 0..depth {
            out.push('\t');
        }
        out.push_str(&text);
        out.push('\n');
    }
    out
}

fn same_shape(a: &GoV, b: &GoV) -> bool {
    match (a, b) {
        (GoV::Struct(x, _), GoV::Struct(y, _))
        | (GoV::Slice(x, _), GoV::Slice(y, _))
        | (GoV::Map(x, _), GoV::Map(y, _)) => x == y,
        (GoV::Ptr(x), GoV::Ptr(y)) => same_shape(x, y) && x.is_composite(),
        _ => false,
    }
}

/// A multi-line diff of two composite values of one type: header, records, closing brace.
fn nested(
    old: &GoV,
    new: &GoV,
    prefix: &str,
    depth: usize,
    out: &mut Vec<(Mark, usize, String)>,
    root: bool,
) {
    let (old, new, amp) = match (old, new) {
        (GoV::Ptr(a), GoV::Ptr(b)) => (&**a, &**b, "&"),
        _ => (old, new, ""),
    };
    let (ty, noun) = match old {
        GoV::Struct(ty, _) => (ty.as_str(), "fields"),
        GoV::Slice(ty, _) => (ty.as_str(), "elements"),
        GoV::Map(ty, _) => (ty.as_str(), "entries"),
        _ => ("", "fields"),
    };
    // Slice elements elide their type.
    let shown_ty = if prefix.is_empty() && !root { "" } else { ty };
    out.push((Mark::Same, depth, format!("{prefix}{amp}{shown_ty}{{")));
    let records: Vec<Record> = match (old, new) {
        (GoV::Struct(_, a), GoV::Struct(_, b)) => {
            let pairs: Vec<(String, Option<&GoV>, Option<&GoV>)> = a
                .iter()
                .zip(b.iter())
                .map(|((k, x), (_, y))| (k.clone(), Some(x), Some(y)))
                .collect();
            records_of(&pairs, depth + 1, noun)
        }
        (GoV::Map(_, a), GoV::Map(_, b)) => {
            let mut keys: Vec<&GoV> = a.iter().map(|(k, _)| k).collect();
            for (k, _) in b {
                if !keys.contains(&k) {
                    keys.push(k);
                }
            }
            keys.sort_by_key(|k| compact(k, false, true));
            let pairs: Vec<(String, Option<&GoV>, Option<&GoV>)> = keys
                .iter()
                .map(|k| (compact(k, false, true), find_entry(a, k), find_entry(b, k)))
                .collect();
            records_of(&pairs, depth + 1, noun)
        }
        (GoV::Slice(_, a), GoV::Slice(_, b)) => {
            let pairs = align_slices(a, b);
            records_of(&pairs, depth + 1, noun)
        }
        _ => Vec::new(),
    };
    render(records, out);
    out.push((
        Mark::Same,
        depth,
        if root { "}".into() } else { "},".into() },
    ));
}

fn find_entry<'a>(m: &'a [(GoV, GoV)], k: &GoV) -> Option<&'a GoV> {
    m.iter().find(|(x, _)| x == k).map(|(_, v)| v)
}

/// Pairs slice elements: a longest common subsequence of equal elements; between matches,
/// removed and inserted elements of the same position are paired as changed.
fn align_slices<'a>(a: &'a [GoV], b: &'a [GoV]) -> Vec<(String, Option<&'a GoV>, Option<&'a GoV>)> {
    let (n, m) = (a.len().min(512), b.len().min(512));
    let mut lcs = vec![vec![0u16; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut out = Vec::new();
    let (mut i, mut j) = (0, 0);
    let mut removed: Vec<&GoV> = Vec::new();
    let mut inserted: Vec<&GoV> = Vec::new();
    let flush = |out: &mut Vec<_>, removed: &mut Vec<&'a GoV>, inserted: &mut Vec<&'a GoV>| {
        let k = removed.len().max(inserted.len());
        for x in 0..k {
            out.push((
                String::new(),
                removed.get(x).copied(),
                inserted.get(x).copied(),
            ));
        }
        removed.clear();
        inserted.clear();
    };
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            flush(&mut out, &mut removed, &mut inserted);
            out.push((String::new(), Some(&a[i]), Some(&b[j])));
            i += 1;
            j += 1;
        } else if j >= m || (i < n && lcs[i + 1][j] >= lcs[i][j + 1]) {
            removed.push(&a[i]);
            i += 1;
        } else {
            inserted.push(&b[j]);
            j += 1;
        }
    }
    flush(&mut out, &mut removed, &mut inserted);
    out
}

/// The records of a list with go-cmp's context rule: two equal records on each side of a
/// difference, the others folded into an ellipsis (a single one is shown instead).
fn records_of(
    pairs: &[(String, Option<&GoV>, Option<&GoV>)],
    depth: usize,
    noun: &str,
) -> Vec<Record> {
    const CONTEXT: usize = 2;
    let equal = |p: &(String, Option<&GoV>, Option<&GoV>)| p.1.is_some() && p.1 == p.2;
    let mut out = Vec::new();
    let mut i = 0;
    let first_group = pairs.first().is_some_and(equal);
    let mut group_index = 0;
    while i < pairs.len() {
        if equal(&pairs[i]) {
            let start = i;
            while i < pairs.len() && equal(&pairs[i]) {
                i += 1;
            }
            let num_equal = i - start;
            let is_first = group_index == 0 && first_group;
            let is_last = i == pairs.len();
            let mut lo = if is_first { 0 } else { CONTEXT.min(num_equal) };
            let mut hi = if is_last {
                0
            } else {
                CONTEXT.min(num_equal - lo)
            };
            if num_equal - (lo + hi) == 1 {
                if is_last {
                    lo += 1;
                } else {
                    hi += 1;
                }
            }
            for p in &pairs[start..start + lo] {
                out.push(same_record(&p.0, p.1.unwrap_or(&GoV::Nil), depth));
            }
            if num_equal > lo + hi {
                let n = num_equal - lo - hi;
                let noun = if n == 1 {
                    noun.trim_end_matches('s')
                } else {
                    noun
                };
                out.push(Record {
                    mark: Mark::Same,
                    key: String::new(),
                    lines: vec![(Mark::Same, depth, format!("... // {n} identical {noun}"))],
                    ellipsis: true,
                });
            }
            for p in &pairs[i - hi..i] {
                out.push(same_record(&p.0, p.1.unwrap_or(&GoV::Nil), depth));
            }
        } else {
            let (key, x, y) = &pairs[i];
            match (x, y) {
                (Some(x), Some(y)) if same_shape(x, y) => {
                    let mut lines = Vec::new();
                    let prefix = if key.is_empty() {
                        String::new()
                    } else {
                        format!("{key}: ")
                    };
                    nested(x, y, &prefix, depth, &mut lines, false);
                    out.push(Record {
                        mark: Mark::Same,
                        key: key.clone(),
                        lines,
                        ellipsis: false,
                    });
                }
                _ => {
                    // Struct fields show a composite's type; elements and map values do not.
                    let typed = noun == "fields";
                    if let Some(x) = x {
                        out.push(leaf(Mark::Removed, key, x, depth, typed));
                    }
                    if let Some(y) = y {
                        out.push(leaf(Mark::Inserted, key, y, depth, typed));
                    }
                }
            }
            i += 1;
        }
        group_index += 1;
    }
    out
}

fn same_record(key: &str, v: &GoV, depth: usize) -> Record {
    Record {
        mark: Mark::Same,
        key: key.to_string(),
        lines: vec![(Mark::Same, depth, format!("{},", compact(v, false, true)))],
        ellipsis: false,
    }
}

fn leaf(mark: Mark, key: &str, v: &GoV, depth: usize, typed: bool) -> Record {
    Record {
        mark,
        key: key.to_string(),
        lines: vec![(mark, depth, format!("{},", compact(v, true, !typed)))],
        ellipsis: false,
    }
}

/// Writes records, aligning the keys of runs of one-line records.
fn render(records: Vec<Record>, out: &mut Vec<(Mark, usize, String)>) {
    let one_line = |r: &Record| !r.ellipsis && !r.key.is_empty() && r.lines.len() == 1;
    let mut widths = vec![0usize; records.len()];
    let mut i = 0;
    while i < records.len() {
        if !one_line(&records[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < records.len() && one_line(&records[i]) {
            i += 1;
        }
        let w = records[start..i]
            .iter()
            .map(|r| r.key.chars().count())
            .max()
            .unwrap_or(0);
        for x in widths.iter_mut().take(i).skip(start) {
            *x = w;
        }
    }
    for (r, w) in records.into_iter().zip(widths) {
        if one_line(&r) {
            let (m, depth, text) = &r.lines[0];
            let pad = w.saturating_sub(r.key.chars().count());
            out.push((
                *m,
                *depth,
                format!("{}:{} {}", r.key, " ".repeat(pad), text),
            ));
        } else {
            let _ = r.mark;
            out.extend(r.lines);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pvc_spec(class: &str) -> GoV {
        GoV::Struct(
            "core.PersistentVolumeClaimSpec".into(),
            vec![
                (
                    "AccessModes".into(),
                    GoV::Slice(
                        "[]core.PersistentVolumeAccessMode".into(),
                        vec![GoV::Str("ReadWriteOnce".into())],
                    ),
                ),
                ("Selector".into(), GoV::Nil),
                (
                    "Resources".into(),
                    GoV::Struct(
                        "core.VolumeResourceRequirements".into(),
                        vec![("Limits".into(), GoV::Nil)],
                    ),
                ),
                ("VolumeName".into(), GoV::Str(String::new())),
                (
                    "StorageClassName".into(),
                    GoV::Ptr(Box::new(GoV::Str(class.into()))),
                ),
                (
                    "VolumeMode".into(),
                    GoV::Ptr(Box::new(GoV::Str("Filesystem".into()))),
                ),
                ("DataSource".into(), GoV::Nil),
                ("DataSourceRef".into(), GoV::Nil),
                ("VolumeAttributesClassName".into(), GoV::Nil),
            ],
        )
    }

    #[test]
    fn struct_field_change_with_context() {
        let d = diff(&pvc_spec("local-path"), &pvc_spec("local-storage"));
        assert_eq!(
            d,
            "  core.PersistentVolumeClaimSpec{\n  \t... // 2 identical fields\n  \tResources:        {},\n  \tVolumeName:       \"\",\n- \tStorageClassName: &\"local-path\",\n+ \tStorageClassName: &\"local-storage\",\n  \tVolumeMode:       &\"Filesystem\",\n  \tDataSource:       nil,\n  \t... // 2 identical fields\n  }\n"
        );
    }

    #[test]
    fn slice_element_change() {
        let mut a = pvc_spec("x");
        let mut b = pvc_spec("x");
        if let (GoV::Struct(_, fa), GoV::Struct(_, fb)) = (&mut a, &mut b) {
            fa[0].1 = GoV::Slice(
                "[]core.PersistentVolumeAccessMode".into(),
                vec![GoV::Str("ReadWriteMany".into())],
            );
            fb[0].1 = GoV::Slice(
                "[]core.PersistentVolumeAccessMode".into(),
                vec![GoV::Str("ReadWriteOnce".into())],
            );
        }
        assert_eq!(
            diff(&a, &b),
            "  core.PersistentVolumeClaimSpec{\n  \tAccessModes: []core.PersistentVolumeAccessMode{\n- \t\t\"ReadWriteMany\",\n+ \t\t\"ReadWriteOnce\",\n  \t},\n  \tSelector:  nil,\n  \tResources: {},\n  \t... // 6 identical fields\n  }\n"
        );
    }
}
