#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# cli_errors.sh: bad arguments, missing files and corrupt databases give one
# clear error line and a non-zero exit, never a crash.
source "$(dirname "$0")/lib.sh"
Z="$ZC_BIN/zhucun"
S="$ZC_BIN/zhucun-sim"
"$S" journal --out "$T/k" --records 5 --quiet

one_line() { test "$(printf '%s\n' "$err" | grep -c .)" -eq 1; }

run "$Z"
expect_rc 2 "no command"
run "$Z" frobnicate
expect_rc 2 "unknown command"
contains "$err" "unknown command 'frobnicate'" "names the unknown command"
run "$Z" --bogus ingest
expect_rc 2 "unknown option"
run "$Z" ingest
expect_rc 2 "ingest without arguments"
check "usage is one line" one_line
run "$Z" --db "$T/h.db" ingest "$T/missing" --terminal-key "$T/k/terminal.pub.pem"
expect_rc 1 "missing journal"
contains "$err" "no journal at $T/missing" "names the missing journal"
check "one line" one_line
run "$Z" --db "$T/h.db" ingest "$T/k/journal" --terminal-key "$T/nokey.pem"
expect_rc 1 "missing key file"
contains "$err" "$T/nokey.pem" "names the missing key"
check "one line" one_line
run "$Z" --db "$T/h.db" ingest "$T/k/journal" --terminal-key "$T/k/terminal.key"
expect_rc 1 "a private key where the public key belongs"
head -c 4096 /dev/urandom > "$T/garbage.db"
run "$Z" --db "$T/garbage.db" ingest "$T/k/journal" --terminal-key "$T/k/terminal.pub.pem"
expect_rc 1 "a database file that is not SQLite"
contains "$err" "$T/garbage.db" "names the database"
check "one line" one_line
# a real database, then damaged in its pages
"$Z" --db "$T/real.db" ingest "$T/k/journal" --terminal-key "$T/k/terminal.pub.pem" >/dev/null
sqlite3 "$T/real.db" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
size=$(stat -c %s "$T/real.db")
# keep the 100-byte header, garble every page after it
dd if=/dev/urandom of="$T/real.db" bs=1 seek=100 count=$((size - 100)) conv=notrunc status=none
run "$Z" --db "$T/real.db" findings
expect_rc 1 "corrupt database"
contains "$err" "$T/real.db" "names the corrupt database"
check "one line" one_line
# an SQLite database of another application
sqlite3 "$T/other.db" 'create table x(a); insert into x values(1);'
run "$Z" --db "$T/other.db" findings
expect_rc 1 "someone else's SQLite database"
check "one line" one_line
run "$Z" --db "" findings
expect_rc 2 "empty --db"
run "$S" journal --out "$T/x" --records abc
expect_rc 2 "sim: non-numeric --records"
run "$Z" --lang zh frobnicate
contains "$err" "未知命令" "Chinese message with --lang zh"
finish
