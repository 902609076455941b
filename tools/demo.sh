#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# tools/demo.sh: the main job on the simulated board, end to end, as far as
# the project goes today: the district issues PIV badges; zhucun-terminal on
# boards/sim.conf reads them through the real libnfc driver from the virtual
# PN532 (a good badge, the same badge again, a clone, a revoked badge, a UID
# card); the host verifies and stores the journal; a bigger synthetic journal
# is imported twice (nothing changes), exported and checked with openssl
# alone, and a tampered copy is caught. Everything lands in out/demo/.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out=${ZC_DEMO_OUT:-$root/out/demo}
build=${ZC_BUILD_DIR:-build}

if [ ! -x "$build/bin/zhucun" ] || [ ! -x "$build/bin/zhucun-sim" ]; then
  echo "== 构建 / building"
  if ! command -v cmake >/dev/null || ! pkg-config --exists sqlite3 libnfc jansson 2>/dev/null; then
    ZC_QUICK=1 tools/test.sh >/dev/null   # installs what is missing and builds
  fi
  cmake -S . -B "$build" >/dev/null
  cmake --build "$build" -j "$(nproc)" >/dev/null
fi
bin=$root/$build/bin
rm -rf "$out"
mkdir -p "$out"
db=$out/host.db

export ZHUCUN_SIM_DIR=$out/sim LIBNFC_AUTO_SCAN=false
mkdir -p "$ZHUCUN_SIM_DIR"
board=$root/boards/sim.conf
pids=()
trap 'rc=$?; for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; exit $rc' EXIT
wait_line() { for _ in $(seq 100); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done; return 1; }
present() {
  local n0; n0=$(wc -l <"$ZHUCUN_SIM_DIR/feedback.log")
  "$bin/zhucun-sim" reader --link "$ZHUCUN_SIM_DIR/pn532" --send "present $1" >/dev/null
  for _ in $(seq 100); do [ "$(wc -l <"$ZHUCUN_SIM_DIR/feedback.log")" -gt "$n0" ] && break; sleep 0.1; done
  "$bin/zhucun-sim" reader --link "$ZHUCUN_SIM_DIR/pn532" --send remove >/dev/null
  printf '   %-28s -> %s\n' "$2" "$(tail -n 1 "$ZHUCUN_SIM_DIR/feedback.log" | cut -d'|' -f2)"
  sleep 0.2
}

echo "== 0. 区驻村办签发工牌 / the district issues PIV badges"
"$bin/zhucun-ca" init --dir "$out/ca" --name "海勃湾区驻村干部工牌CA" --district "海勃湾区"
"$bin/zhucun-ca" issue --dir "$out/ca" --badge B001 --cadre C001 --name "张三" --out "$out/B001.card" >/dev/null
"$bin/zhucun-ca" issue --dir "$out/ca" --badge B002 --cadre C002 --name "李四" --out "$out/B002.card" >/dev/null
"$bin/zhucun-ca" clone "$out/B001.card" --out "$out/B001-clone.card" >/dev/null
"$bin/zhucun-ca" revoke --dir "$out/ca" --badge B002 --at 2025-06-01T00:00:00Z >/dev/null
echo "   B001 张三, B002 李四（2025-06-01 起吊销 / revoked）, B001 的复制卡 / a clone of B001"

echo "== 1. 乡镇终端 K01：虚拟 PN532 + libnfc + zhucun-terminal / terminal K01 on the simulated board"
"$bin/zhucun-sim" reader --link "$ZHUCUN_SIM_DIR/pn532" --latency model >"$out/reader.out" 2>&1 &
pids+=($!)
wait_line "$out/reader.out" "ready"
# The terminal starts unprovisioned and serves its serial link on a pty
# ($ZHUCUN_SIM_DIR/link). The clerk's zhucun opens it with the real
# libserialport code; libserialport 0.1.1 cannot open a pty by itself, so
# the simulation preloads the project's small shim (MEASURED.md).
"$bin/zhucun-terminal" --board "$board" --set sim_start=2025-07-01T08:00:00+08:00 >"$out/terminal.out" 2>&1 &
pids+=($!)
wait_line "$out/terminal.out" "ready"
clerk() { LD_PRELOAD="$root/$build/lib/libzc_sp_pty_shim.so" "$bin/zhucun" --db "$db" "$@"; }
echo "   文书创建数据库和主机密钥 / the clerk creates the store and the host key (only init creates them):"
clerk init 2>&1 | sed 's/^/   /'
echo "   文书通过串口初始化终端 / the clerk provisions the terminal over the serial link:"
clerk provision "$ZHUCUN_SIM_DIR/link" --terminal K01 --township T01 --ca "$out/ca/ca.pem" \
  --revocations "$out/ca/revocations.zrl" | sed 's/^/   /'
