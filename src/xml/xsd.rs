//! The XSD of the vocabulary, generated from the canonical JSON Schema, so
//! that the two cannot drift: `schemas/annual-report.xsd` is this function's
//! output, and a test fails when the file differs from it.
//!
//! XSD 1.0 cannot make an element's content depend on an attribute, so the
//! rows of a table 2 block or of table 3 may follow either edition as far as
//! the XSD is concerned; which one applies is checked by xxgk (the JSON
//! Schema's `if`/`then`/`else` on `edition`). Nor can it refuse a text cell
//! that spells a plain number (`text="31"`), which the JSON Schema does.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::{
    CELL_DEFS, Kind, MAP_ITEM, MAP_KEY, NAMESPACE, Node, branch, deref, editions, element_name,
    item_name, kind, properties, ref_name, required, schema,
};
use crate::model::MAX_NUMBER_CHARS;

/// The XSD text.
pub fn generate() -> String {
    let mut g = Gen {
        wanted: BTreeSet::new(),
        extra: BTreeMap::new(),
    };
    let root = schema();
    let mut body = String::new();
    g.element(&mut body, "report", &[root], Occurs::One, 1);
    // Named types for the definitions used, in the schema's order.
    let defs = root.get("$defs").map(Node::entries).unwrap_or_default();
    let mut types: BTreeMap<&str, String> = BTreeMap::new();
    loop {
        let pending: Vec<&'static str> = g
            .wanted
            .iter()
            .copied()
            .filter(|n| !types.contains_key(n))
            .collect();
        if pending.is_empty() {
            break;
        }
        for name in pending {
            let def = defs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, d)| d)
                .expect("a $ref names a definition (tested)");
            let mut out = String::new();
            if CELL_DEFS.contains(&name) {
                cell_types(&mut out, name, def);
            } else if name == "block" {
                let text = def.get("properties").and_then(|p| p.get("text"));
                simple_type(&mut out, "blockText", text);
            } else {
                let _ = writeln!(out, "  <xs:complexType name=\"{name}\">");
                g.complex_body(&mut out, name, &[def], 2);
                out.push_str("  </xs:complexType>\n");
            }
            types.insert(name, out);
        }
    }
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(
        "<!-- The XML form of the government information disclosure annual report\n     (政府信息公开工作年度报告), namespace urn:xxgk:report:1. Generated from\n     schemas/annual-report.schema.json, the source of truth; the tests fail\n     when this file differs from what xxgk generates. Checked by xxgk only:\n     that rows follow their block's edition, and that a text cell does not\n     spell a plain number. -->\n",
    );
    let _ = writeln!(
        out,
        "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" xmlns:r=\"{NAMESPACE}\" targetNamespace=\"{NAMESPACE}\" elementFormDefault=\"qualified\">"
    );
    out.push_str(&body);
    for (name, _) in defs {
        if let Some(t) = types.get(name.as_str()) {
            out.push_str(t);
        }
    }
    for t in g.extra.values() {
        out.push_str(t);
    }
    // Text with an optional label, for string properties to restrict.
    out.push_str(concat!(
        "  <xs:complexType name=\"labelledText\">\n",
        "    <xs:simpleContent>\n",
        "      <xs:extension base=\"xs:string\">\n",
        "        <xs:attribute name=\"label\" type=\"xs:string\"/>\n",
        "      </xs:extension>\n",
        "    </xs:simpleContent>\n",
        "  </xs:complexType>\n",
    ));
    out.push_str("</xs:schema>\n");
    out
}

struct Gen {
    /// `$defs` that need a named type.
    wanted: BTreeSet<&'static str>,
    /// Other named simple types, by name.
    extra: BTreeMap<String, String>,
}

#[derive(Clone, Copy, PartialEq)]
enum Occurs {
    One,
    Optional,
    Many,
}

fn pad(out: &mut String, depth: usize) {
    for _ in 0..depth {
        out.push_str("  ");
    }
}

/// Writes `text` at `depth`, one line.
fn line(out: &mut String, depth: usize, text: &str) {
    pad(out, depth);
    out.push_str(text);
    out.push('\n');
}

/// The distinct nodes among alternatives (the same definition once).
fn distinct(alts: &[&'static Node]) -> Vec<&'static Node> {
    let mut out: Vec<&'static Node> = Vec::new();
    for a in alts {
        let same = |b: &&'static Node| match (ref_name(a), ref_name(b)) {
            (Some(x), Some(y)) => x == y,
            _ => std::ptr::eq(deref(a), deref(b)),
        };
        if !out.iter().any(same) {
            out.push(a);
        }
    }
    out
}

/// The `$defs` key, borrowed from the schema.
fn def_key(name: &str) -> Option<&'static str> {
    schema()
        .get("$defs")?
        .entries()
        .iter()
        .find(|(k, _)| k == name)
        .map(|(k, _)| k.as_str())
}

