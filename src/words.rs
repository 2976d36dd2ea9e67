//! The words people read, in one place: statuses, deferral reasons, levels and the Chinese
//! headers of every table shown to officials.
//!
//! Files for scripts keep their English column names and ASCII codes (`reason_code`,
//! `status`); everything written for officials and candidates takes its Chinese from here, so an
//! edition in another language is this one file.

use crate::case::{Case, Paper};
use crate::solve::Reason;

/// A level as officials write it: 三级（高级工）, never "3级".
pub fn level(level: u8) -> &'static str {
    match level {
        1 => "一级（高级技师）",
        2 => "二级（技师）",
        3 => "三级（高级工）",
        4 => "四级（中级工）",
        5 => "五级（初级工）",
        _ => "等级不详",
    }
}

/// A plan's status (`optimal`, `feasible`, `time_limit`, as summary.json writes it): 最优 (both
/// objectives proven), 可行 (proven within the gap), 已达上限.
pub fn status(code: &str) -> &str {
    match code {
        "optimal" => "最优",
        "feasible" => "可行",
        "time_limit" => "已达上限",
        other => other,
    }
}

/// A what-if scenario whose edits do not fit the case.
pub const SCENARIO_INVALID: &str = "方案无效";
/// A what-if scenario the solver found no plan for.
pub const SCENARIO_FAILED: &str = "未能求解";

/// A deferral reason's short label (summary.json's `deferred_by_reason` key), for charts.
pub fn reason_label(key: &str) -> &str {
    match key {
        "duplicate registration" => "重复报名",
        "no filed institution" => "无备案机构（成熟一个，实施一个）",
        "none within reach" => "可达范围内无备案机构",
        "no slot long enough" => "无足够长的考试时段",
        "conflicting registration" => "同一考生两科同时段",
        "registered institution full" => "报名机构座位已满",
        "capacity exhausted" => "可达范围内座位已满",
        "not in the published timetable" => "未列入已公布的考试安排",
        other => other,
    }
}

/// A status word as the CSV files write it (`optimal`, `time_limit`, `invalid` …), in
/// Chinese; another word is returned as it is.
pub fn status_text(text: &str) -> &str {
    match text {
        "optimal" | "feasible" | "time_limit" => status(text),
        "invalid" => SCENARIO_INVALID,
        "failed" => SCENARIO_FAILED,
        other => other,
    }
}

/// Yes or no, as a sheet shows it.
pub fn yes_no(yes: bool) -> &'static str {
    if yes {
        "是"
    } else {
        "否"
    }
}

/// A paper as officials name it: 企业人力资源管理师 三级（高级工）, with its work type when it has
/// one.
pub fn paper(case: &Case, paper: Paper) -> String {
    let occupation = &case.occupations[paper.occupation];
    if occupation.work_type.is_empty() {
        format!("{} {}", occupation.name, level(paper.level))
    } else {
        format!(
            "{}（{}）{}",
            occupation.name,
            occupation.work_type,
            level(paper.level)
        )
    }
}

/// The stable ASCII code of a deferral reason, for scripts (`reason_code` beside `reason`).
pub fn reason_code(reason: &Reason) -> &'static str {
    match reason {
        Reason::Duplicate { .. } => "duplicate",
        Reason::NotFiled => "not_filed",
        Reason::NoneWithinReach => "out_of_reach",
        Reason::NoSlotLongEnough => "no_slot_long_enough",
        Reason::Conflict { .. } => "conflict",
        Reason::RegisteredFull { .. } => "registered_full",
        Reason::CapacityExhausted => "capacity_exhausted",
        Reason::NotPublished => "not_published",
    }
}

