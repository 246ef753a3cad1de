//! GNU diff's unified format (`diff -u`): the changed lines found as GNU diff's `analyze.c`
//! finds them (lines without a match set aside, `diffseq.h`'s middle-snake `compareseq`,
//! `shift_boundaries`), three lines of context, hunks closer than twice the context joined,
//! `@@ -l,n +l,n @@` headers (`,1` left out, an empty side numbered from the line before),
//! deletions before insertions in each change. `kubectl diff` runs `diff -u -N` over the live and
//! merged objects; the workstation has no diff program of its own, so kubelab produces diff's
//! text here (compared with the host's GNU diff by tests/unified_diff_compare.rs).

/// The most lines of either text compared line by line (kubelab's bound: objects are far
/// smaller; a larger text is shown as one change).
const MAX_LINES: usize = 4000;

/// One line of the edit script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Same(usize, usize),
    Del(usize),
    Ins(usize),
}

/// GNU diff's `diffseq.h` `diag`: the midpoint of the shortest edit script between
/// `x[xoff..xlim]` and `y[yoff..ylim]` (forward and backward searches meeting), as GNU diff
/// finds it without heuristics (`find_minimal` is off, but the heuristics only start far beyond
/// kubelab's bounded texts).
fn diag(
    x: &[u32],
    y: &[u32],
    xoff: isize,
    xlim: isize,
    yoff: isize,
    ylim: isize,
) -> (isize, isize) {
    let offset = (y.len() + 1) as isize;
    let size = x.len() + y.len() + 3;
    let mut fd = vec![0isize; size];
    let mut bd = vec![0isize; size];
    let at = |d: isize| (d + offset) as usize;
    let dmin = xoff - ylim;
    let dmax = xlim - yoff;
    let fmid = xoff - yoff;
    let bmid = xlim - ylim;
    let (mut fmin, mut fmax, mut bmin, mut bmax) = (fmid, fmid, bmid, bmid);
    let odd = (fmid - bmid) & 1 != 0;
    fd[at(fmid)] = xoff;
    bd[at(bmid)] = xlim;
    loop {
        if fmin > dmin {
            fmin -= 1;
            fd[at(fmin - 1)] = -1;
        } else {
            fmin += 1;
        }
        if fmax < dmax {
            fmax += 1;
            fd[at(fmax + 1)] = -1;
        } else {
            fmax -= 1;
        }
        let mut d = fmax;
        while d >= fmin {
            let (tlo, thi) = (fd[at(d - 1)], fd[at(d + 1)]);
            let mut xx = if tlo >= thi { tlo + 1 } else { thi };
            let mut yy = xx - d;
            while xx < xlim && yy < ylim && x[xx as usize] == y[yy as usize] {
                xx += 1;
                yy += 1;
            }
            fd[at(d)] = xx;
            if odd && bmin <= d && d <= bmax && bd[at(d)] <= xx {
                return (xx, yy);
            }
            d -= 2;
        }
        if bmin > dmin {
            bmin -= 1;
            bd[at(bmin - 1)] = isize::MAX;
        } else {
            bmin += 1;
        }
        if bmax < dmax {
            bmax += 1;
            bd[at(bmax + 1)] = isize::MAX;
        } else {
            bmax -= 1;
        }
        let mut d = bmax;
        while d >= bmin {
            let (tlo, thi) = (bd[at(d - 1)], bd[at(d + 1)]);
            let mut xx = if tlo < thi { tlo } else { thi - 1 };
            let mut yy = xx - d;
            while xoff < xx && yoff < yy && x[(xx - 1) as usize] == y[(yy - 1) as usize] {
                xx -= 1;
                yy -= 1;
            }
            bd[at(d)] = xx;
            if !odd && fmin <= d && d <= fmax && xx <= fd[at(d)] {
                return (xx, yy);
            }
            d -= 2;
        }
    }
}

/// `diffseq.h` `compareseq`: marks the changed lines of both sides.
#[allow(clippy::too_many_arguments)]
fn compareseq(
    x: &[u32],
    y: &[u32],
    mut xoff: isize,
    mut xlim: isize,
    mut yoff: isize,
    mut ylim: isize,
    xc: &mut [bool],
    yc: &mut [bool],
    depth: usize,
) {
    while xoff < xlim && yoff < ylim && x[xoff as usize] == y[yoff as usize] {
        xoff += 1;
        yoff += 1;
    }
    while xlim > xoff && ylim > yoff && x[(xlim - 1) as usize] == y[(ylim - 1) as usize] {
        xlim -= 1;
        ylim -= 1;
    }
    if xoff == xlim {
        for c in &mut yc[yoff as usize..ylim as usize] {
            *c = true;
        }
    } else if yoff == ylim || depth > 10_000 {
        for c in &mut xc[xoff as usize..xlim as usize] {
            *c = true;
        }
        for c in &mut yc[yoff as usize..ylim as usize] {
            *c = true;
        }
    } else {
        let (xm, ym) = diag(x, y, xoff, xlim, yoff, ylim);
        compareseq(x, y, xoff, xm, yoff, ym, xc, yc, depth + 1);
        compareseq(x, y, xm, xlim, ym, ylim, xc, yc, depth + 1);
    }
}

