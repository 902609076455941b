/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_relay.c: the test relay of the serial link (tools/sim/relay.h).
 * The line model on a simulated clock (pacing, noise and drop statistics,
 * reproducibility), then the real relay in a thread between two ptys: bytes
 * arrive in order, the measured rate is within 10% of --rate, noise and
 * drops show in the bytes as the counters say, --cut-after cuts exactly,
 * the terminal side can go away and come back, and frames survive a noisy
 * line as the wire decoder promises (intact or not at all).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "relay.h"
#include "testutil.h"
#include "zc/err.h"
#include "zc/wire.h"

/* ---- the line model ---- */

static void test_line_pacing(void **state)
{
	(void)state;
	zc_relay_line l;
	zc_relay_line_init(&l, 11520, 0, 0, 1);
	assert_int_equal(l.byte_ns, 86806); /* 1e9 / 11520, rounded */
	/* a simulated second, waking every 1.3 ms with a full queue */
	uint64_t t = 5000000000ull, sent = 0;
	zc_relay_line_idle(&l, t);
	for (uint64_t now = t; now <= t + 1000000000ull; now += 1000000) {
		size_t k = zc_relay_line_allowed(&l, now, 100000);
		zc_relay_line_sent(&l, k);
		sent += k;
	}
	assert_true(sent >= 11500 && sent <= 11540);
	/* the first byte after idling goes at once, the next one a byte time later */
	zc_relay_line_init(&l, 1000, 0, 0, 1);
	zc_relay_line_idle(&l, t);
	assert_int_equal(zc_relay_line_allowed(&l, t, 10), 1);
	zc_relay_line_sent(&l, 1);
	assert_int_equal(zc_relay_line_allowed(&l, t + 999999, 10), 0);
	assert_int_equal(zc_relay_line_allowed(&l, t + 1000000, 10), 1);
	assert_int_equal(zc_relay_line_due(&l, 3), t + 3000000);
	/* a long stall is caught up by at most 50 ms of bytes */
	assert_int_equal(zc_relay_line_allowed(&l, t + 10000000000ull, 1000), 51);
	/* never more than queued; nothing queued, nothing allowed */
	zc_relay_line_init(&l, 1000, 0, 0, 1);
	zc_relay_line_idle(&l, t);
	assert_int_equal(zc_relay_line_allowed(&l, t + 5000000, 2), 2);
	assert_int_equal(zc_relay_line_allowed(&l, t + 5000000, 0), 0);
	/* unpaced: everything, at once */
	zc_relay_line_init(&l, 0, 0, 0, 1);
	assert_int_equal(zc_relay_line_allowed(&l, 1, 123456), 123456);
	assert_int_equal(zc_relay_line_chunk(&l), 1);
	zc_relay_line_init(&l, 11520, 0, 0, 1);
	assert_int_equal(zc_relay_line_chunk(&l), 23); /* about 2 ms */
}

static int popcount8(uint8_t x)
{
	int n = 0;
	for (; x; x &= (uint8_t)(x - 1))
		n++;
	return n;
}

