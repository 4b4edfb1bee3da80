//! The recognizer: the only code that knows what a report looks like.
//!
//! It turns a reader's generic [`Doc`] into a [`Report`]:
//!
//! 1. Page chrome is dropped and the title, preamble and six sections are
//!    found by their headings, tolerating the printed variants (a missing
//!    numeral, the wording of Art. 50 of the Regulation).
//! 2. Each table is told apart by its content (第二十条 blocks, the 申请人情况
//!    header, the 行政复议 header), wherever it stands.
//! 3. Every table cell is placed by its row and column labels (see
//!    [`tables`]), never by its position alone; the edition is decided per
//!    table 2 block and for table 3 from the labels printed.
//!
//! Whatever cannot be placed is reported as a warning with its location; no
//! number is dropped silently and none is invented.

mod tables;

use std::collections::BTreeMap;

use crate::doc::{Block as DocBlock, Doc, Loc, Paragraph, Table};
use crate::finding::{Finding, Severity};
use crate::labels::fold;
use crate::layout::{Place, TableId};
use crate::model::{
    Block, Meta, Report, Sections, Source, SourceFormat, TableSection, TextSection,
};

/// What the caller knows that the document may not say.
#[derive(Clone, Debug, Default)]
pub struct Hints {
    /// The source file's name (no folder).
    pub file: Option<String>,
    pub format: Option<SourceFormat>,
    /// Overrides for what the document lacks or states wrongly.
    pub agency: Option<String>,
    pub year: Option<i32>,
    pub title: Option<String>,
}

/// A recognized report, what could not be placed, and where each value
/// came from.
#[derive(Debug)]
pub struct Recognized {
    pub report: Report,
    /// Warnings about the reading itself (`kind: "read"`).
    pub findings: Vec<Finding>,
    /// JSON pointer of each table cell -> its place in the source.
    pub sources: BTreeMap<&'static str, Loc>,
}

/// The six sections, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Sec {
    Overview,
    Proactive,
    Applications,
    Reviews,
    Problems,
    Other,
}

const SECTIONS: [Sec; 6] = [
    Sec::Overview,
    Sec::Proactive,
    Sec::Applications,
    Sec::Reviews,
    Sec::Problems,
    Sec::Other,
];

impl Sec {
    fn numeral(self) -> char {
        ['一', '二', '三', '四', '五', '六'][self as usize]
    }

    /// Words that identify the heading, however it is numbered or phrased.
    fn keywords(self) -> &'static [&'static str] {
        match self {
            Sec::Overview => &["总体情况"],
            Sec::Proactive => &["主动公开政府信息"],
            Sec::Applications => &["收到和处理政府信息公开申请"],
            Sec::Reviews => &["行政复议", "行政诉讼"],
            Sec::Problems => &["存在的主要问题"],
            Sec::Other => &["其他需要报告的事项"],
        }
    }

    fn table(self) -> Option<TableId> {
        match self {
            Sec::Proactive => Some(TableId::Proactive),
            Sec::Applications => Some(TableId::Applications),
            Sec::Reviews => Some(TableId::Reviews),
            _ => None,
        }
    }

    fn of_table(t: TableId) -> Sec {
        match t {
            TableId::Proactive => Sec::Proactive,
            TableId::Applications => Sec::Applications,
            TableId::Reviews => Sec::Reviews,
        }
    }
}

/// Longest text (in characters) a section heading may have; a preamble that
/// lists the six parts is a paragraph, not a heading.
const MAX_HEADING_CHARS: usize = 40;
/// Longest sub-heading (`（一）强化领导，全面推进。`) kept as a heading block
/// rather than a paragraph.
const MAX_SUBHEADING_CHARS: usize = 30;

/// Which of the six sections (0-based) a line heads, if it is a section
/// heading; for readers that need to find the report on a page.
pub fn section_number(text: &str) -> Option<usize> {
    section_heading(text).map(|s| s as usize)
}

/// Whether `text` has at most `max` characters besides whitespace; stops
/// counting early, so that long paragraphs cost nothing here.
fn at_most(text: &str, max: usize) -> bool {
    // Every character is a byte at least.
    if text.len() <= max {
        return true;
    }
    text.chars()
        .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c) || !c.is_whitespace())
        .nth(max)
        .is_none()
}

/// Which section a paragraph heads, if it is a section heading.
/// Which of the six sections (0-based) a heading paragraph opens, if any.
pub fn section_index(text: &str) -> Option<usize> {
    section_heading(text).map(|s| s as usize)
}

