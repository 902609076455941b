/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_hostlink.c: the host's link client (zc/hostlink.h), collection
 * (zc/collect.h) and record bundles (zc/bundle.h).
 *
 * The client talks to a fake terminal in a thread on the other end of a
 * socketpair (or, with ZC_TEST_SERIAL_PTY set and the sp_pty_shim
 * preloaded, of a pty opened through the real libserialport). The fake
 * speaks the protocol with the same wire API the firmware uses, keeps a
 * signed record chain, checks command signatures over its current nonce
 * (fresh at every HELLO and after every accepted command, as the
 * firmware's), appends COLLECTED and CLOCK_SET records for the commands it
 * accepts, and can lose or garble chosen frames, drop a RESULT after
 * applying its command, skip an unreadable record, fall silent or hang up.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "testutil.h"
#include "zc/bundle.h"
#include "zc/bytes.h"
#include "zc/collect.h"
#include "zc/crypto.h"
#include "zc/err.h"
#include "zc/hostkey.h"
#include "zc/hostlink.h"
#include "zc/i18n.h"
#include "zc/record.h"
#include "zc/registry.h"
#include "zc/store.h"
#include "zc/wire.h"

#define T0	 1750000000000LL /* 2025-06-15 */
#define MAX_REC	 1200
#define MAX_DROP 16

static zc_privkey *g_term_key, *g_host_key, *g_other_key;

/* ---- the fake terminal ---- */

typedef struct enc {
	uint8_t b[ZC_REC_MAX];
	size_t len;
	uint8_t hash[ZC_HASH_LEN];
} enc;

typedef struct fake {
	/* set up before start */
	int fd;
	char terminal[ZC_TERMINAL_ID_MAX + 1];
	char township[ZC_TERMINAL_ID_MAX + 1];
	zc_privkey *key; /* the terminal's */
	zc_pubkey *host; /* the registered host key; NULL: none */
	uint8_t host_fp[ZC_HASH_LEN];
	int per_frame;	  /* records per RECORDS frame (max) */
	uint64_t damaged; /* a seq the terminal cannot read (skipped), 0: none */
	uint64_t first;	  /* oldest held */
	int64_t clock_ms; /* the terminal's clock */
	/* impairments, by RECORDS frame number (1, 2, ... over the fake's life) */
	unsigned drop[MAX_DROP], corrupt[MAX_DROP];
	int drop_end_once;
	int drop_result_once;
	int rotate_nonce_once; /* change the nonce behind the host's back once */
	int tamper_hello;      /* a relay lowers HELLO's clock after signing */
	int forge_result;      /* a relay answers RESULT ok with a key not the terminal's */
	unsigned mute_after;   /* frames; then answer nothing */
	unsigned hangup_after; /* frames; then close the link */
	/* state */
	enc rec[MAX_REC + 1];
	uint64_t head, collected;
	uint8_t collected_hash[ZC_HASH_LEN];
	uint8_t nonce[ZC_WIRE_NONCE_LEN];
	uint8_t req_hash[ZC_HASH_LEN];	   /* of the request being answered */
	uint8_t old[8][ZC_WIRE_NONCE_LEN]; /* earlier nonces, to tell a replay */
	int nold, oldpos;
	int str_active;
	uint16_t str_req;
	uint64_t str_next;
	uint32_t credit;
	/* counters */
	unsigned frames, gets, hellos, credits_in, commands_ok, commands_refused, max_credit;
	int last_code;
	unsigned cmd_kinds[8];
	/* machinery */
	pthread_t th;
	int started;
	pthread_mutex_t mu;
	volatile int stop;
	zc_wire_decoder dec;
	zc_wire_frame f;
	uint8_t pl[ZC_WIRE_PAYLOAD_MAX];
	uint8_t tx[ZC_WIRE_ENCODED_MAX];
	zc_wire_command cmd;
} fake;

static void sign_rec(fake *k, uint8_t kind, zc_rec *r)
{
	uint64_t seq = k->head + 1;
	assert_true(seq <= MAX_REC);
	snprintf(r->terminal, sizeof r->terminal, "%s", k->terminal);
	r->seq = seq;
	r->boot = 1;
	r->utc_ms = k->clock_ms;
	r->mono_ms = 1000 * seq;
	if (seq > 1)
		memcpy(r->prev_hash, k->rec[seq - 1].hash, ZC_HASH_LEN);
	(void)kind;
	enc *e = &k->rec[seq];
	assert_int_equal(zc_rec_sign(r, k->key, e->b, sizeof e->b, &e->len, e->hash), 0);
	k->head = seq;
	k->clock_ms += 1000;
}

static void new_nonce(fake *k)
{
	memcpy(k->old[k->oldpos], k->nonce, ZC_WIRE_NONCE_LEN);
	k->oldpos = (k->oldpos + 1) % 8;
	if (k->nold < 8)
		k->nold++;
	assert_int_equal(zc_random(k->nonce, ZC_WIRE_NONCE_LEN), 0);
}

/* As the firmware: OK over the current nonce, E_NONCE over an old one. */
static int check_sig(fake *k, const char *terminal, zc_pubkey *key)
{
	if (!zc_wire_cmd_verify(&k->cmd, terminal, k->nonce, key))
		return ZC_WIRE_OK;
	for (int i = 0; i < k->nold; i++)
		if (!zc_wire_cmd_verify(&k->cmd, terminal, k->old[i], key))
			return ZC_WIRE_E_NONCE;
	return ZC_WIRE_E_SIGNATURE;
}

static void add_tap(fake *k)
{
	zc_rec r;
	zc_rec_init(&r, ZC_KIND_TAP);
	r.u.tap.badge_kind = ZC_BADGE_UID;
	r.u.tap.result = ZC_TAP_WEAK;
	r.u.tap.badge_id_len = 4;
	zc_put_u32(r.u.tap.badge_id, (uint32_t)(0x04A10000u + k->head));
	memset(r.u.tap.nonce, (int)(k->head & 0xff), ZC_NONCE_LEN);
	sign_rec(k, ZC_KIND_TAP, &r);
}

static void add_records(fake *k, unsigned n)
{
	if (!k->head) {
		zc_rec r;
		zc_rec_init(&r, ZC_KIND_BOOT);
		snprintf(r.u.boot.firmware, sizeof r.u.boot.firmware, "fake 1.0");
		sign_rec(k, ZC_KIND_BOOT, &r);
		n--;
	}
	while (n--)
		add_tap(k);
}

static void fake_init(fake *k, const char *terminal, unsigned records, int per_frame)
{
	memset(k, 0, sizeof *k);
	k->fd = -1;
	snprintf(k->terminal, sizeof k->terminal, "%s", terminal);
	snprintf(k->township, sizeof k->township, "TS1");
	k->key = g_term_key;
	k->per_frame = per_frame;
	k->first = 1;
	k->clock_ms = T0;
	pthread_mutex_init(&k->mu, NULL);
	zc_wire_decoder_init(&k->dec);
	assert_int_equal(zc_random(k->nonce, sizeof k->nonce), 0);
	if (*terminal)
		add_records(k, records);
}

/* Register hk as the fake's host key. */
static void fake_set_host(fake *k, zc_privkey *hk)
{
	zc_pubkey_free(k->host);
	k->host = NULL;
	memset(k->host_fp, 0, ZC_HASH_LEN);
	if (!hk)
		return;
	assert_int_equal(zc_pubkey_from_priv(hk, &k->host), 0);
	assert_int_equal(zc_pubkey_fingerprint(k->host, k->host_fp), 0);
}

static int listed(const unsigned *v, unsigned n)
{
	for (int i = 0; i < MAX_DROP; i++)
		if (v[i] && v[i] == n)
			return 1;
	return 0;
}

static void fake_send(fake *k, uint8_t type, uint16_t req, const uint8_t *p, size_t len, int corrupt)
{
	int n = zc_wire_encode(type, req, p, len, k->tx, sizeof k->tx);
	assert_true(n > 0);
	if (corrupt)
		k->tx[n / 2] ^= 0x20;
	for (int off = 0; off < n;) {
		ssize_t w = write(k->fd, k->tx + off, (size_t)(n - off));
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN) {
			struct pollfd pf = {.fd = k->fd, .events = POLLOUT};
			poll(&pf, 1, 100);
			continue;
		}
		if (w <= 0)
			return;
		off += (int)w;
	}
}

static void fake_result(fake *k, uint16_t req, uint8_t code, const char *text)
{
	zc_wire_result_msg m = {.code = code};
	snprintf(m.text, sizeof m.text, "%s", text);
	memcpy(m.nonce, k->nonce, ZC_WIRE_NONCE_LEN);
	memcpy(m.req_hash, k->req_hash, ZC_HASH_LEN);
	if (k->forge_result) {
		m.code = ZC_WIRE_OK;
		assert_int_equal(zc_wire_result_sign(&m, g_other_key), 0);
	} else {
		assert_int_equal(zc_wire_result_sign(&m, k->key), 0);
	}
	int n = zc_wire_result_encode(&m, k->pl, sizeof k->pl);
	assert_true(n > 0);
	k->last_code = code;
	if (k->drop_result_once && code == ZC_WIRE_OK) {
		k->drop_result_once = 0;
		return;
	}
	fake_send(k, ZC_WIRE_RESULT, req, k->pl, (size_t)n, 0);
}

