//! The tables of a case and the columns each must have (others are ignored), in the order `generate`
//! writes them: one list serves the reader and the writer.

pub const PREFECTURES: [&str; 4] = ["code", "name", "lat", "lon"];
pub const DISTANCES: [&str; 3] = ["from", "to", "km"];
pub const OCCUPATIONS: [&str; 7] = [
    "code",
    "name",
    "work_type",
    "levels",
    "aliases",
    "theory_minutes",
    "skill_minutes",
];
pub const INSTITUTIONS: [&str; 10] = [
    "id",
    "name",
    "credit_code",
    "prefecture",
    "entity_type",
    "staff",
    "qualified_staff",
    "total_area_m2",
    "office_area_m2",
    "records",
];
pub const ROOMS: [&str; 4] = ["institution_id", "room_id", "seats", "camera_p"];
pub const ASSESSMENT: [&str; 3] = ["institution_id", "item", "grade"];
pub const MATERIALS: [&str; 3] = ["institution_id", "item", "provided"];
pub const EXPERTS: [&str; 8] = [
    "expert_id",
    "name",
    "prefecture",
    "employer",
    "title",
    "occupations",
    "conflicts",
    "max_panels",
];
pub const FILINGS: [&str; 6] = [
    "institution_id",
    "occupation",
    "work_type",
    "levels",
    "status",
    "filed_on",
];
pub const SESSIONS: [&str; 3] = ["date", "start", "end"];
pub const HOLIDAYS: [&str; 2] = ["date", "kind"];
pub const CANDIDATES: [&str; 8] = [
    "candidate_id",
    "name",
    "id_number",
    "prefecture",
    "occupation",
    "work_type",
    "level",
    "institution_id",
];
pub const DEMAND: [&str; 5] = [
    "prefecture",
    "occupation",
    "work_type",
    "level",
    "candidates",
];

pub const STAFF: [&str; 8] = [
    "staff_id",
    "name",
    "id_number",
    "institution_id",
    "role",
    "max_slots",
    "unavailable",
    "conflicts",
];
pub const SUPERVISORS: [&str; 5] = [
    "supervisor_id",
    "name",
    "prefecture",
    "employer",
    "max_slots",
];

/// Every table a case folder may hold, each as `NAME.csv` or `NAME.xlsx`.
pub const TABLES: [&str; 15] = [
    "prefectures",
    "distances",
    "occupations",
    "institutions",
    "rooms",
    "assessment",
    "materials",
    "experts",
    "filings",
    "sessions",
    "holidays",
    "candidates",
    "demand",
    "staff",
    "supervisors",
];

/// The columns of the table `name` (one of [`TABLES`]).
pub fn of(name: &str) -> Option<&'static [&'static str]> {
    Some(match name {
        "prefectures" => &PREFECTURES,
        "distances" => &DISTANCES,
        "occupations" => &OCCUPATIONS,
        "institutions" => &INSTITUTIONS,
        "rooms" => &ROOMS,
        "assessment" => &ASSESSMENT,
        "materials" => &MATERIALS,
        "experts" => &EXPERTS,
        "filings" => &FILINGS,
        "sessions" => &SESSIONS,
        "holidays" => &HOLIDAYS,
        "candidates" => &CANDIDATES,
        "demand" => &DEMAND,
        "staff" => &STAFF,
        "supervisors" => &SUPERVISORS,
        _ => return None,
    })
}
