#!/usr/bin/env bash
# Runs the whole test suite (installing build tools, and Debian's chromium for the report test,
# first on a fresh machine): exactly `cargo test --all-targets`, which .ci/run calls too.
set -euo pipefail
cd "$(dirname "$0")/.."
export EXAM_PLANNER_NEEDS_CHROMIUM=1
source scripts/setup.sh
cargo test --all-targets "$@"