/// A deferral reason in a sentence an official can pass on to the candidate.
pub fn reason(reason: &Reason, case: &Case, paper_: Paper) -> String {
    let label = paper(case, paper_);
    match reason {
        Reason::Duplicate { kept } => {
            format!("重复报名：同一人同一科目已有报名 {kept}，保留该报名")
        }
        Reason::NotFiled => {
            format!("全省尚无已备案且符合条件的机构可认定 {label}（成熟一个，实施一个）")
        }
        Reason::NoneWithinReach => format!(
            "距居住地 {} 公里内没有可认定 {label} 的已备案机构",
            case.policy.max_travel_km
        ),
        Reason::NoSlotLongEnough => format!(
            "本季度没有足够长的考试时段安排 {label}（需 {} 分钟）",
            case.occupations[paper_.occupation].exam_minutes()
        ),
        Reason::Conflict { other } => {
            format!("考试时间冲突：同一人报考的 {other} 安排在同一时段")
        }
        Reason::RegisteredFull { institution } => {
            format!("报名机构 {institution} 在该科目考试时段已无座位")
        }
        Reason::CapacityExhausted => "可到达的考点在该科目考试时段座位已满".to_string(),
        Reason::NotPublished => format!("已公布的考试安排中没有 {label}"),
    }
}

/// Why a registration's ticket changed in a replan (changes.csv's `reason` and `reason_code`).
#[derive(Debug, Clone, PartialEq)]
pub enum ChangeReason {
    /// The published seat's institution is no longer in the case.
    InstitutionGone { institution: String },
    /// The institution no longer passes vetting.
    NotVetted { institution: String },
    /// The institution's filing for the paper is not in force.
    FilingNotInForce { institution: String, paper: String },
    /// The candidate is bound to the institution of registration, which now seats the paper.
    RegisteredElsewhere { institution: String, paper: String },
    /// The institution is now beyond `max_travel_km`.
    BeyondReach { institution: String },
    /// The paper's slot changed.
    SlotChanged,
    /// The room was removed.
    RoomRemoved { institution: String, room: String },
    /// The room now has fewer seats than the seat's number.
    RoomSmaller {
        institution: String,
        room: String,
        seats: u32,
    },
    /// The institution's staff no longer cover the rooms its kept seats hold open.
    StaffShort { institution: String },
    /// Moved so that a registration that can sit nowhere else takes the seat.
    FreesSeat { institution: String },
    /// The registration is no longer in candidates.csv.
    Withdrawn,
    /// The candidate_id now names another person or paper.
    IdReused,
    /// Deferred now, for this deferral reason (code and sentence).
    Deferred { code: &'static str, text: String },
    /// Deferred before, seated now.
    NowSeated { institution: String },
    /// A registration the published plan did not have.
    NewRegistration,
}

impl ChangeReason {
    /// The stable ASCII code, for scripts.
    pub fn code(&self) -> &'static str {
        match self {
            ChangeReason::InstitutionGone { .. } => "institution_gone",
            ChangeReason::NotVetted { .. } => "not_vetted",
            ChangeReason::FilingNotInForce { .. } => "filing_not_in_force",
            ChangeReason::RegisteredElsewhere { .. } => "registered_elsewhere",
            ChangeReason::BeyondReach { .. } => "out_of_reach",
            ChangeReason::SlotChanged => "slot_changed",
            ChangeReason::RoomRemoved { .. } => "room_removed",
            ChangeReason::RoomSmaller { .. } => "room_smaller",
            ChangeReason::StaffShort { .. } => "staff_short",
            ChangeReason::FreesSeat { .. } => "frees_seat",
            ChangeReason::Withdrawn => "withdrawn",
            ChangeReason::IdReused => "id_reused",
            ChangeReason::Deferred { code, .. } => code,
            ChangeReason::NowSeated { .. } => "now_seated",
            ChangeReason::NewRegistration => "new_registration",
        }
    }

