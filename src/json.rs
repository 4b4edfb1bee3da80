//! JSON input, parsed strictly: an object that names a key twice is
//! refused at the key's JSON pointer. serde_json keeps the last of them
//! silently, and another reader may keep the first: the value is ambiguous.
//!
//! Depth is bounded by serde_json's recursion limit (128 levels); numbers
//! keep their written digits (serde_json's `arbitrary_precision`).

use std::cell::RefCell;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::map::Entry;
use serde_json::{Map, Number, Value};

/// The key under which serde_json hands over a number's written digits.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// Parses a JSON document into a value, refusing duplicate keys.
///
/// A document is read first by [`fast::parse`], which gives up at anything
/// out of the ordinary (an error, a duplicate key, deep nesting, an escaped
/// surrogate); what it gives up on is read again by [`parse_strict`], whose
/// value and error are the ones given. The two agree on every document the
/// first accepts (tested, and checked by the json fuzz target).
pub fn parse(bytes: &[u8]) -> Result<Value, serde_json::Error> {
    Ok(parse_noting_numbers(bytes)?.0)
}

/// [`parse`], saying as well whether every number in the document is known
/// to be a whole number written plainly (no point, no exponent) that fits
/// in 64 bits; `false` when that was not looked at.
pub(crate) fn parse_noting_numbers(bytes: &[u8]) -> Result<(Value, bool), serde_json::Error> {
    match simdutf8::basic::from_utf8(bytes).ok().and_then(fast::read) {
        Some(read) => Ok(read),
        None => Ok((parse_strict(bytes)?, false)),
    }
}

/// A key as one reference token of a JSON pointer (RFC 6901): `~` written
/// `~0`, `/` written `~1`; borrowed when there is neither.
pub(crate) fn pointer_token(key: &str) -> std::borrow::Cow<'_, str> {
    if key.contains(['~', '/']) {
        key.replace('~', "~0").replace('/', "~1").into()
    } else {
        key.into()
    }
}

/// A number's text when it is a whole number of at most 18 digits written
/// plainly (a `-` or not, then digits): well inside 64 bits, and read
/// without a parser.
pub(crate) fn plain_integer(text: &str) -> Option<i64> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    if digits.is_empty() || digits.len() > 18 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = digits
        .bytes()
        .fold(0i64, |n, d| n * 10 + i64::from(d - b'0'));
    Some(if digits.len() < text.len() { -n } else { n })
}

/// [`parse`], through serde_json's parser alone: slower, and the one that
/// words the errors.
pub fn parse_strict(bytes: &[u8]) -> Result<Value, serde_json::Error> {
    let path = RefCell::new(Vec::new());
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = Strict { path: &path }.deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

/// One step of the path to the value being read. A key is moved here while
/// its value is read and moved on into the object afterwards, so keeping
/// the path costs no copy of it.
enum Seg {
    Key(String),
    Index(usize),
}

/// A value at a place in the document; `path` holds the pointer's segments.
#[derive(Clone, Copy)]
struct Strict<'p> {
    path: &'p RefCell<Vec<Seg>>,
}

impl Strict<'_> {
    fn pointer(&self, last: &str) -> String {
        let path = self.path.borrow();
        let escape = |s: &str| format!("/{}", pointer_token(s));
        path.iter()
            .map(|seg| match seg {
                Seg::Key(k) => escape(k),
                Seg::Index(i) => format!("/{i}"),
            })
            .chain(std::iter::once(escape(last)))
            .collect()
    }

    /// Runs `f` with `segment` on the path; hands the segment back.
    fn nested<T>(&self, segment: Seg, f: impl FnOnce() -> T) -> (T, Option<Seg>) {
        self.path.borrow_mut().push(segment);
        let out = f();
        let segment = self.path.borrow_mut().pop();
        (out, segment)
    }
}

