#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# piv_clients.sh: the virtual PIV card checked by independent PIV clients.
# A card issued by zhucun-ca is put behind a pcscd of the test's own with
# vsmartcard's vpcd reader driver (zhucun-sim vicc), then:
#   - opensc-tool / piv-tool: the reader, the ATR, OpenSC's PIV driver
#     recognising the card by itself, the CHUID GUID as serial number;
#   - pkcs15-tool / pkcs11-tool (OpenSC): the Card Authentication
#     certificate is the issued one; key 9E signs without a PIN
#     (pkcs15-crypt) and through PKCS#11; openssl verifies the signatures;
#     a wrong PIN is refused;
#   - a forged card (zhucun-ca clone: same certificate, another key) shows
#     the same certificate but its signatures are rejected;
#   - yubico-piv-tool: status, the 9E certificate, and a 9E signature that
#     it verifies itself and that openssl verifies from its APDU trace;
#   - vicc reconnects when pcscd restarts and stops cleanly on SIGTERM.
# pcscd 1.9.9 ignores PCSCLITE_CSOCK_NAME (its socket is always
# /run/pcscd/pcscd.comm) and vpcd listens on all interfaces, so the test
# runs in private mount, network and PID namespaces (unshare): its own
# /run/pcscd, a loopback of its own, nothing left behind. Without them it
# runs on the machine only when no other pcscd is there (ZC_PIV_NO_UNSHARE=1
# forces that).
# Exit 77 (SKIP) only when the packages are missing and cannot be installed,
# or when no private pcscd can be had.
set -uo pipefail
SKIP=77
skip() { echo "SKIP: independent PIV client check: $*"; exit "$SKIP"; }

if [ -z "${ZC_PIV_STAGE:-}" ]; then
  # ---- outside: packages, then into the namespaces ----
  VPCD_SO=/usr/lib/pcsc/drivers/serial/libifdvpcd.so
  have_all() { # sets $lacking
    local c
    lacking=""
    for c in pcscd opensc-tool pkcs15-tool pkcs15-crypt pkcs11-tool piv-tool yubico-piv-tool openssl ip; do
      command -v "$c" >/dev/null || lacking+=" $c"
    done
    for c in "$VPCD_SO" /etc/reader.conf.d/vpcd; do
      [ -e "$c" ] || lacking+=" $c"
    done
    [ -z "$lacking" ]
  }
  pkgs=(pcscd vsmartcard-vpcd opensc yubico-piv-tool iproute2)
  if ! have_all; then
    if [ "$(id -u)" -ne 0 ]; then
      skip "needs ${pkgs[*]} (missing:$lacking) and cannot install them because it is not running as root"
    fi
    command -v apt-get >/dev/null || skip "needs ${pkgs[*]} (missing:$lacking) and cannot install them because there is no apt-get"
    echo "# installing ${pkgs[*]}"
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/tmp/zc-piv-apt.$$ 2>&1; then
      apt-get update -qq >>/tmp/zc-piv-apt.$$ 2>&1
      if ! apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >>/tmp/zc-piv-apt.$$ 2>&1; then
        why=$(grep -E '^E:' /tmp/zc-piv-apt.$$ | head -1)
        rm -f /tmp/zc-piv-apt.$$
        skip "needs ${pkgs[*]} (missing:$lacking) and apt-get could not install them because: ${why:-apt-get failed}"
      fi
    fi
    rm -f /tmp/zc-piv-apt.$$
    have_all || skip "installed ${pkgs[*]} but still missing:$lacking"
  fi
  user=()
  [ "$(id -u)" -eq 0 ] || user=(--map-root-user)
  [ -n "${ZC_PIV_NO_UNSHARE:-}" ] && nslist=() || nslist=("--mount --net --pid --fork --mount-proc --kill-child" "--mount --net --fork --kill-child")
  for ns in "${nslist[@]}"; do
    # shellcheck disable=SC2086
    if unshare "${user[@]}" $ns true 2>/dev/null; then
      # shellcheck disable=SC2086
      exec env ZC_PIV_STAGE=ns unshare "${user[@]}" $ns bash "$0" "$@"
    fi
  done
  # No namespaces: the machine's own /run/pcscd must be free.
  [ "$(id -u)" -eq 0 ] || skip "cannot make private namespaces (unshare) and is not root to run pcscd"
  if [ -f /run/pcscd/pcscd.pid ] && kill -0 "$(cat /run/pcscd/pcscd.pid)" 2>/dev/null; then
    skip "a pcscd already runs on this machine and no private one can be had because unshare fails here"
  fi
  exec env ZC_PIV_STAGE=host bash "$0" "$@"
