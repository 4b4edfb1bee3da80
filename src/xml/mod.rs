//! The report as XML, in the namespace `urn:xxgk:report:1`.
//!
//! The vocabulary follows the canonical JSON Schema node for node, so the
//! schema stays the one source of truth: reading, writing and the XSD
//! (`schemas/annual-report.xsd`, [`generate_xsd`]) all walk it.
//!
//! - An object is an element with one child element per property, in the
//!   schema's order; a property the report lacks has no element.
//! - Every element of a property that has a `title` carries it as
//!   `label="…"`, the official Chinese label. Labels are for people; the
//!   reader ignores them.
//! - `edition` is an attribute of the table 2 blocks and of table 3.
//! - A cell is `<natural_person label="自然人">32</natural_person>` (a number,
//!   every written digit), `<natural_person label="自然人"/>` (blank, `null`)
//!   or `<natural_person label="自然人" text="/"/>` (text, verbatim).
//! - Narrative blocks are `<heading>…</heading>` and `<paragraph>…</paragraph>`,
//!   in order; extra rows are `<row>` with `<cell>`s in `<values>`; the
//!   `sources` map is `<source pointer="/sections/…">表2 第4行 第4列</source>`.
//!
//! Reading refuses a DOCTYPE (so no DTD, no external entity and no entity
//! expansion), refers only to XML's five predefined entities and character
//! references, and is bounded in depth and text size.

mod read;
mod write;
mod xsd;

use std::sync::OnceLock;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

pub use read::{Places, read};
pub use write::write;
pub use xsd::generate as generate_xsd;

/// The namespace of the vocabulary.
pub const NAMESPACE: &str = "urn:xxgk:report:1";

/// The XSD, exactly as shipped (`xxgk schema --xsd`).
pub const XSD: &str = include_str!("../../schemas/annual-report.xsd");

/// Element nesting accepted in an XML report, as for DOCX and HTML.
pub const MAX_XML_DEPTH: usize = crate::read::docx::MAX_XML_DEPTH;

/// Longest text accepted in one element or attribute, in bytes.
pub const MAX_XML_TEXT_BYTES: usize = 1024 * 1024;

/// Most attributes one element may have, in an XML report and in HTML
/// (both parsers compare each attribute with those before it).
pub const MAX_XML_ATTRIBUTES: usize = 256;

/// A JSON Schema node that keeps the order of its properties (the vocabulary
/// writes elements in the schema's order; `serde_json::Value` sorts them).
#[derive(Debug)]
pub(crate) enum Node {
    Scalar(serde_json::Value),
    Array(Vec<Node>),
    Object(Vec<(String, Node)>),
}

impl Node {
    pub(crate) fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Object(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub(crate) fn str(&self) -> Option<&str> {
        match self {
            Node::Scalar(serde_json::Value::String(s)) => Some(s),
            _ => None,
        }
    }

    pub(crate) fn entries(&self) -> &[(String, Node)] {
        match self {
            Node::Object(entries) => entries,
            _ => &[],
        }
    }

    /// The strings of an array (`enum`, `required`, `type`), or the one
    /// string.
    pub(crate) fn strings(&self) -> Vec<&str> {
        match self {
            Node::Array(items) => items.iter().filter_map(Node::str).collect(),
            other => other.str().into_iter().collect(),
        }
    }

    fn number(&self) -> Option<&serde_json::Number> {
        match self {
            Node::Scalar(serde_json::Value::Number(n)) => Some(n),
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Node, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Node;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_bool<E>(self, b: bool) -> Result<Node, E> {
                Ok(Node::Scalar(b.into()))
            }
            fn visit_i64<E>(self, n: i64) -> Result<Node, E> {
                Ok(Node::Scalar(n.into()))
            }
            fn visit_u64<E>(self, n: u64) -> Result<Node, E> {
                Ok(Node::Scalar(n.into()))
            }
            fn visit_f64<E>(self, n: f64) -> Result<Node, E> {
                Ok(Node::Scalar(n.into()))
            }
            fn visit_str<E>(self, s: &str) -> Result<Node, E> {
                Ok(Node::Scalar(s.into()))
            }
            fn visit_unit<E>(self) -> Result<Node, E> {
                Ok(Node::Scalar(serde_json::Value::Null))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Node::Array(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry::<String, Node>()? {
                    entries.push(entry);
                }
                // With arbitrary_precision, serde_json hands a number over
                // as a one-entry map; it is a number.
                if let [(key, Node::Scalar(serde_json::Value::String(text)))] = &entries[..]
                    && key == "$serde_json::private::Number"
                    && let Ok(n) = text.parse::<serde_json::Number>()
                {
                    return Ok(Node::Scalar(serde_json::Value::Number(n)));
                }
                Ok(Node::Object(entries))
            }
        }
        d.deserialize_any(V)
    }
}

/// The canonical schema with its properties in order.
pub(crate) fn schema() -> &'static Node {
    static SCHEMA: OnceLock<Node> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        serde_json::from_str(crate::schema::SCHEMA_JSON)
            .expect("the embedded schema is valid JSON (tested)")
    })
}

