//! Fonts as far as reading text needs them: how a string's bytes split into
//! character codes, each code's Unicode text, its advance width, and whether
//! the font writes vertically.
//!
//! Unicode comes from the font's `ToUnicode` CMap (`bfchar`, `bfrange`, one-
//! and two-byte codes); failing that, for a simple font, from `Encoding` and
//! its `Differences` (glyph names such as `uni4E00`, `A`, `space`), then the
//! base encoding (WinAnsi, MacRoman, Standard); for a `UCS2`/`UTF16` CMap,
//! from the code itself.

use std::collections::HashMap;

use lopdf::{Dictionary, Document, Object};

use super::Budget;
use crate::error::Error;

/// One font, parsed once per document.
#[derive(Debug, Default)]
pub struct Font {
    /// The font's name as the PDF gives it (`BaseFont`), for messages.
    pub name: String,
    /// Codes are two bytes (a Type0 font), else one.
    pub two_byte: bool,
    /// The font writes top to bottom (`Identity-V` and other `-V` CMaps).
    pub vertical: bool,
    /// Code -> text, from the ToUnicode CMap.
    to_unicode: HashMap<u32, String>,
    /// Code -> text for a simple font without (or beyond) ToUnicode.
    simple: HashMap<u32, char>,
    /// The codes are UCS-2 (a `UniGB-UCS2-H` style CMap).
    ucs2: bool,
    /// Advance widths in thousandths of the font size, by code (Type0: by
    /// CID, which equals the code for Identity CMaps).
    widths: HashMap<u32, f32>,
    default_width: f32,
    /// Vertical advance in thousandths (negative: downwards).
    vertical_advance: f32,
    /// Glyph space -> text space scale (0.001, or a Type3 font's matrix).
    pub scale: f32,
}

/// What a code reads as.
pub enum Decoded<'a> {
    Text(&'a str),
    Char(char),
    /// The font gives no Unicode for this code.
    Unknown,
}

impl Font {
    pub fn load(doc: &Document, dict: &Dictionary, budget: &mut Budget) -> Result<Font, Error> {
        let subtype = name_of(doc, dict.get(b"Subtype").ok()).unwrap_or_default();
        let mut font = Font {
            name: name_of(doc, dict.get(b"BaseFont").ok()).unwrap_or_else(|| subtype.clone()),
            default_width: 0.0,
            vertical_advance: -1000.0,
            scale: 0.001,
            ..Font::default()
        };
        if let Ok(Object::Stream(s)) = deref(doc, dict.get(b"ToUnicode").ok()) {
            let data = budget.decode(s)?;
            font.to_unicode = parse_cmap(&data);
        }
        if subtype == "Type0" {
            font.two_byte = true;
            let encoding = name_of(doc, dict.get(b"Encoding").ok()).unwrap_or_default();
            font.vertical = encoding.ends_with("-V");
            font.ucs2 = encoding.contains("UCS2") || encoding.contains("UTF16");
            font.default_width = 1000.0;
            let descendant = match deref(doc, dict.get(b"DescendantFonts").ok()) {
                Ok(Object::Array(a)) => a.first().and_then(|d| deref(doc, Some(d)).ok()),
                _ => None,
            };
            if let Some(Object::Dictionary(d)) = descendant {
                if let Some(w) = number(doc, d.get(b"DW").ok()) {
                    font.default_width = w;
                }
                if let Ok(Object::Array(dw2)) = deref(doc, d.get(b"DW2").ok())
                    && let Some(v) = dw2.get(1).and_then(|o| number(doc, Some(o)))
                {
                    font.vertical_advance = v;
                }
                if let Ok(Object::Array(w)) = deref(doc, d.get(b"W").ok()) {
                    read_cid_widths(doc, w, &mut font.widths);
                }
            }
            return Ok(font);
        }
        // A simple font: one-byte codes.
        let first = number(doc, dict.get(b"FirstChar").ok()).unwrap_or(0.0) as u32;
        if let Ok(Object::Array(ws)) = deref(doc, dict.get(b"Widths").ok()) {
            for (i, w) in ws.iter().enumerate().take(256) {
                if let Some(w) = number(doc, Some(w)) {
                    font.widths.insert(first.saturating_add(i as u32), w);
                }
            }
        }
        if let Ok(Object::Dictionary(fd)) = deref(doc, dict.get(b"FontDescriptor").ok())
            && let Some(w) = number(doc, fd.get(b"MissingWidth").ok())
        {
            font.default_width = w;
        }
        if font.widths.is_empty() && font.default_width == 0.0 {
            // A standard 14 font without widths: half an em is near enough
            // to place its glyphs in cells.
            font.default_width = 500.0;
        }
        if subtype == "Type3"
            && let Ok(Object::Array(m)) = deref(doc, dict.get(b"FontMatrix").ok())
            && let Some(a) = m.first().and_then(|o| number(doc, Some(o)))
            && a.is_finite()
            && a != 0.0
        {
            font.scale = a.abs();
        }
        font.simple = simple_encoding(doc, dict.get(b"Encoding").ok(), &subtype);
        Ok(font)
    }