fi

# ---- inside ----
source "$(dirname "$0")/lib.sh"
set +e +o pipefail
S="$ZC_BIN/zhucun-sim"
CA="$ZC_BIN/zhucun-ca"
M=/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so
[ -e "$M" ] || M=$(dpkg -L opensc-pkcs11 2>/dev/null | grep '/opensc-pkcs11\.so$' | head -1)
READER="Virtual PCD 00 00"
t_start=$(date +%s.%N)
elapsed() { awk -v a="$t_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f s", b - a }'; }
unset PCSCLITE_CSOCK_NAME OPENSC_DRIVER
export HOME="$T" OPENSC_CONF="$T/opensc.conf"
# No file caching: every read must reach the card.
printf 'app default {\n  framework pkcs15 {\n    use_file_caching = no;\n  }\n}\n' >"$OPENSC_CONF"

PCSCD_PID=
VICC_PID=
cleanup() {
  stop "$VICC_PID" "$PCSCD_PID"
  remove_tmp
}
trap cleanup EXIT
on_fail_dump() {
  echo "# --- vicc stderr (tail) ---"; tail -n 40 "$T/vicc.err" 2>/dev/null | sed 's/^/# /'
  echo "# --- pcscd log (tail) ---"; tail -n 20 "$T/pcscd.log" 2>/dev/null | sed 's/^/# /'
}

if [ "$ZC_PIV_STAGE" = ns ]; then
  ip link set lo up || { echo "FAIL - cannot bring up lo in the private network namespace"; exit 1; }
  # A private /run/pcscd; where the machine has none, a private /run (so
  # that nothing is created outside).
  if [ -d /run/pcscd ]; then
    mount -t tmpfs -o mode=0755 zc-pcscd /run/pcscd
  else
    mount -t tmpfs -o mode=0755 zc-run /run && mkdir /run/pcscd
  fi || { echo "FAIL - cannot mount a private /run/pcscd"; exit 1; }
  echo "# private mount/net/pid namespaces: own /run/pcscd, own loopback"
else
  echo "# no namespaces: using the machine's /run/pcscd (no other pcscd runs)"
fi

# wait_for FILE PATTERN [TENTHS] [COUNT]: until PATTERN is in FILE COUNT times
wait_for() {
  local i
  for ((i = 0; i < ${3:-50}; i++)); do
    [ "$(grep -cF -- "$2" "$1" 2>/dev/null)" -ge "${4:-1}" ] && return 0
    sleep 0.1
  done
  return 1
}
# until a client sees the card in the reader
wait_card() {
  local i
  for ((i = 0; i < ${1:-100}; i++)); do
    opensc-tool --reader "$READER" --atr >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  return 1
}
start_pcscd() {
  pcscd --foreground --apdu --debug --config "$T/readers" >>"$T/pcscd.log" 2>&1 &
  PCSCD_PID=$!
}
stop_pcscd() {
  kill "$PCSCD_PID" 2>/dev/null
  wait "$PCSCD_PID" 2>/dev/null
  PCSCD_PID=
}
hex() { od -An -tx1 -v "$1" | tr -d ' \n'; }
unhex() { printf '%b' "$(sed 's/../\\x&/g' <<<"$1")"; }
fpr() { openssl x509 "$@" -noout -fingerprint -sha256 2>/dev/null | sed 's/.*=//; s/://g' | tr A-F a-f; }

# ---- bad options fail at once ----
run "$S" vicc
expect_rc 2 "vicc without --card"
run "$S" vicc --card uid:04A22B91
expect_rc 2 "vicc with a UID-only card"
contains "$err" "APDU" "says the card must take APDUs"
run "$S" vicc --card "piv:$T/missing.txt"
expect_rc 2 "vicc with a missing card file"
run "$S" vicc --card "piv:$T/missing.txt" --port 0
expect_rc 2 "vicc with --port 0"