/// One character of each section's keywords, which [`fold`] leaves as it
/// is: a text with none of them heads no section.
const HEADING_CHARS: [char; 6] = ['情', '主', '申', '复', '问', '事'];

fn section_heading(text: &str) -> Option<Sec> {
    if !at_most(text, MAX_HEADING_CHARS) || !text.contains(HEADING_CHARS) {
        return None;
    }
    let f = fold(text);
    let (numeral, rest) = match f.char_indices().nth(1) {
        Some((i, '、')) => (f.chars().next(), &f[i + '、'.len_utf8()..]),
        _ => match f.strip_prefix('、') {
            Some(rest) => (None, rest),
            None => (None, f.as_str()),
        },
    };
    let has = |s: Sec| s.keywords().iter().all(|k| rest.contains(k));
    match numeral {
        Some(n) => SECTIONS.into_iter().find(|s| s.numeral() == n && has(*s)),
        None if rest.len() < f.len() => SECTIONS.into_iter().find(|s| has(*s)),
        // Unnumbered: only the exact official wording.
        None => SECTIONS
            .into_iter()
            .find(|s| unnumbered_titles().get(*s as usize) == Some(&f)),
    }
}

/// Each section's official heading without its numeral, folded once per
/// process.
fn unnumbered_titles() -> &'static [String] {
    static TITLES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    TITLES.get_or_init(|| {
        crate::layout::SECTION_HEADINGS
            .iter()
            .map(|h| {
                h.split_once('、')
                    .map_or_else(String::new, |(_, t)| fold(t))
            })
            .collect()
    })
}

/// Lines a web page adds around the report.
const CHROME: &[&str] = &[
    "扫一扫在手机打开当前页",
    "打印本页",
    "【打印本页】",
    "关闭窗口",
    "【关闭窗口】",
    "【打印本页】【关闭窗口】",
    "【打印】【关闭】",
    "【打印】",
    "【关闭】",
    "分享到:",
    "分享到",
];

fn is_chrome(text: &str) -> bool {
    if !at_most(text, 20) {
        return false;
    }
    static FOLDED: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    let chrome = FOLDED.get_or_init(|| CHROME.iter().map(|c| fold(c)).collect());
    let f = fold(text);
    chrome.contains(&f)
}

/// Strips chrome glued to the end of a paragraph.
fn strip_chrome(text: &str) -> &str {
    let t = text.trim_end();
    for c in CHROME {
        if let Some(rest) = t.strip_suffix(c)
            && !rest.trim().is_empty()
        {
            return rest.trim_end();
        }
    }
    t
}

/// Cuts a long paragraph where an official section heading stands inside
/// it: text whose line breaks were lost runs the whole report together
/// (`…问责。 二、主动公开政府信息情况第二十条第（一）项…`).
fn split_at_headings(text: &str) -> Vec<&str> {
    if text.len() <= MAX_HEADING_CHARS || text.chars().count() <= MAX_HEADING_CHARS {
        return vec![text];
    }
    let mut pieces = Vec::new();
    let mut rest = text;
    loop {
        // Every heading is a numeral 一 to 六 and `、`: text without one
        // holds none, and is not searched for each.
        if !has_numbered_item(rest) {
            break;
        }
        let next = crate::layout::SECTION_HEADINGS
            .iter()
            .filter_map(|h| rest.find(h).map(|i| (i, *h)))
            .min_by_key(|(i, _)| *i);
        let Some((i, heading)) = next else {
            break;
        };
        let before = rest[..i].trim();
        if !before.is_empty() {
            pieces.push(before);
        }
        pieces.push(&rest[i..i + heading.len()]);
        rest = rest[i + heading.len()..].trim_start();
    }
    if !rest.trim().is_empty() {
        pieces.push(rest.trim_end());
    }
    pieces
}

/// Whether `text` holds `一、` … `六、` anywhere.
fn has_numbered_item(text: &str) -> bool {
    text.match_indices('、').any(|(i, _)| {
        text[..i]
            .chars()
            .next_back()
            .is_some_and(|c| SECTIONS.iter().any(|s| s.numeral() == c))
    })
}

fn is_subheading(level: Option<u8>, text: &str) -> bool {
    if level.is_some() {
        return true;
    }
    if !at_most(text, MAX_SUBHEADING_CHARS) {
        return false;
    }
    let f = fold(text);
    let inner = match f.strip_prefix('(') {
        Some(rest) => rest.split_once(')').map(|(n, _)| n),
        None => None,
    };
    inner.is_some_and(|n| !n.is_empty() && n.chars().all(is_cjk_numeral))
}

