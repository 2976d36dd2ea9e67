"""How far is a plan's timetable from what a plain annealing finds, on the pinned load alone?

The surrogate: each paper one slot; at each institution and slot, the pinned registrations
(institution_id given) beyond its staffed seats overflow; plus one per pair of a person's
registrations sharing a slot. It ignores unpinned candidates and travel, so it measures the
timetable's packing only. Prints the plan's value, the single-paper floor, and the best an
annealing (fixed seed, ITERATIONS moves from the plan's timetable) reaches.

    python3 scripts/probes/f8_surrogate.py CASE PLAN_DIR [SEED] [ITERATIONS]   (needs numpy)
"""
import collections
import sys

import numpy as np

from capacity import rows, staffed_seats

case, plan = sys.argv[1], sys.argv[2]
seed = int(sys.argv[3]) if len(sys.argv) > 3 else 0
iterations = int(sys.argv[4]) if len(sys.argv) > 4 else 300000
timetable = list(rows(f"{plan}/timetable.csv"))
slots = sorted({(r["date"], r["start"]) for r in rows(f"{case}/sessions.csv")})
T = len(slots)
paper = {(r["occupation"], r["work_type"], r["level"]): k for k, r in enumerate(timetable)}
start = np.array([slots.index((r["date"], r["start"])) for r in timetable])
seats = staffed_seats(case)
insts = sorted(seats)
col = {i: k for k, i in enumerate(insts)}
P, I = len(timetable), len(insts)
N = np.zeros((P, I))
person = collections.defaultdict(list)
for r in rows(f"{case}/candidates.csv"):
    p = paper.get((r["occupation"], r["work_type"], r["level"]))
    if p is None:
        continue
    person[r["id_number"]].append(p)
    if r["institution_id"] in col:
        N[p, col[r["institution_id"]]] += 1
C = np.zeros((P, P))
for ps in person.values():
    for a in ps:
        for b in ps:
            if a != b:
                C[a, b] += 1
np.fill_diagonal(C, 0)  # a duplicate registration of one paper is no clash between papers
S = np.array([seats[i] for i in insts], dtype=float)


def value(slot):
    load = np.zeros((T, I))
    for p in range(P):
        load[slot[p]] += N[p]
    clashes = sum(C[p][slot == slot[p]].sum() for p in range(P)) / 2
    return np.maximum(0, load - S).sum(), clashes, load


over, clashes, load = value(start)
print(f"staffed seats {S.sum():.0f}; single-paper floor {np.maximum(0, N - S).sum():.0f}")
print(f"plan: overflow {over:.0f} + clashing pairs {clashes:.0f} = {over + clashes:.0f}")
rng = np.random.default_rng(seed)
slot, now, temp = start.copy(), over + clashes, 50.0
best = now
for _ in range(iterations):
    p, t = rng.integers(P), rng.integers(T)
    s = slot[p]
    if t == s:
        continue
    d = (np.maximum(0, load[s] - N[p] - S) - np.maximum(0, load[s] - S)).sum()
    d += (np.maximum(0, load[t] + N[p] - S) - np.maximum(0, load[t] - S)).sum()
    d += C[p][slot == t].sum() - C[p][slot == s].sum()
    if d <= 0 or rng.random() < np.exp(-d / temp):
        load[s] -= N[p]
        load[t] += N[p]
        slot[p] = t
        now += d
        best = min(best, now)
    temp = max(0.5, temp * 0.99997)
over, clashes, _ = value(slot)
print(f"annealed, last: overflow {over:.0f} + clashing pairs {clashes:.0f} = {over + clashes:.0f}")
print(f"annealed, best seen on the way: {best:.0f}")
