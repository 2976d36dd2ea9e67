//! Ticket numbers (准考证号): where a registration sits, and which version of the plan dealt it.
//!
//! A published ticket names one person for the whole quarter, so a ticket number must never
//! be dealt twice: not when the case's rows are reordered, not when an institution leaves, not
//! when a withdrawn candidate's seat goes to someone else. Two choices give that:
//!
//! - every code in the ticket is a *rank by identifier*, never a position in an input file:
//!   the institution is its rank among the case's institution ids, the room its rank among its
//!   institution's room ids, the slot its rank among the sessions by date, start and end;
//! - the last two digits are the plan version that dealt the seat (`00` for `plan`, `01` for
//!   the first `replan`, …). A replan keeps every kept ticket as it was and deals every other
//!   seat under its own version, so a new ticket can equal no ticket any earlier version
//!   published, even when it is the very seat a withdrawn candidate held.
//!
//! Layout (22 digits): `QQQQQ PPPP IIII SS RR NNN VV` — quarter (`20263`), venue prefecture
//! code, institution, slot, room, seat, version. README ("Ticket numbers") says the same.

use crate::case::Case;

/// Digits of each part of a ticket number, in order.
pub const QUARTER_DIGITS: usize = 5;
pub const PREFECTURE_DIGITS: usize = 4;
pub const INSTITUTION_DIGITS: usize = 4;
pub const SLOT_DIGITS: usize = 2;
pub const ROOM_DIGITS: usize = 2;
pub const SEAT_DIGITS: usize = 3;
pub const VERSION_DIGITS: usize = 2;
/// The length of every ticket number.
pub const LEN: usize = QUARTER_DIGITS
    + PREFECTURE_DIGITS
    + INSTITUTION_DIGITS
    + SLOT_DIGITS
    + ROOM_DIGITS
    + SEAT_DIGITS
    + VERSION_DIGITS;
/// The last plan version a ticket can carry: a quarter may be replanned 99 times.
pub const MAX_VERSION: u32 = 99;

/// The codes of one case's institutions and rooms (ranks by id, 1-based).
#[derive(Debug, Clone)]
pub struct Codes {
    institution: Vec<u32>,
    room: Vec<u32>,
    version: u32,
}

impl Codes {
    /// The codes of `case` for tickets dealt by plan version `version`.
    pub fn new(case: &Case, version: u32) -> Codes {
        let mut by_id: Vec<usize> = (0..case.institutions.len()).collect();
        by_id.sort_by(|&a, &b| case.institutions[a].id.cmp(&case.institutions[b].id));
        let mut institution = vec![0; by_id.len()];
        for (rank, &i) in by_id.iter().enumerate() {
            institution[i] = rank as u32 + 1;
        }
        let mut rooms: Vec<usize> = (0..case.rooms.len()).collect();
        rooms.sort_by(|&a, &b| {
            let (ra, rb) = (&case.rooms[a], &case.rooms[b]);
            (ra.institution, &ra.room_id).cmp(&(rb.institution, &rb.room_id))
        });
        let mut room = vec![0; rooms.len()];
        let mut previous: Option<usize> = None;
        let mut rank = 0;
        for &r in &rooms {
            let inst = case.rooms[r].institution;
            rank = if previous == Some(inst) { rank + 1 } else { 1 };
            previous = Some(inst);
            room[r] = rank;
        }
        Codes {
            institution,
            room,
            version,
        }
    }

    /// The plan version these codes deal tickets for.
    pub fn version(&self) -> u32 {
        self.version
    }

    /// Everything but the seat and the version, shared by a room's tickets at one slot.
    pub fn prefix(&self, case: &Case, institution: usize, slot: usize, room: usize) -> String {
        format!(
            "{}{}{:04}{:02}{:02}",
            case.quarter.digits(),
            case.prefectures[case.institutions[institution].prefecture].code,
            self.institution[institution],
            slot + 1,
            self.room[room],
        )
    }

    /// Writes a room's ticket prefix, the seat (3 digits) and the version (2 digits) into `out`
    /// without allocating: this runs once per seated candidate.
    pub fn write(&self, out: &mut String, prefix: &str, seat: u32) {
        out.clear();
        out.push_str(prefix);
        push_digits(out, seat, SEAT_DIGITS);
        push_digits(out, self.version, VERSION_DIGITS);
    }

    /// The whole ticket number of one seat.
    pub fn ticket(
        &self,
        case: &Case,
        institution: usize,
        slot: usize,
        room: usize,
        seat: u32,
    ) -> String {
        let mut t = String::with_capacity(LEN);
        self.write(&mut t, &self.prefix(case, institution, slot, room), seat);
        t
    }
}

/// The parts of a ticket number, for checking one read back from a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parts<'t> {
    pub quarter: &'t str,
    pub prefecture: &'t str,
    pub institution: &'t str,
    pub slot: &'t str,
    pub room: &'t str,
    pub seat: u32,
    pub version: u32,
}

/// Splits a ticket number into its parts; `None` unless it is [`LEN`] ASCII digits.
pub fn parse(ticket: &str) -> Option<Parts<'_>> {
    if ticket.len() != LEN || !ticket.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut at = 0;
    let mut take = |n: usize| {
        let s = &ticket[at..at + n];
        at += n;
        s
    };
    let quarter = take(QUARTER_DIGITS);
    let prefecture = take(PREFECTURE_DIGITS);
    let institution = take(INSTITUTION_DIGITS);
    let slot = take(SLOT_DIGITS);
    let room = take(ROOM_DIGITS);
    let seat = take(SEAT_DIGITS).parse().ok()?;
    let version = take(VERSION_DIGITS).parse().ok()?;
    Some(Parts {
        quarter,
        prefecture,
        institution,
        slot,
        room,
        seat,
        version,
    })
}

fn push_digits(out: &mut String, value: u32, width: usize) {
    let mut buf = [b'0'; 10];
    let mut v = value;
    for k in (0..width).rev() {
        buf[k] = b'0' + (v % 10) as u8;
        v /= 10;
    }
    out.push_str(std::str::from_utf8(&buf[..width]).expect("ASCII digits"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_are_padded_to_their_width() {
        let mut t = String::new();
        for (n, want) in [(7, "007"), (42, "042"), (120, "120"), (999, "999")] {
            t.clear();
            push_digits(&mut t, n, 3);
            assert_eq!(t, want);
        }
        t.clear();
        push_digits(&mut t, 3, 2);
        assert_eq!(t, "03");
    }

    #[test]
    fn a_ticket_parses_into_its_parts() {
        let t = "2026343010012030420701";
        assert_eq!(t.len(), LEN);
        let p = parse(t).unwrap();
        assert_eq!(
            p,
            Parts {
                quarter: "20263",
                prefecture: "4301",
                institution: "0012",
                slot: "03",
                room: "04",
                seat: 207,
                version: 1
            }
        );
        assert!(parse("20263430100120304207").is_none(), "too short");
        assert!(parse("2026343010012030420x01").is_none(), "not digits");
    }
}
