//! Synthetic PDFs for the PDF reader's tests, built with lopdf in memory.
//!
//! Each builder returns the bytes of a small PDF that draws a table shaped
//! like the official table 4 or a fragment of table 3 (labels from the 2021
//! format), and [`all`] pairs each with what a correct reader must return.
//! The table is described once, as a [`Grid`] of rows of `(text, rowspan,
//! colspan)` in the order of HTML (each row lists the cells that start in it,
//! left to right), and the builder draws exactly that grid; the same value is
//! the expectation.
//!
//! Fonts:
//! - digits are Helvetica (a standard 14 font, WinAnsiEncoding, no embedded
//!   program);
//! - labels use a Type0 font, `Identity-H`, over a `CIDFontType2` with no
//!   embedded program, whose codes are numbered 1, 2, 3… by first use in the
//!   document (as a subset font numbers its glyphs), with a ToUnicode CMap
//!   written here. Viewers draw boxes or a substitute font for them; the
//!   text layer is exact.
//!
//! Page coordinates are PDF points on A4 (595 × 842), origin bottom left.

use lopdf::content::{Content, Operation};
use lopdf::{Dictionary, Document, Object, ObjectId, Stream, StringFormat, dictionary};

/// Rows of a table; each row lists the cells that start in it, left to right,
/// as `(text, rowspan, colspan)`. An empty text is a blank cell.
pub type Grid = Vec<Vec<(&'static str, u32, u32)>>;

/// What a correct reader must make of a synthetic PDF.
#[derive(Debug, Clone, PartialEq)]
pub enum Expected {
    /// These tables, in page order, each exactly this grid (a table that
    /// crosses a page is one grid).
    Tables(Vec<Grid>),
    /// Page `page` (1-based) has no text layer: the reader reports it
    /// (a scan?) rather than returning an empty document.
    NoTextLayer { page: u32 },
    /// The labels are drawn in font resource `font`, which has no ToUnicode
    /// and an `Identity` ordering, so they cannot be decoded: the reader
    /// reports the font as undecodable rather than inventing text. `grid` is
    /// the drawn table with the labels it cannot read left out (`""`), the
    /// digits (Helvetica) readable.
    Undecodable { font: &'static str, grid: Grid },
    /// A table laid out in columns with no rules at all: the reader reports
    /// a table without rules. `grid` is what a later rule-less fallback
    /// should read.
    NoRules { grid: Grid },
    /// A table that continues on the next page, where the first row of the
    /// continuation starts with a blank data cell. The two parts are one
    /// table, `grid`; the blank cell is a cell of its own (a blank, never
    /// folded into the number above it). A reader that merges the parts by
    /// inference must say so with a warning; it must never merge silently.
    Continued { grid: Grid, blank: (usize, usize) },
}

/// One synthetic PDF.
#[derive(Debug, Clone)]
pub struct Synth {
    /// A short name, for messages.
    pub name: &'static str,
    /// What the PDF draws.
    pub what: &'static str,
    /// The PDF.
    pub bytes: Vec<u8>,
    /// What a correct reader returns.
    pub expected: Expected,
}

/// Every synthetic PDF, with its expectation.
pub fn all() -> Vec<Synth> {
    vec![
        Synth {
            name: "filled-rules",
            what: "table 4 whose rules are thin filled rectangles (`re f`, 0.5 pt)",
            bytes: filled_rules_table(),
            expected: Expected::Tables(vec![table4()]),
        },
        Synth {
            name: "form-xobject",
            what: "table 4 drawn inside a Form XObject (`Do`) with a /Matrix, \
                   placed by a `cm`; stroked rules",
            bytes: form_xobject_table(),
            expected: Expected::Tables(vec![table4()]),
        },
        Synth {
            name: "rotated-page",
            what: "a /Rotate 90 page (portrait MediaBox) whose content is drawn \
                   turned, so the displayed page is an upright landscape table 3 fragment",
            bytes: rotated_page_table(),
            expected: Expected::Tables(vec![table3_fragment()]),
        },
        Synth {
            name: "differences-font",
            what: "table 4 whose digits are in a simple font without ToUnicode whose \
                   /Differences map the codes A..J to the glyphs zero..nine",
            bytes: differences_font_table(),
            expected: Expected::Tables(vec![table4()]),
        },
        Synth {
            name: "cid-no-tounicode",
            what: "table 4 whose labels are in an Identity-H CID font with no ToUnicode",
            bytes: cid_without_tounicode_table(),
            expected: Expected::Undecodable {
                font: CJK_NO_UNICODE,
                grid: without_labels(&table4()),
            },
        },
        Synth {
            name: "image-only",
            what: "one page that is only an image of a ruled table (no text layer)",
            bytes: image_only_page(),
            expected: Expected::NoTextLayer { page: 1 },
        },
        Synth {
            name: "borderless",
            what: "table 2 block （一） laid out in columns with no rules",
            bytes: borderless_table(),
            expected: Expected::NoRules {
                grid: table2_item1(),
            },
        },
        Synth {
            name: "blank-at-continuation",
            what: "a table 3 fragment across two pages, both parts closed, footers -1- and -2-; \
                   the continuation's first row has a blank 自然人 cell",
            bytes: blank_at_continuation(),
            expected: Expected::Continued {
                grid: continued_table3(),
                blank: CONTINUED_BLANK,
            },
        },
    ]
}

// ---------------------------------------------------------------------------
// The tables
// ---------------------------------------------------------------------------

const RESULTS: [&str; 5] = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"];

/// The official table 4 (format.md §4) with 15 distinct numbers that keep
/// R4.1–R4.3.
pub fn table4() -> Grid {
    let mut h2: Vec<(&'static str, u32, u32)> = RESULTS.iter().map(|t| (*t, 2, 1)).collect();
    h2.push(("未经复议直接起诉", 1, 5));
    h2.push(("复议后起诉", 1, 5));
    let h3: Vec<_> = RESULTS
        .iter()
        .chain(RESULTS.iter())
        .map(|t| (*t, 1, 1))
        .collect();
    let data = [
        "3", "5", "7", "2", "17", "4", "6", "1", "8", "19", "9", "11", "12", "10", "42",
    ];
    vec![
        vec![("行政复议", 1, 5), ("行政诉讼", 1, 10)],
        h2,
        h3,
        data.iter().map(|t| (*t, 1, 1)).collect(),
    ]
}

const NOTE: &str = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）";
const APPLICANTS: [&str; 5] = [
    "商业企业",
    "科研机构",
    "社会公益组织",
    "法律服务机构",
    "其他",
];

fn table3_header() -> Grid {
    vec![
        vec![(NOTE, 3, 3), ("申请人情况", 1, 7)],
        vec![("自然人", 2, 1), ("法人或其他组织", 1, 5), ("总计", 2, 1)],
        APPLICANTS.iter().map(|t| (*t, 1, 1)).collect(),
    ]
}

fn data_row(
    label: Vec<(&'static str, u32, u32)>,
    numbers: [&'static str; 7],
) -> Vec<(&'static str, u32, u32)> {
    let mut row = label;
    row.extend(numbers.iter().map(|t| (*t, 1, 1)));
    row
}

/// Table 3's header and rows 一, 二, 三/（一）, （二）: the rows fit R3.3
/// (总计 is the row sum), and every number is distinct.
pub fn table3_fragment() -> Grid {
    let mut g = table3_header();
    g.push(data_row(
        vec![("一、本年新收政府信息公开申请数量", 1, 3)],
        ["31", "12", "3", "4", "5", "6", "61"],
    ));
    g.push(data_row(
        vec![("二、上年结转政府信息公开申请数量", 1, 3)],
        ["7", "8", "0", "1", "2", "9", "27"],
    ));
    g.push(data_row(
        vec![("三、本年度办理结果", 2, 1), ("（一）予以公开", 1, 2)],
        ["22", "10", "13", "14", "15", "16", "90"],
    ));
    g.push(data_row(
        vec![(
            "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
            1,
            2,
        )],
        ["17", "18", "19", "20", "21", "23", "118"],
    ));
    g
}

/// The table of [`blank_at_continuation`]: the table 3 fragment with the
/// 自然人 cell of （一）予以公开 blank.
pub fn continued_table3() -> Grid {
    let mut g = table3_fragment();
    if let Some(cell) = g
        .get_mut(CONTINUED_BLANK.0)
        .and_then(|r| r.get_mut(CONTINUED_BLANK.1))
    {
        cell.0 = "";
    }
    g
}

/// (row, index in the row's list) of the blank cell of [`continued_table3`]:
/// the 自然人 cell of （一）予以公开, the first row on page 2.
pub const CONTINUED_BLANK: (usize, usize) = (5, 2);

/// Rows of [`continued_table3`] drawn on page 1; the rest are on page 2.
const CONTINUED_PAGE1_ROWS: usize = 5;

/// Block （一） of table 2 (2021 edition).
pub fn table2_item1() -> Grid {
    vec![
        vec![("第二十条第（一）项", 1, 4)],
        vec![
            ("信息内容", 1, 1),
            ("本年制发件数", 1, 1),
            ("本年废止件数", 1, 1),
            ("现行有效件数", 1, 1),
        ],
        vec![("规章", 1, 1), ("2", 1, 1), ("0", 1, 1), ("13", 1, 1)],
        vec![
            ("行政规范性文件", 1, 1),
            ("21", 1, 1),
            ("5", 1, 1),
            ("64", 1, 1),
        ],
    ]
}

/// The grid with every text that is not all ASCII blanked.
pub fn without_labels(grid: &Grid) -> Grid {
    grid.iter()
        .map(|row| {
            row.iter()
                .map(|&(t, rs, cs)| (if t.is_ascii() { t } else { "" }, rs, cs))
                .collect()
        })
        .collect()
}

/// Every non-blank text of a grid, in order.
pub fn texts(grid: &Grid) -> Vec<&'static str> {
    grid.iter()
        .flatten()
        .map(|c| c.0)
        .filter(|t| !t.is_empty())
        .collect()
}

/// Each cell of a grid with its place: (row, column, rowspan, colspan, text),
/// from an occupancy walk as HTML places `rowspan`/`colspan` cells.
/// Works on any grid of (text, rowspan, colspan), a reader's as well.
pub fn place<S: Clone>(grid: &[Vec<(S, u32, u32)>]) -> Vec<(usize, usize, usize, usize, S)> {
    let mut taken: Vec<Vec<bool>> = Vec::new();
    let mut out = Vec::new();
    for (r, row) in grid.iter().enumerate() {
        let mut c = 0;
        for (text, rs, cs) in row {
            let (rs, cs) = (*rs as usize, *cs as usize);
            while taken
                .get(r)
                .and_then(|t| t.get(c))
                .copied()
                .unwrap_or(false)
            {
                c += 1;
            }
            for rr in r..r + rs {
                if taken.len() <= rr {
                    taken.resize(rr + 1, Vec::new());
                }
                let t = &mut taken[rr];
                if t.len() < c + cs {
                    t.resize(c + cs, false);
                }
                for slot in &mut t[c..c + cs] {
                    *slot = true;
                }
            }
            out.push((r, c, rs, cs, text.clone()));
            c += cs;
        }
    }
    out
}

// ---------------------------------------------------------------------------
// The builders
// ---------------------------------------------------------------------------

/// Table 4 on an A4 page, its rules drawn as thin filled rectangles
/// (`x y w 0.5 re f`), one per maximal run of a grid line (Chromium draws
/// its borders as filled rectangles too, though one per cell edge). Labels
/// in the CJK font with ToUnicode, digits in Helvetica. Expected: [`table4`].
pub fn filled_rules_table() -> Vec<u8> {
    one_table_page(
        &table4(),
        &table4_layout(40.0, 760.0),
        Rules::Filled,
        Face::Cjk,
        Face::Helvetica,
    )
}

/// A one-page PDF with one table drawn by [`Pdf::table`].
fn one_table_page(
    grid: &Grid,
    layout: &Layout,
    rules: Rules,
    label: Face,
    digits: Face,
) -> Vec<u8> {
    let mut pdf = Pdf::new();
    let ops = pdf.table(grid, layout, rules, label, digits);
    pdf.page(ops, None);
    pdf.finish()
}

/// Table 4 drawn in a Form XObject `/T4` whose /Matrix scales by 0.8 and
/// moves by (10, 20); the page places it with `1 0 0 1 40 420 cm /T4 Do`.
/// The table is drawn in the form's own space from (0, 0), with stroked
/// rules (`m l S`, 0.5 pt). Expected: [`table4`].
pub fn form_xobject_table() -> Vec<u8> {
    let mut pdf = Pdf::new();
    let layout = table4_layout(0.0, 100.0);
    let inner = pdf.table(
        &table4(),
        &layout,
        Rules::Stroked,
        Face::Cjk,
        Face::Helvetica,
    );
    let form = pdf.form(
        inner,
        [0.0, 0.0, 600.0, 100.0],
        [0.8, 0.0, 0.0, 0.8, 10.0, 20.0],
    );
    let ops = vec![
        op("q", vec![]),
        op("cm", nums(&[1.0, 0.0, 0.0, 1.0, 40.0, 420.0])),
        op("Do", vec![Object::Name(form.into_bytes())]),
        op("Q", vec![]),
    ];
    pdf.page(ops, None);
    pdf.finish()
}

/// A portrait A4 page with `/Rotate 90` whose content is turned by
/// `0 1 -1 0 595 0 cm`, so that the page as displayed (842 × 595, turned
/// clockwise) shows an upright table 3 fragment; in the unrotated user
/// space the text runs upwards. Rules filled. Expected: [`table3_fragment`].
pub fn rotated_page_table() -> Vec<u8> {
    let mut pdf = Pdf::new();
    let layout = table3_layout(60.0, 520.0);
    let mut ops = vec![
        op("q", vec![]),
        op("cm", nums(&[0.0, 1.0, -1.0, 0.0, 595.0, 0.0])),
    ];
    ops.extend(pdf.table(
        &table3_fragment(),
        &layout,
        Rules::Filled,
        Face::Cjk,
        Face::Helvetica,
    ));
    ops.push(op("Q", vec![]));
    pdf.page(ops, Some(90));
    pdf.finish()
}

/// Table 4 with its digits in a simple font (`/Type1 /Helvetica`) without
/// ToUnicode whose /Encoding is WinAnsiEncoding with `/Differences [65 /zero
/// /one … /nine]`: the bytes are `A`…`J`, the glyphs (and the text) are the
/// digits. Stroked rules. Expected: [`table4`].
pub fn differences_font_table() -> Vec<u8> {
    one_table_page(
        &table4(),
        &table4_layout(40.0, 760.0),
        Rules::Stroked,
        Face::Cjk,
        Face::Differences,
    )
}

/// Table 4 with its labels in a Type0 font, `Identity-H`, CIDSystemInfo
/// Adobe-Identity-0, with no ToUnicode and no embedded program: the codes
/// (1, 2, 3… by first use) say nothing of the characters. Digits in
/// Helvetica. Expected: [`Expected::Undecodable`] for font `CJK_NO_UNICODE`.
pub fn cid_without_tounicode_table() -> Vec<u8> {
    one_table_page(
        &table4(),
        &table4_layout(40.0, 760.0),
        Rules::Stroked,
        Face::CjkNoUnicode,
        Face::Helvetica,
    )
}

/// One A4 page that is only a grey image (`/Im1 Do`, 120 × 40 pixels) of a
/// ruled 4 × 3 grid, as a scan would be; no text operators at all.
/// Expected: [`Expected::NoTextLayer`] for page 1.
pub fn image_only_page() -> Vec<u8> {
    let mut pdf = Pdf::new();
    let (w, h) = (120u32, 40u32);
    let mut pixels = Vec::new();
    for y in 0..h {
        for x in 0..w {
            let rule = x % 30 == 0 || x == w - 1 || y % 10 == 0 || y == h - 1;
            pixels.push(if rule { 0u8 } else { 255u8 });
        }
    }
    let image = Stream::new(
        dictionary! {
            "Type" => "XObject",
            "Subtype" => "Image",
            "Width" => w,
            "Height" => h,
            "ColorSpace" => "DeviceGray",
            "BitsPerComponent" => 8,
        },
        pixels,
    );
    let id = pdf.doc.add_object(image);
    pdf.xobjects.set("Im1", id);
    let ops = vec![
        op("q", vec![]),
        op("cm", nums(&[480.0, 0.0, 0.0, 160.0, 57.0, 600.0])),
        op("Do", vec!["Im1".into()]),
        op("Q", vec![]),
    ];
    pdf.page(ops, None);
    pdf.finish()
}

/// Block （一） of table 2 laid out in columns (label column 120 pt, value
/// columns 90 pt) with no rule, no fill, no clip. Expected:
/// [`Expected::NoRules`] with [`table2_item1`].
pub fn borderless_table() -> Vec<u8> {
    let layout = Layout {
        x: 60.0,
        top: 760.0,
        widths: vec![120.0, 90.0, 90.0, 90.0],
        row_height: 22.0,
        size: 10.0,
    };
    one_table_page(
        &table2_item1(),
        &layout,
        Rules::None,
        Face::Cjk,
        Face::Helvetica,
    )
}

/// The table 3 fragment [`continued_table3`] across two pages: page 1 holds
/// the header and rows 一 and 二 and is closed by a bottom rule; page 2
/// holds 三/（一） and （二）, closed by a top rule, with no repeated header.
/// The first data cell of page 2 (（一）'s 自然人) is blank. Each page has a
/// centred footer `-N-` in Helvetica. Rules filled.
/// Expected: [`Expected::Continued`].
pub fn blank_at_continuation() -> Vec<u8> {
    let mut pdf = Pdf::new();
    let grid = continued_table3();
    let (first, second) = grid.split_at(CONTINUED_PAGE1_ROWS.min(grid.len()));
    // Page 1 ends its part at y 310; page 2's part starts at the top. Both
    // use the columns of the whole table; page 2's first row starts with 三
    // (rowspan 2) and （一）(colspan 2).
    for (n, (rows, top)) in [(first, 400.0), (second, 800.0)].into_iter().enumerate() {
        let mut ops = pdf.table(
            &rows.to_vec(),
            &table3_layout(40.0, top),
            Rules::Filled,
            Face::Cjk,
            Face::Helvetica,
        );
        let footer = format!("-{}-", n + 1);
        ops.extend(pdf.text(Face::Helvetica, 10.0, 290.0, 40.0, &footer));
        pdf.page(ops, None);
    }
    pdf.finish()
}

fn table4_layout(x: f32, top: f32) -> Layout {
    Layout {
        x,
        top,
        widths: vec![34.0; 15],
        row_height: 16.0,
        size: 7.0,
    }
}

fn table3_layout(x: f32, top: f32) -> Layout {
    let mut widths = vec![60.0, 60.0, 120.0];
    widths.extend([40.0; 7]);
    Layout {
        x,
        top,
        widths,
        row_height: 18.0,
        size: 6.0,
    }
}

// ---------------------------------------------------------------------------
// Drawing
// ---------------------------------------------------------------------------

/// The font resource of the labels in every builder but one.
pub const CJK: &str = "C1";
/// The font resource of the labels in [`cid_without_tounicode_table`].
pub const CJK_NO_UNICODE: &str = "C2";
/// Helvetica, WinAnsiEncoding.
pub const HELVETICA: &str = "F1";
/// Helvetica with /Differences mapping `A`…`J` to the digits.
pub const DIFFERENCES: &str = "F2";

#[derive(Clone, Copy, PartialEq)]
enum Face {
    Helvetica,
    Differences,
    Cjk,
    CjkNoUnicode,
}

#[derive(Clone, Copy, PartialEq)]
enum Rules {
    Filled,
    Stroked,
    None,
}

struct Layout {
    x: f32,
    top: f32,
    widths: Vec<f32>,
    row_height: f32,
    size: f32,
}

const RULE: f32 = 0.5;

fn op(name: &str, operands: Vec<Object>) -> Operation {
    Operation::new(name, operands)
}

fn nums(v: &[f32]) -> Vec<Object> {
    v.iter().map(|&n| Object::Real(n)).collect()
}

struct Pdf {
    doc: Document,
    pages_id: ObjectId,
    resources_id: ObjectId,
    pages: Vec<ObjectId>,
    /// The CJK characters, numbered by first use from code 1.
    chars: Vec<char>,
    xobjects: Dictionary,
}

impl Pdf {
    fn new() -> Pdf {
        let mut doc = Document::with_version("1.7");
        let pages_id = doc.new_object_id();
        let resources_id = doc.new_object_id();
        Pdf {
            doc,
            pages_id,
            resources_id,
            pages: Vec::new(),
            chars: Vec::new(),
            xobjects: Dictionary::new(),
        }
    }

    fn code(&mut self, c: char) -> u16 {
        let at = match self.chars.iter().position(|&x| x == c) {
            Some(i) => i,
            None => {
                self.chars.push(c);
                self.chars.len() - 1
            }
        };
        u16::try_from(at + 1).unwrap_or(u16::MAX)
    }

    /// Text drawn from (x, y) on the baseline.
    fn text(&mut self, face: Face, size: f32, x: f32, y: f32, s: &str) -> Vec<Operation> {
        let (font, bytes, format) = match face {
            Face::Helvetica => (HELVETICA, s.as_bytes().to_vec(), StringFormat::Literal),
            Face::Differences => (
                DIFFERENCES,
                s.bytes()
                    .map(|b| {
                        if b.is_ascii_digit() {
                            b - b'0' + b'A'
                        } else {
                            b
                        }
                    })
                    .collect(),
                StringFormat::Literal,
            ),
            Face::Cjk | Face::CjkNoUnicode => (
                if face == Face::Cjk {
                    CJK
                } else {
                    CJK_NO_UNICODE
                },
                s.chars().flat_map(|c| self.code(c).to_be_bytes()).collect(),
                StringFormat::Hexadecimal,
            ),
        };
        vec![
            op("BT", vec![]),
            op("Tf", vec![font.into(), Object::Real(size)]),
            op("Td", nums(&[x, y])),
            op("Tj", vec![Object::String(bytes, format)]),
            op("ET", vec![]),
        ]
    }

    /// The width of a text in a face, in points.
    fn width(face: Face, size: f32, s: &str) -> f32 {
        s.chars()
            .map(|c| match face {
                Face::Helvetica | Face::Differences => 0.556,
                Face::Cjk | Face::CjkNoUnicode if c.is_ascii() => 0.5,
                _ => 1.0,
            })
            .sum::<f32>()
            * size
    }

    /// A grid drawn from the top-left corner of `layout`: its rules (the
    /// maximal runs of each grid line that separate two different cells or
    /// bound the table), then each cell's text centred in the cell, one line.
    fn table(
        &mut self,
        grid: &Grid,
        layout: &Layout,
        rules: Rules,
        label: Face,
        digits: Face,
    ) -> Vec<Operation> {
        let placed = place(grid);
        let cols = layout.widths.len();
        let rows = grid.len();
        let mut xs = vec![layout.x];
        for w in &layout.widths {
            xs.push(xs.last().copied().unwrap_or(0.0) + w);
        }
        let ys: Vec<f32> = (0..=rows)
            .map(|r| layout.top - layout.row_height * r as f32)
            .collect();
        // owner[r][c]: index of the cell covering slot (r, c).
        let mut owner = vec![vec![usize::MAX; cols]; rows];
        for (i, &(r, c, rs, cs, _)) in placed.iter().enumerate() {
            for row in owner.iter_mut().skip(r).take(rs) {
                for slot in row.iter_mut().skip(c).take(cs) {
                    *slot = i;
                }
            }
        }
        let at = |r: usize, c: usize| owner.get(r).and_then(|row| row.get(c)).copied();
        let mut ops = vec![op("q", vec![])];
        if rules != Rules::None {
            ops.push(op("w", vec![Object::Real(RULE)]));
            ops.push(op("g", nums(&[0.0])));
            ops.push(op("G", nums(&[0.0])));
            // Horizontal line r separates rows r-1 and r.
            for (r, &y) in ys.iter().enumerate() {
                let cut: Vec<bool> = (0..cols)
                    .map(|c| r == 0 || r == rows || at(r - 1, c) != at(r, c))
                    .collect();
                for (c0, c1) in runs(&cut) {
                    ops.extend(rule(rules, xs[c0], y, xs[c1], y));
                }
            }
            // Vertical line c separates columns c-1 and c.
            for (c, &x) in xs.iter().enumerate() {
                let cut: Vec<bool> = (0..rows)
                    .map(|r| c == 0 || c == cols || at(r, c - 1) != at(r, c))
                    .collect();
                for (r0, r1) in runs(&cut) {
                    ops.extend(rule(rules, x, ys[r0], x, ys[r1]));
                }
            }
        }
        ops.push(op("Q", vec![]));
        for &(r, c, rs, cs, text) in &placed {
            if text.is_empty() {
                continue;
            }
            let face = if text.is_ascii() { digits } else { label };
            let (x0, x1) = (xs[c], xs[(c + cs).min(cols)]);
            let (y0, y1) = (ys[(r + rs).min(rows)], ys[r]);
            let w = Self::width(face, layout.size, text);
            let x = (x0 + x1 - w) / 2.0;
            let y = (y0 + y1) / 2.0 - layout.size * 0.35;
            ops.extend(self.text(face, layout.size, x, y, text));
        }
        ops
    }

    /// A Form XObject of these operations, named `/T4`.
    fn form(&mut self, ops: Vec<Operation>, bbox: [f32; 4], matrix: [f32; 6]) -> String {
        let content = Content { operations: ops }.encode().unwrap_or_default();
        let stream = Stream::new(
            dictionary! {
                "Type" => "XObject",
                "Subtype" => "Form",
                "BBox" => nums(&bbox),
                "Matrix" => nums(&matrix),
                "Resources" => self.resources_id,
            },
            content,
        );
        let id = self.doc.add_object(stream);
        self.xobjects.set("T4", id);
        "T4".to_string()
    }

    fn page(&mut self, ops: Vec<Operation>, rotate: Option<i64>) {
        let content = Content { operations: ops }.encode().unwrap_or_default();
        let content_id = self.doc.add_object(Stream::new(dictionary! {}, content));
        let mut page = dictionary! {
            "Type" => "Page",
            "Parent" => self.pages_id,
            "Contents" => content_id,
        };
        if let Some(r) = rotate {
            page.set("Rotate", r);
        }
        let id = self.doc.add_object(page);
        self.pages.push(id);
    }

    fn finish(mut self) -> Vec<u8> {
        let helvetica = self.doc.add_object(dictionary! {
            "Type" => "Font",
            "Subtype" => "Type1",
            "BaseFont" => "Helvetica",
            "Encoding" => "WinAnsiEncoding",
        });
        let digits: Vec<Object> = [
            "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
        ]
        .iter()
        .map(|&n| n.into())
        .collect();
        let mut differences = vec![Object::Integer(65)];
        differences.extend(digits);
        let remapped = self.doc.add_object(dictionary! {
            "Type" => "Font",
            "Subtype" => "Type1",
            "BaseFont" => "Helvetica",
            "Encoding" => dictionary! {
                "Type" => "Encoding",
                "BaseEncoding" => "WinAnsiEncoding",
                "Differences" => differences,
            },
        });
        let cjk = self.cjk_font(true);
        let cjk_bare = self.cjk_font(false);
        let resources = dictionary! {
            "Font" => dictionary! {
                HELVETICA => helvetica,
                DIFFERENCES => remapped,
                CJK => cjk,
                CJK_NO_UNICODE => cjk_bare,
            },
            "XObject" => self.xobjects.clone(),
        };
        self.doc
            .objects
            .insert(self.resources_id, Object::Dictionary(resources));
        let kids: Vec<Object> = self.pages.iter().map(|&id| id.into()).collect();
        let count = i64::try_from(kids.len()).unwrap_or(0);
        let pages = dictionary! {
            "Type" => "Pages",
            "Kids" => kids,
            "Count" => count,
            "Resources" => self.resources_id,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        };
        self.doc
            .objects
            .insert(self.pages_id, Object::Dictionary(pages));
        let catalog = self.doc.add_object(dictionary! {
            "Type" => "Catalog",
            "Pages" => self.pages_id,
        });
        self.doc.trailer.set("Root", catalog);
        let mut out = Vec::new();
        // Writing to a Vec cannot fail; an empty result fails every test.
        let _ = self.doc.save_to(&mut out);
        out
    }

    /// A Type0 font over a CIDFontType2 with no program; with or without
    /// the ToUnicode CMap of the characters used so far.
    fn cjk_font(&mut self, to_unicode: bool) -> ObjectId {
        let name = if to_unicode {
            "SynthSong"
        } else {
            "SynthSongBare"
        };
        let descriptor = self.doc.add_object(dictionary! {
            "Type" => "FontDescriptor",
            "FontName" => name,
            "Flags" => 4,
            "FontBBox" => vec![0.into(), (-120).into(), 1000.into(), 880.into()],
            "ItalicAngle" => 0,
            "Ascent" => 880,
            "Descent" => -120,
            "CapHeight" => 700,
            "StemV" => 80,
        });
        // ASCII characters (in labels like `1.`) are half width.
        let mut widths = Vec::new();
        for (i, c) in self.chars.iter().enumerate() {
            if c.is_ascii() {
                widths.push(Object::Integer(i64::try_from(i + 1).unwrap_or(0)));
                widths.push(vec![Object::Integer(500)].into());
            }
        }
        let cid_font = self.doc.add_object(dictionary! {
            "Type" => "Font",
            "Subtype" => "CIDFontType2",
            "BaseFont" => name,
            "CIDSystemInfo" => dictionary! {
                "Registry" => Object::string_literal("Adobe"),
                "Ordering" => Object::string_literal("Identity"),
                "Supplement" => 0,
            },
            "FontDescriptor" => descriptor,
            "DW" => 1000,
            "W" => widths,
            "CIDToGIDMap" => "Identity",
        });
        let mut font = dictionary! {
            "Type" => "Font",
            "Subtype" => "Type0",
            "BaseFont" => name,
            "Encoding" => "Identity-H",
            "DescendantFonts" => vec![cid_font.into()],
        };
        if to_unicode {
            let cmap = self
                .doc
                .add_object(Stream::new(dictionary! {}, self.cmap()));
            font.set("ToUnicode", cmap);
        }
        self.doc.add_object(font)
    }

    /// The ToUnicode CMap: code i+1 -> chars[i].
    fn cmap(&self) -> Vec<u8> {
        let mut s = String::from(
            "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
             /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
             /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
             1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
        );
        for chunk in self.chars.chunks(100).enumerate() {
            let (n, chars) = chunk;
            s.push_str(&format!("{} beginbfchar\n", chars.len()));
            for (i, c) in chars.iter().enumerate() {
                let code = n * 100 + i + 1;
                let mut units = [0u16; 2];
                let hex: String = c
                    .encode_utf16(&mut units)
                    .iter()
                    .map(|u| format!("{u:04X}"))
                    .collect();
                s.push_str(&format!("<{code:04X}> <{hex}>\n"));
            }
            s.push_str("endbfchar\n");
        }
        s.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
        s.into_bytes()
    }
}

/// Maximal runs of `true`: (start, end) with end exclusive.
fn runs(cut: &[bool]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, &on) in cut.iter().chain(std::iter::once(&false)).enumerate() {
        match (on, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// One rule from (x0, y0) to (x1, y1), horizontal or vertical.
fn rule(rules: Rules, x0: f32, y0: f32, x1: f32, y1: f32) -> Vec<Operation> {
    match rules {
        Rules::Filled => {
            let h = RULE / 2.0;
            let (x, y) = (x0.min(x1) - h, y0.min(y1) - h);
            let (w, ht) = ((x1 - x0).abs() + RULE, (y1 - y0).abs() + RULE);
            vec![op("re", nums(&[x, y, w, ht])), op("f", vec![])]
        }
        Rules::Stroked => vec![
            op("m", nums(&[x0, y0])),
            op("l", nums(&[x1, y1])),
            op("S", vec![]),
        ],
        Rules::None => Vec::new(),
    }
}
