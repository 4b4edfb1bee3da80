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
pub fn parse(bytes: &[u8]) -> Result<Value, serde_json::Error> {
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
        let escape = |s: &str| format!("/{}", s.replace('~', "~0").replace('/', "~1"));
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
    fn values_are_those_serde_json_reads() {
        let text = r#"{"n": [0, -0, 3.0, 18446744073709551616, 1.50, -7, "x", null, true, {}]}"#;
        let ours = parse(text.as_bytes()).unwrap();
        let theirs: Value = serde_json::from_str(text).unwrap();
        assert_eq!(ours, theirs);
        assert_eq!(ours["n"][2].to_string(), "3.0");
        assert!(parse(b"[1] x").is_err());
    }
}
