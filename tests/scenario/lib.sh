# SPDX-License-Identifier: Apache-2.0
# lib.sh: what the scenario scripts share (sourced): a temporary folder
# removed on exit, and `play SCN DIR`, which runs `zhucun-sim run` in the
# background so that a signal reaches the trap at once and the trap stops
# it (zhucun-sim run stops its own children on SIGTERM, and when the script
# dies, through its parent-death signal). ZC_BIN points at the build's bin
# folder; ZC_SOURCE_ROOT (optional) at the source tree, for boards/sim.conf.
set -euo pipefail
: "${ZC_BIN:?ZC_BIN must point at build/bin}"
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

# play SCN DIR: zhucun-sim run SCN into DIR; returns its exit status
play() {
  local rc=0
  "$ZC_BIN/zhucun-sim" run "$1" --dir "$2" --bin "$ZC_BIN" "${board[@]}" -v &
  PID=$!
  wait "$PID" || rc=$?
  PID=
  return "$rc"
}
