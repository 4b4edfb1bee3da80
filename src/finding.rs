//! What validation found: schema errors and rule results, in one shape.
//!
//! Every finding names where it is twice: as a JSON pointer for machines and as
//! the table, row and column labels for people.

use std::fmt;

use serde::Serialize;

use crate::layout::Place;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Not a problem: a rule that could not be assessed, or held only by
    /// reading blank cells as 0.
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// How a rule came out where it was checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The numbers break the rule.
    Violated,
    /// The rule fails, but blank or placeholder cells are involved, so it
    /// cannot be told whether the report is wrong or merely left zeros out.
    CannotAssess,
    /// The rule holds once blank cells are read as 0.
    HeldWithBlanks,
}

/// One thing validation has to say.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    /// `schema` or `rule`.
    pub kind: &'static str,
    /// The rule id (`R3.1`) or the schema keyword (`minimum`).
    pub rule: String,
    pub severity: Severity,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// JSON pointer to the value concerned (for a rule: the table or row).
    pub pointer: String,
    /// The cells a rule read, as JSON pointers.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cells: Vec<String>,
    /// The place in words, when it is in a table.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub place: Option<Place>,
    /// The two sides of a rule's equation, when they could be computed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub values: Option<[String; 2]>,
    /// For a rule, the numbers (`一(32) + 二(0) = 32 ≠ （七）总计(31) + 四(0) = 31`);
    /// for a schema error, the validator's message.
    pub message: String,
    /// For a rule, what it requires, in Chinese and English.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule_text: Option<RuleText>,
    /// Where the value came from in the source document (`表3 第5行 第2列`,
    /// `line 42`), when it was read from one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// A rule's statement in both languages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct RuleText {
    pub zh: String,
    pub en: String,
}

impl Finding {
    /// A finding at a pointer with nothing else to it: no place in the
    /// tables, no cells, no equation, no source. Set those fields after.
    pub fn new(
        kind: &'static str,
        rule: impl Into<String>,
        severity: Severity,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            kind,
            rule: rule.into(),
            severity,
            status: None,
            pointer: pointer.into(),
            cells: Vec::new(),
            place: None,
            values: None,
            message: message.into(),
            rule_text: None,
            source: None,
        }
    }

    /// Counts towards exit code 1 (with `strict`, warnings do too).
    pub fn fails(&self, strict: bool) -> bool {
        match self.severity {
            Severity::Error => true,
            Severity::Warning => strict,
            Severity::Info => false,
        }
    }
}

impl fmt::Display for Finding {
    /// `error[R3.1] 三、… · 自然人: 一(32) + 二(0) = 32 ≠ （七）总计(31) + 四(0) = 31`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}] ", self.severity.as_str(), self.rule)?;
        match &self.place {
            Some(place) => write!(f, "{}", place.describe())?,
            None => write!(f, "{}", display_pointer(&self.pointer))?,
        }
        write!(f, ": {}", self.message)?;
        match self.status {
            Some(Status::CannotAssess) => write!(
                f,
                "（含空白或非数字单元格，无法判断 / cannot assess: blank or non-numeric cells)"
            )?,
            Some(Status::HeldWithBlanks) => write!(f, "（空白单元格按 0 计 / blanks read as 0)")?,
            _ => {}
        }
        if let (Some(Status::Violated), Some(text)) = (self.status, &self.rule_text) {
            write!(f, " — {}", text.zh)?;
        }
        if self.kind == "schema" && self.place.is_some() {
            write!(f, " (at {})", display_pointer(&self.pointer))?;
        }
        if let Some(source) = &self.source {
            write!(f, " [{source}]")?;
        }
        Ok(())
    }
}

fn display_pointer(p: &str) -> &str {
    if p.is_empty() { "(document)" } else { p }
}
