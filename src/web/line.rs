//! The web terminal's line editor, on the server: xterm.js sends the keys as they are pressed
//! and writes back what the editor answers. It keeps the line and the cursor, echoes, moves
//! with the cursor keys (and Home/End, Ctrl-A/E/B/F), deletes (Backspace, Delete, Ctrl-H/K/U/W),
//! walks the history (Up/Down, Ctrl-P/N), completes with Tab (a second Tab lists the
//! candidates, as bash does), clears the screen (Ctrl-L), and reports Enter, Ctrl-C and Ctrl-D
//! on an empty line as [`Event`]s. Output uses `\n` for a new line (the page's xterm.js turns it
//! into CR LF) and the VT100 sequences every terminal knows.

use unicode_width::UnicodeWidthChar;

/// The most history entries kept (the oldest are dropped first).
pub const MAX_HISTORY: usize = 1000;
/// The longest line the editor keeps, in characters (more is not inserted).
pub const MAX_LINE: usize = 64 * 1024;
/// The longest escape sequence waited for; a longer one is dropped.
const MAX_ESCAPE: usize = 16;

/// What a key did beyond editing the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Enter: the line (without its newline).
    Line(String),
    /// Ctrl-C: the line was dropped.
    Interrupt,
    /// Ctrl-D on an empty line.
    Eof,
}

/// Completion: for a line and a byte offset of the cursor in it, where the word being
/// completed starts (a byte offset) and the candidates for it.
pub type Completer<'a> = &'a dyn Fn(&str, usize) -> (usize, Vec<String>);

/// The line being typed.
#[derive(Debug, Default)]
pub struct LineEditor {
    line: Vec<char>,
    cursor: usize,
    prompt: String,
    history: Vec<String>,
    /// Where Up/Down are in the history (None: the line being typed), and that line.
    browsing: Option<usize>,
    typed: Vec<char>,
    /// An escape sequence or a UTF-8 character not yet complete (keys may come split).
    pending: Vec<u8>,
    last_was_tab: bool,
}

/// The columns a string takes on the terminal (escape sequences take none).
pub fn columns(s: &str) -> usize {
    let mut n = 0;
    let mut esc = false;
    for c in s.chars() {
        match (esc, c) {
            (false, '\u{1b}') => esc = true,
            (true, c) if c.is_ascii_alphabetic() => esc = false,
            (true, _) => {}
            (false, c) => n += c.width().unwrap_or(0),
        }
    }
    n
}

fn width(cs: &[char]) -> usize {
    cs.iter().map(|c| c.width().unwrap_or(0)).sum()
}

/// The longest prefix every candidate shares.
fn common_prefix(c: &[String]) -> String {
    let Some(first) = c.first() else {
        return String::new();
    };
    let mut end = first.len();
    for s in &c[1..] {
        end = first
            .char_indices()
            .zip(s.chars())
            .find(|((_, a), b)| a != b)
            .map_or(end.min(s.len()), |((i, _), _)| i.min(end));
    }
    first[..end].to_string()
}

impl LineEditor {
    /// An editor showing `prompt` (which may be coloured).
    pub fn new() -> LineEditor {
        LineEditor::default()
    }

    /// Starts a new line after `prompt`: what to write to the terminal.
    pub fn start(&mut self, prompt: &str) -> Vec<u8> {
        self.prompt = prompt.to_string();
        self.line.clear();
        self.cursor = 0;
        self.browsing = None;
        self.last_was_tab = false;
        prompt.as_bytes().to_vec()
    }

    /// The line as typed so far.
    pub fn line(&self) -> String {
        self.line.iter().collect()
    }

    /// Adds an entry to the history (not a repeat of the last one, nor blank).
    pub fn add_history(&mut self, entry: &str) {
        if entry.trim().is_empty() || self.history.last().is_some_and(|l| l == entry) {
            return;
        }
        if self.history.len() >= MAX_HISTORY {
            self.history.remove(0);
        }
        self.history.push(entry.to_string());
    }

