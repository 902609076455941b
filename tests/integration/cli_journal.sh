#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# cli_journal.sh: a synthetic terminal journal through the host CLI: ingest,
# idempotent re-ingest, export checked by openssl alone, tampering caught.
source "$(dirname "$0")/lib.sh"
Z="$ZC_BIN/zhucun"
S="$ZC_BIN/zhucun-sim"

run "$S" journal --out "$T/k01" --records 300 --terminal K01
expect_rc 0 "zhucun-sim journal writes 300 taps"
check "terminal key is owner-only (0600)" test "$(stat -c %a "$T/k01/terminal.key")" = 600
check "public key is PEM" grep -q "BEGIN PUBLIC KEY" "$T/k01/terminal.pub.pem"

run "$Z" --create --db "$T/host.db" ingest "$T/k01/journal" --terminal-key "$T/k01/terminal.pub.pem" --json
expect_rc 0 "ingest of a clean journal"
contains "$out" '"stored":301' "boot record + 300 taps stored"
contains "$out" '"findings":0' "no findings on a clean journal"

run "$Z" --create --db "$T/host.db" ingest "$T/k01/journal" --terminal-key "$T/k01/terminal.pub.pem" --json
expect_rc 0 "second ingest"
contains "$out" '"stored":0' "second ingest stores nothing"
contains "$out" '"duplicates":301' "second ingest sees 301 duplicates"
check "record count unchanged in SQLite" test "$(sqlite3 "$T/host.db" 'select count(*) from records')" = 301

run "$Z" journal export "$T/k01/journal" --out "$T/export"
expect_rc 0 "journal export"
n=0; okc=0
for body in "$T"/export/*.body; do
  n=$((n + 1))
  if openssl dgst -sha256 -verify "$T/export/terminal.pub.pem" -signature "${body%.body}.sig" "$body" >/dev/null 2>&1; then
    okc=$((okc + 1))
  fi
done
check "openssl verifies all $n exported records" test "$n" = 301 -a "$okc" = 301
# and a changed body must not verify
printf 'X' | dd of="$T/export/5.body" bs=1 seek=30 conv=notrunc status=none
check "openssl rejects a changed body" bash -c "! openssl dgst -sha256 -verify '$T/export/terminal.pub.pem' -signature '$T/export/5.sig' '$T/export/5.body' >/dev/null 2>&1"

# Tampering between pulls: a flipped time (re-framed by the attacker).
cp -r "$T/k01" "$T/flip"
"$S" tamper "$T/flip/journal" --seq 120 --how flip
run "$Z" --create --db "$T/flip.db" ingest "$T/flip/journal" --terminal-key "$T/flip/terminal.pub.pem" --json
expect_rc 3 "ingest of a tampered journal reports problems"
contains "$out" '"bad_signature":1' "bad signature found"
run "$Z" --create --db "$T/flip.db" findings --json
contains "$out" '"seq":120' "finding names record 120"
# the same tampered journal into the clean database: a fork at 120
run "$Z" --create --db "$T/host.db" ingest "$T/flip/journal" --terminal-key "$T/flip/terminal.pub.pem" --json
expect_rc 3 "tampered copy against the stored chain"
contains "$out" '"fork":1' "fork found against the stored record"

# A dropped record: a gap.
cp -r "$T/k01" "$T/drop"
"$S" tamper "$T/drop/journal" --seq 50 --how drop
run "$Z" --create --db "$T/drop.db" ingest "$T/drop/journal" --terminal-key "$T/drop/terminal.pub.pem" --json
expect_rc 3 "ingest with a dropped record"
contains "$out" '"gap":1' "gap found"
contains "$out" '"stored":300' "every other record stored"

# A torn tail: reported, and everything before it stored.
cp -r "$T/k01" "$T/torn"
"$S" tamper "$T/torn/journal" --seq 301 --how truncate
run "$Z" --create --db "$T/torn.db" ingest "$T/torn/journal" --terminal-key "$T/torn/terminal.pub.pem" --json
expect_rc 3 "ingest with a torn last entry"
contains "$out" '"stored":300' "all complete records stored"
contains "$out" '"malformed":1' "torn entry reported"

# Another key for a registered terminal is refused.
"$S" journal --out "$T/other" --records 3 --terminal K01 --quiet
run "$Z" --create --db "$T/host.db" ingest "$T/other/journal" --terminal-key "$T/other/terminal.pub.pem"
expect_rc 1 "a second key for K01 is refused"
contains "$err" "registered with another key" "refusal says why"
check "refusal is one line" test "$(wc -l <<<"$err")" -eq 1

run "$Z" journal show "$T/k01/journal"
expect_rc 0 "journal show"
contains "$out" "boot" "show lists the boot record"
finish
