//! The words people read, in one place: statuses, deferral reasons, levels and the Chinese
//! headers of every table shown to officials.
//!
//! Files for scripts keep their English column names and ASCII codes (`reason_code`,
//! `status`); everything written for officials and candidates takes its Chinese from here, so an
//! edition in another language is this one file.

use crate::case::{Case, Paper};
use crate::plan::summary::Status;
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

/// A plan's status: 最优 (both objectives proven), 可行 (proven within the gap), 已达时限.
pub fn status(status: Status) -> &'static str {
    match status {
        Status::Optimal => "最优",
        Status::Feasible => "可行",
        Status::TimeLimit => "已达时限",
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
        "optimal" => status(Status::Optimal),
        "feasible" => status(Status::Feasible),
        "time_limit" => status(Status::TimeLimit),
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