    /// Splits a shown string into codes.
    pub fn codes<'s>(&self, bytes: &'s [u8]) -> impl Iterator<Item = (u32, bool)> + 's {
        let two = self.two_byte;
        let step = if two { 2 } else { 1 };
        bytes.chunks(step).map(move |c| {
            let code = c.iter().fold(0u32, |a, &b| (a << 8) | u32::from(b));
            // Word spacing applies to the single-byte code 32 only.
            (code, !two && code == 32)
        })
    }

    pub fn decode(&self, code: u32) -> Decoded<'_> {
        if let Some(s) = self.to_unicode.get(&code) {
            return Decoded::Text(s);
        }
        if let Some(&c) = self.simple.get(&code) {
            return Decoded::Char(c);
        }
        if self.ucs2
            && let Some(c) = char::from_u32(code)
        {
            return Decoded::Char(c);
        }
        Decoded::Unknown
    }

    /// Horizontal advance of a code, in text space units per unit of size.
    pub fn width(&self, code: u32) -> f32 {
        self.widths
            .get(&code)
            .copied()
            .unwrap_or(self.default_width)
            * self.scale
    }

    /// Vertical advance (negative: downwards), per unit of size.
    pub fn vertical_advance(&self) -> f32 {
        self.vertical_advance * 0.001
    }
}

pub fn deref<'a>(doc: &'a Document, obj: Option<&'a Object>) -> Result<&'a Object, ()> {
    let obj = obj.ok_or(())?;
    doc.dereference(obj).map(|(_, o)| o).map_err(|_| ())
}

pub fn name_of(doc: &Document, obj: Option<&Object>) -> Option<String> {
    match deref(doc, obj).ok()? {
        Object::Name(n) => Some(String::from_utf8_lossy(n).into_owned()),
        _ => None,
    }
}

pub fn number(doc: &Document, obj: Option<&Object>) -> Option<f32> {
    match deref(doc, obj).ok()? {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) if r.is_finite() => Some(*r),
        _ => None,
    }
}

/// Most codes one `W` range may cover: a CJK font has about 30,000 glyphs.
const MAX_WIDTH_RANGE: u32 = 65_536;

/// `W`: `c [w1 w2 …]` and `c_first c_last w` entries.
fn read_cid_widths(doc: &Document, w: &[Object], out: &mut HashMap<u32, f32>) {
    let mut i = 0;
    while i < w.len() {
        let Some(first) = number(doc, w.get(i)) else {
            return;
        };
        let first = first.max(0.0) as u32;
        match deref(doc, w.get(i + 1)) {
            Ok(Object::Array(list)) => {
                for (k, v) in list.iter().enumerate().take(MAX_WIDTH_RANGE as usize) {
                    if let Some(v) = number(doc, Some(v)) {
                        out.insert(first.saturating_add(k as u32), v);
                    }
                }
                i += 2;
            }
            _ => {
                let (Some(last), Some(v)) = (number(doc, w.get(i + 1)), number(doc, w.get(i + 2)))
                else {
                    return;
                };
                let last = (last.max(0.0) as u32).min(first.saturating_add(MAX_WIDTH_RANGE));
                for c in first..=last {
                    out.insert(c, v);
                }
                i += 3;
            }
        }
    }
}

/// A simple font's code -> character map from its `Encoding`.
fn simple_encoding(doc: &Document, enc: Option<&Object>, subtype: &str) -> HashMap<u32, char> {
    let (base, differences) = match deref(doc, enc) {
        Ok(Object::Name(n)) => (Some(n.clone()), None),
        Ok(Object::Dictionary(d)) => (
            name_of(doc, d.get(b"BaseEncoding").ok()).map(String::into_bytes),
            match deref(doc, d.get(b"Differences").ok()) {
                Ok(Object::Array(a)) => Some(a),
                _ => None,
            },
        ),
        _ => (None, None),
    };
    let mut map = HashMap::new();
    // The base: WinAnsi and MacRoman through their code pages; Standard
    // (and a symbolic font with none) as ASCII for the printable range.
    let table = match base.as_deref() {
        Some(b"WinAnsiEncoding") => Some(encoding_rs::WINDOWS_1252),
        Some(b"MacRomanEncoding") => Some(encoding_rs::MACINTOSH),
        _ => None,
    };
    if subtype != "Type3" || table.is_some() {
        for code in 32u8..=255 {
            let c = match table {
                Some(t) => t.decode_without_bom_handling(&[code]).0.chars().next(),
                None if code < 127 => Some(code as char),
                None => None,
            };
            if let Some(c) = c.filter(|c| *c != '\u{FFFD}') {
                map.insert(u32::from(code), c);
            }
        }
    }
    if let Some(diffs) = differences {
        let mut code = 0u32;
        for d in diffs {
            match d {
                Object::Integer(i) => code = (*i).clamp(0, 255) as u32,
                Object::Name(n) => {
                    match glyph_char(n) {
                        Some(c) => map.insert(code, c),
                        None => map.remove(&code),
                    };
                    code = code.saturating_add(1);
                }
                _ => {}
            }
        }
    }
    map
}

