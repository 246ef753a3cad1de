//! A port of go-yaml v2's block emitter (`emitterc.go`), the part kubectl's `-o yaml` uses.
//!
//! kubectl prints YAML with `sigs.k8s.io/yaml` → go-yaml v2.4.0 `Marshal`: best indent 2, best
//! width 80 (plain, single- and double-quoted scalars are folded at spaces once the column
//! passes 80), unicode output on, LF breaks. This module keeps the emitter's state variables
//! (`column`, `indent` stack, `whitespace`, `indention`, `flow_level`, contexts) and its writing
//! functions one for one, so the output matches byte for byte, including go-yaml's quirks:
//! sequences inside mappings are not indented, keys over 128 bytes or spanning lines become
//! `? key` entries, block scalars get `|2-`-style indicators, characters outside the BMP are
//! escaped as `\U0001F600`, and a value that starts with U+FEFF has every character escaped.
//!
//! The event queue of the C/Go emitter is replaced by a tree ([`Node`]); its only uses of look-ahead
//! (is the next collection empty? is the next key simple?) are answered from the tree.

use super::yaml_analyze::{Analysis, analyze, is_break, is_printable};

/// The scalar style requested by the encoder (`encode.go` `stringv`, `emitScalar`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Plain, if the emitter allows it.
    Plain,
    /// Double-quoted.
    DoubleQuoted,
    /// Literal block (`|`), if the emitter allows it.
    Literal,
}

/// A YAML node as the encoder hands it to the emitter.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// A scalar with its requested style.
    Scalar(String, Style),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping with its entries in output order.
    Map(Vec<(Node, Node)>),
}

/// The scalar style finally chosen by the emitter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Chosen {
    Plain,
    Single,
    Double,
    Literal,
}

const BEST_INDENT: i32 = 2;
const BEST_WIDTH: usize = 80;

/// Emits one document (as go-yaml `Marshal` does) and returns the text.
pub fn emit_document(root: &Node) -> String {
    let mut e = Emitter {
        out: String::new(),
        column: 0,
        indent: -1,
        indents: Vec::new(),
        whitespace: true,
        indention: true,
        flow_level: 0,
        mapping_context: false,
        simple_key_context: false,
    };
    e.emit_node(root, false, false);
    // DOCUMENT-END (implicit): just a line break if needed.
    e.write_indent();
    e.out
}

struct Emitter {
    out: String,
    column: usize,
    indent: i32,
    indents: Vec<i32>,
    whitespace: bool,
    indention: bool,
    flow_level: usize,
    mapping_context: bool,
    simple_key_context: bool,
}

impl Emitter {
    // ----- low-level writers (put, put_break, write, write_break) -----

    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    fn write(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn write_break(&mut self, c: char) {
        if c == '\n' {
            self.put_break();
        } else {
            self.write(c);
            self.column = 0;
        }
    }

    fn write_indent(&mut self) {
        let indent = self.indent.max(0) as usize;
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    fn write_indicator(&mut self, ind: &str, need_ws: bool, is_ws: bool, is_indention: bool) {
        if need_ws && !self.whitespace {
            self.put(' ');
        }
        for c in ind.chars() {
            self.write(c);
        }
        self.whitespace = is_ws;
        self.indention = self.indention && is_indention;
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        if self.indent < 0 {
            self.indent = if flow { BEST_INDENT } else { 0 };
        } else if !indentless {
            self.indent += BEST_INDENT;
        }
    }

    fn pop_indent(&mut self) {
        self.indent = self.indents.pop().unwrap_or(-1);
    }

    // ----- nodes -----

    fn emit_node(&mut self, node: &Node, mapping: bool, simple_key: bool) {
        self.mapping_context = mapping;
        self.simple_key_context = simple_key;
        match node {
            Node::Scalar(value, style) => self.emit_scalar(value, *style),
            Node::Seq(items) => {
                if self.flow_level > 0 || items.is_empty() {
                    self.emit_flow_sequence(items);
                } else {
                    self.emit_block_sequence(items);
                }
            }
            Node::Map(entries) => {
                if self.flow_level > 0 || entries.is_empty() {
                    self.emit_flow_mapping(entries);
                } else {
                    self.emit_block_mapping(entries);
                }
            }
        }
    }

    fn emit_flow_sequence(&mut self, items: &[Node]) {
        self.write_indicator("[", true, true, false);
        self.increase_indent(true, false);
        self.flow_level += 1;
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.write_indicator(",", false, false, false);
            }
            if self.column > BEST_WIDTH {
                self.write_indent();
            }
            self.emit_node(item, false, false);
        }
        self.flow_level -= 1;
        self.pop_indent();
        self.write_indicator("]", false, false, false);
    }