# ---- a badge from the district CA ----
run "$CA" init --dir "$T/ca" --name "Test District CA" --district 测试区
expect_rc 0 "zhucun-ca init"
run "$CA" issue --dir "$T/ca" --badge B001 --cadre C001 --name 张三 --out "$T/card.txt" --cert-out "$T/issued.der"
expect_rc 0 "zhucun-ca issue"
ca_fpr=$(sed -n 's/.*fingerprint \([0-9a-f]\{64\}\).*/\1/p' <<<"$out")
CARD="$T/card.txt"
uuid=$(sed -n 's/^uuid=//p' "$CARD" | tr -d '-' | tr A-F a-f)
want_fpr=$(fpr -in "$CARD")
check "the card file's certificate is the one zhucun-ca reported" test -n "$want_fpr" -a "$want_fpr" = "$ca_fpr"
check "and the one written with --cert-out" test "$(fpr -inform der -in "$T/issued.der")" = "$want_fpr"
openssl x509 -in "$CARD" -out "$T/issued.pem"
openssl x509 -in "$CARD" -noout -pubkey >"$T/pub.pem"
openssl x509 -in "$T/ca/ca.pem" -noout -pubkey >"$T/capub.pem"

# ---- pcscd with vpcd, and the card ----
mkdir -p "$T/readers"
cp /etc/reader.conf.d/vpcd "$T/readers/vpcd" # vpcd's own: port 0x8C7B = 35963
: >"$T/vicc.out"
# The card first: it must wait for vpcd and connect once it is there.
"$S" vicc --card "piv:$CARD" --verbose >"$T/vicc.out" 2>>"$T/vicc.err" &
VICC_PID=$!
check "vicc waits for vpcd" wait_for "$T/vicc.err" "waiting for vpcd" 30
start_pcscd
check "vicc connects to vpcd (ready)" wait_for "$T/vicc.out" "ready 127.0.0.1:35963" 100
check "a client sees the card" wait_card 100
t_ready=$(elapsed)

# ---- opensc-tool, piv-tool ----
run opensc-tool --list-readers
contains "$out" "$READER" "opensc-tool lists the vpcd reader"
check "with a card in it" grep -qE "^[0-9]+ +Yes +.*$READER" <<<"$out"
run opensc-tool --reader "$READER" --atr
# PC/SC part 3 for an ISO 14443-4 card whose ATS has one historical byte 80
contains "$out" "3b:81:80:01:80:80" "ATR 3B 81 80 01 80 80 (T=1, the ATS's historical bytes)"
run opensc-tool --reader "$READER" --name
contains "$out" "Personal Identity Verification Card" "OpenSC's PIV driver takes the card by itself"
run piv-tool --name
contains "$out" "Personal Identity Verification Card" "piv-tool: a PIV card"
run piv-tool --serial
got_guid=$(grep -oE '^([0-9A-F]{2} ){16}' <<<"$out" | tr -d ' \n' | tr A-F a-f)
check "piv-tool --serial is the CHUID GUID = the card file's uuid ($uuid)" test -n "$uuid" -a "$got_guid" = "$uuid"

# ---- OpenSC PKCS#15: the certificate ----
run pkcs15-tool --list-certificates
contains "$out" "Certificate for Card Authentication" "pkcs15-tool lists the Card Authentication certificate"
contains "$out" "ID             : 04" "with PKCS#15 id 04"
run pkcs15-tool --read-certificate 04
expect_rc 0 "pkcs15-tool --read-certificate 04"
printf '%s\n' "$out" >"$T/p15.pem"
got=$(fpr -in "$T/p15.pem")
check "pkcs15-tool's certificate is the issued one (sha256 ${want_fpr:0:16}...)" test -n "$got" -a "$got" = "$want_fpr"
run pkcs15-tool --list-keys
contains "$out" "Key ref        : 158 (0x9E)" "the CARD AUTH key is key 9E"
check "and needs no PIN (no Auth ID)" bash -c '! grep -q "Auth ID" <<<"$1"' _ "$out"

# ---- key 9E signs without a PIN (pkcs15-crypt), openssl verifies ----
head -c 200 /dev/urandom >"$T/data.bin"
openssl dgst -sha256 -binary "$T/data.bin" >"$T/data.sha256"
run pkcs15-crypt --sign --key 04 --sha-256 --signature-format openssl \
  --input "$T/data.sha256" --output "$T/p15.sig" </dev/null