/// `analyze.c` `shift_boundaries`: slides each run of changes so that runs merge where they can
/// and otherwise sit as low as possible, then back to a corresponding run of the other side.
fn shift_boundaries(eq: [&[u32]; 2], changed: &mut [Vec<bool>; 2]) {
    for (f, equivs) in eq.iter().enumerate() {
        let (mine, other) = if f == 0 {
            let (a, b) = changed.split_at_mut(1);
            (&mut a[0], &b[0])
        } else {
            let (a, b) = changed.split_at_mut(1);
            (&mut b[0], &a[0])
        };
        let end = equivs.len();
        // Both arrays are padded: index k + 1 holds line k; 0 and len + 1 are false.
        let ch = |v: &Vec<bool>, k: isize| v[(k + 1) as usize];
        let (mut i, mut j): (isize, isize) = (0, 0);
        let i_end = end as isize;
        loop {
            while i < i_end && !ch(mine, i) {
                while ch(other, j) {
                    j += 1;
                }
                j += 1;
                i += 1;
            }
            if i == i_end {
                break;
            }
            let mut start = i;
            i += 1;
            while ch(mine, i) {
                i += 1;
            }
            while ch(other, j) {
                j += 1;
            }
            let mut corresponding;
            loop {
                let runlength = i - start;
                while start > 0 && equivs[(start - 1) as usize] == equivs[(i - 1) as usize] {
                    start -= 1;
                    mine[(start + 1) as usize] = true;
                    i -= 1;
                    mine[(i + 1) as usize] = false;
                    while ch(mine, start - 1) {
                        start -= 1;
                    }
                    j -= 1;
                    while ch(other, j) {
                        j -= 1;
                    }
                }
                corresponding = if ch(other, j - 1) { i } else { i_end };
                while i != i_end && equivs[start as usize] == equivs[i as usize] {
                    mine[(start + 1) as usize] = false;
                    start += 1;
                    mine[(i + 1) as usize] = true;
                    i += 1;
                    while ch(mine, i) {
                        i += 1;
                    }
                    j += 1;
                    while ch(other, j) {
                        j += 1;
                        corresponding = i;
                    }
                }
                if runlength == i - start {
                    break;
                }
            }
            while corresponding < i {
                start -= 1;
                mine[(start + 1) as usize] = true;
                i -= 1;
                mine[(i + 1) as usize] = false;
                j -= 1;
                while ch(other, j) {
                    j -= 1;
                }
            }
        }
    }
}

/// The edit script from `a` to `b` as GNU diff finds it: lines with no match on the other side
/// set aside (`discard_confusing_lines`, its plain case), `compareseq` on the rest,
/// `shift_boundaries`, then deletions before insertions in each change.
fn script(a: &[&str], b: &[&str]) -> Vec<Op> {
    let (n, m) = (a.len(), b.len());
    if n > MAX_LINES || m > MAX_LINES {
        let mut out: Vec<Op> = (0..n).map(Op::Del).collect();
        out.extend((0..m).map(Op::Ins));
        return out;
    }
    // Equivalence classes of lines.
    let mut classes: std::collections::BTreeMap<&str, u32> = std::collections::BTreeMap::new();
    let mut ea: Vec<u32> = Vec::with_capacity(n);
    let mut eb: Vec<u32> = Vec::with_capacity(m);
    for (lines, eq) in [(a, &mut ea), (b, &mut eb)] {
        for l in lines {
            let next = classes.len() as u32;
            eq.push(*classes.entry(l).or_insert(next));
        }
    }
    let in_b: std::collections::BTreeSet<u32> = eb.iter().copied().collect();
    let in_a: std::collections::BTreeSet<u32> = ea.iter().copied().collect();
    let keep_a: Vec<usize> = (0..n).filter(|&i| in_b.contains(&ea[i])).collect();
    let keep_b: Vec<usize> = (0..m).filter(|&j| in_a.contains(&eb[j])).collect();
    let xa: Vec<u32> = keep_a.iter().map(|&i| ea[i]).collect();
    let yb: Vec<u32> = keep_b.iter().map(|&j| eb[j]).collect();
    let mut xc = vec![false; xa.len()];
    let mut yc = vec![false; yb.len()];
    compareseq(
        &xa,
        &yb,
        0,
        xa.len() as isize,
        0,
        yb.len() as isize,
        &mut xc,
        &mut yc,
        0,
    );
    let mut changed = [vec![true; n + 2], vec![true; m + 2]];
    changed[0][0] = false;
    changed[0][n + 1] = false;
    changed[1][0] = false;
    changed[1][m + 1] = false;
    for (k, &i) in keep_a.iter().enumerate() {
        changed[0][i + 1] = xc[k];
    }
    for (k, &j) in keep_b.iter().enumerate() {
        changed[1][j + 1] = yc[k];
    }
    shift_boundaries([&ea, &eb], &mut changed);
    let mut out = Vec::with_capacity(n + m);
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && !changed[0][i + 1] && !changed[1][j + 1] {
            out.push(Op::Same(i, j));
            i += 1;
            j += 1;
            continue;
        }
        while i < n && changed[0][i + 1] {
            out.push(Op::Del(i));
            i += 1;
        }
        while j < m && changed[1][j + 1] {
            out.push(Op::Ins(j));
            j += 1;
        }
        if (i < n) != (j < m) && !(i < n && changed[0][i + 1]) && !(j < m && changed[1][j + 1]) {
            // Unbalanced unchanged lines cannot happen with a consistent script; stop safely.
            break;
        }
    }
    out
}

