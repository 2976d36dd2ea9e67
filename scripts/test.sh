#!/usr/bin/env bash
# Runs the whole test suite (installing build tools first on a fresh machine): exactly
# `cargo test --all-targets`, which .ci/run calls too.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
cargo test --all-targets "$@"