static void fake_hello(fake *k, const zc_wire_frame *f)
{
	uint16_t req = f->req_id;
	uint8_t host_nonce[ZC_WIRE_NONCE_LEN];
	zc_wire_hello h;
	memset(&h, 0, sizeof h);
	zc_wire_hello_req_decode(f->payload, f->len, host_nonce);
	k->hellos++;
	new_nonce(k);
	snprintf(h.terminal, sizeof h.terminal, "%s", k->terminal);
	if (*k->terminal)
		snprintf(h.township, sizeof h.township, "%s", k->township);
	snprintf(h.firmware, sizeof h.firmware, "fake 1.0");
	char pem[ZC_PEM_MAX];
	assert_int_equal(zc_privkey_public_pem(k->key, pem, sizeof pem), 0);
	int dl = zc_pem_to_der(pem, h.pubkey, sizeof h.pubkey);
	assert_true(dl > 0);
	h.pubkey_len = (uint16_t)dl;
	assert_int_equal(zc_privkey_fingerprint(k->key, h.key_fp), 0);
	memcpy(h.host_fp, k->host_fp, ZC_HASH_LEN);
	h.head_seq = k->head;
	if (k->head)
		memcpy(h.head_hash, k->rec[k->head].hash, ZC_HASH_LEN);
	h.first_seq = k->head ? k->first : 1;
	h.collected_seq = k->collected;
	h.utc_ms = k->clock_ms;
	memcpy(h.nonce, k->nonce, ZC_WIRE_NONCE_LEN);
	assert_int_equal(zc_wire_hello_sign(&h, host_nonce, k->key), 0);
	if (k->tamper_hello)
		h.utc_ms -= 3600000; /* an hour back, the signature kept */
	int n = zc_wire_hello_encode(&h, k->pl, sizeof k->pl);
	assert_true(n > 0);
	fake_send(k, ZC_WIRE_HELLO, req, k->pl, (size_t)n, 0);
}

static void fake_status(fake *k, uint16_t req)
{
	zc_wire_status s;
	memset(&s, 0, sizeof s);
	s.bytes_used = 1000 * k->head;
	s.capacity_bytes = 1u << 24;
	s.records = k->head;
	s.uncollected = k->head - k->collected;
	s.reader_ok = 1;
	s.taps = k->head;
	s.utc_ms = k->clock_ms;
	int n = zc_wire_status_encode(&s, k->pl, sizeof k->pl);
	assert_true(n > 0);
	fake_send(k, ZC_WIRE_STATUS, req, k->pl, (size_t)n, 0);
}

static void fake_command(fake *k, uint16_t req)
{
	if (zc_wire_command_decode(k->f.payload, k->f.len, &k->cmd)) {
		k->commands_refused++;
		fake_result(k, req, ZC_WIRE_E_MALFORMED, "does not parse");
		return;
	}
	if (k->cmd.kind < 8)
		k->cmd_kinds[k->cmd.kind]++;
	if (k->rotate_nonce_once) {
		k->rotate_nonce_once = 0;
		new_nonce(k);
	}
	int code = ZC_WIRE_OK;
	zc_pubkey *body_key = NULL;
	zc_wire_provision p;
	if (k->cmd.kind == ZC_CMD_PROVISION && !*k->terminal) {
		if (zc_wire_provision_decode(k->cmd.body, k->cmd.body_len, &p) ||
		    zc_pubkey_parse(p.host_pubkey, p.host_pubkey_len, &body_key))
			code = ZC_WIRE_E_MALFORMED;
		else
			code = check_sig(k, p.terminal, body_key);
	} else if (!k->host) {
		code = ZC_WIRE_E_UNPROVISIONED;
	} else {
		code = check_sig(k, k->terminal, k->host);
	}
	if (!code) {
		zc_rec r;
		int64_t t;
		uint64_t seq;
		uint8_t hash[ZC_HASH_LEN];
		switch (k->cmd.kind) {
		case ZC_CMD_SET_TIME:
			assert_int_equal(zc_wire_set_time_decode(k->cmd.body, k->cmd.body_len, &t), 0);
			zc_rec_init(&r, ZC_KIND_CLOCK_SET);
			r.u.clock.old_utc_ms = k->clock_ms;
			r.u.clock.new_utc_ms = t;
			memcpy(r.u.clock.by_fp, k->host_fp, ZC_HASH_LEN);
			k->clock_ms = t;
			sign_rec(k, ZC_KIND_CLOCK_SET, &r);
			break;
		case ZC_CMD_ACK_COLLECTED:
			assert_int_equal(zc_wire_ack_decode(k->cmd.body, k->cmd.body_len, &seq, hash), 0);
			if (!seq || seq > k->head || seq < k->collected) {
				code = ZC_WIRE_E_RANGE;
			} else if (memcmp(hash, k->rec[seq].hash, ZC_HASH_LEN)) {
				code = ZC_WIRE_E_HASH;
			} else if (seq > k->collected) {
				k->collected = seq;
				memcpy(k->collected_hash, hash, ZC_HASH_LEN);
				zc_rec_init(&r, ZC_KIND_COLLECTED);
				r.u.collected.up_to_seq = seq;
				memcpy(r.u.collected.up_to_hash, hash, ZC_HASH_LEN);
				memcpy(r.u.collected.host_fp, k->host_fp, ZC_HASH_LEN);
				sign_rec(k, ZC_KIND_COLLECTED, &r);
			}
			break;
		case ZC_CMD_PROVISION:
			if (!*k->terminal) {
				snprintf(k->terminal, sizeof k->terminal, "%s", p.terminal);
				snprintf(k->township, sizeof k->township, "%s", p.township);
				k->host = body_key;
				body_key = NULL;
				zc_pubkey_fingerprint(k->host, k->host_fp);
				add_records(k, 1);
			}
			break;
		case ZC_CMD_REVOCATIONS: break;
		default: code = ZC_WIRE_E_UNSUPPORTED; break;
		}
	}
	zc_pubkey_free(body_key);
	if (code) {
		k->commands_refused++;
	} else {
		k->commands_ok++;
		new_nonce(k);
	}
	fake_result(k, req, (uint8_t)code, code ? zc_wire_result_name((uint8_t)code) : "ok");
}

static void fake_handle(fake *k)
{
	const zc_wire_frame *f = &k->f;
	zc_wire_request_hash(f->type, f->req_id, f->payload, f->len, k->req_hash);
	if (f->type != ZC_WIRE_CREDIT)
		k->str_active = 0;
	switch (f->type) {
	case ZC_WIRE_HELLO_REQ: fake_hello(k, f); break;
	case ZC_WIRE_STATUS_REQ: fake_status(k, f->req_id); break;
	case ZC_WIRE_GET_RECORDS: {
		zc_wire_get g;
		if (zc_wire_get_decode(f->payload, f->len, &g)) {
			fake_result(k, f->req_id, ZC_WIRE_E_MALFORMED, "GET");
			break;
		}
		k->gets++;
		k->str_active = 1;
		k->str_req = f->req_id;
		k->str_next = g.from_seq;
		k->credit = g.credit;
		break;
	}
	case ZC_WIRE_CREDIT: {
		uint16_t n;
		if (zc_wire_credit_decode(f->payload, f->len, &n))
			break;
		k->credits_in += n; /* counted even when late (after END) */
		if (k->str_active)
			k->credit += n;
		break;
	}
	case ZC_WIRE_COMMAND: fake_command(k, f->req_id); break;
	default: fake_result(k, f->req_id, ZC_WIRE_E_UNSUPPORTED, "unsupported"); break;
	}
	if (k->credit > k->max_credit)
		k->max_credit = k->credit;
}

/* One step of the stream: a RECORDS frame, END, or nothing (no credit). */
static void fake_stream(fake *k)
{
	if (!k->str_active)
		return;
	if (k->str_next > k->head || k->str_next < k->first) {
		zc_wire_end e = {.head_seq = k->head, .first_seq = k->first};
		if (k->head)
			memcpy(e.head_hash, k->rec[k->head].hash, ZC_HASH_LEN);
		k->str_active = 0;
		if (k->drop_end_once) {
			k->drop_end_once = 0;
			return;
		}
		int n = zc_wire_end_encode(&e, k->pl, sizeof k->pl);
		assert_true(n > 0);
		fake_send(k, ZC_WIRE_END, k->str_req, k->pl, (size_t)n, 0);
		return;
	}
	if (!k->credit)
		return;
	size_t len = 0;
	int count = 0;
	zc_wire_records_begin(k->pl, k->str_next, &len);
	while (k->str_next <= k->head && count < k->per_frame) {
		if (k->str_next == k->damaged) {
			if (count)
				break;
			k->str_next++;
			zc_wire_records_begin(k->pl, k->str_next, &len);
			continue;
		}
		const enc *e = &k->rec[k->str_next];
		if (zc_wire_records_add(k->pl, sizeof k->pl, &len, e->b, e->len))
			break;
		count++;
		k->str_next++;
	}
	if (!count)
		return; /* END next time */
	k->credit--;
	k->frames++;
	if (listed(k->drop, k->frames))
		return;
	fake_send(k, ZC_WIRE_RECORDS, k->str_req, k->pl, len, listed(k->corrupt, k->frames));
}