static void test_line_impairments(void **state)
{
	(void)state;
	enum { N = 1000000 };
	static uint8_t a[N], b[N], c[N];
	for (size_t i = 0; i < N; i++)
		a[i] = (uint8_t)(i * 131 + 7);
	zc_relay_line l;
	/* none: identical */
	memcpy(b, a, N);
	zc_relay_line_init(&l, 0, 0, 0, 9);
	assert_int_equal(zc_relay_line_impair(&l, b, N), N);
	assert_memory_equal(a, b, N);
	/* noise 1%: ~10,000 bytes, each with exactly one bit flipped, evenly
	 * over the 8 bits */
	memcpy(b, a, N);
	zc_relay_line_init(&l, 0, 0.01, 0, 9);
	assert_int_equal(zc_relay_line_impair(&l, b, N), N);
	size_t diff = 0, bits[8] = {0};
	for (size_t i = 0; i < N; i++) {
		if (a[i] == b[i])
			continue;
		diff++;
		uint8_t x = a[i] ^ b[i];
		assert_int_equal(popcount8(x), 1);
		for (int k = 0; k < 8; k++)
			bits[k] += (x >> k) & 1;
	}
	assert_int_equal(diff, l.flipped);
	assert_true(diff > 9600 && diff < 10400); /* 4 sigma */
	for (int k = 0; k < 8; k++)
		assert_true(bits[k] > 1000 && bits[k] < 1500);
	/* the same seed gives the same damage, chunked any way; another does not */
	memcpy(c, a, N);
	zc_relay_line_init(&l, 0, 0.01, 0, 9);
	for (size_t off = 0, k = 1; off < N; off += k, k = k * 3 % 1000 + 1)
		zc_relay_line_impair(&l, c + off, off + k > N ? N - off : k);
	assert_memory_equal(b, c, N);
	memcpy(c, a, N);
	zc_relay_line_init(&l, 0, 0.01, 0, 10);
	zc_relay_line_impair(&l, c, N);
	assert_memory_not_equal(b, c, N);
	/* drop 2%: ~20,000 lost, the rest in order */
	memcpy(b, a, N);
	zc_relay_line_init(&l, 0, 0, 0.02, 9);
	size_t kept = zc_relay_line_impair(&l, b, N);
	assert_int_equal(kept + l.dropped, N);
	assert_true(l.dropped > 19440 && l.dropped < 20560);
	size_t j = 0;
	for (size_t i = 0; i < N && j < kept; i++)
		if (a[i] == b[j])
			j++;
	assert_int_equal(j, kept); /* a subsequence */
	/* probability 1 */
	memcpy(b, a, 100);
	zc_relay_line_init(&l, 0, 0, 1, 9);
	assert_int_equal(zc_relay_line_impair(&l, b, 100), 0);
	zc_relay_line_init(&l, 0, 1, 0, 9);
	assert_int_equal(zc_relay_line_impair(&l, b, 100), 100);
	assert_int_equal(l.flipped, 100);
}

/* ---- the relay over ptys ---- */

typedef struct ends {
	char *dir;
	char term_link[4200], host_link[4200];
	int tmaster, tslave; /* the "terminal": a pty whose slave it offers */
	int host;	     /* the "host": the relay's link, opened */
	zc_relay *r;
	pthread_t th;
	int stop[2];
	int loop_rc;
} ends;

static void raw(int fd)
{
	struct termios t;
	assert_int_equal(tcgetattr(fd, &t), 0);
	cfmakeraw(&t);
	assert_int_equal(tcsetattr(fd, TCSANOW, &t), 0);
}

/* A new "terminal" pty behind e->term_link. */
static void terminal_pty(ends *e)
{
	char name[64], tmp[4300];
	e->tmaster = posix_openpt(O_RDWR | O_NOCTTY);
	assert_true(e->tmaster >= 0);
	assert_int_equal(grantpt(e->tmaster), 0);
	assert_int_equal(unlockpt(e->tmaster), 0);
	assert_int_equal(ptsname_r(e->tmaster, name, sizeof name), 0);
	e->tslave = open(name, O_RDWR | O_NOCTTY);
	assert_true(e->tslave >= 0);
	raw(e->tslave);
	snprintf(tmp, sizeof tmp, "%s.tmp", e->term_link);
	unlink(tmp);
	assert_int_equal(symlink(name, tmp), 0);
	assert_int_equal(rename(tmp, e->term_link), 0);
}

static void *loop_thread(void *arg)
{
	ends *e = arg;
	e->loop_rc = zc_relay_loop(e->r, e->stop[0]);
	return NULL;
}

static void ends_open(ends *e, zc_relay_opts o)
{
	memset(e, 0, sizeof *e);
	e->dir = tu_tmpdir("relay");
	assert_non_null(e->dir);
	snprintf(e->term_link, sizeof e->term_link, "%s/terminal", e->dir);
	snprintf(e->host_link, sizeof e->host_link, "%s/link", e->dir);
	terminal_pty(e);
	o.terminal = e->term_link;
	o.link = e->host_link;
	char err[512];
	int rc = zc_relay_open(&o, &e->r, err, sizeof err);
	if (rc)
		fail_msg("zc_relay_open: %s", err);
	char target[64];
	ssize_t n = readlink(e->host_link, target, sizeof target - 1);
	assert_true(n > 0);
	target[n] = 0;
	assert_string_equal(target, zc_relay_pty(e->r));
	e->host = open(e->host_link, O_RDWR | O_NOCTTY);
	assert_true(e->host >= 0);
	raw(e->host);
	assert_int_equal(pipe(e->stop), 0);
	assert_int_equal(pthread_create(&e->th, NULL, loop_thread, e), 0);
}

