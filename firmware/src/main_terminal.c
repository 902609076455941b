/* SPDX-License-Identifier: Apache-2.0 */
/*
 * main_terminal.c: zhucun-terminal, the terminal program. It reads a board
 * file, opens the terminal's state (key, journal, provisioning), the reader,
 * the clock and the feedback devices, serves the host link on the board's
 * serial port (a thread of its own, zc/linksrv.h) and runs the tap loop. On
 * the simulated board a control socket sets the simulated clock and reports
 * status.
 *
 * A terminal that is not provisioned yet runs too: it serves the link and
 * refuses taps with a message until a PROVISION arrives over the link; then
 * it loads its identity and CA and starts recording, without a restart.
 * The tap loop picks up a CA or revocation list installed over the link the
 * same way (the shared state's generation changes).
 *
 *   zhucun-terminal --board boards/sim.conf [--set KEY=VALUE]... [run]
 *   zhucun-terminal --board FILE provision --terminal K01 --township T01 --ca CA.pem [--revocations F]
 *                   [--host-key HOST.pub.pem]
 *   zhucun-terminal --board FILE info
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "zc/badge.h"
#include "zc/board.h"
#include "zc/bytes.h"
#include "zc/clock.h"
#include "zc/err.h"
#include "zc/feedback.h"
#include "zc/fileio.h"
#include "zc/journal.h"
#include "zc/linksrv.h"
#include "zc/reader.h"
#include "zc/record.h"
#include "zc/serial.h"
#include "zc/terminal.h"
#include "zc/termlog.h"
#include "zc/termstate.h"

#define FIRMWARE    "zhucun-terminal 0.1.0"
#define MAX_CLIENTS 4

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void die_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void die_line(const char *fmt, ...)
{
	va_list ap;
	fputs("zhucun-terminal: 错误 / error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void usage(FILE *f)
{
	fputs("用法 / usage: zhucun-terminal --board FILE [--set KEY=VALUE]... [COMMAND]\n"
	      "\n"
	      "  run (默认 / default)   运行刷卡循环并提供串口导出 / run the tap loop, serve the host link\n"
	      "  provision --terminal ID --township ID --ca CA.pem [--revocations FILE]\n"
	      "            [--host-key HOST.pub.pem]\n"
	      "                         本地初始化终端 / provision this terminal locally (with a host\n"
	      "                         key, that host may then send signed commands over the link)\n"
	      "  info                   显示终端身份与日志状态 / show identity and journal state\n"
	      "  ctl COMMAND            向运行中的终端发控制命令 / send a control command to the running\n"
	      "                         terminal: time T | advance MS | status | quit\n"
	      "\n"
	      "  --board FILE           板卡配置 / board file (boards/*.conf)\n"
	      "  --set KEY=VALUE        覆盖配置项 / override a board setting\n",
	      f);
}

/* ---- state folder ---- */

typedef struct state {
	zc_board board;
	char terminal[ZC_TERMINAL_ID_MAX + 1];
	char township[ZC_TERMINAL_ID_MAX + 1];
	zc_privkey *key;
	zc_storage *st;
	zc_journal *j;
} state;

static void path_in(const state *s, const char *name, char *out, size_t cap)
{
	snprintf(out, cap, "%s/%s", s->board.state, name);
}

static int read_identity(state *s)
{
	return zc_termstate_read_identity(s->board.state, s->terminal, s->township);
}

