#!/usr/bin/env bash
# Packs the test suite and the gpuprelu tool, self-contained (no .NET SDK needed), for a GPU machine that has only the
# NVIDIA driver: .gpu/gpuprelu-linux-x64.tar.xz (about 45 MB; .gpu/ is git-ignored). Unpack it in the repository root
# there and run bench/gpu/on-device.sh. Usage: bench/gpu/pack.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
rm -rf .gpu && mkdir -p .gpu/stage
# one folder, one copy of the runtime: the tests reference the tool, so the two apps share every assembly
dotnet publish tests/GpuPRelu.Tests -c Release -r linux-x64 --self-contained -o .gpu/stage/app -v quiet
dotnet publish src/GpuPRelu.Cli -c Release -r linux-x64 --self-contained -o .gpu/stage/app -v quiet
git rev-parse --short HEAD > .gpu/stage/COMMIT 2>/dev/null || echo unknown > .gpu/stage/COMMIT
tar cJf .gpu/gpuprelu-linux-x64.tar.xz -C .gpu/stage .
rm -rf .gpu/stage
ls -l .gpu/gpuprelu-linux-x64.tar.xz
