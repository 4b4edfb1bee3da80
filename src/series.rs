//! Checks across years: the rules of `schemas/series-rules.json` over the
//! reports of one agency in consecutive years.
//!
//! A rule is a formula over the field paths of one table or block, like the
//! single-report rules (`src/rules.rs`); a term prefixed `last_year.` is read
//! from the previous year's report. `carried_over = last_year.carried_forward`
//! is checked in each of table 3's seven columns. Blank cells and
//! placeholders are read as 0, with the same outcome as in a single report: a
//! formula that then holds passes with a note, one that still fails "cannot
//! be assessed".
//!
//! Reports are grouped by agency (`meta.agency`, or one name for all) and
//! ordered by year (`meta.year`); a missing year, two reports for one year,
//! and a report that names no agency or year are said as findings too.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::finding::{Finding, RuleText, Severity, Status};
use crate::layout::{self, Layout, Place};
use crate::model::{Cell, Edition};
use crate::rules::{Reading, RuleError, reading};

/// The rule file's text, exactly as shipped.
pub const SERIES_RULES_JSON: &str = include_str!("../schemas/series-rules.json");

/// The prefix of a term read from the previous year's report.
const LAST_YEAR: &str = "last_year.";

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
    /// The edition both years' table or block must follow.
    #[serde(default)]
    edition: Option<Edition>,
    for_each: Over,
    check: String,
    severity: Severity,
    message: RuleText,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Over {
    /// Once per column; terms name rows or groups of rows.
    Column,
    /// Once per row; terms name columns.
    Row,
}

/// A compiled rule across years.
#[derive(Debug)]
pub struct Rule {
    def: RuleDef,
    lhs: Vec<Term>,
    rhs: Vec<Term>,
}

#[derive(Debug)]
struct Term {
    negative: bool,
    last_year: bool,
    name: String,
}

impl Rule {
    pub fn id(&self) -> &str {
        &self.def.id
    }

    /// Whether a layout is the rule's table or block (in any edition).
    fn is_for(&self, l: &Layout) -> bool {
        l.table.key() == self.def.table && l.block.map(|(k, _)| k) == self.def.block.as_deref()
    }

    fn edition_fits(&self, l: &Layout) -> bool {
        self.def.edition.is_none_or(|e| l.edition == Some(e))
    }
}

/// Parses rule definitions and checks every name they use against the
/// layouts they apply to.
pub fn compile(text: &str) -> Result<Vec<Rule>, RuleError> {
    let file: RuleFile = serde_json::from_str(text).map_err(|e| RuleError {
        id: "(file)".into(),
        message: e.to_string(),
    })?;
    file.rules
        .into_iter()
        .map(|def| {
            let id = def.id.clone();
            let err = |message: String| RuleError {
                id: id.clone(),
                message,
            };
            let Some((lhs, rhs)) = def.check.split_once('=') else {
                return Err(err(format!("{:?} is not a formula a = b", def.check)));
            };
            let (lhs, rhs) = (parse_side(lhs).map_err(err)?, parse_side(rhs).map_err(err)?);
            let rule = Rule { def, lhs, rhs };
            let layouts: Vec<&Layout> = layout::all()
                .filter(|l| rule.is_for(l) && rule.edition_fits(l))
                .collect();
            if layouts.is_empty() {
                return Err(err("applies to no table".into()));
            }
            for t in rule.lhs.iter().chain(&rule.rhs) {
                for l in &layouts {
                    let known = match rule.def.for_each {
                        Over::Column => l.rows_under(&t.name).next().is_some(),
                        Over::Row => l.column(&t.name).is_some(),
                    };
                    if !known {
                        return Err(err(format!("{} names nothing in {}", t.name, l.title())));
                    }
                }
            }
            if rule.lhs.iter().chain(&rule.rhs).all(|t| !t.last_year) {
                return Err(err(format!("no term is read from {LAST_YEAR}…")));
            }
            Ok(rule)
        })
        .collect()
}

