//! Readers: bytes in a document format -> the generic [`Doc`](crate::doc::Doc).
//!
//! Readers know nothing of the report's structure; that is the
//! recognizer's job ([`crate::recognize`]).

pub mod docx;
pub mod html;
pub mod pdf;
pub mod text;

use crate::error::Error;

/// Decodes a text document: UTF-8 (with or without BOM), UTF-16 with BOM,
/// or, when the bytes are not UTF-8, GB18030 (which covers GBK and GB2312),
/// the encodings Chinese government sites publish in.
pub fn decode_text(bytes: &[u8]) -> Result<String, Error> {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom..]);
        if had_errors {
            return Err(Error::Corrupt {
                place: String::new(),
                message: format!("the text is not valid {}", enc.name()),
            });
        }
        return Ok(text.into_owned());
    }
    decode_owned(bytes.to_vec())
}

/// [`decode_text`] of bytes the caller owns: UTF-8 is taken without a copy.
pub fn decode_owned(bytes: Vec<u8>) -> Result<String, Error> {
    if encoding_rs::Encoding::for_bom(&bytes).is_some() {
        return decode_text(&bytes);
    }
    match String::from_utf8(bytes) {
        Ok(s) => Ok(s),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(&bytes);
            if had_errors {
                // Where UTF-8 first fails is where to look (a file cut in
                // the middle of a character, a stray byte).
                let before = &bytes[..valid];
                let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
                let column = String::from_utf8_lossy(
                    &before[before
                        .iter()
                        .rposition(|&b| b == b'\n')
                        .map_or(0, |i| i + 1)..],
                )
                .chars()
                .count()
                    + 1;
                return Err(Error::Corrupt {
                    place: String::new(),
                    message: format!(
                        "the text is neither UTF-8 nor GB18030 (GBK, GB2312); it stops being UTF-8 at line {line}, column {column} (byte {valid})"
                    ),
                });
            }
            Ok(text.into_owned())
        }
    }
}

/// A date as people write it (`2021年1 月25日`, `2024-03-08 15:34`,
/// `2021/1/25`, `2021.01.25`) -> `YYYY-MM-DD`, when it is a real date.
pub fn iso_date(text: &str) -> Option<String> {
    let digits: String = text
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            _ => c,
        })
        .collect();
    let mut nums = digits
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty());
    let year: u32 = nums.next()?.parse().ok()?;
    let month: u32 = nums.next()?.parse().ok()?;
    let day: u32 = nums.next()?.parse().ok()?;
    let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    ((1990..=2100).contains(&year) && (1..=days).contains(&day))
        .then(|| format!("{year:04}-{month:02}-{day:02}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_as_written() {
        assert_eq!(iso_date("(2021年1 月25日)").as_deref(), Some("2021-01-25"));
        assert_eq!(iso_date("2024-03-08 15:34").as_deref(), Some("2024-03-08"));
        assert_eq!(iso_date("２０２１年２月２９日"), None);
        assert_eq!(iso_date("2020年2月29日").as_deref(), Some("2020-02-29"));
        assert_eq!(iso_date("第3页"), None);
    }

    #[test]
    fn gbk_and_utf16_decode() {
        let (gbk, _, _) = encoding_rs::GBK.encode("政府信息公开");
        assert_eq!(decode_text(&gbk).unwrap(), "政府信息公开");
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend("年报".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode_text(&utf16).unwrap(), "年报");
        assert_eq!(decode_text("\u{feff}正文".as_bytes()).unwrap(), "正文");
    }

    #[test]
    fn undecodable_text_says_where_utf8_stops() {
        // A UTF-8 file cut in the middle of its last character.
        let mut bytes = "第一行\n编制说明".as_bytes().to_vec();
        bytes.pop();
        let e = decode_text(&bytes).unwrap_err().to_string();
        assert!(e.contains("line 2, column 4 (byte 19)"), "{e}");
    }
}
