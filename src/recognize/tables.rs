//! Placing table cells by their labels.
//!
//! Every table, whatever the reader, becomes one stream of tokens: the
//! cells read row by row (each merged cell once), with the end of each row
//! marked where the source has rows. One-cell-per-line text gives the same
//! stream without row ends; text whose cells ran together (`规章000行政规范性
//! 文件77132470`) is cut at the labels it contains first.
//!
//! In the stream, a row label is followed by its values, so each value is
//! placed by its row label and by the column labels of the header, which is
//! checked against the official header before its order is trusted.
//! Anything that does not fit is reported, never guessed.

use std::borrow::Cow;
use std::collections::BTreeMap;

use super::read_warning;
use crate::doc::{Loc, Paragraph, Table};
use crate::finding::Finding;
use crate::labels::{fold, folded, matches_folded, near};
use crate::layout::{
    self, HeaderNode, Layout, Place, T2_LABEL_HEADER, T3_HEADER, T3_HEADER_LABEL, T3_NOTE,
    T4_HEADER, TABLE2, TABLE3, TABLE4, TableId,
};
use crate::model::{
    ApplicantRow, BlockExtraRow, Cell, CellGrid, Decisions2021, Edition, ExtraRow, Fees2019,
    Fees2021, Issued2021, Item1, Item1Rows, Item5, Item5Rows2019, Item5Rows2021, Item6, Item6Rows,
    Item8, Item8Rows, Item9, Item9Rows, Items2019, Made2019, Other2021, Table2, Table3, Table3Body,
    Table4,
};

/// The official table a folded cell or paragraph text belongs to, when it
/// is one that only that table prints: a 第二十条 block title or 信息内容, the
/// 申请人情况 header or its note, the 行政复议 header.
fn marker(f: &str) -> Option<TableId> {
    if f.starts_with("第二十条第(") || f == T2_LABEL_HEADER {
        Some(TableId::Proactive)
    } else if f == T3_HEADER_LABEL || f.contains("勾稽关系") || f.starts_with("一、本年新收")
    {
        Some(TableId::Applications)
    } else if f == "行政复议" || f.starts_with("行政复议行政诉讼") {
        Some(TableId::Reviews)
    } else {
        None
    }
}

/// Where each table cell was read, in the order recorded: runs sorted by
/// pointer, one per block filled; made into a map once at the end.
pub(super) type Sources = Vec<(&'static str, Loc)>;

/// The [`fold`]ed text of each label cell of a document table, row by row,
/// and `None` for each value cell: folded once, both to tell the table apart
/// and to place its cells.
pub(super) type Folded = Vec<Option<String>>;

/// Which official table a document table is, by what it says; with its
/// cells folded.
pub(super) fn identify(t: &Table) -> (Option<TableId>, Folded) {
    // Only label cells can identify a table; values are skipped unfolded.
    let folded: Folded = t
        .rows
        .iter()
        .flatten()
        .map(|c| (!Cell::looks_like_value(&c.text)).then(|| fold(&c.text)))
        .collect();
    let found: Vec<TableId> = folded.iter().flatten().filter_map(|f| marker(f)).collect();
    let id = [TableId::Proactive, TableId::Applications, TableId::Reviews]
        .into_iter()
        .find(|id| found.contains(id));
    (id, folded)
}

/// `第二十条第(五)项` -> `item_5`.
fn is_block_title(folded: &str) -> Option<&'static str> {
    let inner = folded.strip_prefix("第二十条第(")?.strip_suffix(")项")?;
    Some(match inner {
        "一" => "item_1",
        "五" => "item_5",
        "六" => "item_6",
        "八" => "item_8",
        "九" => "item_9",
        _ => return None,
    })
}

/// Where, among a section's paragraphs, a table written as text begins.
pub(super) fn split_stream<'d>(
    id: TableId,
    paras: &[(&'d Paragraph, String)],
) -> (usize, Vec<(&'d Paragraph, String)>) {
    match paras.iter().position(|(_, t)| marker(&fold(t)) == Some(id)) {
        Some(i) => (i, paras[i..].to_vec()),
        None => (paras.len(), Vec::new()),
    }
}

#[derive(Clone, Debug)]
struct Token<'d> {
    /// The cell's text, borrowed from the document where it is a whole cell.
    text: Cow<'d, str>,
    /// [`fold`]ed text.
    f: String,
    loc: Loc,
    /// The last cell of its row, where the source has rows.
    row_end: bool,
    /// Cut out of text whose cells ran together: a run of digits here may
    /// hold several cells.
    glued: bool,
    /// Index of the stream paragraph it came from.
    para: Option<usize>,
    /// A value cell (see [`Token::classify`]), decided once.
    value: bool,
}

impl<'d> Token<'d> {
    fn new(
        text: Cow<'d, str>,
        loc: Loc,
        row_end: bool,
        glued: bool,
        para: Option<usize>,
    ) -> Token<'d> {
        // Values are never compared with labels; only labels (and runs of
        // digits cut from glued text) need their folded form.
        let plain_value = !glued && Cell::looks_like_value(&text);
        Token {
            f: if plain_value {
                String::new()
            } else {
                fold(&text)
            },
            text,
            loc,
            row_end,
            glued,
            para,
            value: plain_value,
        }
        .classified()
    }

    fn classified(mut self) -> Token<'d> {
        // Whole cells were classified when they were folded.
        if !self.value && self.glued {
            self.value = self.classify();
        }
        self
    }

    fn is_value(&self) -> bool {
        self.value
    }

    /// A value cell: blank, a number, a number with its unit, or a
    /// placeholder such as `/`.
    fn classify(&self) -> bool {
        if self.glued && self.is_digit_run() {
            return true;
        }
        Cell::looks_like_value(&self.text)
    }

    fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
    }

    /// Digits (with any sign, point or unit among them) that may hold the
    /// values of several cells run together.
    fn is_digit_run(&self) -> bool {
        let body = crate::model::UNITS
            .iter()
            .find_map(|u| self.f.strip_suffix(u))
            .unwrap_or(&self.f);
        body.chars().any(|c| c.is_ascii_digit())
            && body
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '-' | '.'))
    }
}

