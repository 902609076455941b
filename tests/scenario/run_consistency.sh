#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# run_consistency.sh SCENARIO.scn: play a scenario end to end with
# `zhucun-sim run` (real terminals, reader, serial link and host) and check
# that its report equals the engine's report on the scenario's own data
# (`zhucun-sim evaluate`): every years row, and every finding of every type
# (`zhucun-sim compare --all`). ZC_BIN points at the build's bin folder.
# With --stale DATE N: then report the played store at DATE, long after the
# last pull (RULES.md v2), and require exactly N cadres on the recall list
# (stale data recalls nobody) and every terminal collection_overdue.
[ $# -eq 1 ] || [ $# -eq 4 -a "${2:-}" = --stale ] || { echo "usage: $0 SCENARIO.scn [--stale DATE N]" >&2; exit 2; }
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

if [ $# -eq 4 ]; then
  echo "== 4. the same store reported at $3, with nothing collected since"
  Z=("$ZC_BIN/zhucun" --db "$T/run/host.db" --lang en)
  "${Z[@]}" report --as-of "$3" --format csv --sheet recall >"$T/recall.csv"
  "${Z[@]}" report --as-of "$3" --format json --out "$T/stale.json"
  recalls=$(grep -c '^C' "$T/recall.csv" || true)
  terminals=$(grep -c '^terminal ' "$SCN")
  overdue=$(grep -c '"type": "collection_overdue"' "$T/stale.json" || true)
  pending=$(grep -c '"pending_days": [1-9]' "$T/stale.json" || true)
  echo "recall list: $recalls cadres (want $4); collection_overdue: $overdue of $terminals terminals;" \
    "years rows with pending days: $pending"
  [ "$recalls" -eq "$4" ] || { echo "FAIL - the recall list at $3 has $recalls cadres, want $4"; cat "$T/recall.csv"; exit 1; }
  [ "$overdue" -eq "$terminals" ] || { echo "FAIL - $overdue of $terminals terminals overdue at $3"; exit 1; }
  [ "$pending" -gt 0 ] || { echo "FAIL - no pending days at $3"; exit 1; }
  echo "PASS - stale data recalls nobody beyond the real $4"
fi
