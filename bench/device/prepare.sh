#!/usr/bin/env bash
# Run here (a machine with apt), before a GPU session: downloads the Debian packages the GPU machine
# lacks (GoogleTest, Google Benchmark, CLI11, nlohmann/json, fmt) into bench/device/debs/, which check.sh unpacks there.
# The folder is git-ignored; carry it with the device tool: carry ["bench/device/debs"].
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p debs
cd debs
rm -f ./*.deb        # one version of each: check.sh unpacks every .deb here over the others
apt-get update -qq   # a fresh machine has no package lists
apt-get download libgtest-dev libbenchmark-dev libbenchmark1debian libcli11-dev nlohmann-json3-dev libfmt-dev libfmt9 >/dev/null
ls -1 *.deb
