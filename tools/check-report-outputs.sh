#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# tools/check-report-outputs.sh: every report the renderers write, for byte-for-byte
# comparison before and after a change to host/report (a refactor must not
# change one byte).
#
#   check-report-outputs.sh play BIN STORES SCN...   play each scenario with
#       `BIN/zhucun-sim run` into STORES/NAME (keeps host.db, as-of, scopes)
#   check-report-outputs.sh render ZHUCUN STORES OUT  write into OUT/NAME/ every
#       output of ZHUCUN report on each store: JSON; HTML and all seven CSV
#       sheets in Chinese and English; for the whole report and every
#       district, township and village; and the same with --month for every
#       month from the first to the as-of month
#   check-report-outputs.sh compare OLD NEW          diff -r, and the number of files
#
# Typical use: play and render once with the unchanged build into
# /tmp/report-baseline, render again after each step and compare.
set -euo pipefail

play() {
  local bin=$1 stores=$2
  shift 2
  mkdir -p "$stores"
  for scn in "$@"; do
    local name d
    name=$(basename "$scn" .scn)
    d=$stores/$name
    rm -rf "$d"
    "$bin/zhucun-sim" run "$scn" --dir "$d/run" --bin "$bin" >"$d.log" 2>&1 || {
      echo "play $name failed (see $d.log)" >&2
      exit 1
    }
    cp "$d/run/host.db" "$d/host.db"
    awk '$1 == "as-of" {print $2}' "$scn" >"$d/as-of"
    awk '$1 == "district" || $1 == "township" || $1 == "village" {print $1, $2}' "$scn" >"$d/scopes"
    echo "played $name"
  done
}

# months FIRST LAST: YYYY-MM from FIRST to LAST inclusive
months() {
  local y=${1%-*} m=${1#*-} y1=${2%-*} m1=${2#*-}
  y=$((10#$y)) m=$((10#$m)) y1=$((10#$y1)) m1=$((10#$m1))
  while ((y < y1 || (y == y1 && m <= m1))); do
    printf '%04d-%02d\n' "$y" "$m"
    if ((m == 12)); then y=$((y + 1)) m=1; else m=$((m + 1)); fi
  done
}

render() {
  local zc=$1 stores=$2 out=$3 sheets="years attendance allowance recall findings collection breakdown"
  for d in "$stores"/*/; do
    local name asof first o db
    name=$(basename "$d")
    db=$d/host.db
    asof=$(cat "$d/as-of")
    o=$out/$name
    mkdir -p "$o"
    # the first month: the earliest assignment start in the store
    first=$(sqlite3 "$db" "select min(start) from assignments" 2>/dev/null | cut -c1-7 || true)
    [ -n "$first" ] || first=${asof%-*}
    local scopes=("all") mlist=("") s m lang
    while read -r kind id; do scopes+=("$kind:$id"); done <"$d/scopes"
    while read -r m; do mlist+=("$m"); done < <(months "$first" "${asof%-*}")
    "$zc" --db "$db" report --as-of "$asof" --format json >"$o/report.json"
    for s in "${scopes[@]}"; do
      local sa=()
      [ "$s" = all ] || sa=("--${s%%:*}" "${s#*:}")
      [ "$s" = all ] || "$zc" --db "$db" report --as-of "$asof" --format json "${sa[@]}" >"$o/${s/:/-}.json"
      for m in "${mlist[@]}"; do
        local ma=() tag=${s/:/-}
        [ -z "$m" ] || { ma=(--month "$m"); tag=$tag.$m; }
        for lang in zh en; do
          "$zc" --lang "$lang" --db "$db" report --as-of "$asof" --format html "${sa[@]}" "${ma[@]}" \
            >"$o/$tag.$lang.html"
          for sh in $sheets; do
            # the month changes only these sheets
            [ -z "$m" ] || case $sh in attendance | allowance | breakdown) ;; *) continue ;; esac
            "$zc" --lang "$lang" --db "$db" report --as-of "$asof" --format csv --sheet "$sh" "${sa[@]}" \
              "${ma[@]}" >"$o/$tag.$lang.$sh.csv"
          done
        done
      done
    done
    echo "rendered $name: $(find "$o" -type f | wc -l) files"
  done
}

compare() {
  local n
  n=$(find "$1" -type f | wc -l)
  if diff -r -q "$1" "$2"; then
    echo "identical: $n files"
  else
    echo "DIFFERENT (of $n files)"
    return 1
  fi
}

cmd=${1:-}
shift || true
case $cmd in
  play) play "$@" ;;
  render) render "$@" ;;
  compare) compare "$@" ;;
  *) sed -n '3,17p' "$0" >&2; exit 2 ;;
esac