/// `a + last_year.b - c`: terms and signs, apart.
fn parse_side(text: &str) -> Result<Vec<Term>, String> {
    let mut terms = Vec::new();
    let mut sign = Some(false);
    for token in text.split_whitespace() {
        match (token, sign) {
            ("+", None) => sign = Some(false),
            ("-", None) => sign = Some(true),
            (name, Some(negative))
                if name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.') =>
            {
                let (last_year, name) = match name.strip_prefix(LAST_YEAR) {
                    Some(rest) => (true, rest),
                    None => (false, name),
                };
                terms.push(Term {
                    negative,
                    last_year,
                    name: name.to_owned(),
                });
                sign = None;
            }
            _ => {
                return Err(format!(
                    "unexpected {token:?} in {text:?}: write names and + or - apart"
                ));
            }
        }
    }
    if sign.is_some() {
        return Err(format!("missing term in {text:?}"));
    }
    Ok(terms)
}

/// The shipped rules, compiled once.
pub fn builtin() -> &'static [Rule] {
    static RULES: OnceLock<Vec<Rule>> = OnceLock::new();
    RULES.get_or_init(|| compile(SERIES_RULES_JSON).expect("the shipped rules compile (tested)"))
}

/// A report in a series: the input it came from, and the report as JSON.
#[derive(Clone, Copy, Debug)]
pub struct Member<'a> {
    pub file: &'a str,
    pub report: &'a Value,
}

/// How to form the series.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Treat every report as this agency's, whatever it names.
    pub agency: Option<String>,
    /// Violations are errors, not warnings.
    pub strict: bool,
}

/// A finding about one report of a series, with the previous year's report
/// when the finding compares the two.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SeriesFinding {
    /// This year's report.
    pub file: String,
    #[serde(flatten)]
    pub finding: Finding,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agency: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    /// The previous year's report and the cells the rule read in it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous: Option<Previous>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Previous {
    pub file: String,
    pub year: i32,
    pub cells: Vec<String>,
}

/// Two reports of one agency in consecutive years that were compared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pair {
    pub agency: String,
    pub previous: String,
    pub current: String,
    pub year: i32,
    /// Comparisons made (one per column or row of each rule that applies).
    pub checks: usize,
}

/// What checking a set of reports found.
#[derive(Clone, Debug, Default)]
pub struct Outcome {
    /// The series' own findings (a report without agency or year, a missing
    /// or duplicated year), then each pair's rule findings, pair by pair.
    pub findings: Vec<SeriesFinding>,
    pub pairs: Vec<Pair>,
}

/// Groups the reports by agency and year, and checks every rule on each
/// pair of consecutive years.
pub fn check(members: &[Member], options: &Options) -> Outcome {
    let mut out = Outcome::default();
    let mut groups: BTreeMap<String, Vec<(i32, Member)>> = BTreeMap::new();
    for m in members {
        let named = layout::at(m.report, "/meta/agency")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|a| !a.is_empty());
        let agency = options.agency.as_deref().or(named);
        let year = layout::at(m.report, "/meta/year")
            .and_then(Value::as_i64)
            .and_then(|y| i32::try_from(y).ok());
        match (agency, year) {
            (Some(agency), Some(year)) => groups
                .entry(agency.to_owned())
                .or_default()
                .push((year, *m)),
            _ => {
                let (pointer, what) = if agency.is_none() {
                    (
                        "/meta/agency",
                        "发布机构 (meta.agency); --agency NAME names one for all inputs",
                    )
                } else {
                    ("/meta/year", "年度 (meta.year)")
                };
                out.findings.push(series_note(
                    m.file,
                    "unplaced",
                    Severity::Warning,
                    pointer,
                    format!("the report names no {what}: it is in no series and is not compared"),
                    (agency, year),
                ));
            }
        }
    }
    if options.agency.is_none() {
        for (a, b) in similar_names(groups.keys()) {
            let (year, m) = groups[b][0];
            out.findings.push(series_note(
                m.file,
                "agency",
                Severity::Info,
                "/meta/agency",
                format!(
                    "“{a}” and “{b}” may be the same agency: to compare their reports, name one agency for all inputs with --agency NAME"
                ),
                (Some(b), Some(year)),
            ));
        }
    }
    for (agency, mut reports) in groups {
        reports.sort_by_key(|(year, _)| *year);
        chain(&agency, &reports, options, &mut out);
    }
    out
}