static void *fake_main(void *arg)
{
	fake *k = arg;
	uint8_t buf[4096];
	while (!k->stop) {
		pthread_mutex_lock(&k->mu);
		int busy = k->str_active && (k->credit || k->str_next > k->head);
		int muted = k->mute_after && k->frames >= k->mute_after;
		if (k->hangup_after && k->frames >= k->hangup_after) {
			close(k->fd);
			k->fd = -1;
			pthread_mutex_unlock(&k->mu);
			break;
		}
		pthread_mutex_unlock(&k->mu);
		struct pollfd pf = {.fd = k->fd, .events = POLLIN};
		int r = poll(&pf, 1, busy && !muted ? 0 : 5);
		if (r < 0 && errno != EINTR)
			break;
		if (r > 0) {
			ssize_t n = read(k->fd, buf, sizeof buf);
			if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR && errno != EIO))
				break;
			if (n < 0 && errno == EIO) {
				usleep(2000); /* a pty whose slave is closed */
				continue;
			}
			if (muted || n < 0)
				continue;
			size_t off = 0, used;
			pthread_mutex_lock(&k->mu);
			while (off < (size_t)n) {
				if (zc_wire_decoder_feed(&k->dec, buf + off, (size_t)n - off, &used, &k->f) != 1)
					break;
				off += used;
				fake_handle(k);
			}
			pthread_mutex_unlock(&k->mu);
		}
		if (!muted) {
			pthread_mutex_lock(&k->mu);
			fake_stream(k);
			pthread_mutex_unlock(&k->mu);
		}
	}
	return NULL;
}

