//! The two table layouts: a list (a header and one row per item, columns aligned) and details
//! (one `key  value` line per field). Borderless, two spaces between columns, no trailing
//! spaces. On a terminal narrower than a list, only its last column (a description, a result)
//! wraps: values people copy (tokens, ids) never break.

use comfy_table::presets::NOTHING;
use comfy_table::{Attribute, Cell, Color, ColumnConstraint, ContentArrangement, Table};

/// The narrowest a wrapped last column may get; when the terminal leaves it less, lines run
/// long instead (a column of a few characters is harder to read than a long line).
const MIN_WRAPPED_WIDTH: u16 = 20;

/// The most characters a table cell shows: a 10,000-character alias must not pad every row of a
/// list to its width. JSON keeps the whole value.
const MAX_CELL_CHARS: usize = 200;

/// A cell's text (escaped for the terminal: see [`crate::terminal::escape`], and cut to
/// [`MAX_CELL_CHARS`] with `…`) and, when colour is on, its colour.
pub struct Text {
    text: String,
    color: Option<Color>,
}

impl Text {
    /// Plain text.
    pub fn plain(text: impl Into<String>) -> Text {
        Text { text: escaped(text.into()), color: None }
    }

    /// Text shown in `color` on a colour terminal.
    pub fn colored(text: impl Into<String>, color: Color) -> Text {
        Text { text: escaped(text.into()), color: Some(color) }
    }

    fn cell(self, color_on: bool) -> Cell {
        let cell = Cell::new(self.text);
        match self.color {
            Some(color) if color_on => cell.fg(color),
            _ => cell,
        }
    }
}

/// `text` escaped and capped, without a copy when there is nothing to change.
fn escaped(text: String) -> String {
    let text = match crate::terminal::escape(&text) {
        std::borrow::Cow::Borrowed(_) => text,
        std::borrow::Cow::Owned(escaped) => escaped,
    };
    match text.char_indices().nth(MAX_CELL_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

impl From<&str> for Text {
    fn from(text: &str) -> Text {
        Text::plain(text)
    }
}

impl From<String> for Text {
    fn from(text: String) -> Text {
        Text::plain(text)
    }
}

/// Builds tables with one colour setting.
#[derive(Clone, Copy, Debug)]
pub struct TableStyle {
    /// Whether cells get their colours and the header is bold.
    pub color: bool,
}

impl TableStyle {
    /// A list: `headers`, then one line per row.
    pub fn list(&self, headers: &[&str], rows: Vec<Vec<Text>>) -> String {
        let mut table = self.table();
        table.set_header(
            headers
                .iter()
                .map(|h| if self.color { Cell::new(h).add_attribute(Attribute::Bold) } else { Cell::new(h) }),
        );
        for row in rows {
            table.add_row(row.into_iter().map(|text| text.cell(self.color)));
        }
        if last_column_wraps_well(&table) {
            table.set_content_arrangement(ContentArrangement::Dynamic);
            let last = table.column_count().saturating_sub(1);
            for column in table.column_iter_mut().take(last) {
                column.set_constraint(ColumnConstraint::ContentWidth);
            }
        }
        finish(table)
    }

    /// Details: one `key  value` line per field.
    pub fn details(&self, fields: Vec<(&str, Text)>) -> String {
        let mut table = self.table();
        for (key, value) in fields {
            let key = if self.color { Cell::new(key).add_attribute(Attribute::Bold) } else { Cell::new(key) };
            table.add_row(vec![key, value.cell(self.color)]);
        }
        finish(table)
    }

    fn table(&self) -> Table {
        let mut table = Table::new();
        table.load_style(NOTHING);
        if self.color {
            // Colour was decided with NO_COLOR and --no-color in mind; the table need not ask again.
            // Only the text is styled, so that padding stays plain and trimmable.
            table.enforce_styling().style_text_only();
        }
        table
    }
}

/// Whether the table is printed to a terminal (of known size) that leaves its last column at
/// least [`MIN_WRAPPED_WIDTH`] once the other columns have their full width.
fn last_column_wraps_well(table: &Table) -> bool {
    let Some(width) = table.width() else { return false };
    let widths = table.column_max_content_widths();
    let Some((_, others)) = widths.split_last() else { return false };
    let taken: u16 = others.iter().map(|w| w.saturating_add(2)).sum();
    width.saturating_sub(taken) >= MIN_WRAPPED_WIDTH
}

/// Two spaces between columns and none at either end of a line.
fn finish(mut table: Table) -> String {
    for column in table.column_iter_mut() {
        column.set_padding((0, 2));
    }
    let mut text = table.trim_fmt();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_cells_are_cut_and_short_ones_kept() {
        let long = "a".repeat(10_000);
        let cell = Text::plain(long).text;
        assert_eq!(cell.chars().count(), MAX_CELL_CHARS + 1);
        assert!(cell.ends_with('…'));
        assert_eq!(Text::plain("ci-runners").text, "ci-runners");
        let wide = "é".repeat(MAX_CELL_CHARS);
        assert_eq!(Text::plain(wide.clone()).text, wide, "exactly the cap is kept whole");
    }

    #[test]
    fn lists_align_columns_without_trailing_spaces() {
        let style = TableStyle { color: false };
        let text = style.list(
            &["NAME", "STATE"],
            vec![vec!["a-long-name".into(), "on".into()], vec!["b".into(), "off".into()]],
        );
        assert_eq!(text, "NAME         STATE\na-long-name  on\nb            off\n");
    }

    #[test]
    fn details_align_values() {
        let style = TableStyle { color: false };
        let text = style.details(vec![("id", "1".into()), ("description", Text::colored("x", Color::Red))]);
        assert_eq!(text, "id           1\ndescription  x\n");
    }

    #[test]
    fn cells_are_escaped() {
        let style = TableStyle { color: false };
        let text = style.list(&["ALIAS"], vec![vec!["ci\u{1b}[2K\rx".into()]]);
        assert_eq!(text, "ALIAS\nci\\u{1b}[2K\\rx\n");
    }

    #[test]
    fn colour_only_when_asked() {
        let text = TableStyle { color: true }.details(vec![("state", Text::colored("on", Color::Green))]);
        assert!(text.contains("\u{1b}["), "{text:?}");
    }
}