/* Stop the loop (if it still runs), join it; the relay stays for counters. */
static void ends_stop(ends *e)
{
	if (e->stop[1] >= 0) {
		assert_int_equal(write(e->stop[1], "x", 1), 1);
		pthread_join(e->th, NULL);
		close(e->stop[0]);
		close(e->stop[1]);
		e->stop[0] = e->stop[1] = -1;
	}
}

static void ends_close(ends *e)
{
	ends_stop(e);
	zc_relay_close(e->r);
	struct stat st;
	assert_int_equal(lstat(e->host_link, &st), -1); /* the link is gone */
	close(e->host);
	if (e->tslave >= 0)
		close(e->tslave);
	if (e->tmaster >= 0)
		close(e->tmaster);
	tu_rmtree(e->dir);
	free(e->dir);
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

typedef struct writer {
	int fd;
	const uint8_t *p;
	size_t n;
} writer;

static void *write_thread(void *arg)
{
	writer *w = arg;
	size_t off = 0;
	while (off < w->n) {
		ssize_t k = write(w->fd, w->p + off, w->n - off);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		off += (size_t)k;
	}
	return NULL;
}

/* Read up to n bytes, until quiet for quiet_ms. Returns the count. */
static size_t read_until_quiet(int fd, uint8_t *p, size_t n, int quiet_ms)
{
	size_t got = 0;
	while (got < n) {
		struct pollfd pf = {.fd = fd, .events = POLLIN};
		if (poll(&pf, 1, quiet_ms) <= 0)
			break;
		ssize_t k = read(fd, p + got, n - got);
		if (k <= 0)
			break;
		got += (size_t)k;
	}
	return got;
}

static void test_relay_rate_and_order(void **state)
{
	(void)state;
	enum { N = 20000, RATE = 40000 };
	static uint8_t a[N], b[N], ra[N], rb[N];
	for (size_t i = 0; i < N; i++) {
		a[i] = (uint8_t)(i * 7 + i / 251);
		b[i] = (uint8_t)(i * 13 + 5);
	}
	ends e;
	ends_open(&e, (zc_relay_opts){.rate = RATE, .seed = 1});
	writer wa = {e.tmaster, a, N}, wb = {e.host, b, N};
	pthread_t ta, tb;
	uint64_t t0 = now_ns();
	assert_int_equal(pthread_create(&ta, NULL, write_thread, &wa), 0);
	assert_int_equal(pthread_create(&tb, NULL, write_thread, &wb), 0);
	/* both directions at once, each paced on its own */
	size_t ga = 0, gb = 0;
	uint64_t ta_end = 0, tb_end = 0;
	while (ga < N || gb < N) {
		struct pollfd pf[2] = {{.fd = e.host, .events = POLLIN}, {.fd = e.tmaster, .events = POLLIN}};
		if (poll(pf, 2, 2000) <= 0)
			fail_msg("stalled at %zu / %zu bytes", ga, gb);
		if (pf[0].revents & POLLIN) {
			ssize_t k = read(e.host, ra + ga, N - ga);
			assert_true(k > 0);
			ga += (size_t)k;
			if (ga == N)
				ta_end = now_ns();
		}
		if (pf[1].revents & POLLIN) {
			ssize_t k = read(e.tmaster, rb + gb, N - gb);
			assert_true(k > 0);
			gb += (size_t)k;
			if (gb == N)
				tb_end = now_ns();
		}
	}
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	assert_memory_equal(ra, a, N); /* in order, nothing lost, nothing changed */
	assert_memory_equal(rb, b, N);
	double rate_a = N / ((double)(ta_end - t0) / 1e9), rate_b = N / ((double)(tb_end - t0) / 1e9);
	print_message("relay: terminal->host %.0f B/s, host->terminal %.0f B/s at --rate %d\n", rate_a, rate_b, RATE);
	assert_true(rate_a > RATE * 0.9 && rate_a < RATE * 1.1);
	assert_true(rate_b > RATE * 0.9 && rate_b < RATE * 1.1);
	ends_stop(&e);
	assert_int_equal(e.loop_rc, 0);
	zc_relay_line t2h, h2t;
	zc_relay_counters(e.r, &t2h, &h2t);
	assert_int_equal(t2h.in, N);
	assert_int_equal(t2h.out, N);
	assert_int_equal(h2t.out, N);
	assert_int_equal(t2h.flipped + t2h.dropped + h2t.flipped + h2t.dropped, 0);
	ends_close(&e);
}

static void test_relay_noise_and_drop(void **state)
{
	(void)state;
	enum { N = 100000 };
	static uint8_t a[N], r[N];
	for (size_t i = 0; i < N; i++)
		a[i] = (uint8_t)(i * 31 + 1);
	/* noise 1%, unpaced */
	ends e;
	ends_open(&e, (zc_relay_opts){.noise = 0.01, .seed = 42});
	writer w = {e.tmaster, a, N};
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, write_thread, &w), 0);
	size_t got = read_until_quiet(e.host, r, N, 1000);
	pthread_join(t, NULL);
	assert_int_equal(got, N);
	size_t diff = 0;
	for (size_t i = 0; i < N; i++)
		diff += a[i] != r[i];
	ends_stop(&e);
	zc_relay_line t2h;
	zc_relay_counters(e.r, &t2h, NULL);
	assert_int_equal(diff, t2h.flipped);
	assert_true(diff > 850 && diff < 1150); /* 1000 +- 4.7 sigma */
	ends_close(&e);

	/* drop 1%: a subsequence of what was sent, 1% shorter */
	ends_open(&e, (zc_relay_opts){.drop = 0.01, .seed = 43});
	w.fd = e.tmaster;
	assert_int_equal(pthread_create(&t, NULL, write_thread, &w), 0);
	got = read_until_quiet(e.host, r, N, 150);
	pthread_join(t, NULL);
	ends_stop(&e);
	zc_relay_counters(e.r, &t2h, NULL);
	assert_int_equal(got + t2h.dropped, N);
	assert_true(t2h.dropped > 850 && t2h.dropped < 1150);
	size_t j = 0;
	for (size_t i = 0; i < N && j < got; i++)
		if (a[i] == r[j])
			j++;
	assert_int_equal(j, got);
	ends_close(&e);
}

