#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# reader_nfc.sh: the virtual PN532 (zhucun-sim reader) checked with libnfc's
# own tools over a real pty: nfc-list sees a UID card, then a PIV card with
# its ATS, and nothing once it is removed; nfc-poll finds a card (present at
# start, or arriving while it polls) and notices its removal through
# libnfc's presence check; the control socket, unplug/plug, latency, bad
# input, and a clean stop on SIGTERM and on quit.
source "$(dirname "$0")/lib.sh"
S="$ZC_BIN/zhucun-sim"
for tool in nfc-list nfc-poll openssl stdbuf timeout; do
  command -v "$tool" >/dev/null || { echo "FAIL - $tool not installed (libnfc-examples, libnfc-bin, openssl)"; exit 1; }
done
export LIBNFC_AUTO_SCAN=false
export LIBNFC_DEVICE="pn532_uart:$T/pn532"
LINK="$T/pn532"
RPID=
PPID_=
cleanup() {
  stop "$PPID_" "$RPID"
  remove_tmp
}
trap cleanup EXIT

# wait_for FILE PATTERN [TENTHS]: until grep finds PATTERN in FILE
wait_for() {
  local i
  for ((i = 0; i < ${3:-50}; i++)); do
    grep -qF -- "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}
ctl() { "$S" reader --link "$LINK" --send "$*"; }
start_reader() {
  : >"$T/reader.out"
  "$S" reader --link "$LINK" "$@" >"$T/reader.out" 2>"$T/reader.err" &
  RPID=$!
  wait_for "$T/reader.out" "ready " 50
}
stop_reader() {
  kill "$RPID" 2>/dev/null
  wait "$RPID" 2>/dev/null
  RPID=
}
nfclist() { run timeout 10 nfc-list "$@"; }

# A PIV card file: P-256 key and self-signed certificate by openssl.
openssl ecparam -name prime256v1 -genkey -noout -out "$T/key.pem" 2>/dev/null
openssl req -x509 -new -key "$T/key.pem" -days 3650 -out "$T/cert.pem" \
  -subj "/O=Test District/OU=B001/serialNumber=C001/CN=Test Cadre" 2>/dev/null
{
  printf '# zhucun virtual PIV card\nuuid=0123456789abcdef0123456789abcdef\nuid=08123456\nbadge=B001\ncadre=C001\n'
  cat "$T/cert.pem" "$T/key.pem"
} >"$T/card.txt"

# ---- bad options fail at once ----
run "$S" reader --link "$T/bad" --card uid:XYZ
expect_rc 2 "bad --card"
contains "$err" "uid:XYZ" "names the bad card"
run "$S" reader --link "$T/bad" --card "piv:$T/missing.txt"
expect_rc 2 "missing card file"
contains "$err" "missing.txt" "names the missing card file"
run "$S" reader --link "$T/a:b"
expect_rc 2 "a link with ':'"
run "$S" reader --link "$T/bad" --latency soon
expect_rc 2 "bad --latency"
run "$S" reader --link "$T/nobody" --send status
expect_rc 1 "--send with no reader"
contains "$err" "cannot reach" "says it cannot reach the reader"

# ---- a UID card ----
check "reader ready" start_reader --card uid:04A22B91 --card "piv:$T/card.txt"
pts=$(sed -n 's/^ready //p' "$T/reader.out")
check "ready names a pty" test -c "$pts"
check "the link points at it" test "$(readlink "$LINK")" = "$pts"
check "the control socket exists" test -S "$LINK.ctl"
run ctl status
contains "$out" "ok uid 04a22b91" "status: the UID card"
nfclist
expect_rc 0 "nfc-list"
contains "$out" "1 ISO14443A passive target(s) found" "nfc-list finds one ISO14443A target"
contains "$out" "UID (NFCID1): 04  a2  2b  91" "nfc-list shows the UID"
contains "$out" "SAK (SEL_RES): 08" "nfc-list shows SAK 08"
contains "$out" "ATQA (SENS_RES): 00  04" "nfc-list shows ATQA 00 04"

# ---- a PIV card, by its --card number ----
run ctl present 2
contains "$out" "ok present piv B001 C001" "present the PIV card"
nfclist -v
contains "$out" "1 ISO14443A passive target(s) found" "nfc-list finds the PIV card"
contains "$out" "08  12  34  56" "nfc-list shows its UID"
contains "$out" "SAK (SEL_RES): 20" "SAK 20"
contains "$out" "Compliant with ISO/IEC 14443-4" "ISO 14443-4"
contains "$out" "ATS: 75  77  81  02  80" "nfc-list shows the ATS"
contains "$out" "0 Felica (212 kbps) passive target(s) found" "no FeliCa target"
contains "$out" "0 ISO14443B passive target(s) found" "no type B target"
run ctl remove
contains "$out" "ok removed" "remove"
nfclist -v
contains "$out" "0 ISO14443A passive target(s) found" "nothing once removed"

# ---- nfc-poll: a card already there, then removed ----
ctl present "piv:$T/card.txt" >/dev/null
timeout 20 nfc-poll >"$T/poll1.out" 2>&1 &
PPID_=$!
check "nfc-poll finds the card" wait_for "$T/poll1.out" "Waiting for card removing" 50
contains "$(cat "$T/poll1.out")" "ATS: 75  77  81  02  80" "nfc-poll shows the ATS"
ctl remove >/dev/null
wait "$PPID_"
prc=$?
PPID_=
check "nfc-poll exits 0" test "$prc" -eq 0
contains "$(cat "$T/poll1.out")" "done." "nfc-poll sees the removal"

# ---- nfc-poll: a card arriving while it polls (held InAutoPoll) ----
# (line-buffered, so its first lines can be waited for)
timeout 20 stdbuf -oL nfc-poll >"$T/poll2.out" 2>&1 &
PPID_=$!
check "nfc-poll starts polling" wait_for "$T/poll2.out" "NFC device will poll" 50
sleep 0.3
check "nothing found before the card comes" test -z "$(grep -F 'ISO/IEC 14443A' "$T/poll2.out")"
ctl present uid:04A22B91 >/dev/null
check "nfc-poll finds the arriving card" wait_for "$T/poll2.out" "Waiting for card removing" 50
contains "$(cat "$T/poll2.out")" "04  a2  2b  91" "with its UID"
ctl remove >/dev/null
wait "$PPID_"
PPID_=
contains "$(cat "$T/poll2.out")" "done." "and sees it go (MIFARE re-selection)"

# ---- latency ----
ctl present uid:04A22B91 >/dev/null
run ctl latency 10
contains "$out" "ok latency 10" "set latency"
t0=$(date +%s%N)
nfclist
t1=$(date +%s%N)
contains "$out" "04  a2  2b  91" "nfc-list with 10 ms latency"
check "latency slows it down (>= 0.2 s)" test $(((t1 - t0) / 1000000)) -ge 200
run ctl latency model
contains "$out" "ok latency model" "the latency model"
nfclist
contains "$out" "04  a2  2b  91" "nfc-list with the latency model"
ctl latency 0 >/dev/null

# ---- unplug and plug ----
run ctl unplug
contains "$out" "ok unplugged" "unplug"
check "the link is gone" test ! -e "$LINK"
run ctl status
contains "$out" "(unplugged)" "status says unplugged"
nfclist
contains "$out$err" "Unable to open NFC device" "nfc-list cannot open it"
run ctl plug
contains "$out" "ok plugged /dev/pts/" "plug"
check "the link is back" test -L "$LINK"
nfclist
contains "$out" "04  a2  2b  91" "nfc-list works after plug"

# ---- bad control commands ----
run ctl present uid:12
expect_rc 1 "present with a bad UID"
contains "$out" "error" "answered with an error"
run ctl present 9
contains "$out" "error no --card number 9" "present with a bad number"
run ctl frobnicate
contains "$out" "error unknown command 'frobnicate'" "unknown command"
run ctl latency -5
contains "$out" "error latency" "bad latency"

# ---- stopping ----
stop_reader
check "SIGTERM removes the link" test ! -e "$LINK"
check "SIGTERM removes the control socket" test ! -e "$LINK.ctl"
check "restart with no card" start_reader
run ctl status
contains "$out" "ok none" "no card at start without --card"
run ctl quit
contains "$out" "ok bye" "quit"
wait "$RPID"
qrc=$?
RPID=
check "quit exits 0" test "$qrc" -eq 0
check "quit removes the link" test ! -e "$LINK"
finish
