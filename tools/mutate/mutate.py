#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""tools/mutate/mutate.py: the mutation tester behind tools/mutate.sh.

Usage and the rules of the game are documented at the top of tools/mutate.sh.
This file holds the C scanner that finds the mutation points, the
deterministic selection, and the runner (a private copy of the tree, its own
build directories, one worker per core).
"""

import argparse
import hashlib
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

# ---------------------------------------------------------------- defaults

# The files this tool knows, and the unit tests that cover each (run in this
# order; the first failing one kills the mutant).
# The engine is host/core/rules.c and its parts rules_*.c (one concern each,
# host/core/rules_internal.h lists them).
RULES_TESTS = ["test_rules", "test_compliance"]
KNOWN = {
    "host/core/rules.c": RULES_TESTS,
    "host/core/rules_calendar.c": RULES_TESTS,
    "host/core/rules_policy.c": RULES_TESTS,
    "host/core/rules_taps.c": RULES_TESTS,
    "host/core/rules_leave.c": RULES_TESTS,
    "host/core/rules_days.c": RULES_TESTS,
    "host/core/rules_tally.c": RULES_TESTS,
    "host/core/rules_registry.c": RULES_TESTS,
    "host/core/rules_terminal.c": RULES_TESTS,
    "host/core/compliance.c": ["test_compliance"],
}

# Functions left alone by default: the civil-date arithmetic and the date
# formatter (Hinnant's days_from_civil / civil_from_days). Their mutants are
# mostly noise: C division truncates toward zero, so y >= 0 vs y > 0 and
# similar boundary swaps are equivalent, and test_dates already round-trips
# every date from 1999 to 2030 through them.
DEFAULT_SKIP_FUNCS = {"zc_day_from_ymd", "zc_day_to_ymd", "zc_day_format"}

# Calls whose removal only leaks or skips cleanup (not observable by a unit
# test without a leak checker): never "removed statement" mutants.
CLEANUP_CALLS = {
    "free", "va_start", "va_end", "va_copy", "sqlite3_finalize", "sqlite3_free", "zc_rules_result_free", "bucket_free",
    "certs_free", "free_priv", "zc_revlist_clear", "zc_compliance_free", "zc_registry_free", "zc_badge_ca_free",
    "zc_badge_cert_free",
}

ALLOC_CALLS = {"malloc", "calloc", "realloc"}

ROR = {"<": "<=", "<=": "<", ">": ">=", ">=": ">", "==": "!=", "!=": "=="}

TYPE_WORDS = {
    "const", "static", "volatile", "unsigned", "signed", "int", "char", "short", "long", "float", "double", "void",
    "struct", "union", "enum", "register", "extern", "_Bool", "bool", "size_t", "ssize_t", "va_list",
}

PUNCTS = ["<<=", ">>=", "...", "->", "++", "--", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "+=", "-=", "*=",
          "/=", "%=", "&=", "|=", "^=", "##"]

NUM_RE = re.compile(r"(0[xX][0-9a-fA-F]+|[0-9]+\.?[0-9]*(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?)"
                    r"([uUlLfF]*)")


# ---------------------------------------------------------------- scanner

class Tok:
    __slots__ = ("kind", "text", "start", "end", "line")

    def __init__(self, kind, text, start, end, line):
        self.kind, self.text, self.start, self.end, self.line = kind, text, start, end, line


def tokenize(src):
    """C tokens, without comments and preprocessor lines (#include, #define
    with its continuation lines, ...); string and character literals are
    single tokens and are never mutated."""
    toks = []
    i, n, line, bol = 0, len(src), 1, True
    while i < n:
        c = src[i]
        if c == "\n":
            line += 1
            i += 1
            bol = True
            continue
        if c in " \t\r\f\v":
            i += 1
            continue
        if bol and c == "#":
            while i < n and src[i] != "\n":
                if src[i] == "\\" and i + 1 < n and src[i + 1] == "\n":
                    i += 2
                    line += 1
                    continue
                if src.startswith("/*", i):
                    j = src.find("*/", i + 2)
                    j = n if j < 0 else j + 2
                    line += src.count("\n", i, j)
                    i = j
                    continue
                if src.startswith("//", i):
                    while i < n and src[i] != "\n":
                        i += 1
                    break
                i += 1
            continue
        if src.startswith("//", i):
            while i < n and src[i] != "\n":
                i += 1
            continue
        if src.startswith("/*", i):
            j = src.find("*/", i + 2)
            j = n if j < 0 else j + 2
            line += src.count("\n", i, j)
            i = j
            continue
        bol = False
        if c in "\"'":
            j = i + 1
            while j < n and src[j] != c:
                if src[j] == "\\":
                    j += 1
                if src[j] == "\n":
                    line += 1
                j += 1
            toks.append(Tok("str" if c == '"' else "chr", src[i:j + 1], i, j + 1, line))
            i = j + 1
            continue
        if c.isalpha() or c == "_":
            j = i + 1
            while j < n and (src[j].isalnum() or src[j] == "_"):
                j += 1
            toks.append(Tok("id", src[i:j], i, j, line))
            i = j
            continue
        if c.isdigit() or (c == "." and i + 1 < n and src[i + 1].isdigit()):
            m = NUM_RE.match(src, i)
            toks.append(Tok("num", m.group(0), i, m.end(), line))
            i = m.end()
            continue
        for p in PUNCTS:
            if src.startswith(p, i):
                toks.append(Tok("p", p, i, i + len(p), line))
                i += len(p)
                break
        else:
            toks.append(Tok("p", c, i, i + 1, line))
            i += 1
    return toks


class Parsed:
    """Functions, statements and if-conditions of one C file."""

    def __init__(self, src):
        self.src = src
        self.t = tokenize(src)
        self.match = self._matches()
        self.func_of = [None] * len(self.t)  # enclosing function per token
        self.stmts = []  # (func, first tok, ';' tok, kind)
        self.conds = []  # (func, 'if' tok, '(' tok, ')' tok)
        self._top()

    def _matches(self):
        m, stack = {}, []
        for i, x in enumerate(self.t):
            if x.kind != "p":
                continue
            if x.text in "([{":
                stack.append(i)
            elif x.text in ")]}" and stack:
                j = stack.pop()
                m[i], m[j] = j, i
        return m

    def _top(self):
        t, i = self.t, 0
        while i < len(t):
            x = t[i]
            if x.text == "{" and x.kind == "p":
                end = self.match.get(i, len(t) - 1)
                if i > 0 and t[i - 1].text == ")":
                    lp = self.match.get(i - 1)
                    name = t[lp - 1].text if lp and t[lp - 1].kind == "id" else "?"
                    for k in range(i, end + 1):
                        self.func_of[k] = name
                    self._block(i, name)
                i = end + 1
            else:
                i += 1

    def _block(self, i, fn):
        j = i + 1
        end = self.match[i]
        while j < end:
            j = self._stmt(j, fn)
        return end

    def _stmt(self, j, fn):
        t = self.t
        x = t[j].text
        if x == "{":
            return self._block(j, fn) + 1
        if x in ("if", "while", "switch", "for") and t[j + 1].text == "(":
            lp, rp = j + 1, self.match[j + 1]
            if x == "if":
                self.conds.append((fn, j, lp, rp))
            k = self._stmt(rp + 1, fn)
            if x == "if" and k < len(t) and t[k].text == "else":
                k = self._stmt(k + 1, fn)
            return k
        if x == "do":
            k = self._stmt(j + 1, fn)
            rp = self.match[k + 1]
            return rp + 2
        if x == "case":
            k = j
            while t[k].text != ":":
                k += 1
            return self._stmt(k + 1, fn)
        if x == "default" and t[j + 1].text == ":":
            return self._stmt(j + 2, fn)
        if t[j].kind == "id" and t[j + 1].text == ":":
            return self._stmt(j + 2, fn)
        if x == ";":
            return j + 1
        k = j
        while not (t[k].text == ";" and t[k].kind == "p"):
            if t[k].kind == "p" and t[k].text in "([{":
                k = self.match[k]
            k += 1
        self.stmts.append((fn, j, k, self._kind(j, k)))
        return k + 1

    def _kind(self, j, k):
        t = self.t
        w = [x.text for x in t[j:k + 1]] + [""] * 4
        if w[0] == "return":
            return "return_void" if w[1] == ";" else "return"
        if w[0] in ("break", "continue", "goto"):
            return w[0]
        if w[0] in TYPE_WORDS:
            return "decl"
        if t[j].kind == "id" and len(w) > 1 and re.match(r"^[A-Za-z_]\w*$", w[1]) and w[1] not in ("",):
            return "decl"
        if t[j].kind == "id" and w[1] == "*":
            q = 1
            while w[q] == "*":
                q += 1
            if re.match(r"^[A-Za-z_]\w*$", w[q]) and w[q + 1] in ("=", ";", ",", "[", ")"):
                return "decl"
        return "expr"


# ---------------------------------------------------------------- mutants

class Mutant:
    __slots__ = ("file", "func", "line", "op", "desc", "start", "end", "repl", "linetext", "id", "after")

    def __init__(self, **kw):
        for k, v in kw.items():
            setattr(self, k, v)

    def apply(self, src):
        return src[:self.start] + self.repl + src[self.end:]

    def where(self):
        return "%s:%d" % (os.path.basename(self.file), self.line)


def line_text(src, line):
    return src.split("\n")[line - 1]


def norm(s):
    return " ".join(s.split())


def lit_mutations(text):
    m = NUM_RE.fullmatch(text)
    body, suf = m.group(1), m.group(2)
    if "." in body or (("e" in body or "E" in body) and not body.lower().startswith("0x")) or "f" in suf.lower():
        return []
    if body.lower().startswith("0x"):
        v, fmt = int(body, 16), ("0x%X" if any(ch.isupper() for ch in body[2:]) else "0x%x")
    elif len(body) > 1 and body.startswith("0"):
        v, fmt = int(body, 8), "0%o"
    else:
        v, fmt = int(body), "%d"
    out = []
    for w in (v + 1, v - 1):
        out.append("(-1%s)" % suf if w < 0 else (fmt % w) + suf)
    return out


def find_mutants(relpath, src, skip_funcs):
    """Every single-point mutant of the file, in file order."""
    P = Parsed(src)
    t = P.t
    raw = []  # (pos, op, desc, start, end, repl, line, func)

    def inside(i):
        f = P.func_of[i]
        return f is not None and f not in skip_funcs

    # numbers that are array sizes in declarations, or the {0} initializer
    skip_num = set()
    for fn, j, k, kind in P.stmts:
        if kind != "decl":
            continue
        seen_eq = False
        for q in range(j, k):
            if t[q].text == "=":
                seen_eq = True
            if t[q].kind == "num" and not seen_eq and t[q - 1].text == "[" and t[q + 1].text == "]":
                skip_num.add(q)
    for q in range(1, len(t) - 1):
        if t[q].text == "0" and t[q - 1].text == "{" and t[q + 1].text == "}":
            skip_num.add(q)
    # sizes passed to the allocator: n + 1 is there so that n = 0 still
    # allocates; n + 2 is equivalent, n + 0 only visible to a memory checker
    for q in range(len(t) - 1):
        if t[q].text in ALLOC_CALLS and t[q + 1].text == "(" and q + 1 in P.match:
            for r in range(q + 2, P.match[q + 1]):
                if t[r].kind == "num":
                    skip_num.add(r)

    for i, x in enumerate(t):
        if not inside(i):
            continue
        if x.kind == "p" and x.text in ROR:
            raw.append((x.start, "ROR", "'%s' -> '%s'" % (x.text, ROR[x.text]), x.start, x.end, ROR[x.text], x.line,
                        P.func_of[i]))
        elif x.kind == "num" and i not in skip_num:
            for w in lit_mutations(x.text):
                raw.append((x.start, "LIT", "'%s' -> '%s'" % (x.text, w), x.start, x.end, w, x.line, P.func_of[i]))
    for fn, j, lp, rp in P.conds:
        if not inside(j):
            continue
        inner = src[t[lp].start + 1:t[rp].end - 1]
        raw.append((t[j].start, "NEG", "if (c) -> if (!(c))", t[lp].start, t[rp].end, "(!(%s))" % inner, t[j].line,
                    fn))
    for fn, j, k, kind in P.stmts:
        if not inside(j) or kind not in ("expr", "break", "continue", "return_void"):
            continue
        if t[j].text in CLEANUP_CALLS and t[j + 1].text == "(":
            continue
        if t[j].text == "(" and t[j + 1].text == "void" and t[j + 2].text == ")":
            continue  # (void)x;
        removed = src[t[j].start:t[k].end]
        raw.append((t[j].start, "DEL", "delete statement", t[j].start, t[k].end, ";" + "\n" * removed.count("\n"),
                    t[j].line, fn))

    raw.sort(key=lambda r: (r[0], r[1], r[2]))
    out, occ = [], {}
    lines = src.split("\n")
    for pos, op, desc, s, e, repl, line, fn in raw:
        lt = norm(lines[line - 1])
        key = (fn, lt, desc)
        occ[key] = occ.get(key, 0) + 1
        h = hashlib.sha1(("%s\0%s\0%s\0%s\0%d" % (relpath, fn, lt, desc, occ[key])).encode()).hexdigest()[:10]
        m = Mutant(file=relpath, func=fn, line=line, op=op, desc=desc, start=s, end=e, repl=repl, linetext=lt, id=h,
                   after=None)
        mutated = m.apply(src).split("\n")
        m.after = norm(mutated[line - 1]) if op != "DEL" else "(deleted) " + lt
        out.append(m)
    return out


def select(mutants_by_file, nmax, seed):
    """Deterministic for a seed, spread over each file: the file's mutants
    in file order are cut into equal strata and one is drawn from each."""
    total = sum(len(v) for v in mutants_by_file.values())
    if not nmax or nmax >= total:
        return [m for v in mutants_by_file.values() for m in v]
    files = list(mutants_by_file)
    share = {}
    for f in files:
        share[f] = max(1, round(nmax * len(mutants_by_file[f]) / total)) if mutants_by_file[f] else 0
    while sum(share.values()) > nmax:
        big = max(files, key=lambda f: share[f])
        share[big] -= 1
    out = []
    for f in files:
        ms, k = mutants_by_file[f], share[f]
        rng = random.Random("%s:%s" % (seed, f))
        for s in range(k):
            lo, hi = s * len(ms) // k, (s + 1) * len(ms) // k
            out.append(ms[rng.randrange(lo, hi)])
    return out


def read_equivalent(path):
    eq = {}
    if not os.path.exists(path):
        return eq
    with open(path, encoding="utf-8") as fh:
        for ln in fh:
            s = ln.strip()
            if not s or s.startswith("#"):
                continue
            parts = s.split(None, 1)
            eq[parts[0]] = parts[1] if len(parts) > 1 else ""
    return eq


# ---------------------------------------------------------------- runner

class Runner:
    def __init__(self, args, repo):
        self.a = args
        self.repo = repo
        self.procs = set()
        self.lock = threading.Lock()
        self.stopping = False
        self.root = None
        self.threads = []

    def log(self, msg):
        with self.lock:
            print(msg, flush=True)

    def run(self, cmd, cwd=None, env=None, timeout=None, out=None):
        """Run cmd in its own process group; returns (rc, timed_out)."""
        if self.stopping:
            return (-1, False)
        fh = open(out, "wb") if out else subprocess.DEVNULL
        try:
            p = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                 start_new_session=True)
            with self.lock:
                self.procs.add(p)
            try:
                rc = p.wait(timeout=timeout)
                return (rc, False)
            except subprocess.TimeoutExpired:
                self.killpg(p)
                p.wait()
                return (-9, True)
            finally:
                with self.lock:
                    self.procs.discard(p)
        finally:
            if out:
                fh.close()

    def killpg(self, p):
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    def stop(self, *_):
        self.stopping = True
        with self.lock:
            for p in list(self.procs):
                self.killpg(p)
        raise KeyboardInterrupt

    # the private copy: tracked and untracked (not ignored) files of the
    # working tree, uncommitted changes included; never the repo's build
    def snapshot(self, dest):
        os.makedirs(dest)
        env = dict(os.environ, GIT_OPTIONAL_LOCKS="0")
        git = subprocess.run(["git", "-C", self.repo, "ls-files", "-z", "-co", "--exclude-standard"], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        if git.returncode == 0:
            files = git.stdout.split(b"\0")
        else:  # not a git checkout: everything but the build dirs
            files = []
            for top, dirs, names in os.walk(self.repo):
                if top == self.repo:
                    dirs[:] = [d for d in dirs if not d.startswith("build") and d != ".git"]
                for n in names:
                    files.append(os.path.relpath(os.path.join(top, n), self.repo).encode())
        for f in files:
            if not f:
                continue
            src = os.path.join(self.repo.encode(), f)
            if not os.path.isfile(src) and not os.path.islink(src):
                continue  # deleted in the working tree
            dst = os.path.join(dest.encode(), f)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copy2(src, dst, follow_symlinks=False)

    def worker_env(self, w):
        env = dict(os.environ)
        env["ZC_SOURCE_ROOT"] = w["src"]
        env["ZC_BIN"] = os.path.join(w["build"], "bin")
        env["TMPDIR"] = w["tmp"]
        return env

    def build(self, w, targets, timeout):
        rc, to = self.run(["cmake", "--build", w["build"], "-j", str(w["cores"]), "--target"] + targets,
                          timeout=timeout, out=os.path.join(w["dir"], "build.log"))
        return rc == 0 and not to

    def tests(self, w, names, timeout):
        """(killed, how): the first covering test that fails kills it."""
        for name in names:
            out = os.path.join(w["dir"], "test.out")
            t0 = time.time()
            rc, to = self.run([os.path.join(w["build"], "bin", name)], cwd=w["build"], env=self.worker_env(w),
                              timeout=timeout, out=out)
            # a crashed mutant may leave temporary files behind
            for e in os.listdir(w["tmp"]):
                shutil.rmtree(os.path.join(w["tmp"], e), ignore_errors=True)
            if to:
                return True, "%s: timeout after %.0fs" % (name, time.time() - t0)
            if rc != 0:
                failed = ""
                try:
                    with open(out, "rb") as fh:
                        fh.seek(0, 2)
                        fh.seek(max(0, fh.tell() - 65536))
                        tail = fh.read().decode("utf-8", "replace")
                    m = re.findall(r"^\[  (?:FAILED|ERROR) +\] (test_\w+)", tail, re.M)
                    failed = m[-1] if m else ""
                except OSError:
                    pass
                sig = " (signal %d)" % -rc if rc < 0 else ""
                return True, "%s%s%s" % (name, ": " + failed if failed else "", sig)
        return False, ""

    def main(self, selected, eq):
        a = self.a
        signal.signal(signal.SIGINT, self.stop)
        signal.signal(signal.SIGTERM, self.stop)
        base = a.tmpdir or os.environ.get("TMPDIR") or "/tmp"
        self.root = tempfile.mkdtemp(prefix="zc-mutate-", dir=base)
        t_start = time.time()
        try:
            return self._main(selected, eq, t_start)
        except KeyboardInterrupt:
            self.log("interrupted")
            return 130
        finally:
            self.stopping = True
            with self.lock:
                for p in list(self.procs):
                    self.killpg(p)
            for x in self.threads:
                x.join(timeout=60)
            if a.keep:
                self.log("kept %s" % self.root)
            else:
                shutil.rmtree(self.root, ignore_errors=True)

    def _main(self, selected, eq, t_start):
        a = self.a
        root = self.root
        self.log("== copying the working tree of %s to %s" % (self.repo, root))
        snap = os.path.join(root, "snapshot")
        self.snapshot(snap)
        shared = os.path.join(os.path.dirname(self.repo), "shared")
        if os.path.isdir(shared):
            os.symlink(shared, os.path.join(root, "shared"))  # ../shared beside the tree: the handbook's scenarios
        jobs = max(1, min(a.jobs, len(selected)))
        ncpu = os.cpu_count() or 1
        workers = []
        for n in range(jobs):
            d = os.path.join(root, "w%d" % n)
            os.makedirs(d)
            src = os.path.join(root, "src%d" % n)  # ../shared of src%d is root/shared
            shutil.copytree(snap, src, symlinks=True)
            w = {"n": n, "dir": d, "src": src, "build": os.path.join(d, "build"), "tmp": os.path.join(d, "tmp"),
                 "cores": max(1, ncpu // jobs)}
            os.makedirs(w["tmp"])
            workers.append(w)
        shutil.rmtree(snap)
        files = sorted({m.file for m in selected})
        targets = sorted({t for f in files for t in KNOWN.get(f, a.tests or [])})
        gen = ["-G", "Ninja"] if shutil.which("ninja") else []
        self.log("== configuring and building %s in %d private build dir(s)" % (" ".join(targets), jobs))
        errs = []

        def prep(w):
            log = os.path.join(w["dir"], "configure.log")
            rc, _ = self.run(["cmake", "-S", w["src"], "-B", w["build"]] + gen +
                             ["-DZC_WERROR=OFF", "-DCMAKE_BUILD_TYPE=Release",
                              "-DCMAKE_C_FLAGS_RELEASE=%s -DNDEBUG" % a.opt,
                              "-DZC_SANITIZE=%s" % ("ON" if a.sanitize else "OFF")], out=log, timeout=600)
            if rc != 0 or not self.build(w, targets, 1800):
                errs.append(w)

        th = [threading.Thread(target=prep, args=(w,)) for w in workers]
        for x in th:
            x.start()
        for x in th:
            x.join()
        if errs:
            w = errs[0]
            self.log("the unmutated copy does not configure or build (a file being edited?); the end of its log:")
            for name in ("configure.log", "build.log"):
                path = os.path.join(w["dir"], name)
                if os.path.exists(path):
                    with open(path, encoding="utf-8", errors="replace") as fh:
                        tail = fh.read().splitlines()[-25:]
                    self.log("\n".join("  " + ln for ln in tail))
            return 2
        # baseline: the unmutated tree passes, and how long its tests take
        w = workers[0]
        tlim = {}
        for t in targets:
            t0 = time.time()
            killed, how = self.tests(w, [t], 600)
            if killed:
                self.log("the unmutated tree fails its tests (%s): nothing to measure" % how)
                return 2
            tlim[t] = time.time() - t0
        timeout = a.timeout or max(20.0, 10 * max(tlim.values()))
        self.log("== baseline passes (%s); per-test timeout %.0fs; %d mutant(s), %d worker(s); setup %.0fs" %
                 (", ".join("%s %.1fs" % (k, v) for k, v in sorted(tlim.items())), timeout, len(selected), jobs,
                  time.time() - t_start))

        originals = {}
        for f in files:
            with open(os.path.join(workers[0]["src"], f), encoding="utf-8") as fh:
                originals[f] = fh.read()
            with open(os.path.join(self.repo, f), encoding="utf-8") as fh:
                if fh.read() != originals[f]:
                    self.log("warning: %s changed while it was being copied; mutants are of the copy" % f)
        # the mutants were found in the repo's file: find them again in the copy
        remap = {}
        for f in files:
            for m in find_mutants(f, originals[f], set(a.skip_func)):
                remap[m.id] = m
        queue = list(enumerate(selected))
        results = [None] * len(selected)
        qlock = threading.Lock()
        done = [0]

        def work(w):
            while not self.stopping:
                with qlock:
                    if not queue:
                        return
                    idx, m0 = queue.pop(0)
                m = remap.get(m0.id)
                t0 = time.time()
                if m is None:
                    res, how = "skipped", "not found in the copy"
                else:
                    path = os.path.join(w["src"], m.file)
                    with open(path, "w", encoding="utf-8") as fh:
                        fh.write(m.apply(originals[m.file]))
                    tests = KNOWN.get(m.file, a.tests or [])
                    if not self.build(w, tests, 600):
                        res, how = "not-compiled", ""
                    else:
                        killed, how = self.tests(w, tests, timeout)
                        res = "killed" if killed else "survived"
                    with open(path, "w", encoding="utf-8") as fh:
                        fh.write(originals[m.file])
                    if m.id in eq:
                        if res == "survived":
                            res = "equivalent"
                        elif res == "killed":
                            how += "  [listed as equivalent, but killed: fix tools/mutate-equivalent.txt]"
                    m = m0 if m is None else m
                if self.stopping:
                    return  # interrupted: this result is not one
                results[idx] = (m, res, how)
                with qlock:
                    done[0] += 1
                    k = done[0]
                self.log("[%d/%d] %-8s %s %s %-12s %s: %s -> %s%s (%.1fs)" %
                         (k, len(selected), res, m.id, m.where(), m.func, m.op, m.desc, m.after,
                          "  {" + how + "}" if how else "", time.time() - t0))

        self.threads = [threading.Thread(target=work, args=(w,)) for w in workers]
        for x in self.threads:
            x.start()
        for x in self.threads:
            x.join()
        if self.stopping:
            raise KeyboardInterrupt
        return self.summary([r for r in results if r], time.time() - t_start)

    def summary(self, results, secs):
        a = self.a
        cnt = {}
        for _, res, _ in results:
            cnt[res] = cnt.get(res, 0) + 1
        total = len(results)
        k, s, nc, eqv = (cnt.get(x, 0) for x in ("killed", "survived", "not-compiled", "equivalent"))
        denom = total - nc - eqv - cnt.get("skipped", 0)
        self.log("")
        self.log("== %d mutants: %d killed, %d survived, %d did not compile, %d equivalent%s" %
                 (total, k, s, nc, eqv, (", %d skipped" % cnt["skipped"]) if cnt.get("skipped") else ""))
        self.log("== score: killed / (total - not compiled - equivalent) = %d/%d = %s   (%.0f s)" %
                 (k, denom, ("%.1f%%" % (100.0 * k / denom)) if denom else "n/a", secs))
        files = sorted({m.file for m, _, _ in results})
        if len(files) > 1:
            for f in files:
                c = {}
                for m, res, _ in results:
                    if m.file == f:
                        c[res] = c.get(res, 0) + 1
                n = sum(c.values())
                d = n - c.get("not-compiled", 0) - c.get("equivalent", 0) - c.get("skipped", 0)
                self.log("   %s: %d mutants, %d killed, %d survived, %d did not compile, %d equivalent: %s" %
                         (f, n, c.get("killed", 0), c.get("survived", 0), c.get("not-compiled", 0),
                          c.get("equivalent", 0), ("%.1f%%" % (100.0 * c.get("killed", 0) / d)) if d else "n/a"))
        surv = [r for r in results if r[1] == "survived"]
        if surv:
            self.log("== survivors (id  file:line  function  change):")
            for m, _, _ in sorted(surv, key=lambda r: (r[0].file, r[0].start)):
                self.log("%s  %s  %s  %s %s: %s" % (m.id, m.where(), m.func, m.op, m.desc, m.after))
        if a.out:
            with open(a.out, "w", encoding="utf-8") as fh:
                fh.write("id\tfile\tline\tfunction\top\tchange\tresult\tdetail\tmutated line\n")
                for m, res, how in results:
                    fh.write("\t".join([m.id, m.file, str(m.line), m.func, m.op, m.desc, res, how, m.after]) + "\n")
            self.log("== results written to %s" % a.out)
        return 0


def rescore(a, eq):
    rows = {}
    for path in a.rescore:
        with open(path, encoding="utf-8") as fh:
            for ln in fh:
                f = ln.rstrip("\n").split("\t")
                if len(f) < 9 or f[0] == "id":
                    continue
                rows[f[0]] = f
    results = []
    for f in rows.values():
        m = Mutant(file=f[1], func=f[3], line=int(f[2]), op=f[4], desc=f[5], start=0, end=0, repl="", linetext="",
                   id=f[0], after=f[8])
        res = f[6]
        if res in ("survived", "equivalent"):
            res = "equivalent" if f[0] in eq else "survived"
        results.append((m, res, f[7]))
    results.sort(key=lambda r: (r[0].file, r[0].line))
    a.out = None
    r = Runner(a, None)
    return r.summary(results, 0)


def main():
    ap = argparse.ArgumentParser(prog="tools/mutate.sh", description="mutation testing of the compliance engine")
    ap.add_argument("--file", action="append", help="file to mutate (repeatable; default: %s)" % ", ".join(KNOWN))
    ap.add_argument("--max", type=int, default=400, help="mutants to run over all files; 0: all (default 400)")
    ap.add_argument("--seed", default="1", help="selection seed (default 1)")
    ap.add_argument("--list", action="store_true", help="list the selected mutants and exit")
    ap.add_argument("--only", action="append", help="run just these mutant ids (repeatable, or comma-separated)")
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1), help="workers (default min(2, cores))")
    ap.add_argument("--timeout", type=float, default=0, help="seconds per test run (default 10x the baseline)")
    ap.add_argument("--out", help="write every result as TSV to this file")
    ap.add_argument("--keep", action="store_true", help="keep the temporary copy")
    ap.add_argument("--opt", default="-O1", help="optimisation flags of the private builds (default -O1)")
    ap.add_argument("--sanitize", action="store_true",
                    help="build with AddressSanitizer and UBSan (ZC_SANITIZE): a mutant that only reads or writes "
                         "memory it should not is killed; slower, and the allocation-failure test is skipped")
    ap.add_argument("--tmpdir", help="where the temporary copy goes (default $TMPDIR or /tmp)")
    ap.add_argument("--skip-func", action="append", default=None,
                    help="function not to mutate (repeatable; default: %s)" % " ".join(sorted(DEFAULT_SKIP_FUNCS)))
    ap.add_argument("--no-skip", action="store_true", help="mutate every function")
    ap.add_argument("--tests", action="append", help="tests to run for a file this tool does not know")
    ap.add_argument("--equivalent", help="list of equivalent mutants (default tools/mutate-equivalent.txt)")
    ap.add_argument("--rescore", action="append", metavar="TSV",
                    help="no run: the summary of earlier --out files (repeatable; a later file's result for a "
                         "mutant replaces an earlier one's), with today's list of equivalent mutants")
    ap.add_argument("--repo", help=argparse.SUPPRESS)
    a = ap.parse_args()
    repo = os.path.abspath(a.repo or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    a.skip_func = [] if a.no_skip else (a.skip_func if a.skip_func is not None else sorted(DEFAULT_SKIP_FUNCS))
    files = []
    for f in (a.file or list(KNOWN)):
        for g in f.split(","):
            g = g.strip()
            if not g:
                continue
            rel = g if os.path.exists(os.path.join(repo, g)) else next((k for k in KNOWN if k.endswith("/" + g)), g)
            if not os.path.isfile(os.path.join(repo, rel)):
                ap.error("no such file: %s" % g)
            if rel not in KNOWN and not a.tests:
                ap.error("%s: which tests cover it? give --tests" % rel)
            files.append(rel)
    by_file = {}
    for f in files:
        with open(os.path.join(repo, f), encoding="utf-8") as fh:
            by_file[f] = find_mutants(f, fh.read(), set(a.skip_func))
    if a.only:
        want = {x.strip() for o in a.only for x in o.split(",") if x.strip()}
        selected = [m for v in by_file.values() for m in v if m.id in want]
        missing = want - {m.id for m in selected}
        if missing:
            print("warning: no such mutant (any more): %s" % " ".join(sorted(missing)), file=sys.stderr)
            if not selected:
                return 2
    else:
        selected = select(by_file, a.max, a.seed)
    eq = read_equivalent(a.equivalent or os.path.join(repo, "tools", "mutate-equivalent.txt"))
    if a.rescore:
        return rescore(a, eq)
    if a.list:
        for f in files:
            print("# %s: %d mutants in all" % (f, len(by_file[f])))
        print("# selected: %d (seed %s)" % (len(selected), a.seed))
        for m in selected:
            print("%s  %s  %-12s %s %s: %s%s" % (m.id, m.where(), m.func, m.op, m.desc, m.after,
                                               "   [equivalent]" if m.id in eq else ""))
        return 0
    if not selected:
        print("nothing to do", file=sys.stderr)
        return 0
    return Runner(a, repo).main(selected, eq)


if __name__ == "__main__":
    sys.exit(main())