/// A glyph name's character: `uniXXXX`, `uXXXX[XX]`, single letters and
/// digits, and the common Latin and punctuation names.
fn glyph_char(name: &[u8]) -> Option<char> {
    let s = std::str::from_utf8(name).ok()?;
    let s = s.split('.').next().unwrap_or(s);
    if let Some(hex) = s.strip_prefix("uni")
        && hex.len() >= 4
    {
        return u32::from_str_radix(hex.get(..4)?, 16)
            .ok()
            .and_then(char::from_u32);
    }
    if let Some(hex) = s.strip_prefix('u')
        && (4..=6).contains(&hex.len())
        && hex.chars().all(|c| c.is_ascii_hexdigit())
    {
        return u32::from_str_radix(hex, 16).ok().and_then(char::from_u32);
    }
    let mut chars = s.chars();
    if let (Some(c), None) = (chars.next(), chars.clone().next())
        && c.is_ascii_alphanumeric()
    {
        return Some(c);
    }
    let c = match s {
        "space" | "nbspace" => ' ',
        "zero" => '0',
        "one" => '1',
        "two" => '2',
        "three" => '3',
        "four" => '4',
        "five" => '5',
        "six" => '6',
        "seven" => '7',
        "eight" => '8',
        "nine" => '9',
        "period" => '.',
        "comma" => ',',
        "colon" => ':',
        "semicolon" => ';',
        "hyphen" | "minus" => '-',
        "endash" => '–',
        "emdash" => '—',
        "slash" => '/',
        "percent" => '%',
        "parenleft" => '(',
        "parenright" => ')',
        "bracketleft" => '[',
        "bracketright" => ']',
        "quotesingle" => '\'',
        "quotedbl" => '"',
        "quoteleft" => '‘',
        "quoteright" => '’',
        "quotedblleft" => '“',
        "quotedblright" => '”',
        "exclam" => '!',
        "question" => '?',
        "at" => '@',
        "ampersand" => '&',
        "numbersign" => '#',
        "dollar" => '$',
        "asterisk" => '*',
        "plus" => '+',
        "equal" => '=',
        "less" => '<',
        "greater" => '>',
        "underscore" => '_',
        "bullet" => '•',
        "yen" => '¥',
        _ => return None,
    };
    Some(c)
}

/// Parses the `bfchar` and `bfrange` sections of a ToUnicode CMap.
pub fn parse_cmap(data: &[u8]) -> HashMap<u32, String> {
    let mut map = HashMap::new();
    let mut tokens = Tokens { data, at: 0 };
    #[derive(PartialEq)]
    enum Mode {
        None,
        Char,
        Range,
    }
    let mut mode = Mode::None;
    let mut pending: Vec<Token> = Vec::new();
    while let Some(t) = tokens.next() {
        match t {
            Token::Word(w) => {
                match w {
                    b"beginbfchar" => mode = Mode::Char,
                    b"beginbfrange" => mode = Mode::Range,
                    b"endbfchar" | b"endbfrange" => mode = Mode::None,
                    _ => {}
                }
                pending.clear();
            }
            t if mode != Mode::None => {
                pending.push(t);
                match (&mode, pending.as_slice()) {
                    (Mode::Char, [Token::Hex(src), Token::Hex(dst)]) => {
                        map.insert(code_of(src), utf16(dst));
                        pending.clear();
                    }
                    (Mode::Range, [Token::Hex(lo), Token::Hex(hi), Token::Hex(dst)]) => {
                        let (lo, hi) = (code_of(lo), code_of(hi));
                        let base = utf16_units(dst);
                        for (k, code) in (lo..=hi.min(lo.saturating_add(0xFFFF))).enumerate() {
                            let mut units = base.clone();
                            if let Some(last) = units.last_mut() {
                                *last = last.wrapping_add(k as u16);
                            }
                            map.insert(code, String::from_utf16_lossy(&units));
                        }
                        pending.clear();
                    }
                    (Mode::Range, [Token::Hex(lo), Token::Hex(_), Token::Array(list)]) => {
                        let lo = code_of(lo);
                        for (k, dst) in list.iter().enumerate() {
                            map.insert(lo.saturating_add(k as u32), utf16(dst));
                        }
                        pending.clear();
                    }
                    (_, p) if p.len() >= 3 => pending.clear(),
                    _ => {}
                }
            }
            _ => {}
        }
    }
    map
}

