#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# cli_errors.sh: bad arguments, missing files and corrupt databases give one
# clear error line and a non-zero exit, never a crash.
source "$(dirname "$0")/lib.sh"
Z="$ZC_BIN/zhucun"
S="$ZC_BIN/zhucun-sim"
"$S" journal --out "$T/k" --records 5 --quiet

one_line() { test "$(printf '%s\n' "$err" | grep -c .)" -eq 1; }
"$Z" --db "$T/h.db" init >/dev/null

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
"$Z" --create --db "$T/real.db" ingest "$T/k/journal" --terminal-key "$T/k/terminal.pub.pem" >/dev/null
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

# a typo in --db creates nothing (issue 10 item 5): every command but init
# (or --create) refuses a missing store and names it, in both languages
D="$T/item5"
mkdir -p "$D"
for cmd in findings "report --format json" "ingest $T/k/journal --terminal-key $T/k/terminal.pub.pem" \
  "bundle export --terminal K01 --out $D/b.zcb" "import districts $D/none.csv" terminals; do
  run "$Z" --lang en --db "$D/TYPO.db" $cmd
  expect_rc 1 "$cmd on a missing store"
  contains "$err" "no database $D/TYPO.db" "$cmd names the missing store"
  contains "$err" "zhucun init" "$cmd says how to create one"
  check "$cmd: one line" one_line
  check "$cmd created no store" test ! -e "$D/TYPO.db"
  check "$cmd created no host key" test ! -e "$D/zhucun-host.key"
done
run "$Z" --lang zh --db "$D/TYPO.db" findings
contains "$err" "数据库 $D/TYPO.db 不存在" "the Chinese message names the missing store"
check "nothing created" test ! -e "$D/TYPO.db"
run "$Z" --lang en --db "$D/new.db" init
expect_rc 0 "init creates a store"
contains "$out" "created the store $D/new.db" "init says where the store is"
contains "$err" "created the host key $D/zhucun-host.key" "init says where the host key is"
check "the store exists" test -s "$D/new.db"
check "the host key exists" test -s "$D/zhucun-host.key"
run "$Z" --lang en --db "$D/new.db" init
expect_rc 0 "init again"
contains "$out" "exists" "init again says the store exists"
run "$Z" --lang en --db "$D/new.db" findings
expect_rc 0 "findings on an initialised store"
run "$Z" --lang en --create --db "$D/created.db" findings
expect_rc 0 "--create creates the store for any command"
check "--create made the store" test -s "$D/created.db"
# an older schema: read-only commands refuse it (they never migrate); a
# writing command migrates it
"$Z" --db "$D/old.db" init >/dev/null
sqlite3 "$D/old.db" 'PRAGMA user_version = 3;'
run "$Z" --lang en --db "$D/old.db" findings
expect_rc 1 "a read-only command on an older schema"
contains "$err" "older schema" "says the schema is older"
contains "$err" "zhucun init" "says how to migrate"
check "not migrated by a reader" test "$(sqlite3 "$D/old.db" 'PRAGMA user_version')" = 3

run "$S" journal --out "$T/x" --records abc
expect_rc 2 "sim: non-numeric --records"
run "$Z" --lang zh frobnicate
contains "$err" "未知命令" "Chinese message with --lang zh"
finish