static int open_state(state *s)
{
	char kp[1200], pp[1200], jp[1200], err[256];
	if (mkdir(s->board.state, 0700) && errno != EEXIST) {
		die_line("无法创建状态目录 / cannot create state folder %s: %s", s->board.state, strerror(errno));
		return ZC_EIO;
	}
	path_in(s, "terminal.key", kp, sizeof kp);
	path_in(s, "terminal.pub.pem", pp, sizeof pp);
	path_in(s, "journal", jp, sizeof jp);
	int created = 0, rc = zc_termkey_load_or_create(kp, pp, &s->key, &created);
	if (rc) {
		die_line("终端密钥 / terminal key %s: %s", kp, zc_strerror(rc));
		return rc;
	}
	if (created)
		fprintf(stderr, "zhucun-terminal: 已生成终端密钥 / new terminal key %s\n", kp);
	if ((rc = zc_storage_posix_open(jp, &s->st))) {
		die_line("日志目录 / journal folder %s: %s", jp, zc_strerror(rc));
		return rc;
	}
	zc_journal_cfg jc = {s->board.journal_capacity, 0};
	if ((rc = zc_journal_open(s->st, &jc, &s->j))) {
		die_line("无法打开日志 / cannot open journal %s: %s", jp, zc_strerror(rc));
		return rc;
	}
	const zc_journal_repair *rep = zc_journal_repair_info(s->j);
	if (rep->happened)
		fprintf(stderr, "zhucun-terminal: 日志尾部损坏已截断 / journal tail cut: %s at %llu, %llu bytes\n",
			rep->segment, (unsigned long long)rep->offset, (unsigned long long)rep->dropped_bytes);
	(void)err;
	return 0;
}

static void close_state(state *s)
{
	zc_journal_close(s->j);
	zc_storage_close(s->st);
	zc_privkey_free(s->key);
}

static int load_ca(state *s, zc_badge_ca **ca, time_t *rev_mtime)
{
	char cp[1200], rp[1200];
	path_in(s, "ca.pem", cp, sizeof cp);
	path_in(s, "revocations.zrl", rp, sizeof rp);
	int rc = zc_badge_ca_load(cp, ca);
	if (rc)
		return rc;
	struct stat st;
	if (!stat(rp, &st)) {
		*rev_mtime = st.st_mtime;
		rc = zc_badge_ca_load_revocations(*ca, rp, NULL);
		if (rc)
			fprintf(stderr, "zhucun-terminal: 吊销列表无效 / revocation list %s refused: %s\n", rp,
				zc_strerror(rc));
	}
	return 0;
}

/* The board's clock: the system clock, or a simulated one starting at
 * sim_start (default: now) that only the control socket moves. */
static zc_clock board_clock(const state *s, zc_simclock *sc)
{
	if (strcmp(s->board.clock, "sim"))
		return zc_clock_system();
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	sc->utc_ms = s->board.sim_start_ms ? s->board.sim_start_ms : (int64_t)ts.tv_sec * 1000;
	sc->mono_ms = 1000;
	return zc_clock_sim(sc);
}

/* ---- control socket (simulated board and tests) ---- */

typedef struct ctl {
	int lfd;
	int cfd[MAX_CLIENTS];
	char buf[MAX_CLIENTS][512];
	size_t len[MAX_CLIENTS];
} ctl;

static int ctl_open(ctl *c, const char *path)
{
	c->lfd = -1;
	for (int i = 0; i < MAX_CLIENTS; i++)
		c->cfd[i] = -1;
	if (!*path)
		return 0;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof sa.sun_path)
		return ZC_EARG;
	strcpy(sa.sun_path, path);
	unlink(path);
	c->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->lfd < 0 || bind(c->lfd, (struct sockaddr *)&sa, sizeof sa) || listen(c->lfd, 4))
		return ZC_EIO;
	return 0;
}

static void ctl_close(ctl *c, const char *path)
{
	for (int i = 0; i < MAX_CLIENTS; i++)
		if (c->cfd[i] >= 0)
			close(c->cfd[i]);
	if (c->lfd >= 0) {
		close(c->lfd);
		unlink(path);
	}
}

static void ctl_reply(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void ctl_reply(int fd, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof line - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof line - 2)
		n = (int)sizeof line - 2;
	line[n++] = '\n';
	if (write(fd, line, (size_t)n) != n) {
		/* the client went away */
	}
}