/// Pairs of agency names where one ends with the other (`洪泽区人民政府`,
/// `淮安市洪泽区人民政府`): likely the same agency, written two ways.
fn similar_names<'a>(names: impl Iterator<Item = &'a String> + Clone) -> Vec<(&'a str, &'a str)> {
    let mut out = Vec::new();
    for a in names.clone() {
        for b in names.clone() {
            if a != b && b.ends_with(a.as_str()) && a.chars().count() >= 4 {
                out.push((a.as_str(), b.as_str()));
            }
        }
    }
    out
}

/// A finding about a report's place in a series, not about its numbers.
fn series_note(
    file: &str,
    rule: &str,
    severity: Severity,
    pointer: &str,
    message: String,
    (agency, year): (Option<&str>, Option<i32>),
) -> SeriesFinding {
    SeriesFinding {
        file: file.to_owned(),
        finding: Finding::new("series", rule, severity, pointer, message),
        agency: agency.map(str::to_owned),
        year,
        previous: None,
    }
}

/// One agency's reports, ordered by year: what is missing or doubled, and
/// the rules on each pair of consecutive years.
fn chain(agency: &str, reports: &[(i32, Member)], options: &Options, out: &mut Outcome) {
    let place = |y: i32| (Some(agency), Some(y));
    for pair in reports.windows(2) {
        let ((y0, m0), (y1, m1)) = (pair[0], pair[1]);
        if y0 == y1 {
            out.findings.push(series_note(
                m1.file,
                "duplicate",
                Severity::Warning,
                "/meta/year",
                format!(
                    "{agency} has more than one report for {y1} ({} and {}): each is compared with the years beside it",
                    m0.file, m1.file
                ),
                place(y1),
            ));
        } else if y1 > y0 + 1 {
            let missing = if y1 == y0 + 2 {
                (y0 + 1).to_string()
            } else {
                format!("{}–{}", y0 + 1, y1 - 1)
            };
            out.findings.push(series_note(
                m1.file,
                "gap",
                Severity::Info,
                "/meta/year",
                format!(
                    "no report of {agency} for {missing} among the inputs: {y0} ({}) and {y1} ({}) are not compared",
                    m0.file, m1.file
                ),
                place(y1),
            ));
        }
    }
    if let [(year, only)] = reports {
        out.findings.push(series_note(
            only.file,
            "alone",
            Severity::Info,
            "/meta/year",
            format!("no other year of {agency} among the inputs: nothing to compare"),
            place(*year),
        ));
    }
    for (i, (y1, m1)) in reports.iter().enumerate() {
        for (y0, m0) in reports[..i].iter().filter(|(y0, _)| y0 + 1 == *y1) {
            let mut pair = Pair {
                agency: agency.to_owned(),
                previous: m0.file.to_owned(),
                current: m1.file.to_owned(),
                year: *y1,
                checks: 0,
            };
            for rule in builtin() {
                let years = (*y0, *y1);
                pair.checks += rule.check_pair((m0, m1), years, options, agency, out);
            }
            out.pairs.push(pair);
        }
    }
}

/// One term of a formula, resolved to cells in one year's report.
struct Resolved<'a> {
    negative: bool,
    last_year: bool,
    /// How the term is named in messages: `二`, `现行有效件数`.
    short: &'static str,
    /// (pointer, value) of each cell it adds up.
    cells: Vec<(String, Option<&'a Value>)>,
    place: Option<Place>,
}

/// The grid cells (row, column) a term's name stands for in a layout.
type Lines<'a> = dyn Fn(&Layout, &str) -> Vec<(usize, usize)> + 'a;

/// One side of the equation, added up.
#[derive(Default)]
struct Side {
    sum: i128,
    blanks: usize,
    unreadable: usize,
}