    /// The reason in a sentence; `took` names whose freed seat the registration now holds.
    pub fn text(&self, took: Option<&str>) -> String {
        let text = match self {
            ChangeReason::InstitutionGone { institution } => {
                format!("机构 {institution} 已不在本季度名单中")
            }
            ChangeReason::NotVetted { institution } => {
                format!("机构 {institution} 已不符合遴选条件")
            }
            ChangeReason::FilingNotInForce { institution, paper } => {
                format!("机构 {institution} 对 {paper} 的备案已不在有效期内")
            }
            ChangeReason::RegisteredElsewhere { institution, paper } => {
                format!("考生在机构 {institution} 报名，该机构现可认定 {paper}")
            }
            ChangeReason::BeyondReach { institution } => {
                format!("机构 {institution} 已超出最远路程限制")
            }
            ChangeReason::SlotChanged => "该科目的考试时段已调整".to_string(),
            ChangeReason::RoomRemoved { institution, room } => {
                format!("机构 {institution} 的考场 {room} 已撤销")
            }
            ChangeReason::RoomSmaller {
                institution,
                room,
                seats,
            } => format!("机构 {institution} 的考场 {room} 现只有 {seats} 个座位"),
            ChangeReason::StaffShort { institution } => {
                format!("机构 {institution} 的工作人员已不足以监考原有考场")
            }
            ChangeReason::FreesSeat { institution } => {
                format!("为让无处可考的考生在机构 {institution} 就座而调整")
            }
            ChangeReason::Withdrawn => "已退出报名（不在本次考生名单中）".to_string(),
            ChangeReason::IdReused => {
                "报名号现对应另一人或另一科目：视为退出后重新报名".to_string()
            }
            ChangeReason::Deferred { text, .. } => text.clone(),
            ChangeReason::NowSeated { institution } => format!("已在机构 {institution} 安排座位"),
            ChangeReason::NewRegistration => "新增报名（原考试安排中没有）".to_string(),
        };
        match took {
            Some(id) => format!("{text}；使用 {id} 让出的座位"),
            None => text,
        }
    }
}

/// A change kind (changes.csv's `change`) as officials read it.
pub fn change_kind(kind: &str) -> &str {
    match kind {
        "withdrawn" => "退出",
        "new_seated" => "新增并安排",
        "new_deferred" => "新增但缓考",
        "now_seated" => "由缓考转为安排",
        "now_deferred" => "由安排转为缓考",
        "moved_institution" => "调换机构",
        "moved_room" => "调换考场",
        "moved_seat" => "调换座位",
        other => other,
    }
}

/// Why an institution fails a selection condition (vetting.csv's `reasons`, the console).
pub mod unmet {
    /// 政府机关 are not certification institutions.
    pub fn government() -> String {
        "政府机关不得作为评价机构".to_string()
    }

    pub fn premises(area: f64) -> String {
        format!("自有场所 {area} 平方米，不足 1000 平方米")
    }

    pub fn office(area: f64) -> String {
        format!("办公及技术用房 {area} 平方米，不足 100 平方米")
    }

    pub fn seats(total: u32) -> String {
        format!("计算机考场可同时容纳 {total} 人，不足 200 人")
    }

    /// `rooms` as "R1 480P".
    pub fn cameras(rooms: &[String]) -> String {
        format!("考场监控低于 720P：{}", rooms.join("、"))
    }

    pub fn team(staff: u32, qualified: u32) -> String {
        format!(
            "专职人员 {staff} 名、其中具备资格 {qualified} 名；须不少于 15 名且具备资格不少于 5 名"
        )
    }

    /// `records` as "abnormal_business_list@2023-07-02" (kind code and date).
    pub fn records(records: &[String]) -> String {
        let named: Vec<String> = records
            .iter()
            .map(|r| {
                let kind = r.split('@').next().unwrap_or(r);
                format!("{}（{r}）", record_kind(kind))
            })
            .collect();
        format!("存在不良记录：{}", named.join("、"))
    }

    pub fn assessment(items: &[&str]) -> String {
        format!("现场评估不合格项：{}", items.join("、"))
    }

    /// Materials not handed in (附件3), by item code.
    pub fn materials(missing: &[&str]) -> String {
        format!("申报材料缺少：{}", missing.join("、"))
    }