static void ctl_command(int fd, char *cmd, zc_simclock *sc, zc_terminal *term, zc_termstate *ts)
{
	char *arg = strchr(cmd, ' ');
	if (arg)
		*arg++ = 0;
	if (!strcmp(cmd, "time") && arg) {
		int64_t ms;
		char *force = strstr(arg, " force");
		if (force)
			*force = 0;
		if (!sc) {
			ctl_reply(fd, "error the clock is not simulated (board clock = system)");
		} else if (zc_parse_time_ms(arg, &ms)) {
			ctl_reply(fd, "error time needs ms since the epoch or YYYY-MM-DDThh:mm:ss[Z|+hh:mm]");
		} else if (ms < sc->utc_ms && !force) {
			/* Simulated time passes forward; a clock set is another matter. */
			ctl_reply(fd, "error time may not go backwards (add 'force' to do it anyway)");
		} else {
			if (ms > sc->utc_ms)
				sc->mono_ms += (uint64_t)(ms - sc->utc_ms);
			sc->utc_ms = ms;
			ctl_reply(fd, "ok %lld", (long long)ms);
		}
	} else if (!strcmp(cmd, "advance") && arg && sc) {
		zc_simclock_advance(sc, strtoull(arg, NULL, 10));
		ctl_reply(fd, "ok %lld", (long long)sc->utc_ms);
	} else if (!strcmp(cmd, "status")) {
		zc_terminal_stats st;
		zc_terminal_stats_get(term, &st);
		zc_termstate_lock(ts);
		unsigned long long head = (unsigned long long)zc_journal_head(zc_termstate_journal(ts), NULL);
		int prov = zc_termstate_identity(ts, NULL, NULL);
		zc_termstate_unlock(ts);
		ctl_reply(fd,
			  "ok reader=%d taps=%llu rejected=%llu duplicates=%llu faults=%llu head=%llu provisioned=%d",
			  st.reader_ok, (unsigned long long)st.taps, (unsigned long long)st.rejected,
			  (unsigned long long)st.duplicates, (unsigned long long)st.faults, head, prov);
	} else if (!strcmp(cmd, "quit")) {
		ctl_reply(fd, "ok bye");
		stop = 1;
	} else {
		ctl_reply(fd, "error unknown command (time, advance, status, quit)");
	}
}