fn range(start: usize, count: usize) -> String {
    match count {
        0 => format!("{},0", start),
        1 => format!("{}", start + 1),
        _ => format!("{},{}", start + 1, count),
    }
}

/// The hunks of `diff -u` between two texts (each line ending in `\n`), or None when they are
/// the same.
pub fn hunks(old: &str, new: &str) -> Option<String> {
    if old == new {
        return None;
    }
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    let ops = script(&a, &b);
    let ctx = 3;
    let changed: Vec<usize> = ops
        .iter()
        .enumerate()
        .filter(|(_, o)| !matches!(o, Op::Same(..)))
        .map(|(k, _)| k)
        .collect();
    let mut out = String::new();
    let mut k = 0;
    while k < changed.len() {
        // One hunk: changes whose gaps are at most 2 * context lines.
        let first = changed[k];
        let mut last = first;
        while k + 1 < changed.len() && changed[k + 1] - last <= 2 * ctx + 1 {
            k += 1;
            last = changed[k];
        }
        k += 1;
        let lo = first.saturating_sub(ctx);
        let hi = (last + ctx + 1).min(ops.len());
        let slice = &ops[lo..hi];
        // Where each side starts: the first line of the hunk on that side.
        let (mut a_start, mut b_start) = (None, None);
        let (mut a_count, mut b_count) = (0, 0);
        for o in slice {
            match *o {
                Op::Same(i, j) => {
                    a_start.get_or_insert(i);
                    b_start.get_or_insert(j);
                    a_count += 1;
                    b_count += 1;
                }
                Op::Del(i) => {
                    a_start.get_or_insert(i);
                    a_count += 1;
                }
                Op::Ins(j) => {
                    b_start.get_or_insert(j);
                    b_count += 1;
                }
            }
        }
        // An empty side is numbered from the line before the hunk.
        let before = |side_a: bool| -> usize {
            ops[..lo]
                .iter()
                .filter(|o| match o {
                    Op::Same(..) => true,
                    Op::Del(_) => side_a,
                    Op::Ins(_) => !side_a,
                })
                .count()
        };
        let a_s = a_start.unwrap_or_else(|| before(true));
        let b_s = b_start.unwrap_or_else(|| before(false));
        out.push_str(&format!(
            "@@ -{} +{} @@\n",
            range(a_s, a_count),
            range(b_s, b_count)
        ));
        for o in slice {
            match *o {
                Op::Same(i, _) => out.push_str(&format!(" {}\n", a[i])),
                Op::Del(i) => out.push_str(&format!("-{}\n", a[i])),
                Op::Ins(j) => out.push_str(&format!("+{}\n", b[j])),
            }
        }
    }
    if !old.is_empty() && !old.ends_with('\n') || !new.is_empty() && !new.ends_with('\n') {
        out.push_str("\\ No newline at end of file\n");
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::hunks;

    #[test]
    fn one_change_with_context() {
        let old = "a\nb\nc\nd\ne\nf\ng\nh\n";
        let new = "a\nb\nc\nd\nE\nf\ng\nh\n";
        assert_eq!(
            hunks(old, new).unwrap(),
            "@@ -2,7 +2,7 @@\n b\n c\n d\n-e\n+E\n f\n g\n h\n"
        );
    }

    #[test]
    fn new_file_and_far_apart_changes() {
        assert_eq!(hunks("", "x\ny\n").unwrap(), "@@ -0,0 +1,2 @@\n+x\n+y\n");
        let old: String = (1..=20).map(|i| format!("{i}\n")).collect();
        let new: String = (1..=20)
            .map(|i| match i {
                2 => "two\n".to_string(),
                19 => "nineteen\n".to_string(),
                _ => format!("{i}\n"),
            })
            .collect();
        let h = hunks(&old, &new).unwrap();
        assert!(h.starts_with("@@ -1,5 +1,5 @@\n 1\n-2\n+two\n"), "{h}");
        assert!(h.contains("@@ -16,5 +16,5 @@\n"), "{h}");
        assert!(hunks("same\n", "same\n").is_none());
    }
}