    /// An adverse record's kind (institutions.csv's code) in the notice's words.
    pub fn record_kind(code: &str) -> &str {
        match code {
            "violation" => "违法违规行为",
            "dishonest" => "失信记录",
            "annual_review_failed" => "年检不合格",
            "illegal_org_list" => "列入非法社会组织名单",
            "abnormal_business_list" => "列入经营异常名录",
            "evaluation_bad_record" => "评价工作不良记录",
            other => other,
        }
    }
}

/// Why an applicant has no assessment panel (unassigned.csv's `reason`).
pub mod no_panel {
    /// An expert who may not sit: "E3 为技师", "E1 为该机构人员", "E2 申报了利害关系".
    pub fn title(expert: &str, title: &str) -> String {
        format!("{expert} 为{title}")
    }

    pub fn employed(expert: &str) -> String {
        format!("{expert} 为该机构人员")
    }

    pub fn conflict(expert: &str) -> String {
        format!("{expert} 申报了利害关系")
    }

    pub fn no_qualified(titles: &[&str]) -> String {
        format!("experts.csv 中没有具备{}职称的专家", titles.join("、"))
    }

    pub fn too_few(free: usize, size: u32, out: &[String]) -> String {
        format!(
            "无利害关系的合格专家仅 {free} 名，需要 {size} 名（{}）",
            out.join("；")
        )
    }

    pub fn none_covers(occupations: &str, out: &[String]) -> String {
        let mut text = format!("没有无利害关系的合格专家能评估 {occupations}");
        if !out.is_empty() {
            text.push_str(&format!("（{}）", out.join("；")));
        }
        text
    }

    pub fn all_full(occupations: &str, full: &[String]) -> String {
        format!(
            "能评估 {occupations} 的无利害关系合格专家均已达到 max_panels，且所在专家组服务更多申请机构（{}）",
            full.join("、")
        )
    }

    pub fn too_few_with_room(with_room: usize, size: u32) -> String {
        format!("尚有评估余量的无利害关系合格专家仅 {with_room} 名，需要 {size} 名")
    }

    pub fn time_limit() -> String {
        "求解在计算量上限内未能为该机构安排专家组，请人工指派专家组".to_string()
    }
}

/// The name of a sweep's scenario: institution `id` gains a room of `seats` seats.
pub fn sweep_scenario(id: &str, seats: u32) -> String {
    format!("{id} 增加 {seats} 座考场")
}

/// How far a what-if change can be trusted (scenarios.csv's `significance`), in words.
pub fn significance(code: &str) -> &str {
    match code {
        "exact" => "确定（两方案均已证明最优）",
        "effect" => "有效（超出求解间隙）",
        "within_gap" => "不确定（在求解间隙内）",
        other => other,
    }
}

/// A code a table cell holds (ok, fail, true, complete …), in words for a sheet; any other
/// text is returned as it is.
pub fn value(text: &str) -> &str {
    match text {
        "ok" => "符合",
        "fail" => "不符合",
        "true" => "是",
        "false" => "否",
        "complete" => "齐全",
        "incomplete" => "不全",
        "not_checked" => "未核验",
        "exact" | "effect" | "within_gap" => significance(text),
        other => other,
    }
}

/// The Chinese name of the sheet that shows the CSV file `stem`.
pub fn sheet(stem: &str) -> &str {
    match stem {
        "scenarios" => "情景",
        "capacity_value" => "座位价值",
        "monte_carlo" => "蒙特卡洛",
        "vetting" => "遴选结果",
        "coverage" => "覆盖情况",
        "publication" => "公示名单",
        "attendance_by_institution" => "到考率（按机构）",
        "attendance_by_paper" => "到考率（按科目）",
        "absent" => "缺考名单",
        other => other,
    }
}

