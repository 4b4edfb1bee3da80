//! PDF reports with a text layer and ruled tables (what WPS, Word,
//! LibreOffice and browsers print).
//!
//! 1. Each page's content is interpreted ([`interp`]): every glyph with its
//!    text and box, and every straight rule (stroked lines; filled
//!    rectangles no thicker than 2 pt), through Form XObjects and `/Rotate`.
//! 2. Rules become tables ([`grid`]): connected components of crossing
//!    lines, a grid of slots, and cells from slots joined where the
//!    boundary between them is less than half ruled (row and column spans).
//! 3. Each glyph goes to the cell holding its centre; the rest form lines,
//!    and lines form paragraphs. Page numbers (`-3-`, `第3页`) are dropped.
//! 4. A table that runs on from one page to the next is stitched into one.
//!
//! Whatever is inferred rather than seen (a cell continued across a page
//! break by its content, a font without Unicode, a cell that is not a
//! rectangle) is noted in [`Doc::notes`] with its page.
//!
//! There is no OCR: a PDF whose pages are only images is refused.

mod font;
mod grid;
mod interp;
mod radicals;

use lopdf::{Document, LoadOptions, Stream};

use crate::doc::{Block, Doc, Loc, Note, Paragraph, Table, TableCell, join_lines, push_line};
use crate::error::Error;
use grid::Grid;
use interp::Glyph;

/// Most objects a PDF may hold (a report has a few hundred).
pub const MAX_PDF_OBJECTS: usize = 1_000_000;
/// Largest size one stream may decode to (a page's content, a font's
/// ToUnicode CMap, an object stream).
pub const MAX_STREAM_BYTES: usize = 32 * 1024 * 1024;
/// Most bytes the streams the reader decodes may decode to together.
pub const MAX_PDF_INFLATED_BYTES: u64 = 256 * 1024 * 1024;
/// Most content-stream operators on one page, Form XObjects included.
pub const MAX_OPERATORS_PER_PAGE: usize = 1_000_000;
/// Most glyphs (and, separately, rules) on one page.
pub const MAX_GLYPHS_PER_PAGE: usize = 200_000;
/// Deepest nesting of Form XObjects.
pub const MAX_XOBJECT_DEPTH: usize = 12;
/// Most pages read.
pub const MAX_PAGES: usize = 2_000;
/// Most rules on one page once collinear pieces are joined.
pub const MAX_RULES_PER_PAGE: usize = 10_000;
/// Most grid slots one table's rules may make.
pub(crate) const MAX_TABLE_SLOTS: usize = 100_000;

/// Tables on consecutive pages are one when their left and right edges
/// agree within this (points).
const SAME_EDGE: f32 = 3.0;

/// Counts the bytes streams decode to, against the limits.
pub struct Budget {
    used: u64,
}

impl Budget {
    fn decode(&mut self, stream: &Stream) -> Result<Vec<u8>, Error> {
        let left = MAX_PDF_INFLATED_BYTES.saturating_sub(self.used);
        let (limit, name) = if left < MAX_STREAM_BYTES as u64 {
            (left as usize, "MAX_PDF_INFLATED_BYTES")
        } else {
            (MAX_STREAM_BYTES, "MAX_STREAM_BYTES")
        };
        let data = match stream.get_plain_content_with_limit(limit) {
            Ok(d) => d,
            Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded {
                ..
            })) => {
                return Err(Error::TooLarge {
                    name,
                    limit: if name == "MAX_STREAM_BYTES" {
                        MAX_STREAM_BYTES as u64
                    } else {
                        MAX_PDF_INFLATED_BYTES
                    },
                });
            }
            // A stream in a filter this reader does not know reads as
            // nothing (an image's DCT data is never decoded here).
            Err(_) => Vec::new(),
        };
        self.used += data.len() as u64;
        Ok(data)
    }
}

fn corrupt(place: String, message: impl Into<String>) -> Error {
    Error::Corrupt {
        place,
        message: message.into(),
    }
}

