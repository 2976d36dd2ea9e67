"""Would pairs of papers that cannot share a slot at one institution bound the deferred? (F8)

Two papers whose pinned registrations at one institution exceed its staffed seats together
overflow there when they share a slot. A clique of m > T such papers leaves at least
min(m - T, T) slots holding two of them, each an overflow at a different (institution, slot),
so the overflow is at least that many times the clique's least pair overflow. Prints the
largest clique at each threshold.

    python3 scripts/probes/clique_bound.py CASE     (needs networkx)
"""
import collections
import sys

import networkx as nx

from capacity import rows, staffed_seats

case = sys.argv[1]
slots = sum(1 for _ in rows(f"{case}/sessions.csv"))
seats = staffed_seats(case)
pinned = collections.Counter()
for r in rows(f"{case}/candidates.csv"):
    if r["institution_id"] in seats:
        pinned[(r["occupation"], r["work_type"], r["level"]), r["institution_id"]] += 1
at = collections.defaultdict(dict)
for (p, i), n in pinned.items():
    at[i][p] = n
floor = sum(max(0, n - seats[i]) for (p, i), n in pinned.items())
pair = {}
for i, papers in at.items():
    s, ps = seats[i], sorted(papers)
    for a in range(len(ps)):
        for b in range(a + 1, len(ps)):
            w = min(papers[ps[a]], s) + min(papers[ps[b]], s) - s
            if w > 0:
                pair[ps[a], ps[b]] = max(pair.get((ps[a], ps[b]), 0), w)
print(f"{sum(pinned.values())} pinned, single-paper floor {floor}, {len(pair)} overflowing pairs")
for least in [1, 20, 50, 100, 200, 400]:
    g = nx.Graph()
    g.add_edges_from(k for k, w in pair.items() if w >= least)
    clique = max(nx.find_cliques(g), key=len, default=[])
    print(f"pairs >= {least}: largest clique {len(clique)}, adds >= {max(0, min(len(clique) - slots, slots)) * least}")
