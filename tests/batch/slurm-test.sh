#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The Slurm job-array script (tools/batch/slurm-array.sh) on a real single-node Slurm started here (root, no
# systemd: munged, slurmctld and slurmd run from a temporary folder on high ports and are stopped by their pid
# files): 20 images in 4 shards give the bytes of a one-process run; then one array task is cancelled while it
# runs, the array is submitted again, and every output exists once, whole, with one JSON line per input.
#
#   bash tests/batch/slurm-test.sh BUILD_DIR
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/batch/common.sh
build=$(realpath "${1:?usage: $0 BUILD_DIR}")
atelier=$build/cli/atelier
((EUID == 0)) || fail "starts Slurm's daemons: run as root"
for program in munged mungekey slurmctld slurmd sbatch squeue scancel sinfo jq; do
  command -v "$program" > /dev/null || fail "$program is missing: bash scripts/setup-debian.sh installs it"
done

work=$(mktemp -d)
# munged refuses a socket in a folder that others cannot enter, which is what mktemp makes.
chmod 755 "$work"
stop_daemons() {
  local pid_file pid
  for pid_file in "$work"/slurmd.pid "$work"/slurmctld.pid "$work"/munged.pid; do
    [[ -f $pid_file ]] || continue
    pid=$(cat "$pid_file")
    kill "$pid" 2> /dev/null || true
    # They linger a moment after the signal; wait so that the next start finds the ports free.
    for _ in $(seq 50); do kill -0 "$pid" 2> /dev/null || break; sleep 0.1; done
  done
  rm -rf "$work"
}
trap stop_daemons EXIT

echo "--- starting munged, slurmctld, slurmd in $work"
mungekey --create --keyfile="$work/munge.key"
munged --force --socket="$work/munge.socket" --pid-file="$work/munged.pid" --key-file="$work/munge.key" \
  --log-file="$work/munged.log" --seed-file="$work/munged.seed"
node=$(hostname -s)
memory=$(($(free -m | awk '/^Mem:/ { print $2 }') - 256))
# High ports of this run's own, so that two runs on one machine (two CI jobs) do not meet.
port=$((20000 + ($$ % 5000) * 2))
mkdir -p "$work/state" "$work/spool"
cat > "$work/slurm.conf" << CONF
ClusterName=atelier-ci
SlurmctldHost=$node
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$work/munge.socket
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
NodeName=$node Sockets=1 CoresPerSocket=2 ThreadsPerCore=1 RealMemory=$memory State=UNKNOWN
PartitionName=ci Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$work/slurm.conf
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
for _ in $(seq 100); do
  [[ $(sinfo -h -n "$node" -o %t 2> /dev/null) == idle ]] && break
  sleep 0.2
done
[[ $(sinfo -h -n "$node" -o %t) == idle ]] || { tail "$work"/*.log; fail "the node never became idle"; }

echo "--- catalogue of $IMAGES images and the one-process reference"
make_catalogue "$build" "$work"
reference_run "$atelier" "$work"
export ATELIER=$atelier
submit() { # OUTPUT_DIR [sbatch options...]: the array of 4 shards, as docs/batch.md submits it
  local out=$1
  shift
  sbatch --parsable --array=0-3 --cpus-per-task=1 --chdir="$work" --output="$work/task-%A_%a.log" "$@" \
    tools/batch/slurm-array.sh "$work/list.txt" "$out" "${FILTER[@]}"
}
wait_for() { # JOB: until none of its tasks is pending or running
  for _ in $(seq 900); do
    [[ -z $(squeue -h -j "$1" 2> /dev/null) ]] && return 0
    sleep 0.2
  done
  fail "job $1 did not finish"
}

echo "--- 4 shards as a job array: the same bytes as one process"
job=$(submit "$work/array")
wait_for "$job"
check_identical "$work" "$work/array"

echo "--- task 1 cancelled while it runs, then the array submitted again"
job=$(submit "$work/resumed")
lines=$work/resumed/.atelier-batch/shard-1-of-4.jsonl
for _ in $(seq 600); do
  [[ -s $lines ]] && break
  sleep 0.05
done
[[ -s $lines ]] || fail "task 1 never finished an image"
scancel "${job}_1"
wait_for "$job"
finished=$(wc -l < "$lines")
((finished < IMAGES / 4)) || fail "task 1 finished all its images before it was cancelled: nothing to resume"
state=$(scontrol show job "${job}_1" | grep -o 'JobState=[A-Z]*')
[[ $state == JobState=CANCELLED ]] || fail "task 1 is $state, not cancelled"
# What the cancelled task left: whole outputs of the reference's bytes only, no file half written.
for output in "$work"/resumed/*.png; do
  cmp -s "$output" "$work/reference/$(basename "$output")" || fail "$output was left half written"
done
job=$(submit "$work/resumed")
wait_for "$job"
check_identical "$work" "$work/resumed"
skipped=$(jq -r 'select(.status == "skipped") | .input' "$lines" | wc -l)
((skipped == finished)) || fail "the resubmitted task 1 skipped $skipped images, not the $finished it had finished"
echo "--- Slurm's own cost per array (docs/batch.md): 4 tasks with nothing to do"
: > "$work/empty.txt"
start=$(date +%s%N)
job=$(sbatch --parsable --array=0-3 --chdir="$work" --output=/dev/null tools/batch/slurm-array.sh "$work/empty.txt" \
  "$work/empty" "${FILTER[@]}")
wait_for "$job"
echo "an array of 4 empty tasks ran in $((($(date +%s%N) - start) / 1000000)) ms from sbatch to the queue's end"
echo "slurm-test: passed (task 1 cancelled after $finished of $((IMAGES / 4)) images, resumed)"
