/* SPDX-License-Identifier: Apache-2.0 */
/*
 * relay.c: the test relay between a terminal's serial port and a host
 * (relay.h).
 *
 * One thread, one poll loop over the terminal's device, the master of the
 * host's pty and a stop descriptor (the self-pipe of the signal handler,
 * or a test's pipe). Each direction has a small queue: bytes read from the
 * sender pass the line's impairments into it, and leave it to the receiver
 * as the line's pacing allows. The loop sleeps (ppoll, to the nanosecond)
 * until the next chunk is due, a descriptor is ready, or the stop.
 *
 * The host's pty is made as in pn532srv.c: posix_openpt, its slave in raw
 * mode and kept open here (so the master never reads EIO while no host is
 * connected), and LINK made a symlink to /dev/pts/N through a temporary
 * name and a rename.
 */
#include "relay.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "zc/crypto.h"
#include "zc/err.h"
#include "zc/wire.h"

#define QUEUE_MAX 4096
#define LAG_NS	  (50 * 1000000ull)  /* catch-up after a gap, at most */
#define REOPEN_NS (100 * 1000000ull) /* retry the terminal's path */

/* ---- the line ---- */

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static uint64_t rng_next(zc_relay_line *l)
{
	uint64_t x = l->rng;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	l->rng = x;
	return x * 0x2545F4914F6CDD1Dull;
}

/* A uniform double in [0, 1). */
static double rng_unit(zc_relay_line *l)
{
	return (double)(rng_next(l) >> 11) * 0x1.0p-53;
}

void zc_relay_line_init(zc_relay_line *l, uint32_t rate, double noise, double drop, uint64_t seed)
{
	memset(l, 0, sizeof *l);
	l->byte_ns = rate ? (1000000000ull + rate / 2) / rate : 0;
	if (rate && !l->byte_ns)
		l->byte_ns = 1;
	l->noise = noise > 0 ? noise : 0;
	l->drop = drop > 0 ? drop : 0;
	uint64_t s = seed;
	l->rng = splitmix(&s);
	if (!l->rng)
		l->rng = 1;
}

size_t zc_relay_line_impair(zc_relay_line *l, uint8_t *buf, size_t n)
{
	size_t k = 0;
	l->in += n;
	for (size_t i = 0; i < n; i++) {
		uint8_t b = buf[i];
		if (l->drop > 0 && rng_unit(l) < l->drop) {
			l->dropped++;
			continue;
		}
		if (l->noise > 0 && rng_unit(l) < l->noise) {
			b ^= (uint8_t)(1u << (rng_next(l) >> 61));
			l->flipped++;
		}
		buf[k++] = b;
	}
	return k;
}

void zc_relay_line_idle(zc_relay_line *l, uint64_t now_ns)
{
	if (l->next_ns < now_ns)
		l->next_ns = now_ns;
}

size_t zc_relay_line_allowed(zc_relay_line *l, uint64_t now_ns, size_t queued)
{
	if (!queued)
		return 0;
	if (!l->byte_ns)
		return queued;
	if (now_ns > LAG_NS && l->next_ns < now_ns - LAG_NS)
		l->next_ns = now_ns - LAG_NS; /* a long gap: do not burst it all */
	if (now_ns < l->next_ns)
		return 0;
	uint64_t k = (now_ns - l->next_ns) / l->byte_ns + 1;
	return k < queued ? (size_t)k : queued;
}

void zc_relay_line_sent(zc_relay_line *l, size_t n)
{
	l->next_ns += (uint64_t)n * l->byte_ns;
	l->out += n;
}

uint64_t zc_relay_line_due(const zc_relay_line *l, size_t want)
{
	return l->next_ns + (uint64_t)(want ? want - 1 : 0) * l->byte_ns;
}

size_t zc_relay_line_chunk(const zc_relay_line *l)
{
	if (!l->byte_ns)
		return 1;
	uint64_t k = 2000000 / l->byte_ns;
	return k ? (size_t)k : 1;
}

/* ---- the relay ---- */

typedef struct queue {
	/* reads stop at QUEUE_MAX; an attack may then add a whole frame */
	uint8_t buf[QUEUE_MAX + ZC_WIRE_ENCODED_MAX];
	size_t len;
	int blocked; /* the receiver took less than offered: wait for POLLOUT */
} queue;

