//! The official tables, described once: every row and column label of tables
//! 2, 3 and 4 in both editions, and the field path each one maps to.
//!
//! Readers, the validator, the templates and the form filler all go through
//! these descriptions; none of them spells a label or a field path of its own.
//! A test proves that every label here is the `title` the schema gives the same
//! field.
//!
//! A layout is a grid of logical rows × columns. Table 3's rows are the 25 (or
//! 23) data rows; its groups （三）（四）（五）（六） are [`Group`]s over them.
//! Table 4's single printed row of 15 numbers is three logical rows (行政复议,
//! 未经复议直接起诉, 复议后起诉) × five outcome columns. Each block of table 2
//! is a layout of its own.

use std::sync::OnceLock;

use serde_json::Value;

use crate::model::Edition;

/// What a cell may hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CellKind {
    /// A non-negative integer.
    Count,
    /// An integer that may be negative (本年增/减).
    SignedCount,
    /// A non-negative decimal that keeps its digits and unit.
    Amount,
}

#[derive(Debug)]
pub struct Column {
    /// Property name in the row object.
    pub key: &'static str,
    /// The official header text.
    pub label: &'static str,
    /// The header above it, when the column sits under a spanning header
    /// (法人或其他组织, 行政诉讼 …).
    pub parent: Option<&'static str>,
    pub kind: CellKind,
}

#[derive(Debug)]
pub struct Row {
    /// Dot-separated path from the table's rows object.
    pub path: &'static str,
    /// The official label cell text.
    pub label: &'static str,
    /// A short name for messages: `一`, `（三）1`, `（七）总计`.
    pub short: &'static str,
}

/// A labelled group of rows that has no cells of its own.
#[derive(Debug)]
pub struct Group {
    pub path: &'static str,
    pub label: &'static str,
    pub short: &'static str,
}

/// The six section headings of the national format, in order.
pub const SECTION_HEADINGS: [&str; 6] = [
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
];

/// Which official table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableId {
    Proactive,
    Applications,
    Reviews,
}

impl TableId {
    /// The section key in the model.
    pub fn key(self) -> &'static str {
        match self {
            TableId::Proactive => "proactive",
            TableId::Applications => "applications",
            TableId::Reviews => "reviews",
        }
    }

    /// The official section heading, which is how a person names the table.
    pub fn title(self) -> &'static str {
        match self {
            TableId::Proactive => SECTION_HEADINGS[1],
            TableId::Applications => SECTION_HEADINGS[2],
            TableId::Reviews => SECTION_HEADINGS[3],
        }
    }
}

#[derive(Debug)]
pub struct Layout {
    pub table: TableId,
    /// Table 2's block key (`item_1` …) and its title.
    pub block: Option<(&'static str, &'static str)>,
    /// `None` for table 4, which is the same in both editions.
    pub edition: Option<Edition>,
    /// JSON pointer of the object the row paths start from.
    pub pointer: &'static str,
    pub rows: &'static [Row],
    pub groups: &'static [Group],
    pub columns: &'static [Column],
    /// Every cell's JSON pointer, row by row, made once.
    pointers: OnceLock<Pointers>,
}

/// A layout's cell pointers, row by row, and where each stands among them
/// sorted.
#[derive(Debug)]
struct Pointers {
    all: Vec<String>,
    /// For each pointer in `all`, its place when they are sorted (a stable
    /// sort: equal pointers keep their order).
    rank: Vec<usize>,
}

impl Layout {
    /// How a person names this table (and block).
    pub fn title(&self) -> String {
        match self.block {
            Some((_, block)) => [self.table.title(), " · ", block].concat(),
            None => self.table.title().to_owned(),
        }
    }

