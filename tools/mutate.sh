#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# tools/mutate.sh: mutation testing of the compliance engine. Debian has no
# C mutation tool, so this is a small one: it changes the engine's files
# (host/core/rules.c and its parts rules_*.c, one concern each) and
# host/core/compliance.c one single-point mutant at a time, rebuilds, runs the
# unit tests that cover the file, and reports whether the tests noticed.
#
# Usage:
#   tools/mutate.sh [--file rules.c|rules_days.c|...|compliance.c|PATH]...
#                   [--max N] [--seed S]
#                   [--list] [--only ID[,ID...]] [--jobs J] [--out results.tsv]
#                   [--timeout SECONDS] [--keep] [--tmpdir DIR]
#                   [--skip-func NAME]... [--no-skip]
#
#   --file F     mutate F (repeatable, or comma-separated; the files that
#                KNOWN in tools/mutate/mutate.py lists, rules.c, rules_*.c
#                and compliance.c, are known by their base name). Default:
#                all of them.
#   --max N      run N mutants in all (split over the files in proportion to
#                their mutants, at least one each); 0 runs every mutant.
#                Default 400: about 9 minutes on 2 cores (shared with other
#                builds); all ~2100 mutants of the engine and the loader take
#                45-60 minutes.
#   --seed S     the selection seed (default 1). The same seed, files and
#                sources select the same mutants: each file's mutants, in file
#                order, are cut into N equal strata and one is drawn from each,
#                so a sample is spread over the whole file.
#   --list       print the selected mutants (id, file:line, function, change,
#                the mutated line) and exit; builds nothing.
#   --only IDS   run just these mutants (ids as printed), e.g. to re-check
#                survivors after adding tests.
#   --jobs J     parallel workers, each with its own copy and build dir
#                (default min(2, cores)).
#   --out FILE   also write every result as TSV.
#   --keep       keep the temporary directory (for a look at a build log).
#   --sanitize   build with AddressSanitizer + UBSan (ZC_SANITIZE=ON): a
#                mutant that only reads or writes memory it must not (an
#                index one off the end of an array) is then killed too.
#                About twice as slow; test_rules skips its allocation-
#                failure test under a sanitizer. A second pass over the
#                survivors: --sanitize --only ID,...
#   --opt FLAGS  optimisation of the private builds (default -O1: faster to
#                compile than the project's -O2 -g, same behaviour).
#   --skip-func  functions not to mutate; default zc_day_from_ymd,
#                zc_day_to_ymd and zc_day_format (civil-date arithmetic and
#                formatting: mostly equivalent mutants, e.g. y >= 0 vs y > 0
#                before a division that truncates toward zero). --no-skip
#                mutates every function.
#
# Mutation operators (at one point each):
#   ROR  relational operator swap: < <=, > >=, == != (both ways)
#   LIT  an integer literal plus or minus 1
#   NEG  an if's condition negated: if (x) -> if (!(x))
#   DEL  a statement removed (replaced by ';'): expression statements,
#        break, continue and 'return;'. Not declarations, 'return x;' or
#        goto (they would not compile or only move to error paths), nor
#        cleanup calls (free, sqlite3_finalize, va_end, ...: a leak is not
#        visible to a unit test).
# Comments, string and character literals, preprocessor lines (#include,
# #define and their continuations), array sizes in declarations, {0}
# initialisers and the sizes passed to malloc/calloc/realloc (n + 1 so that
# n = 0 allocates: n + 2 is equivalent, n + 0 visible only to a memory
# checker) are never mutated.
#
# Safety: the working tree is never touched. The files git knows or would
# track (`git ls-files -co --exclude-standard`, so uncommitted changes and
# new files are included, the build dirs are not) are copied to a temporary
# directory (one copy per worker, ../shared linked beside them for the
# handbook's scenarios); each copy is configured and built in its own build
# dir (-DZC_WERROR=OFF: a mutant that only draws a warning is still a
# mutant), building only the covering tests (test_rules, test_compliance).
# Every test run has a timeout (10x the baseline, at least 20 s); a timeout
# or a crash kills the mutant. The temporary directory is removed at the end
# and on Ctrl-C.
#
# Result per mutant: killed (a covering test failed: rules.c and rules_*.c
# are covered by test_rules then test_compliance, compliance.c by
# test_compliance), survived, not-compiled, or equivalent (survived and listed in
# tools/mutate-equivalent.txt, one mutant id per line followed by a reason).
#   score = killed / (total - not-compiled - equivalent)
# Mutant ids are a hash of the file's path, the function, the source line's
# text and the change, so they stay valid when other lines move (not when a
# file is renamed or split, or a function renamed: then recompute the
# equivalent list's ids).
#
# Examples:
#   tools/mutate.sh                                # the default sample, every file
#   tools/mutate.sh --file rules_days.c,rules_tally.c --max 0   # all of two files
#   tools/mutate.sh --list --max 50 --seed 7
#   tools/mutate.sh --only 3fa2c1d9e0,77b0c2a1f4
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
command -v python3 >/dev/null || { echo "mutate.sh: python3 is required" >&2; exit 2; }
command -v cmake >/dev/null || { echo "mutate.sh: cmake is required" >&2; exit 2; }
exec python3 "$here/mutate/mutate.py" --repo "$here/.." "$@"