fn is_cjk_numeral(c: char) -> bool {
    "一二三四五六七八九十".contains(c)
}

/// Something in a section, in document order.
enum Item<'d> {
    Para(&'d Paragraph, String),
    Table(&'d Table, tables::Folded),
}

#[derive(Default)]
struct SectionBuf<'d> {
    heading: Option<String>,
    items: Vec<Item<'d>>,
}

/// The document cut into its parts, before any table is read.
#[derive(Default)]
struct Outline<'d> {
    title: Option<String>,
    preamble: Vec<(&'d Paragraph, String)>,
    sections: [Option<SectionBuf<'d>>; 6],
}

/// Recognizes a report in a document.
pub fn recognize(doc: &Doc, hints: &Hints) -> Recognized {
    // What the reader was unsure of comes first, as reading warnings.
    let mut findings: Vec<Finding> = doc
        .notes
        .iter()
        .map(|n| read_warning(n.code, None, n.loc, n.message.clone()))
        .collect();
    let mut sources = tables::Sources::new();
    let mut outline = outline(doc, &mut findings);

    let mut out = Sections::default();
    for sec in SECTIONS {
        let Some(buf) = outline.sections[sec as usize].take() else {
            findings.push(read_warning(
                "section",
                None,
                Loc::Unknown,
                format!(
                    "no section {} was found",
                    crate::layout::SECTION_HEADINGS[sec as usize]
                ),
            ));
            continue;
        };
        let Some(id) = sec.table() else {
            let section = text_section(buf);
            match sec {
                Sec::Overview => out.overview = Some(section),
                Sec::Problems => out.problems = Some(section),
                _ => out.other = Some(section),
            }
            continue;
        };
        let SectionBuf { heading, items } = buf;
        let (body, recognized, notes) = table_section(id, items, &mut findings, &mut sources);
        match recognized {
            tables::AnyTable::T2(table) => {
                out.proactive = Some(TableSection {
                    heading,
                    body,
                    table,
                    notes,
                })
            }
            tables::AnyTable::T3(table) => {
                out.applications = Some(TableSection {
                    heading,
                    body,
                    table,
                    notes,
                })
            }
            tables::AnyTable::T4(table) => {
                out.reviews = Some(TableSection {
                    heading,
                    body,
                    table,
                    notes,
                })
            }
        }
    }

    let preamble: Vec<Block> = outline
        .preamble
        .iter()
        .map(|(p, t)| text_block(p, t))
        .collect();
    let meta = metadata(doc, hints, outline.title, &preamble, &mut findings);
    Recognized {
        report: Report {
            schema: None,
            meta,
            preamble,
            sections: out,
            sources: BTreeMap::new(),
        },
        findings,
        // Sorting runs already in order, the map is built without a search
        // per entry; of equal pointers the last recorded is kept, as when
        // each is inserted in turn.
        sources: sources.into_iter().collect(),
    }
}

/// Title, preamble and the six sections, each with its paragraphs and
/// tables in order. Chrome is dropped here; a table goes to the section its
/// content names, wherever it stands.
fn outline<'d>(doc: &'d Doc, findings: &mut Vec<Finding>) -> Outline<'d> {
    let mut o = Outline::default();
    let mut current: Option<Sec> = None;
    for block in &doc.blocks {
        match block {
            DocBlock::Paragraph(p) => {
                for text in split_at_headings(&p.text) {
                    if is_chrome(text) {
                        continue;
                    }
                    let text = strip_chrome(text).to_owned();
                    if let Some(sec) = section_heading(&text)
                        && o.sections[sec as usize].is_none()
                    {
                        o.sections[sec as usize] = Some(SectionBuf {
                            heading: Some(text),
                            items: Vec::new(),
                        });
                        current = Some(sec);
                        continue;
                    }
                    match current {
                        None if o.title.is_none()
                            && o.preamble.is_empty()
                            && (p.level == Some(0) || is_title(&text)) =>
                        {
                            o.title = Some(text);
                        }
                        None => o.preamble.push((p, text)),
                        Some(sec) => o.sections[sec as usize]
                            .get_or_insert_with(SectionBuf::default)
                            .items
                            .push(Item::Para(p, text)),
                    }
                }
            }
            DocBlock::Table(t) => {
                let (id, folded) = tables::identify(t);
                let sec = id
                    .map(Sec::of_table)
                    .or(current.filter(|s| s.table().is_some()));
                match sec {
                    Some(sec) => o.sections[sec as usize]
                        .get_or_insert_with(SectionBuf::default)
                        .items
                        .push(Item::Table(t, folded)),
                    None => findings.push(read_warning(
                        "table",
                        None,
                        first_loc(t),
                        format!(
                            "a table of {} cells that is none of the three official tables was left out",
                            t.cell_count()
                        ),
                    )),
                }
            }
        }
    }
    o
}