/// Reads a PDF.
pub fn read(bytes: &[u8]) -> Result<Doc, Error> {
    let head = &bytes[..bytes.len().min(1024)];
    if !head.windows(5).any(|w| w == b"%PDF-") {
        return Err(corrupt(String::new(), "not a PDF: no %PDF- header"));
    }
    let encrypted = || bytes.windows(8).any(|w| w == b"/Encrypt");
    let options = LoadOptions {
        max_decompressed_size: Some(MAX_STREAM_BYTES),
        filter: Some(loading::keep),
        ..LoadOptions::default()
    };
    loading::start();
    let loaded = Document::load_mem_with_options(bytes, options);
    if let Some(limit) = loading::finish() {
        return Err(limit);
    }
    let doc = loaded.map_err(|e| match e {
        lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. }) => {
            Error::TooLarge {
                name: "MAX_STREAM_BYTES",
                limit: MAX_STREAM_BYTES as u64,
            }
        }
        _ if encrypted() => encrypted_error(),
        e => corrupt(String::new(), format!("the PDF cannot be read: {e}")),
    })?;
    if doc.is_encrypted() && !doc.was_encrypted() {
        return Err(encrypted_error());
    }
    if doc.objects.len() > MAX_PDF_OBJECTS {
        return Err(Error::TooLarge {
            name: "MAX_PDF_OBJECTS",
            limit: MAX_PDF_OBJECTS as u64,
        });
    }
    let pages = doc.get_pages();
    if pages.len() > MAX_PAGES {
        return Err(Error::TooLarge {
            name: "MAX_PAGES",
            limit: MAX_PAGES as u64,
        });
    }
    if pages.is_empty() {
        return Err(corrupt(String::new(), "the PDF has no pages"));
    }
    let mut budget = Budget { used: 0 };
    let mut fonts = interp::FontCache::new();
    let mut reader = Reader::default();
    let mut undecodable: Vec<(String, u32)> = Vec::new();
    let mut textless = Vec::new();
    // Glyphs named by a CJK radical, and the first page with one.
    let mut radicals: (usize, u32) = (0, 0);
    for (&number, &id) in &pages {
        let page = interp::page(&doc, id, &mut fonts, &mut budget).map_err(|e| match e {
            Error::Corrupt { message, .. } => corrupt(format!("p.{number}"), message),
            e => e,
        })?;
        for f in &page.undecodable {
            if !undecodable.iter().any(|(g, _)| g == f) {
                undecodable.push((f.clone(), number));
            }
        }
        if page.glyphs.is_empty() {
            textless.push((number, page.images));
        }
        if page.radicals > 0 && radicals.0 == 0 {
            radicals.1 = number;
        }
        radicals.0 += page.radicals;
        reader.page(number, page)?;
    }
    if textless.len() == pages.len() {
        let first = textless.first().map_or(1, |t| t.0);
        return Err(corrupt(
            format!("p.{first}"),
            format!(
                "no text layer (scanned? no OCR): none of the {} pages has any text",
                pages.len()
            ),
        ));
    }
    for (number, images) in textless {
        if images {
            reader.notes.push(Note {
                code: "pdf_no_text",
                loc: Loc::Page(number),
                message: format!(
                    "page {number} has images but no text layer (scanned? no OCR); nothing on it is read"
                ),
            });
        }
    }
    if radicals.0 > 0 {
        let (count, page) = radicals;
        reader.notes.push(Note {
            code: "pdf_radicals",
            loc: Loc::Page(page),
            message: format!(
                "{count} characters are named in the PDF by CJK radicals (⼈ for 人, ⺠ for 民), as Chromium prints them; they are read as the ideographs they stand for, first on page {page}"
            ),
        });
    }
    for (font, page) in undecodable {
        reader.notes.push(Note {
            code: "pdf_font",
            loc: Loc::Page(page),
            message: format!(
                "font {font} undecodable: some of its glyphs have no Unicode (shown as U+FFFD or private-use characters), first on page {page}"
            ),
        });
    }
    Ok(reader.finish())
}

/// Bounds on what lopdf keeps while it loads a file, before any page is
/// read: object streams are inflated as they are met, each bounded by
/// [`MAX_STREAM_BYTES`], so a small file could otherwise fill memory with
/// objects. Each object lopdf keeps passes through [`loading::keep`], which
/// counts it and its size; past [`MAX_PDF_OBJECTS`] objects or
/// [`MAX_PDF_INFLATED_BYTES`] bytes the rest are dropped unkept, and the
/// file is refused once loading ends.
mod loading {
    use std::cell::Cell;

    use lopdf::Object;

    use super::{MAX_PDF_INFLATED_BYTES, MAX_PDF_OBJECTS};
    use crate::error::Error;

