"""Shared by the probes: each institution's seats at one slot as its rooms and its staff allow.

A room opened with j invigilators (j >= min 2) holds min(seats, 15 j) candidates, and an
institution never has more invigilators at a slot than its staff (contract, rule 6).
"""
import collections
import csv


def rows(path):
    return csv.DictReader(open(path, encoding="utf-8-sig"))


def staffed_seats(case):
    staff = {r["id"]: int(r["staff"]) for r in rows(f"{case}/institutions.csv")}
    rooms = collections.defaultdict(list)
    for r in rows(f"{case}/rooms.csv"):
        rooms[r["institution_id"]].append(int(r["seats"]))
    seats = {}
    for i, sizes in rooms.items():
        budget = staff.get(i, 0)
        best = [0] * (budget + 1)  # best[b]: most candidates with b invigilators
        for size in sizes:
            nxt = best[:]
            for b in range(budget + 1):
                for j in range(2, b + 1):
                    nxt[b] = max(nxt[b], best[b - j] + min(size, 15 * j))
                    if 15 * j >= size:
                        break
            best = nxt
        seats[i] = max(best)
    return seats
