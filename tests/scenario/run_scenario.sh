#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# run_scenario.sh SCENARIO.scn EXPECTED.json: play a scenario end to end
# with `zhucun-sim run` (real terminals, reader, serial link and host), check
# its report against the expected one with `zhucun-sim compare`, then play
# it a second time into another folder: the two reports must be
# byte-identical. ZC_BIN points at the build's bin folder; ZC_SOURCE_ROOT
# (optional) at the source tree, for boards/sim.conf.
[ $# -eq 2 ] || { echo "usage: $0 SCENARIO.scn EXPECTED.json" >&2; exit 2; }
SCN=$1
EXP=$2
source "$(dirname "$0")/lib.sh"

echo "== 1. $(basename "$SCN") -> $T/a"
if ! play "$SCN" "$T/a"; then
  echo "FAIL - zhucun-sim run failed (first run)"
  exit 1
fi
echo "== 2. compare with $(basename "$EXP")"
if ! "$ZC_BIN/zhucun-sim" compare "$T/a/report.json" "$EXP"; then
  echo "FAIL - the report differs from the expected report"
  exit 1
fi
echo "== 3. the same scenario again -> $T/b"
if ! play "$SCN" "$T/b"; then
  echo "FAIL - zhucun-sim run failed (second run)"
  exit 1
fi
if ! cmp "$T/a/report.json" "$T/b/report.json"; then
  echo "FAIL - two runs of the same scenario gave different reports"
  diff <(tr ',' '\n' <"$T/a/report.json") <(tr ',' '\n' <"$T/b/report.json") | head -20 || true
  exit 1
fi
echo "ok - $(basename "$SCN"): report as expected, and the same on a second run"