// Built once per table and moved straight into its section.
#[allow(clippy::large_enum_variant)]
pub(super) enum AnyTable {
    T2(Option<Table2>),
    T3(Option<Table3>),
    T4(Option<Table4>),
}

pub(super) struct Output<'d> {
    pub table: AnyTable,
    /// Stream paragraphs after the table's last cell: text, not cells.
    pub leftover: Vec<(&'d Paragraph, String)>,
}

pub(super) struct TableInput<'d> {
    id: TableId,
    tokens: Vec<Token<'d>>,
    stream: Vec<(&'d Paragraph, String)>,
}

impl<'d> TableInput<'d> {
    pub fn new(id: TableId) -> Self {
        TableInput {
            id,
            tokens: Vec::new(),
            stream: Vec::new(),
        }
    }

    /// Appends a document table (a table split over several, such as table
    /// 2 printed one block per table, is appended piece by piece).
    pub fn push_table(&mut self, t: &'d Table, folded: Folded) {
        debug_assert_eq!(folded.len(), t.cell_count());
        self.tokens.reserve(folded.len());
        let mut folded = folded.into_iter();
        for row in &t.rows {
            let n = row.len();
            for (i, c) in row.iter().enumerate() {
                // What `Token::new` gives a whole cell, from the folding
                // done by `identify`.
                let f = folded.next().flatten();
                self.tokens.push(Token {
                    text: Cow::Borrowed(&c.text),
                    value: f.is_none(),
                    f: f.unwrap_or_default(),
                    loc: c.loc,
                    row_end: i + 1 == n,
                    glued: false,
                    para: None,
                });
            }
        }
    }

    /// Appends paragraphs that hold the table as text.
    pub fn push_stream(&mut self, paras: &[(&'d Paragraph, String)]) {
        let labels = all_labels(self.id);
        for (i, (p, text)) in paras.iter().enumerate() {
            let pieces = cut_at_labels(text, &labels);
            let glued = pieces.len() > 1;
            for piece in pieces {
                self.tokens
                    .push(Token::new(Cow::Owned(piece), p.loc, false, glued, Some(i)));
            }
        }
        self.stream = paras.to_vec();
    }

    pub fn recognize(self, findings: &mut Vec<Finding>, sources: &mut Sources) -> Output<'d> {
        let mut ctx = Ctx {
            findings,
            sources,
            tokens: &self.tokens,
            last_used: None,
        };
        let table = match self.id {
            TableId::Proactive => AnyTable::T2(ctx.table2()),
            TableId::Applications => AnyTable::T3(ctx.table3()),
            TableId::Reviews => AnyTable::T4(ctx.table4()),
        };
        let leftover = match ctx.last_used.and_then(|i| self.tokens[i].para) {
            Some(p) => self.stream[p + 1..].to_vec(),
            None if self.tokens.iter().all(|t| t.para.is_some()) => self.stream.clone(),
            None => Vec::new(),
        };
        Output { table, leftover }
    }
}

/// Every label that can stand in a table, longest first, folded.
fn all_labels(id: TableId) -> Vec<String> {
    let mut labels: Vec<String> = Vec::new();
    let layouts: Vec<&Layout> = layout::all().filter(|l| l.table == id).collect();
    for l in &layouts {
        labels.extend(l.rows.iter().map(|r| fold(r.label)));
        labels.extend(l.groups.iter().map(|g| fold(g.label)));
        labels.extend(l.columns.iter().map(|c| fold(c.label)));
        if let Some((_, title)) = l.block {
            labels.push(fold(title));
        }
    }
    match id {
        TableId::Proactive => labels.push(T2_LABEL_HEADER.into()),
        TableId::Applications => {
            labels.push(fold(T3_NOTE));
            labels.extend(
                layout::level_order(T3_HEADER)
                    .iter()
                    .map(|n| folded(n.label).into_owned()),
            );
        }
        TableId::Reviews => labels.extend(
            layout::level_order(T4_HEADER)
                .iter()
                .map(|n| folded(n.label).into_owned()),
        ),
    }
    labels.sort_by_key(|l| std::cmp::Reverse(l.chars().count()));
    labels.dedup();
    labels
}

/// Cuts text whose cells ran together at the labels it contains:
/// `规章000行政规范性文件77132470` -> [规章, 000, 行政规范性文件, 77132470].
/// Text with no label inside, or that is exactly one label, stays whole.
fn cut_at_labels(text: &str, labels: &[String]) -> Vec<String> {
    let f = fold(text);
    if labels.contains(&f) {
        return vec![text.to_owned()];
    }
    let mut pieces = Vec::new();
    let mut gap = String::new();
    let mut rest = f.as_str();
    let mut found = 0;
    while let Some(c) = rest.chars().next() {
        if let Some(l) = labels.iter().find(|l| rest.starts_with(l.as_str())) {
            if !gap.is_empty() {
                pieces.push(std::mem::take(&mut gap));
            }
            pieces.push(l.clone());
            rest = &rest[l.len()..];
            found += 1;
        } else {
            gap.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    if !gap.is_empty() {
        pieces.push(gap);
    }
    if found == 0 || (found == 1 && pieces.len() == 1) {
        vec![text.to_owned()]
    } else {
        pieces
    }
}

struct Ctx<'a> {
    findings: &'a mut Vec<Finding>,
    sources: &'a mut Sources,
    tokens: &'a [Token<'a>],
    last_used: Option<usize>,
}

/// A row label found, with the value tokens after it.
struct RowRead {
    label: usize,
    values: Vec<usize>,
}

impl Ctx<'_> {
    fn warn(&mut self, code: &str, place: Option<Place>, loc: Loc, message: String) {
        self.findings.push(read_warning(code, place, loc, message));
    }

