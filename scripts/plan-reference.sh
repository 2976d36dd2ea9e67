#!/usr/bin/env bash
# Plans the Hunan reference case in data/hunan into plan-2026Q3/ (installing build tools first
# on a fresh machine). Extra arguments go to `exam-planner plan`, e.g. --time-limit 60.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
cargo run --release -- plan data/hunan --out plan-2026Q3 "$@"