expect_rc 0 "pkcs15-crypt signs with key 04 (9E) without a PIN"
run openssl dgst -sha256 -verify "$T/pub.pem" -signature "$T/p15.sig" "$T/data.bin"
contains "$out" "Verified OK" "openssl verifies the pkcs15-crypt signature with the certificate's key"
echo other >"$T/other.bin"
run openssl dgst -sha256 -verify "$T/pub.pem" -signature "$T/p15.sig" "$T/other.bin"
check "and not over other data" test "$rc" -ne 0
run openssl dgst -sha256 -verify "$T/capub.pem" -signature "$T/p15.sig" "$T/data.bin"
check "and not with another key (the CA's)" test "$rc" -ne 0

# ---- OpenSC PKCS#11 ----
run pkcs11-tool --module "$M" --list-slots
contains "$out" "$READER" "pkcs11-tool: a slot for the reader"
run pkcs11-tool --module "$M" --read-object --type cert --id 04 --output-file "$T/p11.der"
expect_rc 0 "pkcs11-tool reads certificate 04"
check "pkcs11-tool's certificate is the issued one" test "$(fpr -inform der -in "$T/p11.der")" = "$want_fpr"
run pkcs11-tool --module "$M" --login --pin 654321 --sign --mechanism ECDSA-SHA256 --id 04 \
  --input-file "$T/data.bin" --output-file "$T/bad.sig"
check "pkcs11-tool: a wrong PIN is refused" test "$rc" -ne 0
contains "$out"$'\n'"$err" "CKR_PIN_INCORRECT" "as CKR_PIN_INCORRECT"
run pkcs11-tool --module "$M" --login --pin 123456 --sign --mechanism ECDSA-SHA256 --id 04 \
  --input-file "$T/data.bin" --output-file "$T/p11.sig"
expect_rc 0 "pkcs11-tool signs with ECDSA-SHA256, key 04 (9E), PIN 123456"
check "a raw r||s signature of 64 bytes" test "$(stat -c %s "$T/p11.sig" 2>/dev/null)" = 64
rs=$(hex "$T/p11.sig")
printf 'asn1=SEQUENCE:sig\n[sig]\nr=INTEGER:0x%s\ns=INTEGER:0x%s\n' "${rs:0:64}" "${rs:64:64}" >"$T/sig.cnf"
openssl asn1parse -genconf "$T/sig.cnf" -out "$T/p11.der.sig" >/dev/null
run openssl dgst -sha256 -verify "$T/pub.pem" -signature "$T/p11.der.sig" "$T/data.bin"
contains "$out" "Verified OK" "openssl verifies the PKCS#11 signature (r||s -> DER)"
run openssl dgst -sha256 -verify "$T/pub.pem" -signature "$T/p11.der.sig" "$T/other.bin"
check "and not over other data" test "$rc" -ne 0

# ---- yubico-piv-tool ----
run yubico-piv-tool --reader "$READER" --action status
expect_rc 0 "yubico-piv-tool status"
contains "$out" "$uuid" "status: the CHUID carries the card's GUID"
contains "$out" "Fingerprint:"$'\t'"$want_fpr" "status: slot 9e holds the issued certificate"
contains "$out" "Algorithm:"$'\t'"ECCP256" "status: slot 9e is ECC P-256"
run yubico-piv-tool --reader "$READER" --action read-certificate --slot 9e
expect_rc 0 "yubico-piv-tool read-certificate 9e"
printf '%s\n' "$out" >"$T/yk.pem"
check "yubico-piv-tool's 9e certificate is the issued one" test "$(fpr -in "$T/yk.pem")" = "$want_fpr"
run yubico-piv-tool --verbose=3 --reader "$READER" --action test-signature --slot 9e --input "$T/issued.pem"
expect_rc 0 "yubico-piv-tool test-signature 9e against the issued certificate"
all="$out"$'\n'"$err"
contains "$all" "Successful ECDSA verification." "yubico-piv-tool verifies the 9E signature itself"
# Its own APDU trace: > 00 87 11 9e .. 7c .. 82 00 81 20 <hash>, < 7c LL 82 LL <DER> 90 00
cmd=$(grep -m1 '^> 00 87 11 9e' <<<"$all" | tr -d '> ' | tr A-F a-f)
resp=$(grep -A1 -m1 '^> 00 87 11 9e' <<<"$all" | sed -n '2s/^< //p' | tr -d ' ' | tr A-F a-f)
yk_hash=$(sed -n 's/.*82008120\([0-9a-f]\{64\}\)$/\1/p' <<<"$cmd")
yk_sig=$(sed -n 's/^7c[0-9a-f]\{2\}82[0-9a-f]\{2\}\(30[0-9a-f]*\)9000$/\1/p' <<<"$resp")
check "its trace shows GENERAL AUTHENTICATE 9E/11 and the card's answer" test -n "$yk_hash" -a -n "$yk_sig"
unhex "$yk_hash" >"$T/yk.hash"
unhex "$yk_sig" >"$T/yk.sig"
run openssl pkeyutl -verify -pubin -inkey "$T/pub.pem" -in "$T/yk.hash" -sigfile "$T/yk.sig"
contains "$out" "Signature Verified Successfully" "openssl verifies the signature yubico-piv-tool got"
run yubico-piv-tool --reader "$READER" --action test-signature --slot 9e --input "$T/ca/ca.pem"
check "yubico-piv-tool: the signature does not verify against another certificate" test "$rc" -ne 0
t_clients=$(elapsed)

