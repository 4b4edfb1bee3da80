//! Consistency rules (勾稽关系), kept as data in `schemas/rules.json`.
//!
//! A rule is a formula over the field paths of one table. With
//! `for_each: column`, `new + carried_over = results.total + carried_forward`
//! is checked in each of table 3's seven columns, each term naming a row (or a
//! group of rows, which sums them). With `for_each: row` the terms name
//! columns. With `for_each: cell` a predicate is checked on every cell of the
//! given kinds.
//!
//! Blank cells: a formula that holds when blanks (and placeholders such as
//! `/`) are read as 0 passes, with a note saying so; one that fails with
//! blanks involved "cannot be assessed", which is not a violation. Real
//! reports leave zero cells, and even 总计 cells, blank.

use std::sync::OnceLock;

use serde::Deserialize;
use serde_json::Value;

use crate::finding::{Finding, RuleText, Severity, Status};
use crate::layout::{self, CellKind, Column, Layout, Place, Row};
use crate::model::{Cell, Edition};

/// The rule file's text, exactly as shipped.
pub const RULES_JSON: &str = include_str!("../schemas/rules.json");

#[derive(Debug, Deserialize)]
struct RuleFile {
    rules: Vec<RuleDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleDef {
    id: String,
    table: String,
    #[serde(default)]
    block: Option<String>,
    #[serde(default)]
    edition: Option<Edition>,
    for_each: ForEach,
    #[serde(default)]
    rows: Option<Vec<String>>,
    #[serde(default)]
    kinds: Option<Vec<KindName>>,
    check: String,
    severity: Severity,
    message: RuleText,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum ForEach {
    Column,
    Row,
    Cell,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum KindName {
    Count,
    SignedCount,
    Amount,
}

impl KindName {
    fn matches(self, kind: CellKind) -> bool {
        matches!(
            (self, kind),
            (KindName::Count, CellKind::Count)
                | (KindName::SignedCount, CellKind::SignedCount)
                | (KindName::Amount, CellKind::Amount)
        )
    }
}

/// A compiled rule.
#[derive(Debug)]
pub struct Rule {
    def: RuleDef,
    check: Check,
}

#[derive(Debug)]
enum Check {
    Compare {
        lhs: Vec<Term>,
        op: Op,
        rhs: Vec<Term>,
    },
    Predicate(Predicate),
}

#[derive(Debug)]
struct Term {
    negative: bool,
    name: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Eq,
    Le,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Predicate {
    NonNegativeInteger,
    Integer,
    NonNegative,
    NumberOrPlaceholder,
}

/// A rule file that does not make sense.
#[derive(Debug, thiserror::Error)]
#[error("rule {id}: {message}")]
pub struct RuleError {
    pub id: String,
    pub message: String,
}

impl Rule {
    pub fn id(&self) -> &str {
        &self.def.id
    }

    fn applies_to(&self, layout: &Layout) -> bool {
        let def = &self.def;
        (def.table == "*" || def.table == layout.table.key())
            && def
                .block
                .as_deref()
                .is_none_or(|b| layout.block.map(|(k, _)| k) == Some(b))
            && def.edition.is_none_or(|e| layout.edition == Some(e))
    }
}

/// Parses rule definitions and checks every name they use against the
/// layouts they apply to.
pub fn compile(text: &str) -> Result<Vec<Rule>, RuleError> {
    let file: RuleFile = serde_json::from_str(text).map_err(|e| RuleError {
        id: "(file)".into(),
        message: e.to_string(),
    })?;
    let mut rules = Vec::with_capacity(file.rules.len());
    for def in file.rules {
        let check = parse_check(&def.check).map_err(|message| RuleError {
            id: def.id.clone(),
            message,
        })?;
        let rule = Rule { def, check };
        let layouts: Vec<&Layout> = layout::all().filter(|l| rule.applies_to(l)).collect();
        let err = |message: String| RuleError {
            id: rule.def.id.clone(),
            message,
        };
        if layouts.is_empty() {
            return Err(err(format!(
                "applies to no table (table {:?}, block {:?})",
                rule.def.table, rule.def.block
            )));
        }
        match (&rule.check, rule.def.for_each) {
            (Check::Compare { lhs, rhs, .. }, ForEach::Column) => {
                for t in lhs.iter().chain(rhs) {
                    for l in &layouts {
                        if l.rows_under(&t.name).next().is_none() {
                            return Err(err(format!("{} names no row of {}", t.name, l.title())));
                        }
                    }
                }
            }
            (Check::Compare { lhs, rhs, .. }, ForEach::Row) => {
                for t in lhs.iter().chain(rhs) {
                    for l in &layouts {
                        if l.column(&t.name).is_none() {
                            return Err(err(format!(
                                "{} names no column of {}",
                                t.name,
                                l.title()
                            )));
                        }
                    }
                }
            }
            (Check::Predicate(_), ForEach::Cell) => {}
            _ => {
                return Err(err(
                    "a formula goes with for_each column or row, a predicate with for_each cell"
                        .into(),
                ));
            }
        }
        if let Some(rows) = &rule.def.rows
            && let Some(missing) = rows
                .iter()
                .find(|r| layouts.iter().all(|l| l.row(r).is_none()))
        {
            return Err(err(format!("rows names {missing}, which no table has")));
        }
        rules.push(rule);
    }
    Ok(rules)
}

fn parse_check(text: &str) -> Result<Check, String> {
    let predicate = match text.trim() {
        "non_negative_integer" => Some(Predicate::NonNegativeInteger),
        "integer" => Some(Predicate::Integer),
        "non_negative" => Some(Predicate::NonNegative),
        "number_or_placeholder" => Some(Predicate::NumberOrPlaceholder),
        _ => None,
    };
    if let Some(p) = predicate {
        return Ok(Check::Predicate(p));
    }
    let (lhs, op, rhs) = if let Some((l, r)) = text.split_once("<=") {
        (l, Op::Le, r)
    } else if let Some((l, r)) = text.split_once('=') {
        (l, Op::Eq, r)
    } else {
        return Err(format!(
            "{text:?} is neither a formula (a = b, a <= b) nor a predicate"
        ));
    };
    Ok(Check::Compare {
        lhs: parse_sum(lhs)?,
        op,
        rhs: parse_sum(rhs)?,
    })
}

fn parse_sum(text: &str) -> Result<Vec<Term>, String> {
    let mut terms = Vec::new();
    let mut negative = false;
    let mut name = String::new();
    let mut push = |name: &mut String, negative: bool| -> Result<(), String> {
        if name.is_empty() {
            return Err(format!("missing term in {text:?}"));
        }
        terms.push(Term {
            negative,
            name: std::mem::take(name),
        });
        Ok(())
    };
    for c in text.chars() {
        match c {
            '+' | '-' => {
                push(&mut name, negative)?;
                negative = c == '-';
            }
            c if c.is_whitespace() => {}
            c if c.is_ascii_alphanumeric() || c == '_' || c == '.' => name.push(c),
            c => return Err(format!("unexpected {c:?} in {text:?}")),
        }
    }
    push(&mut name, negative)?;
    Ok(terms)
}

/// The shipped rules, compiled once.
pub fn builtin() -> &'static [Rule] {
    static RULES: OnceLock<Vec<Rule>> = OnceLock::new();
    RULES.get_or_init(|| compile(RULES_JSON).expect("the shipped rules compile (tested)"))
}

/// Checks every rule on a report (as JSON that has passed the schema).
pub fn check(report: &Value) -> Vec<Finding> {
    check_in(report, &layout::used_by(report))
}

/// [`check`], on the tables and blocks the report is known to hold
/// ([`layout::used_by`]).
pub(crate) fn check_in(report: &Value, layouts: &[&'static Layout]) -> Vec<Finding> {
    let mut findings = Vec::new();
    for l in layouts {
        let Some(plan) = plans().iter().find(|p| std::ptr::eq(p.layout, *l)) else {
            continue;
        };
        let Some(grid) = Grid::new(plan, report) else {
            continue;
        };
        for (rule, instances) in &plan.rules {
            rule.check_grid(&grid, instances, &mut findings);
        }
    }
    // Findings in rule order, as the rule file lists them.
    let order = |id: &str| builtin().iter().position(|r| r.id() == id);
    findings.sort_by_key(|f| order(&f.rule));
    findings
}

/// One comparison a formula makes in one table: in one of its columns
/// (`for_each: column`) or one of its rows (`for_each: row`).
struct Instance {
    lhs: Vec<Resolved>,
    rhs: Vec<Resolved>,
    at: At,
}

#[derive(Clone, Copy)]
enum At {
    Column(usize),
    Row(usize),
}

/// Per layout, the shipped rules that apply to it, each with the cells its
/// terms add up, resolved once per process.
struct Plan {
    layout: &'static Layout,
    rules: Vec<(&'static Rule, Vec<Instance>)>,
    /// The columns in the order of their keys, as a row's object holds
    /// them: (key, column index).
    columns: Vec<(&'static str, usize)>,
}

fn plans() -> &'static [Plan] {
    static PLANS: OnceLock<Vec<Plan>> = OnceLock::new();
    PLANS.get_or_init(|| {
        layout::all()
            .map(|l| {
                let rules = builtin()
                    .iter()
                    .filter(|r| r.applies_to(l))
                    .map(|r| (r, r.instances(l)))
                    .collect();
                let mut columns: Vec<(&'static str, usize)> = l
                    .columns
                    .iter()
                    .enumerate()
                    .map(|(i, c)| (c.key, i))
                    .collect();
                columns.sort_unstable();
                Plan {
                    layout: l,
                    rules,
                    columns,
                }
            })
            .collect()
    })
}

/// The cells of one table (or block), looked up once: `[row][column]`.
struct Grid<'a> {
    l: &'a Layout,
    cells: Vec<Option<&'a Value>>,
}

impl<'a> Grid<'a> {
    fn new(plan: &'a Plan, report: &'a Value) -> Option<Grid<'a>> {
        let l = plan.layout;
        let table = layout::at(report, l.pointer)?;
        let width = l.columns.len();
        let mut cells = vec![None; l.rows.len() * width];
        // Rows come in order, nested rows of one group together: the
        // group's object is looked up once for all of them.
        let mut parent: Option<(&str, Option<&'a Value>)> = None;
        for (r, out) in l.rows.iter().zip(cells.chunks_exact_mut(width)) {
            let (up, key) = r.path.rsplit_once('.').unwrap_or(("", r.path));
            let base = match parent {
                Some((p, v)) if p == up => v,
                _ => {
                    let v = if up.is_empty() {
                        Some(table)
                    } else {
                        up.split('.').try_fold(table, |v, k| v.get(k))
                    };
                    parent = Some((up, v));
                    v
                }
            };
            if let Some(Value::Object(row)) = base.and_then(|b| b.get(key)) {
                fill_row(row, &plan.columns, out);
            }
        }
        Some(Grid { l, cells })
    }

    /// The cells that hold text, by position in `cells`, in order: the
    /// only cells a cell predicate can fail on.
    fn texts(&self) -> impl Iterator<Item = (usize, &'a str)> + '_ {
        self.cells.iter().enumerate().filter_map(|(i, v)| match v {
            Some(Value::String(text)) => Some((i, text.as_str())),
            _ => None,
        })
    }

    fn at(&self, row: usize, col: usize) -> Option<&'a Value> {
        self.cells[row * self.l.columns.len() + col]
    }
}

/// What a cell holds, for arithmetic.
#[derive(Clone, Copy)]
/// What a cell holds, for arithmetic: the single-report rules and the
/// checks across years read cells alike.
pub(crate) enum Reading {
    Number(i128),
    /// Blank, or a placeholder such as `/`: read as 0.
    Blank,
    /// Text, or a number with a fraction: cannot be added up.
    Unreadable,
}

pub(crate) fn reading(v: Option<&Value>) -> Reading {
    match v {
        None | Some(Value::Null) => Reading::Blank,
        Some(Value::Number(n)) => match crate::json::plain_integer(n.as_str()) {
            Some(i) => Reading::Number(i.into()),
            None => n
                .as_i64()
                .map(i128::from)
                .or_else(|| n.as_u64().map(i128::from))
                .map_or(Reading::Unreadable, Reading::Number),
        },
        Some(Value::String(s)) => {
            let cell = Cell::Text(s.clone());
            if cell.is_placeholder() {
                return Reading::Blank;
            }
            match cell.quantity().and_then(|q| q.number.as_integer()) {
                Some(n) => Reading::Number(n),
                None => Reading::Unreadable,
            }
        }
        Some(_) => Reading::Unreadable,
    }
}

/// The terms of one side of a formula: each with its sign, the rows (or
/// columns) it adds up, and its short name.
type TermSets = Vec<(bool, Vec<usize>, &'static str)>;

/// The terms of one side, each at the grid cells `cell` gives for its rows
/// (or columns).
fn resolve(sets: &TermSets, cell: impl Fn(usize) -> (usize, usize)) -> Vec<Resolved> {
    sets.iter()
        .map(|(negative, lines, short)| Resolved {
            negative: *negative,
            cells: lines.iter().map(|&i| cell(i)).collect(),
            short,
        })
        .collect()
}

/// One term of a formula, resolved to the grid cells it adds up.
struct Resolved {
    negative: bool,
    /// Grid (row, column) positions.
    cells: Vec<(usize, usize)>,
    /// How the term is named in messages: `一`, `（三）`, `总计`.
    short: &'static str,
}

/// One side of an equation, added up.
#[derive(Default)]
struct Side {
    sum: i128,
    /// Blank or placeholder cells read as 0.
    blanks: usize,
    /// Cells that hold something other than an integer.
    unreadable: usize,
}

/// A row's cells in column order, from its object: its keys and the
/// columns' keys are both walked in order, once.
fn fill_row<'a>(
    row: &'a serde_json::Map<String, Value>,
    columns: &[(&str, usize)],
    out: &mut [Option<&'a Value>],
) {
    let mut entries = row.iter();
    let mut current = entries.next();
    for &(key, ci) in columns {
        while let Some((k, v)) = current {
            match k.as_str().cmp(key) {
                std::cmp::Ordering::Less => current = entries.next(),
                std::cmp::Ordering::Equal => {
                    if let Some(slot) = out.get_mut(ci) {
                        *slot = Some(v);
                    }
                    current = entries.next();
                    break;
                }
                std::cmp::Ordering::Greater => break,
            }
        }
    }
}

impl Rule {
    /// The comparisons this rule makes in a layout: each term resolved to
    /// the grid cells it adds up. Empty for cell predicates.
    fn instances(&self, l: &'static Layout) -> Vec<Instance> {
        match (&self.check, self.def.for_each) {
            (Check::Compare { lhs, rhs, .. }, ForEach::Column) => {
                let row_sets = |terms: &[Term]| -> TermSets {
                    terms
                        .iter()
                        .map(|t| {
                            let rows: Vec<usize> = l
                                .rows
                                .iter()
                                .enumerate()
                                .filter(|(_, r)| l.rows_under(&t.name).any(|u| u.path == r.path))
                                .map(|(i, _)| i)
                                .collect();
                            let short = match (rows.as_slice(), l.group(&t.name)) {
                                ([only], None) => l.rows[*only].short,
                                (_, Some(g)) => g.short,
                                // Compiling the rules proved every term names a row or group.
                                _ => "?",
                            };
                            (t.negative, rows, short)
                        })
                        .collect()
                };
                let (lrows, rrows) = (row_sets(lhs), row_sets(rhs));
                (0..l.columns.len())
                    .map(|ci| Instance {
                        lhs: resolve(&lrows, |r| (r, ci)),
                        rhs: resolve(&rrows, |r| (r, ci)),
                        at: At::Column(ci),
                    })
                    .collect()
            }
            (Check::Compare { lhs, rhs, .. }, ForEach::Row) => {
                let cols = |terms: &[Term]| -> TermSets {
                    terms
                        .iter()
                        .filter_map(|t| {
                            l.columns
                                .iter()
                                .position(|c| c.key == t.name)
                                .map(|i| (t.negative, vec![i], l.columns[i].label))
                        })
                        .collect()
                };
                let (lcols, rcols) = (cols(lhs), cols(rhs));
                l.rows
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| {
                        self.def
                            .rows
                            .as_ref()
                            .is_none_or(|only| only.iter().any(|p| p == r.path))
                    })
                    .map(|(ri, _)| Instance {
                        lhs: resolve(&lcols, |c| (ri, c)),
                        rhs: resolve(&rcols, |c| (ri, c)),
                        at: At::Row(ri),
                    })
                    .collect()
            }
            _ => Vec::new(),
        }
    }

    fn check_grid(&self, g: &Grid, instances: &[Instance], out: &mut Vec<Finding>) {
        let l = g.l;
        match (&self.check, self.def.for_each) {
            (Check::Compare { op, .. }, ForEach::Column | ForEach::Row) => {
                for i in instances {
                    let place = || match i.at {
                        At::Column(ci) => Place {
                            table: l.title(),
                            row: None,
                            column: Some(l.column_label(&l.columns[ci])),
                        },
                        At::Row(ri) => Place {
                            table: l.title(),
                            row: Some(l.row_label(&l.rows[ri])),
                            column: None,
                        },
                    };
                    let pointer = || match i.at {
                        At::Column(_) => l.pointer.to_owned(),
                        At::Row(ri) => {
                            [l.pointer, "/", &l.rows[ri].path.replace('.', "/")].concat()
                        }
                    };
                    self.compare(g, (&i.lhs, *op, &i.rhs), place, pointer, out);
                }
            }
            (Check::Predicate(p), ForEach::Cell) => {
                let kinds = self.def.kinds.as_deref().unwrap_or(&[]);
                // Numbers were checked by the schema; only text can break a
                // cell predicate.
                let width = l.columns.len();
                for (i, text) in g.texts() {
                    let (Some(r), Some(c)) = (l.rows.get(i / width), l.columns.get(i % width))
                    else {
                        continue;
                    };
                    if !kinds.iter().any(|k| k.matches(c.kind)) {
                        continue;
                    }
                    if let Some(problem) = predicate_fails(*p, &Cell::Text(text.to_owned())) {
                        let pointer = l.cell_pointer(r, c);
                        out.push(Finding {
                            kind: "rule",
                            rule: self.def.id.clone(),
                            severity: self.def.severity,
                            status: Some(Status::Violated),
                            place: Some(cell_place(l, r, c)),
                            cells: vec![pointer.clone()],
                            pointer,
                            values: None,
                            message: problem,
                            rule_text: Some(self.def.message.clone()),
                            source: None,
                        });
                    }
                }
            }
            _ => {}
        }
    }

    /// Adds up both sides; only when there is something to say are the
    /// words and pointers of a finding built.
    fn compare(
        &self,
        g: &Grid,
        (lhs, op, rhs): (&[Resolved], Op, &[Resolved]),
        place: impl FnOnce() -> Place,
        pointer: impl FnOnce() -> String,
        out: &mut Vec<Finding>,
    ) {
        let add = |terms: &[Resolved]| {
            let mut s = Side::default();
            for t in terms {
                for &(r, c) in &t.cells {
                    match reading(g.at(r, c)) {
                        Reading::Number(n) => s.sum += if t.negative { -n } else { n },
                        Reading::Blank => s.blanks += 1,
                        Reading::Unreadable => s.unreadable += 1,
                    }
                }
            }
            s
        };
        let (l, r) = (add(lhs), add(rhs));
        let holds = match op {
            Op::Eq => l.sum == r.sum,
            Op::Le => l.sum <= r.sum,
        };
        let blanks = l.blanks + r.blanks;
        let unreadable = l.unreadable + r.unreadable;
        let (severity, status) = match (holds, blanks + unreadable) {
            (true, 0) => return,
            (true, _) if unreadable == 0 => (Severity::Info, Status::HeldWithBlanks),
            (false, 0) => (self.def.severity, Status::Violated),
            _ => (Severity::Info, Status::CannotAssess),
        };
        let symbol = match (op, holds) {
            (Op::Eq, true) => "=",
            (Op::Eq, false) => "≠",
            (Op::Le, true) => "≤",
            (Op::Le, false) => ">",
        };
        let layout = g.l;
        let mut cells = Vec::new();
        // Each side in words, `一(3) + 二(4) = 7`, written straight into
        // the message (format! costs several times as much).
        let mut describe = |out: &mut String, terms: &[Resolved], sum: i128| {
            for (i, t) in terms.iter().enumerate() {
                let mut value: i128 = 0;
                let mut blanks = 0;
                for &(r, c) in &t.cells {
                    cells.push(layout.pointer_at(r, c).to_owned());
                    match reading(g.at(r, c)) {
                        Reading::Number(n) => value += n,
                        _ => blanks += 1,
                    }
                }
                if i > 0 {
                    out.push_str(" + ");
                }
                if t.negative {
                    out.push_str("− ");
                }
                out.push_str(t.short);
                out.push('(');
                match t.cells.as_slice() {
                    [(r, c)] => match g.at(*r, *c) {
                        Some(Value::Number(n)) => out.push_str(n.as_str()),
                        Some(Value::String(s)) => out.push_str(&Cell::Text(s.clone()).display()),
                        _ => out.push_str(&Cell::Blank.display()),
                    },
                    _ => {
                        out.push_str(&value.to_string());
                        if blanks > 0 {
                            out.push_str("，含空白");
                        }
                    }
                }
                out.push(')');
            }
            if terms.len() > 1 {
                out.push_str(" = ");
                out.push_str(&sum.to_string());
            }
        };
        let mut message = String::with_capacity(160);
        describe(&mut message, lhs, l.sum);
        message.push(' ');
        message.push_str(symbol);
        message.push(' ');
        describe(&mut message, rhs, r.sum);
        out.push(Finding {
            kind: "rule",
            rule: self.def.id.clone(),
            severity,
            status: Some(status),
            place: Some(place()),
            pointer: pointer(),
            cells,
            values: Some([l.sum.to_string(), r.sum.to_string()]),
            message,
            rule_text: Some(self.def.message.clone()),
            source: None,
        });
    }
}

fn cell_place(l: &Layout, r: &Row, c: &Column) -> Place {
    Place {
        table: l.title(),
        row: Some(l.row_label(r)),
        column: Some(l.column_label(c)),
    }
}

/// Why a cell breaks a predicate, or `None`.
fn predicate_fails(p: Predicate, cell: &Cell) -> Option<String> {
    if cell.is_blank() || cell.is_placeholder() {
        return None;
    }
    let Some(q) = cell.quantity() else {
        return (p == Predicate::NumberOrPlaceholder)
            .then(|| format!("{} 不是数字 / is not a number", cell.display()));
    };
    let bad = match p {
        Predicate::NonNegativeInteger => q.number.as_integer().is_none_or(|n| n < 0),
        Predicate::Integer => q.number.as_integer().is_none(),
        Predicate::NonNegative => q.number.is_negative(),
        Predicate::NumberOrPlaceholder => false,
    };
    bad.then(|| cell.display())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_rules_compile() {
        let ids: Vec<&str> = builtin().iter().map(Rule::id).collect();
        for id in ["R3.1", "R3.2", "R3.3", "R4.1", "R4.2", "R4.3", "D1", "D4"] {
            assert!(ids.contains(&id), "{id}");
        }
        let mut unique = ids.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), ids.len(), "rule ids are unique");
    }

    #[test]
    fn bad_rules_are_refused_by_name() {
        let bad = |check: &str, for_each: &str| {
            let text = format!(
                r#"{{"rules":[{{"id":"X","table":"applications","for_each":"{for_each}","check":"{check}","severity":"error","message":{{"zh":"z","en":"e"}}}}]}}"#
            );
            compile(&text).unwrap_err().to_string()
        };
        assert!(bad("new = nonsense", "column").contains("nonsense names no row"));
        assert!(bad("total = natural_persons", "row").contains("no column"));
        assert!(bad("new + = total", "column").contains("missing term"));
        assert!(bad("integer", "row").contains("predicate"));
    }
}
