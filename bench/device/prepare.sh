#!/usr/bin/env bash
# Run here (a machine with apt), before a GPU session: downloads the Debian packages the GPU machine
# lacks (GoogleTest, Google Benchmark, CLI11, nlohmann/json, fmt) into bench/device/debs/, which check.sh unpacks there.
# The folder is git-ignored; carry it with the device tool: carry ["bench/device/debs"].
set -euo pipefail
cd "$(dirname "$0")"
apt-get update -qq || echo "prepare.sh: apt-get update failed; downloading from the package lists there are"
fresh=$(mktemp -d "$PWD/.debs.XXXXXX")  # beside debs/, on its file system: the moves below cannot fail half-way
trap 'rm -rf "$fresh"' EXIT
(cd "$fresh" && apt-get download libgtest-dev libbenchmark-dev libbenchmark1debian libcli11-dev nlohmann-json3-dev libfmt-dev libfmt9 >/dev/null)
# Only once all are here: one version of each, as check.sh unpacks every .deb in debs/ over the others.
mkdir -p debs
rm -f debs/*.deb
mv "$fresh"/*.deb debs/
ls -1 debs/*.deb
