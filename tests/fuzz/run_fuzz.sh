#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# run_fuzz.sh TARGET SECONDS SEEDS WORKDIR: run a libFuzzer target for a
# bounded time on a writable copy of the seed corpus; crashes are saved in
# WORKDIR as crash-* and fail the run.
set -eu
target=$1 seconds=$2 seeds=$3 work=$4
mkdir -p "$work/corpus"
cp -n "$seeds"/* "$work/corpus/" 2>/dev/null || true
exec "$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -artifact_prefix="$work/" "$work/corpus"
