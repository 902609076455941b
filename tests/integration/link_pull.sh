#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# link_pull.sh: the serial link end to end over ptys: zhucun-terminal on the
# sim board serves its journal on a pty, `zhucun-sim relay` sits between it
# and the host (throttled, noisy, cut), and `zhucun` pulls with the real
# libserialport code (made to accept a pty by the test-only preload shim,
# MEASURED.md). Covered: provisioning over the link, a full pull with the
# signed ACK_COLLECTED and SET_TIME, a pull cut at random points and
# resumed, line noise and dropped bytes, forged and replayed commands
# refused, taps during a pull, and a journal tampered with between pulls.
source "$(dirname "$0")/lib.sh"
B="$ZC_BIN"
SHIM="$ZC_LIB/libzc_sp_pty_shim.so"
BOARD="$ZC_SOURCE_ROOT/boards/sim.conf"
export ZHUCUN_SIM_DIR="$T/sim" LIBNFC_AUTO_SCAN=false ZHUCUN_LANG=en
mkdir -p "$ZHUCUN_SIM_DIR"
DB="$T/host/host.db"
mkdir -p "$T/host"
RPID= TPID= LPID=
cleanup() {
  stop "$LPID" "$TPID" "$RPID"
  remove_tmp
}
trap cleanup EXIT
wait_for() { local i; for ((i = 0; i < ${3:-100}; i++)); do grep -qF -- "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done; return 1; }
term() { "$B/zhucun-terminal" --board "$BOARD" "$@"; }
reader() { "$B/zhucun-sim" reader --link "$ZHUCUN_SIM_DIR/pn532" --send "$*" >/dev/null; }
host() { LD_PRELOAD="$SHIM" "$B/zhucun" --db "$DB" "$@"; }
host init >/dev/null
FB="$ZHUCUN_SIM_DIR/feedback.log"
tap() {
  local n0; n0=$(grep -c . "$FB" 2>/dev/null || true)
  reader present "$@"
  for ((i = 0; i < 100; i++)); do [ "$(grep -c . "$FB")" -gt "$n0" ] && break; sleep 0.1; done
  reader remove
  sleep 0.2
}
# relay ARGS...: (re)start the relay between the terminal and $T/hostlink
relay() {
  [ -n "$LPID" ] && { kill "$LPID" 2>/dev/null || true; wait "$LPID" 2>/dev/null || true; }
  : >"$T/relay.out"
  "$B/zhucun-sim" relay --terminal "$ZHUCUN_SIM_DIR/link" --link "$T/hostlink" "$@" >"$T/relay.out" 2>"$T/relay.err" &
  LPID=$!
  wait_for "$T/relay.out" "ready"
}
stored() { sqlite3 "$DB" "select count(*) from records where terminal_id='K01'"; }
# every record from 1 to the highest stored is there exactly once
complete() { test "$(sqlite3 "$DB" "select count(*) = max(seq) and count(distinct seq) = count(*) from records where terminal_id='K01'")" = 1; }
head_seq() { term info | sed -n 's/^journal_head: //p'; }

# ---- badges, reader, an unprovisioned terminal serving its link ----
"$B/zhucun-ca" init --dir "$T/ca" --name "测试区工牌CA" --district "测试区" >/dev/null
"$B/zhucun-ca" issue --dir "$T/ca" --badge B001 --cadre C001 --name "张三" --out "$T/b001.card" >/dev/null
"$B/zhucun-sim" reader --link "$ZHUCUN_SIM_DIR/pn532" >"$T/reader.out" 2>&1 &
RPID=$!
check "reader ready" wait_for "$T/reader.out" "ready "
term --set sim_start=2025-07-01T08:00:00+08:00 >"$T/term.out" 2>"$T/term.err" &
TPID=$!
check "terminal up, serving its link" wait_for "$T/term.out" "ready"
relay
run host provision "$T/hostlink" --terminal K01 --township T01 --ca "$T/ca/ca.pem" --revocations "$T/ca/revocations.zrl"
expect_rc 0 "provision over the serial link"
check "host key made, owner-only" test "$(stat -c %a "$T/host/zhucun-host.key")" = 600
run host terminals --json
contains "$out" '"id": "K01"' "terminal registered on the host"

# ---- taps, then a full pull ----
term ctl time "2025-07-01T08:30:00+08:00" >/dev/null
for i in 1 2 3 4 5; do
  tap "piv:$T/b001.card"
  term ctl advance 3600000 >/dev/null
done
for i in $(seq 1 40); do   # more records: make the pull last a few frames
  term ctl advance 70000 >/dev/null
  tap "uid:04A1B2C$((i % 10))"
done
h=$(head_seq)
run host pull "$T/hostlink" --json
expect_rc 0 "full pull"
check "every record up to the head stored ($h)" test "$(stored)" -ge "$h"
check "no gaps, no duplicates" complete
contains "$out" '"findings":0' "no findings on a clean pull"
check "the terminal's watermark moved to the head" test "$(term info | sed -n 's/^collected: //p')" -ge "$h"
# the terminal's clock (2025) was far from the host's: SET_TIME, recorded
run host pull "$T/hostlink" --json
expect_rc 0 "second pull"
contains "$("$B/zhucun" journal show "$ZHUCUN_SIM_DIR/state/journal")" "clock_set" "SET_TIME is a journal record"
contains "$("$B/zhucun" journal show "$ZHUCUN_SIM_DIR/state/journal")" "collected" "ACK_COLLECTED is a journal record"
check "pulled twice: stored once" complete

# ---- forged and replayed commands ----
"$B/zhucun-sim" journal --out "$T/stranger" --records 1 --quiet   # a key the terminal does not know
run "$B/zhucun-sim" link --port "$T/hostlink" set-time 0 --key "$T/stranger/terminal.key"
contains "$out" "result 1 " "SET_TIME signed by a stranger: refused (bad signature)"
run "$B/zhucun-sim" link --port "$T/hostlink" ack 1 0000000000000000000000000000000000000000000000000000000000000000
contains "$out" "result 1 " "unsigned ACK_COLLECTED: refused"
nonce=$("$B/zhucun-sim" link --port "$T/hostlink" hello | sed 's/.*nonce=//')
now=$(( $(date +%s) * 1000 ))
run "$B/zhucun-sim" link --port "$T/hostlink" set-time "$now" --key "$T/host/zhucun-host.key" --nonce "$nonce"
contains "$out" "result 2 " "a command over a stale nonce (a replay): refused"
run "$B/zhucun-sim" link --port "$T/hostlink" set-time "$now" --key "$T/host/zhucun-host.key"
contains "$out" "result 0 " "the same command over the fresh nonce: accepted"

# ---- a pull cut at random points, resumed until complete ----
for i in $(seq 1 30); do tap "uid:04B1B2C$((i % 10))"; term ctl advance 70000 >/dev/null; done
h=$(head_seq)
for cut in 700 1900 3100; do
  relay --cut-after "$cut"
  run host pull "$T/hostlink" --json
  check "pull cut after $cut bytes fails cleanly" test "$rc" -ne 0 -a "$rc" -lt 128
done
relay
run host pull "$T/hostlink" --json
expect_rc 0 "the resumed pull completes"
check "every record stored after the cuts" test "$(stored)" -ge "$h"
check "exactly once after the cuts" complete
run sqlite3 "$DB" "select count(*) from findings"
check "no integrity findings from the cuts" test "$out" = 0

# ---- line noise and dropped bytes ----
for i in $(seq 1 30); do tap "uid:04C1B2C$((i % 10))"; term ctl advance 70000 >/dev/null; done
h=$(head_seq)
relay --noise 0.0005 --drop 0.0005 --seed 7
run host pull "$T/hostlink" --json
expect_rc 0 "pull through a noisy line completes"
check "every record stored through the noise" test "$(stored)" -ge "$h"
check "exactly once through the noise" complete

# ---- taps during a pull (throttled to 115200 baud) ----
for i in $(seq 1 40); do tap "uid:04D1B2C$((i % 10))"; term ctl advance 70000 >/dev/null; done
relay --rate 3000
host pull "$T/hostlink" --json >"$T/pull.out" 2>&1 &
PP=$!
sleep 0.5
for i in 1 2 3; do term ctl advance 70000 >/dev/null; tap "piv:$T/b001.card"; done
wait "$PP" || true
contains "$(tail -n 3 "$FB")" "OK" "taps during a pull are recorded at once"
relay
run host pull "$T/hostlink" --json
expect_rc 0 "pull after the taps"
h=$(sqlite3 "$DB" "select count(*) from records where terminal_id='K01' and kind=1 and badge_kind=1")
check "the 3 PIV taps made during the pull are stored (with the 5 before)" test "$h" -ge 8
check "exactly once with the taps during the pull" complete

# ---- the clerk's records carried to the district host as a signed bundle ----
run host bundle export --terminal K01 --out "$T/k01.zcb"
expect_rc 0 "bundle export"
# the district takes bundles only from host keys it trusts (FORMAT.md 5)
run "$B/zhucun" --create --db "$T/district.db" bundle import "$T/k01.zcb" --json
check "a bundle from an untrusted host key is refused" test "$rc" -eq 1
contains "$err$out" "trust add" "the refusal says how to trust the key"
run "$B/zhucun" --db "$T/district.db" trust add "$T/host/zhucun-host.pub.pem" --name "一镇文书笔记本"
expect_rc 0 "trust the clerk's laptop"
run "$B/zhucun" --db "$T/district.db" audit --entity trust
contains "$out" "一镇文书笔记本" "trusting a host key is audited"
run "$B/zhucun" --db "$T/district.db" bundle import "$T/k01.zcb" --json
expect_rc 0 "bundle import on the district host"
check "the district host has every record" test "$(sqlite3 "$T/district.db" "select count(*) from records where terminal_id='K01'")" = "$(stored)"
cp "$T/k01.zcb" "$T/bad.zcb"
printf 'X' | dd of="$T/bad.zcb" bs=1 seek=200 conv=notrunc status=none
"$B/zhucun" --create --db "$T/district2.db" trust add "$T/host/zhucun-host.pub.pem" --name clerk >/dev/null
run "$B/zhucun" --db "$T/district2.db" bundle import "$T/bad.zcb"
check "a changed bundle is refused" test "$rc" -ne 0 -a "$rc" -lt 128

# ---- a journal tampered with between pulls ----
tap "piv:$T/b001.card"
term ctl quit >/dev/null
wait "$TPID" 2>/dev/null || true
"$B/zhucun-sim" tamper "$ZHUCUN_SIM_DIR/state/journal" --seq "$(head_seq)" --how flip
term >"$T/term2.out" 2>&1 &
TPID=$!
check "terminal restarted" wait_for "$T/term2.out" "ready"
relay
run host pull "$T/hostlink" --json
expect_rc 3 "pull of a tampered journal reports integrity findings"
contains "$out" 'bad_signature' "the tampered record is a bad signature"
finish
