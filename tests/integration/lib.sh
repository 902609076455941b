# SPDX-License-Identifier: Apache-2.0
# lib.sh: helpers for the integration scripts (sourced).
set -euo pipefail
: "${ZC_BIN:?ZC_BIN must point at build/bin}"
T=$(mktemp -d "${TMPDIR:-/tmp}/zc-it-XXXXXX")
# stop PID...: end background jobs and whatever they started. A shell
# function run with & is a subshell; killing it alone would leave its child
# (a terminal, a reader) running and writing into $T.
stop() {
  local p
  for p in "$@"; do
    [ -n "$p" ] || continue
    pkill -TERM -P "$p" 2>/dev/null || true
    kill "$p" 2>/dev/null || true
  done
  for p in "$@"; do [ -n "$p" ] && { wait "$p" 2>/dev/null || true; }; done
  wait 2>/dev/null || true
}
# remove_tmp: remove $T, retrying while a process that is exiting still
# writes; a leftover directory is a warning, never a test failure.
remove_tmp() {
  local i
  for ((i = 0; i < 30; i++)); do rm -rf "$T" 2>/dev/null && return 0; sleep 0.1; done
  echo "warning: could not remove $T" >&2
  return 0
}
trap remove_tmp EXIT
fails=0
passes=0
ok()   { passes=$((passes + 1)); echo "ok - $*"; }
bad()  { fails=$((fails + 1)); echo "FAIL - $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
# run CMD...: sets $rc, $out (stdout) and $err (stderr)
run() {
  set +e
  "$@" >"$T/.out" 2>"$T/.err"
  rc=$?
  set -e
  out=$(cat "$T/.out")
  err=$(cat "$T/.err")
}
expect_rc() { local want=$1 what=$2; if [ "$rc" -eq "$want" ]; then ok "$what (exit $rc)"; else bad "$what: exit $rc, wanted $want; stderr: $err"; fi; }
contains() { local hay=$1 needle=$2 what=$3; if grep -qF -- "$needle" <<<"$hay"; then ok "$what"; else bad "$what: '$needle' not in: $hay"; fi; }
finish() { echo "$passes passed, $fails failed"; [ "$fails" -eq 0 ]; }
