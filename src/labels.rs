//! Comparing label text the way it is printed in real reports.
//!
//! The same label reaches us full-width (`第二十条第（一）项`) or folded to
//! half-width (`第二十条第(一)项`), with curly or straight quotes, and with
//! spaces or line breaks inside (`本年新 制作数量`, `商业` / `企业`). [`fold`]
//! makes all of these one string; [`matches`] then also accepts a label
//! followed by a parenthesised instruction (`规章(设区的市…提供)`), and
//! [`near`] accepts a printing slip of a character or two.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

/// Folds full-width ASCII to half-width, curly quotes to straight, an item
/// number's `1、` to `1.`, and drops all whitespace.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Whether the last character written is a digit.
    let mut after_digit = false;
    // Where the text not yet written starts: every character since then
    // folds to itself, and is copied in one piece when one does not.
    let mut unchanged = 0;
    for (i, c) in text.char_indices() {
        let folded = fold_char(c).map(|f| if f == '、' && after_digit { '.' } else { f });
        if folded != Some(c) {
            out.push_str(text.get(unchanged..i).unwrap_or_default());
            out.extend(folded);
            unchanged = i + c.len_utf8();
        }
        if let Some(f) = folded {
            after_digit = f.is_ascii_digit();
        }
    }
    out.push_str(text.get(unchanged..).unwrap_or_default());
    out
}

/// One character of [`fold`]; `None` for whitespace.
pub fn fold_char(c: char) -> Option<char> {
    // CJK ideographs, most of a report's text, are none of those folded.
    if ('\u{4e00}'..='\u{9fff}').contains(&c) {
        return Some(c);
    }
    if c.is_whitespace() || matches!(c, '\u{200b}' | '\u{feff}') {
        return None;
    }
    Some(match c {
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
        '“' | '”' | '„' | '‟' | '″' => '"',
        '‘' | '’' => '\'',
        '—' | '–' => '-',
        _ => c,
    })
}

/// [`fold`] of one of the layouts' own labels, computed once per process.
pub fn folded(label: &'static str) -> Cow<'static, str> {
    static INDEX: OnceLock<HashMap<&'static str, String, BuildHasherDefault<Fnv>>> =
        OnceLock::new();
    let index = INDEX.get_or_init(|| {
        crate::layout::static_labels()
            .map(|l| (l, fold(l)))
            .collect()
    });
    match index.get(label) {
        Some(f) => Cow::Borrowed(f.as_str()),
        None => Cow::Owned(fold(label)),
    }
}

/// FNV-1a, for the index of the layouts' own labels: short keys known in
/// advance, where SipHash's guard against chosen keys buys nothing.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

/// Whether printed `text` is the official `label`: equal once folded, or
/// the label followed by a parenthesised note.
pub fn matches(text: &str, label: &str) -> bool {
    matches_folded(&fold(text), &fold(label))
}

/// [`matches`] on already-folded strings.
pub fn matches_folded(text: &str, label: &str) -> bool {
    text == label
        || text
            .strip_prefix(label)
            .is_some_and(|rest| rest.starts_with('('))
}

/// Whether `text` is `label` with at most `max` characters changed, added or
/// dropped (both folded). For labels long enough that this cannot confuse two
/// of them; callers restrict the candidates to one table or group.
pub fn near(text: &str, label: &str, max: usize) -> bool {
    let a: Vec<char> = text.chars().collect();
    let b: Vec<char> = label.chars().collect();
    if b.len() < 6 || a.len().abs_diff(b.len()) > max {
        return false;
    }
    edit_distance(&a, &b) <= max
}

fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printed_forms_fold_to_one() {
        assert!(matches("第二十条第(一)项", "第二十条第（一）项"));
        assert!(matches("本年新 制作数量", "本年新制作数量"));
        assert!(matches("3.危及\"三安全一稳定\"", "3.危及“三安全一稳定”"));
        assert!(matches(
            "(二)部分公开(区分处理的,只计这一情形,不计其他情形)",
            "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
        ));
        assert!(matches("三 、本 年 度办 理 结果", "三、本年度办理结果"));
        assert!(matches(
            "1、申请人无正当理由逾期不补正",
            "1.申请人无正当理由逾期不补正"
        ));
    }

    #[test]
    fn folding_copies_what_it_does_not_change() {
        // Character by character, as `fold` is defined.
        let one_by_one = |text: &str| {
            let mut out = String::new();
            let mut after_digit = false;
            for c in text.chars().filter_map(fold_char) {
                out.push(if c == '、' && after_digit { '.' } else { c });
                after_digit = c.is_ascii_digit();
            }
            out
        };
        for text in [
            "",
            " ",
            "1、申请人 无正当理由",
            "１、全角数字１ 、后",
            "9 、7\u{3000}、“引号”‘单’—–\u{200b}\u{feff}end",
            "（二）部分公开（区分处理的）",
            "、开头",
            "a\tb\nc 、",
        ] {
            assert_eq!(fold(text), one_by_one(text), "{text:?}");
        }
    }

    #[test]
    fn instructions_after_a_label_are_allowed_but_not_other_words() {
        assert!(matches(
            "规章(设区的市、自治州人民政府应提供相关数据)",
            "规章"
        ));
        assert!(!matches("规章制度", "规章"));
        assert!(!matches("其他对外管理服务事项", "其他"));
    }

    #[test]
    fn slips_of_a_character_are_near() {
        assert!(near(
            &fold("2.其他法律行政止公开"),
            &fold("2.其他法律行政法规禁止公开"),
            3
        ));
        assert!(!near("1.属于国家秘密", "2.重复申请", 3));
        assert!(!near("其他", "其它", 1), "short labels never match loosely");
    }
}
