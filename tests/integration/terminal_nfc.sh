#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# terminal_nfc.sh: zhucun-terminal on boards/sim.conf reading badges from
# `zhucun-sim reader` through the real libnfc pn532_uart driver, over a pty.
# Badges come from the real CA tool. Asserted from the journal the terminal
# writes: a good PIV badge (its badge signature checked against the
# certificate over the recomputed challenge), the second tap within the
# minute, a clone, an unknown CA, a revoked badge, a UID card, a card pulled
# away mid-authentication, the reader vanishing and returning; and hostile
# cards (issue 10): one answering GENERAL AUTHENTICATE with
# 7C 0A 82 08 00..00 (item 12: recorded as a card error, the terminal runs
# on), one claiming the good badge's UUID with another certificate (item 13:
# refused, and the good badge's next tap is still its own).
source "$(dirname "$0")/lib.sh"
B="$ZC_BIN"
BOARD="$ZC_SOURCE_ROOT/boards/sim.conf"
export ZHUCUN_SIM_DIR="$T/sim"
export LIBNFC_AUTO_SCAN=false
mkdir -p "$ZHUCUN_SIM_DIR"
RPID= TPID=
cleanup() {
  stop "$TPID" "$RPID"
  remove_tmp
}
trap cleanup EXIT
wait_for() { # FILE PATTERN [TENTHS]
  local i
  for ((i = 0; i < ${3:-100}; i++)); do
    grep -qF -- "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}
term() { "$B/zhucun-terminal" --board "$BOARD" "$@"; }
reader() { "$B/zhucun-sim" reader --link "$ZHUCUN_SIM_DIR/pn532" --send "$*" >/dev/null; }
FB="$ZHUCUN_SIM_DIR/feedback.log"
J="$ZHUCUN_SIM_DIR/state/journal"
records() { "$B/zhucun" journal show "$J" --json "$@"; }
nrec() { records | wc -l; }
last() { records "$@" | tail -n 1; }
# tap SPEC [EXTRA]: present a card, wait for the terminal's feedback, remove it
tap() {
  local n0
  n0=$(grep -c . "$FB" 2>/dev/null || true)
  reader present "$@"
  for ((i = 0; i < 100; i++)); do
    [ "$(grep -c . "$FB")" -gt "$n0" ] && break
    sleep 0.1
  done
  reader remove
  sleep 0.3
}
clock() { term ctl time "$1" >/dev/null; }

# ---- badges ----
"$B/zhucun-ca" init --dir "$T/ca" --name "测试区工牌CA" --district "测试区" >/dev/null
"$B/zhucun-ca" init --dir "$T/ca2" --name "别的区工牌CA" --district "别的区" >/dev/null
"$B/zhucun-ca" issue --dir "$T/ca" --badge B001 --cadre C001 --name "张三" --out "$T/b001.card" >/dev/null
"$B/zhucun-ca" issue --dir "$T/ca" --badge B002 --cadre C002 --name "李四" --out "$T/b002.card" >/dev/null
"$B/zhucun-ca" issue --dir "$T/ca2" --badge X001 --cadre C009 --name "王五" --out "$T/x001.card" >/dev/null
"$B/zhucun-ca" clone "$T/b001.card" --out "$T/b001x.card" >/dev/null
"$B/zhucun-ca" revoke --dir "$T/ca" --badge B002 --at 2025-06-01T00:00:00Z >/dev/null
check "badges issued" test -s "$T/b001.card" -a -s "$T/b001x.card" -a -s "$T/x001.card"

# ---- reader, provisioning, terminal ----
"$B/zhucun-sim" reader --link "$ZHUCUN_SIM_DIR/pn532" >"$T/reader.out" 2>"$T/reader.err" &
RPID=$!
check "virtual reader ready" wait_for "$T/reader.out" "ready "
START=2025-07-01T08:00:00+08:00
run term --set sim_start=$START provision --terminal K01 --township T01 --ca "$T/ca/ca.pem" --revocations "$T/ca/revocations.zrl"
expect_rc 0 "provision"
run term provision --terminal K01 --township T01 --ca "$T/ca/ca.pem"
expect_rc 1 "provisioning twice is refused"
check "terminal key is owner-only" test "$(stat -c %a "$ZHUCUN_SIM_DIR/state/terminal.key")" = 600
"$B/zhucun-terminal" --board "$BOARD" --set sim_start=$START >"$T/term.out" 2>"$T/term.err" &
TPID=$!
check "terminal ready" wait_for "$T/term.out" "ready K01"

# 1. a good PIV badge
clock 2025-07-01T08:30:00+08:00
tap "piv:$T/b001.card"
l=$(last --cert "$T/b001.card")
contains "$l" '"result":"ok"' "good badge: tap recorded ok"
contains "$l" '"badge_kind":"piv"' "good badge: PIV"
contains "$l" '"badge_sig_ok":true' "good badge: badge signature verifies over the recomputed challenge"
contains "$l" '"utc":"2025-07-01T00:30:00.000Z"' "good badge: the terminal's simulated time"
contains "$(tail -n 1 "$FB")" "张三 签到成功 2025-07-01 08:30" "display line in Chinese with name and time"

# 2. the same badge 30 s later: already recorded, no record
n=$(nrec)
clock 2025-07-01T08:30:30+08:00
tap "piv:$T/b001.card"
check "second tap within the minute adds no record" test "$(nrec)" -eq "$n"
contains "$(tail -n 1 "$FB")" "ALREADY" "second tap: already recorded"
contains "$(tail -n 1 "$FB")" "已签到" "second tap: Chinese message"

# 3. a clone (same certificate, another key)
clock 2025-07-01T08:35:00+08:00
tap "piv:$T/b001x.card"
l=$(last --cert "$T/b001.card")
contains "$l" '"result":"bad_signature"' "clone: recorded as bad signature"
contains "$l" '"badge_sig_ok":false' "clone: its signature fails against the certificate"
contains "$(tail -n 1 "$FB")" "REJECTED bad_signature" "clone: rejected"

# 4. a badge of another CA
tap "piv:$T/x001.card"
contains "$(last)" '"result":"unknown_ca"' "unknown CA: recorded with its reason"
contains "$(tail -n 1 "$FB")" "非本区签发" "unknown CA: Chinese reason"

# 5. a revoked badge (revoked from 2025-06-01)
tap "piv:$T/b002.card"
contains "$(last)" '"result":"revoked"' "revoked badge: recorded as revoked"
contains "$(tail -n 1 "$FB")" "REJECTED revoked" "revoked badge: rejected"

# 6. a UID card
tap "uid:04A1B2C3"
l=$(last)
contains "$l" '"badge_kind":"uid"' "UID card: recorded"
contains "$l" '"result":"weak"' "UID card: weak"
contains "$l" '"badge_id":"04a1b2c3"' "UID card: its UID"

# 7. a card pulled away mid-authentication (after SELECT and the CHUID)
clock 2025-07-01T08:40:00+08:00
tap "piv:$T/b001.card" remove-after 2
contains "$(last)" '"result":"removed"' "card pulled away: recorded as removed"
contains "$(tail -n 1 "$FB")" "重新刷卡" "card pulled away: asked to tap again"
tap "piv:$T/b001.card"
contains "$(last)" '"result":"ok"' "the same badge tapped again properly: ok"

# 8. the reader vanishes and returns
n=$(nrec)
reader unplug
sleep 1.5
l=$(last)
contains "$l" '"kind":"reader_fault"' "reader unplugged: fault recorded"
check "one fault record for the outage" test "$(nrec)" -eq $((n + 1))
contains "$(term ctl status)" "reader=0" "status shows the reader down"
reader plug
for ((i = 0; i < 100; i++)); do term ctl status | grep -q "reader=1" && break; sleep 0.1; done
contains "$(term ctl status)" "reader=1" "reader back"
contains "$(last)" '"text":"reader restored"' "reader restored: recorded"
clock 2025-07-01T08:45:00+08:00
tap "piv:$T/b002.card"
contains "$(last)" '"result":"revoked"' "taps work again after the reader returns"

# 9. a hostile card: GENERAL AUTHENTICATE answered 7C 0A 82 08 00..00 90 00
{ echo "hostile_ga=7C0A82080000000000000000"; cat "$T/b001.card"; } >"$T/b001z.card"
clock 2025-07-01T09:00:00+08:00
tap "piv:$T/b001z.card"
l=$(last)
contains "$l" '"result":"card_error"' "zero signature: recorded as a card error"
contains "$(tail -n 1 "$FB")" "REJECTED card_error" "zero signature: rejected"
contains "$(term ctl status)" "reader=1" "zero signature: the terminal runs on"
clock 2025-07-01T09:05:00+08:00
tap "piv:$T/b001.card"
contains "$(last --cert "$T/b001.card")" '"badge_sig_ok":true' "after the hostile card the good badge checks in"

# 10. another certificate under a badge's UUID (its CHUID is public), before
# that badge was ever tapped here: refused, and nothing is cached under it
"$B/zhucun-ca" issue --dir "$T/ca" --badge B003 --cadre C003 --name "赵六" --out "$T/b003.card" >/dev/null
uuid=$(sed -n 's/^uuid=//p' "$T/b003.card")
sed "s/^uuid=.*/uuid=$uuid/" "$T/x001.card" >"$T/x001u.card"
clock 2025-07-01T09:10:00+08:00
tap "piv:$T/x001u.card"
contains "$(last)" '"result":"unknown_ca"' "foreign certificate under a victim's UUID: unknown CA"
clock 2025-07-01T09:15:00+08:00
tap "piv:$T/b003.card"
l=$(last --cert "$T/b003.card")
contains "$l" '"result":"ok"' "the victim's badge after the impostor: ok (no poisoned cache)"
contains "$l" '"badge_sig_ok":true' "the victim's badge after the impostor: its own certificate"
# with the victim's certificate cached, the impostor is a possible clone
clock 2025-07-01T09:20:00+08:00
tap "piv:$T/x001u.card"
contains "$(last --cert "$T/b003.card")" '"result":"bad_signature"' "impostor after the victim: bad signature"

# the whole journal verifies on the host
run "$B/zhucun" --create --db "$T/host.db" ingest "$J" --terminal-key "$ZHUCUN_SIM_DIR/state/terminal.pub.pem" --json
expect_rc 0 "host ingests the terminal's journal without findings"
contains "$out" '"findings":0' "no integrity findings"

run term ctl quit
expect_rc 0 "terminal stops on quit"
wait "$TPID" 2>/dev/null
TPID=
finish
