//! The describe writer (`kubectl pkg/describe` `PrefixWriter` over a `tabwriter` with
//! minwidth 0, tabwidth 8, padding 2): lines with tab-separated cells at indent levels, and
//! flush points where alignment restarts (before the Events table).

/// Indent levels (`LEVEL_0`..`LEVEL_4`): two spaces each.
pub const LEVEL_0: usize = 0;
/// Two spaces.
pub const LEVEL_1: usize = 1;
/// Four spaces.
pub const LEVEL_2: usize = 2;
/// Six spaces.
pub const LEVEL_3: usize = 3;

/// Collects describe output; tabs separate cells that the tabwriter aligns.
#[derive(Debug, Default, Clone)]
pub struct Writer {
    /// Text blocks; each is aligned on its own (a flush ends a block).
    blocks: Vec<String>,
    current: String,
}

impl Writer {
    /// Writes `text` at an indent level (text may contain tabs and newlines, as Go's Fprintf).
    pub fn write(&mut self, level: usize, text: &str) {
        for _ in 0..level {
            self.current.push_str("  ");
        }
        self.current.push_str(text);
    }

    /// Writes a whole line.
    pub fn line(&mut self, level: usize, text: &str) {
        self.write(level, text);
        self.current.push('\n');
    }

    /// `WriteLine`: joins values with spaces and ends the line, without indent.
    pub fn write_line(&mut self, text: &str) {
        self.current.push_str(text);
        self.current.push('\n');
    }

    /// Ends the current alignment block (`w.Flush()`).
    pub fn flush(&mut self) {
        self.blocks.push(std::mem::take(&mut self.current));
    }

    /// The text without alignment (`rollout history --revision` prints tabs as they are).
    pub fn raw(mut self) -> String {
        self.flush();
        self.blocks.concat()
    }

    /// The aligned text.
    pub fn finish(mut self) -> String {
        self.flush();
        self.blocks
            .iter()
            .map(|b| crate::printers::tabwriter::align(b, 0, 8, 2, ' '))
            .collect()
    }
}
