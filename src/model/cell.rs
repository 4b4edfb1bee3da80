//! One table cell, exactly as the report wrote it.
//!
//! A cell is blank (`null` in JSON: never read as 0), a plain number (kept as
//! its exact decimal text, so `6719.3835` or `7545.00` keep every digit), or a
//! piece of text kept verbatim (`/`, `—`, `无`, `6719.3835万元`).

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Longest number (in characters) a cell may hold; larger values are refused
/// rather than silently rounded.
pub const MAX_NUMBER_CHARS: usize = 40;

/// A table cell.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Cell {
    /// Nothing was written in the cell.
    #[default]
    Blank,
    /// A plain number (`32`, `-8`, `7730.28`).
    Number(Decimal),
    /// Anything else, verbatim: a placeholder (`/`, `—`, `无`) or a number
    /// with its unit (`6719.3835万元`).
    Text(String),
}

/// A decimal number kept as its exact written text: an optional `-`, digits,
/// and optionally `.` and digits. No exponent, no `+`, no leading zeros other
/// than a single `0` before the point.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decimal(String);

/// A number read out of a cell for arithmetic, with the unit the cell stated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quantity<'a> {
    pub number: Decimal,
    pub unit: Option<&'a str>,
}

/// Units a numeric cell may carry after its digits.
pub const UNITS: &[&str] = &["万元", "元", "件", "项", "个", "次"];

/// Texts that mean "nothing to report" without being a number.
pub const PLACEHOLDERS: &[&str] = &[
    "/", "／", "-", "—", "——", "－", "–", "无", "空", "N/A", "n/a", "\\",
];

impl Decimal {
    /// Parses an exact decimal. `None` when `text` is not in plain decimal
    /// notation or is longer than [`MAX_NUMBER_CHARS`].
    pub fn parse(text: &str) -> Option<Decimal> {
        if text.is_empty() || text.len() > MAX_NUMBER_CHARS {
            return None;
        }
        let body = text.strip_prefix('-').unwrap_or(text);
        let (int, frac) = match body.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (body, None),
        };
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(int) || (int.len() > 1 && int.starts_with('0')) {
            return None;
        }
        if let Some(f) = frac
            && !digits(f)
        {
            return None;
        }
        Some(Decimal(text.to_owned()))
    }

    /// Why `text`, which [`Decimal::parse`] refuses, cannot be a cell's
    /// number.
    pub fn refusal(text: &str) -> String {
        format!(
            "the number {text} cannot be kept exactly: write it in plain decimal notation of at most {MAX_NUMBER_CHARS} characters"
        )
    }

    /// Builds a decimal from an integer.
    pub fn from_int(n: i64) -> Decimal {
        Decimal(n.to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The value as an integer, when it has no fractional digits (`3.0` is not
    /// an integer count: it was written with a fraction).
    pub fn as_integer(&self) -> Option<i128> {
        if self.0.contains('.') {
            return None;
        }
        self.0.parse().ok()
    }

    pub fn is_negative(&self) -> bool {
        self.0.starts_with('-') && self.0.bytes().any(|b| (b'1'..=b'9').contains(&b))
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Cell {
    /// A count cell.
    pub fn int(n: i64) -> Cell {
        Cell::Number(Decimal::from_int(n))
    }

    /// Reads a cell's written text the way a report's reader should: empty
    /// is blank, a plain number is a number (full-width digits folded), and
    /// anything else stays verbatim text.
    pub fn from_written(text: &str) -> Cell {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Cell::Blank;
        }
        // Only full-width digits, points and signs need folding.
        let folded: Cow<str> = if trimmed.is_ascii() {
            Cow::Borrowed(trimmed)
        } else {
            Cow::Owned(trimmed.chars().map(fold_digit).collect())
        };
        match Decimal::parse(&folded) {
            Some(d) => Cell::Number(d),
            None => Cell::Text(trimmed.to_owned()),
        }
    }

    /// Whether written text is a value rather than a label: blank, a
    /// placeholder, or a number (full-width digits, thousands separators, a
    /// sign, a point and a unit allowed). Allocates nothing.
    pub fn looks_like_value(text: &str) -> bool {
        let t = text.trim();
        if t.is_empty() || PLACEHOLDERS.contains(&t) {
            return true;
        }
        let body = UNITS
            .iter()
            .find_map(|u| t.strip_suffix(u).map(str::trim_end))
            .unwrap_or(t);
        let body = body.strip_prefix(['-', '－']).unwrap_or(body);
        let (mut digits, mut points) = (0, 0);
        for c in body.chars() {
            match c {
                '0'..='9' | '０'..='９' => digits += 1,
                '.' | '．' => points += 1,
                ',' | '，' => {}
                _ => return false,
            }
        }
        digits > 0 && points <= 1 && !body.starts_with(['.', ',', '．', '，'])
    }

    pub fn is_blank(&self) -> bool {
        matches!(self, Cell::Blank)
    }

    /// A placeholder such as `/` or `—`: the report says there is nothing,
    /// without writing a number.
    pub fn is_placeholder(&self) -> bool {
        matches!(self, Cell::Text(t) if PLACEHOLDERS.contains(&t.trim()))
    }

    /// The number in the cell, with the unit it states, when it has one:
    /// `32`, `6719.3835万元`, `12 件`. `None` for blanks, placeholders and
    /// other text.
    pub fn quantity(&self) -> Option<Quantity<'_>> {
        match self {
            Cell::Blank => None,
            Cell::Number(d) => Some(Quantity {
                number: d.clone(),
                unit: None,
            }),
            Cell::Text(t) => {
                let t = t.trim();
                let (digits, unit) = UNITS
                    .iter()
                    .find_map(|u| t.strip_suffix(u).map(|d| (d.trim_end(), Some(*u))))
                    .unwrap_or((t, None));
                // Thousands separators are formatting, not digits.
                let folded: String = digits
                    .chars()
                    .filter(|c| !matches!(c, ',' | '，'))
                    .map(fold_digit)
                    .collect();
                Decimal::parse(&folded).map(|number| Quantity { number, unit })
            }
        }
    }

    /// How the cell reads in a message: `32`, `空` for blank, `"/"` for text.
    pub fn display(&self) -> String {
        match self {
            Cell::Blank => "空".to_owned(),
            Cell::Number(d) => d.to_string(),
            Cell::Text(t) => format!("“{t}”"),
        }
    }
}

fn fold_digit(c: char) -> char {
    match c {
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
        '．' => '.',
        '－' => '-',
        _ => c,
    }
}

impl Serialize for Cell {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Cell::Blank => s.serialize_none(),
            Cell::Number(d) => {
                // A whole number that an i64 writes back digit for digit
                // (not `-0`) goes the short way.
                if let Some(n) = d.as_integer().and_then(|n| i64::try_from(n).ok())
                    && !d.0.starts_with("-0")
                {
                    return s.serialize_i64(n);
                }
                // With serde_json's arbitrary_precision the number is written
                // with exactly these digits.
                let n: serde_json::Number = d.0.parse().map_err(serde::ser::Error::custom)?;
                n.serialize(s)
            }
            Cell::Text(t) => s.serialize_str(t),
        }
    }
}