tclock() { "$bin/zhucun-terminal" --board "$board" ctl time "$1" >/dev/null; }
tclock 2025-07-01T08:30:00+08:00
present "piv:$out/B001.card" "张三 B001"
tclock 2025-07-01T08:30:40+08:00
present "piv:$out/B001.card" "张三 B001 again / 再刷一次"
tclock 2025-07-01T08:35:00+08:00
present "piv:$out/B001-clone.card" "B001 clone / 复制卡"
present "piv:$out/B002.card" "李四 B002 (revoked / 已吊销)"
present "uid:04A1B2C3" "UID card / 普通卡"
echo "   文书用串口拉取日志 / the clerk pulls the log over the serial link:"
clerk pull "$ZHUCUN_SIM_DIR/link" | sed 's/^/   /'
clerk status "$ZHUCUN_SIM_DIR/link" | sed 's/^/   /'
"$bin/zhucun-terminal" --board "$board" ctl quit >/dev/null
echo "   终端日志 / the terminal's journal (badge signatures checked against the certificates):"
"$bin/zhucun" journal show "$ZHUCUN_SIM_DIR/state/journal" --cert "$out/B001.card" --cert "$out/B002.card" | sed 's/^/   /'

echo "== 1b. 合成终端 K02 记录 500 次刷卡（签名、哈希链、每条落盘） / a synthetic terminal K02 records 500 taps"
"$bin/zhucun-sim" journal --out "$out/K02" --records 500 --terminal K02

echo "== 2. 主机校验并入库 / the host verifies and stores the journal"
"$bin/zhucun" --db "$db" ingest "$out/K02/journal" --terminal-key "$out/K02/terminal.pub.pem"

echo "== 3. 再次导入：不重复入库 / importing again changes nothing"
"$bin/zhucun" --db "$db" ingest "$out/K02/journal" --terminal-key "$out/K02/terminal.pub.pem"

echo "== 4. 导出并用 openssl 独立验签 / export and verify every record with openssl alone"
"$bin/zhucun" journal export "$out/K02/journal" --out "$out/K02-export"
ok=0; bad=0
for body in "$out"/K02-export/*.body; do
  n=${body%.body}
  if openssl dgst -sha256 -verify "$out/K02-export/terminal.pub.pem" -signature "$n.sig" "$body" >/dev/null; then
    ok=$((ok + 1))
  else
    bad=$((bad + 1))
  fi
done
echo "openssl: ${ok} 条验证通过 / verified OK, ${bad} 条失败 / failed"

echo "== 5. 篡改一条记录（改动第 100 条的时间）后再导入 / tamper with one record and ingest"
cp -r "$out/K02" "$out/K02-tampered"
"$bin/zhucun-sim" tamper "$out/K02-tampered/journal" --seq 100 --how flip
set +e
"$bin/zhucun" --db "$out/tampered.db" --create ingest "$out/K02-tampered/journal" --terminal-key "$out/K02-tampered/terminal.pub.pem"
echo "（退出码 / exit status $?: 3 = 发现完整性问题 / integrity problems found）"
set -e
"$bin/zhucun" --db "$out/tampered.db" findings

echo
echo "== 6. 全市 19 个村一年（内置场景 tools/scenarios/city-year.scn）：发卡、5 台乡镇终端刷卡、串口拉取、导入名册、合规报告"
echo "==    the city's 19 villages over 2025: badges, taps on five township terminals, pulls over the serial link, roster, compliance (about 3 minutes)"
"$bin/zhucun-sim" run "$root/tools/scenarios/city-year.scn" --dir "$out/city"
city=$out/city
"$bin/zhucun" --db "$city/host.db" report --as-of 2025-12-31 --format html --out "$city/report.html"
"$bin/zhucun" --db "$city/host.db" report --as-of 2025-12-31 --format csv --out "$city/csv"
"$bin/zhucun" --db "$city/host.db" report --as-of 2025-12-31 --format html --village V01 --out "$city/report-V01.html"
echo "-- 召回名单 / recall list:"
"$bin/zhucun" --db "$city/host.db" report --as-of 2025-12-31 --format csv --sheet recall
echo "-- 今天再看（此后没有再拉取终端：未收取的日子不算缺勤）/ the same city today, nothing pulled since (pending days are not absence):"
"$bin/zhucun" --db "$city/host.db" terminals
"$bin/zhucun" --db "$city/host.db" report --format csv --sheet recall

echo
echo "结果在 / results in: $out"
echo "  city/report.json  全市合规报告（RULES.md 第 11 节）/ the city's compliance report (RULES.md section 11)"
echo "  city/report.html  可打印的报告（A4，含图表）/ the printable report (A4, charts); city/report-V01.html 新地村"
echo "  city/csv/         电子表格：years、attendance（考勤表）、allowance（补助）、recall（召回）、findings"
echo "  city/host.db      全市主机数据库 / the city's host database; city/terminals/K0n 各终端日志 / each terminal's journal"
echo "  host.db          主机数据库 / host database"
echo "  sim/state/       终端 K01 的密钥与日志 / terminal K01's key and journal; sim/feedback.log 显示屏 / display lines"
echo "  ca/, *.card      工牌CA与虚拟卡 / the badge CA and virtual cards"
echo "  K02/journal      合成终端 K02 的日志 / the synthetic terminal K02's journal"
echo "  K02-export/      每条记录的 N.body + N.sig / per-record signed bytes and signature"
echo "  tampered.db      篡改日志的导入结果 / the tampered journal's import and findings"