static void test_relay_cut_after(void **state)
{
	(void)state;
	static uint8_t a[5000], r[5000];
	for (size_t i = 0; i < sizeof a; i++)
		a[i] = (uint8_t)(i + 3);
	ends e;
	ends_open(&e, (zc_relay_opts){.cut_after = 1000, .seed = 1});
	writer w = {e.tmaster, a, 700};
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, write_thread, &w), 0);
	pthread_join(t, NULL);
	assert_int_equal(read_until_quiet(e.host, r, 700, 1000), 700);
	/* 700 one way, then 300 more the other way reach the cut */
	assert_int_equal(write(e.host, a, 500), 500);
	pthread_join(e.th, NULL); /* the loop ends by itself */
	close(e.stop[0]);
	close(e.stop[1]);
	e.stop[0] = e.stop[1] = -1;
	assert_int_equal(e.loop_rc, 1);
	assert_int_equal(read_until_quiet(e.tmaster, r, 500, 200), 300);
	assert_memory_equal(r, a, 300);
	ends_close(&e); /* checks the link is removed */
}

static void test_relay_terminal_comes_back(void **state)
{
	(void)state;
	uint8_t r[64];
	ends e;
	ends_open(&e, (zc_relay_opts){.seed = 1});
	assert_int_equal(write(e.tmaster, "first", 5), 5);
	assert_int_equal(read_until_quiet(e.host, r, 5, 1000), 5);
	assert_memory_equal(r, "first", 5);
	/* the terminal restarts: its pty goes, a new one appears at the path */
	close(e.tslave);
	close(e.tmaster);
	usleep(50000);
	assert_int_equal(write(e.host, "lost", 4), 4); /* nobody there: lost */
	usleep(50000);
	terminal_pty(&e);
	uint64_t t0 = now_ns();
	int ok = 0;
	while (now_ns() - t0 < 2000000000ull && !ok) {
		assert_int_equal(write(e.tmaster, "again", 5), 5);
		size_t k = read_until_quiet(e.host, r, sizeof r, 150);
		ok = k >= 5 && !memcmp(r, "again", 5);
	}
	assert_true(ok);
	assert_int_equal(write(e.host, "hi", 2), 2);
	assert_int_equal(read_until_quiet(e.tmaster, r, 2, 1000), 2);
	assert_memory_equal(r, "hi", 2);
	ends_close(&e);
}

