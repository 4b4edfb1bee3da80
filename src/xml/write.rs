//! A report's JSON value -> XML 1.0: UTF-8 declaration, no DOCTYPE, two-space
//! indent, elements in the schema's order, so equal reports give equal bytes.

use std::fmt::Write as _;

use serde_json::{Value, json};

use super::{
    Kind, MAP_ITEM, MAP_KEY, NAMESPACE, Node, element_name, item_name, kind, properties, schema,
    title,
};
use crate::error::Error;
use crate::write::docx::{check_xml_chars, xml_char};

/// Writes a valid report's JSON value as XML. A string that XML 1.0 cannot
/// hold (a control character) is refused with its JSON pointer.
pub fn write(report: &Value) -> Result<Vec<u8>, Error> {
    check_xml_chars(report, "an XML document")?;
    // The sources map's keys are attribute values too.
    if let Some(Value::Object(sources)) = report.get("sources")
        && let Some(key) = sources.keys().find(|k| !k.chars().all(xml_char))
    {
        // The same refusal as for a value, at the key.
        let mut keyed = serde_json::Map::new();
        keyed.insert("sources".into(), json!({ key: key }));
        check_xml_chars(&Value::Object(keyed), "an XML document")?;
    }
    let mut out = String::with_capacity(64 * 1024);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    element(
        &mut out,
        "report",
        schema(),
        report,
        0,
        &[("xmlns", NAMESPACE)],
    );
    Ok(out.into_bytes())
}

fn indent(out: &mut String, depth: usize) {
    for _ in 0..depth {
        out.push_str("  ");
    }
}

/// `<name label="…" a="…"`, without the closing `>`.
fn open(out: &mut String, name: &str, node: &'static Node, attrs: &[(&str, &str)]) {
    out.push('<');
    out.push_str(name);
    if let Some(label) = title(node) {
        attribute(out, "label", label);
    }
    for (k, v) in attrs {
        attribute(out, k, v);
    }
}

fn attribute(out: &mut String, key: &str, value: &str) {
    let _ = write!(out, " {key}=\"");
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // A parser turns these into spaces unless they are references.
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn text(out: &mut String, value: &str) {
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            // Also keeps `]]>` out of the text.
            '>' => out.push_str("&gt;"),
            // A parser turns a bare carriage return into a line feed.
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
}

/// An element holding only text: `<name …>text</name>`.
fn leaf(out: &mut String, name: &str, node: &'static Node, attrs: &[(&str, &str)], content: &str) {
    open(out, name, node, attrs);
    out.push('>');
    text(out, content);
    let _ = writeln!(out, "</{name}>");
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        // With arbitrary_precision, a number prints its written digits.
        other => other.to_string(),
    }
}

fn element(
    out: &mut String,
    name: &str,
    node: &'static Node,
    value: &Value,
    depth: usize,
    attrs: &[(&str, &str)],
) {
    indent(out, depth);
    match kind(node) {
        Kind::Object => {
            let edition = value.get("edition").and_then(Value::as_str);
            let mut attrs = attrs.to_vec();
            if let Some(e) = edition {
                attrs.push(("edition", e));
            }
            let children: Vec<_> = properties(node, edition)
                .into_iter()
                .filter(|(k, _)| *k != "edition")
                .filter_map(|(k, n)| value.get(k).map(|v| (k, n, v)))
                .collect();
            open(out, name, node, &attrs);
            if children.is_empty() {
                out.push_str("/>\n");
                return;
            }
            out.push_str(">\n");
            for (key, child, v) in children {
                element(out, element_name(key), child, v, depth + 1, &[]);
            }
            close(out, name, depth);
        }
        Kind::Blocks => {
            let items = value.as_array().map(Vec::as_slice).unwrap_or_default();
            open(out, name, node, attrs);
            if items.is_empty() {
                out.push_str("/>\n");
                return;
            }
            out.push_str(">\n");
            for block in items {
                let kind = block.get("type").and_then(Value::as_str).unwrap_or("");
                let content = block.get("text").and_then(Value::as_str).unwrap_or("");
                indent(out, depth + 1);
                let _ = write!(out, "<{kind}>");
                text(out, content);
                let _ = writeln!(out, "</{kind}>");
            }
            close(out, name, depth);
        }
        Kind::List => {
            let items = value.as_array().map(Vec::as_slice).unwrap_or_default();
            let item_node = super::deref(node)
                .get("items")
                .expect("a list has items (tested)");
            open(out, name, node, attrs);
            if items.is_empty() {
                out.push_str("/>\n");
                return;
            }
            out.push_str(">\n");
            for item in items {
                element(out, item_name(name), item_node, item, depth + 1, &[]);
            }
            close(out, name, depth);
        }
        Kind::Map => {
            let entries = value.as_object();
            open(out, name, node, attrs);
            let Some(entries) = entries.filter(|m| !m.is_empty()) else {
                out.push_str("/>\n");
                return;
            };
            out.push_str(">\n");
            for (key, v) in entries {
                indent(out, depth + 1);
                let _ = write!(out, "<{MAP_ITEM}");
                attribute(out, MAP_KEY, key);
                out.push('>');
                text(out, &scalar_text(v));
                let _ = writeln!(out, "</{MAP_ITEM}>");
            }
            close(out, name, depth);
        }
        Kind::Cell => match value {
            Value::Null => {
                open(out, name, node, attrs);
                out.push_str("/>\n");
            }
            Value::String(s) => {
                let mut attrs = attrs.to_vec();
                attrs.push(("text", s));
                open(out, name, node, &attrs);
                out.push_str("/>\n");
            }
            other => leaf(out, name, node, attrs, &other.to_string()),
        },
        Kind::Integer | Kind::Text => leaf(out, name, node, attrs, &scalar_text(value)),
    }
}

fn close(out: &mut String, name: &str, depth: usize) {
    indent(out, depth);
    let _ = writeln!(out, "</{name}>");
}
