//! `xxgk template check`: every tag of a template that names no field of
//! the report, found before anything is rendered.
//!
//! Tags are followed the way Handlebars resolves them: from the report's
//! root, into `{{#each}}` items and `{{#with}}` objects, up with `../`, into
//! partials with the context they are given. The fields are the JSON
//! Schema's properties (every branch of an `if`/`then`/`else`, so both
//! editions count) plus `view`, which rendering adds.

use std::fmt;

use handlebars::template::{
    BlockParam, DecoratorTemplate, HelperTemplate, Parameter, Template as Ast, TemplateElement,
};
use serde_json::{Value, json};

use crate::write::template::{Part, Template};

/// A tag that names no field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// `word/document.xml.hbs` or `partials/row.hbs`.
    pub part: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} line {}, column {}: {}",
            self.part, self.line, self.column, self.message
        )
    }
}

/// Helpers a template may call: Handlebars' own and xxgk's `lines`.
const HELPERS: &[&str] = &[
    "each", "with", "if", "unless", "lookup", "log", "eq", "ne", "gt", "gte", "lt", "lte", "and",
    "or", "not", "len", "lines",
];

/// What `view` holds, as a schema.
fn view_schema() -> Value {
    let block = json!({"$ref": "#/$defs/block"});
    let cell = json!({"type": "object", "properties": {
        "text": {"type": "string"}, "span": {"type": "integer"}, "merge": {"type": "string"},
        "width": {"type": "integer"}, "role": {"type": "string"},
        "align": {"type": "string"}}});
    json!({"type": "object", "properties": {
        "meta_json": {"type": "string"},
        "sections": {"type": "array", "items": {"type": "object", "properties": {
            "key": {"type": "string"},
            "heading": {"type": "string"},
            "body": {"type": "array", "items": block},
            "notes": {"type": "array", "items": block},
            "grid": {"type": "object", "properties": {
                "table": {"type": "string"},
                "columns": {"type": "array", "items": {"type": "integer"}},
                "rows": {"type": "array", "items": {"type": "object", "properties": {
                    "header": {"type": "boolean"},
                    "cells": {"type": "array", "items": cell}}}}}}}}}}})
}

struct Checker<'a> {
    schema: Value,
    template: &'a Template,
    problems: Vec<Problem>,
    /// Partials being walked, against endless recursion.
    partial_depth: usize,
    /// Names a partial's hash or a block's `as |…|` gives, in scope.
    locals: Vec<String>,
}

/// Every tag of the template that names no field of the report.
pub fn check(t: &Template) -> Vec<Problem> {
    let mut schema: Value =
        serde_json::from_str(crate::schema::SCHEMA_JSON).expect("the embedded schema is JSON");
    if let Some(Value::Object(props)) = schema.get_mut("properties") {
        props.insert("view".into(), view_schema());
    }
    let mut c = Checker {
        schema,
        template: t,
        problems: Vec::new(),
        partial_depth: 0,
        locals: Vec::new(),
    };
    let root = vec![c.schema.clone()];
    for (name, p) in &t.parts {
        if let Part::Source(src) = p {
            let part = format!("{name}.hbs");
            match Ast::compile(src) {
                Ok(ast) => c.walk(&ast, &part, std::slice::from_ref(&root)),
                Err(e) => c.problems.push(Problem {
                    part,
                    line: 0,
                    column: 0,
                    message: format!("not a Handlebars template: {e}"),
                }),
            }
        }
    }
    c.problems
}