static void ctl_poll(ctl *c, zc_simclock *sc, zc_terminal *term, zc_termstate *ts)
{
	if (c->lfd < 0)
		return;
	int fd;
	while ((fd = accept4(c->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		int slot = -1;
		for (int i = 0; i < MAX_CLIENTS && slot < 0; i++)
			if (c->cfd[i] < 0)
				slot = i;
		if (slot < 0) {
			close(fd);
			continue;
		}
		c->cfd[slot] = fd;
		c->len[slot] = 0;
	}
	for (int i = 0; i < MAX_CLIENTS; i++) {
		if (c->cfd[i] < 0)
			continue;
		ssize_t n = read(c->cfd[i], c->buf[i] + c->len[i], sizeof c->buf[i] - 1 - c->len[i]);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
			close(c->cfd[i]);
			c->cfd[i] = -1;
			continue;
		}
		if (n > 0)
			c->len[i] += (size_t)n;
		char *nl;
		while ((nl = memchr(c->buf[i], '\n', c->len[i]))) {
			*nl = 0;
			if (nl > c->buf[i] && nl[-1] == '\r')
				nl[-1] = 0;
			ctl_command(c->cfd[i], c->buf[i], sc, term, ts);
			size_t used = (size_t)(nl - c->buf[i]) + 1;
			memmove(c->buf[i], nl + 1, c->len[i] - used);
			c->len[i] -= used;
		}
		if (c->len[i] == sizeof c->buf[i] - 1)
			c->len[i] = 0; /* an overlong line: drop it */
	}
}

/* ---- commands ---- */

/* The tap loop and the link server share the journal under this lock. */
static void lock_state(void *ts)
{
	zc_termstate_lock(ts);
}

static void unlock_state(void *ts)
{
	zc_termstate_unlock(ts);
}

static void show(zc_feedback *fb, zc_fb_kind kind, const char *zh, const char *en, const zc_clock *clk)
{
	zc_fb_event ev = {kind, "", zh, en, clk->utc_ms(clk->ctx), 0};
	fb->show(fb->ctx, &ev);
}

/* The shared state changed (provisioned, a new CA or revocation list over
 * the link): take the event log and identity, reload the CA from its files. */
static void reload(state *s, zc_termstate *ts, zc_terminal *term, zc_badge_ca **ca, time_t *rev_mtime, zc_feedback *fb,
		   const zc_clock *clk)
{
	int was = *s->terminal != 0;
	zc_termstate_lock(ts);
	int prov = zc_termstate_identity(ts, s->terminal, s->township);
	zc_termlog *log = zc_termstate_log(ts);
	zc_termstate_unlock(ts);
	if (!prov)
		return;
	zc_badge_ca *nca = NULL;
	if (load_ca(s, &nca, rev_mtime)) {
		die_line("无法读取新的工牌CA，沿用原CA / cannot read the new badge CA in %s; keeping the old one",
			 s->board.state);
	} else {
		zc_terminal_set_ca(term, nca);
		zc_badge_ca_free(*ca);
		*ca = nca;
	}
	zc_terminal_set_log(term, log);
	if (!was) {
		printf("provisioned %s %s\n", s->terminal, s->township);
		fflush(stdout);
		show(fb, ZC_FB_READY, "终端已初始化，请刷工牌", "terminal provisioned: tap your badge", clk);
	}
	fprintf(stderr, "zhucun-terminal: 终端配置已更新 / provisioning loaded: %s (%s), revocation list no. %llu\n",
		s->terminal, s->township, *ca ? (unsigned long long)zc_badge_ca_revocation_number(*ca) : 0ULL);
}

/* Serve the host link; without it the terminal still records taps: a
 * warning, not a stop. */
static void start_link(state *s, zc_termstate *ts, zc_serial **port, zc_linksrv **link)
{
	char err[512];
	int prc;
	if (!*s->board.serial)
		return;
	if (zc_serial_open(s->board.serial, 0, port, err, sizeof err)) {
		die_line("串口不可用，终端不提供导出 / serial link unavailable, serving no host: %s", err);
		return;
	}
	zc_linksrv_cfg lc = {*port, ts, FIRMWARE, 0, 0};
	if ((prc = zc_linksrv_start(&lc, link)))
		die_line("无法启动串口服务 / cannot start the link server: %s", zc_strerror(prc));
	else
		printf("link %s\n", (*port)->name);
}

/* Once a second: pick up a revocation list put in place by hand. */
static void check_revocations(zc_badge_ca *ca, const char *rp, time_t *rev_mtime, time_t *last_check)
{
	time_t now = time(NULL);
	struct stat sst;
	if (!ca || now == *last_check)
		return;
	*last_check = now;
	if (!stat(rp, &sst) && sst.st_mtime != *rev_mtime) {
		*rev_mtime = sst.st_mtime;
		int lrc = zc_badge_ca_load_revocations(ca, rp, NULL);
		fprintf(stderr, "zhucun-terminal: 吊销列表 / revocation list %s: %s\n", rp,
			lrc ? zc_strerror(lrc) : "loaded");
	}
}

static int cmd_run(state *s)
{
	zc_badge_ca *ca = NULL;
	zc_reader *rd = NULL;
	zc_feedback *fb = NULL;
	zc_termstate *ts = NULL;
	zc_terminal *term = NULL;
	zc_serial *port = NULL;
	zc_linksrv *link = NULL;
	ctl c = {.lfd = -1};
	zc_simclock sc = {0, 0};
	zc_clock clk;
	time_t rev_mtime = 0;
	char err[512], rp[1200];
	int rc = 1;

	for (int i = 0; i < MAX_CLIENTS; i++)
		c.cfd[i] = -1;
	int prc = read_identity(s);
	if (prc && prc != ZC_ENOENT) {
		die_line("终端身份文件损坏 / %s/identity.conf is damaged: %s", s->board.state, zc_strerror(prc));
		return 1;
	}
	if (open_state(s))
		goto out;
	clk = board_clock(s, &sc);
	zc_termstate_cfg tcfg = {s->board.state, s->j, s->key, &clk, FIRMWARE};
	if ((prc = zc_termstate_open(&tcfg, &ts, err, sizeof err))) {
		die_line("无法打开终端状态 / cannot open the terminal state: %s", err);
		goto out;
	}
	int provisioned = zc_termstate_identity(ts, s->terminal, s->township);
	if (provisioned && load_ca(s, &ca, &rev_mtime)) {
		die_line("无法读取工牌CA / cannot read the badge CA in %s", s->board.state);
		goto out;
	}
	if (zc_feedback_from_spec(*s->board.feedback ? s->board.feedback : "console", &fb, err, sizeof err)) {
		die_line("feedback: %s", err);
		goto out;
	}
	if (!*s->board.reader || zc_reader_nfc_new(s->board.reader, &rd)) {
		die_line("读卡器连接串无效 / bad reader connection string '%s'", s->board.reader);
		goto out;
	}
	zc_terminal_cfg tc = {s->board.tz_offset_min, s->board.duplicate_window_s, s->board.poll_interval_ms,
			      s->board.accept_uid_badges};
	if (zc_terminal_new(zc_termstate_log(ts), rd, &clk, fb, ca, &tc, &term))
		goto out;
	zc_terminal_set_lock(term, lock_state, unlock_state, ts);
	zc_terminal_set_card_timeout(term, s->board.card_timeout_ms);
	if (ctl_open(&c, s->board.control)) {
		die_line("无法创建控制套接字 / cannot create control socket %s", s->board.control);
		goto out;
	}
	struct sigaction sa = {.sa_handler = on_signal};
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	zc_termstate_follow(ts); /* a PROVISION is answered once this loop uses it */
	start_link(s, ts, &port, &link);
	path_in(s, "revocations.zrl", rp, sizeof rp);
	if (provisioned)
		printf("ready %s %s\n", s->terminal, s->board.reader);
	else
		printf("ready - %s (not provisioned: waiting for PROVISION on the link)\n", s->board.reader);
	fflush(stdout);
	if (provisioned)
		show(fb, ZC_FB_READY, "请刷工牌", "tap your badge", &clk);
	else
		show(fb, ZC_FB_READY, "终端尚未初始化，请联系文书", "terminal not provisioned: ask the clerk", &clk);
	zc_termstate_lock(ts);
	uint64_t gen = zc_termstate_generation(ts);
	zc_termstate_unlock(ts);
	time_t last_check = 0;
	rc = 0;
	while (!stop) {
		int src = zc_terminal_step(term);
		if (src) {
			die_line("日志不可写，终端停止 / journal unwritable, stopping: %s", zc_strerror(src));
			rc = 1;
			break;
		}
		zc_terminal_stats st;
		zc_terminal_stats_get(term, &st);
		zc_termstate_lock(ts);
		zc_termstate_set_stats(ts, &st);
		uint64_t g = zc_termstate_generation(ts);
		zc_termstate_unlock(ts);
		if (g != gen) {
			gen = g;
			reload(s, ts, term, &ca, &rev_mtime, fb, &clk);
			zc_termstate_lock(ts);
			zc_termstate_applied(ts, g);
			zc_termstate_unlock(ts);
		}
		ctl_poll(&c, clk.ctx == &sc ? &sc : NULL, term, ts);
		check_revocations(ca, rp, &rev_mtime, &last_check);
	}
out:
	zc_linksrv_stop(link); /* first: it uses the state */
	zc_serial_free(port);
	ctl_close(&c, s->board.control);
	zc_terminal_free(term);
	zc_reader_free(rd);
	zc_feedback_free(fb);
	zc_badge_ca_free(ca);
	zc_termstate_close(ts);
	close_state(s);
	return rc;
}

static int cmd_provision(state *s, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"terminal", required_argument, 0, 't'}, {"township", required_argument, 0, 'w'},
	    {"ca", required_argument, 0, 'c'},	     {"revocations", required_argument, 0, 'r'},
	    {"host-key", required_argument, 0, 'k'}, {0, 0, 0, 0}};
	const char *tid = NULL, *town = NULL, *cap = NULL, *revp = NULL, *hostp = NULL;
	int ch;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "t:w:c:r:k:", opts, NULL)) != -1) {
		switch (ch) {
		case 't': tid = optarg; break;
		case 'w': town = optarg; break;
		case 'c': cap = optarg; break;
		case 'r': revp = optarg; break;
		case 'k': hostp = optarg; break;
		default: return 2;
		}
	}
	if (!tid || !town || !cap || optind != argc) {
		die_line("provision 需要 / needs --terminal ID --township ID --ca CA.pem");
		return 2;
	}
	if (!zc_id_valid(tid) || !zc_id_valid(town)) {
		die_line("编号只能由 A-Z a-z 0-9 . _ - 组成 / ids are 1-32 of A-Z a-z 0-9 . _ -");
		return 2;
	}
	if (!read_identity(s)) {
		die_line("终端已初始化为 %s（%s），拒绝重复初始化 / already provisioned as %s (%s)", s->terminal,
			 s->township, s->terminal, s->township);
		return 1;
	}
	uint8_t *cert = NULL, *rev = NULL, *host = NULL;
	size_t cert_len = 0, rev_len = 0, host_len = 0;
	zc_badge_ca *ca = NULL;
	zc_termstate *ts = NULL;
	int rc = zc_badge_ca_load(cap, &ca);
	if (!rc)
		rc = zc_file_read(cap, 1 << 20, &cert, &cert_len);
	if (rc) {
		die_line("%s 不是有效的工牌CA证书 / is not a usable badge CA certificate: %s", cap, zc_strerror(rc));
		goto fail;
	}
	if (revp && ((rc = zc_badge_ca_load_revocations(ca, revp, NULL)) ||
		     (rc = zc_file_read(revp, 4u << 20, &rev, &rev_len)))) {
		die_line("吊销列表 / revocation list %s: %s", revp, zc_strerror(rc));
		goto fail;
	}
	if (hostp && (rc = zc_file_read(hostp, 65536, &host, &host_len))) {
		die_line("主机公钥 / host key %s: %s", hostp, zc_strerror(rc));
		goto fail;
	}
	if (open_state(s))
		goto fail;
	zc_simclock sc;
	zc_clock clk = board_clock(s, &sc);
	char why[256];
	zc_termstate_cfg tcfg = {s->board.state, s->j, s->key, &clk, FIRMWARE};
	if ((rc = zc_termstate_open(&tcfg, &ts, why, sizeof why))) {
		die_line("初始化失败 / provisioning failed: %s", why);
		goto fail_state;
	}
	zc_termstate_prov pv = {tid, town, host, host_len, cert, cert_len, rev, rev_len};
	if ((rc = zc_termstate_provision(ts, &pv, why, sizeof why))) {
		die_line("初始化失败 / provisioning failed: %s", why);
		goto fail_state;
	}
	zc_termstate_close(ts);
	uint8_t fp[ZC_HASH_LEN];
	char hx[65];
	zc_privkey_fingerprint(s->key, fp);
	printf("终端 / terminal %s（%s）已初始化 / provisioned; 公钥 / key %s/terminal.pub.pem %s\n", tid, town,
	       s->board.state, zc_hex(fp, 8, hx));
	close_state(s);
	free(cert);
	free(rev);
	free(host);
	zc_badge_ca_free(ca);
	return 0;