fn text_section(buf: SectionBuf) -> TextSection {
    let body = buf
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Para(p, text) => Some(text_block(p, text)),
            Item::Table(..) => None,
        })
        .collect();
    TextSection {
        heading: buf.heading,
        body,
    }
}

/// A table section: the text before its table, the table read, and the
/// text after it (including stream paragraphs the table did not use).
fn table_section<'d>(
    id: TableId,
    items: Vec<Item<'d>>,
    findings: &mut Vec<Finding>,
    sources: &mut tables::Sources,
) -> (Vec<Block>, tables::AnyTable, Vec<Block>) {
    let mut t = tables::TableInput::new(id);
    let mut body = Vec::new();
    let mut notes = Vec::new();
    let mut seen_table = false;
    for item in items {
        match item {
            Item::Table(table, folded) => {
                t.push_table(table, folded);
                seen_table = true;
            }
            Item::Para(p, text) if seen_table => notes.push((p, text)),
            Item::Para(p, text) => body.push((p, text)),
        }
    }
    // No table markup: the cells may be paragraphs (one cell per line) or
    // run together in one paragraph.
    if !seen_table {
        let (before, cells) = tables::split_stream(id, &body);
        body.truncate(before);
        t.push_stream(&cells);
    }
    let recognized = t.recognize(findings, sources);
    // Text the table reader did not use stays text, after it.
    notes.splice(
        0..0,
        recognized.leftover.iter().map(|(p, s)| (*p, s.clone())),
    );
    let blocks = |items: &[(&Paragraph, String)]| -> Vec<Block> {
        items.iter().map(|(p, s)| text_block(p, s)).collect()
    };
    (blocks(&body), recognized.table, blocks(&notes))
}

fn text_block(p: &Paragraph, text: &str) -> Block {
    if !p.body && is_subheading(p.level, text) {
        Block::heading(text)
    } else {
        Block::paragraph(text)
    }
}

fn is_title(text: &str) -> bool {
    if !at_most(text, 60) {
        return false;
    }
    let f = fold(text);
    f.contains("年度报告") && !f.contains("本报告")
}

fn first_loc(t: &Table) -> Loc {
    t.rows
        .iter()
        .flatten()
        .next()
        .map(|c| c.loc)
        .unwrap_or_default()
}

/// A warning about the reading itself.
pub(crate) fn read_warning(code: &str, place: Option<Place>, loc: Loc, message: String) -> Finding {
    Finding {
        place,
        source: (loc != Loc::Unknown).then(|| loc.to_string()),
        ..Finding::new("read", code, Severity::Warning, "", message)
    }
}

/// Title, agency, year and date: from the caller, then the document's own
/// text, then what the reader found around it (an HTML page's metadata).
fn metadata(
    doc: &Doc,
    hints: &Hints,
    title: Option<String>,
    preamble: &[Block],
    findings: &mut Vec<Finding>,
) -> Meta {
    let source = hints.format.map(|format| Source {
        file: hints.file.clone(),
        format,
    });
    // What the file declares outright is not second-guessed from its text,
    // unless the text was changed since: a declared title that is not the
    // printed one means the document was edited after it was written.
    if let Some(d) = &doc.declared {
        if d.title == title {
            return Meta {
                title: hints.title.clone().or_else(|| d.title.clone()),
                agency: hints.agency.clone().or_else(|| d.agency.clone()),
                year: hints.year.or(d.year),
                published: d.published.clone(),
                source,
            };
        }
        findings.push(read_warning(
            "meta",
            None,
            Loc::Unknown,
            format!(
                "the document's {} property gives the title {:?}, but the title printed is {:?}: edited since it was written? The metadata is read from the text instead",
                crate::read::docx::DECLARED_PROPERTY,
                d.title.as_deref().unwrap_or(""),
                title.as_deref().unwrap_or("")
            ),
        ));
    }
    let title = hints
        .title
        .clone()
        .or(title)
        .or_else(|| doc.meta.title.clone());
    let from_title = title.as_deref().and_then(split_title);
    // A page's own 发布机构 field says it outright; the title only implies it.
    let agency = hints
        .agency
        .clone()
        .or_else(|| doc.meta.agency.clone())
        .or_else(|| from_title.as_ref().map(|(a, _)| a.clone()));
    let year = hints
        .year
        .or_else(|| from_title.as_ref().map(|(_, y)| *y))
        .or_else(|| preamble.iter().find_map(|b| statistics_year(&b.text)));
    let published = preamble
        .iter()
        .find_map(|b| date_line(&b.text))
        .or_else(|| doc.meta.published.clone());
    Meta {
        title,
        agency,
        year,
        published,
        source,
    }
}