    pub fn row(&self, path: &str) -> Option<&'static Row> {
        self.rows.iter().find(|r| r.path == path)
    }

    pub fn group(&self, path: &str) -> Option<&'static Group> {
        self.groups.iter().find(|g| g.path == path)
    }

    pub fn column(&self, key: &str) -> Option<&'static Column> {
        self.columns.iter().find(|c| c.key == key)
    }

    /// The rows at or under `path`: the row itself, or every row of a group.
    pub fn rows_under<'a>(&'a self, path: &'a str) -> impl Iterator<Item = &'static Row> + 'a {
        self.rows.iter().filter(move |r| {
            r.path == path
                || (r.path.len() > path.len()
                    && r.path.starts_with(path)
                    && r.path.as_bytes()[path.len()] == b'.')
        })
    }

    /// The groups a row sits in, outermost first.
    pub fn groups_of<'a>(&'a self, row: &'a Row) -> impl Iterator<Item = &'static Group> + 'a {
        self.groups.iter().filter(move |g| {
            row.path.len() > g.path.len()
                && row.path.starts_with(g.path)
                && row.path.as_bytes()[g.path.len()] == b'.'
        })
    }

    /// A row's label with the labels of its groups: `（三）不予公开 1.属于国家秘密`.
    pub fn row_label(&self, row: &Row) -> String {
        let mut parts: Vec<&str> = self
            .groups_of(row)
            .filter(|g| g.path != "results")
            .map(|g| g.label)
            .collect();
        parts.push(row.label);
        parts.join(" ")
    }

    /// A column's label with its parent header: `法人或其他组织 · 商业企业`.
    pub fn column_label(&self, column: &Column) -> String {
        match column.parent {
            Some(p) => [p, " · ", column.label].concat(),
            None => column.label.to_owned(),
        }
    }

    /// JSON pointer of one cell.
    pub fn cell_pointer(&self, row: &Row, column: &Column) -> String {
        format!(
            "{}/{}/{}",
            self.pointer,
            row.path.replace('.', "/"),
            column.key
        )
    }

    /// JSON pointer of the cell at (row, column) index, without building it
    /// again.
    pub fn pointer_at(&self, row: usize, column: usize) -> &str {
        &self.pointers().all[row * self.columns.len() + column]
    }

    /// Where the pointer of the cell at (row, column) index stands among the
    /// layout's pointers sorted: entries put in this order are in the
    /// pointers' order, without comparing them.
    pub fn pointer_rank(&self, row: usize, column: usize) -> usize {
        self.pointers().rank[row * self.columns.len() + column]
    }

    fn pointers(&self) -> &Pointers {
        self.pointers.get_or_init(|| {
            let all: Vec<String> = self
                .rows
                .iter()
                .flat_map(|r| self.columns.iter().map(move |c| self.cell_pointer(r, c)))
                .collect();
            let mut order: Vec<usize> = (0..all.len()).collect();
            order.sort_by(|&a, &b| all[a].cmp(&all[b]));
            let mut rank = vec![0; all.len()];
            for (place, &i) in order.iter().enumerate() {
                rank[i] = place;
            }
            Pointers { all, rank }
        })
    }
}

const fn col(key: &'static str, label: &'static str, kind: CellKind) -> Column {
    Column {
        key,
        label,
        parent: None,
        kind,
    }
}

const fn sub(
    key: &'static str,
    label: &'static str,
    parent: &'static str,
    kind: CellKind,
) -> Column {
    Column {
        key,
        label,
        parent: Some(parent),
        kind,
    }
}

const fn row(path: &'static str, label: &'static str, short: &'static str) -> Row {
    Row { path, label, short }
}

use CellKind::{Amount, Count, SignedCount};

// ---------------------------------------------------------------- table 2

const T2_1_2019_COLS: &[Column] = &[
    col("made", "本年新制作数量", Count),
    col("published", "本年新公开数量", Count),
    col("total", "对外公开总数量", Count),
];
const T2_1_2021_COLS: &[Column] = &[
    col("issued", "本年制发件数", Count),
    col("repealed", "本年废止件数", Count),
    col("in_force", "现行有效件数", Count),
];
const T2_56_2019_COLS: &[Column] = &[
    col("previous", "上一年项目数量", Count),
    col("change", "本年增/减", SignedCount),
    col("decisions", "处理决定数量", Count),
];
const T2_56_2021_COLS: &[Column] = &[col("decisions", "本年处理决定数量", Count)];

const ITEM_1: (&str, &str) = ("item_1", "第二十条第（一）项");
const ITEM_5: (&str, &str) = ("item_5", "第二十条第（五）项");
const ITEM_6: (&str, &str) = ("item_6", "第二十条第（六）项");
const ITEM_8: (&str, &str) = ("item_8", "第二十条第（八）项");
const ITEM_9: (&str, &str) = ("item_9", "第二十条第（九）项");

const fn block(
    block: (&'static str, &'static str),
    edition: Edition,
    pointer: &'static str,
    rows: &'static [Row],
    columns: &'static [Column],
) -> Layout {
    Layout {
        table: TableId::Proactive,
        block: Some(block),
        edition: Some(edition),
        pointer,
        rows,
        groups: &[],
        columns,
        pointers: OnceLock::new(),
    }
}

