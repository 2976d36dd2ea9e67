//! The case: one quarter's input, read from a case folder into plain domain values.
//!
//! `load` reads every file, resolves names to indices (prefectures, occupations, institutions)
//! and collects every problem as a positioned diagnostic. Later stages borrow these values and
//! refer to them by index; nothing after this module parses text.

pub mod checks;
pub mod columns;
mod load;
pub mod published;
mod rules;
pub mod table;

pub use load::load;
pub(crate) use load::{load_quiet, Names};
pub use rules::{road_km, ticket};

use chrono::{Datelike, NaiveDate, NaiveTime};
use serde::Deserialize;
use std::path::PathBuf;

/// The rules the plan obeys, from `case.toml`'s `[policy]` table.
#[derive(Debug, Clone, PartialEq, Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Policy {
    pub max_travel_km: f64,
    pub road_factor: f64,
    pub candidates_per_invigilator: u32,
    pub min_invigilators_per_room: u32,
    pub sittings_per_paper: u32,
    pub keep_registered_institution: bool,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            max_travel_km: 250.0,
            road_factor: 1.3,
            candidates_per_invigilator: 15,
            min_invigilators_per_room: 2,
            sittings_per_paper: 1,
            keep_registered_institution: true,
        }
    }
}

impl Policy {
    /// Invigilators a room needs for `seated` candidates (0 when the room stays closed).
    pub fn invigilators_for(&self, seated: u32) -> u32 {
        if seated == 0 {
            0
        } else {
            self.min_invigilators_per_room
                .max(seated.div_ceil(self.candidates_per_invigilator.max(1)))
        }
    }
}

/// A calendar quarter such as 2026Q3.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quarter {
    pub year: i32,
    pub q: u32,
}

impl Quarter {
    pub fn parse(text: &str) -> Option<Quarter> {
        let (year, q) = text.trim().split_once(['Q', 'q'])?;
        let year: i32 = year.parse().ok()?;
        let q: u32 = q.parse().ok()?;
        ((1..=4).contains(&q) && (2000..=2999).contains(&year)).then_some(Quarter { year, q })
    }

    pub fn containing(date: NaiveDate) -> Quarter {
        Quarter {
            year: date.year(),
            q: date.month0() / 3 + 1,
        }
    }

    pub fn first_day(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, (self.q - 1) * 3 + 1, 1).expect("valid quarter")
    }

    /// `20263` for 2026Q3: the first digits of every ticket number.
    pub fn digits(&self) -> String {
        format!("{:04}{}", self.year, self.q)
    }
}

impl std::fmt::Display for Quarter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}Q{}", self.year, self.q)
    }
}

#[derive(Debug, Clone)]
pub struct Prefecture {
    pub code: String,
    pub name: String,
    pub lat: f64,
    pub lon: f64,
}

/// One row of occupations.csv: an occupation, or one work type of it.
#[derive(Debug, Clone)]
pub struct Occupation {
    pub code: String,
    pub name: String,
    /// Empty when the occupation has no work types.
    pub work_type: String,
    pub levels: Vec<u8>,
    pub aliases: Vec<String>,
    pub theory_minutes: u32,
    pub skill_minutes: u32,
}

impl Occupation {
    pub fn exam_minutes(&self) -> u32 {
        self.theory_minutes + self.skill_minutes
    }

    /// `健康管理师` or `互联网营销师（直播销售员）` for messages.
    pub fn label(&self) -> String {
        if self.work_type.is_empty() {
            self.name.clone()
        } else {
            format!("{}（{}）", self.name, self.work_type)
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntityType {
    Enterprise,
    PublicInstitution,
    SocialGroup,
    PrivateNonEnterprise,
    Government,
}

impl EntityType {
    pub fn parse(text: &str) -> Option<EntityType> {
        Some(match text {
            "企业" => EntityType::Enterprise,
            "事业单位" => EntityType::PublicInstitution,
            "社会团体" => EntityType::SocialGroup,
            "民办非企业" | "民办非企业单位" | "民营非企业" => {
                EntityType::PrivateNonEnterprise
            }
            "政府机关" => EntityType::Government,
            _ => return None,
        })
    }

    pub fn label(&self) -> &'static str {
        match self {
            EntityType::Enterprise => "企业",
            EntityType::PublicInstitution => "事业单位",
            EntityType::SocialGroup => "社会团体",
            EntityType::PrivateNonEnterprise => "民办非企业",
            EntityType::Government => "政府机关",
        }
    }
}

/// Kinds of adverse record the notice names as grounds for refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordKind {
    Violation,
    Dishonest,
    AnnualReviewFailed,
    IllegalOrgList,
    AbnormalBusinessList,
    EvaluationBadRecord,
}

impl RecordKind {
    pub fn parse(text: &str) -> Option<RecordKind> {
        Some(match text {
            "violation" => RecordKind::Violation,
            "dishonest" => RecordKind::Dishonest,
            "annual_review_failed" => RecordKind::AnnualReviewFailed,
            "illegal_org_list" => RecordKind::IllegalOrgList,
            "abnormal_business_list" => RecordKind::AbnormalBusinessList,
            "evaluation_bad_record" => RecordKind::EvaluationBadRecord,
            _ => return None,
        })
    }

