//! The canonical report: Rust types that mirror `schemas/annual-report.schema.json`.
//!
//! The schema is the source of truth; these types are written by hand to match
//! it exactly, and `tests/schema_agreement.rs` proves that they do. Field names
//! are the schema's property names; the official Chinese labels live in the
//! schema's `title`s and in [`crate::layout`].

mod cell;

pub use cell::{Cell, Decimal, MAX_NUMBER_CHARS, PLACEHOLDERS, Quantity, UNITS};

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A whole report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Report {
    /// The schema's `$id`, when the document names it (for editors).
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    pub meta: Meta,
    /// 编制说明 and any text before 一、总体情况.
    pub preamble: Vec<Block>,
    pub sections: Sections,
    /// Where each table value was read in the source document, by JSON
    /// pointer (`表2 第4行 第4列`, `line 39`). Written only on request.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub sources: BTreeMap<String, String>,
}

/// Report metadata. Absent when the source does not say; never guessed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// 发布机构.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency: Option<String>,
    /// The calendar year the report covers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    /// Publication date, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
}

/// Where the data was read from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    pub format: SourceFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceFormat {
    Json,
    Xml,
    Docx,
    Html,
    Text,
    Pdf,
}

/// A paragraph or a sub-heading of narrative text, verbatim.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Block {
    #[serde(rename = "type")]
    pub kind: BlockKind,
    pub text: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BlockKind {
    Heading,
    Paragraph,
}

impl Block {
    pub fn paragraph(text: impl Into<String>) -> Block {
        Block {
            kind: BlockKind::Paragraph,
            text: text.into(),
        }
    }
    pub fn heading(text: impl Into<String>) -> Block {
        Block {
            kind: BlockKind::Heading,
            text: text.into(),
        }
    }
}

/// The six sections. A section the source lacks is `None`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sections {
    /// 一、总体情况
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overview: Option<TextSection>,
    /// 二、主动公开政府信息情况
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proactive: Option<TableSection<Table2>>,
    /// 三、收到和处理政府信息公开申请情况
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applications: Option<TableSection<Table3>>,
    /// 四、政府信息公开行政复议、行政诉讼情况
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviews: Option<TableSection<Table4>>,
    /// 五、存在的主要问题及改进情况
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problems: Option<TextSection>,
    /// 六、其他需要报告的事项
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other: Option<TextSection>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TextSection {
    /// The heading as printed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heading: Option<String>,
    pub body: Vec<Block>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, bound(deserialize = "T: Deserialize<'de>"))]
pub struct TableSection<T> {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heading: Option<String>,
    /// Text between the heading and the table.
    pub body: Vec<Block>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<T>,
    /// Text after the table.
    pub notes: Vec<Block>,
}

/// Which national edition a table or block follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Edition {
    /// 国办公开办函〔2019〕60号
    #[serde(rename = "2019")]
    E2019,
    /// 国办公开办函〔2021〕30号
    #[serde(rename = "2021")]
    E2021,
}

impl Edition {
    pub fn as_str(self) -> &'static str {
        match self {
            Edition::E2019 => "2019",
            Edition::E2021 => "2021",
        }
    }
}

/// A row the national form does not have (a provincial extension), kept.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtraRow {
    /// The key path of the official row it followed, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    pub label: String,
    pub values: Vec<Cell>,
}

// ---------------------------------------------------------------- table 2

/// Table 2: one block per item of Article 20, each with its own edition.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Table2 {
    pub item_1: Item1,
    pub item_5: Item5,
    pub item_6: Item6,
    pub item_8: Item8,
    /// 2019 edition only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_9: Option<Item9>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra_rows: Vec<BlockExtraRow>,
}

/// A row table 2's national form does not have, with the block it was
/// printed in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlockExtraRow {
    /// `item_1`, `item_5`, `item_6`, `item_8` or `item_9`.
    pub block: String,
    /// The key of the official row it followed, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    pub label: String,
    pub values: Vec<Cell>,
}