/// Every block of table 2, in printed order, both editions.
pub static TABLE2: [Layout; 9] = [
    block(
        ITEM_1,
        Edition::E2019,
        "/sections/proactive/table/item_1/rows",
        &[
            row("regulations", "规章", "规章"),
            row("normative_documents", "规范性文件", "规范性文件"),
        ],
        T2_1_2019_COLS,
    ),
    block(
        ITEM_1,
        Edition::E2021,
        "/sections/proactive/table/item_1/rows",
        &[
            row("regulations", "规章", "规章"),
            row("normative_documents", "行政规范性文件", "行政规范性文件"),
        ],
        T2_1_2021_COLS,
    ),
    block(
        ITEM_5,
        Edition::E2019,
        "/sections/proactive/table/item_5/rows",
        &[
            row("licensing", "行政许可", "行政许可"),
            row(
                "other_services",
                "其他对外管理服务事项",
                "其他对外管理服务事项",
            ),
        ],
        T2_56_2019_COLS,
    ),
    block(
        ITEM_5,
        Edition::E2021,
        "/sections/proactive/table/item_5/rows",
        &[row("licensing", "行政许可", "行政许可")],
        T2_56_2021_COLS,
    ),
    block(
        ITEM_6,
        Edition::E2019,
        "/sections/proactive/table/item_6/rows",
        &[
            row("penalty", "行政处罚", "行政处罚"),
            row("coercion", "行政强制", "行政强制"),
        ],
        T2_56_2019_COLS,
    ),
    block(
        ITEM_6,
        Edition::E2021,
        "/sections/proactive/table/item_6/rows",
        &[
            row("penalty", "行政处罚", "行政处罚"),
            row("coercion", "行政强制", "行政强制"),
        ],
        T2_56_2021_COLS,
    ),
    block(
        ITEM_8,
        Edition::E2019,
        "/sections/proactive/table/item_8/rows",
        &[row("fees", "行政事业性收费", "行政事业性收费")],
        &[
            col("previous", "上一年项目数量", Count),
            col("change", "本年增/减", SignedCount),
        ],
    ),
    block(
        ITEM_8,
        Edition::E2021,
        "/sections/proactive/table/item_8/rows",
        &[row("fees", "行政事业性收费", "行政事业性收费")],
        &[col("amount", "本年收费金额（单位：万元）", Amount)],
    ),
    block(
        ITEM_9,
        Edition::E2019,
        "/sections/proactive/table/item_9/rows",
        &[row("procurement", "政府集中采购", "政府集中采购")],
        &[
            col("projects", "采购项目数量", Count),
            col("amount", "采购总金额", Amount),
        ],
    ),
];

// ---------------------------------------------------------------- table 3

const APPLICANT: &str = "法人或其他组织";
const T3_COLS: &[Column] = &[
    col("natural_person", "自然人", Count),
    sub("commercial", "商业企业", APPLICANT, Count),
    sub("research", "科研机构", APPLICANT, Count),
    sub("social_welfare", "社会公益组织", APPLICANT, Count),
    sub("legal_services", "法律服务机构", APPLICANT, Count),
    sub("other_org", "其他", APPLICANT, Count),
    col("total", "总计", Count),
];

/// The note cell in table 3's top-left corner, which states rule R3.1.
pub const T3_NOTE: &str = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）";
/// The header over table 3's seven data columns.
pub const T3_HEADER_LABEL: &str = "申请人情况";

