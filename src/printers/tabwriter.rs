//! Go's `text/tabwriter`, as kubectl uses it: cells are tab-terminated, the last cell of a line
//! is not aligned, and a column is aligned over each block of consecutive lines that have a cell
//! in it (a line with fewer cells ends the block). Widths count characters (runes).

/// Aligns `text` like a Go `tabwriter.NewWriter(out, minwidth, tabwidth, padding, padchar, 0)`
/// followed by `Flush`.
pub fn align(
    text: &str,
    minwidth: usize,
    tabwidth: usize,
    padding: usize,
    padchar: char,
) -> String {
    let mut lines: Vec<Vec<&str>> = text.split('\n').map(|l| l.split('\t').collect()).collect();
    // A trailing newline leaves one empty last line: it is not a line of its own.
    let trailing_newline = text.ends_with('\n');
    if trailing_newline {
        lines.pop();
    }
    let mut out = String::with_capacity(text.len() + text.len() / 2);
    let mut widths: Vec<usize> = Vec::new();
    format(
        &lines,
        0,
        lines.len(),
        &mut widths,
        minwidth,
        tabwidth,
        padding,
        padchar,
        &mut out,
    );
    if !trailing_newline && out.ends_with('\n') {
        out.pop();
    }
    out
}

fn width(s: &str) -> usize {
    s.chars().count()
}

#[allow(clippy::too_many_arguments)]
fn format(
    lines: &[Vec<&str>],
    mut line0: usize,
    line1: usize,
    widths: &mut Vec<usize>,
    minwidth: usize,
    tabwidth: usize,
    padding: usize,
    padchar: char,
    out: &mut String,
) {
    let column = widths.len();
    let mut this = line0;
    while this < line1 {
        if column + 1 >= lines[this].len() {
            this += 1;
            continue;
        }
        write_lines(lines, line0, this, widths, tabwidth, padchar, out);
        line0 = this;
        let mut w = minwidth;
        while this < line1 && column + 1 < lines[this].len() {
            w = w.max(width(lines[this][column]) + padding);
            this += 1;
        }
        widths.push(w);
        format(
            lines, line0, this, widths, minwidth, tabwidth, padding, padchar, out,
        );
        widths.pop();
        line0 = this;
    }
    write_lines(lines, line0, line1, widths, tabwidth, padchar, out);
}

fn write_lines(
    lines: &[Vec<&str>],
    line0: usize,
    line1: usize,
    widths: &[usize],
    tabwidth: usize,
    padchar: char,
    out: &mut String,
) {
    for line in &lines[line0..line1] {
        for (j, cell) in line.iter().enumerate() {
            out.push_str(cell);
            if j < widths.len() && j + 1 < line.len() {
                pad(out, width(cell), widths[j], tabwidth, padchar);
            }
        }
        out.push('\n');
    }
}

fn pad(out: &mut String, text_w: usize, cell_w: usize, tabwidth: usize, padchar: char) {
    if padchar == '\t' {
        if tabwidth == 0 {
            return;
        }
        let cell_w = cell_w.div_ceil(tabwidth) * tabwidth;
        let n = cell_w.saturating_sub(text_w);
        for _ in 0..n.div_ceil(tabwidth) {
            out.push('\t');
        }
        return;
    }
    for _ in text_w..cell_w {
        out.push(padchar);
    }
}

/// A `kubectl get` table (minwidth 6, tabwidth 4, padding 3, spaces).
pub fn table(rows: &[Vec<String>]) -> String {
    let mut text = String::new();
    for r in rows {
        text.push_str(&r.join("\t"));
        text.push('\n');
    }
    align(&text, 6, 4, 3, ' ')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_like_go() {
        let t = table(&[
            vec!["NAME".into(), "READY".into(), "AGE".into()],
            vec!["mongo-5d59d67564-4xkqz".into(), "1/1".into(), "2m3s".into()],
        ]);
        assert_eq!(
            t,
            "NAME                     READY   AGE\nmongo-5d59d67564-4xkqz   1/1     2m3s\n"
        );
        // A line without tabs ends the block.
        let d = align("Name:\tx\nLonger name:\ty\nBreak\nA:\tz\n", 0, 8, 2, ' ');
        assert_eq!(d, "Name:         x\nLonger name:  y\nBreak\nA:  z\n");
        // Empty middle cells are padded; the last cell is not.
        let e = table(&[
            vec!["A".into(), "".into(), "C".into()],
            vec!["AAAA".into(), "B".into(), "".into()],
        ]);
        assert_eq!(e, "A            C\nAAAA   B     \n");
    }
}
