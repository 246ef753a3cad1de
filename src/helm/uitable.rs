//! gosuri/uitable v0.0.4 as helm prints tables (`output.EncodeTable`): cells joined by one TAB,
//! every cell (the last too) right-padded with spaces to its column's display width, cells
//! wider than the maximum column width cut to `width - 3` columns plus `...`, a newline after
//! the last row.

use unicode_width::UnicodeWidthStr;

fn cut(s: &str, max: usize) -> String {
    if max == 0 || s.width() <= max {
        return s.to_string();
    }
    let limit = max.saturating_sub(3);
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if w + cw > limit {
            break;
        }
        w += cw;
        out.push(c);
    }
    out.push_str("...");
    out
}

/// The table's text; `max_col_width` 0 means no limit.
pub fn render(rows: &[Vec<String>], max_col_width: usize) -> String {
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| cut(c, max_col_width)).collect())
        .collect();
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0; cols];
    for r in &rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(c.width());
        }
    }
    let mut out = String::new();
    for (n, r) in rows.iter().enumerate() {
        if n > 0 {
            out.push('\n');
        }
        for (i, c) in r.iter().enumerate() {
            if i > 0 {
                out.push('\t');
            }
            out.push_str(c);
            out.push_str(&" ".repeat(widths[i] - c.width()));
        }
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pads_every_cell_and_cuts_wide_ones() {
        let rows = vec![
            vec!["NAME".to_string(), "DESCRIPTION".to_string()],
            vec![
                "a/mychart".to_string(),
                "A Helm chart for Kubernetes".to_string(),
            ],
        ];
        assert_eq!(
            render(&rows, 50),
            "NAME     \tDESCRIPTION                \na/mychart\tA Helm chart for Kubernetes\n"
        );
        assert_eq!(cut("abcdefghij", 8), "abcde...");
    }
}
