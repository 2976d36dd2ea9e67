#!/usr/bin/env bash
# Proves a refactor changes no output: runs the same commands with two exam-planner binaries
# (generate a case and a forecast, plan on data/hunan, on the generated case and on the forecast, plan --timetable, replan with and
# without changes, a what-if sweep, vet, spot-check, panels, exam-day, every --help) and compares every
# file written, timing fields (`*seconds*`, `*per_second*`, scenarios.csv's solve_seconds) left
# out. Usage: scripts/same-bytes.sh OLD_BINARY NEW_BINARY [WORK_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
old=$(realpath "$1"); new=$(realpath "$2"); work=${3:-$(mktemp -d)}
run() { # BIN OUT
  local bin=$1 r=$2
  rm -rf "$r"; mkdir -p "$r/help"
  "$bin" generate --out "$r/g1" --seed 5 --candidates 6000 2>/dev/null
  "$bin" generate --out "$r/gd" --seed 6 --candidates 3000 --demand-only 2>/dev/null
  "$bin" plan data/hunan --out "$r/hunan" >/dev/null 2>&1
  "$bin" plan "$r/g1" --out "$r/p1" >/dev/null 2>&1
  "$bin" plan "$r/gd" --out "$r/pd" >/dev/null 2>&1
  "$bin" plan "$r/g1" --timetable "$r/p1/timetable.csv" --out "$r/pt" >/dev/null 2>&1
  mkdir "$r/g1c"; cp -r "$r/g1/." "$r/g1c/"; rm -f "$r/g1c/SHA256SUMS"
  awk 'NR==1 || NR%17!=0' "$r/g1/candidates.csv" > "$r/g1c/candidates.csv"
  "$bin" replan "$r/g1c" --previous "$r/p1" --out "$r/r1" >/dev/null 2>&1
  "$bin" replan "$r/g1" --previous "$r/p1" --out "$r/r0" >/dev/null 2>&1
  "$bin" whatif "$r/g1" --sweep add-room:200 --out "$r/w1" --threads 2 >/dev/null 2>&1
  "$bin" vet data/hunan --out "$r/vet" >/dev/null 2>&1
  "$bin" spot-check data/hunan --seed 2026Q3 --rate 0.1 --out "$r/spot" >/dev/null 2>&1
  "$bin" panels data/hunan --out "$r/panels" >/dev/null 2>&1
  # on the old run's plan for both: a plan's summary.json holds timings, and exam-day records its hash
  "$bin" exam-day data/hunan --plan "$work/old/hunan" --seed 2026Q3 --out "$r/day" >/dev/null 2>&1
  for c in "" validate vet plan verify replan whatif whatif-merge compare panels spot-check exam-day attendance to-xlsx generate; do
    "$bin" $c --help 2>&1 | sed "s|$(basename "$bin")|exam-planner|" > "$r/help/${c:-exam-planner}.txt"
  done
}
run "$old" "$work/old"
run "$new" "$work/new"
bad=0; n=0
cd "$work/old"
while read -r f; do
  case $(basename "$f") in SHA256SUMS|whatif.xlsx) continue ;; esac # they hold timings' hashes
  n=$((n + 1))
  if [ ! -f "../new/$f" ]; then echo "missing: $f"; bad=1; continue; fi
  case $f in
    *.json) same() { diff -q <(grep -v 'seconds\|per_second' "$1") <(grep -v 'seconds\|per_second' "$2"); } ;;
    *scenarios.csv) same() { diff -q <(cut -d, -f1-11,13- "$1") <(cut -d, -f1-11,13- "$2"); } ;;
    *) same() { cmp -s "$1" "$2"; } ;;
  esac
  same "$f" "../new/$f" >/dev/null || { echo "differs: $f"; bad=1; }
done < <(find . -type f | sort)
extra=$(cd ../new && find . -type f | sort | while read -r f; do [ -f "../old/$f" ] || echo "$f"; done)
[ -z "$extra" ] || { echo "only in the new run: $extra"; bad=1; }
echo "$n files compared in $work: $([ $bad = 0 ] && echo 'all the same' || echo 'DIFFERENCES')"
exit $bad
