#!/usr/bin/env bash
# Tests the shipped Slurm files on a real Slurm: a one-node cluster on localhost in a private temporary folder
# (munged, slurmctld and slurmd on free ports; nothing of the machine's own Slurm or munge is touched), then
# bench/slurm/submit.sh submits bench/slurm/sweep.sbatch in CPU mode (--gres=none, DEVICES=cpu) on
# bench/slurm/tiny-sweep.yaml: SHARDS array tasks and the dependent merge. While task 0 runs it gets the time-limit
# warning (USR1 to its batch shell, as --signal=B:USR1 sends it) once it has committed a batch and is in the first half
# of the next one's training (the tasks checkpoint every epoch), so it stops, requeues itself and resumes mid-batch. At the end the merged folder's CSVs and report.md must equal, byte for byte, those of one
# unsharded `gpuprelu sweep` of the same config.
# Prints PASS or FAIL (exit 0 or 1; 2 when it cannot run). Always stops the daemons and jobs it started.
# Needs root (apt-get install slurm-wlm munge when missing, daemons as root) and the .NET SDK.
# Usage: bench/slurm/local-cluster.sh      env: SHARDS (2), GPUPRELU (default: builds src/GpuPRelu.Cli, Debug),
#        KEEP=1 keeps the temporary folder (it is kept anyway on FAIL).
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
export PATH="$PATH:/usr/sbin:/sbin"
say() { echo "local-cluster: $*"; }
t0=$SECONDS
phase_start=$SECONDS
timings=()
phase() { timings+=("$1 $((SECONDS - phase_start)) s"); phase_start=$SECONDS; }

# ---- Slurm and munge ----
if [ "$(id -u)" -ne 0 ]; then say "needs root (apt-get, and slurmd runs jobs as root here)"; exit 2; fi
missing=0
for c in munged mungekey slurmctld slurmd sbatch squeue scontrol scancel sinfo; do
  command -v "$c" > /dev/null || missing=1
done
if [ "$missing" = 1 ]; then
  say "installing slurm-wlm and munge"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends slurm-wlm munge > /dev/null
fi
phase install

# ---- gpuprelu ----
if [ -z "${GPUPRELU:-}" ]; then
  dotnet build src/GpuPRelu.Cli -c Debug -v quiet -nologo > /dev/null
  GPUPRELU="dotnet $repo/src/GpuPRelu.Cli/bin/Debug/net10.0/gpuprelu.dll"
fi
read -ra tool <<< "$GPUPRELU"
phase build

# ---- the cluster, in a private folder ----
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gpuprelu-slurm.XXXXXX")
chmod 755 "$tmp"   # munged wants the folder of its socket open to all
mkdir -m 700 "$tmp/munge"
mkdir "$tmp/state" "$tmp/spool" "$tmp/log"
conf="$tmp/slurm.conf"
export SLURM_CONF="$conf"   # for sbatch, squeue, … and inherited by the daemons and the jobs
ctld_pid='' slurmd_pid='' munged_pid='' verdict=FAIL

