#!/usr/bin/env bash
# Runs on the GPU machine, in the repository root, after bench/gpu/pack.sh made .gpu/gpuprelu-linux-x64.tar.xz here.
# Every stage writes its log and files under $OUT (default: runs/gpu). Stages, each under 10 minutes on one H100:
#   tests   the whole suite with the CUDA cases required (GPUPRELU_REQUIRE_CUDA=1): every kernel, the tiled ones
#           included, against its float64 reference on the GPU
#   bench   gpuprelu bench --device cuda on quick, fig2-scaled, fig2-paper: measured FP32 peak, tiled and simple
#           products (GFLOP/s, fraction of peak), training, PGD and distance rates
#   fig2    gpuprelu fig2 --preset paper --device cuda (the paper's Figure 2 end to end; its wall time is the target)
#   sweep   gpuprelu sweep --preset width-dim on every CUDA device (--devices all), after its --plan (the estimate beside
#           the time per batch in the log and ledger.jsonl); resumable: run it again to continue
# Usage: bench/gpu/on-device.sh tests|bench|fig2|sweep [extra gpuprelu arguments]
set -uo pipefail
cd "$(dirname "$0")/../.."
stage=${1:?usage: on-device.sh tests|bench|fig2|sweep}
shift
out=${OUT:-runs/gpu}
mkdir -p "$out" .gpu/x
[ -x .gpu/x/app/gpuprelu ] || tar xJf .gpu/gpuprelu-linux-x64.tar.xz -C .gpu/x
export DOTNET_CLI_TELEMETRY_OPTOUT=1
{ nvidia-smi || echo "nvidia-smi: not found"; cat .gpu/x/COMMIT; } > "$out/machine.txt" 2>&1
.gpu/x/app/gpuprelu devices >> "$out/machine.txt" 2>&1
case "$stage" in
  tests) GPUPRELU_REQUIRE_CUDA=1 .gpu/x/app/GpuPRelu.Tests -noColor "$@" > "$out/tests.log" 2>&1; rc=$?
         tail -n 8 "$out/tests.log" ;;
  bench) .gpu/x/app/gpuprelu bench --device cuda --config quick,fig2-scaled,fig2-paper --out "$out/bench" --overwrite "$@" \
           > "$out/bench.log" 2>&1; rc=$?
         cat "$out/bench.log" ;;
  fig2)  .gpu/x/app/gpuprelu fig2 --preset paper --device cuda --out "$out/fig2-paper" --overwrite "$@" > "$out/fig2.log" 2>&1; rc=$?
         tail -n 30 "$out/fig2.log" ;;
  sweep) { .gpu/x/app/gpuprelu sweep --preset width-dim --devices all --plan "$@" \
           && .gpu/x/app/gpuprelu sweep --preset width-dim --devices all --out "$out/sweep-width-dim" --resume "$@"; } > "$out/sweep.log" 2>&1; rc=$?
         tail -n 30 "$out/sweep.log" ;;
  *) echo "unknown stage '$stage' (tests|bench|fig2|sweep)" >&2; exit 2 ;;
esac
exit $rc
