#!/usr/bin/env bash
# Runs the whole test suite with the CUDA cases required: every device theory's "cuda" case runs on the GPU and
# fails (instead of skipping) when no CUDA device is present. Usage: ./run-gpu-tests.sh [extra test arguments]
# On a machine without the .NET SDK, run a published test executable instead:
#   GPUPRELU_REQUIRE_CUDA=1 ./GpuPRelu.Tests
set -euo pipefail
cd "$(dirname "$0")"
if ! dotnet run --project src/GpuPRelu.Cli -c Release -- devices | grep -q '^cuda'; then
  echo "run-gpu-tests.sh: no CUDA device found (gpuprelu devices lists none); is the NVIDIA driver installed and libcuda.so.1 on the loader path?" >&2
  exit 1
fi
GPUPRELU_REQUIRE_CUDA=1 dotnet test -c Release "$@"
