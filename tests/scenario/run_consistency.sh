#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# run_consistency.sh SCENARIO.scn: play a scenario end to end with
# `zhucun-sim run` (real terminals, reader, serial link and host) and check
# that its report equals the engine's report on the scenario's own data
# (`zhucun-sim evaluate`): every years row, and every finding of every type
# (`zhucun-sim compare --all`). ZC_BIN points at the build's bin folder.
[ $# -eq 1 ] || { echo "usage: $0 SCENARIO.scn" >&2; exit 2; }
SCN=$1
source "$(dirname "$0")/lib.sh"

echo "== 1. engine on the scenario's own data"
"$ZC_BIN/zhucun-sim" evaluate "$SCN" --out "$T/engine.json"
echo "== 2. $(basename "$SCN") through the real parts -> $T/run"
rc=0
play "$SCN" "$T/run" || rc=$?
if [ "$rc" -ne 0 ]; then
  echo "FAIL - zhucun-sim run failed (exit $rc)"
  exit 1
fi
echo "== 3. the two reports agree"
"$ZC_BIN/zhucun-sim" compare "$T/run/report.json" "$T/engine.json" --all