fail_state:
	zc_termstate_close(ts);
	close_state(s);
fail:
	free(cert);
	free(rev);
	free(host);
	zc_badge_ca_free(ca);
	return 1;
}

static int cmd_info(state *s)
{
	int prov = !read_identity(s);
	if (open_state(s))
		return 1;
	uint8_t fp[ZC_HASH_LEN], h[ZC_HASH_LEN];
	char hx[65], hh[65];
	zc_privkey_fingerprint(s->key, fp);
	uint64_t head = zc_journal_head(s->j, h);
	zc_journal_stats st;
	zc_journal_stats_get(s->j, &st);
	char hp[1200], hfp[65] = "-";
	uint8_t hkfp[ZC_HASH_LEN];
	zc_pubkey *hk = NULL;
	path_in(s, "host.pub.pem", hp, sizeof hp);
	if (!zc_pubkey_load(hp, &hk) && !zc_pubkey_fingerprint(hk, hkfp))
		zc_hex(hkfp, ZC_HASH_LEN, hfp);
	zc_pubkey_free(hk);
	printf("terminal: %s\ntownship: %s\nkey_fp: %s\nhost_fp: %s\njournal_head: %llu\nhead_hash: %s\n"
	       "collected: %llu\nrecords: %llu\nbytes_used: %llu\ncapacity: %llu\n",
	       prov ? s->terminal : "-", prov ? s->township : "-", zc_hex(fp, ZC_HASH_LEN, hx), hfp,
	       (unsigned long long)head, zc_hex(h, ZC_HASH_LEN, hh), (unsigned long long)zc_journal_collected(s->j),
	       (unsigned long long)st.records, (unsigned long long)st.bytes_used,
	       (unsigned long long)st.capacity_bytes);
	close_state(s);
	return 0;
}