fn code_of(bytes: &[u8]) -> u32 {
    bytes
        .iter()
        .take(4)
        .fold(0u32, |a, &b| (a << 8) | u32::from(b))
}

fn utf16_units(bytes: &[u8]) -> Vec<u16> {
    bytes
        .chunks(2)
        .map(|c| match c {
            [a, b] => u16::from_be_bytes([*a, *b]),
            [a] => u16::from(*a),
            _ => 0,
        })
        .collect()
}

fn utf16(bytes: &[u8]) -> String {
    String::from_utf16_lossy(&utf16_units(bytes))
}

enum Token<'a> {
    Hex(Vec<u8>),
    Array(Vec<Vec<u8>>),
    Word(&'a [u8]),
    Other,
}

/// The few PostScript tokens a CMap's mapping sections use.
struct Tokens<'a> {
    data: &'a [u8],
    at: usize,
}

impl<'a> Tokens<'a> {
    fn next(&mut self) -> Option<Token<'a>> {
        let d = self.data;
        while self.at < d.len() && (d[self.at].is_ascii_whitespace() || d[self.at] == 0) {
            self.at += 1;
        }
        let c = *d.get(self.at)?;
        match c {
            b'<' if d.get(self.at + 1) == Some(&b'<') => {
                self.at += 2;
                Some(Token::Other)
            }
            b'<' => Some(Token::Hex(self.hex())),
            b'[' => {
                self.at += 1;
                let mut list = Vec::new();
                loop {
                    while self.at < d.len() && d[self.at].is_ascii_whitespace() {
                        self.at += 1;
                    }
                    match d.get(self.at) {
                        Some(b'<') => list.push(self.hex()),
                        Some(b']') => {
                            self.at += 1;
                            break;
                        }
                        None => break,
                        Some(_) => self.at += 1,
                    }
                }
                Some(Token::Array(list))
            }
            b'%' => {
                while self.at < d.len() && d[self.at] != b'\n' && d[self.at] != b'\r' {
                    self.at += 1;
                }
                Some(Token::Other)
            }
            b'(' => {
                // A literal string (CMapName and the like); skipped.
                let mut depth = 0;
                while let Some(&b) = d.get(self.at) {
                    self.at += 1;
                    match b {
                        b'\\' => self.at += 1,
                        b'(' => depth += 1,
                        b')' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                Some(Token::Other)
            }
            _ => {
                let start = self.at;
                while self.at < d.len()
                    && !d[self.at].is_ascii_whitespace()
                    && !matches!(d[self.at], b'<' | b'[' | b'(' | b'%' | b'/')
                    || self.at == start
                {
                    self.at += 1;
                }
                Some(Token::Word(&d[start..self.at]))
            }
        }
    }

    /// `<4E00>`: hex digits, whitespace ignored, an odd last digit padded.
    fn hex(&mut self) -> Vec<u8> {
        let d = self.data;
        self.at += 1;
        let mut out = Vec::new();
        let mut half: Option<u8> = None;
        while let Some(&b) = d.get(self.at) {
            self.at += 1;
            if b == b'>' {
                break;
            }
            let Some(v) = (b as char).to_digit(16) else {
                continue;
            };
            match half.take() {
                Some(h) => out.push((h << 4) | v as u8),
                None => half = Some(v as u8),
            }
        }
        if let Some(h) = half {
            out.push(h << 4);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cmap_chars_and_ranges() {
        let cmap = b"/CIDInit /ProcSet findresource begin\n2 beginbfchar\n<0003> <0020>\n<01A2><4E00>\nendbfchar\n1 beginbfrange\n<0010> <0012> <0041>\nendbfrange\n1 beginbfrange <20> <21> [<0031> <00320033>] endbfrange";
        let m = parse_cmap(cmap);
        assert_eq!(m[&3], " ");
        assert_eq!(m[&0x1A2], "一");
        assert_eq!(m[&0x12], "C");
        assert_eq!(m[&0x21], "23");
    }

    #[test]
    fn glyph_names() {
        assert_eq!(glyph_char(b"uni4E00"), Some('一'));
        assert_eq!(glyph_char(b"u1F600"), Some('😀'));
        assert_eq!(glyph_char(b"A"), Some('A'));
        assert_eq!(glyph_char(b"two.alt"), Some('2'));
        assert_eq!(glyph_char(b"g123"), None);
    }
}