/* Start the fake on one end of a socketpair; the other end is the host's. */
static zc_hostlink *fake_start(fake *k)
{
	int sv[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	k->fd = sv[0];
	assert_int_equal(pthread_create(&k->th, NULL, fake_main, k), 0);
	k->started = 1;
	zc_hostlink *h = NULL;
	assert_int_equal(zc_hostlink_open_fd(sv[1], 1, &h), 0);
	zc_hostlink_set_timeout(h, 300, 4);
	return h;
}

static void fake_stop(fake *k)
{
	k->stop = 1;
	if (k->started)
		pthread_join(k->th, NULL);
	k->started = 0;
	if (k->fd >= 0)
		close(k->fd);
	zc_pubkey_free(k->host);
	pthread_mutex_destroy(&k->mu);
}

/* ---- a record sink for pulls ---- */

typedef struct got {
	unsigned n;
	uint64_t seq[MAX_REC + 1];
	unsigned times[MAX_REC + 1];
	const fake *k;
	uint64_t stop_at; /* return 99 at this seq (not delivered) */
	int bad_bytes;
} got;

static int on_rec(void *arg, uint64_t seq, const uint8_t *raw, size_t len)
{
	got *g = arg;
	if (g->stop_at && seq == g->stop_at)
		return 99;
	assert_true(seq <= MAX_REC);
	g->seq[g->n++] = seq;
	g->times[seq]++;
	if (g->k && (len != g->k->rec[seq].len || memcmp(raw, g->k->rec[seq].b, len)))
		g->bad_bytes++;
	return 0;
}

/* Every seq in [from, to] except `except` delivered exactly once, in order. */
static void check_once(const got *g, uint64_t from, uint64_t to, uint64_t except)
{
	uint64_t prev = 0;
	for (unsigned i = 0; i < g->n; i++) {
		assert_true(g->seq[i] > prev);
		prev = g->seq[i];
	}
	for (uint64_t s = from; s <= to; s++) {
		if (s == except)
			assert_int_equal(g->times[s], 0);
		else if (g->times[s] != 1) {
			print_error("seq %llu delivered %u times\n", (unsigned long long)s, g->times[s]);
			fail();
		}
	}
	assert_int_equal(g->bad_bytes, 0);
}

static zc_pull_progress pull_all(zc_hostlink *h, got *g, uint64_t from, uint16_t window, int expect_rc)
{
	zc_pull_progress p;
	zc_pull_opts o = {.from_seq = from, .window = window, .on_record = on_rec, .arg = g};
	int rc = zc_hostlink_pull(h, &o, &p);
	if (rc != expect_rc)
		print_error("pull: %d (%s), expected %d\n", rc, zc_hostlink_errmsg(h), expect_rc);
	assert_int_equal(rc, expect_rc);
	return p;
}

/* ---- tests: requests and pulls ---- */

static void test_hello_status(void **state)
{
	(void)state;
	fake k;
	fake_init(&k, "T1", 10, 64);
	fake_set_host(&k, g_host_key);
	zc_hostlink *h = fake_start(&k);
	zc_wire_hello he;
	int64_t local;
	assert_int_equal(zc_hostlink_hello(h, &he, &local), 0);
	assert_string_equal(he.terminal, "T1");
	assert_int_equal(he.head_seq, 10);
	assert_memory_equal(he.nonce, k.nonce, ZC_WIRE_NONCE_LEN);
	uint8_t fp[ZC_HASH_LEN];
	zc_privkey_fingerprint(g_term_key, fp);
	assert_memory_equal(he.key_fp, fp, ZC_HASH_LEN);
	zc_wire_status st;
	assert_int_equal(zc_hostlink_status(h, &st), 0);
	assert_int_equal(st.records, 10);
	assert_int_equal(st.reader_ok, 1);
	zc_hostlink_close(h);
	fake_stop(&k);
}

static void test_pull_with_credit(void **state)
{
	(void)state;
	static fake k;
	static got g;
	fake_init(&k, "T1", 400, 5);
	memset(&g, 0, sizeof g);
	g.k = &k;
	zc_hostlink *h = fake_start(&k);
	zc_pull_progress p = pull_all(h, &g, 1, 4, 0);
	check_once(&g, 1, 400, 0);
	assert_true(p.done);
	assert_int_equal(p.records, 400);
	assert_int_equal(p.frames, 80);
	assert_int_equal(p.next_seq, 401);
	assert_int_equal(p.head_seq, 400);
	assert_int_equal(p.rerequests, 0);
	/* A round trip: the fake has read every CREDIT sent before it. */
	zc_wire_hello he;
	assert_int_equal(zc_hostlink_hello(h, &he, NULL), 0);
	pthread_mutex_lock(&k.mu);
	/* One GET, a CREDIT(1) per frame received, never more than the
	 * window granted ahead. */
	assert_int_equal(k.gets, 1);
	assert_int_equal(k.frames, 80);
	assert_int_equal(k.credits_in, 80);
	assert_true(k.max_credit <= 4);
	pthread_mutex_unlock(&k.mu);
	/* From the middle, then an empty pull at the head. */
	memset(&g, 0, sizeof g);
	g.k = &k;
	p = pull_all(h, &g, 390, 8, 0);
	check_once(&g, 390, 400, 0);
	assert_int_equal(g.n, 11);
	memset(&g, 0, sizeof g);
	p = pull_all(h, &g, 401, 8, 0);
	assert_int_equal(g.n, 0);
	assert_true(p.done);
	zc_hostlink_close(h);
	fake_stop(&k);
}

static void test_pull_lost_and_garbled_frames(void **state)
{
	(void)state;
	static fake k;
	static got g;
	fake_init(&k, "T1", 300, 7);
	/* Lose frames 3 and 9, garble 5, 6 and 20, and the END once. */
	k.drop[0] = 3;
	k.drop[1] = 9;
	k.corrupt[0] = 5;
	k.corrupt[1] = 6;
	k.corrupt[2] = 20;
	k.drop_end_once = 1;
	memset(&g, 0, sizeof g);
	g.k = &k;
	zc_hostlink *h = fake_start(&k);
	zc_pull_progress p = pull_all(h, &g, 1, 8, 0);
	check_once(&g, 1, 300, 0);
	assert_true(p.done);
	assert_true(p.rerequests >= 2); /* how many depends on what was in flight */
	assert_int_equal(p.skipped, 0);
	zc_hostlink_stats st;
	zc_hostlink_get_stats(h, &st);
	assert_true(st.frames_dropped >= 3); /* the garbled ones, by CRC */
	assert_true(st.stale > 0);	     /* frames after a loss, seen and set aside */
	zc_hostlink_close(h);
	fake_stop(&k);
}

static void test_pull_skips_unreadable_record(void **state)
{
	(void)state;
	static fake k;
	static got g;
	/* The terminal cannot read seq 50: a gap, not an endless re-request. */
	fake_init(&k, "T1", 120, 6);
	k.damaged = 50;
	memset(&g, 0, sizeof g);
	g.k = &k;
	zc_hostlink *h = fake_start(&k);
	zc_pull_progress p = pull_all(h, &g, 1, 8, 0);
	check_once(&g, 1, 120, 50);
	assert_int_equal(p.skipped, 1);
	assert_true(p.done);
	/* ... and its head: the pull ends. */
	k.damaged = 120;
	memset(&g, 0, sizeof g);
	g.k = &k;
	p = pull_all(h, &g, 100, 8, 0);
	check_once(&g, 100, 119, 120);
	assert_int_equal(p.skipped, 1);
	assert_true(p.done);
	zc_hostlink_close(h);
	fake_stop(&k);
}

static void test_pull_garbled_tail_is_not_a_skip(void **state)
{
	(void)state;
	static fake k;
	static got g;
	/* One frame holds everything and is garbled twice, END intact: the
	 * probes see END alone, but after a garbled frame that proves
	 * nothing; the third try gets the records. */
	fake_init(&k, "T1", 30, 64);
	k.corrupt[0] = 1;
	k.corrupt[1] = 2;
	k.corrupt[2] = 3;
	memset(&g, 0, sizeof g);
	g.k = &k;
	zc_hostlink *h = fake_start(&k);
	zc_pull_progress p = pull_all(h, &g, 1, 8, 0);
	check_once(&g, 1, 30, 0);
	assert_int_equal(p.skipped, 0);
	assert_true(p.rerequests >= 3);
	zc_hostlink_close(h);
	fake_stop(&k);
}

static void test_pull_pruned(void **state)
{
	(void)state;
	static fake k;
	static got g;
	fake_init(&k, "T1", 60, 10);
	k.first = 41; /* 1..40 collected elsewhere and deleted */
	memset(&g, 0, sizeof g);
	g.k = &k;
	zc_hostlink *h = fake_start(&k);
	zc_pull_progress p = pull_all(h, &g, 5, 8, 0);
	check_once(&g, 41, 60, 0);
	assert_int_equal(g.n, 20);
	assert_int_equal(p.pruned_to, 40);
	zc_hostlink_close(h);
	fake_stop(&k);
}

static void test_pull_stopped_and_resumed(void **state)
{
	(void)state;
	static fake k;
	static got g;
	fake_init(&k, "T1", 200, 9);
	memset(&g, 0, sizeof g);
	g.k = &k;
	g.stop_at = 77;
	zc_hostlink *h = fake_start(&k);
	zc_pull_progress p = pull_all(h, &g, 1, 8, 99);
	assert_int_equal(p.next_seq, 77);
	assert_int_equal(g.n, 76);
	/* Frames of the abandoned stream are still on the line: the resumed
	 * pull sets them aside. */
	g.stop_at = 0;
	p = pull_all(h, &g, p.next_seq, 8, 0);
	check_once(&g, 1, 200, 0);
	zc_hostlink_close(h);
	fake_stop(&k);
}

static void test_pull_silence_times_out(void **state)
{
	(void)state;
	static fake k;
	static got g;
	fake_init(&k, "T1", 100, 10);
	k.mute_after = 4;
	memset(&g, 0, sizeof g);
	g.k = &k;
	zc_hostlink *h = fake_start(&k);
	zc_hostlink_set_timeout(h, 100, 2);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	zc_pull_progress p = pull_all(h, &g, 1, 2, ZC_EAGAIN);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	assert_true(s < 2.0);
	/* What arrived stays delivered, and says where to go on. */
	assert_int_equal(g.n, 40);
	assert_int_equal(p.next_seq, 41);
	assert_int_equal(p.rerequests, 2);
	assert_non_null(strstr(zc_hostlink_errmsg(h), "seq 41"));
	zc_hostlink_close(h);
	fake_stop(&k);
}

static void test_pull_hangup(void **state)
{
	(void)state;
	static fake k;
	static got g;
	fake_init(&k, "T1", 100, 10);
	k.hangup_after = 3;
	memset(&g, 0, sizeof g);
	g.k = &k;
	zc_hostlink *h = fake_start(&k);
	zc_pull_progress p = pull_all(h, &g, 1, 1, ZC_EIO);
	assert_true(g.n <= 30);
	assert_int_equal(p.next_seq, g.n + 1);
	zc_hostlink_close(h);
	fake_stop(&k);
}

static void test_rates_and_eta(void **state)
{
	(void)state;
	double bps, rps, eta;
	zc_pull_progress p = {.from_seq = 101,
			      .next_seq = 301,
			      .head_seq = 1100,
			      .records = 200,
			      .line_bytes = 46080,
			      .elapsed_ms = 4000};
	zc_pull_rates(&p, &bps, &rps, &eta);
	assert_true(bps > 11519.9 && bps < 11520.1); /* 115200 baud */
	assert_true(rps > 49.99 && rps < 50.01);
	assert_true(eta > 15.99 && eta < 16.01); /* 800 records left at 50/s */
	p.elapsed_ms = 50;			 /* too early to tell */
	zc_pull_rates(&p, NULL, NULL, &eta);
	assert_true(eta < 0);
	p.elapsed_ms = 4000;
	p.records = 0;
	zc_pull_rates(&p, &bps, &rps, &eta);
	assert_true(eta < 0 && rps == 0);
	p.next_seq = 1101; /* caught up */
	zc_pull_rates(&p, NULL, NULL, &eta);
	assert_true(eta == 0);
	zc_pull_progress z = {0};
	zc_pull_rates(&z, &bps, &rps, &eta);
	assert_true(bps == 0 && rps == 0 && eta < 0);
}

/* ---- tests: signed commands ---- */

static void test_commands_signed_over_nonce(void **state)
{
	(void)state;
	static fake k;
	fake_init(&k, "T1", 20, 64);
	fake_set_host(&k, g_host_key);
	zc_hostlink *h = fake_start(&k);
	zc_wire_hello he;
	zc_wire_result_msg res;
	assert_int_equal(zc_hostlink_hello(h, &he, NULL), 0);
	assert_int_equal(zc_hostlink_ack_collected(h, "T1", 20, k.rec[20].hash, g_host_key, &res), 0);
	assert_int_equal(res.code, ZC_WIRE_OK);
	assert_int_equal(k.collected, 20);
	assert_int_equal(k.head, 21); /* the COLLECTED record */
	/* The next command goes over the nonce the RESULT brought. */
	assert_int_equal(zc_hostlink_set_time(h, "T1", T0 + 3600000, g_host_key, &res), 0);
	assert_int_equal(res.code, ZC_WIRE_OK);
	assert_int_equal(k.head, 22);
	assert_int_equal(k.hellos, 1);
	assert_int_equal(k.commands_ok, 2);
	/* A wrong hash is refused, and says so. */
	uint8_t bad[ZC_HASH_LEN] = {1};
	assert_int_equal(zc_hostlink_ack_collected(h, "T1", 22, bad, g_host_key, &res), 0);
	assert_int_equal(res.code, ZC_WIRE_E_HASH);
	/* Another host's key: refused, nothing changes. */
	uint64_t head = k.head;
	assert_int_equal(zc_hostlink_set_time(h, "T1", T0, g_other_key, &res), 0);
	assert_int_equal(res.code, ZC_WIRE_E_SIGNATURE);
	assert_int_equal(k.head, head);
	/* The nonce moved behind the host's back (a HELLO from elsewhere):
	 * E_NONCE, a fresh HELLO, signed again over the new nonce: OK. */
	k.rotate_nonce_once = 1;
	unsigned hellos = k.hellos, sets = k.cmd_kinds[ZC_CMD_SET_TIME];
	assert_int_equal(zc_hostlink_set_time(h, "T1", T0 + 7200000, g_host_key, &res), 0);
	assert_int_equal(res.code, ZC_WIRE_OK);
	assert_int_equal(k.hellos, hellos + 1);
	assert_int_equal(k.cmd_kinds[ZC_CMD_SET_TIME], sets + 2);
	assert_int_equal(k.clock_ms, T0 + 7200000 + 1000);
	zc_hostlink_close(h);
	fake_stop(&k);
}

/* Issue 10, item 1: a relay lowers the clock in HELLO (the terminal's
 * signature kept): the host refuses the HELLO instead of believing it. */
static void test_hello_altered_refused(void **state)
{
	(void)state;
	static fake k;
	fake_init(&k, "T1", 5, 64);
	fake_set_host(&k, g_host_key);
	k.tamper_hello = 1;
	zc_hostlink *h = fake_start(&k);
	zc_wire_hello he;
	assert_int_equal(zc_hostlink_hello(h, &he, NULL), ZC_ESIG);
	assert_non_null(strstr(zc_hostlink_errmsg(h), "HELLO is not signed by its key"));
	/* nor will it sign a command over the nonce of that HELLO */
	zc_wire_result_msg res;
	assert_int_equal(zc_hostlink_set_time(h, "T1", T0, g_host_key, &res), ZC_ESIG);
	assert_int_equal(k.cmd_kinds[ZC_CMD_SET_TIME], 0);
	k.tamper_hello = 0;
	assert_int_equal(zc_hostlink_hello(h, &he, NULL), 0);
	assert_int_equal(he.utc_ms, k.clock_ms);
	zc_hostlink_close(h);
	fake_stop(&k);
}

/* Issue 10, item 1: a relay answers RESULT ok for the terminal (signed by
 * another key): the host refuses the answer and
 * reports the command's outcome as unknown. */
static void test_result_forged_refused(void **state)
{
	(void)state;
	static fake k;
	fake_init(&k, "T1", 5, 64);
	fake_set_host(&k, g_host_key);
	zc_hostlink *h = fake_start(&k);
	zc_wire_hello he;
	zc_wire_result_msg res;
	assert_int_equal(zc_hostlink_hello(h, &he, NULL), 0);
	k.forge_result = 1;
	assert_int_equal(zc_hostlink_set_time(h, "T1", T0 + 60000, g_host_key, &res), ZC_ESIG);
	assert_non_null(strstr(zc_hostlink_errmsg(h), "not signed by terminal T1"));
	/* the terminal's own answer is believed again */
	k.forge_result = 0;
	assert_int_equal(zc_hostlink_set_time(h, "T1", T0 + 60000, g_host_key, &res), 0);
	assert_int_equal(res.code, ZC_WIRE_OK);
	zc_hostlink_close(h);
	fake_stop(&k);
}

static void test_command_result_lost(void **state)
{
	(void)state;
	static fake k;
	fake_init(&k, "T1", 20, 64);
	fake_set_host(&k, g_host_key);
	zc_hostlink *h = fake_start(&k);
	zc_hostlink_set_timeout(h, 150, 3);
	zc_wire_result_msg res;
	/* ACK applied, RESULT lost: the HELLO shows the watermark moved, so
	 * it is not sent again. */
	k.drop_result_once = 1;
	assert_int_equal(zc_hostlink_ack_collected(h, "T1", 15, k.rec[15].hash, g_host_key, &res), 0);
	assert_int_equal(res.code, ZC_WIRE_OK);
	assert_string_equal(res.text, "accepted; result lost");
	assert_int_equal(k.cmd_kinds[ZC_CMD_ACK_COLLECTED], 1);
	assert_int_equal(k.collected, 15);
	/* The nonce the HELLO brought is good for the next command. */
	assert_int_equal(zc_hostlink_ack_collected(h, "T1", 20, k.rec[20].hash, g_host_key, &res), 0);
	assert_int_equal(res.code, ZC_WIRE_OK);
	assert_int_equal(k.cmd_kinds[ZC_CMD_ACK_COLLECTED], 2);
	zc_hostlink_close(h);
	fake_stop(&k);
}

static void test_provision(void **state)
{
	(void)state;
	static fake k;
	fake_init(&k, "", 0, 64);
	zc_hostlink *h = fake_start(&k);
	zc_wire_hello he;
	assert_int_equal(zc_hostlink_hello(h, &he, NULL), 0);
	assert_string_equal(he.terminal, "");
	char pem[ZC_PEM_MAX];
	uint8_t der[256];
	assert_int_equal(zc_privkey_public_pem(g_host_key, pem, sizeof pem), 0);
	int dl = zc_pem_to_der(pem, der, sizeof der);
	assert_true(dl > 0);
	static const uint8_t ca[] = {0x30, 0x03, 0x02, 0x01, 0x01};
	zc_wire_provision p = {
	    .host_pubkey = der, .host_pubkey_len = (uint16_t)dl, .ca_cert = ca, .ca_cert_len = sizeof ca};
	snprintf(p.terminal, sizeof p.terminal, "K07");
	snprintf(p.township, sizeof p.township, "T01");
	zc_wire_result_msg res;
	assert_int_equal(zc_hostlink_provision(h, &p, g_host_key, &res), 0);
	assert_int_equal(res.code, ZC_WIRE_OK);
	assert_int_equal(zc_hostlink_hello(h, &he, NULL), 0);
	assert_string_equal(he.terminal, "K07");
	uint8_t fp[ZC_HASH_LEN];
	zc_privkey_fingerprint(g_host_key, fp);
	assert_memory_equal(he.host_fp, fp, ZC_HASH_LEN);
	zc_hostlink_close(h);
	fake_stop(&k);
}

/* ---- tests: collection into a store ---- */

typedef struct sfx {
	char *dir;
	char path[4200];
	zc_store *s;
} sfx;

static void store_open(sfx *f, const char *tag)
{
	f->dir = tu_tmpdir(tag);
	assert_non_null(f->dir);
	snprintf(f->path, sizeof f->path, "%s/host.db", f->dir);
	char msg[256];
	assert_int_equal(zc_store_open(f->path, &f->s, msg, sizeof msg), 0);
}

static void store_close(sfx *f)
{
	zc_store_close(f->s);
	tu_rmtree(f->dir);
	free(f->dir);
}

static void register_term(zc_store *s, const char *id, zc_privkey *k)
{
	char pem[ZC_PEM_MAX];
	assert_int_equal(zc_privkey_public_pem(k, pem, sizeof pem), 0);
	assert_int_equal(zc_store_terminal_add(s, id, pem), 0);
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void test_collect_pull_ack_settime(void **state)
{
	(void)state;
	static fake k;
	sfx f;
	store_open(&f, "collect");
	fake_init(&k, "T1", 250, 8);
	fake_set_host(&k, g_host_key);
	register_term(f.s, "T1", g_term_key);
	zc_hostlink *h = fake_start(&k);
	zc_collect_opts o = {.source = "fake", .batch = 40, .host_key = g_host_key};
	zc_collect_result r;
	char msg[256];
	/* The fake's clock is in 2025 (T0): far off the host's. */
	assert_int_equal(zc_collect(f.s, h, &o, &r, msg, sizeof msg), 0);
	assert_int_equal(r.error, ZC_COLLECT_OK);
	assert_int_equal(r.from_seq, 1);
	assert_int_equal(r.pull.records, 250);
	assert_int_equal(r.ack.state, ZC_COLLECT_CMD_OK);
	assert_int_equal(r.acked_to, 250);
	assert_int_equal(r.set_time.state, ZC_COLLECT_CMD_OK);
	assert_true(r.clock_offset_ms < -60000);
	assert_int_equal(k.collected, 250);
	assert_true(llabs(k.clock_ms - now_ms()) < 60000 + 5000);
	/* The COLLECTED and CLOCK_SET records came along in the closing pull. */
	assert_int_equal(r.tail_records, 2);
	assert_int_equal(k.head, 252);
	assert_int_equal(zc_store_record_count(f.s, "T1"), 252);
	assert_int_equal(r.verified_head, 252);
	assert_int_equal(r.ingest.stored, 252);
	assert_int_equal(r.ingest.findings, 0);

	/* Again: the CLOCK_SET record is worth an ACK (whose COLLECTED record
	 * comes along); the clock is right now. */
	assert_int_equal(zc_collect(f.s, h, &o, &r, msg, sizeof msg), 0);
	assert_int_equal(r.ack.state, ZC_COLLECT_CMD_OK);
	assert_int_equal(r.set_time.state, ZC_COLLECT_CMD_NOT_NEEDED);
	assert_int_equal(zc_store_record_count(f.s, "T1"), (int64_t)k.head);
	/* A third time only a COLLECTED record is new: no ACK of an ACK. */
	unsigned cmds = k.commands_ok;
	assert_int_equal(zc_collect(f.s, h, &o, &r, msg, sizeof msg), 0);
	assert_int_equal(r.ack.state, ZC_COLLECT_CMD_NOT_NEEDED);
	assert_int_equal(k.commands_ok, cmds);
	assert_int_equal(r.pull.records, 0);
	assert_int_equal(zc_store_record_count(f.s, "T1"), (int64_t)k.head);

	/* New taps through a lossy line: all stored once, no findings. */
	pthread_mutex_lock(&k.mu);
	add_records(&k, 90);
	unsigned base = k.frames;
	k.drop[0] = base + 2;
	k.corrupt[0] = base + 5;
	pthread_mutex_unlock(&k.mu);
	assert_int_equal(zc_collect(f.s, h, &o, &r, msg, sizeof msg), 0);
	assert_int_equal(r.ingest.findings, 0);
	assert_int_equal(zc_store_record_count(f.s, "T1"), (int64_t)k.head);
	assert_int_equal(k.collected, k.head - 1);
	zc_hostlink_close(h);
	fake_stop(&k);
	store_close(&f);
}

static volatile sig_atomic_t g_stop;

static void stop_after_frames(void *arg, const zc_pull_progress *p)
{
	unsigned *n = arg;
	if (p->frames >= *n)
		g_stop = 1;
}

static void *stop_later(void *arg)
{
	(void)arg;
	usleep(400000);
	g_stop = 1;
	return NULL;
}

static void test_collect_interrupted_then_complete(void **state)
{
	(void)state;
	static fake k;
	sfx f;
	store_open(&f, "collect-int");
	fake_init(&k, "T1", 300, 6);
	fake_set_host(&k, g_host_key);
	register_term(f.s, "T1", g_term_key);
	zc_hostlink *h = fake_start(&k);
	unsigned frames = 11;
	g_stop = 0;
	zc_collect_opts o = {.batch = 25,
			     .host_key = g_host_key,
			     .progress = stop_after_frames,
			     .arg = &frames,
			     .stop = &g_stop,
			     .time_tolerance_ms = -1};
	zc_collect_result r;
	char msg[256];
	assert_int_equal(zc_collect(f.s, h, &o, &r, msg, sizeof msg), ZC_EAGAIN);
	assert_int_equal(r.error, ZC_COLLECT_STOPPED);
	/* What arrived is stored (the open batch committed), nothing acked. */
	int64_t stored = zc_store_record_count(f.s, "T1");
	assert_true(stored >= 66 && stored < 300);
	assert_int_equal(k.collected, 0);
	/* Stopped by a dead line instead. */
	g_stop = 0;
	frames = 1000;
	pthread_mutex_lock(&k.mu);
	k.mute_after = k.frames + 10;
	pthread_mutex_unlock(&k.mu);
	zc_hostlink_set_timeout(h, 100, 1);
	assert_int_equal(zc_collect(f.s, h, &o, &r, msg, sizeof msg), ZC_EAGAIN);
	assert_int_equal(r.error, ZC_COLLECT_LINK);
	assert_true(zc_store_record_count(f.s, "T1") > stored);
	/* A dead line and Ctrl-C: the wait ends at once, not after the
	 * timeout. */
	pthread_mutex_lock(&k.mu);
	k.mute_after = k.frames + 2;
	pthread_mutex_unlock(&k.mu);
	zc_hostlink_set_timeout(h, 20000, 4);
	g_stop = 0;
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, stop_later, NULL), 0);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(zc_collect(f.s, h, &o, &r, msg, sizeof msg), ZC_EAGAIN);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	pthread_join(th, NULL);
	assert_int_equal(r.error, ZC_COLLECT_STOPPED);
	assert_true(t1.tv_sec - t0.tv_sec < 5);
	g_stop = 0;
	/* The line comes back: the rerun completes, every record once. */
	pthread_mutex_lock(&k.mu);
	k.mute_after = 0;
	pthread_mutex_unlock(&k.mu);
	zc_hostlink_set_timeout(h, 300, 4);
	assert_int_equal(zc_collect(f.s, h, &o, &r, msg, sizeof msg), 0);
	assert_int_equal(r.ingest.duplicates, 0);
	assert_int_equal(r.ingest.findings, 0);
	assert_int_equal(zc_store_record_count(f.s, "T1"), (int64_t)k.head);
	assert_int_equal(k.collected, 300);
	zc_hostlink_close(h);
	fake_stop(&k);
	store_close(&f);
}

