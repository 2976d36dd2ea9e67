//! One institution at one slot during a replan: kept seats stay exactly where they are, and
//! every other registration takes the free seat that costs the fewest extra invigilators.
//!
//! A room's invigilators grow by one per `candidates_per_invigilator` candidates once it is
//! open, and opening a room costs `min_invigilators_per_room`; both rates are the same per
//! candidate, so filling open rooms first and then opening the largest closed room, seat by
//! seat, seats as many as the staff allows. [`Site::capacity`] is exactly what
//! [`Site::place`] can then seat, so a load within it always finds seats.

use crate::case::{Case, Policy};
use std::collections::BTreeSet;

#[derive(Debug, Clone)]
struct RoomState {
    room: usize,
    seats: u32,
    taken: BTreeSet<u32>,
    /// No free seat below this number (seats are only taken while placing).
    cursor: u32,
}

/// The rooms of one institution at one slot and the seats already taken.
#[derive(Debug, Clone)]
pub struct Site {
    rooms: Vec<RoomState>,
    staff: u32,
    policy: Policy,
    /// Invigilators the open rooms need now.
    used: u32,
    /// Kept seats whose holder left this site: taken while the capacity was counted, so
    /// [`Site::place`] gives them out first, each exactly where it is (the room's head count
    /// and invigilators stay as counted). Last in the list is given first.
    vacated: Vec<(usize, u32)>,
}

impl Site {
    /// The institution's rooms (largest first, then by id) with the `kept` (room, seat) taken.
    pub fn new(case: &Case, institution: usize, kept: &[(usize, u32)]) -> Site {
        let mut rooms: Vec<RoomState> = case
            .rooms
            .iter()
            .enumerate()
            .filter(|(_, r)| r.institution == institution)
            .map(|(k, r)| RoomState {
                room: k,
                seats: r.seats,
                taken: BTreeSet::new(),
                cursor: 1,
            })
            .collect();
        rooms.sort_by(|a, b| {
            b.seats
                .cmp(&a.seats)
                .then_with(|| case.rooms[a.room].room_id.cmp(&case.rooms[b.room].room_id))
        });
        for &(room, seat) in kept {
            if let Some(r) = rooms.iter_mut().find(|r| r.room == room) {
                r.taken.insert(seat);
            }
        }
        let policy = case.policy.clone();
        let used = rooms
            .iter()
            .map(|r| policy.invigilators_for(r.taken.len() as u32))
            .sum();
        Site {
            rooms,
            staff: case.institutions[institution].staff,
            policy,
            used,
            vacated: Vec::new(),
        }
    }

    /// The site as its capacity was counted, with every kept seat taken (`kept`), where the
    /// holders of `leaving` (some of `kept`) went elsewhere: their seats are dealt first. A
    /// load within [`Site::capacity`] of `Site::new(kept)` therefore always finds seats, even
    /// when seat-by-seat placing from fewer taken seats would open the rooms less well.
    pub fn vacating(
        case: &Case,
        institution: usize,
        kept: &[(usize, u32)],
        leaving: &[(usize, u32)],
    ) -> Site {
        let mut site = Site::new(case, institution, kept);
        let mut vacated: Vec<(usize, u32)> = leaving
            .iter()
            .filter_map(|&(room, seat)| {
                let k = site.rooms.iter().position(|r| r.room == room)?;
                site.rooms[k].taken.contains(&seat).then_some((k, seat))
            })
            .collect();
        // given out in room order (largest first), then seat order
        vacated.sort_unstable_by(|a, b| b.cmp(a));
        site.vacated = vacated;
        site
    }

    /// Do the staff cover the rooms the kept seats hold open?
    pub fn staffed(&self) -> bool {
        self.used <= self.staff
    }

    /// The room the next registration goes to: least extra invigilators, open rooms first,
    /// then the largest; `None` when seats or staff run out.
    fn next_room(&self) -> Option<usize> {
        let used = self.used;
        let mut best: Option<(u32, bool, usize)> = None;
        for (k, r) in self.rooms.iter().enumerate() {
            let n = r.taken.len() as u32;
            if n >= r.seats {
                continue;
            }
            let extra = self.policy.invigilators_for(n + 1) - self.policy.invigilators_for(n);
            if used + extra > self.staff {
                continue;
            }
            let key = (extra, n == 0, k);
            if best.is_none_or(|b| key < b) {
                best = Some(key);
            }
        }
        best.map(|b| b.2)
    }

    /// Seats one more registration: (room index into `case.rooms`, seat number), the lowest
    /// free seat of the chosen room.
    pub fn place(&mut self) -> Option<(usize, u32)> {
        if let Some((k, seat)) = self.vacated.pop() {
            return Some((self.rooms[k].room, seat));
        }
        let k = self.next_room()?;
        let r = &mut self.rooms[k];
        let n = r.taken.len() as u32;
        self.used += self.policy.invigilators_for(n + 1) - self.policy.invigilators_for(n);
        while r.taken.contains(&r.cursor) {
            r.cursor += 1;
        }
        let seat = r.cursor;
        r.taken.insert(seat);
        Some((r.room, seat))
    }

    /// How many the site can hold: those seated now and every further one `place` can seat.
    pub fn capacity(&self) -> u32 {
        let mut trial = self.clone();
        let mut n: u32 = trial.rooms.iter().map(|r| r.taken.len() as u32).sum();
        while trial.place().is_some() {
            n += 1;
        }
        n
    }
}
