//! A content-stream interpreter that keeps what reading needs: each glyph's
//! text and box, and the straight axis-aligned lines (stroked, or filled
//! rectangles no thicker than [`MAX_RULE_THICKNESS`]) that draw table rules.
//!
//! Coordinates come out in display space: points, origin at the top left of
//! the page as shown (after `/Rotate`), y growing downwards.

use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId};

use super::font::{Decoded, Font, deref, number};
use super::{Budget, MAX_GLYPHS_PER_PAGE, MAX_OPERATORS_PER_PAGE, MAX_XOBJECT_DEPTH};
use crate::error::Error;

/// A filled shape no thicker than this (points) is a rule, not shading.
pub const MAX_RULE_THICKNESS: f32 = 2.0;
/// A line whose ends differ by no more than this across is straight.
const STRAIGHT: f32 = 0.5;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Glyph {
    pub ch: char,
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
    /// The glyph's size on the page, in points.
    pub size: f32,
    /// The font writes vertically.
    pub vertical: bool,
}

impl Glyph {
    pub fn cx(&self) -> f32 {
        (self.x0 + self.x1) / 2.0
    }
    pub fn cy(&self) -> f32 {
        (self.y0 + self.y1) / 2.0
    }
}

/// A horizontal (`y0 == y1`) or vertical (`x0 == x1`) rule, ends ordered.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Seg {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
}

impl Seg {
    pub fn horizontal(&self) -> bool {
        (self.y1 - self.y0).abs() <= (self.x1 - self.x0).abs()
    }
}

/// What one page holds.
#[derive(Debug, Default)]
pub struct Page {
    pub glyphs: Vec<Glyph>,
    pub segs: Vec<Seg>,
    /// Fonts with codes that decode to nothing usable.
    pub undecodable: BTreeSet<String>,
    /// The page paints images.
    pub images: bool,
    /// Glyphs whose Unicode was a CJK radical, read as the ideograph it
    /// stands for.
    pub radicals: usize,
}

type Matrix = [f32; 6];
const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `a` then `b`.
fn mul(a: &Matrix, b: &Matrix) -> Matrix {
    [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]
}

fn apply(m: &Matrix, x: f32, y: f32) -> (f32, f32) {
    (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
}

#[derive(Clone)]
struct State {
    ctm: Matrix,
    font: Option<Rc<Font>>,
    size: f32,
    char_spacing: f32,
    word_spacing: f32,
    scale: f32,
    leading: f32,
    rise: f32,
    render: i64,
    stroke_white: bool,
    fill_white: bool,
}

/// Fonts parsed once per document, by the address of their dictionary.
pub type FontCache = HashMap<usize, Rc<Font>>;

pub struct Interp<'d> {
    doc: &'d Document,
    fonts: &'d mut FontCache,
    budget: &'d mut Budget,
    page: Page,
    state: State,
    stack: Vec<State>,
    tm: Matrix,
    tlm: Matrix,
    /// Subpaths of the current path: points, each with whether it is joined
    /// to the previous by a straight line.
    path: Vec<Vec<((f32, f32), bool)>>,
    operators: usize,
}

/// Reads one page.
pub fn page(
    doc: &Document,
    page_id: ObjectId,
    fonts: &mut FontCache,
    budget: &mut Budget,
) -> Result<Page, Error> {
    let page_dict = doc
        .get_dictionary(page_id)
        .map_err(|e| corrupt(e.to_string()))?;
    let media = inherited(doc, page_dict, b"CropBox")
        .or_else(|| inherited(doc, page_dict, b"MediaBox"))
        .and_then(|o| match o {
            Object::Array(a) => {
                let v: Vec<f32> = a.iter().filter_map(|o| number(doc, Some(o))).collect();
                (v.len() == 4).then(|| [v[0], v[1], v[2], v[3]])
            }
            _ => None,
        })
        .unwrap_or([0.0, 0.0, 595.0, 842.0]);
    let (x0, y0) = (media[0].min(media[2]), media[1].min(media[3]));
    let (x1, y1) = (media[0].max(media[2]), media[1].max(media[3]));
    let rotate = inherited(doc, page_dict, b"Rotate")
        .and_then(|o| number(doc, Some(o)))
        .map_or(0, |r| (r as i64).rem_euclid(360));
    // User space -> display space, y down.
    let base = match rotate {
        90 => [0.0, 1.0, 1.0, 0.0, -y0, -x0],
        180 => [-1.0, 0.0, 0.0, 1.0, x1, -y0],
        270 => [0.0, -1.0, -1.0, 0.0, y1, x1],
        _ => [1.0, 0.0, 0.0, -1.0, -x0, y1],
    };
    let resources = match inherited(doc, page_dict, b"Resources") {
        Some(Object::Dictionary(d)) => Some(d),
        _ => None,
    };
    let mut content = Vec::new();
    for id in doc.get_page_contents(page_id) {
        if let Ok(Object::Stream(s)) = doc.get_object(id) {
            content.extend(budget.decode(s)?);
            content.push(b'\n');
        }
    }
    let mut it = Interp {
        doc,
        fonts,
        budget,
        page: Page::default(),
        state: State {
            ctm: base,
            font: None,
            size: 0.0,
            char_spacing: 0.0,
            word_spacing: 0.0,
            scale: 1.0,
            leading: 0.0,
            rise: 0.0,
            render: 0,
            stroke_white: false,
            fill_white: false,
        },
        stack: Vec::new(),
        tm: IDENTITY,
        tlm: IDENTITY,
        path: Vec::new(),
        operators: 0,
    };
    it.run(&content, resources, 0)?;
    Ok(it.page)
}