impl Rule {
    /// Checks the rule on last year's and this year's report; returns how
    /// many comparisons it made.
    fn check_pair(
        &self,
        (last, this): (&Member, &Member),
        (y0, y1): (i32, i32),
        options: &Options,
        agency: &str,
        out: &mut Outcome,
    ) -> usize {
        let find = |m: &Member| {
            layout::used_by(m.report)
                .into_iter()
                .find(|l| self.is_for(l))
        };
        let (Some(l0), Some(l1)) = (find(last), find(this)) else {
            return 0;
        };
        let finding = |severity, status, message: String| SeriesFinding {
            file: this.file.to_owned(),
            finding: Finding {
                kind: "rule",
                rule: self.def.id.clone(),
                severity,
                status: Some(status),
                pointer: l1.pointer.to_owned(),
                cells: Vec::new(),
                place: Some(Place {
                    table: l1.title(),
                    ..Place::default()
                }),
                values: None,
                message,
                rule_text: Some(self.def.message.clone()),
                source: None,
            },
            agency: Some(agency.to_owned()),
            year: Some(y1),
            previous: Some(Previous {
                file: last.file.to_owned(),
                year: y0,
                cells: Vec::new(),
            }),
        };
        match (self.edition_fits(l0), self.edition_fits(l1)) {
            (true, true) => {}
            (false, false) => return 0,
            (fits0, _) => {
                let (year, l) = if fits0 { (y1, l1) } else { (y0, l0) };
                let edition = |l: &Layout| l.edition.map_or("", Edition::as_str);
                let message = format!(
                    "{year}年的{}按{}年版格式填报，本规则只适用于{}年版 / the rule is for the {} edition only",
                    l.title(),
                    edition(l),
                    self.def.edition.map_or("", Edition::as_str),
                    self.def.edition.map_or("", Edition::as_str),
                );
                out.findings
                    .push(finding(Severity::Info, Status::CannotAssess, message));
                return 1;
            }
        }
        let resolve = |terms: &[Term], line: &Lines| {
            terms
                .iter()
                .map(|t| {
                    let (l, m) = if t.last_year { (l0, last) } else { (l1, this) };
                    let at = line(l, &t.name);
                    let short = match (self.def.for_each, at.as_slice()) {
                        (Over::Row, _) => l.column(&t.name).map_or("?", |c| c.label),
                        (Over::Column, [(r, _)]) => l.rows[*r].short,
                        (Over::Column, _) => l.group(&t.name).map_or("?", |g| g.short),
                    };
                    let place = at.first().map(|&(r, c)| Place {
                        table: l.title(),
                        row: Some(l.row_label(&l.rows[r])),
                        column: Some(l.column_label(&l.columns[c])),
                    });
                    let cells = at
                        .iter()
                        .map(|&(r, c)| {
                            let p = l.pointer_at(r, c);
                            (p.to_owned(), layout::at(m.report, p))
                        })
                        .collect();
                    Resolved {
                        negative: t.negative,
                        last_year: t.last_year,
                        short,
                        cells,
                        place,
                    }
                })
                .collect::<Vec<_>>()
        };
        let mut checks = 0;
        match self.def.for_each {
            Over::Column => {
                for c in l1.columns.iter().filter(|c| l0.column(c.key).is_some()) {
                    let line = |l: &Layout, name: &str| -> Vec<(usize, usize)> {
                        let ci = l.columns.iter().position(|k| k.key == c.key);
                        l.rows
                            .iter()
                            .enumerate()
                            .filter(|(_, r)| l.rows_under(name).any(|u| u.path == r.path))
                            .filter_map(|(ri, _)| ci.map(|ci| (ri, ci)))
                            .collect()
                    };
                    let sides = (resolve(&self.lhs, &line), resolve(&self.rhs, &line));
                    self.compare(sides, (y0, y1), options, &finding, out);
                    checks += 1;
                }
            }
            Over::Row => {
                for r in l1.rows.iter().filter(|r| l0.row(r.path).is_some()) {
                    let line = |l: &Layout, name: &str| -> Vec<(usize, usize)> {
                        let ri = l.rows.iter().position(|k| k.path == r.path);
                        let ci = l.columns.iter().position(|c| c.key == name);
                        ri.zip(ci).into_iter().collect()
                    };
                    let sides = (resolve(&self.lhs, &line), resolve(&self.rhs, &line));
                    self.compare(sides, (y0, y1), options, &finding, out);
                    checks += 1;
                }
            }
        }
        checks
    }

