/* SPDX-License-Identifier: Apache-2.0 */
/*
 * run.c: the scenario runner (run.h). One pass over the scenario's taps in
 * time order; each terminal is either a running zhucun-terminal process
 * (taps through the virtual PN532 and libnfc) or, for bulk taps, the same
 * firmware loop opened in-process over its state folder. A terminal's
 * simulated clock only moves forward: the process is set with `time T` on
 * its control socket, restarted with sim_start = the time it had reached,
 * and the in-process loop runs on a simulated clock moved to each tap.
 */
#include "run.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "ca.h"
#include "pn532srv.h"
#include "vcard.h"
#include "vreader.h"
#include "zc/badge.h"
#include "zc/board.h"
#include "zc/bytes.h"
#include "zc/clock.h"
#include "zc/crypto.h"
#include "zc/err.h"
#include "zc/feedback.h"
#include "zc/fileio.h"
#include "zc/journal.h"
#include "zc/rules.h"
#include "scenario.h"
#include "zc/storage.h"
#include "zc/terminal.h"
#include "zc/termlog.h"
#include "zc/termstate.h"

#define PATHCAP		4096
#define INPROC_FIRMWARE "zhucun-terminal 0.1.0 (sim)"
#define DAY_MS		86400000LL

/* ---- signals and child processes ---- */

static volatile sig_atomic_t g_stop;

static void on_signal(int sig)
{
	g_stop = sig;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_ms(int ms)
{
	struct timespec d = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&d, NULL);
}

