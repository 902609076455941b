#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""tools/longfn.py DIR...: name every C function longer than 120 lines and
every .c file longer than 1,200 lines under the folders given (the limits of
host/README.md). Exit status 1 when there is one. A function is counted from
the line of its name to its closing brace in column 0 (the tree's
.clang-format style)."""
import glob
import re
import sys

FN_MAX, FILE_MAX = 120, 1200


def scan(path):
    out = []
    lines = open(path, errors="replace").read().split("\n")
    start = name = None
    for i, line in enumerate(lines):
        if start is None and re.match(r"^[A-Za-z_].*\(", line) and not line.rstrip().endswith(";") \
                and not line.startswith("#"):
            j = i
            while j < len(lines) and not lines[j].startswith("{"):
                if lines[j].rstrip().endswith(";"):
                    break
                j += 1
            if j < len(lines) and lines[j].startswith("{"):
                start, name = i, re.sub(r"\(.*", "", line).split()[-1].lstrip("*")
        elif start is not None and line.startswith("}"):
            if i - start + 1 > FN_MAX:
                out.append((i - start + 1, path, name))
            start = None
    if len(lines) > FILE_MAX:
        out.append((len(lines), path, "(the file)"))
    return out


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(__doc__)
        return 0 if len(argv) > 1 else 2
    found = []
    for root in argv[1:]:
        for p in sorted(glob.glob(root + "/**/*.c", recursive=True)):
            found += scan(p)
    for n, path, name in sorted(found, reverse=True):
        print(f"{path}: {name}: {n} lines")
    if found:
        print(f"longfn: {len(found)} over the limits ({FN_MAX} lines a function, {FILE_MAX} a file)",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