struct zc_relay {
	zc_relay_opts o;
	char term_path[4096];
	char link[4096];
	int term;   /* the terminal's device; -1 while it is gone */
	int master; /* the host side's pty */
	int slave;  /* held open */
	char slave_name[64];
	uint64_t reopen_at;
	queue q[2]; /* 0: terminal to host, 1: host to terminal */
	zc_relay_line line[2];
	uint64_t total; /* bytes handed over, both ways */
	/* --attack: frames of each direction, a held command */
	int attack; /* 0 none, 1 hello-clock, 2 forge-result */
	zc_wire_decoder adec[2];
	zc_wire_frame af;
	uint8_t aenc[ZC_WIRE_ENCODED_MAX];
	uint8_t apl[ZC_WIRE_PAYLOAD_MAX];
	int held; /* 1 holding, 2 delivered */
	uint16_t held_req;
	uint64_t release_at;
	size_t held_len;
	uint8_t held_buf[ZC_WIRE_ENCODED_MAX];
	zc_privkey *forger;
};

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void make_raw(int fd)
{
	struct termios tio;
	if (tcgetattr(fd, &tio) == 0) {
		cfmakeraw(&tio);
		tio.c_cflag |= CLOCAL | CREAD;
		tio.c_cc[VMIN] = 1;
		tio.c_cc[VTIME] = 0;
		cfsetspeed(&tio, B115200);
		tcsetattr(fd, TCSANOW, &tio);
	}
}

