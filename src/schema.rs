//! The canonical JSON Schema, compiled once per process.
//!
//! The schema is embedded from `schemas/annual-report.schema.json`; it has no
//! external references, and the validator is built without any network or
//! file resolver.

use std::sync::OnceLock;

use jsonschema::Validator;
use serde_json::Value;

use crate::finding::{Finding, Severity};
use crate::layout;
use crate::model::Decimal;

/// The schema's text, exactly as shipped.
pub const SCHEMA_JSON: &str = include_str!("../schemas/annual-report.schema.json");

/// The schema's `$id`.
pub const SCHEMA_ID: &str = "urn:xxgk:schema:annual-report:1";

/// The schema as JSON.
pub fn schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        serde_json::from_str(SCHEMA_JSON).expect("the embedded schema is valid JSON (tested)")
    })
}

fn validator() -> &'static Validator {
    static VALIDATOR: OnceLock<Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        jsonschema::draft202012::options()
            .should_validate_formats(true)
            .build(schema())
            .expect("the embedded schema compiles (tested)")
    })
}

/// Checks a report's JSON against the schema. Each error names its pointer
/// and, inside a table, the table, row and column labels.
pub fn check(instance: &Value) -> Vec<Finding> {
    check_noted(instance, false)
}

/// [`check`], told whether every number in the instance is already known
/// to be a whole number written plainly within 64 bits (the JSON reader
/// notes it as it reads), which none of the exact-number checks refuse:
/// they are then spared their walk over the report.
pub(crate) fn check_noted(instance: &Value, plain_numbers: bool) -> Vec<Finding> {
    // The common case, a valid report, costs no error collection.
    if validator().is_valid(instance) {
        return if plain_numbers {
            Vec::new()
        } else {
            inexact(instance)
        };
    }
    let mut findings: Vec<Finding> = validator()
        .iter_errors(instance)
        .map(|e| {
            let pointer = e.instance_path().as_str().to_owned();
            let message = cell_message(e.schema_path().as_str(), e.instance())
                .unwrap_or_else(|| e.to_string());
            finding(instance, pointer, e.kind().keyword(), message)
        })
        .collect();
    // An if/then mismatch is reported by the keyword that failed inside the
    // branch; the bare `if`/`then` wrappers add nothing.
    findings.retain(|f| !matches!(f.rule.as_str(), "if" | "then" | "else"));
    findings
}

/// A schema error at a pointer, placed in the tables by its labels.
pub(crate) fn finding(instance: &Value, pointer: String, rule: &str, message: String) -> Finding {
    Finding {
        place: layout::locate(&pointer, instance),
        ..Finding::new("schema", rule, Severity::Error, pointer, message)
    }
}

/// Numbers the schema's types let through but the model cannot hold as
/// what they stand for: a count written with a point or an exponent (JSON
/// Schema calls `3.0` an integer; a count keeps its written digits, so it
/// would stay `3.0` and could not be added up), a whole number past 64
/// bits anywhere, and an amount that is not plain decimal notation of at
/// most [`MAX_NUMBER_CHARS`](crate::model::MAX_NUMBER_CHARS) characters
/// (`1e5`). Refused at their pointers, never changed.
fn inexact(instance: &Value) -> Vec<Finding> {
    let mut out = Vec::new();
    // One walk over the report. The pointer is put together only for what
    // is found.
    enum Seg<'a> {
        Key(&'a str),
        Index(usize),
    }
    /// Where a number is: in an amount cell or an extra row (where a point
    /// is at home), or elsewhere (a count, a year: whole numbers).
    fn walk<'a>(
        v: &'a Value,
        path: &mut Vec<Seg<'a>>,
        decimals_allowed: bool,
        found: &mut Vec<(String, &'static str, String)>,
    ) {
        match v {
            // Up to 18 digits and a sign is a whole number well inside 64
            // bits: the common case, told without parsing.
            Value::Number(n) if crate::json::plain_integer(n.as_str()).is_some() => {}
            Value::Number(n) if !n.is_i64() && !n.is_u64() => {
                let text = n.as_str();
                let fractional = text.contains(['.', 'e', 'E']);
                let what = match (fractional, decimals_allowed) {
                    (false, _) => "maximum",
                    (true, false) => "integer",
                    (true, true) if Decimal::parse(text).is_some() => return,
                    (true, true) => "value",
                };
                let pointer = path
                    .iter()
                    .map(|s| match s {
                        Seg::Key(k) => format!("/{}", crate::json::pointer_token(k)),
                        Seg::Index(i) => format!("/{i}"),
                    })
                    .collect();
                found.push((pointer, what, text.to_owned()));
            }
            Value::Array(items) => {
                for (i, x) in items.iter().enumerate() {
                    path.push(Seg::Index(i));
                    walk(x, path, decimals_allowed, found);
                    path.pop();
                }
            }
            Value::Object(map) => {
                for (k, x) in map {
                    let allowed = decimals_allowed || k == "amount" || k == "extra_rows";
                    path.push(Seg::Key(k));
                    walk(x, path, allowed, found);
                    path.pop();
                }
            }
            _ => {}
        }
    }
    let mut found = Vec::new();
    walk(instance, &mut Vec::new(), false, &mut found);
    for (pointer, what, text) in found {
        let message = match what {
            "maximum" => format!("{text} is too large: a whole number must fit in 64 bits"),
            "value" => Decimal::refusal(&text),
            _ => format!(
                "{text} is not written as a whole number: a count is written without a point or an exponent"
            ),
        };
        out.push(finding(instance, pointer, what, message));
    }
    out
}

/// Plain words for the ways a table cell can break the schema; the
/// validator's own wording (`{"pattern":…} is not allowed for "31"`) is
/// written for schema authors.
fn cell_message(schema_path: &str, value: &Value) -> Option<String> {
    let rest = schema_path.strip_prefix("/$defs/")?;
    let (def, keyword) = rest.split_once('/')?;
    let what = match def {
        "count" => "a count is a whole number of at least 0",
        "signedCount" => "a change is a whole number (negative for a decrease)",
        "amount" => "an amount is a number of at least 0",
        "anyCell" => "a cell is a number",
        _ => return None,
    };
    let alternatives = "null for a blank cell, or the cell's text such as \"/\"";
    Some(match keyword {
        "type" => format!("{value} cannot be a cell: {what}, {alternatives}"),
        "minimum" => format!("{value} is negative: {what}"),
        "not" => format!("{value} is a number written as text: write it as a JSON number"),
        "pattern" => format!("{value} is empty text: write null for a blank cell"),
        "maxLength" => "the cell's text is longer than 200 characters".to_owned(),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_schema_compiles_and_names_itself() {
        assert_eq!(schema()["$id"], SCHEMA_ID);
        let _ = validator();
    }

    #[test]
    fn errors_are_placed_in_the_table() {
        let mut v: Value = serde_json::from_str(include_str!(
            "../tests/fixtures/valid/seed-2020-hengyang.json"
        ))
        .unwrap();
        v["sections"]["applications"]["table"]["results"]["granted"]["commercial"] =
            serde_json::json!(-1);
        let found = check(&v);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].rule, "minimum");
        assert_eq!(
            found[0].place.as_ref().unwrap().describe(),
            "三、收到和处理政府信息公开申请情况 · （一）予以公开 · 法人或其他组织 · 商业企业"
        );
    }
}