/// A page attribute, looked up through the page tree's parents.
fn inherited<'a>(doc: &'a Document, page: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    let mut dict = page;
    for _ in 0..32 {
        if let Ok(o) = dict.get(key) {
            return deref(doc, Some(o)).ok();
        }
        match deref(doc, dict.get(b"Parent").ok()) {
            Ok(Object::Dictionary(p)) => dict = p,
            _ => return None,
        }
    }
    None
}

fn corrupt(message: String) -> Error {
    Error::Corrupt {
        place: String::new(),
        message: format!("PDF: {message}"),
    }
}

fn num(o: Option<&Object>) -> f32 {
    match o {
        Some(Object::Integer(i)) => *i as f32,
        Some(Object::Real(r)) if r.is_finite() => *r,
        _ => 0.0,
    }
}

/// The operands as numbers, when there are exactly `N` of them.
fn nums<const N: usize>(ops: &[Object]) -> Option<[f32; N]> {
    if ops.len() < N {
        return None;
    }
    let mut out = [0.0; N];
    for (o, v) in out.iter_mut().zip(&ops[ops.len() - N..]) {
        *o = match v {
            Object::Integer(i) => *i as f32,
            Object::Real(r) if r.is_finite() => *r,
            _ => return None,
        };
    }
    Some(out)
}

/// Whether colour components are white (gray or RGB near 1, CMYK near 0).
fn white(ops: &[Object]) -> bool {
    let v: Vec<f32> = ops
        .iter()
        .filter(|o| matches!(o, Object::Integer(_) | Object::Real(_)))
        .map(|o| num(Some(o)))
        .collect();
    match v.len() {
        1 | 3 => v.iter().all(|c| *c >= 0.95),
        4 => v.iter().all(|c| *c <= 0.05),
        _ => false,
    }
}