static void test_collect_refusals(void **state)
{
	(void)state;
	static fake k;
	sfx f;
	store_open(&f, "collect-ref");
	fake_init(&k, "T1", 30, 64);
	fake_set_host(&k, g_other_key); /* provisioned by another host */
	zc_hostlink *h = fake_start(&k);
	zc_collect_opts o = {.host_key = g_host_key};
	zc_collect_result r;
	char msg[256];
	/* Unknown terminal. */
	assert_int_equal(zc_collect(f.s, h, &o, &r, msg, sizeof msg), ZC_ENOENT);
	assert_int_equal(r.error, ZC_COLLECT_UNKNOWN);
	assert_int_equal(zc_store_record_count(f.s, NULL), 0);
	/* Registered with another key. */
	register_term(f.s, "T1", g_other_key);
	assert_int_equal(zc_collect(f.s, h, &o, &r, msg, sizeof msg), ZC_EEXIST);
	assert_int_equal(r.error, ZC_COLLECT_KEY_MISMATCH);
	store_close(&f);
	/* Trust on first use: registered, pulled; ACK skipped (another host's
	 * terminal), nothing sent. */
	store_open(&f, "collect-tofu");
	o.register_unknown = 1;
	assert_int_equal(zc_collect(f.s, h, &o, &r, msg, sizeof msg), 0);
	assert_true(r.registered);
	assert_int_equal(zc_store_record_count(f.s, "T1"), 30);
	assert_int_equal(r.ack.state, ZC_COLLECT_CMD_OTHER_HOST);
	assert_int_equal(r.set_time.state, ZC_COLLECT_CMD_OTHER_HOST);
	assert_int_equal(k.commands_ok + k.commands_refused, 0);
	/* No host key at all: the same, said differently. */
	o.host_key = NULL;
	pthread_mutex_lock(&k.mu);
	add_records(&k, 3);
	pthread_mutex_unlock(&k.mu);
	assert_int_equal(zc_collect(f.s, h, &o, &r, msg, sizeof msg), 0);
	assert_int_equal(r.ack.state, ZC_COLLECT_CMD_NO_KEY);
	assert_int_equal(zc_store_record_count(f.s, "T1"), 33);
	zc_hostlink_close(h);
	fake_stop(&k);
	store_close(&f);
	/* Unprovisioned. */
	fake_init(&k, "", 0, 64);
	h = fake_start(&k);
	store_open(&f, "collect-unprov");
	assert_int_equal(zc_collect(f.s, h, &o, &r, msg, sizeof msg), ZC_ESTATE);
	assert_int_equal(r.error, ZC_COLLECT_UNPROVISIONED);
	zc_hostlink_close(h);
	fake_stop(&k);
	store_close(&f);
}