    /// A limit passed: its name and value.
    type Passed = Option<(&'static str, u64)>;

    thread_local! {
        /// (objects, bytes, the limit passed).
        static KEPT: Cell<(usize, u64, Passed)> = const { Cell::new((0, 0, None)) };
    }

    pub(super) fn start() {
        KEPT.with(|k| k.set((0, 0, None)));
    }

    /// The limit that was passed while loading, if one was.
    pub(super) fn finish() -> Option<Error> {
        let (_, _, over) = KEPT.with(Cell::get);
        start();
        over.map(|(name, limit)| Error::TooLarge { name, limit })
    }

    /// lopdf's load filter: keeps an object while the totals allow.
    pub(super) fn keep(id: (u32, u16), object: &mut Object) -> Option<((u32, u16), Object)> {
        let (objects, bytes, over) = KEPT.with(Cell::get);
        if over.is_some() {
            return None;
        }
        let objects = objects + 1;
        let bytes = bytes.saturating_add(size(object, 0));
        let over = if objects > MAX_PDF_OBJECTS {
            Some(("MAX_PDF_OBJECTS", MAX_PDF_OBJECTS as u64))
        } else if bytes > MAX_PDF_INFLATED_BYTES {
            Some(("MAX_PDF_INFLATED_BYTES", MAX_PDF_INFLATED_BYTES))
        } else {
            None
        };
        KEPT.with(|k| k.set((objects, bytes, over)));
        if over.is_some() {
            return None;
        }
        // lopdf keeps the object it passed in when it read it directly
        // from the file, and the one handed back when it took it out of an
        // object stream. A stream is only ever the first kind (an object
        // stream holds no streams), so its data is not copied.
        match object {
            Object::Stream(_) => Some((id, Object::Null)),
            other => Some((id, other.clone())),
        }
    }

    /// Bytes an object holds, roughly: its strings, names and stream data,
    /// and a few bytes for every value.
    fn size(object: &Object, depth: usize) -> u64 {
        // lopdf's parser bounds nesting; this only guards the walk itself.
        if depth > 256 {
            return 0;
        }
        16 + match object {
            Object::Name(n) => n.len() as u64,
            Object::String(s, _) => s.len() as u64,
            Object::Array(items) => items.iter().map(|o| size(o, depth + 1)).sum(),
            Object::Dictionary(d) => d
                .iter()
                .map(|(k, v)| k.len() as u64 + size(v, depth + 1))
                .sum(),
            Object::Stream(s) => {
                s.content.len() as u64
                    + s.dict
                        .iter()
                        .map(|(k, v)| k.len() as u64 + size(v, depth + 1))
                        .sum::<u64>()
            }
            _ => 0,
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn objects_past_the_limits_are_dropped_and_the_file_refused() {
            start();
            for n in 0..MAX_PDF_OBJECTS {
                assert!(keep((n as u32, 0), &mut Object::Null).is_some());
            }
            assert!(keep((0, 0), &mut Object::Integer(1)).is_none());
            let err = finish().map(|e| e.to_string()).unwrap_or_default();
            assert!(err.contains("MAX_PDF_OBJECTS"), "{err}");
            assert!(finish().is_none(), "the counts start again");

            let mib = 1024 * 1024;
            for n in 0..=(MAX_PDF_INFLATED_BYTES / mib) {
                let mut big = Object::String(vec![b'x'; mib as usize - 64], Default::default());
                let kept = keep((n as u32, 0), &mut big);
                assert_eq!(kept.is_some(), n < MAX_PDF_INFLATED_BYTES / mib, "{n}");
            }
            let err = finish().map(|e| e.to_string()).unwrap_or_default();
            assert!(err.contains("MAX_PDF_INFLATED_BYTES"), "{err}");
        }
    }
}

fn encrypted_error() -> Error {
    corrupt(
        String::new(),
        "the PDF is encrypted and needs a password; decrypt it first (for example with qpdf --decrypt)",
    )
}

/// A line of text outside tables.
#[derive(Clone, Debug)]
struct TextLine {
    text: String,
    x0: f32,
    x1: f32,
    y0: f32,
    y1: f32,
    size: f32,
    page: u32,
    /// Runs of glyphs separated by wide gaps (a borderless table's cells).
    runs: usize,
}

/// A table being assembled, possibly from several pages.
#[derive(Clone, Debug)]
struct PTable {
    /// Column boundaries.
    xs: Vec<f32>,
    rows: usize,
    cells: Vec<PCell>,
    /// The page where it starts.
    page: u32,
    /// Its edges on that page.
    x0: f32,
    x1: f32,
    top: f32,
}

#[derive(Clone, Debug)]
struct PCell {
    r0: usize,
    r1: usize,
    x0: f32,
    x1: f32,
    text: String,
    page: u32,
    /// Share of the top edge ruled, as drawn on its page.
    top_ruled: f32,
}

enum Item {
    Line(TextLine),
    Table(PTable),
}

#[derive(Default)]
struct Reader {
    /// Each page's items in reading order.
    pages: Vec<(u32, Vec<Item>)>,
    notes: Vec<Note>,
}

impl Reader {
    fn page(&mut self, number: u32, page: interp::Page) -> Result<(), Error> {
        let (h, v) = grid::lines(&page.segs);
        if h.len() + v.len() > MAX_RULES_PER_PAGE {
            return Err(Error::TooLarge {
                name: "MAX_RULES_PER_PAGE",
                limit: MAX_RULES_PER_PAGE as u64,
            });
        }
        let grids: Vec<Grid> = grid::tables(&h, &v)
            .into_iter()
            .filter(|g| g.cells.len() >= 2)
            .collect();
        let mut in_cells: Vec<Vec<Vec<Glyph>>> = grids
            .iter()
            .map(|g| vec![Vec::new(); g.cells.len()])
            .collect();
        let mut free = Vec::new();
        let mut stray: Vec<(usize, Glyph)> = Vec::new();
        for g in page.glyphs {
            let (cx, cy) = (g.cx(), g.cy());
            let inside = grids.iter().position(|t| {
                cx >= t.x0() - 1.0 && cx <= t.x1() + 1.0 && cy >= t.y0() - 1.0 && cy <= t.y1() + 1.0
            });
            match inside {
                Some(t) => match grids[t].cell_at(cx, cy) {
                    Some(c) => in_cells[t][c].push(g),
                    None => stray.push((t, g)),
                },
                None => free.push(g),
            }
        }
        let mut items: Vec<Item> = Vec::new();
        for (t, (grid, glyphs)) in grids.iter().zip(in_cells).enumerate() {
            for (r, c) in &grid.irregular {
                self.notes.push(Note {
                    code: "pdf_cell_shape",
                    loc: Loc::Page(number),
                    message: format!(
                        "page {number}: a table cell (grid row {}, column {}) is not a rectangle; it is read as the rectangle around it",
                        r + 1,
                        c + 1
                    ),
                });
            }
            let lost: String = stray
                .iter()
                .filter(|(k, _)| *k == t)
                .map(|(_, g)| g.ch)
                .collect();
            if !lost.trim().is_empty() {
                self.notes.push(Note {
                    code: "pdf_stray_text",
                    loc: Loc::Page(number),
                    message: format!(
                        "page {number}: text inside a table's box but in none of its cells is left out: {:?}",
                        lost.trim()
                    ),
                });
            }
            let cells = grid
                .cells
                .iter()
                .zip(glyphs)
                .zip(&grid.top_ruled)
                .map(|((region, glyphs), top)| {
                    let lines = text_lines(glyphs, number);
                    PCell {
                        r0: region.r0,
                        r1: region.r1,
                        x0: grid.xs[region.c0],
                        x1: grid.xs[region.c1],
                        text: join_lines(lines.iter().map(|l| l.text.as_str())),
                        page: number,
                        top_ruled: *top,
                    }
                })
                .collect();
            items.push(Item::Table(PTable {
                xs: grid.xs.clone(),
                rows: grid.ys.len() - 1,
                cells,
                page: number,
                x0: grid.x0(),
                x1: grid.x1(),
                top: grid.y0(),
            }));
        }
        for line in text_lines(free, number) {
            items.push(Item::Line(line));
        }
        // Reading order: by top edge.
        let top = |i: &Item| match i {
            Item::Line(l) => l.y0,
            Item::Table(t) => t.top,
        };
        items.sort_by(|a, b| top(a).total_cmp(&top(b)));
        self.pages.push((number, items));
        Ok(())
    }

    fn finish(mut self) -> Doc {
        // Page numbers go first, so that a table broken by one is seen to
        // run on.
        for (_, items) in &mut self.pages {
            items.retain(|i| !matches!(i, Item::Line(l) if is_page_number(&l.text)));
        }
        let mut all: Vec<Item> = Vec::new();
        for (_, items) in std::mem::take(&mut self.pages) {
            let mut items = items.into_iter();
            if let Some(Item::Table(next)) = items.as_slice().first()
                && let Some(Item::Table(prev)) = all.last_mut()
                && prev.cells.iter().map(|c| c.page).max() == Some(next.page.saturating_sub(1))
                && (prev.x0 - next.x0).abs() <= SAME_EDGE
                && (prev.x1 - next.x1).abs() <= SAME_EDGE
                && let Some(Item::Table(next)) = items.next()
            {
                stitch(prev, next, &mut self.notes);
            }
            all.extend(items);
        }
        self.unruled_tables(&all);
        let mut doc = Doc {
            notes: std::mem::take(&mut self.notes),
            ..Doc::default()
        };
        let (left, right) = margins(&all);
        let leading = leading(&all);
        let mut open: Option<(Paragraph, TextLine)> = None;
        let mut paragraphs = 0u32;
        let mut tables = 0u32;
        for item in all {
            match item {
                Item::Line(line) => {
                    if let Some((p, prev)) = &mut open
                        && continues(prev, &line, left, right, leading)
                    {
                        push_line(&mut p.text, &line.text);
                        *prev = line;
                        continue;
                    }
                    if let Some((p, _)) = open.take() {
                        doc.blocks.push(Block::Paragraph(p));
                    }
                    paragraphs += 1;
                    let p = Paragraph {
                        text: line.text.trim().to_owned(),
                        level: None,
                        body: false,
                        loc: Loc::PageParagraph {
                            page: line.page,
                            paragraph: paragraphs,
                        },
                    };
                    open = Some((p, line));
                }
                Item::Table(t) => {
                    if let Some((p, _)) = open.take() {
                        doc.blocks.push(Block::Paragraph(p));
                    }
                    tables += 1;
                    doc.blocks.push(Block::Table(to_table(t, tables)));
                }
            }
        }
        if let Some((p, _)) = open.take() {
            doc.blocks.push(Block::Paragraph(p));
        }
        doc
    }

    /// Notes runs of lines that look like a table drawn without rules.
    fn unruled_tables(&mut self, items: &[Item]) {
        let mut run: Vec<&TextLine> = Vec::new();
        let flush = |run: &mut Vec<&TextLine>, notes: &mut Vec<Note>| {
            let numbered = run
                .iter()
                .filter(|l| l.text.chars().any(|c| c.is_ascii_digit()))
                .count();
            if run.len() >= 3
                && numbered >= 2
                && let Some(first) = run.first()
            {
                notes.push(Note {
                    code: "pdf_unruled_table",
                    loc: Loc::Page(first.page),
                    message: format!(
                        "page {}: table without rules ({} lines of columns beginning {:?}); it is read as paragraphs",
                        first.page,
                        run.len(),
                        first.text
                    ),
                });
            }
            run.clear();
        };
        for item in items {
            match item {
                // Lines set in three or more columns, a header among them.
                Item::Line(l) if l.runs >= 3 => run.push(l),
                _ => flush(&mut run, &mut self.notes),
            }
        }
        flush(&mut run, &mut self.notes);
    }
}

/// The body's left and right edges: the outermost positions that several
/// lines share. Only lines that fill most of the widest line count when
/// there are enough of them, so that short lines set out of the body (a
/// form's `第二十条第（一）项` over its table, left of the text) do not move
/// the margin.
fn margins(items: &[Item]) -> (f32, f32) {
    let all: Vec<&TextLine> = outside_tables(items).collect();
    let widest = all.iter().map(|l| l.x1 - l.x0).fold(0.0f32, f32::max);
    let long: Vec<&TextLine> = all
        .iter()
        .copied()
        .filter(|l| l.x1 - l.x0 >= 0.6 * widest)
        .collect();
    let lines = if long.len() >= 3 { long } else { all };
    let shared = |v: Vec<f32>, leftmost: bool| -> f32 {
        let mut v = v;
        v.sort_by(f32::total_cmp);
        if !leftmost {
            v.reverse();
        }
        for (i, a) in v.iter().enumerate() {
            if v[i..].iter().take_while(|b| (*b - a).abs() <= 2.0).count() >= 3 {
                return *a;
            }
        }
        v.first().copied().unwrap_or(0.0)
    };
    (
        shared(lines.iter().map(|l| l.x0).collect(), true),
        shared(lines.iter().map(|l| l.x1).collect(), false),
    )
}

/// The lines of text outside tables.
fn outside_tables(items: &[Item]) -> impl Iterator<Item = &TextLine> {
    items.iter().filter_map(|i| match i {
        Item::Line(l) => Some(l),
        Item::Table(_) => None,
    })
}

/// The usual space between one line of text and the next on a page: the
/// median of the gaps between consecutive lines outside tables. Documents
/// set with wide fixed line spacing (a form's 31.2 pt lines of 12 pt text)
/// have gaps wider than any rule of thumb in font sizes.
fn leading(items: &[Item]) -> f32 {
    let lines: Vec<&TextLine> = outside_tables(items).collect();
    let mut gaps: Vec<f32> = lines
        .windows(2)
        .filter(|w| w[0].page == w[1].page)
        .map(|w| w[1].y0 - w[0].y1)
        .filter(|g| *g > 0.0)
        .collect();
    if gaps.is_empty() {
        return 0.0;
    }
    gaps.sort_by(f32::total_cmp);
    gaps[gaps.len() / 2]
}

/// Whether `line` carries on the paragraph that `prev` ends.
fn continues(prev: &TextLine, line: &TextLine, left: f32, right: f32, leading: f32) -> bool {
    let size = prev.size.max(1.0);
    if starts_enumerated(&line.text) {
        return false;
    }
    if (line.size - prev.size).abs() > 0.2 * size {
        return false;
    }
    // A title set in several short centred lines.
    let centred = |l: &TextLine| {
        ((l.x0 + l.x1) - (left + right)).abs() / 2.0 <= size
            && l.x1 - l.x0 < right - left - 4.0 * size
    };
    if centred(prev) && centred(line) {
        return line.page == prev.page && line.y0 - prev.y1 <= size;
    }
    // An indented first line starts a paragraph; a short last line ends one.
    if line.x0 > left + 0.8 * size || prev.x1 < right - 1.5 * size {
        return false;
    }
    if line.page == prev.page && line.y0 - prev.y1 > (1.2 * size).max(leading + 0.3 * size) {
        return false;
    }
    true
}

/// `一、` `（一）` `(1)` `1.` `2、` at the start of a line.
fn starts_enumerated(text: &str) -> bool {
    let t = text.trim_start();
    let numeral = |c: char| c.is_ascii_digit() || "一二三四五六七八九十百零〇".contains(c);
    let mut chars = t.chars();
    match chars.next() {
        Some('（' | '(') => {
            let inner: String = chars.clone().take_while(|c| numeral(*c)).collect();
            let n = inner.chars().count();
            (1..=4).contains(&n) && matches!(chars.nth(n), Some('）' | ')'))
        }
        Some(c) if numeral(c) => {
            let n = t.chars().take_while(|c| numeral(*c)).count();
            if n > 3 {
                return false;
            }
            let mut rest = t.chars().skip(n);
            match rest.next() {
                Some('、' | '．') => true,
                Some('.') => !rest.next().is_some_and(|c| c.is_ascii_digit()),
                _ => false,
            }
        }
        _ => false,
    }
}

/// A page number line: `-3-`, `— 3 —`, `3`, `第3页`, `第 3 页 共 5 页`, `3/5`.
fn is_page_number(text: &str) -> bool {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let t = t.trim_matches(|c: char| "-—–‒−─_·•".contains(c));
    let digits = |s: &str| !s.is_empty() && s.len() <= 4 && s.chars().all(|c| c.is_ascii_digit());
    if digits(t) {
        return true;
    }
    if let Some((a, b)) = t.split_once('/') {
        return digits(a) && digits(b);
    }
    let Some(rest) = t.strip_prefix('第') else {
        return t.starts_with('共')
            && t.split_once("页第")
                .is_some_and(|(a, b)| digits(&a[3..]) && b.strip_suffix('页').is_some_and(digits));
    };
    let Some((n, rest)) = rest.split_once('页') else {
        return false;
    };
    digits(n)
        && (rest.is_empty()
            || rest
                .strip_prefix('共')
                .and_then(|r| r.strip_suffix('页'))
                .is_some_and(digits))
}

fn is_number(text: &str) -> bool {
    let t = text.trim();
    !t.is_empty()
        && t.chars().any(|c| c.is_ascii_digit())
        && t.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | '-' | '%' | '+'))
}

