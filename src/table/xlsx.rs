//! Sheets as an XLSX workbook: the header rows frozen, numbers as numbers
//! shown with the digits they were written with, blanks as empty cells, and
//! text as text.

use std::collections::BTreeMap;

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, Workbook, XlsxError};

use super::{Field, Sheet};
use crate::error::Error;

/// The sheets as one workbook, in order. Equal sheets give equal bytes:
/// the document's creation time is fixed.
pub fn to_xlsx(sheets: &[&Sheet]) -> Result<Vec<u8>, Error> {
    build(sheets).map_err(|e| Error::Io {
        path: "<xlsx>".into(),
        source: std::io::Error::other(e),
    })
}

fn build(sheets: &[&Sheet]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let epoch = ExcelDateTime::from_ymd(2000, 1, 1)?;
    book.set_properties(&DocProperties::new().set_creation_datetime(&epoch));
    let bold = Format::new().set_bold();
    let label = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    // One number format per count of decimal places.
    let mut decimals: BTreeMap<usize, Format> = BTreeMap::new();
    for sheet in sheets {
        let ws = book.add_worksheet();
        ws.set_name(sheet.name)?;
        for (r, row) in sheet.header.iter().enumerate() {
            let format = if r == 0 { &bold } else { &label };
            for (c, name) in row.iter().enumerate() {
                ws.write_string_with_format(r as u32, c as u16, name, format)?;
            }
        }
        let top = sheet.header.len() as u32;
        if top > 1 {
            // Room for a long Chinese label, wrapped.
            ws.set_row_height(1, 90)?;
        }
        for (r, row) in sheet.rows.iter().enumerate() {
            let r = top + r as u32;
            for (c, field) in row.iter().enumerate() {
                let c = c as u16;
                match field {
                    Field::Blank => {}
                    Field::Number(text) => match exact(text) {
                        Some((n, places)) => {
                            let format = decimals.entry(places).or_insert_with(|| {
                                let zeros = "0".repeat(places);
                                let pattern = if places == 0 {
                                    "0".to_owned()
                                } else {
                                    format!("0.{zeros}")
                                };
                                Format::new().set_num_format(pattern)
                            });
                            ws.write_number_with_format(r, c, n, format)?;
                        }
                        None => {
                            ws.write_string(r, c, text)?;
                        }
                    },
                    Field::Text(text) => {
                        ws.write_string(r, c, text)?;
                    }
                }
            }
        }
        let width = sheet.header.first().map_or(0, Vec::len);
        for c in 0..width {
            ws.set_column_width(c as u16, if c == 0 { 28 } else { 16 })?;
        }
        ws.set_freeze_panes(top, 1)?;
    }
    book.save_to_buffer()
}

/// Significant digits a spreadsheet shows of a number.
const SPREADSHEET_DIGITS: usize = 15;

/// The number a decimal text stands for and its count of decimal places,
/// when a spreadsheet number shows exactly that text again; `None` for a
/// number with more digits than a spreadsheet keeps (it is written as text).
fn exact(text: &str) -> Option<(f64, usize)> {
    let significant = text
        .bytes()
        .filter(u8::is_ascii_digit)
        .skip_while(|&b| b == b'0')
        .count();
    if significant > SPREADSHEET_DIGITS {
        return None;
    }
    let n: f64 = text.parse().ok()?;
    let places = text.split_once('.').map_or(0, |(_, f)| f.len());
    let shown = format!("{n:.places$}");
    (shown == text && !(n == 0.0 && text.starts_with('-'))).then_some((n, places))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_numbers_only_when_they_show_the_same_digits() {
        assert_eq!(exact("7545.00"), Some((7545.0, 2)));
        assert_eq!(exact("32"), Some((32.0, 0)));
        assert_eq!(exact("-8"), Some((-8.0, 0)));
        assert_eq!(exact("6719.3835"), Some((6719.3835, 4)));
        assert_eq!(exact("-0"), None);
        assert_eq!(exact("12345678901234567890"), None);
        assert_eq!(exact("0.1000000000000000055511151231257827"), None);
    }
}