macro_rules! t3_rows {
    ($($other:expr),* $(,)?) => {
        &[
            row("new", "一、本年新收政府信息公开申请数量", "一"),
            row("carried_over", "二、上年结转政府信息公开申请数量", "二"),
            row("results.granted", "（一）予以公开", "（一）"),
            row(
                "results.partial",
                "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
                "（二）",
            ),
            row("results.refused.state_secret", "1.属于国家秘密", "（三）1"),
            row("results.refused.prohibited_by_law", "2.其他法律行政法规禁止公开", "（三）2"),
            row("results.refused.three_safety_one_stability", "3.危及“三安全一稳定”", "（三）3"),
            row("results.refused.third_party", "4.保护第三方合法权益", "（三）4"),
            row("results.refused.internal_affairs", "5.属于三类内部事务信息", "（三）5"),
            row("results.refused.process_info", "6.属于四类过程性信息", "（三）6"),
            row("results.refused.enforcement_files", "7.属于行政执法案卷", "（三）7"),
            row("results.refused.inquiry", "8.属于行政查询事项", "（三）8"),
            row("results.unable.not_held", "1.本机关不掌握相关政府信息", "（四）1"),
            row("results.unable.needs_creation", "2.没有现成信息需要另行制作", "（四）2"),
            row("results.unable.unclear", "3.补正后申请内容仍不明确", "（四）3"),
            row("results.not_processed.petition", "1.信访举报投诉类申请", "（五）1"),
            row("results.not_processed.repeated", "2.重复申请", "（五）2"),
            row("results.not_processed.publications", "3.要求提供公开出版物", "（五）3"),
            row("results.not_processed.excessive", "4.无正当理由大量反复申请", "（五）4"),
            row(
                "results.not_processed.confirmation",
                "5.要求行政机关确认或重新出具已获取信息",
                "（五）5",
            ),
            $($other,)*
            row("results.total", "（七）总计", "（七）总计"),
            row("carried_forward", "四、结转下年度继续办理", "四"),
        ]
    };
}

const fn group(path: &'static str, label: &'static str, short: &'static str) -> Group {
    Group { path, label, short }
}

const T3_GROUPS_2019: &[Group] = &[
    group("results", "三、本年度办理结果", "三"),
    group("results.refused", "（三）不予公开", "（三）"),
    group("results.unable", "（四）无法提供", "（四）"),
    group("results.not_processed", "（五）不予处理", "（五）"),
];
const T3_GROUPS_2021: &[Group] = &[
    group("results", "三、本年度办理结果", "三"),
    group("results.refused", "（三）不予公开", "（三）"),
    group("results.unable", "（四）无法提供", "（四）"),
    group("results.not_processed", "（五）不予处理", "（五）"),
    group("results.other", "（六）其他处理", "（六）"),
];

/// Table 3 in both editions.
pub static TABLE3: [Layout; 2] = [
    Layout {
        table: TableId::Applications,
        block: None,
        edition: Some(Edition::E2019),
        pointer: "/sections/applications/table",
        rows: t3_rows![row("results.other", "（六）其他处理", "（六）")],
        groups: T3_GROUPS_2019,
        columns: T3_COLS,
        pointers: OnceLock::new(),
    },
    Layout {
        table: TableId::Applications,
        block: None,
        edition: Some(Edition::E2021),
        pointer: "/sections/applications/table",
        rows: t3_rows![
            row(
                "results.other.no_correction",
                "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                "（六）1",
            ),
            row(
                "results.other.no_fee",
                "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
                "（六）2",
            ),
            row("results.other.other", "3.其他", "（六）3"),
        ],
        groups: T3_GROUPS_2021,
        columns: T3_COLS,
        pointers: OnceLock::new(),
    },
];

// ---------------------------------------------------------------- table 4

/// The header over table 4's ten litigation columns.
pub const T4_LITIGATION: &str = "行政诉讼";

/// Table 4: three logical rows of five outcomes.
pub static TABLE4: Layout = Layout {
    table: TableId::Reviews,
    block: None,
    edition: None,
    pointer: "/sections/reviews/table",
    rows: &[
        row("administrative_review", "行政复议", "行政复议"),
        row("litigation_direct", "未经复议直接起诉", "未经复议直接起诉"),
        row("litigation_after_review", "复议后起诉", "复议后起诉"),
    ],
    groups: &[],
    columns: &[
        col("upheld", "结果维持", Count),
        col("corrected", "结果纠正", Count),
        col("other", "其他结果", Count),
        col("pending", "尚未审结", Count),
        col("total", "总计", Count),
    ],
    pointers: OnceLock::new(),
};

/// A header cell of the official form, with the header cells under it.
/// The leaves, in order, are the table's value columns.
#[derive(Debug)]
pub struct HeaderNode {
    pub label: &'static str,
    pub children: &'static [HeaderNode],
}

const fn leaf(label: &'static str) -> HeaderNode {
    HeaderNode {
        label,
        children: &[],
    }
}

const OUTCOMES: &[HeaderNode] = &[
    leaf("结果维持"),
    leaf("结果纠正"),
    leaf("其他结果"),
    leaf("尚未审结"),
    leaf("总计"),
];

