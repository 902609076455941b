/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pn532srv.c: the virtual PN532 reader process (pn532srv.h).
 *
 * One thread, one poll loop over: the pty master (bytes from libnfc into the
 * engine, the engine's due output back), the control socket and its
 * clients, and a self-pipe for signals. The engine's next event bounds the
 * poll timeout, so held commands and delayed replies come out on time.
 *
 * The pty: posix_openpt, grantpt, unlockpt; the slave is put in raw mode
 * and kept open here, since reads on the master fail with EIO whenever no
 * one holds the slave. LINK is made a symlink to /dev/pts/N (through a
 * temporary name and rename, so a client never sees it half made).
 */
#include "pn532srv.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "pn532.h"
#include "vcard.h"
#include "zc/err.h"

#define MAX_CLIENTS 16
#define LINE_MAX_   512
#define WBUF_MAX    65536

typedef struct client {
	int fd;
	char buf[LINE_MAX_];
	size_t len;
} client;

typedef struct sim {
	const zc_simreader_opts *o;
	char ctl[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int master, slave; /* -1 while unplugged */
	char slave_name[64];
	int listen_fd;
	client clients[MAX_CLIENTS];
	zc_pn532 *chip;
	uint8_t wbuf[WBUF_MAX];
	size_t wlen;
	int quit;
} sim;

static int sig_pipe[2] = {-1, -1};

static void on_signal(int sig)
{
	int saved = errno;
	uint8_t b = (uint8_t)sig;
	if (write(sig_pipe[1], &b, 1) < 0) {
		/* nothing to do: the pipe is full, a stop is pending anyway */
	}
	errno = saved;
}

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void trace(void *ctx, const char *line)
{
	(void)ctx;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	fprintf(stderr, "zhucun-sim reader: %ld.%03ld pn532 %s\n", (long)ts.tv_sec % 1000, ts.tv_nsec / 1000000, line);
}

static int set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* ---- the pty and its link ---- */

static void pty_close(sim *s)
{
	if (s->master < 0)
		return;
	/* Remove the link only if it is still ours. */
	char target[sizeof s->slave_name];
	ssize_t n = readlink(s->o->link, target, sizeof target - 1);
	if (n > 0) {
		target[n] = 0;
		if (!strcmp(target, s->slave_name))
			unlink(s->o->link);
	}
	close(s->master);
	close(s->slave);
	s->master = s->slave = -1;
	s->wlen = 0;
}

static int pty_open(sim *s, char *err, size_t errlen)
{
	int m = -1, sl = -1;
	m = posix_openpt(O_RDWR | O_NOCTTY);
	if (m < 0 || grantpt(m) || unlockpt(m) || ptsname_r(m, s->slave_name, sizeof s->slave_name)) {
		snprintf(err, errlen, "cannot make a pseudo-terminal: %s", strerror(errno));
		goto fail;
	}
	sl = open(s->slave_name, O_RDWR | O_NOCTTY);
	if (sl < 0) {
		snprintf(err, errlen, "cannot open %s: %s", s->slave_name, strerror(errno));
		goto fail;
	}
	struct termios tio;
	if (tcgetattr(sl, &tio) == 0) {
		cfmakeraw(&tio);
		cfsetspeed(&tio, B115200);
		tcsetattr(sl, TCSANOW, &tio);
	}
	if (set_nonblock(m)) {
		snprintf(err, errlen, "fcntl: %s", strerror(errno));
		goto fail;
	}
	struct stat st;
	if (lstat(s->o->link, &st) == 0 && !S_ISLNK(st.st_mode)) {
		snprintf(err, errlen, "%s exists and is not a symlink; not replacing it", s->o->link);
		goto fail;
	}
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.%ld.tmp", s->o->link, (long)getpid());
	unlink(tmp);
	if (symlink(s->slave_name, tmp) || rename(tmp, s->o->link)) {
		snprintf(err, errlen, "cannot make the link %s: %s", s->o->link, strerror(errno));
		unlink(tmp);
		goto fail;
	}
	s->master = m;
	s->slave = sl;
	s->wlen = 0;
	return 0;
fail:
	if (sl >= 0)
		close(sl);
	if (m >= 0)
		close(m);
	return -1;
}

/* ---- the control socket ---- */

static int ctl_listen(sim *s, char *err, size_t errlen)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	memcpy(a.sun_path, s->ctl, sizeof a.sun_path);
	struct stat st;
	if (lstat(s->ctl, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			snprintf(err, errlen, "%s exists and is not a socket; not replacing it", s->ctl);
			return -1;
		}
		unlink(s->ctl); /* left over from a killed reader */
	}
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) || listen(fd, 8) || set_nonblock(fd)) {
		snprintf(err, errlen, "control socket %s: %s", s->ctl, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	s->listen_fd = fd;
	return 0;
}

static void client_drop(client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->len = 0;
}

static int reply(client *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int reply(client *c, const char *fmt, ...)
{
	char line[LINE_MAX_ + 64];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof line - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return 0;
	if ((size_t)n > sizeof line - 2)
		n = (int)sizeof line - 2;
	line[n++] = '\n';
	/* Short answers to a local socket: a blocking send is fine. */
	int fl = fcntl(c->fd, F_GETFL);
	fcntl(c->fd, F_SETFL, fl & ~O_NONBLOCK);
	if (send(c->fd, line, (size_t)n, MSG_NOSIGNAL) != n)
		client_drop(c);
	else
		fcntl(c->fd, F_SETFL, fl);
	return 0;
}

static int all_digits(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

static void note(const sim *s, const char *fmt, const char *arg)
{
	if (s->o->verbose) {
		fprintf(stderr, "zhucun-sim reader: ");
		fprintf(stderr, fmt, arg);
		fputc('\n', stderr);
	}
}

static int do_command(sim *s, client *c, char *line)
{
	char *arg = strchr(line, ' ');
	if (arg) {
		*arg++ = 0;
		while (*arg == ' ')
			arg++;
	} else {
		arg = line + strlen(line);
	}
	uint64_t now = now_ms();
	if (!strcmp(line, "present")) {
		/* "present SPEC [remove-after N]": the card leaves after N APDUs */
		char specbuf[1024];
		int after = -1;
		snprintf(specbuf, sizeof specbuf, "%s", arg);
		char *ra = strstr(specbuf, " remove-after ");
		if (ra) {
			char *end;
			long v = strtol(ra + 14, &end, 10);
			if (*end || v < 0 || v > 1000)
				return reply(c, "error remove-after needs a number of APDUs (0-1000)");
			after = (int)v;
			*ra = 0;
			arg = specbuf;
		}
		const char *spec = arg;
		if (all_digits(arg)) {
			long i = strtol(arg, NULL, 10);
			if (i < 1 || (size_t)i > s->o->ncards)
				return reply(c, "error no --card number %s (there are %zu)", arg, s->o->ncards);
			spec = s->o->cards[i - 1];
		}
		if (!*spec)
			return reply(c, "error present needs uid:HEX, piv:FILE or a --card number");
		char err[512];
		zc_vcard *card;
		if (zc_vcard_from_spec(spec, &card, err, sizeof err))
			return reply(c, "error %s", err);
		zc_pn532_set_card(s->chip, card, now);
		if (after >= 0)
			zc_pn532_remove_after(s->chip, after);
		note(s, "card present: %s", zc_vcard_describe(card));
		return reply(c, "ok present %s", zc_vcard_describe(card));
	}
	if (*arg)
		return reply(c, "error '%s' takes no argument", line);
	if (!strcmp(line, "remove")) {
		const char *had = zc_pn532_card(s->chip) ? "removed" : "none";
		zc_pn532_set_card(s->chip, NULL, now);
		note(s, "card %s", had);
		return reply(c, "ok %s", had);
	}
	if (!strcmp(line, "status")) {
		const zc_vcard *card = zc_pn532_card(s->chip);
		return reply(c, "ok %s%s", card ? zc_vcard_describe(card) : "none",
			     s->master < 0 ? " (unplugged)" : "");
	}
	if (!strcmp(line, "unplug")) {
		if (s->master >= 0) {
			pty_close(s);
			zc_pn532_reset(s->chip);
			note(s, "%s", "unplugged");
		}
		return reply(c, "ok unplugged");
	}
	if (!strcmp(line, "plug")) {
		char err[512];
		if (s->master < 0) {
			if (pty_open(s, err, sizeof err))
				return reply(c, "error %s", err);
			zc_pn532_reset(s->chip);
			note(s, "plugged in on %s", s->slave_name);
		}
		return reply(c, "ok plugged %s", s->slave_name);
	}
	if (!strcmp(line, "quit")) {
		s->quit = 1;
		return reply(c, "ok bye");
	}
	return reply(c, "error unknown command '%s' (present, remove, status, unplug, plug, latency, quit)", line);
}

/* "latency" is the one command with a number: handled before do_command's
 * no-argument check. */
static int handle_line(sim *s, client *c, char *line)
{
	size_t n = strlen(line);
	while (n && (line[n - 1] == '\r' || line[n - 1] == ' '))
		line[--n] = 0;
	while (*line == ' ')
		line++;
	if (!*line)
		return 0;
	if (!strncmp(line, "latency ", 8) || !strcmp(line, "latency")) {
		const char *v = line + 7;
		while (*v == ' ')
			v++;
		if (!strcmp(v, "model")) {
			zc_pn532_set_latency(s->chip, ZC_PN532_LATENCY_MODEL);
			return reply(c, "ok latency model");
		}
		if (!all_digits(v) || strlen(v) > 5 || atoi(v) > 60000)
			return reply(c, "error latency needs 0-60000 (ms) or 'model'");
		zc_pn532_set_latency(s->chip, atoi(v));
		return reply(c, "ok latency %d", atoi(v));
	}
	return do_command(s, c, line);
}

static void client_read(sim *s, client *c)
{
	ssize_t n = read(c->fd, c->buf + c->len, sizeof c->buf - 1 - c->len);
	if (n <= 0) {
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		client_drop(c);
		return;
	}
	c->len += (size_t)n;
	for (;;) {
		char *nl = memchr(c->buf, '\n', c->len);
		if (!nl) {
			if (c->len == sizeof c->buf - 1) {
				reply(c, "error line too long");
				client_drop(c);
			}
			return;
		}
		*nl = 0;
		handle_line(s, c, c->buf);
		if (c->fd < 0)
			return;
		size_t used = (size_t)(nl + 1 - c->buf);
		memmove(c->buf, nl + 1, c->len - used);
		c->len -= used;
	}
}

/* ---- the loop ---- */

static void pump_output(sim *s)
{
	uint8_t tmp[1024];
	size_t n;
	while ((n = zc_pn532_output(s->chip, now_ms(), tmp, sizeof tmp))) {
		if (s->master < 0)
			continue; /* unplugged: nobody hears it */
		if (s->wlen + n > sizeof s->wbuf)
			s->wlen = 0; /* nobody reads: drop the stale bytes */
		memcpy(s->wbuf + s->wlen, tmp, n);
		s->wlen += n;
	}
	while (s->master >= 0 && s->wlen) {
		ssize_t w = write(s->master, s->wbuf, s->wlen);
		if (w <= 0)
			break;
		memmove(s->wbuf, s->wbuf + w, s->wlen - (size_t)w);
		s->wlen -= (size_t)w;
	}
}

static int loop(sim *s)
{
	while (!s->quit) {
		pump_output(s);
		struct pollfd pf[3 + MAX_CLIENTS];
		int np = 0, i_master = -1, i_listen;
		pf[np++] = (struct pollfd){.fd = sig_pipe[0], .events = POLLIN};
		i_listen = np;
		pf[np++] = (struct pollfd){.fd = s->listen_fd, .events = POLLIN};
		if (s->master >= 0) {
			i_master = np;
			pf[np++] =
			    (struct pollfd){.fd = s->master, .events = (short)(POLLIN | (s->wlen ? POLLOUT : 0))};
		}
		int first_client = np;
		for (int i = 0; i < MAX_CLIENTS; i++)
			pf[np++] = (struct pollfd){.fd = s->clients[i].fd, .events = POLLIN};
		uint64_t next = zc_pn532_next_event(s->chip), now = now_ms();
		int timeout = next == UINT64_MAX   ? -1
			      : next <= now	   ? 0
			      : next - now > 60000 ? 60000
						   : (int)(next - now);
		if (poll(pf, (nfds_t)np, timeout) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "zhucun-sim reader: poll: %s\n", strerror(errno));
			return 1;
		}
		if (pf[0].revents)
			return 0;
		if (i_master >= 0 && (pf[i_master].revents & POLLIN)) {
			uint8_t buf[4096];
			ssize_t n = read(s->master, buf, sizeof buf);
			if (n > 0)
				zc_pn532_input(s->chip, buf, (size_t)n, now_ms());
		}
		if (pf[i_listen].revents & POLLIN) {
			int fd = accept4(s->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
			if (fd >= 0) {
				int i = 0;
				while (i < MAX_CLIENTS && s->clients[i].fd >= 0)
					i++;
				if (i == MAX_CLIENTS) {
					close(fd);
				} else {
					s->clients[i].fd = fd;
					s->clients[i].len = 0;
				}
			}
		}
		for (int i = 0; i < MAX_CLIENTS && !s->quit; i++)
			if (s->clients[i].fd >= 0 && pf[first_client + i].fd == s->clients[i].fd &&
			    (pf[first_client + i].revents & (POLLIN | POLLHUP | POLLERR)))
				client_read(s, &s->clients[i]);
	}
	pump_output(s);
	return 0;
}

int zc_simreader_run(const zc_simreader_opts *o)
{
	sim *s = calloc(1, sizeof *s);
	if (!s) {
		fprintf(stderr, "zhucun-sim reader: out of memory\n");
		return 1;
	}
	int rc = 2;
	char err[1024];
	s->o = o;
	s->master = s->slave = s->listen_fd = -1;
	for (int i = 0; i < MAX_CLIENTS; i++)
		s->clients[i].fd = -1;
	if (!o->link || !*o->link) {
		fprintf(stderr, "zhucun-sim reader: needs --link PATH\n");
		goto out;
	}
	if (strchr(o->link, ':')) {
		fprintf(stderr, "zhucun-sim reader: --link '%s' must not contain ':' (libnfc's connection string)\n",
			o->link);
		goto out;
	}
	int cn = o->control ? snprintf(s->ctl, sizeof s->ctl, "%s", o->control)
			    : snprintf(s->ctl, sizeof s->ctl, "%s.ctl", o->link);
	if (cn < 0 || (size_t)cn >= sizeof s->ctl) {
		fprintf(stderr, "zhucun-sim reader: control socket path too long (at most %zu bytes)\n",
			sizeof s->ctl - 1);
		goto out;
	}
	/* Every card must load now: a typo should not wait for "present". */
	zc_vcard *first = NULL;
	for (size_t i = 0; i < o->ncards; i++) {
		zc_vcard *c;
		if (zc_vcard_from_spec(o->cards[i], &c, err, sizeof err)) {
			fprintf(stderr, "zhucun-sim reader: --card %s\n", err);
			zc_vcard_free(first);
			goto out;
		}
		if (i == 0)
			first = c;
		else
			zc_vcard_free(c);
	}
	rc = 1;
	if (zc_pn532_new(&s->chip)) {
		zc_vcard_free(first);
		fprintf(stderr, "zhucun-sim reader: out of memory\n");
		goto out;
	}
	zc_pn532_set_latency(s->chip, o->latency_ms);
	if (o->verbose)
		zc_pn532_set_trace(s->chip, trace, NULL);
	zc_pn532_set_card(s->chip, first, now_ms());

	if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK)) {
		fprintf(stderr, "zhucun-sim reader: pipe: %s\n", strerror(errno));
		goto out;
	}
	struct sigaction sa = {.sa_handler = on_signal};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (ctl_listen(s, err, sizeof err) || pty_open(s, err, sizeof err)) {
		fprintf(stderr, "zhucun-sim reader: %s\n", err);
		goto out;
	}
	if (o->verbose)
		fprintf(stderr, "zhucun-sim reader: %s -> %s, control %s, card %s\n", o->link, s->slave_name, s->ctl,
			zc_vcard_describe(zc_pn532_card(s->chip)));
	printf("ready %s\n", s->slave_name);
	fflush(stdout);
	rc = loop(s);
out:
	pty_close(s);
	if (s->listen_fd >= 0) {
		close(s->listen_fd);
		unlink(s->ctl);
	}
	for (int i = 0; i < MAX_CLIENTS; i++)
		client_drop(&s->clients[i]);
	zc_pn532_free(s->chip);
	if (sig_pipe[0] >= 0) {
		close(sig_pipe[0]);
		close(sig_pipe[1]);
		sig_pipe[0] = sig_pipe[1] = -1;
	}
	free(s);
	return rc;
}

int zc_simreader_send(const char *control, const char *line, char *out, size_t cap)
{
	if (!cap)
		return 2;
	out[0] = 0;
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	if (strlen(control) >= sizeof a.sun_path) {
		snprintf(out, cap, "control socket path too long");
		return 2;
	}
	memcpy(a.sun_path, control, strlen(control));
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a)) {
		snprintf(out, cap, "cannot reach the reader at %s: %s", control, strerror(errno));
		if (fd >= 0)
			close(fd);
		return 2;
	}
	char msg[LINE_MAX_];
	int n = snprintf(msg, sizeof msg, "%s\n", line);
	if (n < 0 || (size_t)n >= sizeof msg || send(fd, msg, (size_t)n, MSG_NOSIGNAL) != n) {
		snprintf(out, cap, "cannot send to %s", control);
		close(fd);
		return 2;
	}
	size_t k = 0;
	int rc = 2;
	for (;;) {
		struct pollfd pf = {.fd = fd, .events = POLLIN};
		if (poll(&pf, 1, 5000) <= 0) {
			snprintf(out, cap, "no answer from %s", control);
			break;
		}
		ssize_t r = read(fd, out + k, cap - 1 - k);
		if (r <= 0) {
			out[k] = 0;
			if (!k)
				snprintf(out, cap, "the reader closed the connection");
			else
				rc = strncmp(out, "ok", 2) ? 1 : 0;
			break;
		}
		k += (size_t)r;
		out[k] = 0;
		char *nl = strchr(out, '\n');
		if (nl || k == cap - 1) {
			if (nl)
				*nl = 0;
			rc = strncmp(out, "ok", 2) ? 1 : 0;
			break;
		}
	}
	close(fd);
	return rc;
}