/// `淮安市人民政府2024年政府信息公开工作年度报告` -> (`淮安市人民政府`, 2024).
fn split_title(title: &str) -> Option<(String, i32)> {
    let chars: Vec<char> = title.chars().collect();
    for i in 0..chars.len().saturating_sub(4) {
        let digits: String = chars[i..i + 4].iter().collect();
        if digits.chars().all(|c| c.is_ascii_digit()) && chars.get(i + 4) == Some(&'年') {
            let year: i32 = digits.parse().ok()?;
            let agency: String = chars[..i].iter().collect();
            let agency = agency.trim();
            return (!agency.is_empty() && (2000..=2100).contains(&year))
                .then(|| (agency.to_owned(), year));
        }
    }
    None
}

/// The year of `统计期限自2020年1月1日起至2020年12月31日止`.
fn statistics_year(text: &str) -> Option<i32> {
    if !text.contains("1月1日") && !text.contains('１') && !text.contains("1 月") {
        return None;
    }
    let f = fold(text);
    let i = f.find("年1月1日")?;
    let year: String = f[..i]
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    year.parse().ok().filter(|y| (2000..=2100).contains(y))
}

/// A paragraph that is only a date, such as `(2021年1 月25日)`.
fn date_line(text: &str) -> Option<String> {
    if !at_most(text, 20) {
        return None;
    }
    let f = fold(text);
    let inner = f.trim_start_matches('(').trim_end_matches(')');
    let is_date = inner.ends_with('日')
        && inner.contains('年')
        && inner.contains('月')
        && inner
            .chars()
            .all(|c| c.is_ascii_digit() || "年月日".contains(c));
    is_date.then(|| crate::read::iso_date(inner)).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_are_found_in_their_printed_variants() {
        assert_eq!(section_heading("一、总体情况"), Some(Sec::Overview));
        assert_eq!(
            section_heading("、主动公开政府信息情况"),
            Some(Sec::Proactive)
        );
        assert_eq!(
            section_heading("四、政府信息公开行政复议、行政诉讼情况"),
            Some(Sec::Reviews)
        );
        assert_eq!(
            section_heading("五、政府信息公开工作存在的主要问题及改进情况"),
            Some(Sec::Problems)
        );
        assert_eq!(section_heading("四、结转下年度继续办理"), None);
        assert_eq!(
            section_heading("二、总体情况"),
            None,
            "numeral and words disagree"
        );
        assert_eq!(section_heading("（二）主动公开政府信息情况"), None);
        assert_eq!(section_heading("其他需要报告的事项"), Some(Sec::Other));
    }

    #[test]
    fn every_heading_has_a_character_looked_for() {
        for sec in SECTIONS {
            let title = crate::layout::SECTION_HEADINGS[sec as usize];
            assert!(title.contains(HEADING_CHARS), "{title}");
            // A heading holds all of its section's keywords: one will do.
            assert!(sec.keywords().iter().any(|k| k.contains(HEADING_CHARS)));
            assert!(!unnumbered_titles()[sec as usize].is_empty());
        }
    }

    #[test]
    fn titles_give_agency_and_year() {
        assert_eq!(
            split_title("淮安市人民政府2024年政府信息公开工作年度报告"),
            Some(("淮安市人民政府".into(), 2024))
        );
        assert_eq!(split_title("2024年政府信息公开工作年度报告"), None);
        assert_eq!(
            statistics_year("本年度报告中所列数据的统计期限自2020年1月1日起至2020年12月31日止。"),
            Some(2020)
        );
        assert_eq!(date_line("(2021年1 月25日)").as_deref(), Some("2021-01-25"));
        assert_eq!(date_line("2021年1月25日，我局召开会议"), None);
    }

    #[test]
    fn chrome_is_recognised_alone_and_glued() {
        assert!(is_chrome("扫一扫在手机打开当前页"));
        assert_eq!(
            strip_chrome("全部免费。扫一扫在手机打开当前页"),
            "全部免费。"
        );
    }
}