/// The Chinese header of a column of the plan's tables, for workbooks; a column not listed
/// keeps its name.
pub fn header(column: &str) -> &str {
    match column {
        "ticket_no" => "准考证号",
        "candidate_id" => "报名号",
        "name" => "姓名",
        "id_number" => "身份证号",
        "home_prefecture" => "居住地市州",
        "occupation_code" => "职业编码",
        "occupation" => "职业",
        "work_type" => "工种",
        "level" => "等级",
        "date" => "日期",
        "start" => "开始",
        "end" => "结束",
        "venue_prefecture" => "考点市州",
        "institution_id" => "机构编号",
        "institution" => "机构名称",
        "institutions" => "机构数",
        "room_id" => "考场",
        "rooms" => "考场数",
        "seat" => "座位号",
        "seats" => "座位数",
        "seated" => "安排人数",
        "invigilators" => "监考人数",
        "candidates" => "人数",
        "reason" => "原因",
        "reason_code" => "原因代码",
        "reason_codes" => "原因代码",
        "change" => "变更",
        "old_ticket_no" => "原准考证号",
        "new_ticket_no" => "新准考证号",
        "old_institution_id" => "原机构",
        "new_institution_id" => "新机构",
        "old_room_id" => "原考场",
        "new_room_id" => "新考场",
        "old_seat" => "原座位号",
        "new_seat" => "新座位号",
        "scenario" => "方案",
        "status" => "状态",
        "deferred" => "缓考人数",
        "delta_deferred" => "缓考变化",
        "travel_km" => "路程（公里）",
        "delta_travel_km" => "路程变化（公里）",
        "cross_prefecture" => "跨市州人数",
        "rooms_opened" => "开设考场数",
        "gap" => "间隙",
        "solve_seconds" => "求解秒数",
        "deferred_bound" => "缓考下界",
        "travel_bound" => "路程下界",
        "significance" => "可信度",
        "delta_rooms_opened" => "考场场次变化",
        "delta_invigilators" => "监考人次变化",
        "prefecture" => "市州",
        "seat_value" => "座位价值",
        "deferred_per_seat" => "每座减少缓考",
        "km_per_seat" => "每座减少路程（公里）",
        "draws" => "抽样次数",
        "p_any_deferred" => "出现缓考的概率",
        "mean_deferred" => "平均缓考人数",
        "p95_deferred" => "缓考人数95分位",
        "p_any_planning_deferred" => "可由排考解决的缓考概率",
        "mean_planning_deferred" => "可由排考解决的平均缓考",
        "total_seats" => "座位总数",
        "staff" => "专职人员",
        "qualified_staff" => "具备资格人员",
        "entity" => "主体资格",
        "premises" => "场所面积",
        "office" => "办公用房",
        "cameras" => "考场监控",
        "team" => "人员条件",
        "records" => "不良记录",
        "assessment" => "现场评估",
        "assessment_grade" => "评估等级",
        "suggested_staff_grade" => "建议人员评分",
        "eligible" => "符合条件",
        "reasons" => "原因",
        "materials" => "申报材料",
        "missing_materials" => "缺少材料",
        "flag" => "提示",
        "credit_code" => "统一社会信用代码",
        "levels" => "等级",
        "expected" => "应考",
        "present" => "到考",
        "absent" => "缺考",
        "misconduct" => "违纪",
        "unmarked" => "未登记",
        "rate" => "到考率",
        "paper" => "科目",
        "masked_id" => "身份证号",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_level_reads_as_officials_write_it() {
        let levels: Vec<&str> = (1..=5).map(level).collect();
        assert_eq!(
            levels,
            [
                "一级（高级技师）",
                "二级（技师）",
                "三级（高级工）",
                "四级（中级工）",
                "五级（初级工）"
            ]
        );
    }

    #[test]
    fn reason_codes_are_ascii_and_distinct() {
        let all = [
            Reason::Duplicate { kept: "C1".into() },
            Reason::NotFiled,
            Reason::NoneWithinReach,
            Reason::NoSlotLongEnough,
            Reason::Conflict { other: "X".into() },
            Reason::RegisteredFull {
                institution: "I1".into(),
            },
            Reason::CapacityExhausted,
            Reason::NotPublished,
        ];
        let codes: std::collections::BTreeSet<&str> = all.iter().map(reason_code).collect();
        assert_eq!(codes.len(), all.len());
        assert!(codes
            .iter()
            .all(|c| c.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')));
    }
}