    /// A label printed with a note after it (`规章(设区的市、自治州人民政府应提供
    /// 相关数据)`, a provincial form's instruction) is read as the official
    /// label; the note is reported so that it is not lost.
    /// `place` is made only when there is something to report.
    fn instruction(
        &mut self,
        text: &str,
        f: &str,
        label: &'static str,
        place: impl FnOnce() -> Place,
        loc: Loc,
    ) {
        if f.len() > folded(label).len() {
            let mut note = read_warning(
                "instruction",
                Some(place()),
                loc,
                format!("the label carries a note: “{}”", text.trim()),
            );
            note.severity = crate::finding::Severity::Info;
            self.findings.push(note);
        }
    }

    fn used(&mut self, i: usize) {
        self.last_used = Some(self.last_used.map_or(i, |u| u.max(i)));
    }

    /// The cells of a row: its value tokens, trailing blank filler dropped
    /// and a run of digits cut out of glued text split when that is the only
    /// way it can be split. `None`, with a warning, when they do not fit.
    fn row_cells(
        &mut self,
        row: &RowRead,
        n: usize,
        place: impl FnOnce() -> Place,
    ) -> Option<Vec<(Cell, Loc)>> {
        // Blank filler: the empty positions a merged label or value cell
        // covers, which text and Markdown tables write out as empty cells.
        let mut values = row.values.clone();
        while values.len() > n && values.last().is_some_and(|&i| self.tokens[i].is_blank()) {
            values.pop();
        }
        while values.len() > n && values.first().is_some_and(|&i| self.tokens[i].is_blank()) {
            values.remove(0);
        }
        for &i in &values {
            self.used(i);
        }
        self.used(row.label);
        let label_loc = self.tokens[row.label].loc;
        if let [only] = values.as_slice() {
            let t = &self.tokens[*only];
            let digits = t.f.chars().all(|c| c.is_ascii_digit());
            if t.glued && n > 1 && t.is_digit_run() {
                if digits && t.f.chars().count() == n {
                    return Some(
                        t.f.chars()
                            .map(|c| (Cell::from_written(&c.to_string()), t.loc))
                            .collect(),
                    );
                }
                self.warn(
                    "split",
                    Some(place()),
                    t.loc,
                    format!(
                        "the digits “{}” ran together and cannot be split into {n} cells unambiguously; the row is left blank",
                        t.text
                    ),
                );
                return None;
            }
        }
        if values.len() != n {
            let shown: Vec<&str> = values.iter().map(|&i| &*self.tokens[i].text).collect();
            self.warn(
                "count",
                Some(place()),
                label_loc,
                format!(
                    "{} value{} where the form has {n} ({}); the row is left blank rather than guessed",
                    values.len(),
                    if values.len() == 1 { "" } else { "s" },
                    shown.join(" | ")
                ),
            );
            return None;
        }
        Some(
            values
                .iter()
                .map(|&i| (Cell::from_written(&self.tokens[i].text), self.tokens[i].loc))
                .collect(),
        )
    }

