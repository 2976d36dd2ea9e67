#!/usr/bin/env bash
# Installs what a fresh Debian machine lacks to build and test exam-planner, and nothing else:
# cmake and libclang-dev (highs-sys compiles HiGHS from source and generates its bindings) and,
# for the report and the server's page tests, Debian's chromium and chromium-driver. Sourced by
# scripts/plan-reference.sh and scripts/test.sh; safe to run again (it installs only what is
# missing).
set -euo pipefail
need=()
command -v cmake >/dev/null 2>&1 || need+=(cmake)
dpkg -s libclang-dev >/dev/null 2>&1 || need+=(libclang-dev)
if [ "${EXAM_PLANNER_NEEDS_CHROMIUM:-0}" = 1 ]; then
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]} (apt-get)…" >&2
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update
  $sudo_cmd apt-get install -y --no-install-recommends "${need[@]}"
fi