/// Glyphs into lines: by centre height within half an em, then left to
/// right. Vertical glyphs each stand alone, top to bottom.
fn text_lines(mut glyphs: Vec<Glyph>, page: u32) -> Vec<TextLine> {
    glyphs.sort_by(|a, b| a.cy().total_cmp(&b.cy()));
    let mut groups: Vec<Vec<Glyph>> = Vec::new();
    let mut at = f32::MIN;
    for g in glyphs {
        let tol = 0.5 * g.size.max(1.0);
        match groups.last_mut() {
            Some(group) if !g.vertical && (g.cy() - at).abs() <= tol => group.push(g),
            _ => {
                at = g.cy();
                groups.push(vec![g]);
            }
        }
    }
    groups
        .into_iter()
        .filter_map(|mut group| {
            group.sort_by(|a, b| a.x0.total_cmp(&b.x0));
            let size = group.iter().map(|g| g.size).fold(0.0, f32::max);
            let mut text = String::new();
            let mut runs = 1;
            let mut prev: Option<&Glyph> = None;
            for g in &group {
                if let Some(p) = prev {
                    let gap = g.x0 - p.x1;
                    if gap > 2.0 * size {
                        runs += 1;
                    }
                    if gap > 0.25 * size
                        && p.ch.is_ascii_alphanumeric()
                        && g.ch.is_ascii_alphanumeric()
                    {
                        text.push(' ');
                    }
                }
                if g.ch.is_whitespace() {
                    if !text.ends_with(' ') {
                        text.push(' ');
                    }
                } else {
                    text.push(g.ch);
                }
                prev = Some(g);
            }
            let text = text.trim().to_owned();
            if text.is_empty() {
                return None;
            }
            Some(TextLine {
                text,
                x0: group.iter().map(|g| g.x0).fold(f32::MAX, f32::min),
                x1: group.iter().map(|g| g.x1).fold(f32::MIN, f32::max),
                y0: group.iter().map(|g| g.y0).fold(f32::MAX, f32::min),
                y1: group.iter().map(|g| g.y1).fold(f32::MIN, f32::max),
                size,
                page,
                runs,
            })
        })
        .collect()
}

