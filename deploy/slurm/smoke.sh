#!/usr/bin/env bash
# Smoke test of the Slurm path on this machine: stands up a one-node Slurm from Debian's
# packages (slurm-wlm, munge), submits deploy/slurm/whatif-array.sbatch as a job array over a
# generated case, merges the parts and compares the result with a one-machine run. Needs root
# (it installs packages and starts munged, slurmctld and slurmd, which it stops at the end).
# Prints the wall times of both runs; exits non-zero if anything differs.
set -euo pipefail
cd "$(dirname "$0")/../.."
PARTS_N=${PARTS_N:-4}
work=$(mktemp -d /tmp/exam-slurm-smoke.XXXXXX)
# the binary: $EXAM_PLANNER, else a release build, else the debug build `cargo test` leaves
bin=${EXAM_PLANNER:-$PWD/target/release/exam-planner}
[ -x "$bin" ] || bin="$PWD/target/debug/exam-planner"
export DEBIAN_FRONTEND=noninteractive
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null
fi
[ -x "$bin" ] || { cargo build --release; bin="$PWD/target/release/exam-planner"; }
host=$(hostname -s)
cpus=$(nproc)
mem=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 1024 ))
mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm /run/munge
cat > /etc/slurm/slurm.conf <<CONF
ClusterName=smoke
SlurmctldHost=$host
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=smoke Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
[ -s /etc/munge/munge.key ] || { dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 2>/dev/null; }
chown munge:munge /etc/munge/munge.key /run/munge 2>/dev/null || true
chmod 400 /etc/munge/munge.key
# daemons of an earlier run would answer in place of this run's
pkill -x slurmd 2>/dev/null || true; pkill -x slurmctld 2>/dev/null || true
pkill -x munged 2>/dev/null || true; sleep 1
pids=()
cleanup() {
  scancel --user=root 2>/dev/null || true
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  pkill -f slurmstepd 2>/dev/null || true
  pkill -x munged 2>/dev/null || true
}
trap cleanup EXIT
runuser -u munge -- /usr/sbin/munged --force
slurmctld -D -i >"$work/slurmctld.out" 2>&1 & pids+=($!)
slurmd -D >"$work/slurmd.out" 2>&1 & pids+=($!)
for _ in $(seq 60); do sinfo -h -o %T 2>/dev/null | grep -qE 'idle|mix' && break; sleep 1; done
sinfo

"$bin" generate --out "$work/case" --seed 4 --candidates 3000 --weekends 1 >/dev/null 2>&1
args="--sweep add-room:120 --monte-carlo 8 --cv 0.2 --seed 3"
start=$(date +%s.%N)
# shellcheck disable=SC2086
"$bin" whatif "$work/case" $args --threads 2 --out "$work/one-machine" >/dev/null 2>&1
one=$(echo "$(date +%s.%N) - $start" | bc)

start=$(date +%s.%N)
job=$(CASE="$work/case" PARTS="$work/parts" WHATIF_ARGS="$args" EXAM_PLANNER="$bin" \
  sbatch --parsable --chdir="$work" --array=1-"$PARTS_N" --cpus-per-task=1 deploy/slurm/whatif-array.sbatch)
for _ in $(seq 600); do [ -z "$(squeue -h -j "$job" 2>/dev/null)" ] && break; sleep 1; done
"$bin" whatif-merge "$work"/parts/part-* --out "$work/merged" >/dev/null
array=$(echo "$(date +%s.%N) - $start" | bc)

for f in capacity_value.csv monte_carlo.csv report.html; do
  cmp "$work/one-machine/$f" "$work/merged/$f"
done
diff <(cut -d, -f1-11,13- "$work/one-machine/scenarios.csv") <(cut -d, -f1-11,13- "$work/merged/scenarios.csv")
echo "slurm smoke: ${PARTS_N} array tasks merged to the one-machine files (timings aside)"
printf 'one machine: %.1f s; job array with merge: %.1f s\n' "$one" "$array"
