/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vicc.c: the virtual PIV card as a vpcd client (vicc.h).
 *
 * One TCP connection at a time, blocking reads bounded by poll() so that a
 * signal is noticed within a quarter of a second. vpcd sends a whole
 * message at once and waits for the answer, so there is never more than one
 * message in flight. When vpcd closes the connection (pcscd stopped or
 * restarted), the card is reset and the connection retried every 200 ms.
 */
#include "vicc.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "vcard.h"
#include "zc/bytes.h"
#include "zc/err.h"

#define CTRL_OFF   0
#define CTRL_ON	   1
#define CTRL_RESET 2
#define CTRL_ATR   4

#define MSG_MAX	 0xFFFF /* vpcd's length field */
#define RETRY_MS 200
#define POLL_MS	 250
#define ATR_MAX	 33

static volatile sig_atomic_t stop_sig;

static void on_signal(int sig)
{
	stop_sig = sig;
}

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL); /* a signal cuts it short: fine */
}

int zc_vicc_atr(const zc_target *t, uint8_t *atr, size_t cap)
{
	if (!t || !atr)
		return ZC_EARG;
	/* Historical bytes: the ATS after T0 and the interface bytes that
	 * T0's bits 5-7 announce (the ATS is stored without its length). */
	const uint8_t *hist = NULL;
	size_t nh = 0;
	if (t->ats_len) {
		uint8_t t0 = t->ats[0];
		size_t skip = 1 + !!(t0 & 0x10) + !!(t0 & 0x20) + !!(t0 & 0x40);
		if (skip < t->ats_len) {
			hist = t->ats + skip;
			nh = t->ats_len - skip;
		}
	}
	if (nh > 15)
		nh = 15;
	if (cap < 5 + nh)
		return ZC_EARG;
	size_t n = 0;
	atr[n++] = 0x3B;		 /* TS: direct convention */
	atr[n++] = (uint8_t)(0x80 | nh); /* T0: TD1 follows, nh historical bytes */
	atr[n++] = 0x80;		 /* TD1: TD2 follows, T=0 */
	atr[n++] = 0x01;		 /* TD2: T=1 */
	if (nh)
		memcpy(atr + n, hist, nh);
	n += nh;
	uint8_t tck = 0;
	for (size_t i = 1; i < n; i++)
		tck ^= atr[i];
	atr[n++] = tck;
	return (int)n;
}

/* Read exactly n bytes: 0, 1 if the peer closed or failed, -1 on a signal.
 *
 * vpcd before virtualsmartcard 0.9 (Debian 12 ships 0.8) sends a message's
 * length and its payload in two send() calls without TCP_NODELAY: Nagle
 * holds the payload until the length is acknowledged, and a delayed ACK
 * here would cost 40 ms per APDU. So every read asks for an immediate ACK
 * (TCP_QUICKACK is not sticky). */
static int read_full(int fd, uint8_t *buf, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = recv(fd, buf + got, n - got, 0);
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
		if (r > 0) {
			got += (size_t)r;
		} else if (r < 0 && errno == EINTR) {
			if (stop_sig)
				return -1;
		} else {
			return 1;
		}
	}
	return 0;
}

/* Send one message (length prefix and payload): 0 or 1 on failure. */
static int send_msg(int fd, const uint8_t *p, size_t n)
{
	uint8_t *b = malloc(n + 2);
	if (!b)
		return 1;
	b[0] = (uint8_t)(n >> 8);
	b[1] = (uint8_t)n;
	memcpy(b + 2, p, n);
	size_t sent = 0;
	int rc = 0;
	while (sent < n + 2) {
		ssize_t r = send(fd, b + sent, n + 2 - sent, MSG_NOSIGNAL);
		if (r > 0) {
			sent += (size_t)r;
		} else if (!(r < 0 && errno == EINTR)) {
			rc = 1;
			break;
		}
	}
	free(b);
	return rc;
}

/* One attempt: a connected socket, or -1. */
static int connect_once(const char *host, uint16_t port, char *why, size_t whylen)
{
	char service[8];
	snprintf(service, sizeof service, "%u", (unsigned)port);
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV};
	struct addrinfo *res = NULL;
	int g = getaddrinfo(host, service, &hints, &res);
	if (g) {
		snprintf(why, whylen, "%s: %s", host, gai_strerror(g));
		return -1;
	}
	int fd = -1;
	for (struct addrinfo *a = res; a; a = a->ai_next) {
		fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
		if (fd < 0)
			continue;
		if (connect(fd, a->ai_addr, a->ai_addrlen) == 0)
			break;
		snprintf(why, whylen, "%s", strerror(errno));
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd >= 0) {
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	}
	return fd;
}

