//! Institutions and what the filing season knows of them: entity type, adverse records, rooms,
//! the assessment form, the materials list, the experts and the filings.

use super::*;

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

/// What a staff member does on exam day (staff.csv's `role`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// 监考: invigilates a room.
    Invigilator,
    /// 主考: in charge of a site at a slot.
    Chief,
    /// 巡考: roams the site's rooms.
    Roaming,
}

impl Role {
    pub const LABELS: [&'static str; 3] = ["监考", "主考", "巡考"];

    pub fn parse(text: &str) -> Option<Role> {
        Some(match text {
            "监考" => Role::Invigilator,
            "主考" => Role::Chief,
            "巡考" => Role::Roaming,
            _ => return None,
        })
    }

    pub fn label(&self) -> &'static str {
        Role::LABELS[*self as usize]
    }
}

/// An institution's exam-day staff member (staff.csv).
#[derive(Debug, Clone)]
pub struct StaffMember {
    pub staff_id: String,
    pub name: String,
    pub id_number: String,
    pub institution: usize,
    pub role: Role,
    /// The most slots the member works this quarter.
    pub max_slots: u32,
    /// Sessions (indices into `Case::sessions`) the member cannot work.
    pub unavailable: Vec<usize>,
    /// ID numbers of candidates the member declared a relation to (回避), upper-case.
    pub conflicts: Vec<String>,
}

/// A quality supervisor (质量督导员) the centres dispatch (supervisors.csv).
#[derive(Debug, Clone)]
pub struct Supervisor {
    pub supervisor_id: String,
    pub name: String,
    pub prefecture: usize,
    /// Where the supervisor works: an institution's id, credit code or name means the
    /// supervisor is never sent there.
    pub employer: String,
    pub max_slots: u32,
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