    /// Checks header tokens against an official header tree (read in level
    /// order, so that both grids and text, where each merged cell appears
    /// once, match). Returns why it does not match.
    fn check_header(&self, header: &[usize], tree: &'static [HeaderNode]) -> Result<(), String> {
        let expected: Vec<Cow<'static, str>> = layout::level_order(tree)
            .iter()
            .map(|n| folded(n.label))
            .collect();
        let mut next = 0;
        for &i in header {
            let t = &self.tokens[i];
            if t.is_blank() || t.f.contains("勾稽关系") || t.f == T2_LABEL_HEADER {
                continue;
            }
            if next < expected.len() && matches_folded(&t.f, &expected[next]) {
                next += 1;
            } else if expected[..next].iter().any(|e| *e == t.f) {
                // A merged cell repeated, as some converters write them.
            } else {
                return Err(format!("“{}” is not in the official header", t.text));
            }
        }
        match expected.get(next) {
            None => Ok(()),
            Some(missing) => Err(format!("the header lacks “{missing}”")),
        }
    }

    // ------------------------------------------------------------ table 3

    fn table3(&mut self) -> Option<Table3> {
        let tokens = self.tokens;
        let title = TableId::Applications.title();
        let place = |row: Option<String>| Place {
            table: title.to_owned(),
            row,
            column: None,
        };
        // Every row of both editions and the groups, with their labels folded once.
        let t3_rows: Vec<(&'static layout::Row, Cow<'static, str>)> = TABLE3
            .iter()
            .flat_map(|l| l.rows.iter())
            .map(|r| (r, folded(r.label)))
            .collect();
        let groups: Vec<(&'static layout::Group, Cow<'static, str>)> = TABLE3[1]
            .groups
            .iter()
            .filter(|g| g.path != "results.other")
            .map(|g| (g, folded(g.label)))
            .collect();
        let find_row = |f: &str, group: &str| -> Option<(&'static str, bool)> {
            if let Some((r, _)) = t3_rows.iter().find(|(_, l)| matches_folded(f, l)) {
                return Some((r.path, true));
            }
            t3_rows
                .iter()
                .filter(|(r, _)| r.path.starts_with(group) && !group.is_empty())
                .find(|(_, label)| label.chars().next() == f.chars().next() && near(f, label, 3))
                .map(|(r, _)| (r.path, false))
        };
        let find_group = |f: &str| {
            groups
                .iter()
                .find(|(_, l)| matches_folded(f, l))
                .map(|(g, _)| g.path)
        };

        let start = tokens
            .iter()
            .position(|t| find_row(&t.f, "").is_some_and(|(p, _)| p == "new"));
        let Some(start) = start else {
            self.warn(
                "table",
                Some(place(None)),
                tokens.first().map(|t| t.loc).unwrap_or_default(),
                "table 3 has no row 一、本年新收政府信息公开申请数量: its cells could not be placed".into(),
            );
            return None;
        };
        let header: Vec<usize> = (0..start).collect();
        if let Err(why) = self.check_header(&header, T3_HEADER) {
            let loc = tokens.first().map(|t| t.loc).unwrap_or_default();
            self.warn(
                "header",
                Some(place(None)),
                loc,
                format!("{why}; the columns are taken in the official order"),
            );
        }

        // Walk the rows.
        let mut group = String::new();
        let mut reads: Vec<(&'static str, RowRead)> = Vec::new();
        let mut extras: Vec<(Option<&'static str>, RowRead)> = Vec::new();
        let mut pending: Option<(Option<&'static str>, RowRead)> = None;
        let mut stray: Vec<usize> = Vec::new();
        let flush = |pending: &mut Option<(Option<&'static str>, RowRead)>,
                     group: &mut String,
                     reads: &mut Vec<(&'static str, RowRead)>,
                     extras: &mut Vec<(Option<&'static str>, RowRead)>| {
            match pending.take() {
                // （六）其他处理 with no values of its own heads the 2021 rows.
                Some((Some("results.other"), r)) if r.values.is_empty() => {
                    *group = "results.other".into();
                }
                Some((Some(path), r)) => reads.push((path, r)),
                Some((None, r)) => {
                    let after = reads.last().map(|(p, _)| *p);
                    extras.push((after, r));
                }
                None => {}
            }
        };
        for (i, t) in tokens.iter().enumerate().skip(start) {
            if t.is_value() {
                match &mut pending {
                    Some((_, r)) => r.values.push(i),
                    None => stray.push(i),
                }
            } else if let Some(g) = find_group(&t.f) {
                flush(&mut pending, &mut group, &mut reads, &mut extras);
                group = g.to_owned();
            } else if let Some((path, exact)) = find_row(&t.f, &group) {
                flush(&mut pending, &mut group, &mut reads, &mut extras);
                let label = TABLE3
                    .iter()
                    .find_map(|l| l.row(path))
                    .map_or(path, |r| r.label);
                if !exact {
                    self.warn(
                        "label",
                        Some(place(Some(label.to_owned()))),
                        t.loc,
                        format!("the label is printed “{}”; read as “{label}”", t.text),
                    );
                } else {
                    let row_place = || place(Some(label.to_owned()));
                    self.instruction(&t.text, &t.f, label, row_place, t.loc);
                }
                if !path.starts_with("results") || path == "results" {
                    group.clear();
                }
                pending = Some((
                    Some(path),
                    RowRead {
                        label: i,
                        values: Vec::new(),
                    },
                ));
            } else if self.check_header(&[i], T3_HEADER).is_ok() || t.f.contains("勾稽关系") {
                // A header repeated where the table crosses a page.
                flush(&mut pending, &mut group, &mut reads, &mut extras);
            } else {
                flush(&mut pending, &mut group, &mut reads, &mut extras);
                pending = Some((
                    None,
                    RowRead {
                        label: i,
                        values: Vec::new(),
                    },
                ));
            }
            if t.row_end {
                flush(&mut pending, &mut group, &mut reads, &mut extras);
            }
        }
        flush(&mut pending, &mut group, &mut reads, &mut extras);
        // Unknown text with no values after it is the end of the table.
        extras.retain(|(_, r)| !r.values.is_empty());

        let edition = if reads.iter().any(|(p, _)| p.starts_with("results.other.")) {
            Edition::E2021
        } else {
            Edition::E2019
        };
        let l = TABLE3
            .iter()
            .find(|l| l.edition == Some(edition))
            .expect("both editions are laid out");
        let mut cells: BTreeMap<&str, Vec<(Cell, Loc)>> = BTreeMap::new();
        for (path, r) in &reads {
            let Some(row) = l.row(path) else {
                self.warn(
                    "edition",
                    Some(place(None)),
                    tokens[r.label].loc,
                    format!(
                        "“{}” belongs to the other edition of the form than the rest of the table ({}); its values are left out",
                        tokens[r.label].text,
                        edition.as_str()
                    ),
                );
                continue;
            };
            if cells.contains_key(path) {
                self.warn(
                    "duplicate",
                    Some(place(Some(l.row_label(row)))),
                    tokens[r.label].loc,
                    "the row appears twice; the first is kept".into(),
                );
                continue;
            }
            if let Some(row_cells) =
                self.row_cells(r, l.columns.len(), || place(Some(l.row_label(row))))
            {
                cells.insert(path, row_cells);
            }
        }
        let mut extra_rows = Vec::new();
        for (after, r) in &extras {
            let label = tokens[r.label].text.to_string();
            let Some(values) = self.row_cells(r, l.columns.len(), || place(Some(label.clone())))
            else {
                continue;
            };
            self.warn(
                "extra",
                Some(place(Some(label.clone()))),
                tokens[r.label].loc,
                "a row the national form does not have; kept in extra_rows".into(),
            );
            extra_rows.push(ExtraRow {
                after: after.map(str::to_owned),
                label,
                values: values.into_iter().map(|(c, _)| c).collect(),
            });
        }
        for &i in &stray {
            if !tokens[i].is_blank() {
                self.warn(
                    "unplaced",
                    Some(place(None)),
                    tokens[i].loc,
                    format!(
                        "the value “{}” follows no row label and was not placed",
                        tokens[i].text
                    ),
                );
            }
        }
        let read: Vec<&str> = reads.iter().map(|(p, _)| *p).collect();
        Some(match edition {
            Edition::E2019 => {
                let mut body = Table3Body::<ApplicantRow>::default();
                self.fill(l, body.grid_mut(), cells, &read);
                body.extra_rows = extra_rows;
                Table3::E2019(body)
            }
            Edition::E2021 => {
                let mut body = Table3Body::<Other2021>::default();
                self.fill(l, body.grid_mut(), cells, &read);
                body.extra_rows = extra_rows;
                Table3::E2021(body)
            }
        })
    }

    /// Puts the cells read into a table's grid (see [`CellGrid`]), blank
    /// where nothing was read, and records each cell's source. `read` names
    /// the rows that were found, placed or not: a row whose values could not
    /// be placed has had its own warning already.
    fn fill(
        &mut self,
        l: &'static Layout,
        mut grid: Vec<Vec<&mut Cell>>,
        mut cells: BTreeMap<&str, Vec<(Cell, Loc)>>,
        read: &[&str],
    ) {
        // (rank of the pointer, pointer, where the value was read).
        let mut placed: Vec<(usize, &'static str, Loc)> = Vec::new();
        for (ri, row) in l.rows.iter().enumerate() {
            let Some(found) = cells.remove(row.path) else {
                if !read.contains(&row.path) {
                    self.warn(
                        "missing",
                        Some(Place {
                            table: l.title(),
                            row: Some(l.row_label(row)),
                            column: None,
                        }),
                        Loc::Unknown,
                        "the row was not found; its cells are blank".into(),
                    );
                }
                continue;
            };
            let Some(slots) = grid.get_mut(ri) else {
                continue;
            };
            for (ci, ((cell, loc), slot)) in found.into_iter().zip(slots.iter_mut()).enumerate() {
                if loc != Loc::Unknown {
                    placed.push((l.pointer_rank(ri, ci), l.pointer_at(ri, ci), loc));
                }
                **slot = cell;
            }
        }
        // Sorted by rank, the entries are sorted by pointer: the map of
        // sources is built from runs already in order.
        placed.sort_unstable_by_key(|&(rank, ..)| rank);
        self.sources
            .extend(placed.into_iter().map(|(_, pointer, loc)| (pointer, loc)));
    }

    // ------------------------------------------------------------ table 4

    fn table4(&mut self) -> Option<Table4> {
        let tokens = self.tokens;
        let title = TableId::Reviews.title();
        let place = Place {
            table: title.to_owned(),
            row: None,
            column: None,
        };
        // The values follow the last header cell (a blank form's are all blank).
        let header_labels: Vec<String> = layout::level_order(T4_HEADER)
            .iter()
            .map(|n| folded(n.label).into_owned())
            .collect();
        let after_header = tokens
            .iter()
            .rposition(|t| header_labels.iter().any(|l| matches_folded(&t.f, l)))
            .map(|i| i + 1);
        let first_value = tokens.iter().position(|t| t.is_value() && !t.is_blank());
        let Some(start) = after_header.or(first_value).filter(|&s| s < tokens.len()) else {
            self.warn(
                "table",
                Some(place),
                tokens.first().map(|t| t.loc).unwrap_or_default(),
                "table 4 holds no values".into(),
            );
            return None;
        };
        let header: Vec<usize> = (0..start).collect();
        if let Err(why) = self.check_header(&header, T4_HEADER) {
            self.warn(
                "header",
                Some(place.clone()),
                tokens[0].loc,
                format!("{why}; the columns are taken in the official order"),
            );
        }
        let mut values: Vec<usize> = Vec::new();
        for (i, t) in tokens.iter().enumerate().skip(start) {
            if !t.is_value() {
                break;
            }
            values.push(i);
            if t.row_end && values.len() >= 15 {
                break;
            }
        }
        let leaves = layout::leaves(T4_HEADER).len();
        let read = RowRead {
            label: start,
            values,
        };
        let row_cells = self.row_cells(&read, leaves, move || place)?;
        let l = &TABLE4;
        let mut cells: BTreeMap<&str, Vec<(Cell, Loc)>> = BTreeMap::new();
        for (row, chunk) in l.rows.iter().zip(row_cells.chunks(l.columns.len())) {
            cells.insert(row.path, chunk.to_vec());
        }
        let mut table = Table4::default();
        self.fill(l, table.grid_mut(), cells, &[]);
        Some(table)
    }

    // ------------------------------------------------------------ table 2

    fn table2(&mut self) -> Option<Table2> {
        let tokens = self.tokens;
        let title = TableId::Proactive.title();
        struct BlockRead {
            key: &'static str,
            title_tok: usize,
            header: Vec<usize>,
            rows: Vec<(Option<&'static str>, RowRead)>,
        }
        let mut blocks: Vec<BlockRead> = Vec::new();
        let mut in_header = false;
        let mut stray: Vec<usize> = Vec::new();
        for (i, t) in tokens.iter().enumerate() {
            if let Some(key) = is_block_title(&t.f) {
                blocks.push(BlockRead {
                    key,
                    title_tok: i,
                    header: Vec::new(),
                    rows: Vec::new(),
                });
                in_header = false;
                self.used(i);
                continue;
            }
            let Some(b) = blocks.last_mut() else {
                if !t.is_blank() {
                    stray.push(i);
                }
                continue;
            };
            let layouts = || {
                TABLE2
                    .iter()
                    .filter(|l| l.block.map(|(k, _)| k) == Some(b.key))
            };
            if t.f == T2_LABEL_HEADER {
                in_header = true;
                continue;
            }
            let row = layouts()
                .flat_map(|l| l.rows.iter())
                .find(|r| matches_folded(&t.f, &folded(r.label)));
            if let Some(r) = row {
                in_header = false;
                let place = || Place {
                    table: title.to_owned(),
                    row: Some(r.label.to_owned()),
                    column: None,
                };
                self.instruction(&t.text, &t.f, r.label, place, t.loc);
                b.rows.push((
                    Some(r.path),
                    RowRead {
                        label: i,
                        values: Vec::new(),
                    },
                ));
                continue;
            }
            if t.is_value() {
                match b.rows.last_mut() {
                    Some((_, r)) if !in_header => r.values.push(i),
                    _ if t.is_blank() => {}
                    _ => stray.push(i),
                }
                continue;
            }
            let column = layouts()
                .flat_map(|l| l.columns.iter())
                .any(|c| matches_folded(&t.f, &folded(c.label)));
            if in_header && column {
                b.header.push(i);
            } else if in_header {
                self.warn(
                    "header",
                    Some(Place {
                        table: title.to_owned(),
                        row: None,
                        column: Some(t.text.to_string()),
                    }),
                    t.loc,
                    "a column heading the form does not have".into(),
                );
            } else {
                b.rows.push((
                    None,
                    RowRead {
                        label: i,
                        values: Vec::new(),
                    },
                ));
            }
        }
        if blocks.is_empty() {
            self.warn(
                "table",
                Some(Place {
                    table: title.to_owned(),
                    row: None,
                    column: None,
                }),
                tokens.first().map(|t| t.loc).unwrap_or_default(),
                "table 2 has no 第二十条 block titles: its cells could not be placed".into(),
            );
            return None;
        }
        for &i in &stray {
            self.warn(
                "unplaced",
                Some(Place {
                    table: title.to_owned(),
                    row: None,
                    column: None,
                }),
                tokens[i].loc,
                format!(
                    "“{}” is outside every 第二十条 block and was not placed",
                    tokens[i].text
                ),
            );
        }

        // Each block's edition: from the column headings and row labels that
        // only one edition has, else from how many values its rows hold.
        let edition_of = |b: &BlockRead| -> Option<Edition> {
            let editions: Vec<&Layout> = TABLE2
                .iter()
                .filter(|l| l.block.map(|(k, _)| k) == Some(b.key))
                .collect();
            let printed =
                |i: usize, label: &'static str| matches_folded(&tokens[i].f, &folded(label));
            let distinctive = |l: &Layout| -> usize {
                let others = editions.iter().filter(|o| o.edition != l.edition);
                let own_row = |label: &str| {
                    others
                        .clone()
                        .all(|o| o.rows.iter().all(|r| r.label != label))
                };
                b.header
                    .iter()
                    .filter(|&&i| l.columns.iter().any(|c| printed(i, c.label)))
                    .count()
                    + b.rows
                        .iter()
                        .filter(|(_, r)| {
                            l.rows
                                .iter()
                                .any(|row| printed(r.label, row.label) && own_row(row.label))
                        })
                        .count()
            };
            let by_labels: Vec<Edition> = editions
                .iter()
                .filter(|l| distinctive(l) > 0)
                .filter_map(|l| l.edition)
                .collect();
            if let [one] = by_labels.as_slice() {
                return Some(*one);
            }
            if !by_labels.is_empty() {
                return None;
            }
            let counts: Vec<usize> = b
                .rows
                .iter()
                .map(|(_, r)| r.values.iter().filter(|&&i| !tokens[i].is_blank()).count())
                .filter(|&n| n > 0)
                .collect();
            let fits: Vec<Edition> = editions
                .iter()
                .filter(|l| !counts.is_empty() && counts.iter().all(|&n| n == l.columns.len()))
                .filter_map(|l| l.edition)
                .collect();
            match fits.as_slice() {
                [one] => Some(*one),
                _ => None,
            }
        };
        let known: Vec<Edition> = blocks.iter().filter_map(edition_of).collect();
        let majority = if known.iter().filter(|e| **e == Edition::E2019).count() * 2 > known.len() {
            Edition::E2019
        } else {
            Edition::E2021
        };

        let mut table = Blocks::default();
        let mut extra_rows: Vec<BlockExtraRow> = Vec::new();
        let mut seen = Vec::new();
        for b in &blocks {
            if seen.contains(&b.key) {
                self.warn(
                    "duplicate",
                    None,
                    tokens[b.title_tok].loc,
                    format!(
                        "block {} appears twice; the first is kept",
                        tokens[b.title_tok].text
                    ),
                );
                continue;
            }
            seen.push(b.key);
            let edition = edition_of(b).unwrap_or_else(|| {
                self.warn(
                    "edition",
                    None,
                    tokens[b.title_tok].loc,
                    format!(
                        "the edition of block {} cannot be told from its labels; taken as {} like the other blocks",
                        tokens[b.title_tok].text,
                        majority.as_str()
                    ),
                );
                majority
            });
            let Some(l) = TABLE2
                .iter()
                .find(|l| l.block.map(|(k, _)| k) == Some(b.key) && l.edition == Some(edition))
            else {
                self.warn(
                    "edition",
                    None,
                    tokens[b.title_tok].loc,
                    format!(
                        "block {} does not exist in the {} edition",
                        b.key,
                        edition.as_str()
                    ),
                );
                continue;
            };
            // Column order: as the block's header prints them.
            let order: Vec<usize> = if b.header.is_empty() {
                (0..l.columns.len()).collect()
            } else {
                b.header
                    .iter()
                    .filter_map(|&i| {
                        l.columns
                            .iter()
                            .position(|c| matches_folded(&tokens[i].f, &folded(c.label)))
                    })
                    .collect()
            };
            let mut cells: BTreeMap<&str, Vec<(Cell, Loc)>> = BTreeMap::new();
            let mut last_row = None;
            for (path, r) in &b.rows {
                let row = path.and_then(|p| l.row(p));
                let row_place = || Place {
                    table: l.title(),
                    row: Some(row.map_or_else(
                        || tokens[r.label].text.to_string(),
                        |row| row.label.to_owned(),
                    )),
                    column: None,
                };
                let Some(read) = self.row_cells(r, order.len().max(1), row_place) else {
                    continue;
                };
                match row {
                    Some(row) => {
                        let mut ordered = vec![(Cell::Blank, Loc::Unknown); l.columns.len()];
                        for (value, &col) in read.into_iter().zip(&order) {
                            ordered[col] = value;
                        }
                        last_row = Some(row.path);
                        cells.insert(row.path, ordered);
                    }
                    None => {
                        self.warn(
                            "extra",
                            Some(row_place()),
                            tokens[r.label].loc,
                            "a row the national form does not have; kept in extra_rows".into(),
                        );
                        extra_rows.push(BlockExtraRow {
                            block: b.key.to_owned(),
                            after: last_row.map(str::to_owned),
                            label: tokens[r.label].text.to_string(),
                            values: read.into_iter().map(|(c, _)| c).collect(),
                        });
                    }
                }
            }
            let read: Vec<&str> = b.rows.iter().filter_map(|(p, _)| *p).collect();
            self.block(&mut table, b.key, edition, l, cells, &read);
        }
        for key in ["item_1", "item_5", "item_6", "item_8"] {
            if seen.contains(&key) {
                continue;
            }
            let Some(l) = TABLE2
                .iter()
                .find(|l| l.block.map(|(k, _)| k) == Some(key) && l.edition == Some(majority))
            else {
                continue;
            };
            self.warn(
                "missing",
                Some(Place {
                    table: l.title(),
                    row: None,
                    column: None,
                }),
                Loc::Unknown,
                format!(
                    "the block was not found; its cells are blank ({} edition assumed)",
                    majority.as_str()
                ),
            );
            let all: Vec<&str> = l.rows.iter().map(|r| r.path).collect();
            self.block(&mut table, key, majority, l, BTreeMap::new(), &all);
        }
        Some(Table2 {
            item_1: table.item_1?,
            item_5: table.item_5?,
            item_6: table.item_6?,
            item_8: table.item_8?,
            item_9: table.item_9,
            extra_rows,
        })
    }

    /// Builds one block of table 2 in its edition's shape and fills it.
    fn block(
        &mut self,
        blocks: &mut Blocks,
        key: &str,
        edition: Edition,
        l: &'static Layout,
        cells: BTreeMap<&str, Vec<(Cell, Loc)>>,
        read: &[&str],
    ) {
        macro_rules! put {
            ($slot:ident, $item:ident :: $variant:ident, $rows:ty) => {{
                let mut rows = <$rows as Default>::default();
                self.fill(l, rows.grid_mut(), cells, read);
                blocks.$slot = Some($item::$variant { rows });
            }};
        }
        match (key, edition) {
            ("item_1", Edition::E2019) => put!(item_1, Item1::E2019, Item1Rows<Made2019>),
            ("item_1", Edition::E2021) => put!(item_1, Item1::E2021, Item1Rows<Issued2021>),
            ("item_5", Edition::E2019) => put!(item_5, Item5::E2019, Item5Rows2019),
            ("item_5", Edition::E2021) => put!(item_5, Item5::E2021, Item5Rows2021),
            ("item_6", Edition::E2019) => put!(item_6, Item6::E2019, Item6Rows<Items2019>),
            ("item_6", Edition::E2021) => put!(item_6, Item6::E2021, Item6Rows<Decisions2021>),
            ("item_8", Edition::E2019) => put!(item_8, Item8::E2019, Item8Rows<Fees2019>),
            ("item_8", Edition::E2021) => put!(item_8, Item8::E2021, Item8Rows<Fees2021>),
            ("item_9", _) => put!(item_9, Item9::E2019, Item9Rows),
            _ => {}
        }
    }
}

/// Table 2's blocks as they are read.
#[derive(Default)]
struct Blocks {
    item_1: Option<Item1>,
    item_5: Option<Item5>,
    item_6: Option<Item6>,
    item_8: Option<Item8>,
    item_9: Option<Item9>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glued_cells_are_cut_at_labels() {
        let labels = all_labels(TableId::Proactive);
        assert_eq!(
            cut_at_labels("规章000行政规范性文件77132470", &labels),
            ["规章", "000", "行政规范性文件", "77132470"]
        );
        let labels = all_labels(TableId::Applications);
        assert_eq!(
            cut_at_labels(
                "（三）不予公开1.属于国家秘密00000002.其他法律行政法规禁止公开0000000",
                &labels
            ),
            [
                "(三)不予公开",
                "1.属于国家秘密",
                "0000000",
                "2.其他法律行政法规禁止公开",
                "0000000"
            ]
        );
        assert_eq!(
            cut_at_labels("规章", &all_labels(TableId::Proactive)),
            ["规章"]
        );
        assert_eq!(cut_at_labels("本机关认真落实", &labels), ["本机关认真落实"]);
    }

    #[test]
    fn block_titles_name_their_item() {
        assert_eq!(is_block_title(&fold("第二十条第（五）项")), Some("item_5"));
        assert_eq!(is_block_title(&fold("第二十条第(二)项")), None);
    }
}