    fn emit_flow_mapping(&mut self, entries: &[(Node, Node)]) {
        self.write_indicator("{", true, true, false);
        self.increase_indent(true, false);
        self.flow_level += 1;
        for (i, (k, v)) in entries.iter().enumerate() {
            if i > 0 {
                self.write_indicator(",", false, false, false);
            }
            if self.column > BEST_WIDTH {
                self.write_indent();
            }
            if check_simple_key(k) {
                self.emit_node(k, true, true);
                self.write_indicator(":", false, false, false);
            } else {
                self.write_indicator("?", true, false, false);
                self.emit_node(k, true, false);
                if self.column > BEST_WIDTH {
                    self.write_indent();
                }
                self.write_indicator(":", true, false, false);
            }
            self.emit_node(v, true, false);
        }
        self.flow_level -= 1;
        self.pop_indent();
        self.write_indicator("}", false, false, false);
    }

    fn emit_block_sequence(&mut self, items: &[Node]) {
        let indentless = self.mapping_context && !self.indention;
        self.increase_indent(false, indentless);
        for item in items {
            self.write_indent();
            self.write_indicator("-", true, false, true);
            self.emit_node(item, false, false);
        }
        self.pop_indent();
    }

    fn emit_block_mapping(&mut self, entries: &[(Node, Node)]) {
        self.increase_indent(false, false);
        for (k, v) in entries {
            self.write_indent();
            if check_simple_key(k) {
                self.emit_node(k, true, true);
                self.write_indicator(":", false, false, false);
            } else {
                self.write_indicator("?", true, false, true);
                self.emit_node(k, true, false);
                self.write_indent();
                self.write_indicator(":", true, false, true);
            }
            self.emit_node(v, true, false);
        }
        self.pop_indent();
    }

    fn emit_scalar(&mut self, value: &str, requested: Style) {
        let a = analyze(value);
        let style = self.select_style(value, requested, &a);
        self.increase_indent(true, false);
        let allow_breaks = !self.simple_key_context;
        match style {
            Chosen::Plain => self.write_plain(value, allow_breaks),
            Chosen::Single => self.write_single_quoted(value, allow_breaks),
            Chosen::Double => self.write_double_quoted(value, allow_breaks),
            Chosen::Literal => self.write_literal(value),
        }
        self.pop_indent();
    }

    /// `yaml_emitter_select_scalar_style` (events are always implicit, no tags).
    fn select_style(&self, value: &str, requested: Style, a: &Analysis) -> Chosen {
        let mut style = match requested {
            Style::Plain => Chosen::Plain,
            Style::DoubleQuoted => Chosen::Double,
            Style::Literal => Chosen::Literal,
        };
        if self.simple_key_context && a.multiline {
            style = Chosen::Double;
        }
        if style == Chosen::Plain {
            if (self.flow_level > 0 && !a.flow_plain_allowed)
                || (self.flow_level == 0 && !a.block_plain_allowed)
            {
                style = Chosen::Single;
            }
            if value.is_empty() && (self.flow_level > 0 || self.simple_key_context) {
                style = Chosen::Single;
            }
        }
        if style == Chosen::Single && !a.single_quoted_allowed {
            style = Chosen::Double;
        }
        if style == Chosen::Literal
            && (!a.block_allowed || self.flow_level > 0 || self.simple_key_context)
        {
            style = Chosen::Double;
        }
        style
    }

    // ----- scalar writers -----