/* Frames over a noisy, lossy line: every frame that comes out is one that
 * was sent, intact; most come out. */
static void test_relay_frames_through_noise(void **state)
{
	(void)state;
	enum { FRAMES = 300 };
	static uint8_t s[FRAMES * 200], r[FRAMES * 200 + 1000], pl[150];
	static zc_wire_decoder d;
	static zc_wire_frame f;
	size_t n = 0;
	for (int i = 0; i < FRAMES; i++) {
		for (size_t k = 0; k < sizeof pl; k++)
			pl[k] = (uint8_t)(i * 3 + k * (k & 1 ? 0 : 1));
		int k = zc_wire_encode(ZC_WIRE_RECORDS, (uint16_t)i, pl, sizeof pl, s + n, sizeof s - n);
		assert_true(k > 0);
		n += (size_t)k;
	}
	ends e;
	ends_open(&e, (zc_relay_opts){.noise = 0.0005, .drop = 0.0005, .seed = 7});
	writer w = {e.tmaster, s, n};
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, write_thread, &w), 0);
	size_t got = read_until_quiet(e.host, r, sizeof r, 150);
	pthread_join(t, NULL);
	zc_wire_decoder_init(&d);
	size_t off = 0, used;
	int good = 0, last = -1;
	while (off < got) {
		if (zc_wire_decoder_feed(&d, r + off, got - off, &used, &f)) {
			int i = f.req_id;
			assert_true(i > last && i < FRAMES); /* in order, never twice */
			last = i;
			for (size_t k = 0; k < sizeof pl; k++)
				pl[k] = (uint8_t)(i * 3 + k * (k & 1 ? 0 : 1));
			assert_int_equal(f.len, sizeof pl);
			assert_memory_equal(f.payload, pl, sizeof pl);
			good++;
		}
		off += used;
	}
	print_message("relay: %d of %d frames through noise, %llu dropped by the decoder\n", good, FRAMES,
		      (unsigned long long)d.dropped);
	assert_true(good >= FRAMES * 6 / 10);
	assert_true(d.dropped >= 1);
	ends_close(&e);
}

static void test_relay_open_errors(void **state)
{
	(void)state;
	char err[512];
	zc_relay *r;
	char *dir = tu_tmpdir("relay-err");
	char link[4200], file[4200];
	snprintf(link, sizeof link, "%s/link", dir);
	snprintf(file, sizeof file, "%s/file", dir);
	zc_relay_opts o = {.terminal = "/nonexistent/zc-terminal", .link = link};
	assert_int_equal(zc_relay_open(&o, &r, err, sizeof err), ZC_ENOENT);
	assert_non_null(strstr(err, "/nonexistent/zc-terminal"));
	o.terminal = NULL;
	assert_int_equal(zc_relay_open(&o, &r, err, sizeof err), ZC_EARG);
	o.terminal = "/dev/null";
	o.noise = 1.5;
	assert_int_equal(zc_relay_open(&o, &r, err, sizeof err), ZC_EARG);
	o.noise = 0;
	assert_int_equal(tu_write_file(file, "x", 1), 0);
	o.link = file; /* a regular file is never replaced */
	assert_int_equal(zc_relay_open(&o, &r, err, sizeof err), ZC_EEXIST);
	struct stat st;
	assert_int_equal(lstat(file, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	tu_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_line_pacing),
	    cmocka_unit_test(test_line_impairments),
	    cmocka_unit_test(test_relay_rate_and_order),
	    cmocka_unit_test(test_relay_noise_and_drop),
	    cmocka_unit_test(test_relay_cut_after),
	    cmocka_unit_test(test_relay_terminal_comes_back),
	    cmocka_unit_test(test_relay_frames_through_noise),
	    cmocka_unit_test(test_relay_open_errors),
	};
	return cmocka_run_group_tests_name("relay", tests, NULL, NULL);
}
