#!/usr/bin/env bash
# Byte-identity check: runs the quick presets of train, fig2, fig5, mnist, an attack and an evaluation of
# a saved file at fixed seeds on the managed CPU path, and compares the sha256 of every deterministic output (all CSVs,
# and networks.safetensors) with bench/identity/sha256.txt. A refactoring that must not change behaviour passes it
# before and after. Sizes are cut below the presets where a preset takes minutes (flags override preset fields), so the
# whole check takes about 2 minutes on 2 free cores.
#
#   bench/identity/check.sh            build (Release), run, compare; exit 1 and name each file that differs
#   bench/identity/check.sh --record   build, run and rewrite sha256.txt (only on purpose: a change of results)
#   bench/identity/check.sh --keep DIR keep the outputs in DIR (default: a temporary folder, deleted)
#   GPUPRELU=path/to/gpuprelu          use that tool instead of building one (RECORD_COMMIT=… names its commit)
#
# Not compared, because they differ run to run: manifest.json (start/end times, phase_seconds, wall) and report.md
# (its "Wall time" line). The PNGs are identical run to run on one machine but depend on the fonts installed, so they
# are left out too. The hashes are of this machine's floating point: the managed path's SIMD width (AVX2 here) and the
# .NET runtime's math can change the last bits elsewhere; the thread count does not (checked with
# DOTNET_PROCESSOR_COUNT=1 and 7). Record on the machine that checks, from a commit known to be right.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
sums="$root/bench/identity/sha256.txt"
record=0
keep=""
while [ $# -gt 0 ]; do
    case "$1" in
        --record) record=1 ;;
        --keep) keep="$2"; shift ;;
        *) echo "usage: $0 [--record] [--keep DIR]" >&2; exit 2 ;;
    esac
    shift
done

if [ -z "${GPUPRELU:-}" ]; then
    dotnet build "$root/src/GpuPRelu.Cli" -c Release --nologo -v q -clp:ErrorsOnly >&2
    GPUPRELU="$root/src/GpuPRelu.Cli/bin/Release/net10.0/gpuprelu"
fi
if [ -n "$keep" ]; then
    rm -rf "$keep"; mkdir -p "$keep"; work=$(cd "$keep" && pwd)
else
    work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fi

# run NAME VERB ARGS...: one run on the managed CPU path into $work/NAME, its console output in $work/NAME.log
run() {
    local name=$1; shift
    local start=$SECONDS
    if ! "$GPUPRELU" "$@" --device cpu --out "$work/$name" >"$work/$name.log" 2>&1; then
        echo "FAILED: gpuprelu $* (log: $work/$name.log)" >&2
        tail -20 "$work/$name.log" >&2
        exit 1
    fi
    echo "  $name: $((SECONDS - start)) s" >&2
}

echo "running into $work" >&2
# train: the quick preset as it is (20 networks, 150 epochs), saved for the attack and evaluate runs below
run train train --preset quick --seed 0 --save
# non-integer p: the activation and its derivative off the vectorized integer-power path
run train-frac train --preset quick --seed 0 --p 1.5,2.5 --epochs 40
# fig2, fig5: the quick presets with a shorter PGD and distance estimate (the preset's take 1-2 minutes each);
# fig5 also trains 100 epochs instead of 400
run fig2 fig2 --preset quick --seed 0 --pgd-steps 100 --pgd-points 200 --dist-starts 50 --dist-steps 200 --dist-scale-samples 2000
run fig5 fig5 --preset quick --seed 0 --epochs 100 --pgd-steps 100 --pgd-points 200 --dist-starts 50 --dist-steps 200 --dist-scale-samples 2000
# mnist: the quick preset on 2000 images for one epoch, APGD-CE on 100 images; --short-grids adds l2 and l1 APGD
run mnist mnist --preset quick --seed 0 --epochs 1 --n-train 2000 --n-test 500 --rank-samples 200 \
    --attack-points 100 --attack-iterations 20 --short-grids
# attacks of the saved networks: the paper's PGD from random starts, APGD-CE l∞ in a box; the exact radii of F^(p)
net="$work/train/networks.safetensors"
run attack-pgd attack --network "$net" --attack pgd --norm l2 --radii 0:1.5:8 --steps 200 --random-start --n 200
run attack-apgd attack --network "$net" --attack apgd-ce --norm linf --radii 0:0.3:6 --steps 30 --restarts 2 --box -1,1 --n 200
run attack-model attack --model Fp --p 1,3 --input-dim 50 --alpha 0.1 --radii 0:1.5:8 --steps 100 --n 200 --min-radius
run evaluate evaluate --network "$net" --data synthetic --n 500 --logits

actual=$(cd "$work" && find . \( -name '*.csv' -o -name '*.safetensors' \) -type f | LC_ALL=C sort | xargs sha256sum)
if [ "$record" = 1 ]; then
    {
        echo "# sha256 of bench/identity/check.sh's outputs; rewrite with --record, only when results change on purpose."
        echo "# recorded at commit ${RECORD_COMMIT:-$(git -C "$root" rev-parse --short HEAD)} on $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(nproc) cores, $(uname -m)"
        echo "$actual"
    } >"$sums"
    echo "recorded $(echo "$actual" | wc -l) hashes in $sums" >&2
    exit 0
fi

[ -f "$sums" ] || { echo "no recorded hashes: $sums (run with --record on a commit known to be right)" >&2; exit 2; }
expected=$(grep -v '^#' "$sums")
if [ "$actual" = "$expected" ]; then
    echo "identical: $(echo "$actual" | wc -l) files match $sums" >&2
    exit 0
fi
echo "DIFFERENT (< recorded, > this run):" >&2
diff <(echo "$expected") <(echo "$actual") >&2 || true
exit 1
