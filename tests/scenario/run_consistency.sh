#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# run_consistency.sh SCENARIO.scn: play a scenario end to end with
# `zhucun-sim run` (real terminals, reader, serial link and host) and check
# that its report equals the engine's report on the scenario's own data
# (`zhucun-sim evaluate`): every years row, and every finding of every type
# (`zhucun-sim compare --all`). ZC_BIN points at the build's bin folder.
set -euo pipefail
: "${ZC_BIN:?ZC_BIN must point at build/bin}"
[ $# -eq 1 ] || { echo "usage: $0 SCENARIO.scn" >&2; exit 2; }
SCN=$1
T=$(mktemp -d "${TMPDIR:-/tmp}/zc-scn-XXXXXX")
board=()
[ -n "${ZC_SOURCE_ROOT:-}" ] && board=(--board "$ZC_SOURCE_ROOT/boards/sim.conf")
PID=
cleanup() {
  if [ -n "$PID" ]; then
    kill -TERM "$PID" 2>/dev/null || true
    wait "$PID" 2>/dev/null || true
  fi
  local i
  for ((i = 0; i < 30; i++)); do rm -rf "$T" 2>/dev/null && return 0; sleep 0.1; done
  echo "warning: could not remove $T" >&2
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

echo "== 1. engine on the scenario's own data"
"$ZC_BIN/zhucun-sim" evaluate "$SCN" --out "$T/engine.json"
echo "== 2. $(basename "$SCN") through the real parts -> $T/run"
rc=0
"$ZC_BIN/zhucun-sim" run "$SCN" --dir "$T/run" --bin "$ZC_BIN" "${board[@]}" -v &
PID=$!
wait "$PID" || rc=$?
PID=
if [ "$rc" -ne 0 ]; then
  echo "FAIL - zhucun-sim run failed (exit $rc)"
  exit 1
fi
echo "== 3. the two reports agree"
"$ZC_BIN/zhucun-sim" compare "$T/run/report.json" "$T/engine.json" --all