# ---- pcscd restarts: vicc reconnects ----
stop_pcscd
check "vicc notices vpcd is gone" wait_for "$T/vicc.err" "vpcd closed the connection" 30
check "vicc keeps running" kill -0 "$VICC_PID"
start_pcscd
check "vicc reconnects (second ready)" wait_for "$T/vicc.out" "ready 127.0.0.1:35963" 100 2
check "a client sees the card again" wait_card 100
run pkcs15-tool --read-certificate 04
printf '%s\n' "$out" >"$T/p15b.pem"
check "and reads the same certificate" test "$(fpr -in "$T/p15b.pem")" = "$want_fpr"

# ---- SIGTERM ----
kill -TERM "$VICC_PID"
stopped=0
for ((i = 0; i < 30; i++)); do
  kill -0 "$VICC_PID" 2>/dev/null || { stopped=1; break; }
  sleep 0.1
done
wait "$VICC_PID"
vrc=$?
VICC_PID=
check "vicc stops on SIGTERM within 3 s" test "$stopped" = 1
check "with exit status 0 (got $vrc)" test "$vrc" = 0
card_gone() {
  local i
  for ((i = 0; i < 30; i++)); do
    opensc-tool --reader "$READER" --atr >/dev/null 2>&1 || return 0
    sleep 0.1
  done
  return 1
}
check "the card has left the reader" card_gone

# ---- a forged card (same certificate, another key) must fail the checks ----
run "$CA" clone "$CARD" --out "$T/clone.txt"
expect_rc 0 "zhucun-ca clone"
"$S" vicc --card "piv:$T/clone.txt" >"$T/clone.out" 2>>"$T/vicc.err" &
VICC_PID=$!
check "the clone connects" wait_for "$T/clone.out" "ready 127.0.0.1:35963" 100
check "a client sees the clone" wait_card 100
run pkcs15-tool --read-certificate 04
printf '%s\n' "$out" >"$T/clone.pem"
check "the clone shows the issued certificate" test "$(fpr -in "$T/clone.pem")" = "$want_fpr"
run pkcs15-crypt --sign --key 04 --sha-256 --signature-format openssl \
  --input "$T/data.sha256" --output "$T/clone.sig" </dev/null
expect_rc 0 "pkcs15-crypt signs with the clone's key 9E"
run openssl dgst -sha256 -verify "$T/pub.pem" -signature "$T/clone.sig" "$T/data.bin"
check "openssl rejects the clone's signature (exit $rc)" test "$rc" -ne 0
run yubico-piv-tool --reader "$READER" --action test-signature --slot 9e --input "$T/issued.pem"
check "yubico-piv-tool rejects the clone's signature (exit $rc)" test "$rc" -ne 0
kill -TERM "$VICC_PID"
wait "$VICC_PID"
VICC_PID=
stop_pcscd

echo "# card ready after $t_ready; all clients done after $t_clients; total $(elapsed)"
[ "$fails" -eq 0 ] || on_fail_dump
finish