/* A formatted path or line; -1 when it does not fit. */
static int fmt(char *buf, size_t cap, const char *f, ...) __attribute__((format(printf, 3, 4)));
static int fmt(char *buf, size_t cap, const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	int n = vsnprintf(buf, cap, f, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= cap ? -1 : 0;
}

static void errline(const char *f, ...) __attribute__((format(printf, 1, 2)));
static void errline(const char *f, ...)
{
	va_list ap;
	fflush(stdout);
	fputs("zhucun-sim run: 错误 / error: ", stderr);
	va_start(ap, f);
	vfprintf(stderr, f, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* The last lines of a log file, indented, on stderr (why a child failed). */
static void show_tail(const char *path, int lines)
{
	uint8_t *b;
	size_t n;
	if (zc_file_read(path, 16 << 20, &b, &n))
		return;
	if (!n) {
		free(b);
		return;
	}
	size_t start = n;
	int seen = 0;
	if (b[start - 1] == '\n')
		start--;
	while (start > 0 && seen < lines) {
		start--;
		if (b[start] == '\n')
			seen++;
	}
	if (b[start] == '\n')
		start++;
	fprintf(stderr, "  --- %s ---\n", path);
	for (size_t i = start; i < n; i++) {
		if (i == start || b[i - 1] == '\n')
			fputs("  | ", stderr);
		fputc(b[i], stderr);
	}
	if (b[n - 1] != '\n')
		fputc('\n', stderr);
	free(b);
}

typedef struct spawn_io {
	const char *out, *err;	/* log files (appended); NULL: /dev/null */
	const char *const *env; /* "NAME=VALUE" added, NULL-terminated; may be NULL */
} spawn_io;

/* Start argv[0] with its output in log files. The child dies with the
 * runner (PR_SET_PDEATHSIG). Returns the pid or -1. */
static pid_t spawn(char *const argv[], const spawn_io *io)
{
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid > 0)
		return pid;
	/* child */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		_exit(127);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	int in = open("/dev/null", O_RDONLY);
	int out = open(io->out ? io->out : "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0644);
	int err = open(io->err ? io->err : "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (in < 0 || out < 0 || err < 0)
		_exit(127);
	dup2(in, 0);
	dup2(out, 1);
	dup2(err, 2);
	for (const char *const *e = io->env; e && *e; e++)
		putenv((char *)*e);
	execv(argv[0], argv);
	dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* Wait for pid to end, up to timeout_ms (< 0: forever, unless a signal
 * stops the runner). Returns the exit status (128 + signal if killed), or
 * -1 on timeout or stop (the child is still running then). */
static int wait_child(pid_t pid, int timeout_ms)
{
	double end = now_s() + timeout_ms / 1000.0;
	for (;;) {
		int st;
		pid_t w = waitpid(pid, &st, WNOHANG);
		if (w == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		if (w < 0 && errno != EINTR)
			return 127;
		if (g_stop || (timeout_ms >= 0 && now_s() > end))
			return -1;
		sleep_ms(5);
	}
}

/* Stop a child: SIGTERM, then SIGKILL after grace_ms. */
static void kill_child(pid_t *pid, int grace_ms)
{
	if (*pid <= 0)
		return;
	kill(*pid, SIGTERM);
	double end = now_s() + grace_ms / 1000.0;
	int st;
	while (waitpid(*pid, &st, WNOHANG) == 0) {
		if (now_s() > end) {
			kill(*pid, SIGKILL);
			waitpid(*pid, &st, 0);
			break;
		}
		sleep_ms(5);
	}
	*pid = -1;
}

/* One line to a control socket (a terminal's terminal.ctl), its answer. */
static int ctl_send(const char *path, const char *line, char *reply, size_t cap)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	*reply = 0;
	if (strlen(path) >= sizeof sa.sun_path)
		return -1;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	struct timeval tv = {10, 0};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa)) {
		close(fd);
		return -1;
	}
	char msg[600];
	if (fmt(msg, sizeof msg, "%s\n", line) || write(fd, msg, strlen(msg)) != (ssize_t)strlen(msg)) {
		close(fd);
		return -1;
	}
	size_t n = 0;
	while (n + 1 < cap) {
		ssize_t k = read(fd, reply + n, 1);
		if (k <= 0 || reply[n] == '\n')
			break;
		n++;
	}
	reply[n] = 0;
	close(fd);
	return strncmp(reply, "ok", 2) ? 1 : 0;
}

/* ---- deterministic randomness: SHA-256 in counter mode ---- */

typedef struct rng {
	uint8_t seed[ZC_HASH_LEN];
	uint64_t counter;
	uint8_t block[ZC_HASH_LEN];
	size_t used;
} rng;

static int rng_fill(void *ctx, uint8_t *buf, size_t n)
{
	rng *g = ctx;
	while (n) {
		if (g->used == sizeof g->block) {
			uint8_t in[ZC_HASH_LEN + 8];
			memcpy(in, g->seed, ZC_HASH_LEN);
			for (int i = 0; i < 8; i++)
				in[ZC_HASH_LEN + i] = (uint8_t)(g->counter >> (8 * i));
			g->counter++;
			zc_sha256(in, sizeof in, g->block);
			g->used = 0;
		}
		size_t k = sizeof g->block - g->used;
		if (k > n)
			k = n;
		memcpy(buf, g->block + g->used, k);
		g->used += k;
		buf += k;
		n -= k;
	}
	return 0;
}

/* ---- the runner's state ---- */

/* Feedback that counts what the in-process terminal showed, then passes
 * it to the board's feedback (the same feedback.log as the process). */
typedef struct fbwrap {
	zc_feedback self;
	zc_feedback *inner;
	unsigned events;
	zc_fb_kind last;
	char reason[48];
} fbwrap;

static void fbw_show(void *ctx, const zc_fb_event *ev)
{
	fbwrap *w = ctx;
	if (w->inner)
		w->inner->show(w->inner->ctx, ev);
	w->events++;
	w->last = ev->kind;
	snprintf(w->reason, sizeof w->reason, "%s", ev->reason ? ev->reason : "");
}

/* The firmware tap loop in-process over a terminal's state folder. */
typedef struct inproc {
	zc_privkey *key;
	zc_storage *st;
	zc_journal *j;
	zc_simclock sc;
	zc_clock clk;
	zc_termstate *ts;
	zc_badge_ca *ca;
	zc_reader *rd;
	zc_vreader *vr;
	fbwrap fb;
	zc_terminal *term;
} inproc;

enum { MODE_OFF = 0, MODE_PROCESS, MODE_INPROC };

typedef struct term {
	const char *id, *township;
	char dir[PATHCAP];
	zc_board board;
	char pn532[PATHCAP], rctl[PATHCAP], link[PATHCAP], fblog[PATHCAP];
	pid_t reader, proc;
	int mode;
	int64_t vtime; /* the simulated time reached so far (UTC ms) */
	inproc *ip;
	unsigned starts;
	int64_t last_tap; /* simulated time of its last tap; INT64_MIN: none */
	uint64_t pulled;
	unsigned npulls;
} term;

typedef struct bcard {
	char card[PATHCAP], der[PATHCAP];
	char spec[PATHCAP + 16]; /* piv:CARD or uid:HEX */
	uint8_t uid[7];
	zc_vcard *vc;
} bcard;

typedef struct run {
	const zc_sim_run_opts *o;
	const char *scn_name;
	char *text;
	size_t text_len;
	zc_scenario *s;
	char dir[PATHCAP], bin[PATHCAP], board[PATHCAP], shim[PATHCAP], db[PATHCAP], cadir[PATHCAP];
	char logs[PATHCAP];
	char shim_env[PATHCAP + 16];
	rng g;
	int64_t ca_now, t0;
	term *t;
	bcard *b;
	unsigned *count; /* taps so far per badge x terminal */
	/* figures */
	uint64_t taps_nfc, taps_inproc, outcome[8];
	double s_ca, s_start, s_nfc, s_inproc, s_switch, s_pull, s_registry, s_report, s_total;
	uint64_t records;
	int host_missing; /* an import/ca/report command is not in this zhucun */
} run;

static void local_time(const run *r, int64_t utc_ms, char *out, size_t cap)
{
	int tz = r->s->tz_offset_min;
	time_t t = (time_t)(utc_ms / 1000) + (time_t)tz * 60;
	struct tm tm;
	gmtime_r(&t, &tm);
	int a = tz < 0 ? -tz : tz;
	fmt(out, cap, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
	    tm.tm_hour, tm.tm_min, tm.tm_sec, tz < 0 ? '-' : '+', a / 60, a % 60);
}

/* "terminal K01, tap of B001 at 2025-01-02T08:30:00+08:00 (FILE:LINE)" */
static void tap_where(const run *r, const zc_scn_tap *tp, char *out, size_t cap)
{
	char when[40];
	local_time(r, tp->utc_ms, when, sizeof when);
	snprintf(out, cap, "终端 / terminal %s, %s 的刷卡 / tap of %s at %s (%s:%d)", r->s->terminals[tp->terminal].id,
		 r->s->badges[tp->badge].id, r->s->badges[tp->badge].id, when, r->scn_name, tp->line);
}

/* ---- in-process terminal ---- */

static void inproc_close(inproc *ip)
{
	if (!ip)
		return;
	zc_terminal_free(ip->term);
	zc_reader_free(ip->rd);
	zc_feedback_free(ip->fb.inner);
	zc_badge_ca_free(ip->ca);
	zc_termstate_close(ip->ts);
	zc_journal_close(ip->j);
	zc_storage_close(ip->st);
	zc_privkey_free(ip->key);
	free(ip);
}

static int inproc_open(run *r, term *t)
{
	char kp[PATHCAP], pp[PATHCAP], jp[PATHCAP], cp[PATHCAP], rp[PATHCAP], err[512];
	const zc_board *b = &t->board;
	inproc *ip = calloc(1, sizeof *ip);
	int created = 0, rc;
	if (!ip) {
		errline("内存不足 / out of memory");
		return -1;
	}
	if (fmt(kp, sizeof kp, "%s/terminal.key", b->state) || fmt(pp, sizeof pp, "%s/terminal.pub.pem", b->state) ||
	    fmt(jp, sizeof jp, "%s/journal", b->state) || fmt(cp, sizeof cp, "%s/ca.pem", b->state) ||
	    fmt(rp, sizeof rp, "%s/revocations.zrl", b->state)) {
		errline("终端 / terminal %s: 路径过长 / path too long: %s", t->id, b->state);
		goto fail;
	}
	if ((rc = zc_termkey_load_or_create(kp, pp, &ip->key, &created)) || created) {
		errline("终端 / terminal %s: 终端密钥 / terminal key %s: %s", t->id, kp,
			rc ? zc_strerror(rc) : "missing (made anew: the terminal was never started)");
		goto fail;
	}
	zc_journal_cfg jc = {b->journal_capacity, 0};
	if ((rc = zc_storage_posix_open(jp, &ip->st)) || (rc = zc_journal_open(ip->st, &jc, &ip->j))) {
		errline("终端 / terminal %s: 无法打开日志 / cannot open the journal %s: %s", t->id, jp,
			zc_strerror(rc));
		goto fail;
	}
	ip->sc.utc_ms = t->vtime;
	ip->sc.mono_ms = 1000; /* as the process's simulated clock at boot */
	ip->clk = zc_clock_sim(&ip->sc);
	zc_termstate_cfg tcfg = {b->state, ip->j, ip->key, &ip->clk, INPROC_FIRMWARE};
	if (zc_termstate_open(&tcfg, &ip->ts, err, sizeof err)) {
		errline("终端 / terminal %s: 无法打开终端状态 / cannot open the terminal state: %s", t->id, err);
		goto fail;
	}
	zc_termstate_lock(ip->ts);
	zc_termlog *log = zc_termstate_log(ip->ts);
	zc_termstate_unlock(ip->ts);
	if (!log) {
		errline("终端 / terminal %s: 尚未初始化 / not provisioned (%s)", t->id, b->state);
		goto fail;
	}
	if ((rc = zc_badge_ca_load(cp, &ip->ca))) {
		errline("终端 / terminal %s: 工牌CA / badge CA %s: %s", t->id, cp, zc_strerror(rc));
		goto fail;
	}
	if (!access(rp, F_OK) && (rc = zc_badge_ca_load_revocations(ip->ca, rp, NULL))) {
		errline("终端 / terminal %s: 吊销列表 / revocation list %s: %s", t->id, rp, zc_strerror(rc));
		goto fail;
	}
	if (zc_feedback_from_spec(*b->feedback ? b->feedback : "console", &ip->fb.inner, err, sizeof err)) {
		errline("终端 / terminal %s: feedback: %s", t->id, err);
		goto fail;
	}
	ip->fb.self = (zc_feedback){ZC_FEEDBACK_VERSION, &ip->fb, fbw_show, NULL};
	if (zc_vreader_new(&ip->rd, &ip->vr)) {
		errline("内存不足 / out of memory");
		goto fail;
	}
	/* the board's time zone and duplicate window; polling needs no wait */
	zc_terminal_cfg tc = {b->tz_offset_min, b->duplicate_window_s, 0, b->accept_uid_badges};
	if (zc_terminal_new(log, ip->rd, &ip->clk, &ip->fb.self, ip->ca, &tc, &ip->term)) {
		errline("终端 / terminal %s: 无法启动刷卡循环 / cannot start the tap loop", t->id);
		goto fail;
	}
	t->ip = ip;
	t->mode = MODE_INPROC;
	(void)r;
	return 0;
fail:
	inproc_close(ip);
	return -1;
}

/* ---- terminal and reader processes ---- */

static int start_reader(run *r, term *t)
{
	char exe[PATHCAP], out[PATHCAP], err[PATHCAP], env[PATHCAP + 32];
	if (fmt(exe, sizeof exe, "%s/zhucun-sim", r->bin) || fmt(out, sizeof out, "%s/%s-reader.out", r->logs, t->id) ||
	    fmt(err, sizeof err, "%s/%s-reader.err", r->logs, t->id) ||
	    fmt(env, sizeof env, "ZHUCUN_SIM_DIR=%s", t->dir)) {
		errline("终端 / terminal %s: 路径过长 / path too long", t->id);
		return -1;
	}
	char *argv[] = {exe, "reader", "--link", t->pn532, NULL};
	const char *envs[] = {env, NULL};
	spawn_io io = {out, err, envs};
	if ((t->reader = spawn(argv, &io)) < 0) {
		errline("终端 / terminal %s: 无法启动读卡器 / cannot start the reader: %s", t->id, strerror(errno));
		return -1;
	}
	char reply[256];
	for (int i = 0; i < 1000 && !g_stop; i++) {
		if (!zc_simreader_send(t->rctl, "status", reply, sizeof reply))
			return 0;
		int st;
		if (waitpid(t->reader, &st, WNOHANG) == t->reader) {
			t->reader = -1;
			errline("终端 / terminal %s: 虚拟读卡器退出 / the virtual reader exited", t->id);
			show_tail(err, 8);
			return -1;
		}
		sleep_ms(10);
	}
	errline("终端 / terminal %s: 虚拟读卡器未就绪 / the virtual reader did not come up (%s)", t->id, t->rctl);
	show_tail(err, 8);
	return -1;
}

/* Start zhucun-terminal with its clock at t->vtime; wait for its control
 * socket. */
static int start_terminal(run *r, term *t)
{
	char exe[PATHCAP], out[PATHCAP], err[PATHCAP], env[PATHCAP + 32], set[64];
	if (fmt(exe, sizeof exe, "%s/zhucun-terminal", r->bin) ||
	    fmt(out, sizeof out, "%s/%s-terminal.out", r->logs, t->id) ||
	    fmt(err, sizeof err, "%s/%s-terminal.err", r->logs, t->id) ||
	    fmt(env, sizeof env, "ZHUCUN_SIM_DIR=%s", t->dir) ||
	    fmt(set, sizeof set, "sim_start=%lld", (long long)t->vtime)) {
		errline("终端 / terminal %s: 路径过长 / path too long", t->id);
		return -1;
	}
	char *argv[] = {exe, "--board", r->board, "--set", set, "run", NULL};
	const char *envs[] = {env, "LIBNFC_AUTO_SCAN=false", NULL};
	spawn_io io = {out, err, envs};
	double t0 = now_s();
	if ((t->proc = spawn(argv, &io)) < 0) {
		errline("终端 / terminal %s: 无法启动 / cannot start zhucun-terminal: %s", t->id, strerror(errno));
		return -1;
	}
	char reply[512];
	for (int i = 0; i < 1500 && !g_stop; i++) {
		if (!ctl_send(t->board.control, "status", reply, sizeof reply)) {
			t->mode = MODE_PROCESS;
			t->starts++;
			r->s_switch += now_s() - t0;
			return 0;
		}
		int st;
		if (waitpid(t->proc, &st, WNOHANG) == t->proc) {
			t->proc = -1;
			errline("终端 / terminal %s: zhucun-terminal 启动后退出 / exited at start", t->id);
			show_tail(err, 8);
			return -1;
		}
		sleep_ms(10);
	}
	errline("终端 / terminal %s: zhucun-terminal 未就绪 / did not come up (control socket %s)", t->id,
		t->board.control);
	show_tail(err, 8);
	return -1;
}

/* Stop the terminal process the way an operator would: `quit`, then wait. */
static int stop_terminal(run *r, term *t)
{
	char reply[256];
	double t0 = now_s();
	if (t->proc <= 0)
		return 0;
	if (ctl_send(t->board.control, "quit", reply, sizeof reply) < 0)
		kill(t->proc, SIGTERM);
	int st = wait_child(t->proc, 15000);
	if (st < 0) {
		kill_child(&t->proc, 2000);
		errline("终端 / terminal %s: zhucun-terminal 未按 quit 退出 / did not stop on quit", t->id);
		return -1;
	}
	t->proc = -1;
	t->mode = MODE_OFF;
	r->s_switch += now_s() - t0;
	if (st) {
		char err[PATHCAP];
		errline("终端 / terminal %s: zhucun-terminal 退出码 / exited with status %d", t->id, st);
		if (!fmt(err, sizeof err, "%s/%s-terminal.err", r->logs, t->id))
			show_tail(err, 8);
		return -1;
	}
	return 0;
}

static int ensure_process(run *r, term *t)
{
	if (t->mode == MODE_PROCESS)
		return 0;
	if (t->mode == MODE_INPROC) {
		double t0 = now_s();
		t->vtime = t->ip->sc.utc_ms > t->vtime ? t->ip->sc.utc_ms : t->vtime;
		inproc_close(t->ip);
		t->ip = NULL;
		t->mode = MODE_OFF;
		r->s_switch += now_s() - t0;
	}
	return start_terminal(r, t);
}

static int ensure_inproc(run *r, term *t)
{
	if (t->mode == MODE_INPROC)
		return 0;
	if (t->mode == MODE_PROCESS && stop_terminal(r, t))
		return -1;
	double t0 = now_s();
	int rc = inproc_open(r, t);
	r->s_switch += now_s() - t0;
	return rc;
}

/* ---- taps ---- */

static int outcome_index(const char *kind)
{
	static const char *const k[] = {"OK", "WEAK", "ALREADY", "REJECTED", "FULL", "FAULT"};
	for (int i = 0; i < 6; i++)
		if (!strcmp(kind, k[i]))
			return i;
	return 7;
}

static int check_outcome(run *r, const zc_scn_tap *tp, const char *kind, const char *reason)
{
	int i = outcome_index(kind);
	r->outcome[i]++;
	if (i <= 3)
		return 0;
	char where[512];
	tap_where(r, tp, where, sizeof where);
	errline("%s: 终端报告 / the terminal reported %s %s", where, kind, reason);
	return -1;
}

/* A whole line "utc_ms KIND reason seq | ..." of feedback.log from offset
 * on whose KIND is not READY; 1 found (kind, reason filled; *off moved
 * past it), 0 not yet. */
static int feedback_after(const char *path, off_t *off, char *kind, size_t kcap, char *reason, size_t rcap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	char buf[8192];
	int found = 0;
	for (;;) {
		ssize_t n = pread(fd, buf, sizeof buf - 1, *off);
		if (n <= 0)
			break;
		buf[n] = 0;
		char *nl = memchr(buf, '\n', (size_t)n);
		if (!nl)
			break; /* a partial line: wait for the rest */
		*nl = 0;
		*off += (nl - buf) + 1;
		char k[32] = "", why[64] = "";
		long long ms;
		if (sscanf(buf, "%lld %31s %63s", &ms, k, why) >= 2 && strcmp(k, "READY")) {
			snprintf(kind, kcap, "%s", k);
			snprintf(reason, rcap, "%s", (why[0] >= '0' && why[0] <= '9') || why[0] == '|' ? "" : why);
			found = 1;
			break;
		}
	}
	close(fd);
	return found;
}

/* 1 (and a message naming where) if the terminal or reader process has
 * ended. */
static int process_gone(run *r, term *t, const char *where)
{
	char p[PATHCAP];
	int st;
	if (t->proc > 0 && waitpid(t->proc, &st, WNOHANG) == t->proc) {
		t->proc = -1;
		t->mode = MODE_OFF;
		errline("%s: zhucun-terminal 已退出 / has exited (%s %d)", where, WIFEXITED(st) ? "status" : "signal",
			WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
		if (!fmt(p, sizeof p, "%s/%s-terminal.err", r->logs, t->id))
			show_tail(p, 8);
		return 1;
	}
	if (t->reader > 0 && waitpid(t->reader, &st, WNOHANG) == t->reader) {
		t->reader = -1;
		errline("%s: 虚拟读卡器已退出 / the virtual reader has exited (%s %d)", where,
			WIFEXITED(st) ? "status" : "signal", WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
		if (!fmt(p, sizeof p, "%s/%s-reader.err", r->logs, t->id))
			show_tail(p, 8);
		return 1;
	}
	return 0;
}

static int tap_nfc(run *r, term *t, const zc_scn_tap *tp)
{
	char line[PATHCAP + 64], reply[512], where[512], kind[32], reason[64];
	if (ensure_process(r, t))
		goto fail;
	double t0 = now_s();
	if (tp->utc_ms > t->vtime)
		t->vtime = tp->utc_ms;
	fmt(line, sizeof line, "time %lld", (long long)t->vtime);
	if (ctl_send(t->board.control, line, reply, sizeof reply)) {
		tap_where(r, tp, where, sizeof where);
		if (!process_gone(r, t, where))
			errline("%s: 无法设定终端时钟 / cannot set the terminal clock: %s", where,
				*reply ? reply : "no answer");
		return -1;
	}
	struct stat st;
	off_t off = stat(t->fblog, &st) ? 0 : st.st_size;
	if (fmt(line, sizeof line, "present %s", r->b[tp->badge].spec) ||
	    zc_simreader_send(t->rctl, line, reply, sizeof reply)) {
		tap_where(r, tp, where, sizeof where);
		if (!process_gone(r, t, where))
			errline("%s: 读卡器拒绝放卡 / the reader refused the card: %s", where, reply);
		return -1;
	}
	int got = 0;
	for (int i = 0; i < 3000 && !got && !g_stop; i++) {
		got = feedback_after(t->fblog, &off, kind, sizeof kind, reason, sizeof reason);
		if (!got)
			sleep_ms(5);
	}
	zc_simreader_send(t->rctl, "remove", reply, sizeof reply);
	if (!got) {
		if (g_stop)
			return -1;
		tap_where(r, tp, where, sizeof where);
		if (!process_gone(r, t, where))
			errline("%s: 终端 15 秒内没有反馈 / no feedback from the terminal within 15 s (%s)", where,
				t->fblog);
		goto fail;
	}
	/* let the terminal see the card leave before the next one */
	sleep_ms(t->board.poll_interval_ms > 20 ? t->board.poll_interval_ms : 20);
	r->taps_nfc++;
	r->s_nfc += now_s() - t0;
	return check_outcome(r, tp, kind, reason);
fail:
	return -1;
}

static int tap_inproc(run *r, term *t, const zc_scn_tap *tp)
{
	char where[512];
	if (ensure_inproc(r, t))
		return -1;
	double t0 = now_s();
	inproc *ip = t->ip;
	if (tp->utc_ms > ip->sc.utc_ms) {
		ip->sc.mono_ms += (uint64_t)(tp->utc_ms - ip->sc.utc_ms);
		ip->sc.utc_ms = tp->utc_ms;
	}
	t->vtime = ip->sc.utc_ms;
	unsigned before = ip->fb.events;
	zc_vreader_present(ip->vr, r->b[tp->badge].vc);
	int done = 0;
	for (int i = 0; i < 20 && !done; i++) {
		int rc = zc_terminal_step(ip->term);
		if (rc) {
			zc_vreader_remove(ip->vr);
			tap_where(r, tp, where, sizeof where);
			errline("%s: 日志不可写 / the journal cannot be written: %s", where, zc_strerror(rc));
			return -1;
		}
		done = ip->fb.events > before && ip->fb.last != ZC_FB_READY;
	}
	zc_vreader_remove(ip->vr);
	zc_terminal_step(ip->term); /* it notices the card leave */
	if (!done) {
		tap_where(r, tp, where, sizeof where);
		errline("%s: 进程内终端没有处理这次刷卡 / the in-process terminal did not handle the tap", where);
		return -1;
	}
	r->taps_inproc++;
	r->s_inproc += now_s() - t0;
	return check_outcome(r, tp, zc_fb_kind_name(ip->fb.last), ip->fb.reason);
}

/* ---- setup: folders, CA, badges ---- */

static int mkdirs(const char *path)
{
	char p[PATHCAP];
	if (fmt(p, sizeof p, "%s", path))
		return -1;
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = 0;
		if (mkdir(p, 0755) && errno != EEXIST)
			return -1;
		*s = '/';
	}
	return mkdir(p, 0755) && errno != EEXIST ? -1 : 0;
}

static int dir_empty_or_absent(const char *path)
{
	DIR *d = opendir(path);
	if (!d)
		return errno == ENOENT ? 1 : (errno == ENOTDIR ? 0 : -1);
	struct dirent *e;
	int empty = 1;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			empty = 0;
	closedir(d);
	return empty;
}

/* The earliest date of the scenario's taps, bindings, assignments, leave,
 * duty, calendar, revocations and as-of. */
static zc_day earliest_day(const zc_scenario *s)
{
	zc_day d = s->as_of;
#define LOWER(x)                                                                                                       \
	do {                                                                                                           \
		if ((x) < d)                                                                                           \
			d = (x);                                                                                       \
	} while (0)
	for (size_t i = 0; i < s->ntaps; i++)
		LOWER(zc_day_of_utc(s->taps[i].utc_ms, s->tz_offset_min));
	for (size_t i = 0; i < s->nassignments; i++)
		LOWER(s->assignments[i].start);
	for (size_t i = 0; i < s->nbadges; i++) {
		LOWER(s->badges[i].bound_from);
		if (s->badges[i].revoked_at_ms != INT64_MAX)
			LOWER(zc_day_of_utc(s->badges[i].revoked_at_ms, s->tz_offset_min));
	}
	for (size_t i = 0; i < s->nleaves; i++)
		LOWER(s->leaves[i].start);
	for (size_t i = 0; i < s->nduties; i++)
		LOWER(s->duties[i].start);
	for (size_t i = 0; i < s->nholidays; i++)
		LOWER(s->holidays[i]);
	for (size_t i = 0; i < s->nworkdays; i++)
		LOWER(s->workdays[i]);
	for (size_t i = 0; i < s->npulls; i++)
		LOWER(zc_day_of_utc(s->pulls[i].utc_ms, s->tz_offset_min));
	for (size_t i = 0; i < s->ncorrections; i++)
		LOWER(s->corrections[i].day);
	for (size_t i = 0; i < s->ninspections; i++)
		LOWER(zc_day_of_utc(s->inspections[i].utc_ms, s->tz_offset_min));
#undef LOWER
	return d;
}

static int root_badge(const zc_scenario *s, int b)
{
	for (int k = 0; k < (int)s->nbadges && s->badges[b].clone_of >= 0; k++)
		b = s->badges[b].clone_of;
	return b;
}

typedef struct revo {
	int badge;
	int64_t at;
} revo;

static int cmp_revo(const void *a, const void *b)
{
	const revo *x = a, *y = b;
	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	return x->badge - y->badge;
}

static int setup_ca(run *r)
{
	zc_scenario *s = r->s;
	char err[512], name[200], bdir[PATHCAP];
	double t0 = now_s();
	if (fmt(r->cadir, sizeof r->cadir, "%s/ca", r->dir) || fmt(bdir, sizeof bdir, "%s/badges", r->dir) ||
	    mkdirs(bdir)) {
		errline("无法创建 / cannot create %s/badges", r->dir);
		return -1;
	}
	const char *district = s->ndistricts ? s->districts[0].name : NULL;
	snprintf(name, sizeof name, "%s驻村干部工牌CA", district ? district : "");
	zc_ca_init_opts io = {.dir = r->cadir,
			      .name = name,
			      .district = district,
			      .now_ms = r->ca_now,
			      .rng = rng_fill,
			      .rng_ctx = &r->g};
	if (zc_ca_init(&io, err, sizeof err)) {
		errline("工牌CA / badge CA %s: %s", r->cadir, err);
		return -1;
	}
	for (size_t i = 0; i < s->nbadges; i++) {
		const zc_scn_badge *sb = &s->badges[i];
		bcard *bc = &r->b[i];
		if (fmt(bc->card, sizeof bc->card, "%s/%s.card", bdir, sb->id) ||
		    fmt(bc->der, sizeof bc->der, "%s/%s.der", bdir, sb->id)) {
			errline("路径过长 / path too long: %s", bdir);
			return -1;
		}
		int src = sb->clone_of;
		if (src >= 0 && s->badges[root_badge(s, (int)i)].uid_only) {
			/* a copied UID card: the same UID */
			memcpy(bc->uid, r->b[src].uid, sizeof bc->uid);
		} else if (src >= 0) {
			if (zc_ca_clone(r->b[src].card, bc->card, rng_fill, &r->g, err, sizeof err)) {
				errline("复制卡 / clone %s of %s: %s", sb->id, s->badges[src].id, err);
				return -1;
			}
		} else if (sb->uid_only) {
			rng_fill(&r->g, bc->uid, sizeof bc->uid);
			bc->uid[0] = 0x04; /* NXP, as MIFARE cards with 7-byte UIDs */
		} else {
			const zc_r_cadre *c = &s->cadres[sb->cadre];
			zc_ca_issue_opts is = {.dir = r->cadir,
					       .badge = sb->id,
					       .cadre = c->id,
					       .name = c->name && *c->name ? c->name : c->id,
					       .out = bc->card,
					       .cert_out = bc->der,
					       .rng = rng_fill,
					       .rng_ctx = &r->g};
			if (zc_ca_issue(&is, NULL, err, sizeof err)) {
				errline("工牌 / badge %s: %s", sb->id, err);
				return -1;
			}
		}
		char hx[2 * sizeof bc->uid + 1];
		int uid = s->badges[root_badge(s, (int)i)].uid_only;
		if (uid)
			snprintf(bc->spec, sizeof bc->spec, "uid:%s", zc_hex(bc->uid, sizeof bc->uid, hx));
		else
			snprintf(bc->spec, sizeof bc->spec, "piv:%s", bc->card);
		int rc = uid ? zc_vcard_uid_new(bc->uid, sizeof bc->uid, &bc->vc)
			     : zc_vcard_piv_load(bc->card, &bc->vc, err, sizeof err);
		if (rc) {
			errline("工牌 / badge %s: 虚拟卡 / virtual card: %s", sb->id, uid ? zc_strerror(rc) : err);
			return -1;
		}
	}
	/* revocations, each at its time: lists numbered in time order */
	revo *rv = calloc(s->nbadges + 1, sizeof *rv);
	size_t nr = 0;
	if (!rv)
		return -1;
	for (size_t i = 0; i < s->nbadges; i++)
		if (s->badges[i].revoked_at_ms != INT64_MAX)
			rv[nr++] = (revo){(int)i, s->badges[i].revoked_at_ms};
	qsort(rv, nr, sizeof *rv, cmp_revo);
	for (size_t k = 0; k < nr; k++) {
		int b = root_badge(s, rv[k].badge);
		if (s->badges[b].uid_only) {
			fprintf(stderr,
				"zhucun-sim run: 警告 / warning: %s 是 UID 卡，没有证书可吊销 / is a UID card: no "
				"certificate to revoke\n",
				s->badges[rv[k].badge].id);
			continue;
		}
		if (b != rv[k].badge)
			fprintf(
			    stderr,
			    "zhucun-sim run: 注意 / note: %s 是 %s 的复制卡，吊销的是同一张证书 / is a clone of %s: "
			    "revoking it revokes their one certificate\n",
			    s->badges[rv[k].badge].id, s->badges[b].id, s->badges[b].id);
		int64_t at = rv[k].at > r->ca_now ? rv[k].at : r->ca_now;
		int rc = zc_ca_revoke(r->cadir, s->badges[b].id, rv[k].at, at, NULL, err, sizeof err);
		if (rc && rc != ZC_EEXIST) {
			errline("吊销 / revoking %s: %s", s->badges[rv[k].badge].id, err);
			free(rv);
			return -1;
		}
	}
	free(rv);
	r->s_ca = now_s() - t0;
	return 0;
}

/* ---- host commands ---- */

/* Run `zhucun --db DB ARGS...`; output in logs/NAME.out and .err. Returns
 * its exit status, or -1 (could not run, timed out, stopped). */
static int host_cmd(run *r, const char *name, int shim, int timeout_ms, const char *const *args)
{
	char exe[PATHCAP], out[PATHCAP], err[PATHCAP];
	char *argv[32];
	int n = 0;
	if (fmt(exe, sizeof exe, "%s/zhucun", r->bin) || fmt(out, sizeof out, "%s/%s.out", r->logs, name) ||
	    fmt(err, sizeof err, "%s/%s.err", r->logs, name))
		return -1;
	argv[n++] = exe;
	argv[n++] = "--db";
	argv[n++] = r->db;
	argv[n++] = "--create"; /* the simulation's host store is its own */
	for (; *args && n < 31; args++)
		argv[n++] = (char *)*args;
	argv[n] = NULL;
	const char *envs[] = {shim ? r->shim_env : NULL, NULL};
	spawn_io io = {out, err, envs};
	pid_t pid = spawn(argv, &io);
	if (pid < 0)
		return -1;
	int st = wait_child(pid, timeout_ms);
	if (st < 0)
		kill_child(&pid, 2000);
	return st;
}

static void host_log(run *r, const char *name, const char *ext, char *out, size_t cap)
{
	if (fmt(out, cap, "%s/%s.%s", r->logs, name, ext))
		*out = 0;
}

/* 1 if the command failed because this zhucun does not have it yet. */
static int host_lacks(run *r, const char *name)
{
	char p[PATHCAP];
	uint8_t *b;
	size_t n;
	host_log(r, name, "err", p, sizeof p);
	if (zc_file_read(p, 1 << 20, &b, &n))
		return 0;
	uint8_t *z = realloc(b, n + 1);
	if (!z) {
		free(b);
		return 0;
	}
	z[n] = 0;
	int lacks = strstr((char *)z, "unknown command") || strstr((char *)z, "未知命令");
	free(z);
	return lacks;
}

static int provision(run *r, term *t)
{
	char ca[PATHCAP], rev[PATHCAP], name[64];
	if (fmt(ca, sizeof ca, "%s/ca.pem", r->cadir) || fmt(rev, sizeof rev, "%s/revocations.zrl", r->cadir))
		return -1;
	snprintf(name, sizeof name, "provision-%s", t->id);
	const char *args[] = {"provision", t->link, "--terminal",    t->id, "--township", t->township,
			      "--ca",	   ca,	    "--revocations", rev,   NULL};
	int st = host_cmd(r, name, 1, 60000, args);
	if (st) {
		char p[PATHCAP];
		errline("终端 / terminal %s: zhucun provision 失败 / failed (%s)", t->id,
			st < 0 ? "did not finish" : "see below");
		host_log(r, name, "err", p, sizeof p);
		show_tail(p, 8);
		return -1;
	}
	return 0;
}

/* A clerk pulls terminal t at simulated time at_ms (SCENARIO.md "Pulls"):
 * the terminal's clock is moved there, and the host takes it as its own
 * clock, so the collection is recorded at that time. */
static int pull(run *r, term *t, int64_t at_ms)
{
	char name[64], p[PATHCAP], line[64], reply[256], host_time[32];
	if (ensure_process(r, t))
		return -1;
	if (at_ms > t->vtime)
		t->vtime = at_ms;
	fmt(line, sizeof line, "time %lld", (long long)t->vtime);
	if (ctl_send(t->board.control, line, reply, sizeof reply)) {
		errline("终端 / terminal %s: 无法设定终端时钟 / cannot set the terminal clock: %s", t->id,
			*reply ? reply : "no answer");
		return -1;
	}
	snprintf(host_time, sizeof host_time, "%lld", (long long)at_ms);
	snprintf(name, sizeof name, "pull-%s-%u", t->id, ++t->npulls);
	const char *args[] = {"pull", t->link, "--json", "--time-tolerance", "0", "--host-time", host_time, NULL};
	int st = host_cmd(r, name, 1, 300000, args);
	host_log(r, name, "out", p, sizeof p);
	if (st != 0 && st != 3) {
		errline("终端 / terminal %s: zhucun pull 失败 / failed (%s)", t->id,
			st < 0 ? "did not finish" : "see below");
		host_log(r, name, "err", p, sizeof p);
		show_tail(p, 8);
		return -1;
	}
	json_error_t je;
	json_t *j = json_load_file(p, 0, &je);
	json_t *stored = json_object_get(j, "stored");
	if (!json_is_integer(stored)) {
		json_decref(j);
		errline("终端 / terminal %s: zhucun pull --json 的输出无法读取 / unreadable output in %s", t->id, p);
		return -1;
	}
	t->pulled += (uint64_t)json_integer_value(stored);
	r->records += (uint64_t)json_integer_value(stored);
	if (st == 3)
		fprintf(stderr,
			"zhucun-sim run: 警告 / warning: 终端 / terminal %s: 拉取发现完整性问题 / the pull found "
			"%lld integrity findings\n",
			t->id, (long long)json_integer_value(json_object_get(j, "findings")));
	json_decref(j);
	return 0;
}

/* ---- registry ---- */

/* A CSV field, quoted when it must be (RFC 4180). */
static void csv_field(FILE *f, const char *v, int last)
{
	if (!v)
		v = "";
	size_t n = strlen(v);
	int q = n && (v[0] == ' ' || v[n - 1] == ' ' || strpbrk(v, ",\"\r\n"));
	if (q) {
		fputc('"', f);
		for (const char *p = v; *p; p++) {
			if (*p == '"')
				fputc('"', f);
			fputc(*p, f);
		}
		fputc('"', f);
	} else {
		fputs(v, f);
	}
	fputs(last ? "\n" : ",", f);
}

static void csv_row(FILE *f, int n, ...)
{
	va_list ap;
	va_start(ap, n);
	for (int i = 0; i < n; i++)
		csv_field(f, va_arg(ap, const char *), i == n - 1);
	va_end(ap);
}

static FILE *csv_open(run *r, const char *kind, char *path, size_t cap)
{
	if (fmt(path, cap, "%s/registry/%s.csv", r->dir, kind))
		return NULL;
	FILE *f = fopen(path, "w");
	if (!f)
		errline("无法写入 / cannot write %s: %s", path, strerror(errno));
	return f;
}

static const char *day_str(zc_day d, char out[11])
{
	zc_day_format(d, out);
	return out;
}

static int cmp_day(const void *a, const void *b)
{
	zc_day x = *(const zc_day *)a, y = *(const zc_day *)b;
	return x < y ? -1 : x > y;
}

/* The scenario's `policy NAME VALUE` lines (the last value of a name
 * wins) and its zone, in the order they first appear. */
static int write_policy(run *r, FILE *f)
{
	enum { MAXP = 128 };
	char *names[MAXP], *values[MAXP];
	size_t np = 0;
	char zone[64] = "Asia/Shanghai";
	char *copy = malloc(r->text_len + 1);
	if (!copy)
		return -1;
	memcpy(copy, r->text, r->text_len);
	copy[r->text_len] = 0;
	for (char *line = copy; line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = 0;
		char *w[4];
		int n = 0;
		for (char *p = line; *p && n < 4;) {
			while (*p == ' ' || *p == '\t' || *p == '\r')
				p++;
			if (!*p || *p == '#')
				break;
			if (*p == '"') {
				char *e = strchr(p + 1, '"');
				if (!e)
					break;
				*e = 0;
				w[n++] = p + 1;
				p = e + 1;
				continue;
			}
			w[n++] = p;
			while (*p && *p != ' ' && *p != '\t' && *p != '\r' && *p != '#')
				p++;
			if (*p == '#') {
				*p = 0;
				break;
			}
			if (*p)
				*p++ = 0;
		}
		if (n == 2 && !strcmp(w[0], "zone"))
			snprintf(zone, sizeof zone, "%s", w[1]);
		if (n == 3 && !strcmp(w[0], "policy") && strcmp(w[1], "zone")) {
			size_t k = 0;
			while (k < np && strcmp(names[k], w[1]))
				k++;
			if (k == np && np < MAXP)
				names[np++] = w[1];
			if (k < np)
				values[k] = w[2];
		} else if (n == 3 && !strcmp(w[0], "policy")) {
			snprintf(zone, sizeof zone, "%s", w[2]);
		}
		line = nl ? nl + 1 : NULL;
	}
	csv_row(f, 2, "name", "value");
	for (size_t k = 0; k < np; k++)
		csv_row(f, 2, names[k], values[k]);
	csv_row(f, 2, "zone", zone);
	free(copy);
	return 0;
}

/* in the order of IMPORT.md: what a row refers to is imported before it */
static const char *const registry_kinds[] = {"districts",   "townships", "villages", "terminals", "cadres",
					     "assignments", "badges",	 "leave",    "duty",	  "correction",
					     "inspection",  "calendar",	 "policy"};
#define NKINDS (sizeof registry_kinds / sizeof registry_kinds[0])

static int write_registry(run *r)
{
	zc_scenario *s = r->s;
	char path[PATHCAP], d1[11], d2[11], num[32];
	if (fmt(path, sizeof path, "%s/registry", r->dir) || mkdirs(path)) {
		errline("无法创建 / cannot create %s/registry", r->dir);
		return -1;
	}
	for (size_t k = 0; k < NKINDS; k++) {
		const char *kind = registry_kinds[k];
		FILE *f = csv_open(r, kind, path, sizeof path);
		if (!f)
			return -1;
		if (!strcmp(kind, "policy")) {
			write_policy(r, f);
		} else if (!strcmp(kind, "calendar")) {
			size_t n = s->nholidays + s->nworkdays;
			struct {
				zc_day d; /* first: sorted by date */
				int workday;
			} *c = calloc(n + 1, sizeof *c);
			if (!c) {
				fclose(f);
				return -1;
			}
			for (size_t i = 0; i < s->nholidays; i++)
				c[i].d = s->holidays[i];
			for (size_t i = 0; i < s->nworkdays; i++) {
				c[s->nholidays + i].d = s->workdays[i];
				c[s->nholidays + i].workday = 1;
			}
			qsort(c, n, sizeof *c, cmp_day);
			csv_row(f, 2, "date", "kind");
			for (size_t i = 0; i < n; i++)
				csv_row(f, 2, day_str(c[i].d, d1), c[i].workday ? "workday" : "holiday");
			free(c);
		} else if (!strcmp(kind, "districts")) {
			csv_row(f, 2, "id", "name");
			for (size_t i = 0; i < s->ndistricts; i++)
				csv_row(f, 2, s->districts[i].id, s->districts[i].name);
		} else if (!strcmp(kind, "townships")) {
			csv_row(f, 3, "id", "name", "district");
			for (size_t i = 0; i < s->ntownships; i++)
				csv_row(f, 3, s->townships[i].id, s->townships[i].name,
					s->districts[s->townships[i].parent].id);
		} else if (!strcmp(kind, "villages")) {
			csv_row(f, 4, "id", "name", "township", "rate_fen");
			for (size_t i = 0; i < s->nvillages; i++) {
				snprintf(num, sizeof num, "%lld", (long long)s->villages[i].rate_fen);
				csv_row(f, 4, s->villages[i].id, s->villages[i].name,
					s->townships[s->villages[i].parent].id, num);
			}
		} else if (!strcmp(kind, "terminals")) {
			csv_row(f, 2, "id", "township");
			for (size_t i = 0; i < s->nterminals; i++)
				csv_row(f, 2, s->terminals[i].id, s->townships[s->terminals[i].parent].id);
		} else if (!strcmp(kind, "cadres")) {
			csv_row(f, 6, "id", "name", "role", "party_since", "work_since", "unit");
			for (size_t i = 0; i < s->ncadres; i++) {
				const zc_r_cadre *c = &s->cadres[i];
				csv_row(f, 6, c->id, c->name,
					c->role == ZC_ROLE_FIRST_SECRETARY ? "first_secretary" : "member",
					c->has_party ? day_str(c->party_since, d1) : "none", day_str(c->work_since, d2),
					c->unit);
			}
		} else if (!strcmp(kind, "assignments")) {
			csv_row(f, 4, "cadre", "village", "start", "end");
			for (size_t i = 0; i < s->nassignments; i++) {
				const zc_r_assignment *a = &s->assignments[i];
				csv_row(f, 4, s->cadres[a->cadre].id, s->villages[a->village].id, day_str(a->start, d1),
					day_str(a->end, d2));
			}
		} else if (!strcmp(kind, "badges")) {
			/* clones are forgeries, not registry badges */
			csv_row(f, 6, "badge", "cadre", "bound_from", "kind", "uid", "certificate");
			for (size_t i = 0; i < s->nbadges; i++) {
				const zc_scn_badge *b = &s->badges[i];
				if (b->clone_of >= 0)
					continue;
				char hx[2 * sizeof r->b[i].uid + 1], cert[PATHCAP];
				snprintf(cert, sizeof cert, "../badges/%s.der", b->id);
				csv_row(f, 6, b->id, s->cadres[b->cadre].id, day_str(b->bound_from, d1),
					b->uid_only ? "uid" : "piv",
					b->uid_only ? zc_hex(r->b[i].uid, sizeof r->b[i].uid, hx) : "",
					b->uid_only ? "" : cert);
			}
		} else if (!strcmp(kind, "leave")) {
			csv_row(f, 4, "cadre", "start", "end", "level");
			for (size_t i = 0; i < s->nleaves; i++) {
				const zc_r_leave *l = &s->leaves[i];
				csv_row(f, 4, s->cadres[l->cadre].id, day_str(l->start, d1), day_str(l->end, d2),
					zc_level_name(l->level));
			}
		} else if (!strcmp(kind, "duty")) {
			static const char *const dk[] = {"trip", "meeting", "training"};
			csv_row(f, 5, "cadre", "start", "end", "kind", "level");
			for (size_t i = 0; i < s->nduties; i++) {
				const zc_r_duty *d = &s->duties[i];
				csv_row(f, 5, s->cadres[d->cadre].id, day_str(d->start, d1), day_str(d->end, d2),
					d->kind >= 0 && d->kind <= 2 ? dk[d->kind] : "trip", zc_level_name(d->level));
			}
		} else if (!strcmp(kind, "correction")) {
			csv_row(f, 4, "cadre", "date", "level", "reason");
			for (size_t i = 0; i < s->ncorrections; i++) {
				const zc_r_correction *c = &s->corrections[i];
				csv_row(f, 4, s->cadres[c->cadre].id, day_str(c->day, d1), zc_level_name(c->level),
					c->reason);
			}
		} else if (!strcmp(kind, "inspection")) {
			char when[40];
			csv_row(f, 5, "village", "time", "cadre", "inspector", "result");
			for (size_t i = 0; i < s->ninspections; i++) {
				const zc_r_inspection *x = &s->inspections[i];
				local_time(r, x->utc_ms, when, sizeof when);
				csv_row(f, 5, s->villages[x->village].id, when, s->cadres[x->cadre].id, x->inspector,
					x->absent ? "absent" : "present");
			}
		}
		if (fclose(f)) {
			errline("无法写入 / cannot write %s", path);
			return -1;
		}
	}
	return 0;
}

/* A host step that another part of zhucun provides: on failure say which,
 * and whether this zhucun lacks the command altogether. */
static int host_step(run *r, const char *name, const char *what, const char *const *args)
{
	int st = host_cmd(r, name, 0, 300000, args);
	if (!st)
		return 0;
	char p[PATHCAP];
	if (st == 2 && host_lacks(r, name)) {
		r->host_missing = 1;
		errline("%s/zhucun 还没有 `%s` 命令 / has no `%s` command yet: %s 未完成 / not done; the files are in "
			"%s/registry and %s/ca (host/doc/IMPORT.md)",
			r->bin, args[0], args[0], what, r->dir, r->dir);
		return -1;
	}
	errline("%s 失败 / failed: zhucun %s ... (%s)", what, args[0], st < 0 ? "did not finish" : "see below");
	host_log(r, name, "err", p, sizeof p);
	show_tail(p, 10);
	return -1;
}

static int import_registry(run *r)
{
	char ca[PATHCAP], rev[PATHCAP], file[PATHCAP], name[64];
	double t0 = now_s();
	if (fmt(ca, sizeof ca, "%s/ca.pem", r->cadir) || fmt(rev, sizeof rev, "%s/revocations.zrl", r->cadir))
		return -1;
	const char *a1[] = {"ca", "add", ca, NULL};
	if (host_step(r, "ca-add", "信任工牌CA / trusting the badge CA", a1))
		return -1;
	const char *a2[] = {"ca", "revocations", rev, NULL};
	if (host_step(r, "ca-revocations", "安装吊销列表 / installing the revocation list", a2))
		return -1;
	for (size_t k = 0; k < NKINDS; k++) {
		if (fmt(file, sizeof file, "%s/registry/%s.csv", r->dir, registry_kinds[k]))
			return -1;
		snprintf(name, sizeof name, "import-%s", registry_kinds[k]);
		char what[128];
		snprintf(what, sizeof what, "导入 / importing %s.csv", registry_kinds[k]);
		const char *a[] = {"import", registry_kinds[k], file, NULL};
		if (host_step(r, name, what, a))
			return -1;
	}
	r->s_registry = now_s() - t0;
	return 0;
}

static int make_report(run *r)
{
	char asof[11], out[PATHCAP];
	double t0 = now_s();
	zc_day_format(r->s->as_of, asof);
	if (fmt(out, sizeof out, "%s/report.json", r->dir))
		return -1;
	const char *a[] = {"report", "--as-of", asof, "--format", "json", "--out", out, NULL};
	if (host_step(r, "report", "报告 / the report", a))
		return -1;
	if (access(out, R_OK)) {
		errline("zhucun report 没有写出 / did not write %s", out);
		return -1;
	}
	r->s_report = now_s() - t0;
	return 0;
}

/* ---- the run ---- */

static int strip_prefix(const char *s, const char *prefix, char *out, size_t cap)
{
	size_t n = strlen(prefix);
	if (strncmp(s, prefix, n) || !s[n])
		return -1;
	return fmt(out, cap, "%s", s + n);
}

static int setup_terminal(run *r, term *t, size_t i)
{
	char err[1024];
	t->id = r->s->terminals[i].id;
	t->township = r->s->townships[r->s->terminals[i].parent].id;
	t->reader = t->proc = -1;
	t->vtime = r->t0;
	t->last_tap = INT64_MIN;
	if (fmt(t->dir, sizeof t->dir, "%s/terminals/%s", r->dir, t->id) || mkdirs(t->dir)) {
		errline("终端 / terminal %s: 无法创建 / cannot create %s/terminals/%s", t->id, r->dir, t->id);
		return -1;
	}
	/* the board as the process reads it, with this terminal's folder */
	setenv("ZHUCUN_SIM_DIR", t->dir, 1);
	int rc = zc_board_load(r->board, &t->board, err, sizeof err);
	unsetenv("ZHUCUN_SIM_DIR");
	if (rc) {
		errline("板卡配置 / board: %s", err);
		return -1;
	}
	const zc_board *b = &t->board;
	const char *fb = strstr(b->feedback, "log:");
	struct sockaddr_un sa;
	if (strcmp(b->clock, "sim") || strip_prefix(b->reader, "pn532_uart:", t->pn532, sizeof t->pn532) ||
	    strip_prefix(b->serial, "pty:", t->link, sizeof t->link) || !*b->control || !fb ||
	    fmt(t->fblog, sizeof t->fblog, "%.*s", (int)strcspn(fb + 4, ","), fb + 4)) {
		errline("板卡配置 / board %s 不是模拟板 / is not a simulated board (needs clock = sim, reader = "
			"pn532_uart:PATH, serial = pty:PATH, a control socket and feedback log:PATH)",
			r->board);
		return -1;
	}
	if (fmt(t->rctl, sizeof t->rctl, "%s.ctl", t->pn532) || strlen(t->rctl) >= sizeof sa.sun_path ||
	    strlen(b->control) >= sizeof sa.sun_path) {
		errline(
		    "终端 / terminal %s: 套接字路径过长 / socket path too long for UNIX sockets (%zu bytes max): %s; "
		    "use a shorter --dir",
		    t->id, sizeof sa.sun_path - 1, strlen(t->rctl) > strlen(b->control) ? t->rctl : b->control);
		return -1;
	}
	return 0;
}

static void print_summary(run *r)
{
	zc_scenario *s = r->s;
	size_t clones = 0;
	for (size_t i = 0; i < s->nbadges; i++)
		clones += s->badges[i].clone_of >= 0;
	printf("场景 / scenario %s 已完成 / played: %s\n", r->scn_name, r->dir);
	printf("  终端 / terminals: %zu\n", s->nterminals);
	printf("  工牌 / badges: %zu（复制卡 / clones: %zu）\n", s->nbadges - clones, clones);
	printf("  刷卡 / taps: %zu（经 libnfc / via libnfc: %llu，进程内 / in-process: %llu）\n", s->ntaps,
	       (unsigned long long)r->taps_nfc, (unsigned long long)r->taps_inproc);
	printf("  终端反馈 / outcomes: 成功 / ok %llu, 弱卡 / weak %llu, 重复 / already %llu, 拒绝 / rejected %llu\n",
	       (unsigned long long)r->outcome[0], (unsigned long long)r->outcome[1], (unsigned long long)r->outcome[2],
	       (unsigned long long)r->outcome[3]);
	printf("  拉取记录 / records pulled: %llu\n", (unsigned long long)r->records);
	printf("  报告 / report: %s/report.json\n", r->dir);
	printf("  用时 / time: %.1f s\n", r->s_total);
}

static void print_timing(run *r)
{
	printf("用时明细 / timings:\n");
	printf("  CA与工牌 / CA and badges: %.2f s\n", r->s_ca);
	printf("  启动与初始化 / start and provision: %.2f s\n", r->s_start);
	printf("  经 libnfc 刷卡 / libnfc taps: %llu in %.2f s (%.1f ms/tap)\n", (unsigned long long)r->taps_nfc,
	       r->s_nfc, r->taps_nfc ? r->s_nfc * 1e3 / (double)r->taps_nfc : 0);
	printf("  进程内刷卡 / in-process taps: %llu in %.2f s (%.1f ms/tap)\n", (unsigned long long)r->taps_inproc,
	       r->s_inproc, r->taps_inproc ? r->s_inproc * 1e3 / (double)r->taps_inproc : 0);
	unsigned starts = 0;
	for (size_t i = 0; i < r->s->nterminals; i++)
		starts += r->t[i].starts;
	printf("  终端启停切换 / terminal stops, starts, in-process opens: %.2f s (%u process starts)\n", r->s_switch,
	       starts);
	printf("  拉取 / pulls: %.2f s\n", r->s_pull);
	printf("  导入登记 / registry import: %.2f s\n", r->s_registry);
	printf("  报告 / report: %.2f s\n", r->s_report);
	printf("  合计 / total: %.2f s\n", r->s_total);
}

/* Stop every child: gracefully after a good run, quickly otherwise. */
static void stop_all(run *r, int ok)
{
	if (!r->t)
		return;
	for (size_t i = 0; i < r->s->nterminals; i++) {
		term *t = &r->t[i];
		if (t->ip) {
			inproc_close(t->ip);
			t->ip = NULL;
		}
		if (t->proc > 0) {
			if (ok && !g_stop)
				stop_terminal(r, t);
			kill_child(&t->proc, 3000);
		}
		kill_child(&t->reader, 3000);
		t->mode = MODE_OFF;
	}
}

static int pull_cmp(const void *a, const void *b)
{
	const zc_scn_pull *x = a, *y = b;
	if (x->utc_ms != y->utc_ms)
		return x->utc_ms < y->utc_ms ? -1 : 1;
	return x->terminal - y->terminal;
}

static int play(run *r)
{
	zc_scenario *s = r->s;
	double t0 = now_s();
	/* readers, terminals, provisioning */
	for (size_t i = 0; i < s->nterminals && !g_stop; i++) {
		term *t = &r->t[i];
		if (start_reader(r, t) || start_terminal(r, t) || provision(r, t))
			return -1;
	}
	r->s_start = now_s() - t0;
	r->s_switch = 0;
	/* the pulls: the scenario's, and for each terminal without any, one
	 * after everything else */
	size_t npl = 0, next = 0;
	zc_scn_pull *pl = calloc(s->npulls + s->nterminals + 1, sizeof *pl);
	if (!pl) {
		errline("内存不足 / out of memory");
		return -1;
	}
	for (size_t i = 0; i < s->npulls; i++)
		pl[npl++] = s->pulls[i];
	for (size_t i = 0; i < s->nterminals; i++) {
		int has = 0;
		for (size_t k = 0; k < s->npulls && !has; k++)
			has = s->pulls[k].terminal == (int)i;
		if (!has)
			pl[npl++] = (zc_scn_pull){(int)i, zc_scenario_collected_until(s, (int)i), 0};
	}
	qsort(pl, npl, sizeof *pl, pull_cmp);
	double tp0, s_pull = 0;
	/* taps in time order; a pull at the instant of a tap comes first */
	for (size_t k = 0; k < s->ntaps && !g_stop; k++) {
		const zc_scn_tap *tp = &s->taps[k];
		for (; next < npl && pl[next].utc_ms <= tp->utc_ms && !g_stop; next++) {
			tp0 = now_s();
			if (pull(r, &r->t[pl[next].terminal], pl[next].utc_ms)) {
				free(pl);
				return -1;
			}
			s_pull += now_s() - tp0;
		}
		term *t = &r->t[tp->terminal];
		unsigned *c = &r->count[(size_t)tp->badge * s->nterminals + (size_t)tp->terminal];
		int real = (*c)++ < (unsigned)r->o->libnfc_taps;
		/* No switch inside the duplicate window: the terminal remembers
		 * recent badges in memory, as a device that is not restarted. */
		if (t->last_tap != INT64_MIN && t->mode != MODE_OFF &&
		    tp->utc_ms - t->last_tap < (int64_t)t->board.duplicate_window_s * 1000)
			real = t->mode == MODE_PROCESS;
		t->last_tap = tp->utc_ms;
		int rc = real ? tap_nfc(r, t, tp) : tap_inproc(r, t, tp);
		if (rc) {
			free(pl);
			return -1;
		}
		if (r->o->verbose && (k + 1) % 500 == 0)
			printf("  %zu/%zu 次刷卡 / taps\n", k + 1, s->ntaps);
	}
	/* the pulls after the last tap */
	tp0 = now_s();
	for (; next < npl && !g_stop; next++)
		if (pull(r, &r->t[pl[next].terminal], pl[next].utc_ms)) {
			free(pl);
			return -1;
		}
	free(pl);
	r->s_pull = s_pull + now_s() - tp0;
	if (g_stop)
		return -1;
	stop_all(r, 1);
	return 0;
}

int zc_sim_run(const zc_sim_run_opts *o)
{
	run R;
	memset(&R, 0, sizeof R);
	run *r = &R;
	r->o = o;
	r->scn_name = o->scenario;
	int rc = 2;
	double t_start = now_s();
	char err[1024];

	/* parse first: nothing is simulated for a bad file */
	uint8_t *text = NULL;
	int frc = zc_file_read(o->scenario, 16 << 20, &text, &r->text_len);
	if (frc) {
		errline("%s: %s", o->scenario, zc_strerror(frc));
		return 2;
	}
	r->text = (char *)text;
	if (zc_scenario_parse(r->text, r->text_len, o->scenario, &r->s, err, sizeof err)) {
		errline("%s", err);
		goto out;
	}
	zc_scenario *s = r->s;
	/* the programs and the board */
	if (o->bin) {
		if (!realpath(o->bin, r->bin)) {
			errline("--bin %s: %s", o->bin, strerror(errno));
			goto out;
		}
	} else {
		ssize_t n = readlink("/proc/self/exe", r->bin, sizeof r->bin - 1);
		if (n <= 0) {
			errline("找不到本程序所在目录 / cannot find this program's folder; give --bin");
			goto out;
		}
		r->bin[n] = 0;
		char *slash = strrchr(r->bin, '/');
		if (slash)
			*slash = 0;
	}
	static const char *const progs[] = {"zhucun", "zhucun-terminal", "zhucun-sim"};
	for (size_t i = 0; i < 3; i++) {
		char p[PATHCAP];
		if (fmt(p, sizeof p, "%s/%s", r->bin, progs[i]) || access(p, X_OK)) {
			errline("%s/%s 不存在或不可执行 / is missing or not executable (give --bin BINDIR)", r->bin,
				progs[i]);
			goto out;
		}
	}
	if (fmt(r->shim, sizeof r->shim, "%s/../lib/libzc_sp_pty_shim.so", r->bin) || access(r->shim, R_OK)) {
		errline("%s 不存在 / is missing: build the zc_sp_pty_shim target (libserialport needs it for ptys)",
			r->shim);
		goto out;
	}
	fmt(r->shim_env, sizeof r->shim_env, "LD_PRELOAD=%s", r->shim);
	const char *board = o->board;
#ifdef ZC_SOURCE_ROOT
	char defboard[PATHCAP];
	if (!board && !fmt(defboard, sizeof defboard, "%s/boards/sim.conf", ZC_SOURCE_ROOT))
		board = defboard;
#endif
	if (!board || !realpath(board, r->board)) {
		errline("找不到板卡配置 / no board file%s%s: give --board boards/sim.conf", board ? " " : "",
			board ? board : "");
		goto out;
	}
	/* the working folder */
	int e = dir_empty_or_absent(o->dir);
	if (e < 0) {
		errline("%s: %s", o->dir, strerror(errno));
		goto out;
	}
	if (!e) {
		errline("%s 已存在且不为空 / exists and is not empty (the runner needs a new or empty folder)", o->dir);
		goto out;
	}
	if (mkdirs(o->dir) || !realpath(o->dir, r->dir)) {
		errline("无法创建 / cannot create %s: %s", o->dir, strerror(errno));
		goto out;
	}
	rc = 1;
	if (fmt(r->logs, sizeof r->logs, "%s/logs", r->dir) || mkdirs(r->logs) ||
	    fmt(r->db, sizeof r->db, "%s/host.db", r->dir)) {
		errline("无法创建 / cannot create %s/logs", r->dir);
		goto out;
	}
	/* deterministic: the CA and badges from the scenario text */
	zc_sha256(r->text, r->text_len, r->g.seed);
	r->g.used = sizeof r->g.block;
	zc_day first = earliest_day(s);
	r->ca_now = ((int64_t)first * 86400 - (int64_t)s->tz_offset_min * 60) * 1000; /* local midnight */
	r->t0 = r->ca_now - DAY_MS;
	r->t = calloc(s->nterminals + 1, sizeof *r->t);
	r->b = calloc(s->nbadges + 1, sizeof *r->b);
	r->count = calloc(s->nbadges * s->nterminals + 1, sizeof *r->count);
	if (!r->t || !r->b || !r->count) {
		errline("内存不足 / out of memory");
		goto out;
	}
	for (size_t i = 0; i < s->nterminals; i++)
		r->t[i].reader = r->t[i].proc = -1;
	for (size_t i = 0; i < s->nterminals; i++)
		if (setup_terminal(r, &r->t[i], i))
			goto out;
	if (o->verbose) {
		char when[40];
		local_time(r, r->t0, when, sizeof when);
		printf("场景 / scenario %s: %zu 终端 / terminals, %zu 工牌 / badges, %zu 次刷卡 / taps; 终端时钟起点 / "
		       "terminal clocks start at %s\n",
		       o->scenario, s->nterminals, s->nbadges, s->ntaps, when);
	}
	if (setup_ca(r))
		goto out;
	if (play(r))
		goto out;
	if (write_registry(r))
		goto out;
	if (import_registry(r) || make_report(r)) {
		if (r->host_missing)
			fprintf(stderr,
				"zhucun-sim run: 终端、拉取与登记文件已就绪 / terminals, pulls and registry files are "
				"done in %s; only the host's import/report step is missing\n",
				r->dir);
		if (o->verbose) {
			r->s_total = now_s() - t_start;
			print_timing(r);
		}
		goto out;
	}
	r->s_total = now_s() - t_start;
	print_summary(r);
	if (o->verbose)
		print_timing(r);
	rc = 0;
out:
	stop_all(r, 0);
	if (g_stop) {
		fprintf(stderr,
			"zhucun-sim run: 被信号中止 / stopped by signal %d; 子进程已结束 / child processes ended\n",
			(int)g_stop);
		rc = 130;
	}
	if (r->b && r->s)
		for (size_t i = 0; i < r->s->nbadges; i++)
			zc_vcard_free(r->b[i].vc);
	free(r->b);
	free(r->t);
	free(r->count);
	zc_scenario_free(r->s);
	free(r->text);
	return rc;
}

static void usage(FILE *f)
{
	fputs("用法 / usage: zhucun-sim run FILE.scn --dir DIR [--bin BINDIR] [--board FILE] [--libnfc-taps N] [-v]\n"
	      "  在真实部件上播放场景 / play a scenario through the real terminal, reader, link and host:\n"
	      "  DIR must not exist or be empty; the first N taps (default 1) of each badge at each terminal\n"
	      "  go through libnfc and the terminal process, the rest through the same firmware in-process.\n",
	      f);
}

int zc_sim_run_main(int argc, char **argv)
{
	static const struct option opts[] = {{"dir", required_argument, 0, 'd'},
					     {"bin", required_argument, 0, 'b'},
					     {"board", required_argument, 0, 'B'},
					     {"libnfc-taps", required_argument, 0, 'n'},
					     {"verbose", no_argument, 0, 'v'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	zc_sim_run_opts o = {.libnfc_taps = 1};
	int c;
	while ((c = getopt_long(argc, argv, "d:b:B:n:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'd': o.dir = optarg; break;
		case 'b': o.bin = optarg; break;
		case 'B': o.board = optarg; break;
		case 'n': {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (!*optarg || *end || v < 0 || v > 1000000) {
				fprintf(stderr,
					"zhucun-sim run: --libnfc-taps 需要 0-1000000 / needs 0-1000000, not '%s'\n",
					optarg);
				return 2;
			}
			o.libnfc_taps = (int)v;
			break;
		}
		case 'v': o.verbose = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind + 1 != argc || !o.dir) {
		fprintf(stderr, "zhucun-sim run: 需要 / needs FILE.scn --dir DIR (see zhucun-sim run --help)\n");
		return 2;
	}
	o.scenario = argv[optind];
	/* stop cleanly on a signal, and when whoever started us dies */
	struct sigaction sa = {.sa_handler = on_signal};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	pid_t parent = getppid();
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		g_stop = SIGHUP;
	return zc_sim_run(&o);
}