impl<'de> Deserialize<'de> for Cell {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        match serde_json::Value::deserialize(d)? {
            serde_json::Value::Null => Ok(Cell::Blank),
            serde_json::Value::String(s) => Ok(Cell::Text(s)),
            serde_json::Value::Number(n) => {
                let text = n.to_string();
                Decimal::parse(&text)
                    .map(Cell::Number)
                    .ok_or_else(|| D::Error::custom(Decimal::refusal(&text)))
            }
            other => Err(D::Error::custom(format!(
                "a cell is a number, null or a string, not {}",
                match other {
                    serde_json::Value::Bool(_) => "a boolean",
                    serde_json::Value::Array(_) => "an array",
                    _ => "an object",
                }
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_text_keeps_every_digit() {
        assert_eq!(Cell::from_written(" 32 "), Cell::int(32));
        assert_eq!(
            Cell::from_written("7545.00"),
            Cell::Number(Decimal("7545.00".into()))
        );
        assert_eq!(Cell::from_written("３２"), Cell::int(32));
        assert_eq!(Cell::from_written(""), Cell::Blank);
        assert_eq!(Cell::from_written("/"), Cell::Text("/".into()));
        assert_eq!(Cell::from_written("007"), Cell::Text("007".into()));
        assert_eq!(
            Cell::from_written("6719.3835万元"),
            Cell::Text("6719.3835万元".into())
        );
    }

    #[test]
    fn quantities_carry_their_unit() {
        let c = Cell::Text("6719.3835万元".into());
        let q = c.quantity().unwrap();
        assert_eq!(q.number.as_str(), "6719.3835");
        assert_eq!(q.unit, Some("万元"));
        assert_eq!(
            Cell::Text("12 件".into()).quantity().unwrap().unit,
            Some("件")
        );
        let thousands = Cell::from_written("1,234");
        assert_eq!(thousands, Cell::Text("1,234".into()));
        assert_eq!(
            thousands.quantity().unwrap().number.as_integer(),
            Some(1234)
        );
        assert!(Cell::Text("—".into()).quantity().is_none());
        assert!(Cell::Text("—".into()).is_placeholder());
        assert!(Cell::Blank.quantity().is_none());
    }

    #[test]
    fn values_are_told_from_labels_without_allocating() {
        for v in [
            "",
            " ",
            "32",
            "-8",
            "7545.00",
            "6719.3835万元",
            "1,234",
            "３２",
            "/",
            "—",
            "12 件",
        ] {
            assert!(Cell::looks_like_value(v), "{v}");
        }
        for l in ["规章", "1.属于国家秘密", "2020年", ".5", "1.2.3", "总计"] {
            assert!(!Cell::looks_like_value(l), "{l}");
        }
    }

    #[test]
    fn decimals_are_plain_notation_only() {
        for bad in ["1e3", "+1", "01", ".5", "5.", "1.2.3", "", "-", "１"] {
            assert!(Decimal::parse(bad).is_none(), "{bad}");
        }
        assert_eq!(Decimal::parse("-8").unwrap().as_integer(), Some(-8));
        assert_eq!(Decimal::parse("3.0").unwrap().as_integer(), None);
        assert!(!Decimal::parse("-0").unwrap().is_negative());
    }

    #[test]
    fn json_round_trip_is_exact() {
        let text = r#"[null,32,-8,-0,7545.00,6719.3835,"6719.3835万元","/"]"#;
        let cells: Vec<Cell> = serde_json::from_str(text).unwrap();
        assert_eq!(cells[4], Cell::Number(Decimal("7545.00".into())));
        assert_eq!(serde_json::to_string(&cells).unwrap(), text);
    }

    #[test]
    fn numbers_that_cannot_be_kept_are_refused() {
        assert!(serde_json::from_str::<Cell>("1e400").is_err());
        assert!(serde_json::from_str::<Cell>("true").is_err());
        let long = format!("1{}", "0".repeat(60));
        assert!(serde_json::from_str::<Cell>(&long).is_err());
    }
}