    pub fn label(&self) -> &'static str {
        match self {
            RecordKind::Violation => "violation",
            RecordKind::Dishonest => "dishonest",
            RecordKind::AnnualReviewFailed => "annual_review_failed",
            RecordKind::IllegalOrgList => "illegal_org_list",
            RecordKind::AbnormalBusinessList => "abnormal_business_list",
            RecordKind::EvaluationBadRecord => "evaluation_bad_record",
        }
    }

    /// The notice limits two kinds to "3 年内"; the others count at any age.
    pub fn window_years(&self) -> Option<i32> {
        match self {
            RecordKind::AnnualReviewFailed | RecordKind::AbnormalBusinessList => Some(3),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Record {
    pub kind: RecordKind,
    pub date: NaiveDate,
}

#[derive(Debug, Clone)]
pub struct Institution {
    pub id: String,
    pub name: String,
    pub credit_code: String,
    pub prefecture: usize,
    pub entity_type: EntityType,
    /// Full-time staff; they are also the invigilators available at one slot.
    pub staff: u32,
    pub qualified_staff: u32,
    pub total_area_m2: f64,
    pub office_area_m2: f64,
    pub records: Vec<Record>,
}

#[derive(Debug, Clone)]
pub struct Room {
    pub institution: usize,
    pub room_id: String,
    pub seats: u32,
    pub camera_p: u32,
}

/// The seven items of the filing assessment form (附件5), in the form's order.
pub const ASSESSMENT_ITEMS: [&str; 7] = [
    "机构",
    "人员",
    "场所",
    "设备设施",
    "题库建设",
    "制度建设",
    "安全",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Grade {
    Excellent,
    Good,
    Pass,
    Fail,
}

impl Grade {
    pub fn parse(text: &str) -> Option<Grade> {
        Some(match text {
            "优秀" => Grade::Excellent,
            "良好" => Grade::Good,
            "合格" => Grade::Pass,
            "不合格" => Grade::Fail,
            _ => return None,
        })
    }

    pub fn label(&self) -> &'static str {
        match self {
            Grade::Excellent => "优秀",
            Grade::Good => "良好",
            Grade::Pass => "合格",
            Grade::Fail => "不合格",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Assessment {
    pub institution: usize,
    /// Index into [`ASSESSMENT_ITEMS`].
    pub item: usize,
    pub grade: Grade,
}

/// The application materials of 附件3, by the keys of materials.csv, in the annex's order.
pub const MATERIAL_ITEMS: [&str; 16] = [
    "application_form",
    "evaluation_history",
    "implementation_plan",
    "plan_overview",
    "plan_record",
    "plan_scope",
    "plan_work",
    "plan_quality",
    "integrity_pledge",
    "team_roster",
    "team_qualifications",
    "team_contracts",
    "premises_proof",
    "asset_list",
    "financial_audit",
    "credit_report",
];

/// One row of materials.csv: whether an institution handed in one item of 附件3.
#[derive(Debug, Clone)]
pub struct Material {
    pub institution: usize,
    /// Index into [`MATERIAL_ITEMS`].
    pub item: usize,
    pub provided: bool,
}

/// An expert's title (职称) or skill rank (职业资格) as experts.csv gives it. 附件5 说明2 asks
/// for 高级技师 or a 副高级 title or above on every assessment panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Title {
    SeniorTechnician,
    Technician,
    Senior,
    AssociateSenior,
    Intermediate,
    Junior,
}

impl Title {
    pub const LABELS: [&'static str; 6] = ["高级技师", "技师", "正高级", "副高级", "中级", "初级"];

    pub fn parse(text: &str) -> Option<Title> {
        Some(match text {
            "高级技师" => Title::SeniorTechnician,
            "技师" => Title::Technician,
            "正高级" => Title::Senior,
            "副高级" => Title::AssociateSenior,
            "中级" => Title::Intermediate,
            "初级" => Title::Junior,
            _ => return None,
        })
    }

    pub fn label(&self) -> &'static str {
        match self {
            Title::SeniorTechnician => "高级技师",
            Title::Technician => "技师",
            Title::Senior => "正高级",
            Title::AssociateSenior => "副高级",
            Title::Intermediate => "中级",
            Title::Junior => "初级",
        }
    }

    /// May sit on an assessment panel or inspect (附件5 说明2).
    pub fn qualified(&self) -> bool {
        matches!(
            self,
            Title::SeniorTechnician | Title::Senior | Title::AssociateSenior
        )
    }
}

/// One row of experts.csv: a member of the expert pool for assessment panels and spot checks.
#[derive(Debug, Clone)]
pub struct Expert {
    pub expert_id: String,
    pub name: String,
    /// Home prefecture (travel starts there; a spot-check inspector never inspects at home).
    pub prefecture: usize,
    /// As given: an institution id, a credit code or a free name (empty: none declared).
    pub employer: String,
    pub title: Title,
    /// Occupation codes the expert's expertise covers (every work type of each).
    pub occupations: Vec<String>,
    /// Institutions the expert declared an interest in (回避).
    pub conflicts: Vec<usize>,
    /// Panels the expert can sit this round.
    pub max_panels: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilingStatus {
    Filed,
    Pending,
    Suspended,
    Revoked,
}

impl FilingStatus {
    pub fn parse(text: &str) -> Option<FilingStatus> {
        Some(match text {
            "filed" => FilingStatus::Filed,
            "pending" => FilingStatus::Pending,
            "suspended" => FilingStatus::Suspended,
            "revoked" => FilingStatus::Revoked,
            _ => return None,
        })
    }
}

/// An institution's approved scope for one occupation row (work type) and some levels.
#[derive(Debug, Clone)]
pub struct Filing {
    pub institution: usize,
    pub occupation: usize,
    pub levels: Vec<u8>,
    pub status: FilingStatus,
    pub filed_on: Option<NaiveDate>,
}

/// One unified exam slot the centre opened this quarter.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Session {
    pub date: NaiveDate,
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl Session {
    pub fn minutes(&self) -> u32 {
        (self.end - self.start).num_minutes().max(0) as u32
    }
}

#[derive(Debug, Clone)]
pub struct Holiday {
    pub date: NaiveDate,
    /// `true` for a day off, `false` for a make-up workday.
    pub off: bool,
}

/// One registration (a person with two papers has two).
#[derive(Debug, Clone)]
pub struct Candidate {
    pub candidate_id: String,
    pub name: String,
    pub id_number: String,
    pub prefecture: usize,
    pub occupation: usize,
    pub level: u8,
    pub institution: Option<usize>,
    pub line: u64,
}

impl Candidate {
    pub fn paper(&self) -> Paper {
        Paper {
            occupation: self.occupation,
            level: self.level,
        }
    }
}

/// One row of demand.csv: a forecast count for one home prefecture and paper.
#[derive(Debug, Clone)]
pub struct DemandRow {
    pub prefecture: usize,
    pub occupation: usize,
    pub level: u8,
    pub candidates: u32,
}

/// One unified exam: an occupation row (occupation × work type) at one level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Paper {
    pub occupation: usize,
    pub level: u8,
}

/// Where the registrations come from: named candidates, or a forecast of counts.
#[derive(Debug, Clone)]
pub enum Registrations {
    Candidates(Vec<Candidate>),
    Demand(Vec<DemandRow>),
}

/// Everything one quarter's plan needs, resolved to indices.
#[derive(Debug, Clone)]
pub struct Case {
    pub dir: PathBuf,
    /// Each table's file as found (`candidates.csv` or `candidates.xlsx`), for diagnostics.
    pub files: table::Folder,
    pub name: String,
    pub quarter: Quarter,
    pub policy: Policy,
    pub prefectures: Vec<Prefecture>,
    /// Road km between prefecture seats, `[from][to]`.
    pub road_km: Vec<Vec<f64>>,
    pub occupations: Vec<Occupation>,
    pub institutions: Vec<Institution>,
    pub rooms: Vec<Room>,
    pub assessments: Vec<Assessment>,
    /// `None` without materials.csv: materials were not checked.
    pub materials: Option<Vec<Material>>,
    /// `None` without experts.csv (needed by `panels` and `spot-check` only).
    pub experts: Option<Vec<Expert>>,
    pub filings: Vec<Filing>,
    pub sessions: Vec<Session>,
    pub holidays: Vec<Holiday>,
    pub registrations: Registrations,
}

impl Case {
    pub fn has_candidates(&self) -> bool {
        matches!(self.registrations, Registrations::Candidates(_))
    }

    /// Registrations, or forecast candidates with only a demand.csv.
    pub fn registration_count(&self) -> u64 {
        match &self.registrations {
            Registrations::Candidates(c) => c.len() as u64,
            Registrations::Demand(d) => d.iter().map(|r| u64::from(r.candidates)).sum(),
        }
    }

    pub fn candidates(&self) -> &[Candidate] {
        match &self.registrations {
            Registrations::Candidates(c) => c,
            Registrations::Demand(_) => &[],
        }
    }

    /// `企业人力资源管理师 三级` for messages.
    pub fn paper_label(&self, paper: Paper) -> String {
        format!(
            "{} {}",
            self.occupations[paper.occupation].label(),
            level_name(paper.level)
        )
    }
}

/// 三级 for 3.
pub fn level_name(level: u8) -> &'static str {
    match level {
        1 => "一级",
        2 => "二级",
        3 => "三级",
        4 => "四级",
        5 => "五级",
        _ => "?级",
    }
}

/// Reads a level given as a number or a Chinese name (三级, 高级工, 技师 …).
pub fn parse_level(text: &str) -> Option<u8> {
    let text = text.trim();
    if let Ok(n) = text.parse::<u8>() {
        return (1..=5).contains(&n).then_some(n);
    }
    let level = match text {
        "五级" | "初级工" | "初级" | "五级/初级工" => 5,
        "四级" | "中级工" | "中级" | "四级/中级工" => 4,
        "三级" | "高级工" | "高级" | "三级/高级工" => 3,
        "二级" | "技师" | "二级/技师" => 2,
        "一级" | "高级技师" | "一级/高级技师" => 1,
        _ => return None,
    };
    Some(level)
}

/// Reads `5|4|3`, `5-3` or `3-5` into a descending list of levels.
pub fn parse_levels(text: &str) -> Result<Vec<u8>, String> {
    let text = text.trim();
    let mut levels = Vec::new();
    if let Some((a, b)) = text.split_once(['-', '–', '~']) {
        let (Some(a), Some(b)) = (parse_level(a), parse_level(b)) else {
            return Err(format!(
                "expected a level range such as 5-3, found {text:?}"
            ));
        };
        let (lo, hi) = (a.min(b), a.max(b));
        levels.extend(lo..=hi);
    } else {
        for part in table::split_list(text) {
            match parse_level(part) {
                Some(l) => levels.push(l),
                None => return Err(format!("expected levels 1-5 such as 5|4|3, found {part:?}")),
            }
        }
    }
    if levels.is_empty() {
        return Err("no levels given".to_string());
    }
    levels.sort_unstable_by(|a, b| b.cmp(a));
    levels.dedup();
    Ok(levels)
}

/// Great-circle distance in km between two points given in degrees.
pub fn haversine_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let r = 6371.0;
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = (lat2 - lat1).to_radians();
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * r * a.sqrt().asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_parse_names_lists_and_ranges() {
        assert_eq!(parse_level("高级工"), Some(3));
        assert_eq!(parse_level("三级"), Some(3));
        assert_eq!(parse_level("技师"), Some(2));
        assert_eq!(parse_level("6"), None);
        assert_eq!(parse_levels("5-3").unwrap(), vec![5, 4, 3]);
        assert_eq!(parse_levels("3-5").unwrap(), vec![5, 4, 3]);
        assert_eq!(parse_levels("4|3|2|1").unwrap(), vec![4, 3, 2, 1]);
        assert!(parse_levels("4|x").is_err());
    }

    #[test]
    fn quarter_first_day_and_digits() {
        let q = Quarter::parse("2026Q3").unwrap();
        assert_eq!(q.first_day(), NaiveDate::from_ymd_opt(2026, 7, 1).unwrap());
        assert_eq!(q.digits(), "20263");
        assert!(Quarter::parse("2026Q5").is_none());
    }

    #[test]
    fn changsha_to_jishou_is_about_313_km() {
        let d = haversine_km(28.228, 112.939, 28.314, 109.739);
        assert!((d - 313.0).abs() < 5.0, "{d}");
    }

    #[test]
    fn invigilators_follow_the_policy() {
        let p = Policy::default();
        assert_eq!(p.invigilators_for(0), 0);
        assert_eq!(p.invigilators_for(1), 2);
        assert_eq!(p.invigilators_for(31), 3);
        assert_eq!(p.invigilators_for(200), 14);
    }
}