/// Index of the boundary nearest `x`.
fn nearest(xs: &[f32], x: f32) -> usize {
    xs.iter()
        .enumerate()
        .min_by(|a, b| (a.1 - x).abs().total_cmp(&(b.1 - x).abs()))
        .map_or(0, |(i, _)| i)
}

/// Carries `next` (the first table of the next page) on from `prev`.
fn stitch(prev: &mut PTable, mut next: PTable, notes: &mut Vec<Note>) {
    let page = next.page;
    // Header rows printed again.
    let row_texts = |t: &PTable, r: usize| -> Vec<(i32, i32, String)> {
        let mut v: Vec<(i32, i32, String)> = t
            .cells
            .iter()
            .filter(|c| c.r0 == r)
            .map(|c| (c.x0.round() as i32, c.x1.round() as i32, c.text.clone()))
            .collect();
        v.sort();
        v
    };
    let mut repeated = 0;
    while repeated < next.rows.min(prev.rows).min(4) {
        let (a, b) = (row_texts(prev, repeated), row_texts(&next, repeated));
        let same = a.len() == b.len()
            && a.iter()
                .zip(&b)
                .all(|(x, y)| (x.0 - y.0).abs() <= 3 && (x.1 - y.1).abs() <= 3 && x.2 == y.2)
            && b.iter().any(|c| !c.2.is_empty());
        if !same {
            break;
        }
        repeated += 1;
    }
    if repeated > 0 {
        next.cells.retain(|c| c.r0 >= repeated);
        for c in &mut next.cells {
            c.r0 -= repeated;
            c.r1 -= repeated;
        }
        next.rows -= repeated;
    }
    // Column boundaries of both.
    let mut xs: Vec<f32> = prev.xs.iter().chain(&next.xs).copied().collect();
    xs.sort_by(f32::total_cmp);
    xs.dedup_by(|a, b| (*a - *b).abs() <= 2.0);
    prev.xs = xs;

    // The first row's cells, each with the cell above it, if it has one.
    let bottom = prev.rows;
    let above = |prev: &PTable, c: &PCell| -> Option<usize> {
        prev.cells.iter().position(|a| {
            a.r1 == bottom && (a.x0 - c.x0).abs() <= SAME_EDGE && (a.x1 - c.x1).abs() <= SAME_EDGE
        })
    };
    let first: Vec<usize> = (0..next.cells.len())
        .filter(|&i| next.cells[i].r0 == 0)
        .collect();
    let pairs: Vec<(usize, Option<usize>)> = first
        .iter()
        .map(|&i| (i, above(prev, &next.cells[i])))
        .collect();
    let carries_on = |a: &PCell, b: &PCell| {
        a.text.is_empty()
            || b.text.is_empty()
            || (!is_number(&a.text) && !is_number(&b.text) && !starts_enumerated(&b.text))
    };
    let fold = !pairs.is_empty()
        && pairs
            .iter()
            .all(|(i, a)| a.is_some_and(|a| carries_on(&prev.cells[a], &next.cells[*i])));
    let offset = if fold { bottom - 1 } else { bottom };
    // A row of numbers under a last row without any is data under its
    // header: a one-row cell of that header does not run on into it.
    let last_row_numbers = prev
        .cells
        .iter()
        .any(|c| c.r0 + 1 == bottom && is_number(&c.text));
    let first_row_numbers = next.cells.iter().any(|c| c.r0 == 0 && is_number(&c.text));
    let mut merged: Vec<usize> = Vec::new();
    let mut fragments: Vec<String> = Vec::new();
    for (i, a) in pairs {
        let Some(a) = a else { continue };
        let (upper, lower) = (&prev.cells[a], &next.cells[i]);
        let label = !upper.text.is_empty() && !is_number(&upper.text);
        let header_over_data = upper.r0 + 1 == bottom && !last_row_numbers && first_row_numbers;
        let reason = if fold {
            Some("the row itself was broken")
        } else if !label || is_number(&lower.text) || header_over_data {
            None
        } else if lower.top_ruled < 0.5 && starts_enumerated(&lower.text) {
            // Nothing ruled between them, but the text below numbers a row
            // of its own (`5.属于三类内部事务信息` under `4.保护第三方合法权益`):
            // a table the page break left open.
            None
        } else if lower.top_ruled < 0.5 {
            Some("")
        } else if lower.text.is_empty() {
            Some("the cell below is empty")
        } else if !starts_enumerated(&lower.text) {
            Some("the text below has no numbering of its own")
        } else {
            None
        };
        let Some(reason) = reason else { continue };
        if !(reason.is_empty() || upper.text.is_empty() && lower.text.is_empty()) {
            fragments.push(format!(
                "{:?} (p.{}) + {:?} (p.{page}): {reason}",
                upper.text, upper.page, lower.text
            ));
        }
        let text = join_lines([upper.text.as_str(), lower.text.as_str()]);
        let r1 = lower.r1 + offset;
        let upper = &mut prev.cells[a];
        upper.text = text;
        upper.r1 = r1;
        merged.push(i);
    }
    if !fragments.is_empty() {
        notes.push(Note {
            code: "pdf_page_break",
            loc: Loc::Page(page),
            message: format!(
                "a table runs on from page {} to page {page}; cells joined across the break by inference: {}",
                page - 1,
                fragments.join("; ")
            ),
        });
    }
    for (i, mut c) in next.cells.into_iter().enumerate() {
        if merged.contains(&i) {
            continue;
        }
        c.r0 += offset;
        c.r1 += offset;
        prev.cells.push(c);
    }
    prev.rows = offset + next.rows;
}