static void trace(int verbose, const char *dir, const uint8_t *p, size_t n)
{
	if (!verbose)
		return;
	char *hex = malloc(2 * n + 1);
	if (!hex)
		return;
	fprintf(stderr, "vicc: %s %s\n", dir, zc_hex(p, n, hex));
	free(hex);
}

/* Serve one connection until vpcd closes it (0) or a signal comes (-1). */
static int serve(int fd, zc_vcard *card, const uint8_t *atr, size_t atr_len, int verbose)
{
	static uint8_t msg[MSG_MAX], resp[MSG_MAX];
	for (;;) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		int pr = poll(&pfd, 1, POLL_MS);
		if (stop_sig)
			return -1;
		if (pr < 0 && errno != EINTR)
			return 0;
		if (pr <= 0)
			continue;
		uint8_t hdr[2];
		int r = read_full(fd, hdr, 2);
		if (r)
			return r < 0 ? -1 : 0;
		size_t n = (size_t)hdr[0] << 8 | hdr[1];
		if (n && (r = read_full(fd, msg, n)))
			return r < 0 ? -1 : 0;
		if (n == 0) {
			if (verbose)
				fprintf(stderr, "vicc: empty message ignored\n");
			continue;
		}
		if (n == 1) {
			switch (msg[0]) {
			case CTRL_OFF:
			case CTRL_ON:
			case CTRL_RESET:
				/* A new power cycle: nothing selected, no PIN. */
				if (verbose)
					fprintf(stderr, "vicc: %s\n",
						msg[0] == CTRL_OFF  ? "power off"
						: msg[0] == CTRL_ON ? "power on"
								    : "reset");
				zc_vcard_reset(card);
				break;
			case CTRL_ATR:
				if (send_msg(fd, atr, atr_len))
					return 0;
				break;
			default:
				if (verbose)
					fprintf(stderr, "vicc: unknown control code %u ignored\n", msg[0]);
			}
			continue;
		}
		trace(verbose, ">", msg, n);
		int rn = zc_vcard_transceive(card, msg, n, resp, sizeof resp);
		if (rn < 2) {
			/* Not an APDU the card can take at all: "no precise
			 * diagnosis", so vpcd gets an answer and goes on. */
			resp[0] = 0x6F;
			resp[1] = 0x00;
			rn = 2;
		}
		trace(verbose, "<", resp, (size_t)rn);
		if (send_msg(fd, resp, (size_t)rn))
			return 0;
	}
}

int zc_vicc_run(const zc_vicc_opts *o)
{
	if (!o || !o->card) {
		fprintf(stderr, "zhucun-sim vicc: needs --card piv:CARDFILE\n");
		return 2;
	}
	const char *host = o->host ? o->host : "127.0.0.1";
	uint16_t port = o->port ? o->port : ZC_VICC_PORT;
	char err[512] = "";
	zc_vcard *card = NULL;
	if (zc_vcard_from_spec(o->card, &card, err, sizeof err)) {
		fprintf(stderr, "zhucun-sim vicc: %s\n", err[0] ? err : o->card);
		return 2;
	}
	zc_target t;
	zc_vcard_target(card, &t);
	if (!t.iso14443_4) {
		fprintf(stderr, "zhucun-sim vicc: %s: a card behind vpcd must take APDUs (piv:CARDFILE)\n", o->card);
		zc_vcard_free(card);
		return 2;
	}
	uint8_t atr[ATR_MAX];
	int atr_len = zc_vicc_atr(&t, atr, sizeof atr);
	if (atr_len < 0) {
		zc_vcard_free(card);
		return 1;
	}

	stop_sig = 0;
	struct sigaction sa = {.sa_handler = on_signal}; /* no SA_RESTART */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (o->verbose) {
		char hex[2 * ATR_MAX + 1];
		fprintf(stderr, "vicc: %s, ATR %s\n", zc_vcard_describe(card), zc_hex(atr, (size_t)atr_len, hex));
	}
	int said_waiting = 0;
	while (!stop_sig) {
		char why[256] = "";
		int fd = connect_once(host, port, why, sizeof why);
		if (fd < 0) {
			if (!said_waiting) {
				fprintf(stderr, "zhucun-sim vicc: waiting for vpcd at %s port %u (%s)\n", host,
					(unsigned)port, why);
				said_waiting = 1;
			}
			sleep_ms(RETRY_MS);
			continue;
		}
		said_waiting = 0;
		printf("ready %s:%u\n", host, (unsigned)port);
		fflush(stdout);
		int r = serve(fd, card, atr, (size_t)atr_len, o->verbose);
		close(fd);
		zc_vcard_reset(card);
		if (r == 0 && !stop_sig)
			fprintf(stderr, "zhucun-sim vicc: vpcd closed the connection; reconnecting\n");
	}
	zc_vcard_free(card);
	return 0;
}