impl Interp<'_> {
    fn run(
        &mut self,
        content: &[u8],
        resources: Option<&Dictionary>,
        depth: usize,
    ) -> Result<(), Error> {
        for op in Content::decode_iter(content) {
            // A damaged stream ends where it can no longer be read.
            let Ok(op) = op else { break };
            self.operators += 1;
            if self.operators > MAX_OPERATORS_PER_PAGE {
                return Err(Error::TooLarge {
                    name: "MAX_OPERATORS_PER_PAGE",
                    limit: MAX_OPERATORS_PER_PAGE as u64,
                });
            }
            self.op(&op.operator, &op.operands, resources, depth)?;
        }
        Ok(())
    }

    fn op(
        &mut self,
        operator: &str,
        ops: &[Object],
        resources: Option<&Dictionary>,
        depth: usize,
    ) -> Result<(), Error> {
        let s = &mut self.state;
        match operator {
            "q" if self.stack.len() < 256 => self.stack.push(s.clone()),
            "Q" => {
                if let Some(prev) = self.stack.pop() {
                    self.state = prev;
                }
            }
            "cm" => {
                if let Some(m) = nums::<6>(ops) {
                    s.ctm = mul(&m, &s.ctm);
                }
            }
            "G" | "RG" | "K" | "SC" | "SCN" => s.stroke_white = white(ops),
            "g" | "rg" | "k" | "sc" | "scn" => s.fill_white = white(ops),
            "CS" => s.stroke_white = false,
            "cs" => s.fill_white = false,
            // Paths.
            "m" => {
                if let Some([x, y]) = nums::<2>(ops) {
                    let p = apply(&s.ctm, x, y);
                    self.path.push(vec![(p, false)]);
                }
            }
            "l" => {
                if let Some([x, y]) = nums::<2>(ops) {
                    let p = apply(&s.ctm, x, y);
                    match self.path.last_mut() {
                        Some(sub) => sub.push((p, true)),
                        None => self.path.push(vec![(p, false)]),
                    }
                }
            }
            "c" | "v" | "y" => {
                if let Some([x, y]) = nums::<2>(ops) {
                    let p = apply(&s.ctm, x, y);
                    match self.path.last_mut() {
                        Some(sub) => sub.push((p, false)),
                        None => self.path.push(vec![(p, false)]),
                    }
                }
            }
            "h" => self.close(),
            "re" => {
                if let Some([x, y, w, h]) = nums::<4>(ops) {
                    let m = &s.ctm;
                    let pts = [(x, y), (x + w, y), (x + w, y + h), (x, y + h), (x, y)];
                    let sub = pts
                        .iter()
                        .enumerate()
                        .map(|(i, &(px, py))| (apply(m, px, py), i > 0))
                        .collect();
                    self.path.push(sub);
                }
            }
            "S" => self.paint(true, false),
            "s" => {
                self.close();
                self.paint(true, false);
            }
            "f" | "F" | "f*" => self.paint(false, true),
            "B" | "B*" => self.paint(true, true),
            "b" | "b*" => {
                self.close();
                self.paint(true, true);
            }
            "n" => self.path.clear(),
            // Text.
            "BT" => {
                self.tm = IDENTITY;
                self.tlm = IDENTITY;
            }
            "Tf" => {
                if let (Some(Object::Name(name)), Some(size)) = (ops.first(), ops.get(1)) {
                    s.size = num(Some(size));
                    let font = self.font(resources, name)?;
                    self.state.font = font;
                }
            }
            "Tc" => s.char_spacing = num(ops.first()),
            "Tw" => s.word_spacing = num(ops.first()),
            "Tz" => s.scale = num(ops.first()) / 100.0,
            "TL" => s.leading = num(ops.first()),
            "Ts" => s.rise = num(ops.first()),
            "Tr" => {
                if let Some(Object::Integer(r)) = ops.first() {
                    s.render = *r;
                }
            }
            "Td" | "TD" => {
                if let Some([x, y]) = nums::<2>(ops) {
                    if operator == "TD" {
                        s.leading = -y;
                    }
                    self.tlm = mul(&[1.0, 0.0, 0.0, 1.0, x, y], &self.tlm);
                    self.tm = self.tlm;
                }
            }
            "Tm" => {
                if let Some(m) = nums::<6>(ops) {
                    self.tlm = m;
                    self.tm = m;
                }
            }
            "T*" => self.next_line(),
            "Tj" => {
                if let Some(Object::String(b, _)) = ops.first() {
                    self.show(b)?;
                }
            }
            "'" => {
                self.next_line();
                if let Some(Object::String(b, _)) = ops.first() {
                    self.show(b)?;
                }
            }
            "\"" => {
                if let (Some(aw), Some(ac), Some(Object::String(b, _))) =
                    (ops.first(), ops.get(1), ops.get(2))
                {
                    s.word_spacing = num(Some(aw));
                    s.char_spacing = num(Some(ac));
                    self.next_line();
                    self.show(b)?;
                }
            }
            "TJ" => {
                if let Some(Object::Array(items)) = ops.first() {
                    for item in items {
                        match item {
                            Object::String(b, _) => self.show(b)?,
                            Object::Integer(_) | Object::Real(_) => {
                                let n = num(Some(item)) / 1000.0 * self.state.size;
                                let vertical = self.state.font.as_ref().is_some_and(|f| f.vertical);
                                let (tx, ty) = if vertical {
                                    (0.0, -n)
                                } else {
                                    (-n * self.state.scale, 0.0)
                                };
                                self.tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, ty], &self.tm);
                            }
                            _ => {}
                        }
                    }
                }
            }
            "Do" => {
                if let Some(Object::Name(name)) = ops.first() {
                    self.xobject(resources, name, depth)?;
                }
            }
            "BI" => self.page.images = true,
            _ => {}
        }
        Ok(())
    }

    fn next_line(&mut self) {
        self.tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -self.state.leading], &self.tlm);
        self.tm = self.tlm;
    }

    fn close(&mut self) {
        if let Some(sub) = self.path.last_mut()
            && let (Some(first), Some(last)) = (sub.first().copied(), sub.last().copied())
            && first.0 != last.0
        {
            sub.push((first.0, true));
        }
    }

    /// Keeps a painted path's straight axis-aligned pieces as rules.
    fn paint(&mut self, stroke: bool, fill: bool) {
        let path = std::mem::take(&mut self.path);
        for sub in &path {
            if stroke && !self.state.stroke_white {
                for w in sub.windows(2) {
                    let ((a, _), (b, straight)) = (w[0], w[1]);
                    if straight {
                        self.push_seg(a, b);
                    }
                }
            }
            if fill && !self.state.fill_white && sub.len() >= 3 {
                // A thin filled rectangle is a rule along its middle.
                let straight = sub.iter().skip(1).all(|(_, s)| *s)
                    && sub.windows(2).all(|w| {
                        (w[0].0.0 - w[1].0.0).abs() <= STRAIGHT
                            || (w[0].0.1 - w[1].0.1).abs() <= STRAIGHT
                    });
                if !straight {
                    continue;
                }
                let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
                for ((x, y), _) in sub {
                    x0 = x0.min(*x);
                    y0 = y0.min(*y);
                    x1 = x1.max(*x);
                    y1 = y1.max(*y);
                }
                let (w, h) = (x1 - x0, y1 - y0);
                if h <= MAX_RULE_THICKNESS && w > h {
                    let y = (y0 + y1) / 2.0;
                    self.push_seg((x0, y), (x1, y));
                } else if w <= MAX_RULE_THICKNESS && h > w {
                    let x = (x0 + x1) / 2.0;
                    self.push_seg((x, y0), (x, y1));
                }
            }
        }
    }

    fn push_seg(&mut self, a: (f32, f32), b: (f32, f32)) {
        let (dx, dy) = ((a.0 - b.0).abs(), (a.1 - b.1).abs());
        let seg = if dy <= STRAIGHT && dx > STRAIGHT {
            let y = (a.1 + b.1) / 2.0;
            Seg {
                x0: a.0.min(b.0),
                y0: y,
                x1: a.0.max(b.0),
                y1: y,
            }
        } else if dx <= STRAIGHT && dy > STRAIGHT {
            let x = (a.0 + b.0) / 2.0;
            Seg {
                x0: x,
                y0: a.1.min(b.1),
                x1: x,
                y1: a.1.max(b.1),
            }
        } else {
            return;
        };
        if [seg.x0, seg.y0, seg.x1, seg.y1]
            .iter()
            .all(|v| v.is_finite())
            && self.page.segs.len() < MAX_GLYPHS_PER_PAGE
        {
            self.page.segs.push(seg);
        }
    }

    fn font(
        &mut self,
        resources: Option<&Dictionary>,
        name: &[u8],
    ) -> Result<Option<Rc<Font>>, Error> {
        let doc = self.doc;
        let dict = resources
            .and_then(|r| deref(doc, r.get(b"Font").ok()).ok())
            .and_then(|f| match f {
                Object::Dictionary(d) => deref(doc, d.get(name).ok()).ok(),
                _ => None,
            });
        let Some(Object::Dictionary(dict)) = dict else {
            return Ok(None);
        };
        let key = dict as *const Dictionary as usize;
        if let Some(f) = self.fonts.get(&key) {
            return Ok(Some(f.clone()));
        }
        let font = Rc::new(Font::load(doc, dict, self.budget)?);
        self.fonts.insert(key, font.clone());
        Ok(Some(font))
    }

    fn show(&mut self, bytes: &[u8]) -> Result<(), Error> {
        let Some(font) = self.state.font.clone() else {
            return Ok(());
        };
        let s = &self.state;
        let (size, scale) = (s.size, s.scale);
        let visible = !matches!(s.render, 3 | 7);
        for (code, is_space) in font.codes(bytes) {
            let trm = mul(&self.tm, &s.ctm);
            let w = font.width(code);
            if visible {
                // The glyph's box in text space.
                let (bx0, by0, bx1, by1) = if font.vertical {
                    (-0.5 * size, -size, 0.5 * size, 0.0)
                } else {
                    (0.0, -0.12 * size, w * size * scale, 0.88 * size)
                };
                let corners = [
                    apply(&trm, bx0, by0 + s.rise),
                    apply(&trm, bx1, by1 + s.rise),
                    apply(&trm, bx0, by1 + s.rise),
                    apply(&trm, bx1, by0 + s.rise),
                ];
                let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
                for (x, y) in corners {
                    x0 = x0.min(x);
                    y0 = y0.min(y);
                    x1 = x1.max(x);
                    y1 = y1.max(y);
                }
                let (ux, uy) = (trm[2] * size, trm[3] * size);
                let on_page = (ux * ux + uy * uy).sqrt();
                let push = |ch: char, page: &mut Page| -> Result<(), Error> {
                    if page.glyphs.len() >= MAX_GLYPHS_PER_PAGE {
                        return Err(Error::TooLarge {
                            name: "MAX_GLYPHS_PER_PAGE",
                            limit: MAX_GLYPHS_PER_PAGE as u64,
                        });
                    }
                    if ch == '\u{FFFD}'
                        || ('\u{E000}'..='\u{F8FF}').contains(&ch)
                        || (ch.is_control() && !ch.is_whitespace())
                    {
                        page.undecodable.insert(font.name.clone());
                    }
                    if ch.is_control() {
                        return Ok(());
                    }
                    let read = super::radicals::ideograph(ch);
                    if read != ch {
                        page.radicals += 1;
                    }
                    let ch = read;
                    page.glyphs.push(Glyph {
                        ch,
                        x0,
                        y0,
                        x1,
                        y1,
                        size: on_page,
                        vertical: font.vertical,
                    });
                    Ok(())
                };
                if x0.is_finite() && y0.is_finite() && x1.is_finite() && y1.is_finite() {
                    match font.decode(code) {
                        Decoded::Text(t) => {
                            for ch in t.chars() {
                                push(ch, &mut self.page)?;
                            }
                        }
                        Decoded::Char(ch) => push(ch, &mut self.page)?,
                        Decoded::Unknown => push('\u{FFFD}', &mut self.page)?,
                    }
                }
            }
            let spacing = s.char_spacing + if is_space { s.word_spacing } else { 0.0 };
            let (tx, ty) = if font.vertical {
                (0.0, font.vertical_advance() * size + spacing)
            } else {
                ((w * size + spacing) * scale, 0.0)
            };
            self.tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, ty], &self.tm);
        }
        Ok(())
    }

    fn xobject(
        &mut self,
        resources: Option<&Dictionary>,
        name: &[u8],
        depth: usize,
    ) -> Result<(), Error> {
        let doc = self.doc;
        let obj = resources
            .and_then(|r| deref(doc, r.get(b"XObject").ok()).ok())
            .and_then(|x| match x {
                Object::Dictionary(d) => deref(doc, d.get(name).ok()).ok(),
                _ => None,
            });
        let Some(Object::Stream(stream)) = obj else {
            return Ok(());
        };
        match stream.dict.get(b"Subtype") {
            Ok(Object::Name(n)) if n == b"Image" => {
                self.page.images = true;
                return Ok(());
            }
            Ok(Object::Name(n)) if n == b"Form" => {}
            _ => return Ok(()),
        }
        if depth >= MAX_XOBJECT_DEPTH {
            return Err(Error::TooLarge {
                name: "MAX_XOBJECT_DEPTH",
                limit: MAX_XOBJECT_DEPTH as u64,
            });
        }
        let data = self.budget.decode(stream)?;
        let matrix = match deref(doc, stream.dict.get(b"Matrix").ok()) {
            Ok(Object::Array(a)) => nums::<6>(a).unwrap_or(IDENTITY),
            _ => IDENTITY,
        };
        let own = match deref(doc, stream.dict.get(b"Resources").ok()) {
            Ok(Object::Dictionary(d)) => Some(d),
            _ => resources,
        };
        let saved = (self.state.clone(), self.stack.len(), self.tm, self.tlm);
        self.state.ctm = mul(&matrix, &self.state.ctm);
        let path = std::mem::take(&mut self.path);
        let result = self.run(&data, own, depth + 1);
        self.stack.truncate(saved.1);
        self.state = saved.0;
        self.tm = saved.2;
        self.tlm = saved.3;
        self.path = path;
        result
    }
}
