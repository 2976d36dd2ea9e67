//! Institutions and their rooms.

use super::*;

pub(super) fn read_institutions(
    folder: &Folder,
    diags: &mut Diagnostics,
    names: &mut Names,
) -> Vec<Institution> {
    let mut out: Vec<Institution> = Vec::new();
    read_table(
        folder,
        "institutions",
        &columns::INSTITUTIONS,
        diags,
        |row, diags| {
            let id = row.key(diags, "id");
            let name = row.required(diags, "name");
            let credit_code = row.identifier(diags, "credit_code");
            if let Some(code) = credit_code {
                if let Err(m) = checks::check_credit_code(code) {
                    row.error(diags, "credit_code", m);
                }
            }
            let prefecture = resolve_prefecture(row, diags, names, "prefecture");
            let entity_type = row.required(diags, "entity_type").and_then(|t| {
                let e = EntityType::parse(t);
                if e.is_none() {
                    row.error(
                        diags,
                        "entity_type",
                        format!(
                        "expected 企业, 事业单位, 社会团体, 民办非企业 or 政府机关, found {t:?}"
                    ),
                    );
                }
                e
            });
            let staff = row.parse_u32(diags, "staff");
            let qualified = row.parse_u32(diags, "qualified_staff");
            let total = row.parse_f64(diags, "total_area_m2");
            let office = row.parse_f64(diags, "office_area_m2");
            let mut records = Vec::new();
            for item in split_list(row.text("records")) {
                let parsed = item.split_once('@').and_then(|(k, d)| {
                    Some(Record {
                        kind: RecordKind::parse(k.trim())?,
                        date: table::parse_date(d.trim())?,
                    })
                });
                match parsed {
                Some(r) => records.push(r),
                None => row.error(
                    diags,
                    "records",
                    format!("expected kind@YYYY-MM-DD with kind one of violation, dishonest, annual_review_failed, illegal_org_list, abnormal_business_list, evaluation_bad_record; found {item:?}"),
                ),
            }
            }
            if let (Some(staff), Some(q)) = (staff, qualified) {
                if q > staff {
                    row.warning(
                        diags,
                        "qualified_staff",
                        format!("{q} qualified staff is more than the {staff} full-time staff"),
                    );
                }
            }
            let (
                Some(id),
                Some(name),
                Some(credit_code),
                Some(prefecture),
                Some(entity_type),
                Some(staff),
                Some(qualified),
                Some(total),
                Some(office),
            ) = (
                id,
                name,
                credit_code,
                prefecture,
                entity_type,
                staff,
                qualified,
                total,
                office,
            )
            else {
                return;
            };
            if names.institution(id).is_some() {
                row.error(diags, "id", format!("duplicate institution id {id}"));
                return;
            }
            names.add_institution(id, out.len());
            out.push(Institution {
                id: id.to_string(),
                name: name.to_string(),
                credit_code: credit_code.to_string(),
                prefecture,
                entity_type,
                staff,
                qualified_staff: qualified,
                total_area_m2: total,
                office_area_m2: office,
                records,
            });
        },
    );
    out
}

pub(super) fn resolve_institution(
    row: &Row,
    diags: &mut Diagnostics,
    names: &Names,
    column: &str,
) -> Option<usize> {
    let id = row.required(diags, column)?;
    let found = names.institution(id);
    if found.is_none() && names.institutions_incomplete {
        *names
            .skipped
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(row.file.to_string())
            .or_default() += 1;
    } else if found.is_none() {
        row.error(
            diags,
            column,
            format!("unknown institution {id:?} (not in institutions.csv)"),
        );
    }
    found
}

pub(super) fn read_rooms(folder: &Folder, diags: &mut Diagnostics, names: &Names) -> Vec<Room> {
    let mut out: Vec<Room> = Vec::new();
    let mut seen = HashSet::default();
    read_table(folder, "rooms", &columns::ROOMS, diags, |row, diags| {
        let institution = resolve_institution(row, diags, names, "institution_id");
        let room_id = row.key(diags, "room_id");
        let seats_text = row.text("seats");
        let seats = match seats_text.parse::<i64>() {
            Ok(s) if s > 0 && s <= i64::from(ticket::MAX_SEATS) => Some(s as u32),
            Ok(s) if s > 0 => {
                row.error(
                    diags,
                    "seats",
                    format!(
                        "a room of {s} seats is not a computer exam room (at most {})",
                        ticket::MAX_SEATS
                    ),
                );
                None
            }
            Ok(s) => {
                row.error(diags, "seats", format!("seats must be positive, found {s}"));
                None
            }
            Err(_) => {
                row.error(
                    diags,
                    "seats",
                    format!("expected a whole number of seats, found {seats_text:?}"),
                );
                None
            }
        };
        let camera = row.parse_u32(diags, "camera_p");
        let (Some(institution), Some(room_id), Some(seats), Some(camera_p)) =
            (institution, room_id, seats, camera)
        else {
            return;
        };
        if !seen.insert((institution, room_id.to_string())) {
            row.error(
                diags,
                "room_id",
                format!(
                    "duplicate room {room_id} of institution {}",
                    row.text("institution_id")
                ),
            );
            return;
        }
        out.push(Room {
            institution,
            room_id: room_id.to_string(),
            seats,
            camera_p,
        });
    });
    out
}