/// Follows a `$ref` within the schema.
pub(crate) fn deref(node: &'static Node) -> &'static Node {
    match node.get("$ref").and_then(Node::str) {
        Some(r) => r
            .strip_prefix("#/$defs/")
            .and_then(|name| schema().get("$defs")?.get(name))
            .map_or(node, deref),
        None => node,
    }
}

/// The `$defs` name a node refers to.
pub(crate) fn ref_name(node: &Node) -> Option<&str> {
    node.get("$ref")?.str()?.strip_prefix("#/$defs/")
}

/// The kinds of cell the schema defines.
pub(crate) const CELL_DEFS: [&str; 4] = ["count", "signedCount", "amount", "anyCell"];

/// What a schema node is in XML.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// An element per property.
    Object,
    /// `<heading>`/`<paragraph>` children.
    Blocks,
    /// Repeated children named by [`item_name`].
    List,
    /// `<source pointer="…">text</source>` children.
    Map,
    /// Content, or the `text` attribute, or nothing.
    Cell,
    /// An integer as content.
    Integer,
    /// A string (or one of an enum's strings) as content.
    Text,
}

pub(crate) fn kind(node: &'static Node) -> Kind {
    if ref_name(node).is_some_and(|n| CELL_DEFS.contains(&n)) {
        return Kind::Cell;
    }
    let n = deref(node);
    let types = n.get("type").map(Node::strings).unwrap_or_default();
    if types.contains(&"array") {
        let item = n.get("items").map(|i| ref_name(i) == Some("block"));
        return if item == Some(true) {
            Kind::Blocks
        } else {
            Kind::List
        };
    }
    if types.contains(&"object") || n.get("properties").is_some() {
        return if n
            .get("additionalProperties")
            .is_some_and(|a| matches!(a, Node::Object(_)))
            && n.get("properties").is_none()
        {
            Kind::Map
        } else {
            Kind::Object
        };
    }
    if types == ["integer"] {
        Kind::Integer
    } else {
        Kind::Text
    }
}

/// The element name of a property: the key, without the `$` of `$schema`.
pub(crate) fn element_name(key: &str) -> &str {
    key.trim_start_matches('$')
}

/// The element name of each item of a list.
pub(crate) fn item_name(list_key: &str) -> &'static str {
    match list_key {
        "values" => "cell",
        _ => "row",
    }
}

/// The element of one entry of the `sources` map, and its key's attribute.
pub(crate) const MAP_ITEM: &str = "source";
pub(crate) const MAP_KEY: &str = "pointer";

/// The properties of an object node in order, with the branch of an
/// `if`/`then`/`else` on `edition` that applies: a property the branch
/// defines replaces the base one.
pub(crate) fn properties(
    node: &'static Node,
    edition: Option<&str>,
) -> Vec<(&'static str, &'static Node)> {
    let n = deref(node);
    let branch = edition.and_then(|e| branch(n, e));
    let mut out: Vec<(&str, &Node)> = Vec::new();
    for (key, child) in n.get("properties").map(Node::entries).unwrap_or_default() {
        let chosen = branch
            .and_then(|b| b.get("properties")?.get(key))
            .unwrap_or(child);
        out.push((key.as_str(), chosen));
    }
    out
}

/// The `then` or `else` of a node conditional on its edition.
pub(crate) fn branch(n: &'static Node, edition: &str) -> Option<&'static Node> {
    let wants = n
        .get("if")?
        .get("properties")?
        .get("edition")?
        .get("const")?;
    Some(if wants.str() == Some(edition) {
        n.get("then")?
    } else {
        n.get("else")?
    })
}

/// The editions a conditional node distinguishes, in the schema's order.
pub(crate) fn editions(n: &'static Node) -> Vec<&'static str> {
    n.get("properties")
        .and_then(|p| p.get("edition"))
        .and_then(|e| e.get("enum"))
        .map(Node::strings)
        .unwrap_or_default()
}

/// Whether a property is required.
pub(crate) fn required(node: &'static Node, key: &str) -> bool {
    deref(node)
        .get("required")
        .is_some_and(|r| r.strings().contains(&key))
}

/// A property's label: its own `title`, else its definition's.
pub(crate) fn title(node: &'static Node) -> Option<&'static str> {
    node.get("title")
        .or_else(|| deref(node).get("title"))
        .and_then(Node::str)
}