impl Gen {
    /// `<xs:element name=…>` for a property whose schema is one of `alts`.
    fn element(
        &mut self,
        out: &mut String,
        name: &str,
        alts: &[&'static Node],
        occurs: Occurs,
        depth: usize,
    ) {
        let alts = distinct(alts);
        pad(out, depth);
        let _ = write!(out, "<xs:element name=\"{name}\"");
        match occurs {
            Occurs::One => {}
            Occurs::Optional => out.push_str(" minOccurs=\"0\""),
            Occurs::Many => out.push_str(" minOccurs=\"0\" maxOccurs=\"unbounded\""),
        }
        if let [one] = alts[..]
            && let Some(def) = ref_name(one).and_then(def_key)
            && matches!(kind(one), Kind::Object | Kind::Cell)
        {
            self.wanted.insert(def);
            let _ = writeln!(out, " type=\"r:{def}\"/>");
            return;
        }
        if let [one] = alts[..]
            && kind(one) == Kind::Text
            && !["enum", "minLength", "maxLength", "pattern"]
                .iter()
                .any(|f| deref(one).get(f).is_some())
        {
            out.push_str(" type=\"r:labelledText\"/>\n");
            return;
        }
        out.push_str(">\n");
        line(out, depth + 1, "<xs:complexType>");
        if kind(alts[0]) == Kind::List {
            let items: &'static Node = deref(alts[0]).get("items").unwrap_or(alts[0]);
            line(out, depth + 2, "<xs:sequence>");
            self.element(out, item_name(name), &[items], Occurs::Many, depth + 3);
            line(out, depth + 2, "</xs:sequence>");
            label(out, depth + 2);
        } else {
            self.complex_body(out, name, &alts, depth + 2);
        }
        line(out, depth + 1, "</xs:complexType>");
        line(out, depth, "</xs:element>");
    }

    /// The inside of a complex type for one of `alts`.
    fn complex_body(&mut self, out: &mut String, name: &str, alts: &[&'static Node], depth: usize) {
        match kind(alts[0]) {
            Kind::Object | Kind::List => {
                self.object_content(out, alts, depth);
                let mut values: Vec<&str> = Vec::new();
                let mut use_ = "optional";
                for a in alts.iter().map(|a| deref(a)) {
                    if required(a, "edition") {
                        use_ = "required";
                    }
                    let e = a.get("properties").and_then(|p| p.get("edition"));
                    for v in e
                        .and_then(|e| e.get("enum"))
                        .map(Node::strings)
                        .unwrap_or_default()
                    {
                        if !values.contains(&v) {
                            values.push(v);
                        }
                    }
                }
                if !values.is_empty() {
                    line(
                        out,
                        depth,
                        &format!("<xs:attribute name=\"edition\" use=\"{use_}\">"),
                    );
                    line(out, depth + 1, "<xs:simpleType>");
                    line(out, depth + 2, "<xs:restriction base=\"xs:string\">");
                    for v in values {
                        line(
                            out,
                            depth + 3,
                            &format!("<xs:enumeration value=\"{}\"/>", attr(v)),
                        );
                    }
                    line(out, depth + 2, "</xs:restriction>");
                    line(out, depth + 1, "</xs:simpleType>");
                    line(out, depth, "</xs:attribute>");
                }
                label(out, depth);
            }
            Kind::Blocks => {
                line(
                    out,
                    depth,
                    "<xs:choice minOccurs=\"0\" maxOccurs=\"unbounded\">",
                );
                for name in ["heading", "paragraph"] {
                    line(
                        out,
                        depth + 1,
                        &format!("<xs:element name=\"{name}\" type=\"r:blockText\"/>"),
                    );
                }
                line(out, depth, "</xs:choice>");
                label(out, depth);
                self.wanted.insert("block");
            }
            Kind::Map => {
                let n = deref(alts[0]);
                line(out, depth, "<xs:sequence>");
                line(
                    out,
                    depth + 1,
                    &format!(
                        "<xs:element name=\"{MAP_ITEM}\" minOccurs=\"0\" maxOccurs=\"unbounded\">"
                    ),
                );
                line(out, depth + 2, "<xs:complexType>");
                line(out, depth + 3, "<xs:simpleContent>");
                line(
                    out,
                    depth + 4,
                    &format!("<xs:extension base=\"r:{MAP_ITEM}Text\">"),
                );
                line(
                    out,
                    depth + 5,
                    &format!("<xs:attribute name=\"{MAP_KEY}\" use=\"required\">"),
                );
                line(out, depth + 6, "<xs:simpleType>");
                line(out, depth + 7, "<xs:restriction base=\"xs:string\">");
                if let Some(names) = n.get("propertyNames") {
                    facets(out, names, depth + 8);
                }
                line(out, depth + 7, "</xs:restriction>");
                line(out, depth + 6, "</xs:simpleType>");
                line(out, depth + 5, "</xs:attribute>");
                line(out, depth + 4, "</xs:extension>");
                line(out, depth + 3, "</xs:simpleContent>");
                line(out, depth + 2, "</xs:complexType>");
                line(out, depth + 1, "</xs:element>");
                line(out, depth, "</xs:sequence>");
                label(out, depth);
                // The entries' type goes with the map's.
                let mut text = String::new();
                simple_type(
                    &mut text,
                    &format!("{MAP_ITEM}Text"),
                    n.get("additionalProperties"),
                );
                self.extra.insert(format!("{MAP_ITEM}Text"), text);
            }
            Kind::Integer => {
                let type_name = format!("{name}Integer");
                let mut t = String::new();
                let _ = writeln!(t, "  <xs:simpleType name=\"{type_name}\">");
                line(&mut t, 2, "<xs:restriction base=\"xs:integer\">");
                line(&mut t, 3, "<xs:pattern value=\"-?(0|[1-9][0-9]*)\"/>");
                let n = deref(alts[0]);
                for (key, facet) in [("minimum", "minInclusive"), ("maximum", "maxInclusive")] {
                    if let Some(x) = n.get(key).and_then(Node::number) {
                        line(&mut t, 3, &format!("<xs:{facet} value=\"{x}\"/>"));
                    }
                }
                line(&mut t, 2, "</xs:restriction>");
                line(&mut t, 1, "</xs:simpleType>");
                self.extra.insert(type_name.clone(), t);
                line(out, depth, "<xs:simpleContent>");
                line(
                    out,
                    depth + 1,
                    &format!("<xs:extension base=\"r:{type_name}\">"),
                );
                label(out, depth + 2);
                line(out, depth + 1, "</xs:extension>");
                line(out, depth, "</xs:simpleContent>");
            }
            Kind::Text | Kind::Cell => {
                line(out, depth, "<xs:simpleContent>");
                line(out, depth + 1, "<xs:restriction base=\"r:labelledText\">");
                facets(out, deref(alts[0]), depth + 2);
                line(out, depth + 1, "</xs:restriction>");
                line(out, depth, "</xs:simpleContent>");
            }
        }
    }

    /// The element content of an object: its properties in order, merged
    /// over the alternatives (a property's schema per edition).
    fn object_content(&mut self, out: &mut String, alts: &[&'static Node], depth: usize) {
        // A conditional object's editions are alternatives of their own.
        let mut per_alt: Vec<Vec<(&'static str, &'static Node)>> = Vec::new();
        let mut required_in: Vec<&'static Node> = Vec::new();
        for a in alts {
            let d = deref(a);
            let eds = if branch(d, "").is_some() {
                editions(d).into_iter().map(Some).collect()
            } else {
                vec![None]
            };
            for e in eds {
                let props = properties(a, e);
                per_alt.push(props.into_iter().filter(|(k, _)| *k != "edition").collect());
                required_in.push(d);
            }
        }
        let firsts: BTreeSet<&str> = per_alt
            .iter()
            .filter_map(|p| p.first().map(|f| f.0))
            .collect();
        if per_alt.len() > 1 && firsts.len() == per_alt.len() {
            // Shapes that start differently: one or the other.
            line(out, depth, "<xs:choice>");
            for (props, a) in per_alt.iter().zip(&required_in) {
                self.sequence(out, std::slice::from_ref(props), &[a], depth + 1);
            }
            line(out, depth, "</xs:choice>");
        } else {
            self.sequence(out, &per_alt, &required_in, depth);
        }
    }

    /// A sequence of the union of the alternatives' properties; a property
    /// is optional unless every alternative requires it.
    fn sequence(
        &mut self,
        out: &mut String,
        per_alt: &[Vec<(&'static str, &'static Node)>],
        required_in: &[&'static Node],
        depth: usize,
    ) {
        let mut keys: Vec<&'static str> = Vec::new();
        for props in per_alt {
            for (k, _) in props {
                if !keys.contains(k) {
                    keys.push(k);
                }
            }
        }
        if keys.is_empty() {
            line(out, depth, "<xs:sequence/>");
            return;
        }
        line(out, depth, "<xs:sequence>");
        for key in keys {
            let nodes: Vec<&'static Node> = per_alt
                .iter()
                .filter_map(|props| props.iter().find(|(k, _)| *k == key).map(|p| p.1))
                .collect();
            let everywhere =
                nodes.len() == per_alt.len() && required_in.iter().all(|a| required(a, key));
            let occurs = if everywhere {
                Occurs::One
            } else {
                Occurs::Optional
            };
            self.element(out, element_name(key), &nodes, occurs, depth + 1);
        }
        line(out, depth, "</xs:sequence>");
    }
}

fn label(out: &mut String, depth: usize) {
    line(
        out,
        depth,
        "<xs:attribute name=\"label\" type=\"xs:string\"/>",
    );
}

/// A named simple type: a string with a node's facets.
fn simple_type(out: &mut String, name: &str, node: Option<&Node>) {
    let _ = writeln!(out, "  <xs:simpleType name=\"{name}\">");
    line(out, 2, "<xs:restriction base=\"xs:string\">");
    if let Some(n) = node {
        facets(out, n, 3);
    }
    line(out, 2, "</xs:restriction>");
    line(out, 1, "</xs:simpleType>");
}

/// Facets of a string node: enum, lengths, pattern.
fn facets(out: &mut String, n: &Node, depth: usize) {
    for v in n.get("enum").map(Node::strings).unwrap_or_default() {
        line(
            out,
            depth,
            &format!("<xs:enumeration value=\"{}\"/>", attr(v)),
        );
    }
    for key in ["minLength", "maxLength"] {
        if let Some(x) = n.get(key).and_then(Node::number) {
            line(out, depth, &format!("<xs:{key} value=\"{x}\"/>"));
        }
    }
    if let Some(p) = n.get("pattern").and_then(Node::str) {
        line(
            out,
            depth,
            &format!("<xs:pattern value=\"{}\"/>", attr(&xsd_pattern(p))),
        );
    }
}

/// A JSON Schema pattern (unanchored unless it says so) as an XSD pattern
/// (always anchored, no `(?:`).
pub(crate) fn xsd_pattern(p: &str) -> String {
    let (start, p) = match p.strip_prefix('^') {
        Some(rest) => (true, rest),
        None => (false, p),
    };
    let (end, p) = match p.strip_suffix('$') {
        Some(rest) => (true, rest),
        None => (false, p),
    };
    let p = p.replace("(?:", "(");
    match (start, end) {
        (true, true) => p,
        (true, false) => format!("({p})[\\s\\S]*"),
        (false, true) => format!("[\\s\\S]*({p})"),
        (false, false) => format!("[\\s\\S]*({p})[\\s\\S]*"),
    }
}

/// The lexical form of a cell's number, from its definition's type and
/// minimum: the cells' plain notation. An integer has no point at all: the
/// JSON Schema counts `3.0` an integer, but xxgk refuses it (a count keeps
/// its written digits, and `3.0` could not be added up).
fn number_pattern(def: &Node) -> String {
    let types = def.get("type").map(Node::strings).unwrap_or_default();
    let integer = types.contains(&"integer");
    let fraction = if integer { "" } else { "(\\.[0-9]+)?" };
    let non_negative = def
        .get("minimum")
        .and_then(Node::number)
        .is_some_and(|m| m.to_string() == "0");
    if non_negative && integer {
        "-0|(0|[1-9][0-9]*)".to_owned()
    } else if non_negative {
        format!("-0(\\.0+)?|(0|[1-9][0-9]*){fraction}")
    } else {
        format!("-?(0|[1-9][0-9]*){fraction}")
    }
}

/// A cell's types: `<x>number</x>`, `<x/>` (blank) or `<x text="…"/>`.
fn cell_types(out: &mut String, name: &str, def: &Node) {
    let _ = writeln!(out, "  <xs:complexType name=\"{name}\">");
    line(out, 2, "<xs:simpleContent>");
    line(out, 3, &format!("<xs:extension base=\"r:{name}Number\">"));
    label(out, 4);
    line(
        out,
        4,
        &format!("<xs:attribute name=\"text\" type=\"r:{name}Text\"/>"),
    );
    line(out, 3, "</xs:extension>");
    line(out, 2, "</xs:simpleContent>");
    line(out, 1, "</xs:complexType>");
    let _ = writeln!(out, "  <xs:simpleType name=\"{name}Number\">");
    line(out, 2, "<xs:restriction base=\"xs:token\">");
    line(
        out,
        3,
        &format!("<xs:pattern value=\"({})?\"/>", attr(&number_pattern(def))),
    );
    line(
        out,
        3,
        &format!("<xs:maxLength value=\"{MAX_NUMBER_CHARS}\"/>"),
    );
    line(out, 2, "</xs:restriction>");
    line(out, 1, "</xs:simpleType>");
    simple_type(out, &format!("{name}Text"), Some(def));
}

/// Escapes an attribute value of the XSD.
fn attr(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