impl<'de> DeserializeSeed<'de> for Strict<'_> {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Strict<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }
    fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
        Ok(Value::Number(n.into()))
    }
    fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
        Ok(Value::Number(n.into()))
    }
    fn visit_f64<E: de::Error>(self, n: f64) -> Result<Value, E> {
        Number::from_f64(n)
            .map(Value::Number)
            .ok_or_else(|| E::custom("a number JSON cannot hold"))
    }
    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(s.to_owned()))
    }
    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        loop {
            let (next, _) = self.nested(Seg::Index(items.len()), || seq.next_element_seed(self));
            let next = next?;
            match next {
                Some(v) => items.push(v),
                None => return Ok(Value::Array(items)),
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            let key = match key {
                Key::Number if out.is_empty() => {
                    let digits: String = map.next_value()?;
                    return digits
                        .parse::<Number>()
                        .map(Value::Number)
                        .map_err(de::Error::custom);
                }
                Key::Number => NUMBER_TOKEN.to_owned(),
                Key::Name(name) => name,
            };
            let (value, segment) = self.nested(Seg::Key(key), || map.next_value_seed(self));
            let value = value?;
            if let Some(Seg::Key(key)) = segment {
                match out.entry(key) {
                    Entry::Vacant(slot) => {
                        slot.insert(value);
                    }
                    Entry::Occupied(slot) => {
                        return Err(de::Error::custom(format!(
                            "the key {:?} appears twice in one object, at {}: which value is meant cannot be told",
                            slot.key(),
                            self.pointer(slot.key())
                        )));
                    }
                }
            }
        }
        Ok(Value::Object(out))
    }
}

/// An object's key: serde_json's marker for a number's written digits, or
/// a name, copied only when it is a name.
enum Key {
    Number,
    Name(String),
}

struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Key;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Key, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }
    fn visit_str<E>(self, s: &str) -> Result<Key, E> {
        Ok(if s == NUMBER_TOKEN {
            Key::Number
        } else {
            Key::Name(s.to_owned())
        })
    }
    fn visit_string<E>(self, s: String) -> Result<Key, E> {
        Ok(if s == NUMBER_TOKEN {
            Key::Number
        } else {
            Key::Name(s)
        })
    }
}

/// A JSON reader for the common case, about twice as fast as serde_json's
/// `deserialize_any` into a [`Value`]: it builds the value serde_json
/// builds, or gives up (`None`) and leaves the document to
/// [`parse_strict`].
pub(crate) mod fast {
    use serde_json::map::Entry;
    use serde_json::{Map, Number, Value};

    /// Nesting past this is left to serde_json, which refuses it past 128.
    const MAX_DEPTH: usize = 100;

    /// Each byte of a word 1, and each byte's high bit.
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = ONES * 0x80;

    /// Flags (high bit) the zero bytes of a word, and at most bytes that
    /// follow a zero byte.
    fn zero_bytes(w: u64) -> u64 {
        w.wrapping_sub(ONES) & !w
    }

    /// The value of a whole document, already known to be UTF-8.
    pub(crate) fn parse(text: &str) -> Option<Value> {
        Some(read(text)?.0)
    }

    /// [`parse`], and whether every number was a whole number written
    /// plainly within 64 bits.
    pub(crate) fn read(text: &str) -> Option<(Value, bool)> {
        let mut p = Reader {
            text,
            bytes: text.as_bytes(),
            at: 0,
            plain_numbers: true,
        };
        let value = p.value(0)?;
        p.skip_space();
        (p.at == p.bytes.len()).then_some((value, p.plain_numbers))
    }