    /// The prompt and the line again, the cursor where it was.
    fn redraw(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"\r");
        out.extend_from_slice(self.prompt.as_bytes());
        out.extend(self.line().bytes());
        out.extend_from_slice(b"\x1b[K");
        let back = width(&self.line[self.cursor..]);
        if back > 0 {
            out.extend(format!("\x1b[{back}D").bytes());
        }
    }

    fn set_line(&mut self, chars: Vec<char>, out: &mut Vec<u8>) {
        self.line = chars;
        self.cursor = self.line.len();
        self.redraw(out);
    }

    fn insert(&mut self, s: &str, out: &mut Vec<u8>) {
        for c in s.chars() {
            if self.line.len() >= MAX_LINE {
                break;
            }
            self.line.insert(self.cursor, c);
            self.cursor += 1;
        }
        if self.cursor == self.line.len() {
            out.extend(s.bytes());
        } else {
            self.redraw(out);
        }
    }

    fn history_step(&mut self, up: bool, out: &mut Vec<u8>) {
        let next = match (self.browsing, up) {
            (None, true) if !self.history.is_empty() => {
                self.typed = self.line.clone();
                Some(self.history.len() - 1)
            }
            (Some(i), true) if i > 0 => Some(i - 1),
            (Some(i), false) if i + 1 < self.history.len() => Some(i + 1),
            (Some(_), false) => {
                self.browsing = None;
                let typed = std::mem::take(&mut self.typed);
                self.set_line(typed, out);
                return;
            }
            _ => return,
        };
        self.browsing = next;
        if let Some(i) = next {
            self.set_line(self.history[i].chars().collect(), out);
        }
    }

    fn complete(&mut self, complete: Completer<'_>, out: &mut Vec<u8>) {
        let line = self.line();
        let pos: usize = self.line[..self.cursor].iter().map(|c| c.len_utf8()).sum();
        let (start, cands) = complete(&line, pos);
        let start = start.min(pos);
        let typed = &line[start..pos];
        match cands.as_slice() {
            [] => out.push(0x07),
            [one] => {
                let rest = one.strip_prefix(typed).unwrap_or("");
                let mut add = rest.to_string();
                if !one.ends_with('/') {
                    add.push(' ');
                }
                self.insert(&add, out);
            }
            many => {
                let common = common_prefix(many);
                let rest = common.strip_prefix(typed).unwrap_or("");
                if !rest.is_empty() {
                    self.insert(rest, out);
                } else if self.last_was_tab {
                    out.extend_from_slice(b"\n");
                    out.extend(many.join("  ").bytes());
                    out.extend_from_slice(b"\n");
                    self.redraw(out);
                } else {
                    out.push(0x07);
                }
            }
        }
    }

    /// Feeds the keys the terminal sent: what to write back, and the events, in order. Keys
    /// after an [`Event`] are kept for the next line (typed ahead): `feed` stops at the first
    /// event and returns the bytes it did not use.
    pub fn feed(
        &mut self,
        bytes: &[u8],
        complete: Completer<'_>,
    ) -> (Vec<u8>, Option<Event>, Vec<u8>) {
        let mut out = Vec::new();
        let mut input = std::mem::take(&mut self.pending);
        input.extend_from_slice(bytes);
        let mut i = 0;
        while i < input.len() {
            let b = input[i];
            let tab = b == b'\t';
            let mut used = 1;
            let mut event = None;
            match b {
                b'\r' | b'\n' => {
                    // CR LF from a paste is one Enter.
                    if b == b'\r' && input.get(i + 1) == Some(&b'\n') {
                        used = 2;
                    }
                    out.extend_from_slice(b"\n");
                    let line = self.line();
                    self.line.clear();
                    self.cursor = 0;
                    self.browsing = None;
                    event = Some(Event::Line(line));
                }
                0x03 => {
                    out.extend_from_slice(b"^C\n");
                    self.line.clear();
                    self.cursor = 0;
                    self.browsing = None;
                    event = Some(Event::Interrupt);
                }
                0x04 => {
                    if self.line.is_empty() {
                        event = Some(Event::Eof);
                    } else if self.cursor < self.line.len() {
                        self.line.remove(self.cursor);
                        self.redraw(&mut out);
                    }
                }
                0x01 => {
                    self.cursor = 0;
                    self.redraw(&mut out);
                }
                0x05 => {
                    self.cursor = self.line.len();
                    self.redraw(&mut out);
                }
                0x02 if self.cursor > 0 => {
                    self.cursor -= 1;
                    self.redraw(&mut out);
                }
                0x06 if self.cursor < self.line.len() => {
                    self.cursor += 1;
                    self.redraw(&mut out);
                }
                0x7f | 0x08 if self.cursor > 0 => {
                    self.cursor -= 1;
                    self.line.remove(self.cursor);
                    self.redraw(&mut out);
                }
                0x0b => {
                    self.line.truncate(self.cursor);
                    self.redraw(&mut out);
                }
                0x15 => {
                    self.line.drain(..self.cursor);
                    self.cursor = 0;
                    self.redraw(&mut out);
                }
                0x17 => {
                    let mut j = self.cursor;
                    while j > 0 && self.line[j - 1] == ' ' {
                        j -= 1;
                    }
                    while j > 0 && self.line[j - 1] != ' ' {
                        j -= 1;
                    }
                    self.line.drain(j..self.cursor);
                    self.cursor = j;
                    self.redraw(&mut out);
                }
                0x0c => {
                    out.extend_from_slice(b"\x1b[H\x1b[2J");
                    self.redraw(&mut out);
                }
                0x10 => self.history_step(true, &mut out),
                0x0e => self.history_step(false, &mut out),
                b'\t' => self.complete(complete, &mut out),
                0x1b => match escape(&input[i..]) {
                    Esc::Incomplete if input.len() - i < MAX_ESCAPE => {
                        self.pending = input[i..].to_vec();
                        return (out, None, Vec::new());
                    }
                    Esc::Incomplete => used = input.len() - i,
                    Esc::Key(k, n) => {
                        used = n;
                        self.key(k, &mut out);
                    }
                },
                b if b >= 0x20 => {
                    // A UTF-8 character, perhaps split across frames.
                    let need = match b {
                        0xc0..=0xdf => 2,
                        0xe0..=0xef => 3,
                        0xf0..=0xf7 => 4,
                        _ => 1,
                    };
                    if input.len() - i < need {
                        self.pending = input[i..].to_vec();
                        return (out, None, Vec::new());
                    }
                    used = need;
                    // Printable runs go in together (a paste echoes as one write).
                    let mut end = i + need;
                    while end < input.len() && input[end] >= 0x20 && input[end] != 0x7f {
                        end += 1;
                    }
                    // Cut at a whole character.
                    let mut text = String::from_utf8_lossy(&input[i..end]).into_owned();
                    if let Err(e) = std::str::from_utf8(&input[i..end])
                        && e.error_len().is_none()
                    {
                        let good = e.valid_up_to();
                        text = String::from_utf8_lossy(&input[i..i + good]).into_owned();
                        end = i + good;
                    }
                    if end > i {
                        used = end - i;
                        let text: String = text.chars().filter(|c| !c.is_control()).collect();
                        self.insert(&text, &mut out);
                    }
                }
                _ => {}
            }
            self.last_was_tab = tab;
            i += used;
            if let Some(e) = event {
                return (out, Some(e), input[i..].to_vec());
            }
        }
        (out, None, Vec::new())
    }

    fn key(&mut self, k: Key, out: &mut Vec<u8>) {
        match k {
            Key::Up => self.history_step(true, out),
            Key::Down => self.history_step(false, out),
            Key::Left if self.cursor > 0 => {
                self.cursor -= 1;
                self.redraw(out);
            }
            Key::Right if self.cursor < self.line.len() => {
                self.cursor += 1;
                self.redraw(out);
            }
            Key::Home => {
                self.cursor = 0;
                self.redraw(out);
            }
            Key::End => {
                self.cursor = self.line.len();
                self.redraw(out);
            }
            Key::Delete if self.cursor < self.line.len() => {
                self.line.remove(self.cursor);
                self.redraw(out);
            }
            _ => {}
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    Up,
    Down,
    Left,
    Right,
    Home,
    End,
    Delete,
    Other,
}

enum Esc {
    Incomplete,
    /// The key and the bytes its sequence took.
    Key(Key, usize),
}

/// The escape sequence at the start of `b` (which starts with ESC).
fn escape(b: &[u8]) -> Esc {
    match b.get(1) {
        None => Esc::Incomplete,
        Some(b'[') | Some(b'O') => {
            // CSI: parameters (digits and ;) then a final byte.
            let mut j = 2;
            while j < b.len() && (b[j].is_ascii_digit() || b[j] == b';') {
                j += 1;
            }
            let Some(&f) = b.get(j) else {
                return Esc::Incomplete;
            };
            let params = &b[2..j];
            let key = match (f, params) {
                (b'A', _) => Key::Up,
                (b'B', _) => Key::Down,
                (b'C', _) => Key::Right,
                (b'D', _) => Key::Left,
                (b'H', _) => Key::Home,
                (b'F', _) => Key::End,
                (b'~', b"1" | b"7") => Key::Home,
                (b'~', b"4" | b"8") => Key::End,
                (b'~', b"3") => Key::Delete,
                _ => Key::Other,
            };
            Esc::Key(key, j + 1)
        }
        // Alt-key and the like: ESC and one byte, ignored.
        Some(_) => Esc::Key(Key::Other, 2),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none(_: &str, p: usize) -> (usize, Vec<String>) {
        (p, vec![])
    }

    fn feed_all(e: &mut LineEditor, keys: &[u8]) -> (String, Vec<Event>) {
        let mut out = Vec::new();
        let mut events = Vec::new();
        let mut rest = keys.to_vec();
        loop {
            let (o, ev, r) = e.feed(&rest, &none);
            out.extend(o);
            match ev {
                Some(ev) => events.push(ev),
                None => break,
            }
            rest = r;
        }
        (String::from_utf8_lossy(&out).into_owned(), events)
    }

    #[test]
    fn typing_and_enter_give_the_line() {
        let mut e = LineEditor::new();
        assert_eq!(e.start("$ "), b"$ ");
        let (out, ev) = feed_all(&mut e, b"kubectl get po\r");
        assert_eq!(out, "kubectl get po\n");
        assert_eq!(ev, [Event::Line("kubectl get po".into())]);
    }

    #[test]
    fn cursor_keys_backspace_and_delete_edit_in_place() {
        let mut e = LineEditor::new();
        e.start("$ ");
        // "kubectl gt", Left, insert "e": "kubectl get"; Home, Delete: "ubectl get".
        let (_, ev) = feed_all(&mut e, b"kubectl gt\x1b[De\x1b[H\x1b[3~\r");
        assert_eq!(ev, [Event::Line("ubectl get".into())]);
        let (_, ev) = feed_all(&mut e, b"abc\x7f\x7fX\r");
        assert_eq!(ev, [Event::Line("aX".into())]);
        let (_, ev) = feed_all(&mut e, b"one two three\x17\x17four\r");
        assert_eq!(ev, [Event::Line("one four".into())]);
        let (_, ev) = feed_all(&mut e, b"abc\x01\x0b\x15xyz\x02\x02\x0bq\r");
        assert_eq!(ev, [Event::Line("xq".into())]);
    }

    #[test]
    fn the_redraw_puts_the_cursor_back_by_columns() {
        let mut e = LineEditor::new();
        e.start("$ ");
        let (out, _) = feed_all(&mut e, "한글x\x1b[D\x1b[D".as_bytes());
        // After the second Left, "글x" is right of the cursor: three columns.
        assert!(out.ends_with("\r$ 한글x\x1b[K\x1b[3D"), "{out:?}");
        assert_eq!(columns("\x1b[36mns\x1b[0m $ "), 5);
    }

    #[test]
    fn history_walks_up_and_down_and_keeps_the_typed_line() {
        let mut e = LineEditor::new();
        e.start("$ ");
        e.add_history("first");
        e.add_history("second");
        e.add_history("second");
        e.add_history("  ");
        let (_, ev) = feed_all(&mut e, b"draft\x1b[A\x1b[A\x1b[A\r");
        assert_eq!(ev, [Event::Line("first".into())]);
        let (_, ev) = feed_all(&mut e, b"draft\x1b[A\x1b[B\r");
        assert_eq!(ev, [Event::Line("draft".into())]);
        let (_, ev) = feed_all(&mut e, b"\x10\r");
        assert_eq!(ev, [Event::Line("second".into())]);
    }

    #[test]
    fn ctrl_c_drops_the_line_and_ctrl_d_ends_only_an_empty_one() {
        let mut e = LineEditor::new();
        e.start("$ ");
        let (out, ev) = feed_all(&mut e, b"half typed\x03");
        assert_eq!(ev, [Event::Interrupt]);
        assert!(out.ends_with("^C\n"), "{out:?}");
        let (_, ev) = feed_all(&mut e, b"ab\x01\x04\r\x04");
        assert_eq!(ev, [Event::Line("b".into()), Event::Eof]);
    }

    #[test]
    fn keys_split_across_frames_and_typed_ahead_lines() {
        let mut e = LineEditor::new();
        e.start("$ ");
        let (_, ev, _) = e.feed(b"ab\x1b[", &none);
        assert_eq!(ev, None);
        let (_, ev, _) = e.feed(b"Dc\xed\x95", &none);
        assert_eq!(ev, None);
        let (_, ev, rest) = e.feed(b"\x9c\r\nnext\r", &none);
        assert_eq!(ev, Some(Event::Line("ac한b".into())));
        assert_eq!(rest, b"next\r");
    }

    #[test]
    fn tab_completes_a_single_candidate_and_lists_many_on_the_second_tab() {
        let c = |line: &str, pos: usize| {
            let start = line[..pos].rfind(' ').map_or(0, |i| i + 1);
            let all = ["get", "describe", "delete"];
            let prefix = &line[start..pos];
            (
                start,
                all.iter()
                    .filter(|w| w.starts_with(prefix))
                    .map(|s| s.to_string())
                    .collect(),
            )
        };
        let mut e = LineEditor::new();
        e.start("$ ");
        let (out, _, _) = e.feed(b"kubectl g\t", &c);
        assert_eq!(String::from_utf8_lossy(&out), "kubectl get ");
        assert_eq!(e.line(), "kubectl get ");
        e.start("$ ");
        let (out, _, _) = e.feed(b"kubectl d\t", &c);
        assert_eq!(String::from_utf8_lossy(&out), "kubectl de");
        // As bash: the next Tab lists them.
        let (out, _, _) = e.feed(b"\t", &c);
        assert_eq!(
            String::from_utf8_lossy(&out),
            "\ndescribe  delete\n\r$ kubectl de\u{1b}[K"
        );
        // A Tab with nothing new to add and not after a Tab: the bell.
        e.start("$ ");
        let (out, _, _) = e.feed(b"kubectl de", &c);
        assert_eq!(String::from_utf8_lossy(&out), "kubectl de");
        let (out, _, _) = e.feed(b"\t", &c);
        assert_eq!(String::from_utf8_lossy(&out), "\u{7}");
    }
}