/// The finished table: rows and columns where no cell starts are dropped,
/// spans counted in what remains.
fn to_table(t: PTable, number: u32) -> Table {
    let mut starts: Vec<usize> = t.cells.iter().map(|c| c.r0).collect();
    starts.sort_unstable();
    starts.dedup();
    let mut col_bounds: Vec<usize> = Vec::new();
    let cols: Vec<(usize, usize)> = t
        .cells
        .iter()
        .map(|c| (nearest(&t.xs, c.x0), nearest(&t.xs, c.x1)))
        .collect();
    col_bounds.extend(cols.iter().map(|c| c.0));
    col_bounds.sort_unstable();
    col_bounds.dedup();
    let mut rows: Vec<Vec<TableCell>> = vec![Vec::new(); starts.len()];
    let mut order: Vec<usize> = (0..t.cells.len()).collect();
    order.sort_by_key(|&i| (t.cells[i].r0, cols[i].0));
    for i in order {
        let c = &t.cells[i];
        let r = starts.partition_point(|s| *s < c.r0);
        let r1 = starts.partition_point(|s| *s < c.r1);
        let c0 = col_bounds.partition_point(|s| *s < cols[i].0);
        let c1 = col_bounds.partition_point(|s| *s < cols[i].1);
        if let Some(row) = rows.get_mut(r) {
            row.push(TableCell {
                text: c.text.clone(),
                col: c0 as u32,
                rowspan: (r1.saturating_sub(r)).max(1) as u32,
                colspan: (c1.saturating_sub(c0)).max(1) as u32,
                loc: Loc::PageCell {
                    page: c.page,
                    table: number,
                    row: r as u32 + 1,
                    col: c0 as u32 + 1,
                },
            });
        }
    }
    Table {
        rows,
        spans_known: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(page: u32, rows: &[&[&str]]) -> PTable {
        let mut cells = Vec::new();
        for (r, row) in rows.iter().enumerate() {
            for (c, text) in row.iter().enumerate() {
                cells.push(PCell {
                    r0: r,
                    r1: r + 1,
                    x0: 100.0 * c as f32,
                    x1: 100.0 * (c + 1) as f32,
                    text: (*text).to_owned(),
                    page,
                    top_ruled: 1.0,
                });
            }
        }
        PTable {
            xs: vec![0.0, 100.0, 200.0],
            rows: rows.len(),
            cells,
            page,
            x0: 0.0,
            x1: 200.0,
            top: 0.0,
        }
    }

    fn stitched(a: &[&[&str]], b: &[&[&str]]) -> (Vec<Vec<String>>, Vec<Note>) {
        let mut prev = part(1, a);
        let mut notes = Vec::new();
        stitch(&mut prev, part(2, b), &mut notes);
        let t = to_table(prev, 1);
        let rows = t
            .rows
            .iter()
            .map(|r| {
                r.iter()
                    .map(|c| format!("{}@{}↓{}", c.text, c.col, c.rowspan))
                    .collect()
            })
            .collect();
        (rows, notes)
    }

    #[test]
    fn a_repeated_header_is_dropped_and_numbers_never_merge() {
        let (rows, notes) = stitched(
            &[&["项目", "数量"], &["1.甲", "3"]],
            &[&["项目", "数量"], &["2.乙", ""]],
        );
        assert_eq!(
            rows,
            [
                ["项目@0↓1", "数量@1↓1"],
                ["1.甲@0↓1", "3@1↓1"],
                ["2.乙@0↓1", "@1↓1"]
            ]
        );
        assert!(notes.is_empty(), "{notes:?}");
    }

    #[test]
    fn a_row_broken_by_the_page_is_folded_back_and_said_so() {
        let (rows, notes) = stitched(
            &[&["5.要求行政机关确认或重新出", ""]],
            &[&["具已获取信息", "1"]],
        );
        assert_eq!(
            rows,
            [["5.要求行政机关确认或重新出具已获取信息@0↓1", "1@1↓1"]]
        );
        assert_eq!(notes.len(), 1);
        assert!(
            notes[0].message.contains("\"具已获取信息\" (p.2)"),
            "{notes:?}"
        );
    }

    #[test]
    fn a_label_continues_over_a_new_row() {
        // （四）无 | 法提供 beside a new numbered row.
        let (rows, notes) = stitched(
            &[&["（四）无", "1.本机关不掌握"]],
            &[&["法提供", "2.没有现成信息"]],
        );
        assert_eq!(
            rows,
            [
                vec!["（四）无法提供@0↓2", "1.本机关不掌握@1↓1"],
                vec!["2.没有现成信息@1↓1"]
            ]
        );
        assert!(notes[0].message.contains("no numbering"), "{notes:?}");
    }

    #[test]
    fn page_numbers() {
        for t in [
            "-3-",
            "— 3 —",
            "- 12 -",
            "第3页",
            "第 3 页 共 5 页",
            "3/5",
            "7",
        ] {
            assert!(is_page_number(t), "{t}");
        }
        for t in ["3.5", "第三条", "2023年", "-3-4-"] {
            assert!(!is_page_number(t), "{t}");
        }
    }

    #[test]
    fn enumerators() {
        for t in [
            "一、总体情况",
            "（一）主动公开",
            "(2) x",
            "1.属于",
            "3、办理",
            "十二、",
        ] {
            assert!(starts_enumerated(t), "{t}");
        }
        for t in ["2023年", "1.5万元", "法提供", "（本列）", "一方面"] {
            assert!(!starts_enumerated(t), "{t}");
        }
    }
}
