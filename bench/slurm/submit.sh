#!/usr/bin/env bash
# Submits a gpuprelu sweep to Slurm: the job array of bench/slurm/sweep.sbatch (one task per shard), then the merge
# as a job that starts only when every task has ended with exit code 0 (--dependency=afterok:<array job id>).
# Usage: [CONFIG=… OUT=… SHARDS=… GPUPRELU=… DEVICES=… SWEEP_ARGS=…] bench/slurm/submit.sh [sbatch options for the tasks]
#   The settings and their defaults are those at the top of sweep.sbatch; set them in the environment.
#   The options are passed to both sbatch calls (the array's and the merge's), e.g. --partition=gpu, --account=…,
#   --time=12:00:00 (per task), or --gres=none on a partition without GPUs (with DEVICES=cpu).
# Prints the array's job id, then the merge's. The merge writes $OUT/merged.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
sbatch_file="$here/sweep.sbatch"
# the settings block of sweep.sbatch: one place for the defaults
eval "$(sed -n '/^# ---- settings/,/^# ---- end of settings/p' "$sbatch_file")"
case "$SHARDS" in '' | *[!0-9]* | 0*) echo "submit.sh: SHARDS must be a whole number >= 1, got '$SHARDS'" >&2; exit 2 ;; esac
[ -f "$CONFIG" ] || { echo "submit.sh: CONFIG: no such file: $CONFIG" >&2; exit 2; }
# absolute paths, so the tasks and the merge agree whatever their working directory
CONFIG="$(cd "$(dirname "$CONFIG")" && pwd)/$(basename "$CONFIG")"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
words=()
for w in $GPUPRELU; do   # a relative path in the command (./publish/gpuprelu, dotnet bin/gpuprelu.dll) made absolute
  if [[ $w == */* && $w != /* && -e $w ]]; then w="$(cd "$(dirname "$w")" && pwd)/$(basename "$w")"; fi
  words+=("$w")
done
GPUPRELU="${words[*]}"
export CONFIG OUT SHARDS GPUPRELU DEVICES SWEEP_ARGS

array=$(sbatch --parsable --array="0-$((SHARDS - 1))" --chdir="$OUT" "$@" "$sbatch_file")
array=${array%%;*}   # --parsable prints "id[;cluster]"

shards=()
for ((i = 0; i < SHARDS; i++)); do shards+=("$OUT/shards/$i-of-$SHARDS"); done
# into a temporary folder renamed at the end, so a merge killed or requeued half-way can simply run again; the rename
# refuses to replace a merged folder that is already there
printf -v merge_cmd '%q ' "${words[@]}" merge --out "$OUT/merged.partial" "${shards[@]}"
printf -v merge_cmd 'rm -rf %q && %s && mv -T %q %q' "$OUT/merged.partial" "$merge_cmd" "$OUT/merged.partial" "$OUT/merged"
# --kill-on-invalid-dep: if a task fails, the merge is cancelled instead of pending forever
merge=$(sbatch --parsable --job-name=gpuprelu-merge --dependency="afterok:$array" --kill-on-invalid-dep=yes \
  --chdir="$OUT" --output="$OUT/slurm-%x-%j.out" "$@" --wrap="$merge_cmd")
merge=${merge%%;*}
echo "$array"
echo "$merge"
