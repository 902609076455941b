#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# tools/demo.sh: the main job on the simulated board, end to end, as far as
# the project goes today: a simulated terminal writes a signed journal of
# taps, the host verifies and stores it, a clerk re-runs the import (nothing
# changes), the records are exported and checked with openssl alone, and a
# tampered copy of the journal is caught. Everything lands in out/demo/.
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

echo "== 1. 模拟终端 K01 记录 500 次刷卡（签名、哈希链、每条落盘） / terminal K01 records 500 taps"
"$bin/zhucun-sim" journal --out "$out/K01" --records 500 --terminal K01

echo "== 2. 主机校验并入库 / the host verifies and stores the journal"
"$bin/zhucun" --db "$db" ingest "$out/K01/journal" --terminal-key "$out/K01/terminal.pub.pem"

echo "== 3. 再次导入：不重复入库 / importing again changes nothing"
"$bin/zhucun" --db "$db" ingest "$out/K01/journal" --terminal-key "$out/K01/terminal.pub.pem"

echo "== 4. 导出并用 openssl 独立验签 / export and verify every record with openssl alone"
"$bin/zhucun" journal export "$out/K01/journal" --out "$out/K01-export"
ok=0; bad=0
for body in "$out"/K01-export/*.body; do
  n=${body%.body}
  if openssl dgst -sha256 -verify "$out/K01-export/terminal.pub.pem" -signature "$n.sig" "$body" >/dev/null; then
    ok=$((ok + 1))
  else
    bad=$((bad + 1))
  fi
done
echo "openssl: ${ok} 条验证通过 / verified OK, ${bad} 条失败 / failed"

echo "== 5. 篡改一条记录（改动第 100 条的时间）后再导入 / tamper with one record and ingest"
cp -r "$out/K01" "$out/K01-tampered"
"$bin/zhucun-sim" tamper "$out/K01-tampered/journal" --seq 100 --how flip
set +e
"$bin/zhucun" --db "$out/tampered.db" ingest "$out/K01-tampered/journal" --terminal-key "$out/K01-tampered/terminal.pub.pem"
echo "（退出码 / exit status $?: 3 = 发现完整性问题 / integrity problems found）"
set -e
"$bin/zhucun" --db "$out/tampered.db" findings

echo
echo "结果在 / results in: $out"
echo "  host.db          主机数据库 / host database"
echo "  K01/journal      终端日志 / terminal journal;  K01/terminal.pub.pem 终端公钥 / terminal key"
echo "  K01-export/      每条记录的 N.body + N.sig / per-record signed bytes and signature"
echo "  tampered.db      篡改日志的导入结果 / the tampered journal's import and findings"