/* Send one line to a running terminal's control socket, print the answer. */
static int cmd_ctl(state *s, int argc, char **argv)
{
	if (!*s->board.control) {
		die_line("板卡配置没有 control 套接字 / the board has no control socket");
		return 2;
	}
	if (argc < 2) {
		die_line("ctl 需要命令 / ctl needs a command: time T | advance MS | status | quit");
		return 2;
	}
	char line[512] = "";
	for (int i = 1; i < argc; i++) {
		size_t l = strlen(line);
		snprintf(line + l, sizeof line - l, "%s%s", i > 1 ? " " : "", argv[i]);
	}
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (strlen(s->board.control) >= sizeof sa.sun_path) {
		die_line("控制套接字路径过长 / control socket path too long: %s", s->board.control);
		return 2;
	}
	memcpy(sa.sun_path, s->board.control, strlen(s->board.control) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa)) {
		die_line("无法连接终端 / cannot reach the terminal at %s: %s", s->board.control, strerror(errno));
		if (fd >= 0)
			close(fd);
		return 1;
	}
	size_t l = strlen(line);
	line[l++] = '\n';
	if (write(fd, line, l) != (ssize_t)l) {
		close(fd);
		return 1;
	}
	char ans[512];
	size_t n = 0;
	while (n < sizeof ans - 1) {
		ssize_t k = read(fd, ans + n, 1);
		if (k <= 0 || ans[n] == '\n')
			break;
		n++;
	}
	ans[n] = 0;
	close(fd);
	puts(ans);
	return strncmp(ans, "ok", 2) ? 1 : 0;
}