    /// Adds up both sides and says what there is to say.
    fn compare(
        &self,
        (lhs, rhs): (Vec<Resolved>, Vec<Resolved>),
        (y0, y1): (i32, i32),
        options: &Options,
        finding: &dyn Fn(Severity, Status, String) -> SeriesFinding,
        out: &mut Outcome,
    ) {
        let add = |terms: &[Resolved]| {
            let mut s = Side::default();
            for t in terms {
                for (_, v) in &t.cells {
                    match reading(*v) {
                        Reading::Number(n) => s.sum += if t.negative { -n } else { n },
                        Reading::Blank => s.blanks += 1,
                        Reading::Unreadable => s.unreadable += 1,
                    }
                }
            }
            s
        };
        let (l, r) = (add(&lhs), add(&rhs));
        let holds = l.sum == r.sum;
        let unreadable = l.unreadable + r.unreadable;
        let (severity, status) = match (holds, l.blanks + r.blanks + unreadable) {
            (true, 0) => return,
            (true, _) if unreadable == 0 => (Severity::Info, Status::HeldWithBlanks),
            (false, 0) if options.strict => (Severity::Error, Status::Violated),
            (false, 0) => (self.def.severity, Status::Violated),
            _ => (Severity::Info, Status::CannotAssess),
        };
        let describe = |terms: &[Resolved], sum: i128| {
            let mut text = String::new();
            for (i, t) in terms.iter().enumerate() {
                let sign = match (i, t.negative) {
                    (0, false) => "",
                    (0, true) => "− ",
                    (_, false) => " + ",
                    (_, true) => " − ",
                };
                let shown = match t.cells.as_slice() {
                    [(_, Some(Value::Number(n)))] => n.to_string(),
                    [(_, Some(v))] => {
                        Cell::deserialize(*v).map_or_else(|_| v.to_string(), |c| c.display())
                    }
                    [(_, None)] => Cell::Blank.display(),
                    _ => t
                        .cells
                        .iter()
                        .filter_map(|(_, v)| match reading(*v) {
                            Reading::Number(n) => Some(n),
                            _ => None,
                        })
                        .sum::<i128>()
                        .to_string(),
                };
                let year = if t.last_year { y0 } else { y1 };
                text.push_str(&format!("{sign}{year}年 {}({shown})", t.short));
            }
            if terms.len() > 1 {
                text.push_str(&format!(" = {sum}"));
            }
            text
        };
        let symbol = if holds { "=" } else { "≠" };
        let message = format!(
            "{} {symbol} {}",
            describe(&lhs, l.sum),
            describe(&rhs, r.sum)
        );
        let mut f = finding(severity, status, message);
        let (mut now, mut before) = (Vec::new(), Vec::new());
        for t in lhs.iter().chain(&rhs) {
            let cells = t.cells.iter().map(|(p, _)| p.clone());
            if t.last_year {
                before.extend(cells);
            } else {
                now.extend(cells);
            }
        }
        if let Some(first) = lhs.first() {
            f.finding.place = first.place.clone();
            if let Some((p, _)) = first.cells.first() {
                f.finding.pointer = p.clone();
            }
        }
        f.finding.cells = now;
        f.finding.values = Some([l.sum.to_string(), r.sum.to_string()]);
        if let Some(p) = &mut f.previous {
            p.cells = before;
        }
        out.findings.push(f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_rules_compile_with_unique_ids() {
        let ids: Vec<&str> = builtin().iter().map(Rule::id).collect();
        assert!(ids.contains(&"S1") && ids.contains(&"S2"));
        let mut unique = ids.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), ids.len());
    }

    #[test]
    fn bad_rules_are_refused_by_name() {
        let bad = |check: &str| {
            let text = format!(
                r#"{{"rules":[{{"id":"X","table":"applications","for_each":"column","check":"{check}","severity":"warning","message":{{"zh":"z","en":"e"}}}}]}}"#
            );
            compile(&text).unwrap_err().to_string()
        };
        assert!(bad("carried_over = last_year.nonsense").contains("nonsense names nothing"));
        assert!(bad("carried_over = carried_forward").contains("last_year"));
        assert!(bad("carried_over = last_year.new +").contains("missing term"));
        assert!(bad("carried_over last_year.new").contains("not a formula"));
        assert!(bad("carried_over = last_year.new+new").contains("unexpected"));
    }

    #[test]
    fn placeholders_and_blanks_read_as_zero() {
        assert!(matches!(reading(None), Reading::Blank));
        assert!(matches!(
            reading(Some(&serde_json::json!("/"))),
            Reading::Blank
        ));
        assert!(matches!(
            reading(Some(&serde_json::json!(3))),
            Reading::Number(3)
        ));
        assert!(matches!(
            reading(Some(&serde_json::json!("无法统计"))),
            Reading::Unreadable
        ));
    }
}
