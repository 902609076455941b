#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# link_attack.sh: issue 10, item 1 ("a held command backdates taps") as it
# was done: a relay process between the clerk's laptop and the terminal, on
# ptys, that (1) lowers the clock in HELLO, (2) holds the host's signed
# SET_TIME, answers RESULT ok itself and delivers the command to the
# terminal later. Protocol version 2 signs HELLO over a host nonce and every
# RESULT over the command's hash, and a command is good for 30 s of the
# terminal's monotonic clock: the host must refuse both lies with a clear
# message, and the terminal must not apply the stale command.
source "$(dirname "$0")/lib.sh"
B="$ZC_BIN"
SHIM="$ZC_LIB/libzc_sp_pty_shim.so"
BOARD="$ZC_SOURCE_ROOT/boards/sim.conf"
export ZHUCUN_SIM_DIR="$T/sim" LIBNFC_AUTO_SCAN=false ZHUCUN_LANG=en
mkdir -p "$ZHUCUN_SIM_DIR" "$T/host"
DB="$T/host/host.db"
RPID= TPID= LPID=
cleanup() {
  stop "$LPID" "$TPID" "$RPID"
  remove_tmp
}
trap cleanup EXIT
wait_for() { local i; for ((i = 0; i < ${3:-100}; i++)); do grep -qF -- "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done; return 1; }
term() { "$B/zhucun-terminal" --board "$BOARD" "$@"; }
host() { LD_PRELOAD="$SHIM" "$B/zhucun" --db "$DB" "$@"; }
reader() { "$B/zhucun-sim" reader --link "$ZHUCUN_SIM_DIR/pn532" --send "$*" >/dev/null; }
FB="$ZHUCUN_SIM_DIR/feedback.log"
tap() {
  local n0; n0=$(grep -c . "$FB" 2>/dev/null || true)
  reader present "$@"
  for ((i = 0; i < 100; i++)); do [ "$(grep -c . "$FB")" -gt "$n0" ] && break; sleep 0.1; done
  reader remove
  sleep 0.2
}
relay() {
  [ -n "$LPID" ] && { kill "$LPID" 2>/dev/null || true; wait "$LPID" 2>/dev/null || true; }
  : >"$T/relay.out"
  "$B/zhucun-sim" relay --terminal "$ZHUCUN_SIM_DIR/link" --link "$T/hostlink" "$@" >"$T/relay.out" 2>"$T/relay.err" &
  LPID=$!
  wait_for "$T/relay.out" "ready"
}
journal() { "$B/zhucun" journal show "$ZHUCUN_SIM_DIR/state/journal"; }
clock_sets() { journal | grep -c clock_set || true; }

# ---- a provisioned terminal, an honest pull ----
host init >/dev/null
"$B/zhucun-sim" reader --link "$ZHUCUN_SIM_DIR/pn532" >"$T/reader.out" 2>&1 &
RPID=$!
check "reader ready" wait_for "$T/reader.out" "ready "
"$B/zhucun-ca" init --dir "$T/ca" --name "测试区工牌CA" --district "测试区" >/dev/null
term --set sim_start=2025-07-01T08:00:00+08:00 >"$T/term.out" 2>"$T/term.err" &
TPID=$!
check "terminal up, serving its link" wait_for "$T/term.out" "ready"
relay
run host provision "$T/hostlink" --terminal K01 --township T01 --ca "$T/ca/ca.pem" --revocations "$T/ca/revocations.zrl"
expect_rc 0 "provision over the link (version 2: HELLO and RESULT signed)"
tap "uid:04A1B2C3"
run host pull "$T/hostlink" --json
expect_rc 0 "an honest pull through the relay"
contains "$out" '"set_time"' "the honest pull set the terminal's clock"
n0=$(clock_sets)
check "SET_TIME recorded in the journal" test "$n0" -ge 1

# ---- 1. the relay lowers the clock in HELLO ----
relay --attack hello-clock
run host pull "$T/hostlink" --json
check "a HELLO with a lowered clock: the pull fails" test "$rc" -ne 0 -a "$rc" -lt 128
contains "$out$err" "HELLO is not signed by its key" "the host says the HELLO was altered"
check "the relay did alter it" grep -qF "HELLO clock lowered" "$T/relay.out"
check "no command reached the terminal" test "$(clock_sets)" = "$n0"

# ---- 2. the relay holds SET_TIME, answers RESULT ok, delivers it late ----
term ctl time "2030-01-02T09:00:00+08:00" >/dev/null # far ahead of the host's clock: SET_TIME is due
tap "uid:04A1B2C4"
relay --attack forge-result --hold-ms 4000
run host pull "$T/hostlink" --json
check "the relay held the SET_TIME and answered for the terminal" grep -qF "held SET_TIME" "$T/relay.out"
contains "$out$err" "not signed by terminal K01" "the host refuses the forged RESULT ok"
contains "$out" '"set_time":{"state":"failed"' "SET_TIME reported as not done, not as done"
# 31 s pass on the terminal's monotonic clock before the command arrives
term ctl advance 31000 >/dev/null
check "the relay delivered the command late" wait_for "$T/relay.out" "delivered the held command" 100
check "the terminal refused it as stale" wait_for "$T/relay.out" "terminal answered expired" 50
check "no clock change in the journal" test "$(clock_sets)" = "$n0"
contains "$(journal | tail -n 3)" "tap" "the last record is still the tap, not a clock_set"

# ---- and the honest line works again ----
relay
run host pull "$T/hostlink" --json
expect_rc 0 "a pull without the relay's attack"
check "the honest SET_TIME is applied" test "$(clock_sets)" -gt "$n0"
finish