/// Table 3's three header rows: 申请人情况 over 自然人, 法人或其他组织 (over
/// five kinds) and 总计. The note cell beside them is [`T3_NOTE`].
pub static T3_HEADER: &[HeaderNode] = &[HeaderNode {
    label: T3_HEADER_LABEL,
    children: &[
        leaf("自然人"),
        HeaderNode {
            label: APPLICANT,
            children: &[
                leaf("商业企业"),
                leaf("科研机构"),
                leaf("社会公益组织"),
                leaf("法律服务机构"),
                leaf("其他"),
            ],
        },
        leaf("总计"),
    ],
}];

/// Table 4's three header rows; its 15 leaves are the printed value row,
/// which maps onto [`TABLE4`]'s three rows of five.
pub static T4_HEADER: &[HeaderNode] = &[
    HeaderNode {
        label: "行政复议",
        children: OUTCOMES,
    },
    HeaderNode {
        label: T4_LITIGATION,
        children: &[
            HeaderNode {
                label: "未经复议直接起诉",
                children: OUTCOMES,
            },
            HeaderNode {
                label: "复议后起诉",
                children: OUTCOMES,
            },
        ],
    },
];

/// The header cell over table 2's row labels.
pub const T2_LABEL_HEADER: &str = "信息内容";

/// A header tree in level order (row by row, left to right): the order in
/// which its cells appear when the table is read row by row, each merged cell
/// once.
pub fn level_order(tree: &'static [HeaderNode]) -> Vec<&'static HeaderNode> {
    let mut out = Vec::new();
    let mut level: Vec<&'static HeaderNode> = tree.iter().collect();
    while !level.is_empty() {
        out.extend(level.iter().copied());
        level = level.iter().flat_map(|n| n.children.iter()).collect();
    }
    out
}

/// Every label text the layouts and headers hold, for indexing.
pub fn static_labels() -> impl Iterator<Item = &'static str> {
    let tables = all().flat_map(|l| {
        l.rows
            .iter()
            .map(|r| r.label)
            .chain(l.groups.iter().map(|g| g.label))
            .chain(l.columns.iter().map(|c| c.label))
            .chain(l.block.map(|(_, title)| title))
    });
    let headers = level_order(T3_HEADER)
        .into_iter()
        .chain(level_order(T4_HEADER))
        .map(|n| n.label);
    tables
        .chain(headers)
        .chain([T3_NOTE, T2_LABEL_HEADER])
        .chain(SECTION_HEADINGS)
}

/// The leaves of a header tree, left to right.
pub fn leaves(tree: &'static [HeaderNode]) -> Vec<&'static HeaderNode> {
    fn walk(n: &'static HeaderNode, out: &mut Vec<&'static HeaderNode>) {
        if n.children.is_empty() {
            out.push(n);
        }
        for c in n.children {
            walk(c, out);
        }
    }
    let mut out = Vec::new();
    for n in tree {
        walk(n, &mut out);
    }
    out
}

/// Every layout: table 2's blocks, table 3, table 4.
pub fn all() -> impl Iterator<Item = &'static Layout> {
    TABLE2
        .iter()
        .chain(TABLE3.iter())
        .chain(std::iter::once(&TABLE4))
}

/// The layouts a report (as JSON) actually uses, chosen by each table's and
/// block's recorded edition. Tables and blocks the report lacks are left out.
pub fn used_by(report: &Value) -> Vec<&'static Layout> {
    all().filter(|l| applies(l, report)).collect()
}

fn applies(layout: &Layout, report: &Value) -> bool {
    let container = match layout.table {
        TableId::Proactive => layout.pointer.trim_end_matches("/rows"),
        _ => layout.pointer,
    };
    let Some(table) = at(report, container) else {
        return false;
    };
    match layout.edition {
        None => true,
        Some(e) => table.get("edition").and_then(Value::as_str) == Some(e.as_str()),
    }
}

/// [`Value::pointer`], without copying each segment to unescape it when it
/// has nothing to unescape (as the layouts' own pointers do not).
pub fn at<'a>(report: &'a Value, pointer: &str) -> Option<&'a Value> {
    let Some(path) = pointer.strip_prefix('/').filter(|_| !pointer.contains('~')) else {
        return report.pointer(pointer);
    };
    path.split('/').try_fold(report, |v, key| match v {
        Value::Object(map) => map.get(key),
        Value::Array(list) if !key.starts_with('+') && (key == "0" || !key.starts_with('0')) => {
            key.parse::<usize>().ok().and_then(|i| list.get(i))
        }
        _ => None,
    })
}

/// Where a JSON pointer lands in the official tables, in words.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Place {
    /// The table (and block) title.
    pub table: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
}

