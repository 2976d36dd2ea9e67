//! Rooms and invigilators inside one institution at one slot, in closed form.
//!
//! A room with n candidates needs max(min_invigilators, ⌈n / candidates_per_invigilator⌉)
//! invigilators and the institution has `staff` of them per slot. Opening the k largest rooms
//! always dominates opening any other k rooms, so a small dynamic programme over the k largest
//! rooms gives the most an institution can seat at one slot and the fewest rooms a load needs.

use crate::case::{Case, Policy};

/// One institution's rooms, largest first, and what each number of open rooms can seat.
#[derive(Debug, Clone)]
pub struct Venue {
    /// Room indices into `case.rooms`, by seats descending then room id.
    pub rooms: Vec<usize>,
    /// `best[k]`: the most candidates the k largest rooms can seat with the staff available.
    pub best: Vec<u32>,
    pub staff: u32,
}

impl Venue {
    pub fn new(case: &Case, institution: usize) -> Venue {
        let mut rooms: Vec<usize> = (0..case.rooms.len())
            .filter(|&r| case.rooms[r].institution == institution)
            .collect();
        rooms.sort_by(|&a, &b| {
            case.rooms[b]
                .seats
                .cmp(&case.rooms[a].seats)
                .then_with(|| case.rooms[a].room_id.cmp(&case.rooms[b].room_id))
        });
        let staff = case.institutions[institution].staff;
        let seats: Vec<u32> = rooms.iter().map(|&r| case.rooms[r].seats).collect();
        let best = (0..=seats.len())
            .map(|k| fill(&seats[..k], staff, &case.policy).map_or(0, |(load, _)| load))
            .collect();
        Venue { rooms, best, staff }
    }

    /// The most this institution can seat at one slot.
    pub fn capacity(&self) -> u32 {
        self.best.iter().copied().max().unwrap_or(0)
    }

    /// The fewest rooms that seat `load`; `None` if the load exceeds the capacity.
    pub fn rooms_needed(&self, load: u32) -> Option<usize> {
        if load == 0 {
            return Some(0);
        }
        self.best.iter().position(|&b| b >= load)
    }

    /// Seats per open room (largest rooms first) for `load` candidates, using the fewest rooms
    /// and then the fewest invigilators: `(room index, seated, invigilators)`.
    pub fn layout(&self, case: &Case, load: u32) -> Option<Vec<(usize, u32, u32)>> {
        let k = self.rooms_needed(load)?;
        let seats: Vec<u32> = self.rooms[..k]
            .iter()
            .map(|&r| case.rooms[r].seats)
            .collect();
        let policy = &case.policy;
        // the fewest invigilators that still seat `load` in these k rooms: one DP gives the most
        // each exact number of invigilators can seat
        let table = Table::new(&seats, self.staff, policy);
        let mut reach = 0;
        let budget = (0..table.best.len()).find(|&s| {
            reach = reach.max(table.best[s].unwrap_or(0));
            reach >= load
        })?;
        let (_, invigilators) = table.pick(budget)?;
        let mut loads: Vec<u32> = seats
            .iter()
            .zip(&invigilators)
            .map(|(&s, &v)| s.min(v * policy.candidates_per_invigilator))
            .collect();
        // take the surplus away from the smallest rooms, leaving each open room someone
        let mut surplus = loads.iter().sum::<u32>() - load;
        for l in loads.iter_mut().rev() {
            let take = surplus.min(l.saturating_sub(1));
            *l -= take;
            surplus -= take;
        }
        Some(
            self.rooms[..k]
                .iter()
                .zip(loads)
                .map(|(&r, n)| (r, n, policy.invigilators_for(n)))
                .collect(),
        )
    }
}

/// The most candidates `seats` (all rooms open) can hold with at most `staff` invigilators,
/// and the invigilators per room that achieve it; `None` if the rooms cannot all be staffed.
fn fill(seats: &[u32], staff: u32, policy: &Policy) -> Option<(u32, Vec<u32>)> {
    Table::new(seats, staff, policy).pick(staff as usize)
}

/// `best[s]`: the most seated in all the rooms with exactly s invigilators (None = impossible),
/// and each room's invigilators on the way there.
struct Table {
    best: Vec<Option<u32>>,
    choice: Vec<Vec<u32>>,
}

impl Table {
    fn new(seats: &[u32], staff: u32, policy: &Policy) -> Table {
        let cpi = policy.candidates_per_invigilator.max(1);
        let min = policy.min_invigilators_per_room;
        let staff = staff as usize;
        let mut best: Vec<Option<u32>> = vec![None; staff + 1];
        best[0] = Some(0);
        let mut choice: Vec<Vec<u32>> = Vec::with_capacity(seats.len());
        for &room in seats {
            let useful = min.max(room.div_ceil(cpi)) as usize;
            let mut next: Vec<Option<u32>> = vec![None; staff + 1];
            let mut pick = vec![0u32; staff + 1];
            for s in 0..=staff {
                for v in (min as usize)..=useful.min(s) {
                    if let Some(prev) = best[s - v] {
                        let value = prev + room.min(v as u32 * cpi);
                        if next[s].is_none_or(|n| value > n) {
                            next[s] = Some(value);
                            pick[s] = v as u32;
                        }
                    }
                }
            }
            best = next;
            choice.push(pick);
        }
        Table { best, choice }
    }

    /// The most seated with at most `budget` invigilators (fewest invigilators among equals),
    /// and the invigilators per room.
    fn pick(&self, budget: usize) -> Option<(u32, Vec<u32>)> {
        let (mut s, value) = self.best[..=budget.min(self.best.len() - 1)]
            .iter()
            .enumerate()
            .filter_map(|(s, v)| v.map(|v| (s, v)))
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))?;
        let mut invigilators = vec![0; self.choice.len()];
        for r in (0..self.choice.len()).rev() {
            invigilators[r] = self.choice[r][s];
            s -= self.choice[r][s] as usize;
        }
        Some((value, invigilators))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_limits_what_rooms_can_seat() {
        let p = Policy::default();
        // 15 staff at 1:15 seat at most 225, whatever the rooms
        assert_eq!(fill(&[200, 200], 15, &p).unwrap().0, 225);
        // one room of 240 with 16 staff seats all 240
        assert_eq!(fill(&[240], 16, &p).unwrap().0, 240);
        // two rooms need at least 4 invigilators
        assert!(fill(&[100, 100], 3, &p).is_none());
    }
}