    fn write_plain(&mut self, value: &str, allow_breaks: bool) {
        if !self.whitespace {
            self.put(' ');
        }
        let chars: Vec<char> = value.chars().collect();
        let (mut spaces, mut breaks) = (false, false);
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                let next_is_space = chars.get(i + 1) == Some(&' ');
                if allow_breaks && !spaces && self.column > BEST_WIDTH && !next_is_space {
                    self.write_indent();
                } else {
                    self.write(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.write(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.whitespace = false;
        self.indention = false;
    }

    fn write_single_quoted(&mut self, value: &str, allow_breaks: bool) {
        self.write_indicator("'", true, false, false);
        let chars: Vec<char> = value.chars().collect();
        let n = chars.len();
        let (mut spaces, mut breaks) = (false, false);
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                let next_is_space = chars.get(i + 1) == Some(&' ');
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && i > 0
                    && i + 1 < n
                    && !next_is_space
                {
                    self.write_indent();
                } else {
                    self.write(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if c == '\'' {
                    self.put('\'');
                }
                self.write(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.write_indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_double_quoted(&mut self, value: &str, allow_breaks: bool) {
        self.write_indicator("\"", true, false, false);
        let bom = value.starts_with('\u{FEFF}');
        let chars: Vec<char> = value.chars().collect();
        let n = chars.len();
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            if !is_printable(c) || bom || is_break(c) || c == '"' || c == '\\' {
                self.put('\\');
                match c as u32 {
                    0x00 => self.put('0'),
                    0x07 => self.put('a'),
                    0x08 => self.put('b'),
                    0x09 => self.put('t'),
                    0x0A => self.put('n'),
                    0x0B => self.put('v'),
                    0x0C => self.put('f'),
                    0x0D => self.put('r'),
                    0x1B => self.put('e'),
                    0x22 => self.put('"'),
                    0x5C => self.put('\\'),
                    0x85 => self.put('N'),
                    0xA0 => self.put('_'),
                    0x2028 => self.put('L'),
                    0x2029 => self.put('P'),
                    v => {
                        let (letter, width) = if v <= 0xFF {
                            ('x', 2)
                        } else if v <= 0xFFFF {
                            ('u', 4)
                        } else {
                            ('U', 8)
                        };
                        self.put(letter);
                        for k in (0..width).rev() {
                            let digit = (v >> (4 * k)) & 0xF;
                            self.put(
                                char::from_digit(digit, 16)
                                    .unwrap_or('0')
                                    .to_ascii_uppercase(),
                            );
                        }
                    }
                }
                spaces = false;
            } else if c == ' ' {
                if allow_breaks && !spaces && self.column > BEST_WIDTH && i > 0 && i + 1 < n {
                    self.write_indent();
                    if chars.get(i + 1) == Some(&' ') {
                        self.put('\\');
                    }
                } else {
                    self.write(c);
                }
                spaces = true;
            } else {
                self.write(c);
                spaces = false;
            }
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_block_scalar_hints(&mut self, value: &str) {
        let first = value.chars().next();
        if first.is_some_and(|c| c == ' ' || is_break(c)) {
            let hint = char::from_digit(BEST_INDENT as u32, 10)
                .unwrap_or('2')
                .to_string();
            self.write_indicator(&hint, false, false, false);
        }
        let mut rev = value.chars().rev();
        let chomp = match (rev.next(), rev.next()) {
            (None, _) => Some('-'),
            (Some(last), _) if !is_break(last) => Some('-'),
            (Some(_), None) => Some('+'),
            (Some(_), Some(prev)) if is_break(prev) => Some('+'),
            _ => None,
        };
        if let Some(c) = chomp {
            self.write_indicator(&c.to_string(), false, false, false);
        }
    }

    fn write_literal(&mut self, value: &str) {
        self.write_indicator("|", true, false, false);
        self.write_block_scalar_hints(value);
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        for c in value.chars() {
            if is_break(c) {
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.write(c);
                self.indention = false;
                breaks = false;
            }
        }
    }
}

/// `yaml_emitter_check_simple_key`: single-line scalars of at most 128 bytes, or empty
/// collections.
fn check_simple_key(node: &Node) -> bool {
    match node {
        Node::Scalar(value, _) => !analyze(value).multiline && value.len() <= 128,
        Node::Seq(items) => items.is_empty(),
        Node::Map(entries) => entries.is_empty(),
    }
}
