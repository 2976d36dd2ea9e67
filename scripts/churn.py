#!/usr/bin/env python3
"""Makes "the quarter as it stands now" from a case: a share of registrations withdrawn and
late registrations of new persons added (valid resident IDs), for measuring `replan`.

    scripts/churn.py CASE OUT [--withdraw 0.01] [--late 0.01] [--seed 1]

CASE is left as it is; OUT is a copy with candidates.csv changed. Same arguments, same bytes.
"""
import argparse, csv, random, shutil, pathlib

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK = "10X98765432"

def resident_id(rng, prefecture_code):
    body = f"{prefecture_code}01{rng.randint(1960, 2004)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    return body + CHECK[sum(int(d) * w for d, w in zip(body, WEIGHTS)) % 11]

def main():
    p = argparse.ArgumentParser()
    p.add_argument("case"); p.add_argument("out")
    p.add_argument("--withdraw", type=float, default=0.01)
    p.add_argument("--late", type=float, default=0.01)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    rng = random.Random(a.seed)
    out = pathlib.Path(a.out)
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(a.case, out)
    codes = {r["name"]: r["code"] for r in csv.DictReader(open(out / "prefectures.csv", encoding="utf-8-sig"))}
    with open(out / "candidates.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    head, body = rows[0], rows[1:]
    kept = [r for r in body if rng.random() >= a.withdraw]
    pref = head.index("prefecture")
    late = []
    for k in range(round(len(body) * a.late)):
        r = list(rng.choice(body))
        r[0] = f"L{k:07d}"
        r[1] = "迟报" + str(k)
        r[2] = resident_id(rng, codes.get(r[pref], "4301"))
        late.append(r)
    with open(out / "candidates.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(head); w.writerows(kept + late)
    print(f"{len(body) - len(kept)} withdrawn, {len(late)} late, {len(kept) + len(late)} registrations")

if __name__ == "__main__":
    main()