impl Checker<'_> {
    fn problem(&mut self, part: &str, (line, column): (usize, usize), message: String) {
        self.problems.push(Problem {
            part: part.to_owned(),
            line,
            column,
            message,
        });
    }

    /// Follows `$ref`s to the definitions they name.
    fn deref(&self, s: &Value) -> Value {
        let mut s = s.clone();
        for _ in 0..16 {
            let Some(r) = s.get("$ref").and_then(Value::as_str) else {
                break;
            };
            let Some(target) = r.strip_prefix('#').and_then(|p| self.schema.pointer(p)) else {
                break;
            };
            s = target.clone();
        }
        s
    }

    /// The schemas a value described by `s` may also have to satisfy: its
    /// branches (`allOf`, `anyOf`, `oneOf`, `then`, `else`).
    fn branches(&self, s: &Value) -> Vec<Value> {
        let s = self.deref(s);
        let mut out = vec![s.clone()];
        for key in ["allOf", "anyOf", "oneOf"] {
            if let Some(Value::Array(a)) = s.get(key) {
                for b in a {
                    out.extend(self.branches(b));
                }
            }
        }
        for key in ["then", "else"] {
            if let Some(b) = s.get(key) {
                out.extend(self.branches(b));
            }
        }
        out
    }

    /// The schemas of field `seg` of a value of any of `ctx`.
    fn field(&self, ctx: &[Value], seg: &str) -> Vec<Value> {
        let mut out = Vec::new();
        for s in ctx {
            for b in self.branches(s) {
                if let Some(p) = b.get("properties").and_then(|p| p.get(seg)) {
                    out.push(p.clone());
                }
                if seg.parse::<usize>().is_ok()
                    && let Some(items) = b.get("items")
                {
                    out.push(items.clone());
                }
                if let Some(ap) = b.get("additionalProperties").filter(|v| v.is_object()) {
                    out.push(ap.clone());
                }
            }
        }
        out
    }

    /// The schemas of the items of an array (or the values of an object)
    /// described by any of `ctx`.
    fn items(&self, ctx: &[Value]) -> Vec<Value> {
        let mut out = Vec::new();
        for s in ctx {
            for b in self.branches(s) {
                if let Some(items) = b.get("items") {
                    out.push(items.clone());
                }
                if let Some(Value::Object(props)) = b.get("properties") {
                    out.extend(props.values().cloned());
                }
                if let Some(ap) = b.get("additionalProperties").filter(|v| v.is_object()) {
                    out.push(ap.clone());
                }
            }
        }
        out
    }

    /// Resolves a path against the context stack; `None` (after noting a
    /// problem) when it names nothing.
    fn resolve(
        &mut self,
        raw: &str,
        stack: &[Vec<Value>],
        part: &str,
        at: (usize, usize),
    ) -> Option<Vec<Value>> {
        if raw.starts_with('@') && !raw.starts_with("@root") {
            return Some(Vec::new()); // @index, @key, @first, @last
        }
        let mut depth = stack.len() - 1;
        let mut rest = raw;
        if let Some(r) = rest.strip_prefix("@root") {
            depth = 0;
            rest = r.trim_start_matches(['.', '/']);
        }
        while let Some(r) = rest.strip_prefix("../") {
            depth = depth.saturating_sub(1);
            rest = r;
        }
        let mut ctx = stack[depth].clone();
        if ctx.is_empty() {
            return Some(Vec::new()); // unknown context: nothing to say
        }
        let segs: Vec<&str> = rest
            .split(['.', '/'])
            .filter(|s| !s.is_empty() && *s != "this")
            .map(|s| s.trim_start_matches('[').trim_end_matches(']'))
            .collect();
        if segs
            .first()
            .is_some_and(|s| self.locals.iter().any(|l| l == s))
        {
            return Some(Vec::new()); // a block parameter: not checked further
        }
        for (i, seg) in segs.iter().enumerate() {
            let next = self.field(&ctx, seg);
            if next.is_empty() {
                let within = if i == 0 {
                    "here".to_owned()
                } else {
                    format!("in {}", segs[..i].join("."))
                };
                self.problem(
                    part,
                    at,
                    format!("{{{{{raw}}}}}: the report has no field “{seg}” {within}"),
                );
                return None;
            }
            ctx = next;
        }
        Some(ctx)
    }

    fn param(&mut self, p: &Parameter, stack: &[Vec<Value>], part: &str, at: (usize, usize)) {
        match p {
            Parameter::Path(_) => {
                if let Some(raw) = p.as_name() {
                    self.resolve(raw, stack, part, at);
                }
            }
            Parameter::Subexpression(sub) => {
                self.element(&sub.element, stack, part, at);
            }
            _ => {}
        }
    }

    fn helper_name(
        &mut self,
        ht: &HelperTemplate,
        part: &str,
        at: (usize, usize),
    ) -> Option<String> {
        let name = ht.name.as_name()?.to_owned();
        if !HELPERS.contains(&name.as_str()) {
            self.problem(
                part,
                at,
                format!("{{{{{name} …}}}}: there is no helper “{name}”"),
            );
            return None;
        }
        Some(name)
    }

    fn element(
        &mut self,
        e: &TemplateElement,
        stack: &[Vec<Value>],
        part: &str,
        at: (usize, usize),
    ) {
        match e {
            TemplateElement::Expression(ht) | TemplateElement::HtmlExpression(ht) => {
                if ht.params.is_empty() && ht.hash.is_empty() {
                    if let Some(raw) = ht.name.as_name() {
                        if !HELPERS.contains(&raw) {
                            let raw = raw.to_owned();
                            self.resolve(&raw, stack, part, at);
                        }
                    } else {
                        self.param(&ht.name, stack, part, at);
                    }
                } else {
                    self.helper_name(ht, part, at);
                    for p in ht.params.iter().chain(ht.hash.values()) {
                        self.param(p, stack, part, at);
                    }
                }
            }
            TemplateElement::HelperBlock(ht) => self.block(ht, stack, part, at),
            TemplateElement::PartialExpression(dt) | TemplateElement::PartialBlock(dt) => {
                self.partial(dt, stack, part, at)
            }
            _ => {}
        }
    }

    fn block(&mut self, ht: &HelperTemplate, stack: &[Vec<Value>], part: &str, at: (usize, usize)) {
        let name = self.helper_name(ht, part, at);
        let target = match ht.params.first() {
            Some(Parameter::Path(_)) => {
                let raw = ht.params[0].as_name().unwrap_or_default().to_owned();
                self.resolve(&raw, stack, part, at)
            }
            Some(p) => {
                self.param(p, stack, part, at);
                None
            }
            None => None,
        };
        for p in ht.params.iter().skip(1).chain(ht.hash.values()) {
            self.param(p, stack, part, at);
        }
        let inner = match (name.as_deref(), target) {
            (Some("each"), Some(t)) => Some(self.items(&t)),
            (Some("with"), Some(t)) => Some(t),
            (Some("each" | "with"), None) => Some(Vec::new()),
            _ => None,
        };
        let mut inner_stack = stack.to_vec();
        if let Some(c) = inner {
            inner_stack.push(c);
        }
        let params: Vec<String> = match &ht.block_param {
            Some(BlockParam::Single(p)) => p.as_name().into_iter().map(str::to_owned).collect(),
            Some(BlockParam::Pair((a, b))) => [a, b]
                .iter()
                .filter_map(|p| p.as_name())
                .map(str::to_owned)
                .collect(),
            _ => Vec::new(),
        };
        let n = params.len();
        self.locals.extend(params);
        if let Some(t) = &ht.template {
            self.walk(t, part, &inner_stack);
        }
        self.locals.truncate(self.locals.len() - n);
        if let Some(t) = &ht.inverse {
            self.walk(t, part, stack);
        }
    }

    fn partial(
        &mut self,
        dt: &DecoratorTemplate,
        stack: &[Vec<Value>],
        part: &str,
        at: (usize, usize),
    ) {
        let Some(name) = dt.name.as_name().map(str::to_owned) else {
            return;
        };
        let Some(source) = self.template.partials.get(&name).cloned() else {
            self.problem(
                part,
                at,
                format!("{{{{> {name}}}}}: there is no partial “{name}”"),
            );
            return;
        };
        let ctx = match dt.params.first() {
            Some(Parameter::Path(_)) => {
                let raw = dt.params[0].as_name().unwrap_or_default().to_owned();
                self.resolve(&raw, stack, part, at).unwrap_or_default()
            }
            _ => stack.last().cloned().unwrap_or_default(),
        };
        if self.partial_depth > 8 {
            return;
        }
        for p in dt.hash.values() {
            self.param(p, stack, part, at);
        }
        let n = dt.hash.len();
        self.locals.extend(dt.hash.keys().cloned());
        self.partial_depth += 1;
        if let Ok(ast) = Ast::compile(&source) {
            let mut inner = stack.to_vec();
            inner.push(ctx);
            self.walk(&ast, &format!("partials/{name}.hbs"), &inner);
        }
        self.partial_depth -= 1;
        self.locals.truncate(self.locals.len() - n);
    }

    fn walk(&mut self, ast: &Ast, part: &str, stack: &[Vec<Value>]) {
        for (i, e) in ast.elements.iter().enumerate() {
            let at = ast.mapping.get(i).map(|m| (m.0, m.1)).unwrap_or_default();
            self.element(e, stack, part, at);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::write::template::builtin;

    #[test]
    fn the_builtin_templates_name_only_fields_of_the_report() {
        for name in crate::write::template::BUILTIN {
            assert_eq!(check(&builtin(name).unwrap()), vec![], "{name}");
        }
    }

    #[test]
    fn unknown_fields_helpers_and_partials_are_reported_with_their_place() {
        let mut t = builtin("official-2021").unwrap();
        t.parts = vec![(
            "word/document.xml".into(),
            Part::Source(
                "<w:t>{{meta.agency}}</w:t>\n<w:t>{{meta.agnecy}}</w:t>{{#each sections.overview.body}}{{text}}{{txet}}{{/each}}{{shout meta.title}}{{> nothing}}{{sections.applications.table.results.other.no_fee.total}}{{sections.applications.table.results.other.total}}".into(),
            ),
        )];
        let problems = check(&t);
        let messages: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(messages.len(), 4, "{messages:#?}");
        assert!(
            messages[0].starts_with("word/document.xml.hbs line 2, column 6: {{meta.agnecy}}"),
            "{messages:#?}"
        );
        assert!(messages[1].contains("“txet”"), "{messages:#?}");
        assert!(messages[2].contains("no helper “shout”"), "{messages:#?}");
        assert!(
            messages[3].contains("no partial “nothing”"),
            "{messages:#?}"
        );
    }
}