int main(int argc, char **argv)
{
	state s;
	memset(&s, 0, sizeof s);
	const char *board = NULL;
	char err[1024];
	int i = 1;
	/* Global options first, then the command and its options. */
	const char *sets[32];
	int nsets = 0;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--board") && i + 1 < argc) {
			board = argv[++i];
		} else if (!strcmp(argv[i], "--set") && i + 1 < argc && nsets < 32) {
			sets[nsets++] = argv[++i];
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else {
			die_line("未知选项 / unknown option '%s' (see --help)", argv[i]);
			return 2;
		}
	}
	if (!board) {
		die_line("需要 --board 板卡配置文件 / --board FILE is required");
		usage(stderr);
		return 2;
	}
	if (zc_board_load(board, &s.board, err, sizeof err)) {
		die_line("%s", err);
		return 2;
	}
	for (int k = 0; k < nsets; k++) {
		char kv[1100];
		snprintf(kv, sizeof kv, "%s", sets[k]);
		char *eq = strchr(kv, '=');
		if (!eq) {
			die_line("--set 需要 KEY=VALUE / --set needs KEY=VALUE, got '%s'", sets[k]);
			return 2;
		}
		*eq = 0;
		if (zc_board_set(&s.board, kv, eq + 1, err, sizeof err)) {
			die_line("--set %s", err);
			return 2;
		}
	}
	const char *cmd = i < argc ? argv[i] : "run";
	if (!strcmp(cmd, "run"))
		return cmd_run(&s);
	if (!strcmp(cmd, "provision"))
		return cmd_provision(&s, argc - i, argv + i);
	if (!strcmp(cmd, "info"))
		return cmd_info(&s);
	if (!strcmp(cmd, "ctl"))
		return cmd_ctl(&s, argc - i, argv + i);
	die_line("未知命令 / unknown command '%s' (run, provision, info, ctl)", cmd);
	return 2;
}