static void test_collect_after_pruning(void **state)
{
	(void)state;
	static fake k;
	sfx f;
	store_open(&f, "collect-pruned");
	fake_init(&k, "T1", 40, 16);
	k.first = 11; /* 1..10 went to another host, then were deleted */
	fake_set_host(&k, g_host_key);
	register_term(f.s, "T1", g_term_key);
	zc_hostlink *h = fake_start(&k);
	zc_collect_opts o = {.host_key = g_host_key, .time_tolerance_ms = -1};
	zc_collect_result r;
	char msg[256];
	assert_int_equal(zc_collect(f.s, h, &o, &r, msg, sizeof msg), 0);
	assert_int_equal(r.pruned_from, 1);
	assert_int_equal(r.pruned_to, 10);
	assert_int_equal(r.from_seq, 11);
	assert_int_equal(zc_store_record_count(f.s, "T1"), 30);
	/* The store sees the gap (until the other host's bundle comes), and
	 * acknowledges nothing above it. */
	assert_int_equal(r.ingest.by_kind[ZC_FIND_GAP], 1);
	assert_int_equal(r.verified_head, 0);
	assert_int_equal(r.ack.state, ZC_COLLECT_CMD_NOT_NEEDED);
	zc_hostlink_close(h);
	fake_stop(&k);
	store_close(&f);
}

static int count_kind_fn(void *arg, const zc_finding *fi)
{
	int64_t *c = arg;
	c[0] += fi->kind == (int)c[1];
	return 0;
}

static int64_t count_kind(zc_store *s, const char *terminal, int kind)
{
	int64_t c[2] = {0, kind};
	assert_int_equal(zc_store_findings(s, terminal, count_kind_fn, c), 0);
	return c[0];
}

/* A board that comes back with its key but neither its journal nor its
 * sequence mark: its head is below what the store verified. The pull
 * records terminal_reset once and stores nothing of it. */
static void test_collect_terminal_reset(void **state)
{
	(void)state;
	static fake k;
	sfx f;
	store_open(&f, "collect-reset");
	fake_init(&k, "T1", 20, 16);
	fake_set_host(&k, g_host_key);
	register_term(f.s, "T1", g_term_key);
	zc_hostlink *h = fake_start(&k);
	zc_collect_opts o = {.host_key = g_host_key, .time_tolerance_ms = -1};
	zc_collect_result r;
	char msg[512];
	assert_int_equal(zc_collect(f.s, h, &o, &r, msg, sizeof msg), 0);
	uint64_t vh = r.verified_head;
	assert_true(vh >= 20);
	int64_t stored = zc_store_record_count(f.s, "T1");
	zc_hostlink_close(h);
	fake_stop(&k);

	fake_init(&k, "T1", 5, 16);
	fake_set_host(&k, g_host_key);
	h = fake_start(&k);
	assert_int_equal(zc_collect(f.s, h, &o, &r, msg, sizeof msg), ZC_ESTATE);
	assert_int_equal(r.error, ZC_COLLECT_RESET);
	assert_int_equal(r.verified_head, vh);
	assert_non_null(strstr(msg, "terminal_reset"));
	assert_int_equal(zc_store_record_count(f.s, "T1"), stored);
	assert_int_equal(count_kind(f.s, "T1", ZC_FIND_TERMINAL_RESET), 1);
	assert_int_equal(count_kind(f.s, "T1", ZC_FIND_FORK), 0);
	/* it goes on tapping; the next pull says so again, one finding */
	pthread_mutex_lock(&k.mu);
	add_records(&k, 3);
	pthread_mutex_unlock(&k.mu);
	assert_int_equal(zc_collect(f.s, h, &o, &r, msg, sizeof msg), ZC_ESTATE);
	assert_int_equal(r.error, ZC_COLLECT_RESET);
	assert_int_equal(count_kind(f.s, "T1", ZC_FIND_TERMINAL_RESET), 1);
	assert_int_equal(zc_store_record_count(f.s, "T1"), stored);
	zc_hostlink_close(h);
	fake_stop(&k);

	/* as many records as verified, but other ones: replaced too */
	fake_init(&k, "T1", 1, 16);
	fake_set_host(&k, g_host_key);
	k.clock_ms = T0 + 777;
	add_records(&k, (unsigned)vh - 1);
	assert_int_equal(k.head, vh);
	h = fake_start(&k);
	assert_int_equal(zc_collect(f.s, h, &o, &r, msg, sizeof msg), ZC_ESTATE);
	assert_int_equal(r.error, ZC_COLLECT_RESET);
	assert_int_equal(count_kind(f.s, "T1", ZC_FIND_TERMINAL_RESET), 2);
	zc_hostlink_close(h);
	fake_stop(&k);

	store_close(&f);
}

/* ---- tests: bundles ---- */

