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
use crate::layout::{self, CellKind, Column, Layout, Place, Row, TableId};
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
    let layouts = layout::used_by(report);
    let mut findings = Vec::new();
    for rule in builtin() {
        for l in layouts.iter().filter(|l| rule.applies_to(l)) {
            rule.check_layout(l, report, &mut findings);
        }
    }
    findings
}

/// One side of an equation, added up.
#[derive(Default)]
struct Side {
    sum: i128,
    parts: Vec<String>,
    /// Blank or placeholder cells read as 0.
    blanks: usize,
    /// Cells that hold something other than an integer.
    unreadable: usize,
}

impl Side {
    fn describe(&self) -> String {
        let joined = self.parts.join(" + ");
        if self.parts.len() > 1 {
            format!("{joined} = {}", self.sum)
        } else {
            joined
        }
    }
}

impl Rule {
    fn check_layout(&self, l: &Layout, report: &Value, out: &mut Vec<Finding>) {
        match (&self.check, self.def.for_each) {
            (Check::Compare { lhs, op, rhs }, ForEach::Column) => {
                for c in l.columns {
                    let place = Place {
                        table: l.title(),
                        row: None,
                        column: Some(l.column_label(c)),
                    };
                    let cells_of = |t: &Term| -> Vec<(String, &'static str)> {
                        let rows: Vec<&Row> = l.rows_under(&t.name).collect();
                        let short = match (rows.as_slice(), l.group(&t.name)) {
                            ([only], None) => only.short,
                            (_, Some(g)) => g.short,
                            // Compiling the rules proved every term names a row or group.
                            _ => "?",
                        };
                        rows.iter().map(|r| (l.cell_pointer(r, c), short)).collect()
                    };
                    self.compare(
                        report,
                        (lhs, *op, rhs),
                        &cells_of,
                        place,
                        l.pointer.to_owned(),
                        out,
                    );
                }
            }
            (Check::Compare { lhs, op, rhs }, ForEach::Row) => {
                for r in l.rows {
                    if let Some(only) = &self.def.rows
                        && !only.iter().any(|p| p == r.path)
                    {
                        continue;
                    }
                    let place = Place {
                        table: l.title(),
                        row: Some(l.row_label(r)),
                        column: None,
                    };
                    let cells_of = |t: &Term| -> Vec<(String, &'static str)> {
                        l.column(&t.name)
                            .map(|c| vec![(l.cell_pointer(r, c), c.label)])
                            .unwrap_or_default()
                    };
                    let row_pointer = format!("{}/{}", l.pointer, r.path.replace('.', "/"));
                    self.compare(report, (lhs, *op, rhs), &cells_of, place, row_pointer, out);
                }
            }
            (Check::Predicate(p), ForEach::Cell) => {
                let kinds = self.def.kinds.as_deref().unwrap_or(&[]);
                for r in l.rows {
                    for c in l
                        .columns
                        .iter()
                        .filter(|c| kinds.iter().any(|k| k.matches(c.kind)))
                    {
                        let pointer = l.cell_pointer(r, c);
                        let Some(cell) = cell_at(report, &pointer) else {
                            continue;
                        };
                        if let Some(problem) = predicate_fails(*p, &cell) {
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
            }
            _ => {}
        }
    }

    fn compare(
        &self,
        report: &Value,
        (lhs, op, rhs): (&[Term], Op, &[Term]),
        cells_of: &dyn Fn(&Term) -> Vec<(String, &'static str)>,
        place: Place,
        pointer: String,
        out: &mut Vec<Finding>,
    ) {
        let mut cells = Vec::new();
        let mut side = |terms: &[Term]| -> Option<Side> {
            let mut s = Side::default();
            for t in terms {
                let members = cells_of(t);
                let mut value: i128 = 0;
                let mut term_blanks = 0;
                let mut single = None;
                for (p, _) in &members {
                    let cell = cell_at(report, p)?;
                    match cell_integer(&cell) {
                        Reading::Number(n) => value += n,
                        Reading::Blank => term_blanks += 1,
                        Reading::Unreadable => s.unreadable += 1,
                    }
                    if members.len() == 1 {
                        single = Some(cell);
                    }
                    cells.push(p.clone());
                }
                let short = members.first().map(|(_, s)| *s).unwrap_or("?");
                let shown = match single {
                    Some(cell @ (Cell::Blank | Cell::Text(_))) => cell.display(),
                    _ if term_blanks > 0 => format!("{value}，含空白"),
                    _ => value.to_string(),
                };
                s.parts.push(format!(
                    "{}{short}({shown})",
                    if t.negative { "− " } else { "" }
                ));
                s.sum += if t.negative { -value } else { value };
                s.blanks += term_blanks;
            }
            Some(s)
        };
        // A table that lacks a row (it cannot, once the schema has passed)
        // simply has nothing to check.
        let (Some(l), Some(r)) = (side(lhs), side(rhs)) else {
            return;
        };
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
        out.push(Finding {
            kind: "rule",
            rule: self.def.id.clone(),
            severity,
            status: Some(status),
            place: Some(place),
            pointer,
            cells,
            values: Some([l.sum.to_string(), r.sum.to_string()]),
            message: format!("{} {symbol} {}", l.describe(), r.describe()),
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

fn cell_at(report: &Value, pointer: &str) -> Option<Cell> {
    let v = report.pointer(pointer)?;
    serde_json::from_value(v.clone()).ok()
}

enum Reading {
    Number(i128),
    Blank,
    Unreadable,
}

fn cell_integer(cell: &Cell) -> Reading {
    if cell.is_blank() || cell.is_placeholder() {
        return Reading::Blank;
    }
    match cell.quantity().and_then(|q| q.number.as_integer()) {
        Some(n) => Reading::Number(n),
        None => Reading::Unreadable,
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

/// Rules that apply to a table, for documentation and tests.
pub fn ids_for(table: TableId) -> Vec<&'static str> {
    builtin()
        .iter()
        .filter(|r| r.def.table == table.key() || r.def.table == "*")
        .map(|r| r.id())
        .collect()
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
