//! The machine formats: one JSON document, JSON Lines (a listing's rows, one compact object per
//! line) and CSV (a header of column names, then a row per line).
//!
//! JSON is written with every character that [`crate::terminal::escape`] would escape as a
//! `\uXXXX` escape: serde_json escapes only ASCII control characters, and DEL, the C1 controls
//! (U+009B is a one-character CSI to many terminals) and the invisible characters that reorder
//! text would otherwise reach a terminal. The escapes are valid JSON for the same value.
//!
//! A CSV cell is the row's JSON member as text, so CSV and JSON can never disagree: a string
//! as it is, `null` as an empty cell, an array's items joined with `;`. Two things are done
//! for spreadsheets, which is where CSV exports get opened: the csv crate quotes any cell with
//! a comma, quote or line break (RFC 4180), and a cell that a spreadsheet would run as a
//! formula (`=`, `+`, `-`, `@`, TAB or CR first) gets a leading `'`, because aliases and
//! descriptions come from whoever can create a token in the account.
//!
//! CSV, unlike JSON, has no escapes of its own: printed to a terminal, its cells go through
//! [`crate::terminal::escape`] like a table's, so that an alias cannot move the cursor or hide
//! text. Into a file or a pipe, cells are exact.

use std::io::Write;

use serde::Serialize;
use serde_json::Value;

/// Pretty-printed JSON and a newline.
pub fn json(out: &mut dyn Write, value: &impl Serialize) -> std::io::Result<()> {
    let mut out = TerminalSafe(out);
    serde_json::to_writer_pretty(&mut out, value)?;
    out.write_all(b"\n")
}

/// One compact JSON object per row, one row per line.
pub fn jsonl<R: Serialize>(out: &mut dyn Write, rows: &[R]) -> std::io::Result<()> {
    let mut out = TerminalSafe(out);
    for row in rows {
        serde_json::to_writer(&mut out, row)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// Passes serde_json's output on with every character a terminal could act on written as a
/// `\uXXXX` escape. Outside strings serde_json writes only ASCII punctuation, letters, digits,
/// spaces and line breaks, and inside them it escapes the ASCII controls itself: so each such
/// character that reaches this writer is inside a string, and a line break is between members.
/// serde_json writes whole characters at a time (text between escapes); a write that is not
/// UTF-8 is refused rather than passed on unchecked.
struct TerminalSafe<'a>(&'a mut dyn Write);

impl Write for TerminalSafe<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text =
            std::str::from_utf8(buf).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
        let mut start = 0;
        for (at, c) in text.char_indices() {
            if c != '\n' && crate::terminal::needs_escape(c) {
                self.0.write_all(&buf[start..at])?;
                for unit in c.encode_utf16(&mut [0; 2]) {
                    write!(self.0, "\\u{unit:04x}")?;
                }
                start = at + c.len_utf8();
            }
        }
        self.0.write_all(&buf[start..])?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// `columns` as a header line, then one line per row with its members in that order; each
/// cell escaped for a terminal when `for_terminal`.
pub fn csv<R: Serialize>(
    out: &mut dyn Write,
    columns: &[&str],
    rows: &[R],
    for_terminal: bool,
) -> std::io::Result<()> {
    let mut writer = ::csv::Writer::from_writer(out);
    writer.write_record(columns)?;
    for row in rows {
        let row = serde_json::to_value(row)?;
        writer.write_record(columns.iter().map(|column| {
            let cell = cell(&row[*column]);
            if for_terminal { crate::terminal::escape(&cell).into_owned() } else { cell }
        }))?;
    }
    writer.flush()
}

/// One JSON value as a spreadsheet-safe cell.
fn cell(value: &Value) -> String {
    let text = match value {
        Value::Null => return String::new(),
        Value::String(text) => text.clone(),
        Value::Array(items) => items.iter().map(cell).collect::<Vec<_>>().join(";"),
        other => other.to_string(),
    };
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn csv_text(columns: &[&str], rows: &[Value]) -> String {
        let mut out = Vec::new();
        csv(&mut out, columns, rows, false).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn csv_quotes_what_needs_it_and_reads_back_whole() {
        let alias = "a, \"quoted\"\nalias";
        let rows = [json!({"alias": alias, "scope": ["devices", "agents"], "enabled": true, "os": null})];
        let text = csv_text(&["alias", "scope", "enabled", "os"], &rows);
        assert_eq!(text, "alias,scope,enabled,os\n\"a, \"\"quoted\"\"\nalias\",devices;agents,true,\n");
        let mut reader = ::csv::Reader::from_reader(text.as_bytes());
        let record = reader.records().next().unwrap().unwrap();
        assert_eq!(&record[0], alias);
    }

    #[test]
    fn csv_cells_never_start_a_formula() {
        let rows = [json!({"alias": "=HYPERLINK(\"http://x\")", "description": "-2+3", "os": "linux"})];
        let text = csv_text(&["alias", "description", "os"], &rows);
        assert_eq!(text, "alias,description,os\n\"'=HYPERLINK(\"\"http://x\"\")\",'-2+3,linux\n");
    }

    #[test]
    fn csv_for_a_terminal_escapes_control_characters_and_a_file_gets_them_exact() {
        let rows = [json!({"alias": "ci\u{1b}[2K\rx"})];
        let mut out = Vec::new();
        csv(&mut out, &["alias"], &rows, true).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "alias\nci\\u{1b}[2K\\rx\n");
        assert_eq!(csv_text(&["alias"], &rows), "alias\n\"ci\u{1b}[2K\rx\"\n");
    }

    #[test]
    fn json_escapes_what_a_terminal_would_act_on_and_keeps_the_value() {
        let value = json!({"alias": "a\u{9b}2J\u{7f}\u{202e}b\u{1b}", "lines": "x\ny"});
        let mut out = Vec::new();
        json(&mut out, &value).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains(r#""a\u009b2J\u007f\u202eb\u001b""#), "{text}");
        assert!(!text.chars().any(|c| c != '\n' && crate::terminal::needs_escape(c)), "{text:?}");
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), value, "the same value");

        let long = json!({"alias": "é中\u{9b}".repeat(5_000)});
        let mut out = Vec::new();
        jsonl(&mut out, std::slice::from_ref(&long)).unwrap();
        let line = String::from_utf8(out).unwrap();
        assert_eq!(serde_json::from_str::<Value>(line.trim_end()).unwrap(), long, "long text, whole");
    }

    #[test]
    fn csv_has_a_header_without_rows_and_jsonl_a_line_per_row() {
        assert_eq!(csv_text(&["id", "name"], &[]), "id,name\n");
        let mut out = Vec::new();
        jsonl(&mut out, &[json!({"a": 1}), json!({"a": "x\ny"})]).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "{\"a\":1}\n{\"a\":\"x\\ny\"}\n");
    }
}
