#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# store_concurrency.sh: many zhucun processes on one real database at once
# (issue 10, item 4). A slow pull (the terminal on a pty behind a relay
# paced to a few hundred bytes a second, so the pull lasts well beyond the
# 10 s busy timeout) runs while a report, a bundle import and `zhucun
# findings` start: every one of them succeeds, because reading commands
# take no write lock, a pull holds a transaction only while it stores a
# batch (never while it waits on the line) and the report's badge-verdict
# cache gives way to a writer. Also: a writer that does meet a held write
# lock gives up after the timeout with a message naming the other writer.
source "$(dirname "$0")/lib.sh"
B="$ZC_BIN"
SHIM="$ZC_LIB/libzc_sp_pty_shim.so"
BOARD="$ZC_SOURCE_ROOT/boards/sim.conf"
export ZHUCUN_SIM_DIR="$T/sim" LIBNFC_AUTO_SCAN=false ZHUCUN_LANG=en
mkdir -p "$ZHUCUN_SIM_DIR" "$T/host" "$T/other"
DB="$T/host/host.db"
RPID= TPID= LPID= PP=
cleanup() {
  stop "$PP" "$LPID" "$TPID" "$RPID"
  remove_tmp
}
trap cleanup EXIT
wait_for() { local i; for ((i = 0; i < ${3:-100}; i++)); do grep -qF -- "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done; return 1; }
term() { "$B/zhucun-terminal" --board "$BOARD" "$@"; }
reader() { "$B/zhucun-sim" reader --link "$ZHUCUN_SIM_DIR/pn532" --send "$*" >/dev/null; }
host() { LD_PRELOAD="$SHIM" "$B/zhucun" --db "$DB" "$@"; }
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
ms() { date +%s%3N; }
# timed NAME CMD...: run CMD, leave its status in $T/NAME.rc and its
# duration (ms) in $T/NAME.ms, output in $T/NAME.out / .err
timed() {
  local name=$1 t0; shift
  t0=$(ms)
  local rc=0
  "$@" >"$T/$name.out" 2>"$T/$name.err" || rc=$?
  echo "$rc" >"$T/$name.rc"
  echo $(($(ms) - t0)) >"$T/$name.ms"
}

# ---- a provisioned terminal with a journal worth a slow pull ----
host init >/dev/null
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
term ctl time "2025-07-01T08:30:00+08:00" >/dev/null
for i in 1 2 3 4 5 6; do
  tap "piv:$T/b001.card"
  term ctl advance 3600000 >/dev/null
done
# many records, so that the pull takes several RECORDS frames (8 KB each)
# spread over the slow line: the old pull held one transaction from the
# first frame to the last
qtap() {
  local n0; n0=$(grep -c . "$FB" 2>/dev/null || true)
  reader present "$@"
  for ((i = 0; i < 100; i++)); do [ "$(grep -c . "$FB")" -gt "$n0" ] && break; sleep 0.05; done
  reader remove
  sleep 0.05
}
for i in $(seq 1 130); do
  term ctl advance 70000 >/dev/null
  qtap "uid:04A1B2C$((i % 10))"
done

# ---- another host's records, as a bundle to import meanwhile ----
"$B/zhucun-sim" journal --out "$T/k09" --records 300 --terminal K09 --quiet
"$B/zhucun" --db "$T/other/other.db" init >/dev/null 2>&1
"$B/zhucun" --db "$T/other/other.db" ingest "$T/k09/journal" --terminal-key "$T/k09/terminal.pub.pem" >/dev/null 2>&1
run "$B/zhucun" --db "$T/other/other.db" bundle export --terminal K09 --out "$T/k09.zcb"
expect_rc 0 "bundle from the other host"

# this host takes the other host's bundles (FORMAT.md 5): it trusts that
# host's key, and the registry vouches for K09's key
"$B/zhucun" --db "$DB" trust add "$T/other/zhucun-host.pub.pem" --name other >/dev/null
fp=$(openssl pkey -pubin -in "$T/k09/terminal.pub.pem" -outform DER | sha256sum | cut -d' ' -f1)
printf 'id,name\nD01,测试区\n' >"$T/districts.csv"
printf 'id,name,district\nT01,一镇,D01\n' >"$T/townships.csv"
printf 'id,township,key_fp\nK09,T01,%s\n' "$fp" >"$T/k09-terminal.csv"
"$B/zhucun" --db "$DB" import districts "$T/districts.csv" >/dev/null
"$B/zhucun" --db "$DB" import townships "$T/townships.csv" >/dev/null
run "$B/zhucun" --db "$DB" import terminals "$T/k09-terminal.csv"
expect_rc 0 "the registry names K09's key"

# ---- everything at once ----
relay --rate 1500
timed pull env LD_PRELOAD="$SHIM" "$B/zhucun" --db "$DB" pull "$T/hostlink" --json --timeout 20000 &
PP=$!
sleep 7 # the pull is under way: its first frames are in, it waits on the line for the rest
t2=$(ms)
timed report "$B/zhucun" --db "$DB" report --format json &
P1=$!
timed import "$B/zhucun" --db "$DB" bundle import "$T/k09.zcb" --host-key "$T/other/zhucun-host.pub.pem" --json &
P2=$!
timed findings "$B/zhucun" --db "$DB" findings --json &
P3=$!
timed terminals "$B/zhucun" --db "$DB" terminals --json &
P4=$!
wait "$P1" "$P2" "$P3" "$P4"
others_done=$(($(ms) - t2))
check "the pull is still running when the others are done" kill -0 "$PP"
wait "$PP"
PP=
for n in pull report import findings terminals; do
  rc=$(cat "$T/$n.rc")
  printf '# %-9s rc %s, %5s ms\n' "$n" "$rc" "$(cat "$T/$n.ms")"
  [ "$rc" = 0 ] || sed 's/^/#   /' "$T/$n.err"
  check "$n succeeds beside the others" test "$rc" = 0
done
check "none of the others waited for the pull (all done within 10 s)" test "$others_done" -lt 10000
check "the pull lasted longer than the busy timeout" test "$(cat "$T/pull.ms")" -gt 10000
check "the pull stored every record" test "$(sqlite3 "$DB" "select count(*) = max(seq) from records where terminal_id='K01'")" = 1
check "the import stored the bundle" test "$(sqlite3 "$DB" "select count(*) from records where terminal_id='K09'")" = 301
contains "$(cat "$T/report.out")" '"terminals"' "the report is a report"

# ---- a writer that meets a held write lock: waits, then names the other ----
python3 - "$DB" "$T/unlock" >"$T/lock.out" 2>&1 <<'EOF' &
import os, sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
for _ in range(600):
    if os.path.exists(sys.argv[2]):
        break
    time.sleep(0.1)
c.execute("ROLLBACK")
EOF
LOCKP=$!
check "another process holds the write lock" wait_for "$T/lock.out" "locked"
t1=$(ms)
run "$B/zhucun" --db "$DB" bundle import "$T/k09.zcb" --host-key "$T/other/zhucun-host.pub.pem"
waited=$(($(ms) - t1))
echo "# a writer behind a held lock gave up after $waited ms"
check "the blocked writer fails" test "$rc" -ne 0 -a "$rc" -lt 128
contains "$err" "another zhucun command is writing to it; try again" "the message names the other writer"
check "it waited the busy timeout (about 10 s)" test "$waited" -ge 9000 -a "$waited" -lt 14000
run "$B/zhucun" --db "$DB" findings
expect_rc 0 "reading goes on beside the held lock"
run "$B/zhucun" --db "$DB" --lang zh bundle import "$T/k09.zcb" --host-key "$T/other/zhucun-host.pub.pem"
contains "$err" "数据库忙" "the Chinese message says the database is busy"
touch "$T/unlock"
wait "$LOCKP" 2>/dev/null || true
finish