static int64_t q_int(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int64_t v = -1;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void ingest_fake(zc_store *s, const fake *k, uint64_t from, uint64_t to, uint64_t findings)
{
	zc_ingest *in = NULL;
	zc_ingest_stats st;
	assert_int_equal(zc_ingest_begin(s, k->terminal, NULL, &in), 0);
	for (uint64_t i = from; i <= to; i++)
		assert_int_equal(zc_ingest_record(in, k->rec[i].b, k->rec[i].len, "test"), 0);
	assert_int_equal(zc_ingest_commit(in, &st), 0);
	assert_int_equal(st.findings, findings);
}

/* Trust hk's bundles in s (FORMAT.md 5: only trusted hosts' bundles). */
static void trust_host(zc_store *s, zc_privkey *hk)
{
	uint8_t fp[ZC_HASH_LEN];
	char err[256];
	assert_int_equal(zc_privkey_fingerprint(hk, fp), 0);
	assert_int_equal(zc_registry_trust_add(s, fp, NULL, "clerk laptop", "test", NULL, ZC_LANG_EN, err, sizeof err),
			 0);
}

/* The registry of the store at path vouches for terminal tid's key k. */
static void vouch_terminal(const char *path, const char *tid, zc_privkey *k)
{
	uint8_t fp[ZC_HASH_LEN];
	char hx[65], sql[512];
	sqlite3 *db = NULL;
	assert_int_equal(zc_privkey_fingerprint(k, fp), 0);
	snprintf(sql, sizeof sql,
		 "INSERT INTO districts VALUES ('D1', 'd'); INSERT INTO townships VALUES ('TS1', 't', 'D1');"
		 "INSERT INTO registry_terminals VALUES ('%s', 'TS1', '%s')",
		 tid, zc_hex(fp, ZC_HASH_LEN, hx));
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static void test_bundle_round_trip(void **state)
{
	(void)state;
	static fake k;
	sfx a, b;
	char msg[256];
	fake_init(&k, "K01", 120, 64);
	store_open(&a, "bundle-a");
	store_open(&b, "bundle-b");
	register_term(a.s, "K01", g_term_key);
	ingest_fake(a.s, &k, 1, 120, 0);
	/* the clerk's collections travel with the records (RULES.md 1) */
	int added = 0;
	assert_int_equal(zc_store_collection_add(a.s, "K01", 1751277600000LL, 60, "link", "/dev/ttyUSB0", &added), 0);
	assert_true(added);
	assert_int_equal(zc_store_collection_add(a.s, "K01", 1751277600000LL, 60, "link", "/dev/ttyUSB0", &added), 0);
	assert_false(added);
	assert_int_equal(zc_store_collection_add(a.s, "K01", 1764324000000LL, 120, "link", NULL, NULL), 0);
	assert_int_equal(zc_store_collection_add(a.s, "K01", 1764900000000LL, 200, "link", NULL, NULL), 0);
	assert_int_equal(zc_store_collection_add(a.s, "NOPE", 1764900000000LL, 1, "link", NULL, NULL), ZC_ENOENT);
	assert_int_equal(zc_store_collection_add(a.s, "K01", 0, 1, "link", NULL, NULL), ZC_EARG);
	assert_int_equal(zc_store_collection_add(a.s, "K01", 1, 1, "carried", NULL, NULL), ZC_EARG);

	/* Export all, and from seq 100. */
	uint8_t *buf = NULL, *part = NULL;
	size_t len = 0, plen = 0;
	zc_bundle_info bi;
	assert_int_equal(zc_bundle_export(a.s, "K01", 1, g_host_key, &buf, &len, &bi), 0);
	assert_int_equal(bi.count, 120);
	assert_int_equal(bi.first_seq, 1);
	assert_int_equal(bi.last_seq, 120);
	assert_memory_equal(buf, "ZCB2", 4);
	assert_int_equal(bi.ncollections, 3);
	assert_int_equal(bi.collected_until_ms, 1764900000000LL);
	assert_int_equal(zc_bundle_export(a.s, "K01", 100, g_host_key, &part, &plen, &bi), 0);
	assert_int_equal(bi.count, 21);
	uint8_t *none = NULL;
	size_t nlen = 0;
	assert_int_equal(zc_bundle_export(a.s, "NOPE", 1, g_host_key, &none, &nlen, NULL), ZC_ENOENT);
	assert_null(none);

	/* Parse: the signer is the host, the records are the raw ones. */
	zc_bundle bd;
	assert_int_equal(zc_bundle_parse(buf, len, &bd, msg, sizeof msg), 0);
	uint8_t fp[ZC_HASH_LEN];
	zc_privkey_fingerprint(g_host_key, fp);
	assert_memory_equal(bd.info.host_fp, fp, ZC_HASH_LEN);
	zc_privkey_fingerprint(g_term_key, fp);
	assert_memory_equal(bd.info.terminal_fp, fp, ZC_HASH_LEN);
	assert_string_equal(bd.info.terminal, "K01");

	/* Import into another store: registered, every record verified and
	 * stored; again: all duplicates. */
	zc_ingest_stats st;
	int reg = 0;
	zc_bundle_import_opts io = {.source = "k01.zcb", .batch = 50};
	trust_host(b.s, g_host_key);
	vouch_terminal(b.path, "K01", g_term_key);
	assert_int_equal(zc_bundle_import(b.s, part, plen, &io, &bi, &st, &reg, msg, sizeof msg), 0);
	assert_true(reg);
	assert_int_equal(st.stored, 21);
	/* above a gap: no collection vouches for what is not here */
	int64_t cu = 0;
	assert_int_equal(zc_store_collected_until(b.s, "K01", &cu), ZC_ENOENT);
	/* Seq 100..120 above nothing: a gap finding, as for any ingest. */
	assert_int_equal(st.findings, 1);
	assert_int_equal(zc_bundle_import(b.s, buf, len, &io, &bi, &st, &reg, msg, sizeof msg), 0);
	assert_false(reg);
	assert_int_equal(st.seen, 120);
	assert_int_equal(st.stored, 99);
	assert_int_equal(st.duplicates, 21);
	assert_int_equal(st.findings, 0);
	uint64_t head;
	assert_int_equal(zc_store_terminal_head(b.s, "K01", &head, NULL), 0);
	assert_int_equal(head, 120);
	assert_int_equal(q_int(b.path, "SELECT count(*) FROM records WHERE sig_ok = 1 AND link_ok = 1"), 120);
	/* the collections up to the verified head arrive; the one at seq 200 does not */
	assert_int_equal(zc_store_collected_until(b.s, "K01", &cu), 0);
	assert_int_equal(cu, 1764324000000LL);
	assert_int_equal(q_int(b.path, "SELECT count(*) FROM collections WHERE via = 'bundle'"), 2);

	/* The expected exporter, and another. */
	io.expect_host_fp = bd.info.host_fp;
	assert_int_equal(zc_bundle_import(b.s, buf, len, &io, NULL, NULL, NULL, msg, sizeof msg), 0);
	uint8_t ofp[ZC_HASH_LEN];
	zc_privkey_fingerprint(g_other_key, ofp);
	io.expect_host_fp = ofp;
	assert_int_equal(zc_bundle_import(b.s, buf, len, &io, NULL, NULL, NULL, msg, sizeof msg), ZC_ESTATE);
	io.expect_host_fp = NULL;

	/* Any changed byte breaks the signature: refused, nothing stored. */
	sfx c;
	store_open(&c, "bundle-c");
	trust_host(c.s, g_host_key);
	vouch_terminal(c.path, "K01", g_term_key);
	for (size_t at = 0; at < len; at += 37) {
		buf[at] ^= 0x01;
		int rc = zc_bundle_import(c.s, buf, len, &io, NULL, &st, NULL, msg, sizeof msg);
		if (rc != ZC_ESIG && rc != ZC_EMALFORMED && rc != ZC_ETRUNC) {
			print_error("byte %zu changed: %d (%s)\n", at, rc, msg);
			fail();
		}
		buf[at] ^= 0x01;
	}
	assert_int_equal(zc_store_record_count(c.s, NULL), 0);
	assert_int_equal(q_int(c.path, "SELECT count(*) FROM terminals"), 0);
	/* A record changed inside, the bundle re-signed by a host: the
	 * bundle verifies, the record does not: the whole bundle is refused
	 * as tampered (FORMAT.md 5), nothing stored. */
	size_t rec_at = 4 + 1 + 3 + 2 + bd.terminal_key_len + 8 + 8 + 8 + 4; /* first record's length */
	uint16_t rl = zc_get_u16(buf + rec_at);
	uint8_t *t = malloc(len + ZC_SIG_MAX); /* the new signature may be longer */
	memcpy(t, buf, len);
	t[rec_at + 2 + rl - 20] ^= 0x40; /* inside the first record's signature */
	size_t signed_len = (size_t)(bd.host_key + bd.host_key_len - buf);
	uint8_t digest[ZC_HASH_LEN], sig[ZC_SIG_MAX];
	size_t sl;
	zc_sha256(t, signed_len, digest);
	assert_int_equal(zc_privkey_sign(g_host_key, digest, sig, &sl), 0);
	t[signed_len] = (uint8_t)sl;
	memcpy(t + signed_len + 1, sig, sl);
	size_t tlen = signed_len + 1 + sl;
	assert_int_equal(zc_bundle_import(c.s, t, tlen, &io, &bi, &st, NULL, msg, sizeof msg), ZC_ESIG);
	assert_int_equal(bi.refused, ZC_BUNDLE_TAMPERED);
	assert_int_equal(zc_store_record_count(c.s, NULL), 0);
	free(t);
	/* Truncated. */
	assert_int_equal(zc_bundle_import(c.s, buf, len - 10, &io, NULL, NULL, NULL, msg, sizeof msg), ZC_ETRUNC);
	store_close(&c);

	/* A store that knows K01 under another key refuses the bundle. */
	sfx d;
	store_open(&d, "bundle-d");
	register_term(d.s, "K01", g_other_key);
	trust_host(d.s, g_host_key);
	assert_int_equal(zc_bundle_import(d.s, buf, len, &io, NULL, &st, NULL, msg, sizeof msg), ZC_EEXIST);
	assert_int_equal(zc_store_record_count(d.s, NULL), 0);
	store_close(&d);

	free(buf);
	free(part);
	store_close(&a);
	store_close(&b);
	fake_stop(&k);
}

static void test_store_records_range(void **state)
{
	(void)state;
	static fake k;
	static got g;
	sfx a;
	fake_init(&k, "K02", 30, 64);
	store_open(&a, "records");
	register_term(a.s, "K02", g_term_key);
	ingest_fake(a.s, &k, 1, 10, 0);
	ingest_fake(a.s, &k, 15, 30, 1); /* a gap 11..14 */
	memset(&g, 0, sizeof g);
	g.k = &k;
	assert_int_equal(zc_store_records(a.s, "K02", 5, 20, on_rec, &g), 0);
	assert_int_equal(g.n, 12); /* 5..10, 15..20 */
	assert_int_equal(g.seq[0], 5);
	assert_int_equal(g.seq[11], 20);
	assert_int_equal(g.bad_bytes, 0);
	g.stop_at = 8;
	assert_int_equal(zc_store_records(a.s, "K02", 1, 0, on_rec, &g), 99);
	assert_int_equal(zc_store_records(a.s, "NOPE", 1, 0, on_rec, &g), ZC_ENOENT);
	store_close(&a);
	fake_stop(&k);
}

static void test_hostkey_paths(void **state)
{
	(void)state;
	char p[256], pub[256];
	unsetenv("ZHUCUN_HOST_KEY");
	assert_int_equal(zc_hostkey_path("/var/lib/zhucun/host.db", p, sizeof p), 0);
	assert_string_equal(p, "/var/lib/zhucun/zhucun-host.key");
	assert_int_equal(zc_hostkey_path("host.db", p, sizeof p), 0);
	assert_string_equal(p, "zhucun-host.key");
	assert_int_equal(zc_hostkey_pub_path("/a/zhucun-host.key", pub, sizeof pub), 0);
	assert_string_equal(pub, "/a/zhucun-host.pub.pem");
	assert_int_equal(zc_hostkey_pub_path("/a/k.pem", pub, sizeof pub), 0);
	assert_string_equal(pub, "/a/k.pem.pub.pem");
	setenv("ZHUCUN_HOST_KEY", "/etc/zhucun/key", 1);
	assert_int_equal(zc_hostkey_path("/x/host.db", p, sizeof p), 0);
	assert_string_equal(p, "/etc/zhucun/key");
	unsetenv("ZHUCUN_HOST_KEY");

	char *dir = tu_tmpdir("hostkey");
	snprintf(p, sizeof p, "%s/zhucun-host.key", dir);
	zc_privkey *k = NULL, *k2 = NULL;
	int created = 0;
	assert_int_equal(zc_hostkey_load(p, 0, &k, &created), ZC_ENOENT);
	assert_int_equal(zc_hostkey_load(p, 1, &k, &created), 0);
	assert_true(created);
	struct stat st;
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	snprintf(pub, sizeof pub, "%s/zhucun-host.pub.pem", dir);
	assert_int_equal(stat(pub, &st), 0);
	/* Loaded again, never replaced. */
	assert_int_equal(zc_hostkey_load(p, 1, &k2, &created), 0);
	assert_false(created);
	uint8_t a[ZC_HASH_LEN], b[ZC_HASH_LEN];
	zc_privkey_fingerprint(k, a);
	zc_privkey_fingerprint(k2, b);
	assert_memory_equal(a, b, ZC_HASH_LEN);
	zc_privkey_free(k);
	zc_privkey_free(k2);
	tu_rmtree(dir);
	free(dir);
}

/* ---- the real libserialport on a pty (with the sp_pty_shim preloaded) ---- */

static void test_serial_pty(void **state)
{
	(void)state;
	if (!getenv("ZC_TEST_SERIAL_PTY")) {
		print_message("skipped: run with ZC_TEST_SERIAL_PTY=1 and the sp_pty_shim preloaded "
			      "(ctest unit.test_hostlink_serial)\n");
		skip();
	}
	static fake k;
	static got g;
	fake_init(&k, "T1", 500, 20);
	fake_set_host(&k, g_host_key);
	int m = posix_openpt(O_RDWR | O_NOCTTY);
	char slave[64];
	assert_true(m >= 0);
	assert_int_equal(grantpt(m), 0);
	assert_int_equal(unlockpt(m), 0);
	assert_int_equal(ptsname_r(m, slave, sizeof slave), 0);
	/* The master in raw mode too, like a relay or socat. */
	int keep = open(slave, O_RDWR | O_NOCTTY); /* hold the slave: no hangup before the host opens it */
	k.fd = m;
	assert_int_equal(pthread_create(&k.th, NULL, fake_main, &k), 0);
	k.started = 1;
	zc_hostlink *h = NULL;
	char msg[256];
	int rc = zc_hostlink_open_serial(slave, &h, msg, sizeof msg);
	if (rc)
		print_error("open_serial(%s): %d %s\n", slave, rc, msg);
	assert_int_equal(rc, 0);
	close(keep);
	zc_wire_hello he;
	assert_int_equal(zc_hostlink_hello(h, &he, NULL), 0);
	assert_string_equal(he.terminal, "T1");
	memset(&g, 0, sizeof g);
	g.k = &k;
	zc_pull_progress p = pull_all(h, &g, 1, 8, 0);
	check_once(&g, 1, 500, 0);
	zc_wire_result_msg res;
	assert_int_equal(zc_hostlink_ack_collected(h, "T1", 500, k.rec[500].hash, g_host_key, &res), 0);
	assert_int_equal(res.code, ZC_WIRE_OK);
	print_message("libserialport over a pty: %llu records, %llu bytes in %lld ms\n", (unsigned long long)p.records,
		      (unsigned long long)p.line_bytes, (long long)p.elapsed_ms);
	zc_hostlink_close(h);
	fake_stop(&k);
	/* A path that is not a port. */
	assert_int_equal(zc_hostlink_open_serial("/dev/zc-no-such-port", &h, msg, sizeof msg), ZC_ENOENT);
}

static int setup(void **state)
{
	(void)state;
	if (zc_privkey_generate(&g_term_key) || zc_privkey_generate(&g_host_key) || zc_privkey_generate(&g_other_key))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	zc_privkey_free(g_term_key);
	zc_privkey_free(g_host_key);
	zc_privkey_free(g_other_key);
	return 0;
}

/* Clock offsets are shown in people's units (相差 3 天 4 小时), either sign. */
static void test_duration_text(void **state)
{
	(void)state;
	char b[64];
	int64_t d = 86400000, h = 3600000, m = 60000;
	assert_string_equal(zc_duration_text(3 * d + 4 * h + 5 * m, ZC_LANG_ZH, b, sizeof b), "3 天 4 小时");
	assert_string_equal(zc_duration_text(-(3 * d + 4 * h), ZC_LANG_EN, b, sizeof b), "3 d 4 h");
	assert_string_equal(zc_duration_text(2 * h + 59 * m, ZC_LANG_ZH, b, sizeof b), "2 小时 59 分");
	assert_string_equal(zc_duration_text(5 * m + 3000, ZC_LANG_ZH, b, sizeof b), "5 分 3 秒");
	assert_string_equal(zc_duration_text(-12500, ZC_LANG_ZH, b, sizeof b), "12.5 秒");
	assert_string_equal(zc_duration_text(INT64_MIN, ZC_LANG_EN, b, sizeof b), "106751991167 d 7 h");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hello_status),
	    cmocka_unit_test(test_duration_text),
	    cmocka_unit_test(test_pull_with_credit),
	    cmocka_unit_test(test_pull_lost_and_garbled_frames),
	    cmocka_unit_test(test_pull_skips_unreadable_record),
	    cmocka_unit_test(test_pull_garbled_tail_is_not_a_skip),
	    cmocka_unit_test(test_pull_pruned),
	    cmocka_unit_test(test_pull_stopped_and_resumed),
	    cmocka_unit_test(test_pull_silence_times_out),
	    cmocka_unit_test(test_pull_hangup),
	    cmocka_unit_test(test_rates_and_eta),
	    cmocka_unit_test(test_commands_signed_over_nonce),
	    cmocka_unit_test(test_command_result_lost),
	    cmocka_unit_test(test_hello_altered_refused),
	    cmocka_unit_test(test_result_forged_refused),
	    cmocka_unit_test(test_provision),
	    cmocka_unit_test(test_collect_pull_ack_settime),
	    cmocka_unit_test(test_collect_interrupted_then_complete),
	    cmocka_unit_test(test_collect_refusals),
	    cmocka_unit_test(test_collect_after_pruning),
	    cmocka_unit_test(test_collect_terminal_reset),
	    cmocka_unit_test(test_bundle_round_trip),
	    cmocka_unit_test(test_store_records_range),
	    cmocka_unit_test(test_hostkey_paths),
	    cmocka_unit_test(test_serial_pty),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