impl Place {
    /// `三、收到和处理政府信息公开申请情况 · （一）予以公开 · 自然人`
    pub fn describe(&self) -> String {
        let mut s = self.table.clone();
        for part in [&self.row, &self.column].into_iter().flatten() {
            s.push_str(" · ");
            s.push_str(part);
        }
        s
    }
}

/// Names the table, row and column a pointer falls in, using the layout the
/// report's edition selects (or any layout with that path, when the edition
/// itself is what is wrong).
pub fn locate(pointer: &str, report: &Value) -> Option<Place> {
    let used = used_by(report);
    let candidates = used.iter().copied().chain(all());
    let mut best: Option<Place> = None;
    for layout in candidates {
        let container = match layout.table {
            TableId::Proactive => match layout.block {
                Some((key, _)) => format!("/sections/proactive/table/{key}"),
                None => continue,
            },
            _ => layout.pointer.to_owned(),
        };
        let Some(rest) = strip_pointer(pointer, &container) else {
            continue;
        };
        let rest = strip_pointer(rest, "/rows").unwrap_or(rest);
        let path: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
        let mut place = Place {
            table: layout.title(),
            ..Place::default()
        };
        if path.is_empty() {
            return Some(place);
        }
        // The longest row or group path that prefixes the pointer.
        for n in (1..=path.len()).rev() {
            let dotted = path[..n].join(".");
            if let Some(r) = layout.row(&dotted) {
                place.row = Some(layout.row_label(r));
                match path.get(n) {
                    None => return Some(place),
                    Some(k) => {
                        if let Some(c) = layout.column(k) {
                            place.column = Some(layout.column_label(c));
                            return Some(place);
                        }
                    }
                }
                break;
            }
            if let Some(g) = layout.group(&dotted) {
                place.row = Some(g.label.to_owned());
                break;
            }
        }
        best.get_or_insert(place);
    }
    if best.is_none() && pointer.starts_with("/sections/proactive/table") {
        return Some(Place {
            table: TableId::Proactive.title().to_owned(),
            ..Place::default()
        });
    }
    best
}

fn strip_pointer<'a>(pointer: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = pointer.strip_prefix(prefix)?;
    (rest.is_empty() || rest.starts_with('/')).then_some(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table3_has_the_official_row_counts() {
        assert_eq!(TABLE3[0].rows.len(), 23);
        assert_eq!(TABLE3[1].rows.len(), 25);
        assert_eq!(TABLE3[0].columns.len(), 7);
    }

    #[test]
    fn header_trees_list_the_columns() {
        let t3: Vec<&str> = leaves(T3_HEADER).iter().map(|n| n.label).collect();
        let cols: Vec<&str> = TABLE3[0].columns.iter().map(|c| c.label).collect();
        assert_eq!(t3, cols);
        assert_eq!(leaves(T4_HEADER).len(), 15);
        let order: Vec<&str> = level_order(T4_HEADER).iter().map(|n| n.label).collect();
        assert_eq!(order[..3], ["行政复议", "行政诉讼", "结果维持"]);
        assert_eq!(order[7..9], ["未经复议直接起诉", "复议后起诉"]);
    }

    #[test]
    fn groups_collect_their_rows() {
        let t = &TABLE3[1];
        assert_eq!(t.rows_under("results.refused").count(), 8);
        assert_eq!(t.rows_under("results.other").count(), 3);
        assert_eq!(TABLE3[0].rows_under("results.other").count(), 1);
        assert_eq!(
            t.rows_under("results").count(),
            22,
            "rowspan of 三、本年度办理结果"
        );
        assert_eq!(TABLE3[0].rows_under("results").count(), 20);
    }

    #[test]
    fn pointers_are_named_in_chinese() {
        let report =
            serde_json::json!({"sections": {"applications": {"table": {"edition": "2021"}}}});
        let p = locate(
            "/sections/applications/table/results/refused/state_secret/commercial",
            &report,
        )
        .unwrap();
        assert_eq!(
            p.describe(),
            "三、收到和处理政府信息公开申请情况 · （三）不予公开 1.属于国家秘密 · 法人或其他组织 · 商业企业"
        );
        let p = locate(
            "/sections/proactive/table/item_1/rows/normative_documents/made",
            &serde_json::json!({}),
        )
        .unwrap();
        assert_eq!(
            p.describe(),
            "二、主动公开政府信息情况 · 第二十条第（一）项 · 规范性文件 · 本年新制作数量"
        );
    }
}
