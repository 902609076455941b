#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# tools/format.sh [--check]: format every C file of the tree (git's tracked
# *.c and *.h under host/, shared/, firmware/, tools/ and tests/) with
# .clang-format, in place. With --check nothing is changed: every file that
# differs is named and the exit status is 1. tools/test.sh runs the check.
#
# The style is clang-format 14's (Debian 12's clang-format package): another
# major version formats some constructs differently, so the check refuses to
# judge with one and says so.
set -euo pipefail
cd "$(dirname "$0")/.."

check=0
case "${1:-}" in
--check) check=1 ;;
"") ;;
-h | --help)
  sed -n '3,11p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
  ;;
*)
  echo "usage: tools/format.sh [--check]" >&2
  exit 2
  ;;
esac

cf=$(command -v clang-format-14 || command -v clang-format || true)
if [ -z "$cf" ]; then
  echo "tools/format.sh: clang-format is not installed (Debian: apt-get install clang-format)" >&2
  exit 2
fi
ver=$("$cf" --version | sed -n 's/.*version \([0-9]*\)\..*/\1/p')
if [ "$ver" != 14 ]; then
  echo "tools/format.sh: $cf is version $ver; the tree's style is clang-format 14's (Debian 12)" >&2
  exit 2
fi

mapfile -t files < <(git ls-files -- 'host/*.[ch]' 'shared/*.[ch]' 'firmware/*.[ch]' 'tools/*.[ch]' 'tests/*.[ch]')
if [ "$check" = 0 ]; then
  "$cf" -i "${files[@]}"
  echo "formatted ${#files[@]} files"
  exit 0
fi
bad=()
for f in "${files[@]}"; do
  if ! "$cf" "$f" | cmp -s - "$f"; then
    bad+=("$f")
  fi
done
if ((${#bad[@]})); then
  echo "tools/format.sh: ${#bad[@]} of ${#files[@]} files differ from .clang-format (run tools/format.sh to fix):" >&2
  printf '  %s\n' "${bad[@]}" >&2
  exit 1
fi
echo "format: ${#files[@]} files match .clang-format"