static int open_terminal(zc_relay *r)
{
	int fd = open(r->term_path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -1;
	make_raw(fd);
	r->term = fd;
	return 0;
}

static void close_terminal(zc_relay *r)
{
	if (r->term >= 0)
		close(r->term);
	r->term = -1;
	r->q[1].len = 0; /* nothing to hear them: lost */
	r->q[1].blocked = 0;
	r->reopen_at = now_ns() + REOPEN_NS;
}

int zc_relay_open(const zc_relay_opts *o, zc_relay **out, char *err, size_t errlen)
{
	int rc = ZC_EARG;
	zc_relay *r = NULL;
	*out = NULL;
	if (!o->terminal || !*o->terminal || !o->link || !*o->link) {
		snprintf(err, errlen, "needs --terminal PATH and --link PATH");
		return ZC_EARG;
	}
	if (!(o->noise >= 0 && o->noise <= 1) || !(o->drop >= 0 && o->drop <= 1)) {
		snprintf(err, errlen, "--noise and --drop are probabilities from 0 to 1");
		return ZC_EARG;
	}
	if (strlen(o->terminal) >= sizeof r->term_path || strlen(o->link) >= sizeof r->link - 32) {
		snprintf(err, errlen, "path too long");
		return ZC_EARG;
	}
	r = calloc(1, sizeof *r);
	if (!r) {
		snprintf(err, errlen, "out of memory");
		return ZC_ENOMEM;
	}
	r->o = *o;
	snprintf(r->term_path, sizeof r->term_path, "%s", o->terminal);
	snprintf(r->link, sizeof r->link, "%s", o->link);
	r->o.terminal = r->term_path;
	r->o.link = r->link;
	r->term = r->master = r->slave = -1;
	if (o->attack && !strcmp(o->attack, "hello-clock")) {
		r->attack = 1;
	} else if (o->attack && !strcmp(o->attack, "forge-result")) {
		r->attack = 2;
		if (zc_privkey_generate(&r->forger)) {
			snprintf(err, errlen, "cannot make the forger's key");
			free(r);
			return ZC_EIO;
		}
	} else if (o->attack) {
		snprintf(err, errlen, "--attack is hello-clock or forge-result, not '%s'", o->attack);
		free(r);
		return ZC_EARG;
	}
	zc_wire_decoder_init(&r->adec[0]);
	zc_wire_decoder_init(&r->adec[1]);
	zc_relay_line_init(&r->line[0], o->rate, o->noise, o->drop, o->seed * 2 + 1);
	zc_relay_line_init(&r->line[1], o->rate, o->noise, o->drop, o->seed * 2 + 2);

	if (open_terminal(r)) {
		rc = errno == ENOENT ? ZC_ENOENT : ZC_EIO;
		snprintf(err, errlen, "cannot open the terminal's side %s: %s", o->terminal, strerror(errno));
		goto fail;
	}
	rc = ZC_EIO;
	r->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (r->master < 0 || grantpt(r->master) || unlockpt(r->master) ||
	    ptsname_r(r->master, r->slave_name, sizeof r->slave_name)) {
		snprintf(err, errlen, "cannot make a pseudo-terminal: %s", strerror(errno));
		goto fail;
	}
	r->slave = open(r->slave_name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (r->slave < 0) {
		snprintf(err, errlen, "cannot open %s: %s", r->slave_name, strerror(errno));
		goto fail;
	}
	make_raw(r->slave);
	int fl = fcntl(r->master, F_GETFL);
	if (fl < 0 || fcntl(r->master, F_SETFL, fl | O_NONBLOCK)) {
		snprintf(err, errlen, "fcntl: %s", strerror(errno));
		goto fail;
	}
	struct stat st;
	if (lstat(r->link, &st) == 0 && !S_ISLNK(st.st_mode)) {
		rc = ZC_EEXIST;
		snprintf(err, errlen, "%s exists and is not a symlink; not replacing it", r->link);
		goto fail;
	}
	char tmp[sizeof r->link + 32];
	snprintf(tmp, sizeof tmp, "%s.%ld.tmp", r->link, (long)getpid());
	unlink(tmp);
	if (symlink(r->slave_name, tmp) || rename(tmp, r->link)) {
		snprintf(err, errlen, "cannot make the link %s: %s", r->link, strerror(errno));
		unlink(tmp);
		goto fail;
	}
	*out = r;
	return 0;
fail:
	r->link[0] = 0; /* not made: nothing to remove */
	zc_relay_close(r);
	return rc;
}

const char *zc_relay_pty(const zc_relay *r)
{
	return r->slave_name;
}

void zc_relay_counters(const zc_relay *r, zc_relay_line *t2h, zc_relay_line *h2t)
{
	if (t2h)
		*t2h = r->line[0];
	if (h2t)
		*h2t = r->line[1];
}

void zc_relay_close(zc_relay *r)
{
	if (!r)
		return;
	if (r->link[0]) {
		char target[sizeof r->slave_name];
		ssize_t n = readlink(r->link, target, sizeof target - 1);
		if (n > 0) {
			target[n] = 0;
			if (!strcmp(target, r->slave_name))
				unlink(r->link);
		}
	}
	if (r->term >= 0)
		close(r->term);
	if (r->slave >= 0)
		close(r->slave);
	if (r->master >= 0)
		close(r->master);
	zc_privkey_free(r->forger);
	free(r);
}

/* ---- attacks ---- */

static void q_put(queue *q, const uint8_t *p, size_t n)
{
	if (n > sizeof q->buf - q->len)
		n = sizeof q->buf - q->len; /* the rest is lost, as on a line */
	memcpy(q->buf + q->len, p, n);
	q->len += n;
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("attack: ", stdout);
	vprintf(fmt, ap);
	fputc('\n', stdout);
	va_end(ap);
	fflush(stdout);
}

/* Re-encode the frame r->af with payload pl[0..n) into queue d. */
static void put_frame(zc_relay *r, int d, uint8_t type, uint16_t req, const uint8_t *pl, size_t n)
{
	int k = zc_wire_encode(type, req, pl, n, r->aenc, sizeof r->aenc);
	if (k > 0)
		q_put(&r->q[d], r->aenc, (size_t)k);
}

/* A SET_TIME from the host: hold it, answer RESULT ok for the terminal. */
static void forge(zc_relay *r, uint64_t now)
{
	zc_wire_frame *f = &r->af;
	r->held = 1;
	r->held_req = f->req_id;
	r->release_at = now + (uint64_t)r->o.hold_ms * 1000000ull;
	int k = zc_wire_encode(f->type, f->req_id, f->payload, f->len, r->held_buf, sizeof r->held_buf);
	r->held_len = k > 0 ? (size_t)k : 0;
	zc_wire_result_msg m;
	memset(&m, 0, sizeof m);
	m.code = ZC_WIRE_OK;
	snprintf(m.text, sizeof m.text, "clock set");
	zc_random(m.nonce, sizeof m.nonce);
	zc_wire_request_hash(f->type, f->req_id, f->payload, f->len, m.req_hash);
	int n = zc_wire_result_sign(&m, r->forger) ? -1 : zc_wire_result_encode(&m, r->apl, sizeof r->apl);
	if (n > 0)
		put_frame(r, 0, ZC_WIRE_RESULT, f->req_id, r->apl, (size_t)n);
	say("held SET_TIME req %u for %u ms, answered RESULT ok", f->req_id, r->o.hold_ms);
}

/* One frame of direction d (0: from the terminal) on its way. */
static void attack_frame(zc_relay *r, int d, uint64_t now)
{
	zc_wire_frame *f = &r->af;
	if (d == 0 && r->attack == 1 && f->type == ZC_WIRE_HELLO) {
		zc_wire_hello h;
		if (!zc_wire_hello_decode(f->payload, f->len, &h)) {
			h.utc_ms -= 3600000; /* an hour back; the signature kept */
			int n = zc_wire_hello_encode(&h, r->apl, sizeof r->apl);
			if (n > 0) {
				put_frame(r, 0, f->type, f->req_id, r->apl, (size_t)n);
				say("HELLO clock lowered by an hour");
				return;
			}
		}
	}
	if (d == 1 && r->attack == 2 && !r->held && f->type == ZC_WIRE_COMMAND && f->len &&
	    f->payload[0] == ZC_CMD_SET_TIME) {
		forge(r, now);
		return;
	}
	if (d == 0 && r->attack == 2 && r->held == 2 && f->type == ZC_WIRE_RESULT && f->req_id == r->held_req) {
		zc_wire_result_msg m;
		if (!zc_wire_result_decode(f->payload, f->len, &m))
			say("terminal answered %s: %s", zc_wire_result_name(m.code), m.text);
	}
	put_frame(r, d, f->type, f->req_id, f->payload, f->len);
}

/* Bytes of direction d through the attack: whole frames pass (or not). */
static void attack_bytes(zc_relay *r, int d, const uint8_t *p, size_t n, uint64_t now)
{
	while (n) {
		size_t used = 0;
		int got = zc_wire_decoder_feed(&r->adec[d], p, n, &used, &r->af);
		p += used;
		n -= used;
		if (got != 1)
			break;
		attack_frame(r, d, now);
	}
}

/* Deliver a held command once its time came. */
static void release_held(zc_relay *r, uint64_t now)
{
	if (r->held != 1 || now < r->release_at)
		return;
	r->held = 2;
	q_put(&r->q[1], r->held_buf, r->held_len);
	say("delivered the held command req %u", r->held_req);
}

/* Read what the sender has into queue d (through the line). Returns -1
 * when the sender hung up. */
static int pull(zc_relay *r, int d, int fd, uint64_t now)
{
	queue *q = &r->q[d];
	while (q->len < QUEUE_MAX) {
		uint8_t tmp[QUEUE_MAX];
		ssize_t n = read(fd, tmp, QUEUE_MAX - q->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		if (n <= 0)
			return -1; /* EOF, EIO: the other end of that pty closed */
		if (!q->len)
			zc_relay_line_idle(&r->line[d], now);
		size_t k = zc_relay_line_impair(&r->line[d], tmp, (size_t)n);
		if (r->attack) {
			attack_bytes(r, d, tmp, k, now);
			continue;
		}
		memcpy(q->buf + q->len, tmp, k);
		q->len += k;
	}
	return 0;
}

/* Hand queue d to the receiver as the line allows. Returns 1 once the cut
 * is reached. */
static int push(zc_relay *r, int d, int fd, uint64_t now)
{
	queue *q = &r->q[d];
	zc_relay_line *l = &r->line[d];
	if (!q->len) {
		zc_relay_line_idle(l, now);
		return 0;
	}
	if (fd < 0) {
		q->len = 0; /* nobody at the other end: lost */
		return 0;
	}
	if (q->blocked)
		return 0;
	size_t k = zc_relay_line_allowed(l, now, q->len);
	if (r->o.cut_after && k > r->o.cut_after - r->total)
		k = (size_t)(r->o.cut_after - r->total);
	if (!k)
		return r->o.cut_after && r->total >= r->o.cut_after;
	ssize_t w = write(fd, q->buf, k);
	if (w < 0) {
		if (errno == EAGAIN || errno == EINTR) {
			q->blocked = errno == EAGAIN;
			return 0;
		}
		return 0; /* EIO on the terminal: the read side notices the hang-up */
	}
	if ((size_t)w < k)
		q->blocked = 1;
	memmove(q->buf, q->buf + w, q->len - (size_t)w);
	q->len -= (size_t)w;
	zc_relay_line_sent(l, (size_t)w);
	r->total += (uint64_t)w;
	return r->o.cut_after && r->total >= r->o.cut_after;
}

int zc_relay_loop(zc_relay *r, int stop_fd)
{
	for (;;) {
		uint64_t now = now_ns();
		if (r->term < 0 && now >= r->reopen_at) {
			if (open_terminal(r) == 0) {
				if (r->o.verbose)
					fprintf(stderr, "zhucun-sim relay: terminal side %s is back\n", r->term_path);
			} else {
				r->reopen_at = now + REOPEN_NS;
			}
		}
		release_held(r, now);
		int dst[2] = {r->master, r->term};
		for (int d = 0; d < 2; d++)
			if (push(r, d, dst[d], now))
				return 1;

		struct pollfd pf[3];
		int np = 0, i_stop = -1, i_term = -1, i_master;
		if (stop_fd >= 0) {
			i_stop = np;
			pf[np++] = (struct pollfd){.fd = stop_fd, .events = POLLIN};
		}
		if (r->term >= 0) {
			i_term = np;
			pf[np++] = (struct pollfd){.fd = r->term,
						   .events = (short)((r->q[0].len < QUEUE_MAX ? POLLIN : 0) |
								     (r->q[1].blocked ? POLLOUT : 0))};
		}
		i_master = np;
		pf[np++] = (struct pollfd){
		    .fd = r->master,
		    .events = (short)((r->q[1].len < QUEUE_MAX ? POLLIN : 0) | (r->q[0].blocked ? POLLOUT : 0))};

		uint64_t wake = UINT64_MAX;
		for (int d = 0; d < 2; d++) {
			queue *q = &r->q[d];
			if (!q->len || q->blocked || dst[d] < 0)
				continue;
			size_t want = zc_relay_line_chunk(&r->line[d]);
			uint64_t due = zc_relay_line_due(&r->line[d], want < q->len ? want : q->len);
			if (due < wake)
				wake = due;
		}
		if (r->term < 0 && r->reopen_at < wake)
			wake = r->reopen_at;
		if (r->held == 1 && r->release_at < wake)
			wake = r->release_at;
		struct timespec ts, *tsp = NULL;
		if (wake != UINT64_MAX) {
			uint64_t dt = wake > now ? wake - now : 0;
			ts.tv_sec = (time_t)(dt / 1000000000ull);
			ts.tv_nsec = (long)(dt % 1000000000ull);
			tsp = &ts;
		}
		if (ppoll(pf, (nfds_t)np, tsp, NULL) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "zhucun-sim relay: poll: %s\n", strerror(errno));
			return ZC_EIO;
		}
		if (i_stop >= 0 && pf[i_stop].revents)
			return 0;
		now = now_ns();
		if (i_term >= 0) {
			short ev = pf[i_term].revents;
			if (ev & POLLOUT)
				r->q[1].blocked = 0;
			if ((ev & (POLLIN | POLLHUP | POLLERR)) && pull(r, 0, r->term, now)) {
				if (r->o.verbose)
					fprintf(stderr, "zhucun-sim relay: terminal side %s hung up\n", r->term_path);
				close_terminal(r);
			}
		}
		short ev = pf[i_master].revents;
		if (ev & POLLOUT)
			r->q[0].blocked = 0;
		if (ev & POLLIN)
			pull(r, 1, r->master, now); /* we hold the slave: no hang-up here */
	}
}

/* ---- the subcommand ---- */

static int sig_pipe[2] = {-1, -1};

static void on_signal(int sig)
{
	int saved = errno;
	uint8_t b = (uint8_t)sig;
	if (write(sig_pipe[1], &b, 1) < 0) {
		/* the pipe is full: a stop is pending anyway */
	}
	errno = saved;
}

int zc_relay_run(const zc_relay_opts *o)
{
	char err[1024];
	zc_relay *r = NULL;
	int rc = zc_relay_open(o, &r, err, sizeof err);
	if (rc) {
		fprintf(stderr, "zhucun-sim relay: %s\n", err);
		return rc == ZC_EARG ? 2 : 1;
	}
	if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK)) {
		fprintf(stderr, "zhucun-sim relay: pipe: %s\n", strerror(errno));
		zc_relay_close(r);
		return 1;
	}
	struct sigaction sa = {.sa_handler = on_signal};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (o->verbose)
		fprintf(stderr, "zhucun-sim relay: %s <-> %s -> %s, %u B/s, noise %g, drop %g, seed %llu\n",
			o->terminal, o->link, zc_relay_pty(r), o->rate, o->noise, o->drop, (unsigned long long)o->seed);
	printf("ready %s\n", zc_relay_pty(r));
	fflush(stdout);
	rc = zc_relay_loop(r, sig_pipe[0]);
	zc_relay_line t2h, h2t;
	zc_relay_counters(r, &t2h, &h2t);
	fprintf(stderr,
		"zhucun-sim relay: %s; terminal->host %llu bytes (%llu flipped, %llu dropped), "
		"host->terminal %llu bytes (%llu flipped, %llu dropped)\n",
		rc == 1	  ? "cut"
		: rc == 0 ? "stopped"
			  : "failed",
		(unsigned long long)t2h.out, (unsigned long long)t2h.flipped, (unsigned long long)t2h.dropped,
		(unsigned long long)h2t.out, (unsigned long long)h2t.flipped, (unsigned long long)h2t.dropped);
	zc_relay_close(r);
	close(sig_pipe[0]);
	close(sig_pipe[1]);
	sig_pipe[0] = sig_pipe[1] = -1;
	return rc < 0 ? 1 : 0;
}