/// 第二十条第（一）项
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "edition", deny_unknown_fields)]
pub enum Item1 {
    #[serde(rename = "2019")]
    E2019 { rows: Item1Rows<Made2019> },
    #[serde(rename = "2021")]
    E2021 { rows: Item1Rows<Issued2021> },
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item1Rows<C> {
    /// 规章
    pub regulations: C,
    /// 规范性文件 (2019) / 行政规范性文件 (2021)
    pub normative_documents: C,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Made2019 {
    /// 本年新制作数量
    pub made: Cell,
    /// 本年新公开数量
    pub published: Cell,
    /// 对外公开总数量
    pub total: Cell,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Issued2021 {
    /// 本年制发件数
    pub issued: Cell,
    /// 本年废止件数
    pub repealed: Cell,
    /// 现行有效件数
    pub in_force: Cell,
}

/// 第二十条第（五）项
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "edition", deny_unknown_fields)]
pub enum Item5 {
    #[serde(rename = "2019")]
    E2019 { rows: Item5Rows2019 },
    #[serde(rename = "2021")]
    E2021 { rows: Item5Rows2021 },
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item5Rows2019 {
    /// 行政许可
    pub licensing: Items2019,
    /// 其他对外管理服务事项
    pub other_services: Items2019,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item5Rows2021 {
    /// 行政许可
    pub licensing: Decisions2021,
}

/// 第二十条第（六）项
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "edition", deny_unknown_fields)]
pub enum Item6 {
    #[serde(rename = "2019")]
    E2019 { rows: Item6Rows<Items2019> },
    #[serde(rename = "2021")]
    E2021 { rows: Item6Rows<Decisions2021> },
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item6Rows<C> {
    /// 行政处罚
    pub penalty: C,
    /// 行政强制
    pub coercion: C,
}

/// The 2019 columns of blocks （五）（六）.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Items2019 {
    /// 上一年项目数量
    pub previous: Cell,
    /// 本年增/减
    pub change: Cell,
    /// 处理决定数量
    pub decisions: Cell,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decisions2021 {
    /// 本年处理决定数量
    pub decisions: Cell,
}

/// 第二十条第（八）项
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "edition", deny_unknown_fields)]
pub enum Item8 {
    #[serde(rename = "2019")]
    E2019 { rows: Item8Rows<Fees2019> },
    #[serde(rename = "2021")]
    E2021 { rows: Item8Rows<Fees2021> },
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item8Rows<C> {
    /// 行政事业性收费
    pub fees: C,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fees2019 {
    /// 上一年项目数量
    pub previous: Cell,
    /// 本年增/减
    pub change: Cell,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fees2021 {
    /// 本年收费金额（单位：万元）
    pub amount: Cell,
}

/// 第二十条第（九）项 (2019 edition only)
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "edition", deny_unknown_fields)]
pub enum Item9 {
    #[serde(rename = "2019")]
    E2019 { rows: Item9Rows },
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item9Rows {
    /// 政府集中采购
    pub procurement: Procurement2019,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Procurement2019 {
    /// 采购项目数量
    pub projects: Cell,
    /// 采购总金额
    pub amount: Cell,
}

// ---------------------------------------------------------------- table 3

/// Table 3. The editions differ only in （六）其他处理.
// Both variants are about 5 KB; they differ by two rows, so boxing buys nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "edition", deny_unknown_fields)]
pub enum Table3 {
    #[serde(rename = "2019")]
    E2019(Table3Body<ApplicantRow>),
    #[serde(rename = "2021")]
    E2021(Table3Body<Other2021>),
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Table3Body<O> {
    /// 一、本年新收政府信息公开申请数量
    pub new: ApplicantRow,
    /// 二、上年结转政府信息公开申请数量
    pub carried_over: ApplicantRow,
    /// 三、本年度办理结果
    pub results: Results<O>,
    /// 四、结转下年度继续办理
    pub carried_forward: ApplicantRow,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra_rows: Vec<ExtraRow>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Results<O> {
    /// （一）予以公开
    pub granted: ApplicantRow,
    /// （二）部分公开（区分处理的，只计这一情形，不计其他情形）
    pub partial: ApplicantRow,
    /// （三）不予公开
    pub refused: Refused,
    /// （四）无法提供
    pub unable: Unable,
    /// （五）不予处理
    pub not_processed: NotProcessed,
    /// （六）其他处理
    pub other: O,
    /// （七）总计
    pub total: ApplicantRow,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Refused {
    pub state_secret: ApplicantRow,
    pub prohibited_by_law: ApplicantRow,
    pub three_safety_one_stability: ApplicantRow,
    pub third_party: ApplicantRow,
    pub internal_affairs: ApplicantRow,
    pub process_info: ApplicantRow,
    pub enforcement_files: ApplicantRow,
    pub inquiry: ApplicantRow,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unable {
    pub not_held: ApplicantRow,
    pub needs_creation: ApplicantRow,
    pub unclear: ApplicantRow,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotProcessed {
    pub petition: ApplicantRow,
    pub repeated: ApplicantRow,
    pub publications: ApplicantRow,
    pub excessive: ApplicantRow,
    pub confirmation: ApplicantRow,
}

/// （六）其他处理 in the 2021 edition: three rows.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Other2021 {
    pub no_correction: ApplicantRow,
    pub no_fee: ApplicantRow,
    pub other: ApplicantRow,
}

/// The seven applicant columns of table 3.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApplicantRow {
    /// 自然人
    pub natural_person: Cell,
    /// 法人或其他组织 · 商业企业
    pub commercial: Cell,
    /// 法人或其他组织 · 科研机构
    pub research: Cell,
    /// 法人或其他组织 · 社会公益组织
    pub social_welfare: Cell,
    /// 法人或其他组织 · 法律服务机构
    pub legal_services: Cell,
    /// 法人或其他组织 · 其他
    pub other_org: Cell,
    /// 总计
    pub total: Cell,
}

// ---------------------------------------------------------------- table 4

/// Table 4, the same in both editions.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Table4 {
    /// 行政复议
    pub administrative_review: Outcomes,
    /// 行政诉讼 · 未经复议直接起诉
    pub litigation_direct: Outcomes,
    /// 行政诉讼 · 复议后起诉
    pub litigation_after_review: Outcomes,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra_rows: Vec<ExtraRow>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Outcomes {
    /// 结果维持
    pub upheld: Cell,
    /// 结果纠正
    pub corrected: Cell,
    /// 其他结果
    pub other: Cell,
    /// 尚未审结
    pub pending: Cell,
    /// 总计
    pub total: Cell,
}

// ---------------------------------------------------------------- cell grids

/// The value cells of a table or block as a grid, rows and columns in the
/// order of its [`Layout`](crate::layout::Layout). Lets readers and writers
/// reach every cell by position; a test proves the order is the layout's.
pub trait CellGrid {
    fn grid_mut(&mut self) -> Vec<Vec<&mut Cell>>;
}

/// The cells of one row, in column order.
pub trait RowCells {
    fn cells_mut(&mut self) -> Vec<&mut Cell>;
}

macro_rules! row_cells {
    ($($t:ty => [$($f:ident),+]),+ $(,)?) => {
        $(impl RowCells for $t {
            fn cells_mut(&mut self) -> Vec<&mut Cell> {
                vec![$(&mut self.$f),+]
            }
        })+
    };
}

row_cells! {
    ApplicantRow => [natural_person, commercial, research, social_welfare, legal_services, other_org, total],
    Outcomes => [upheld, corrected, other, pending, total],
    Made2019 => [made, published, total],
    Issued2021 => [issued, repealed, in_force],
    Items2019 => [previous, change, decisions],
    Decisions2021 => [decisions],
    Fees2019 => [previous, change],
    Fees2021 => [amount],
    Procurement2019 => [projects, amount],
}

fn rows(rows: Vec<&mut dyn RowCells>) -> Vec<Vec<&mut Cell>> {
    rows.into_iter().map(RowCells::cells_mut).collect()
}

impl<C: RowCells> CellGrid for Item1Rows<C> {
    fn grid_mut(&mut self) -> Vec<Vec<&mut Cell>> {
        rows(vec![&mut self.regulations, &mut self.normative_documents])
    }
}

impl CellGrid for Item5Rows2019 {
    fn grid_mut(&mut self) -> Vec<Vec<&mut Cell>> {
        rows(vec![&mut self.licensing, &mut self.other_services])
    }
}

impl CellGrid for Item5Rows2021 {
    fn grid_mut(&mut self) -> Vec<Vec<&mut Cell>> {
        rows(vec![&mut self.licensing])
    }
}

impl<C: RowCells> CellGrid for Item6Rows<C> {
    fn grid_mut(&mut self) -> Vec<Vec<&mut Cell>> {
        rows(vec![&mut self.penalty, &mut self.coercion])
    }
}

impl<C: RowCells> CellGrid for Item8Rows<C> {
    fn grid_mut(&mut self) -> Vec<Vec<&mut Cell>> {
        rows(vec![&mut self.fees])
    }
}

impl CellGrid for Item9Rows {
    fn grid_mut(&mut self) -> Vec<Vec<&mut Cell>> {
        rows(vec![&mut self.procurement])
    }
}

impl CellGrid for Table4 {
    fn grid_mut(&mut self) -> Vec<Vec<&mut Cell>> {
        rows(vec![
            &mut self.administrative_review,
            &mut self.litigation_direct,
            &mut self.litigation_after_review,
        ])
    }
}

/// The rows of （六）其他处理: one in 2019, three in 2021.
pub trait OtherRows {
    fn other_rows_mut(&mut self) -> Vec<&mut ApplicantRow>;
}

impl OtherRows for ApplicantRow {
    fn other_rows_mut(&mut self) -> Vec<&mut ApplicantRow> {
        vec![self]
    }
}

impl OtherRows for Other2021 {
    fn other_rows_mut(&mut self) -> Vec<&mut ApplicantRow> {
        vec![&mut self.no_correction, &mut self.no_fee, &mut self.other]
    }
}

impl<O: OtherRows> CellGrid for Table3Body<O> {
    fn grid_mut(&mut self) -> Vec<Vec<&mut Cell>> {
        let r = &mut self.results;
        let (f, u, n) = (&mut r.refused, &mut r.unable, &mut r.not_processed);
        let mut all: Vec<&mut ApplicantRow> = vec![
            &mut self.new,
            &mut self.carried_over,
            &mut r.granted,
            &mut r.partial,
            &mut f.state_secret,
            &mut f.prohibited_by_law,
            &mut f.three_safety_one_stability,
            &mut f.third_party,
            &mut f.internal_affairs,
            &mut f.process_info,
            &mut f.enforcement_files,
            &mut f.inquiry,
            &mut u.not_held,
            &mut u.needs_creation,
            &mut u.unclear,
            &mut n.petition,
            &mut n.repeated,
            &mut n.publications,
            &mut n.excessive,
            &mut n.confirmation,
        ];
        all.extend(r.other.other_rows_mut());
        all.push(&mut r.total);
        all.push(&mut self.carried_forward);
        all.into_iter().map(RowCells::cells_mut).collect()
    }
}