    struct Reader<'a> {
        text: &'a str,
        bytes: &'a [u8],
        at: usize,
        plain_numbers: bool,
    }

    impl Reader<'_> {
        #[inline(always)]
        fn peek(&self) -> Option<u8> {
            self.bytes.get(self.at).copied()
        }

        /// The eight bytes from where the reader is, as one word (the
        /// first byte lowest), when there are eight left.
        #[inline(always)]
        fn eight(&self) -> Option<u64> {
            let chunk = self.bytes.get(self.at..self.at + 8)?;
            Some(u64::from_le_bytes(chunk.try_into().ok()?))
        }

        fn skip_space(&mut self) {
            loop {
                match self.peek() {
                    // Indentation is runs of spaces: taken eight at a time.
                    Some(b' ') => match self.eight() {
                        Some(w) => {
                            let other = w ^ (ONES * u64::from(b' '));
                            self.at += match other {
                                0 => 8,
                                _ => other.trailing_zeros() as usize / 8,
                            };
                        }
                        None => self.at += 1,
                    },
                    Some(b'\n' | b'\r' | b'\t') => self.at += 1,
                    _ => return,
                }
            }
        }

        /// Skips `byte` after any space; `None` when something else is there.
        #[inline(always)]
        fn expect(&mut self, byte: u8) -> Option<()> {
            self.skip_space();
            (self.peek()? == byte).then(|| self.at += 1)
        }

        fn value(&mut self, depth: usize) -> Option<Value> {
            self.skip_space();
            match self.peek()? {
                b'{' => self.object(depth + 1),
                b'[' => self.array(depth + 1),
                b'"' => self.string().map(Value::String),
                b't' => self.word("true", Value::Bool(true)),
                b'f' => self.word("false", Value::Bool(false)),
                b'n' => self.word("null", Value::Null),
                b'-' | b'0'..=b'9' => self.number().map(Value::Number),
                _ => None,
            }
        }

        fn word(&mut self, word: &str, value: Value) -> Option<Value> {
            let end = self.at + word.len();
            (self.bytes.get(self.at..end)? == word.as_bytes()).then(|| {
                self.at = end;
                value
            })
        }

        /// Steps into an object or array (at its opening bracket) that
        /// closes with `close`; `true` when it closes at once.
        #[inline(always)]
        fn open(&mut self, depth: usize, close: u8) -> Option<bool> {
            if depth > MAX_DEPTH {
                return None;
            }
            self.at += 1;
            self.closed_by(close)
        }

        /// After a member or item: `false` at a comma (another follows),
        /// `true` at `close`.
        #[inline(always)]
        fn closed(&mut self, close: u8) -> Option<bool> {
            if self.closed_by(close)? {
                return Some(true);
            }
            self.expect(b',').map(|()| false)
        }

        /// Skips `close` after any space: `true` when it is there.
        #[inline(always)]
        fn closed_by(&mut self, close: u8) -> Option<bool> {
            self.skip_space();
            let here = self.peek()? == close;
            if here {
                self.at += 1;
            }
            Some(here)
        }

        fn object(&mut self, depth: usize) -> Option<Value> {
            let mut map = Map::new();
            let mut done = self.open(depth, b'}')?;
            while !done {
                self.skip_space();
                if self.peek()? != b'"' {
                    return None;
                }
                let key = self.string()?;
                // serde_json's marker for a number's digits: what it means
                // as a key is the strict reader's to say.
                if key == super::NUMBER_TOKEN {
                    return None;
                }
                self.expect(b':')?;
                let value = self.value(depth)?;
                match map.entry(key) {
                    Entry::Vacant(slot) => {
                        slot.insert(value);
                    }
                    // Refused by the strict reader, which says where.
                    Entry::Occupied(_) => return None,
                }
                done = self.closed(b'}')?;
            }
            Some(Value::Object(map))
        }

        fn array(&mut self, depth: usize) -> Option<Value> {
            let mut items = Vec::new();
            let mut done = self.open(depth, b']')?;
            while !done {
                items.push(self.value(depth)?);
                done = self.closed(b']')?;
            }
            Some(Value::Array(items))
        }

        /// A string, from its opening quote.
        fn string(&mut self) -> Option<String> {
            self.at += 1;
            let start = self.at;
            self.skip_plain();
            match self.peek()? {
                b'"' => {
                    let s = self.text.get(start..self.at)?.to_owned();
                    self.at += 1;
                    Some(s)
                }
                b'\\' => self.escaped(start),
                // A control character, which JSON refuses in a string.
                _ => None,
            }
        }

        /// Skips to the next quote, backslash or control character, eight
        /// bytes at a time while there are eight.
        fn skip_plain(&mut self) {
            while let Some(w) = self.eight() {
                let special = (zero_bytes(w ^ (ONES * u64::from(b'"')))
                    | zero_bytes(w ^ (ONES * u64::from(b'\\')))
                    | (w.wrapping_sub(ONES * 0x20) & !w))
                    & HIGH;
                if special != 0 {
                    // The lowest flag is at the first such byte: a false
                    // flag only ever follows a true one.
                    self.at += special.trailing_zeros() as usize / 8;
                    return;
                }
                self.at += 8;
            }
            while let Some(&b) = self.bytes.get(self.at) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    return;
                }
                self.at += 1;
            }
        }

        /// The rest of a string that holds an escape, from its first one.
        fn escaped(&mut self, start: usize) -> Option<String> {
            let mut out = self.text.get(start..self.at)?.to_owned();
            loop {
                match self.peek()? {
                    b'"' => {
                        self.at += 1;
                        return Some(out);
                    }
                    b'\\' => {
                        let code = *self.bytes.get(self.at + 1)?;
                        self.at += 2;
                        out.push(match code {
                            b'"' => '"',
                            b'\\' => '\\',
                            b'/' => '/',
                            b'b' => '\u{8}',
                            b'f' => '\u{c}',
                            b'n' => '\n',
                            b'r' => '\r',
                            b't' => '\t',
                            b'u' => self.unicode_escape()?,
                            _ => return None,
                        });
                    }
                    0..0x20 => return None,
                    _ => {
                        let run = self.at;
                        self.skip_plain();
                        out.push_str(self.text.get(run..self.at)?);
                    }
                }
            }
        }

        /// The four hex digits of a `\u` escape; a surrogate (half of a
        /// pair, or alone) is left to the strict reader.
        fn unicode_escape(&mut self) -> Option<char> {
            let hex = self.bytes.get(self.at..self.at + 4)?;
            let mut n = 0u32;
            for &h in hex {
                n = n * 16 + char::from(h).to_digit(16)?;
            }
            self.at += 4;
            char::from_u32(n)
        }

        /// A number: what serde_json makes of its text (with
        /// `arbitrary_precision`, the digits as written).
        fn number(&mut self) -> Option<Number> {
            let start = self.at;
            let negative = self.peek() == Some(b'-');
            if negative {
                self.at += 1;
            }
            match self.peek()? {
                b'0' => self.at += 1,
                b'1'..=b'9' => self.digits(),
                _ => return None,
            }
            let whole_end = self.at;
            if self.peek() == Some(b'.') {
                self.at += 1;
                self.some_digits()?;
            }
            if let Some(b'e' | b'E') = self.peek() {
                self.at += 1;
                if let Some(b'+' | b'-') = self.peek() {
                    self.at += 1;
                }
                self.some_digits()?;
            }
            let text = self.text.get(start..self.at)?;
            // No point, no exponent, up to 18 digits: an integer well inside
            // 64 bits, which serde_json keeps as u64 or i64 (`-0` aside).
            if whole_end == self.at
                && text != "-0"
                && let Some(n) = super::plain_integer(text)
            {
                return Some(Number::from(n));
            }
            self.plain_numbers = false;
            text.parse().ok()
        }

        fn digits(&mut self) {
            while let Some(b'0'..=b'9') = self.peek() {
                self.at += 1;
            }
        }

        /// At least one digit.
        fn some_digits(&mut self) -> Option<()> {
            let start = self.at;
            self.digits();
            (self.at > start).then_some(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_keys_are_refused_at_their_pointer() {
        let err = parse(br#"{"a": [1, {"b/c": 1, "b/c": 2}]}"#).unwrap_err();
        assert!(err.to_string().contains("at /a/1/b~1c"), "{err}");
        let err = parse(br#"{"a": 1, "a": 1}"#).unwrap_err();
        assert!(err.to_string().contains("\"a\" appears twice"), "{err}");
    }

    #[test]
    fn plain_integers_are_read_without_a_parser_and_nothing_else_is() {
        assert_eq!(plain_integer("0"), Some(0));
        assert_eq!(plain_integer("-12"), Some(-12));
        assert_eq!(
            plain_integer("999999999999999999"),
            Some(999_999_999_999_999_999)
        );
        assert_eq!(
            plain_integer("-999999999999999999"),
            Some(-999_999_999_999_999_999)
        );
        for text in ["1000000000000000000", "1.0", "1e5", "", "-", "+1", "--1"] {
            assert_eq!(plain_integer(text), None, "{text}");
        }
    }

    #[test]
    fn values_are_those_serde_json_reads() {
        let text = r#"{"n": [0, -0, 3.0, 18446744073709551616, 1.50, -7, "x", null, true, {}]}"#;
        let ours = parse(text.as_bytes()).unwrap();
        let theirs: Value = serde_json::from_str(text).unwrap();
        assert_eq!(ours, theirs);
        assert_eq!(ours["n"][2].to_string(), "3.0");
        assert!(parse(b"[1] x").is_err());
    }

    /// The fast reader's value, checked against the strict reader's.
    fn agrees(text: &str) -> bool {
        match fast::parse(text) {
            Some(v) => parse_strict(text.as_bytes()).ok() == Some(v),
            None => true,
        }
    }

    #[test]
    fn the_fast_reader_reads_what_the_strict_one_reads() {
        for text in [
            include_str!("../tests/fixtures/valid/seed-2020-hengyang.json"),
            include_str!("../tests/fixtures/valid/blank-totals-2019.json"),
            include_str!("../tests/fixtures/valid/huaian-2024.json"),
        ] {
            assert!(fast::parse(text).is_some());
            assert!(agrees(text));
        }
        let read = [
            r#"[0, -0, 1.50, 1E5, 1e-5, -2.5E+3, 18446744073709551615, 18446744073709551616]"#,
            r#"[-9223372036854775808, -9223372036854775809, 999999999999999999, -1, 10]"#,
            r#"{"a\"b\\c\/d\b\f\n\r\t": "\u00e9\u4E2D x \u0000", "": [], "e": {}}"#,
            " \t\r\n{ \"k\" : [ true , false , null ] } \n",
            "\"中文 text\"",
        ];
        for text in read {
            assert!(fast::parse(text).is_some(), "{text}");
            assert!(agrees(text), "{text}");
        }
        let left = [
            r#"{"a": 1, "a": 2}"#,
            r#"{"$serde_json::private::Number": "1"}"#,
            r#""\ud83d\ude00""#,
            r#""\ud800""#,
            "[1,]",
            "{\"a\":1,}",
            "01",
            "1.",
            "1e",
            "-",
            "+1",
            ".5",
            "\"a\u{1}\"",
            "\"\\x\"",
            "\"\\u12G4\"",
            "\"\\u+123\"",
            "[1] x",
            "",
            "nul",
            "[",
            "{\"a\" 1}",
        ];
        for text in left {
            assert!(fast::parse(text).is_none(), "{text}");
        }
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert!(fast::parse(&deep).is_none());
        assert!(parse(deep.as_bytes()).is_err());
    }

    proptest::proptest! {
        #[test]
        fn fast_and_strict_readers_agree(text in r#"[\[\]{}",: 0-9eE.+\-\\u/ntrfbaxDd$\t\n\x01é中]{0,40}"#) {
            proptest::prop_assert!(agrees(&text));
        }

        #[test]
        fn fast_and_strict_readers_agree_on_changed_reports(at in 0usize..15000, with in r#"[\[\]{}",: 0-9eE.\-\\u]{0,3}"#) {
            let base = include_str!("../tests/fixtures/valid/hongze-2024.json");
            let at = (0..=at.min(base.len())).rev().find(|&i| base.is_char_boundary(i)).unwrap_or(0);
            let text = format!("{}{with}{}", &base[..at], &base[at..]);
            proptest::prop_assert!(agrees(&text));
        }
    }
}