# The processes of this cluster: the daemons, job steps and jobs, whose environment holds our SLURM_CONF (this shell's
# own environment is the one it started with). Bash builtins only, so the scan does not find itself.
cluster_pids() {
  local p e
  for p in /proc/[0-9]*; do
    while IFS= read -r -d '' e; do
      if [ "$e" = "SLURM_CONF=$conf" ]; then echo "${p#/proc/}"; break; fi
    done 2> /dev/null < "$p/environ"
  done
}
cleanup() {
  set +e
  if [ -n "$ctld_pid" ]; then
    scancel --quiet --partition=local 2> /dev/null
    for _ in $(seq 30); do [ -z "$(squeue -h 2> /dev/null)" ] && break; sleep 1; done
  fi
  [ -n "$slurmd_pid" ] && kill "$slurmd_pid" 2> /dev/null && wait "$slurmd_pid" 2> /dev/null
  [ -n "$ctld_pid" ] && kill "$ctld_pid" 2> /dev/null && wait "$ctld_pid" 2> /dev/null
  [ -n "$munged_pid" ] && kill "$munged_pid" 2> /dev/null && wait "$munged_pid" 2> /dev/null
  local left
  export -n SLURM_CONF
  mapfile -t left < <(cluster_pids)
  if [ ${#left[@]} -gt 0 ]; then say "stopping leftover processes of this cluster: ${left[*]}"; kill -9 "${left[@]}" 2> /dev/null; fi
  if [ "$verdict" = PASS ] && [ "${KEEP:-0}" != 1 ]; then rm -rf "$tmp"; else say "kept $tmp (logs in $tmp/log)"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# two free ports (nothing answers on them), away from Slurm's own 6817/6818
port_free() { ! (exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null; }
ctld_port=
for p in $(shuf -i 20000-59998 -n 40); do
  if port_free "$p" && port_free $((p + 1)); then ctld_port=$p; break; fi
done
[ -n "$ctld_port" ] || { say "no free pair of ports"; exit 2; }

mungekey --create --keyfile="$tmp/munge/munge.key"
munged -F --key-file="$tmp/munge/munge.key" --socket="$tmp/munge.sock" --pid-file="$tmp/munged.pid" \
  --log-file="$tmp/log/munged.log" --seed-file="$tmp/munge/munged.seed" >> "$tmp/log/munged.out" 2>&1 &
munged_pid=$!
for _ in $(seq 50); do munge --socket="$tmp/munge.sock" --no-input > /dev/null 2>&1 && break; sleep 0.1; done

host=$(hostname); host=${host%%.*}
node=$(slurmd -C | head -1)   # NodeName=<host> CPUs=… Boards=… SocketsPerBoard=… CoresPerSocket=… ThreadsPerCore=… RealMemory=…
cat > "$conf" << EOF
ClusterName=gpuprelu-local
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$((ctld_port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
# cred_expire is also how long a requeued job waits before it starts again (default 120 s)
AuthInfo=socket=$tmp/munge.sock,cred_expire=5
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/log/slurmctld.log
SlurmdLogFile=$tmp/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=2,bf_interval=1
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
KillWait=10
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=local Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
slurmctld -D -c -f "$conf" >> "$tmp/log/slurmctld.out" 2>&1 &
ctld_pid=$!
slurmd -D -f "$conf" >> "$tmp/log/slurmd.out" 2>&1 &
slurmd_pid=$!
state=
for _ in $(seq 60); do
  state=$(sinfo -h -N -o %T 2> /dev/null || true)
  [ "$state" = idle ] && break
  sleep 1
done
if [ "$state" != idle ]; then
  say "the node did not come up (state '$state')"; tail -n 20 "$tmp"/log/*; exit 1
fi
say "cluster up: $(sinfo -V), $(munged -V 2>&1 | head -1 | cut -d' ' -f1); $node, ports $ctld_port/$((ctld_port + 1)), in $tmp"
phase cluster

# ---- the shipped sbatch file, through submit.sh ----
shards=${SHARDS:-2}
out="$tmp/run"
config="$repo/bench/slurm/tiny-sweep.yaml"
ids=$(CONFIG="$config" OUT="$out" SHARDS="$shards" GPUPRELU="$GPUPRELU" DEVICES=cpu SWEEP_ARGS="--checkpoint-minutes 0" \
  bench/slurm/submit.sh --gres=none --cpus-per-task=1 --time=10)
array=$(echo "$ids" | sed -n 1p)
merge=$(echo "$ids" | sed -n 2p)
say "submitted array job $array ($shards tasks) and merge job $merge"

job_state() { scontrol show job "$1" 2> /dev/null | grep -oE 'JobState=[A-Z_]+' | head -1 | cut -d= -f2; }
# the time-limit warning for task 0 once its ledger records a committed batch and the next batch has checkpointed an
# epoch in the first half of its training: the restart must resume a half-done shard from a half-done batch
ledger="$out/shards/0-of-$shards/ledger.jsonl"
checkpoints="$out/shards/0-of-$shards/checkpoints"
epochs=$(sed -n 's/^epochs: *\([0-9]*\).*/\1/p' "$config")
early_checkpoint() {
  local e
  e=$(cat "$checkpoints"/*/checkpoint.json 2> /dev/null | sed -n 's/.*"epoch": *\([0-9]*\).*/\1/p' | head -1)
  [ -n "$e" ] && [ "$e" -ge 1 ] && [ $((2 * e)) -le "$epochs" ]
}
signalled=0
for _ in $(seq 3000); do
  if [ -s "$ledger" ] && early_checkpoint && [ "$(job_state "${array}_0")" = RUNNING ]; then
    scancel --batch --signal=USR1 "${array}_0" && signalled=1
    break
  fi
  [ -z "$(squeue -h -j "${array}_0" 2> /dev/null)" ] && break
  sleep 0.05
done
[ "$signalled" = 1 ] && say "sent the time-limit warning (USR1) to task ${array}_0"

deadline=$((SECONDS + 900))
while [ -n "$(squeue -h 2> /dev/null)" ]; do
  if [ $SECONDS -gt $deadline ]; then say "jobs still queued after 15 min:"; squeue; exit 1; fi
  sleep 1
done
phase jobs

failures=()
for ((i = 0; i < shards; i++)); do
  s=$(job_state "${array}_$i")
  [ "$s" = COMPLETED ] || failures+=("task ${array}_$i ended $s")
done
s=$(job_state "$merge")
[ "$s" = COMPLETED ] || failures+=("merge job $merge ended $s")
task0_log="$out/slurm-gpuprelu-sweep-${array}_0.out"
if [ "$signalled" != 1 ]; then
  failures+=("task 0 ended before it could be sent the time-limit warning")
elif ! grep -q 'restart 1,' "$task0_log" 2> /dev/null; then
  failures+=("task 0 did not run again after the time-limit warning")
elif [ -n "$(grep -o '"batch":"[^"]*"' "$ledger" | sort | uniq -d)" ]; then
  failures+=("task 0 ran a batch again that it had committed before the requeue")
else
  resumed=$(cat "$out"/shards/0-of-"$shards"/batches/b*/batch.json | grep -oE '"(batch|resumed_from_epoch)":[^,}]*' |
    paste -d' ' - - | tr -d '"' | tr '\n' ' ')
  say "task 0's batches, and the epoch each training started from: $resumed"
  grep -qE 'resumed_from_epoch:[1-9]' <<< "$resumed" ||
    failures+=("no batch of task 0 resumed its training from a checkpoint after the requeue")
fi

# ---- the same sweep, unsharded ----
"${tool[@]}" sweep --config "$config" --out "$tmp/single" --devices cpu > "$tmp/log/single.out" 2>&1 ||
  failures+=("the unsharded sweep failed (see $tmp/log/single.out)")
phase unsharded

csvs() { (cd "$1" && find . -maxdepth 1 -type f \( -name '*.csv' -o -name report.md \) | sort); }
if [ -d "$out/merged" ] && [ -d "$tmp/single" ]; then
  if [ "$(csvs "$out/merged")" != "$(csvs "$tmp/single")" ]; then
    failures+=("the merged folder and the unsharded one hold different sets of files")
  elif [ -z "$(csvs "$tmp/single")" ]; then
    failures+=("the unsharded sweep wrote no CSV")
  else
    n=0
    for f in $(csvs "$tmp/single"); do
      if cmp -s "$tmp/single/$f" "$out/merged/$f"; then n=$((n + 1)); else failures+=("$f differs"); fi
    done
    say "$n files identical: $(csvs "$tmp/single" | tr '\n' ' ')"
  fi
else
  failures+=("no merged folder ($out/merged) or no unsharded one")
fi

say "times: ${timings[*]/%/;} total $((SECONDS - t0)) s"
if [ ${#failures[@]} -eq 0 ]; then
  verdict=PASS
  say "PASS: $shards Slurm array tasks (one requeued and resumed) + merge == the unsharded sweep, byte for byte"
  exit 0
fi
for f in "${failures[@]}"; do say "  $f"; done
for f in "$out"/slurm-*.out; do [ -f "$f" ] && { echo "---- $f"; tail -n 15 "$f"; }; done
say "FAIL"
exit 1
