//! A sheet as CSV: UTF-8 with a byte-order mark, so that Excel opens the
//! Chinese text correctly, and fields quoted only where needed.

use super::Sheet;
use crate::error::Error;

/// The sheet's header rows and records as CSV bytes.
pub fn to_csv(sheet: &Sheet) -> Result<Vec<u8>, Error> {
    let mut out = "\u{feff}".as_bytes().to_vec();
    let io = |e: ::csv::Error| Error::Io {
        path: "<csv>".into(),
        source: std::io::Error::other(e),
    };
    {
        let mut w = ::csv::Writer::from_writer(&mut out);
        for row in &sheet.header {
            w.write_record(row).map_err(io)?;
        }
        for row in &sheet.rows {
            w.write_record(row.iter().map(super::Field::as_str))
                .map_err(io)?;
        }
        w.flush().map_err(|e| Error::Io {
            path: "<csv>".into(),
            source: e,
        })?;
    }
    Ok(out)
}
