/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_linksrv.c: the terminal's link server driven by a tiny host written
 * against the wire API, over a socketpair (and once over a real pty made by
 * the serial port code). Covered: HELLO; provisioning (first time with
 * proof of possession, refused for a stranger, accepted again from the
 * registered host); GET_RECORDS streaming every record byte for byte in
 * order without ever running ahead of the credit, END at the head, resumed
 * from the middle, END at once below the oldest record; STATUS; SET_TIME
 * and ACK_COLLECTED signed, replayed, forged, unsigned and wrong; a newer
 * and an older revocation list; taps made by the real tap loop (under the
 * shared lock) while a pull runs are neither lost nor delayed by more than
 * a frame; an unprovisioned tap loop refuses taps until provisioned.
 */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "ca.h"
#include "testutil.h"
#include "vcard.h"
#include "vreader.h"
#include "zc/badge.h"
#include "zc/bytes.h"
#include "zc/err.h"
#include "zc/fileio.h"
#include "zc/journal.h"
#include "zc/linksrv.h"
#include "zc/record.h"
#include "zc/serial.h"
#include "zc/terminal.h"
#include "zc/termlog.h"
#include "zc/termstate.h"
#include "zc/wire.h"

#define T0	1751330000000LL /* 2025-07-01T00:33:20Z */
#define WAIT_MS 3000

typedef struct fx {
	char *dir;
	char state[1024], ca[1024];
	zc_memfs *mem;
	zc_storage *st;
	zc_journal *j;
	zc_privkey *key;      /* the terminal's */
	zc_privkey *host;     /* the host's */
	zc_privkey *stranger; /* anybody else's */
	zc_simclock sc;
	zc_clock clk;
	zc_termstate *ts;
	int sv[2];
	zc_serial *tport, *hport;
	zc_linksrv *srv;
	/* the in-test host */
	zc_wire_decoder dec;
	uint8_t rx[8192];
	size_t rx_len, rx_off;
	uint16_t id;
	char tid[ZC_TERMINAL_ID_MAX + 1];
	uint8_t nonce[ZC_WIRE_NONCE_LEN];
	zc_wire_frame fr;
	uint8_t ca_der[4096];
	size_t ca_der_len;
	uint8_t *rev1;
	size_t rev1_len;
	int pace_ms; /* the host's pause before each CREDIT (a slow line) */
} fx;

/* ---- the in-test host ---- */

static uint16_t h_send(fx *f, uint8_t type, const void *p, size_t n)
{
	static uint8_t enc[ZC_WIRE_ENCODED_MAX];
	uint16_t id = ++f->id;
	int len = zc_wire_encode(type, id, p, n, enc, sizeof enc);
	assert_true(len > 0);
	assert_int_equal(f->hport->write(f->hport->ctx, enc, (size_t)len, WAIT_MS), 0);
	return id;
}

static double mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* The next frame from the terminal into f->fr: 1, or 0 after timeout_ms. */
static int h_recv(fx *f, int timeout_ms)
{
	double end = mono_ms() + timeout_ms;
	for (;;) {
		while (f->rx_off < f->rx_len) {
			size_t used = 0;
			int got =
			    zc_wire_decoder_feed(&f->dec, f->rx + f->rx_off, f->rx_len - f->rx_off, &used, &f->fr);
			f->rx_off += used;
			if (got == 1)
				return 1;
		}
		int left = (int)(end - mono_ms());
		if (left < 0)
			return 0;
		int n = f->hport->read(f->hport->ctx, f->rx, sizeof f->rx, left);
		assert_true(n >= 0);
		f->rx_len = (size_t)n;
		f->rx_off = 0;
	}
}

static void h_expect(fx *f, uint8_t type, uint16_t id)
{
	if (!h_recv(f, WAIT_MS))
		fail_msg("no %s frame from the terminal", zc_wire_type_name(type));
	if (f->fr.type == ZC_WIRE_RESULT && type != ZC_WIRE_RESULT) {
		zc_wire_result_msg m;
		zc_wire_result_decode(f->fr.payload, f->fr.len, &m);
		fail_msg("expected %s, got RESULT %u: %s", zc_wire_type_name(type), m.code, m.text);
	}
	assert_int_equal(f->fr.type, type);
	assert_int_equal(f->fr.req_id, id);
}

/* The terminal's public key, to check what it signs. */
static zc_pubkey *term_pub(fx *f)
{
	uint8_t der[ZC_WIRE_PUBKEY_MAX];
	size_t dl;
	zc_pubkey *pk = NULL;
	assert_int_equal(zc_privkey_public_der(f->key, der, sizeof der, &dl), 0);
	assert_int_equal(zc_pubkey_parse(der, dl, &pk), 0);
	return pk;
}

/* HELLO over a fresh host nonce: signed by the terminal over it (version 2). */
static void hello(fx *f, zc_wire_hello *h)
{
	uint8_t hn[ZC_WIRE_NONCE_LEN];
	assert_int_equal(zc_random(hn, sizeof hn), 0);
	uint16_t id = h_send(f, ZC_WIRE_HELLO_REQ, hn, sizeof hn);
	h_expect(f, ZC_WIRE_HELLO, id);
	assert_int_equal(zc_wire_hello_decode(f->fr.payload, f->fr.len, h), 0);
	zc_pubkey *pk = term_pub(f);
	assert_int_equal(zc_wire_hello_verify(h, hn, pk), 0);
	hn[0] ^= 1;
	assert_int_equal(zc_wire_hello_verify(h, hn, pk), ZC_ESIG);
	zc_pubkey_free(pk);
	memcpy(f->nonce, h->nonce, ZC_WIRE_NONCE_LEN);
	snprintf(f->tid, sizeof f->tid, "%s", h->terminal);
}

/* Send a command signed by key (NULL: unsigned) over nonce (NULL: the last
 * one the terminal gave) for terminal tid (NULL: the terminal's). Returns
 * the RESULT code; *text gets its text. Remembers the next nonce. */
static int command_raw(fx *f, uint8_t kind, const uint8_t *body, size_t len, zc_privkey *key, const uint8_t *nonce,
		       const char *tid, char *text, zc_wire_command *sent)
{
	static zc_wire_command c;
	static uint8_t payload[ZC_WIRE_PAYLOAD_MAX];
	int n;
	memset(&c, 0, sizeof c);
	c.kind = kind;
	c.body_len = (uint16_t)len;
	memcpy(c.body, body, len);
	if (key) {
		assert_int_equal(zc_wire_cmd_sign(&c, tid ? tid : f->tid, nonce ? nonce : f->nonce, key), 0);
		n = zc_wire_command_encode(&c, payload, sizeof payload);
		assert_true(n > 0);
	} else {
		/* kind | u16 len | body | sig_len 0: no signature at all */
		payload[0] = kind;
		zc_put_u16(payload + 1, (uint16_t)len);
		memcpy(payload + 3, body, len);
		payload[3 + len] = 0;
		n = (int)(4 + len);
	}
	if (sent)
		*sent = c;
	uint16_t id = h_send(f, ZC_WIRE_COMMAND, payload, (size_t)n);
	h_expect(f, ZC_WIRE_RESULT, id);
	zc_wire_result_msg m;
	assert_int_equal(zc_wire_result_decode(f->fr.payload, f->fr.len, &m), 0);
	/* signed by the terminal over this very command (version 2) */
	uint8_t rh[ZC_HASH_LEN];
	zc_wire_request_hash(ZC_WIRE_COMMAND, id, payload, (size_t)n, rh);
	assert_memory_equal(m.req_hash, rh, ZC_HASH_LEN);
	zc_pubkey *pk = term_pub(f);
	assert_int_equal(zc_wire_result_verify(&m, pk), 0);
	zc_pubkey_free(pk);
	if (text)
		snprintf(text, ZC_TEXT_MAX + 1, "%s", m.text);
	memcpy(f->nonce, m.nonce, ZC_WIRE_NONCE_LEN);
	return m.code;
}

static int command(fx *f, uint8_t kind, const uint8_t *body, size_t len, zc_privkey *key, char *text)
{
	return command_raw(f, kind, body, len, key, NULL, NULL, text, NULL);
}

/* Re-send exactly the bytes of an earlier command (a replay). */
static int replay(fx *f, const zc_wire_command *c, char *text)
{
	static uint8_t payload[ZC_WIRE_PAYLOAD_MAX];
	int n = zc_wire_command_encode(c, payload, sizeof payload);
	assert_true(n > 0);
	uint16_t id = h_send(f, ZC_WIRE_COMMAND, payload, (size_t)n);
	h_expect(f, ZC_WIRE_RESULT, id);
	zc_wire_result_msg m;
	assert_int_equal(zc_wire_result_decode(f->fr.payload, f->fr.len, &m), 0);
	if (text)
		snprintf(text, ZC_TEXT_MAX + 1, "%s", m.text);
	return m.code;
}

static size_t pub_der(zc_privkey *k, uint8_t *out)
{
	size_t n;
	assert_int_equal(zc_privkey_public_der(k, out, ZC_WIRE_PUBKEY_MAX, &n), 0);
	return n;
}

/* PROVISION carrying `carried`'s public key, signed by `signer`. */
static int provision(fx *f, zc_privkey *signer, zc_privkey *carried, const char *tid, const char *town,
		     const uint8_t *rev, size_t rev_len, const char *sign_tid, char *text)
{
	static uint8_t body[ZC_WIRE_CMD_BODY_MAX];
	uint8_t pk[ZC_WIRE_PUBKEY_MAX];
	size_t pkl = pub_der(carried, pk);
	zc_wire_provision p;
	memset(&p, 0, sizeof p);
	snprintf(p.terminal, sizeof p.terminal, "%s", tid);
	snprintf(p.township, sizeof p.township, "%s", town);
	p.host_pubkey = pk;
	p.host_pubkey_len = (uint16_t)pkl;
	p.ca_cert = f->ca_der;
	p.ca_cert_len = (uint16_t)f->ca_der_len;
	p.revocations = rev;
	p.revocations_len = (uint16_t)rev_len;
	int n = zc_wire_provision_encode(&p, body, sizeof body);
	assert_true(n > 0);
	return command_raw(f, ZC_CMD_PROVISION, body, (size_t)n, signer, NULL, sign_tid, text, NULL);
}

/* ---- the terminal side ---- */

static uint64_t head(fx *f, uint8_t hash[ZC_HASH_LEN])
{
	zc_termstate_lock(f->ts);
	uint64_t h = zc_journal_head(f->j, hash);
	zc_termstate_unlock(f->ts);
	return h;
}

static void read_rec(fx *f, uint64_t seq, uint8_t *buf, size_t *len)
{
	zc_termstate_lock(f->ts);
	int rc = zc_journal_read(f->j, seq, buf, ZC_REC_MAX, len);
	zc_termstate_unlock(f->ts);
	assert_int_equal(rc, 0);
}

static void last_rec(fx *f, zc_rec *r)
{
	uint8_t buf[ZC_REC_MAX];
	size_t len, blen;
	read_rec(f, head(f, NULL), buf, &len);
	assert_int_equal(zc_rec_decode(buf, len, r, &blen, NULL), 0);
}

/* n UID tap records through the event log, each under the lock. */
static void add_taps(fx *f, int n)
{
	for (int i = 0; i < n; i++) {
		zc_rec r;
		zc_termstate_lock(f->ts);
		zc_termlog *log = zc_termstate_log(f->ts);
		assert_non_null(log);
		zc_termlog_prepare(log, &r, ZC_KIND_TAP);
		r.u.tap.badge_kind = ZC_BADGE_UID;
		r.u.tap.result = ZC_TAP_WEAK;
		r.u.tap.badge_id_len = 4;
		zc_put_u32(r.u.tap.badge_id, (uint32_t)i | 0x04000000u);
		assert_int_equal(zc_random(r.u.tap.nonce, ZC_NONCE_LEN), 0);
		int rc = zc_termlog_commit(log, &r, NULL);
		zc_termstate_unlock(f->ts);
		assert_int_equal(rc, 0);
		zc_simclock_advance(&f->sc, 1000);
	}
}

static void start_server(fx *f)
{
	zc_linksrv_cfg lc = {f->tport, f->ts, "test-fw 1.0", 20, 1000};
	assert_int_equal(zc_linksrv_start(&lc, &f->srv), 0);
}

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	char err[256], p[1200];
	signal(SIGPIPE, SIG_IGN);
	f->dir = tu_tmpdir("linksrv");
	snprintf(f->state, sizeof f->state, "%s/state", f->dir);
	snprintf(f->ca, sizeof f->ca, "%s/ca", f->dir);
	assert_int_equal(mkdir(f->state, 0700), 0);
	zc_ca_init_opts io = {.dir = f->ca, .name = "测试区工牌CA", .district = "测试区", .now_ms = T0};
	assert_int_equal(zc_ca_init(&io, err, sizeof err), 0);
	zc_badge_ca *ca;
	snprintf(p, sizeof p, "%s/ca.pem", f->ca);
	assert_int_equal(zc_badge_ca_load(p, &ca), 0);
	const uint8_t *der = zc_badge_ca_der(ca, &f->ca_der_len);
	assert_true(f->ca_der_len <= sizeof f->ca_der);
	memcpy(f->ca_der, der, f->ca_der_len);
	zc_badge_ca_free(ca);
	snprintf(p, sizeof p, "%s/revocations.zrl", f->ca);
	assert_int_equal(zc_file_read(p, 1 << 20, &f->rev1, &f->rev1_len), 0);

	assert_int_equal(zc_privkey_generate(&f->key), 0);
	assert_int_equal(zc_privkey_generate(&f->host), 0);
	assert_int_equal(zc_privkey_generate(&f->stranger), 0);
	f->mem = zc_memfs_new(0);
	assert_int_equal(zc_storage_mem_open(f->mem, &f->st), 0);
	zc_journal_cfg jc = {0, 4096}; /* small segments: pruning is reachable */
	assert_int_equal(zc_journal_open(f->st, &jc, &f->j), 0);
	f->sc.utc_ms = T0;
	f->sc.mono_ms = 1;
	f->clk = zc_clock_sim(&f->sc);
	zc_termstate_cfg tc = {f->state, f->j, f->key, &f->clk, "test-fw 1.0"};
	assert_int_equal(zc_termstate_open(&tc, &f->ts, err, sizeof err), 0);

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, f->sv), 0);
	assert_int_equal(zc_serial_fd_new(f->sv[0], &f->tport), 0);
	assert_int_equal(zc_serial_fd_new(f->sv[1], &f->hport), 0);
	zc_wire_decoder_init(&f->dec);
	start_server(f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	zc_linksrv_stop(f->srv);
	zc_serial_free(f->tport);
	zc_serial_free(f->hport);
	zc_termstate_close(f->ts);
	zc_journal_close(f->j);
	zc_storage_close(f->st);
	zc_memfs_free(f->mem);
	zc_privkey_free(f->key);
	zc_privkey_free(f->host);
	zc_privkey_free(f->stranger);
	free(f->rev1);
	tu_rmtree(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

/* A terminal provisioned over the link as K01 in T01 by f->host. */
static int setup_prov(void **state)
{
	setup(state);
	fx *f = *state;
	zc_wire_hello h;
	char text[ZC_TEXT_MAX + 1];
	hello(f, &h);
	assert_int_equal(provision(f, f->host, f->host, "K01", "T01", f->rev1, f->rev1_len, "K01", text), ZC_WIRE_OK);
	hello(f, &h);
	assert_string_equal(h.terminal, "K01");
	return 0;
}

/* ---- HELLO and provisioning ---- */

static void test_hello(void **state)
{
	fx *f = *state;
	zc_wire_hello h, h2;
	hello(f, &h);
	assert_string_equal(h.terminal, ""); /* not provisioned */
	assert_string_equal(h.township, "");
	assert_string_equal(h.firmware, "test-fw 1.0");
	uint8_t fp[ZC_HASH_LEN], zero[ZC_HASH_LEN] = {0};
	zc_privkey_fingerprint(f->key, fp);
	assert_memory_equal(h.key_fp, fp, ZC_HASH_LEN);
	zc_pubkey *pk;
	assert_int_equal(zc_pubkey_parse(h.pubkey, h.pubkey_len, &pk), 0); /* the key itself, usable */
	zc_pubkey_free(pk);
	assert_memory_equal(h.host_fp, zero, ZC_HASH_LEN);
	assert_int_equal(h.head_seq, 0);
	assert_int_equal(h.first_seq, 1);
	assert_int_equal(h.utc_ms, T0);
	hello(f, &h2);
	assert_memory_not_equal(h.nonce, h2.nonce, ZC_WIRE_NONCE_LEN); /* fresh every time */

	/* line noise, and a frame with one bit flipped: dropped, and the
	 * next frame is understood */
	static uint8_t enc[ZC_WIRE_ENCODED_MAX];
	const uint8_t junk[] = {0x13, 0x37, 0xFF, 0x00, 0x01, 0x02, 0x00, 0x00, 0x42};
	assert_int_equal(f->hport->write(f->hport->ctx, junk, sizeof junk, WAIT_MS), 0);
	int n = zc_wire_encode(ZC_WIRE_HELLO_REQ, 77, NULL, 0, enc, sizeof enc);
	enc[2] ^= 0x04;
	assert_int_equal(f->hport->write(f->hport->ctx, enc, (size_t)n, WAIT_MS), 0);
	hello(f, &h2);
	zc_linksrv_stats ls;
	zc_linksrv_stats_get(f->srv, &ls);
	assert_true(ls.frames_dropped >= 2);
	assert_int_equal(ls.frames_in, 3); /* the three good HELLO_REQs */

	/* commands need a provisioned terminal; unknown frames are refused */
	uint8_t body[8];
	zc_wire_set_time_encode(T0 + 1000, body, sizeof body);
	assert_int_equal(command(f, ZC_CMD_SET_TIME, body, 8, f->host, NULL), ZC_WIRE_E_UNPROVISIONED);
	uint16_t id = h_send(f, 0x55, "x", 1);
	h_expect(f, ZC_WIRE_RESULT, id);
	zc_wire_result_msg m;
	assert_int_equal(zc_wire_result_decode(f->fr.payload, f->fr.len, &m), 0);
	assert_int_equal(m.code, ZC_WIRE_E_UNSUPPORTED);
	assert_true(strlen(m.text) > 0);
}

static void test_provision(void **state)
{
	fx *f = *state;
	zc_wire_hello h;
	char text[ZC_TEXT_MAX + 1], p[1200];
	hello(f, &h);
	/* carrying the host's key but signed by another: no proof of possession */
	assert_int_equal(provision(f, f->stranger, f->host, "K01", "T01", NULL, 0, "K01", text), ZC_WIRE_E_SIGNATURE);
	assert_int_equal(head(f, NULL), 0);
	snprintf(p, sizeof p, "%s/identity.conf", f->state);
	assert_int_not_equal(access(p, F_OK), 0);
	/* malformed ids never get that far: the body does not encode; a CA
	 * that is no certificate is refused by the terminal */
	f->ca_der[10] ^= 0xFF;
	assert_int_equal(provision(f, f->host, f->host, "K01", "T01", NULL, 0, "K01", text), ZC_WIRE_E_MALFORMED);
	f->ca_der[10] ^= 0xFF;

	/* the first time */
	assert_int_equal(provision(f, f->host, f->host, "K01", "T01", f->rev1, f->rev1_len, "K01", text), ZC_WIRE_OK);
	assert_int_equal(access(p, F_OK), 0);
	const char *files[] = {"host.pub.pem", "ca.pem", "revocations.zrl"};
	for (int i = 0; i < 3; i++) {
		snprintf(p, sizeof p, "%s/%s", f->state, files[i]);
		assert_int_equal(access(p, F_OK), 0);
	}
	zc_rec r;
	uint8_t hfp[ZC_HASH_LEN], kfp[ZC_HASH_LEN], cfp[ZC_HASH_LEN];
	zc_privkey_fingerprint(f->host, hfp);
	zc_privkey_fingerprint(f->key, kfp);
	zc_sha256(f->ca_der, f->ca_der_len, cfp);
	assert_int_equal(head(f, NULL), 2); /* BOOT, PROVISIONED */
	last_rec(f, &r);
	assert_int_equal(r.kind, ZC_KIND_PROVISIONED);
	assert_string_equal(r.terminal, "K01");
	assert_string_equal(r.u.prov.township, "T01");
	assert_memory_equal(r.u.prov.host_fp, hfp, ZC_HASH_LEN);
	assert_memory_equal(r.u.prov.key_fp, kfp, ZC_HASH_LEN);
	assert_memory_equal(r.u.prov.ca_fp, cfp, ZC_HASH_LEN);
	hello(f, &h);
	assert_string_equal(h.terminal, "K01");
	assert_string_equal(h.township, "T01");
	assert_memory_equal(h.host_fp, hfp, ZC_HASH_LEN);
	zc_termstate_lock(f->ts);
	uint64_t gen = zc_termstate_generation(f->ts);
	zc_termstate_unlock(f->ts);

	/* a second time by a stranger (proving its own key): refused */
	assert_int_equal(provision(f, f->stranger, f->stranger, "K66", "T66", NULL, 0, "K66", text),
			 ZC_WIRE_E_PROVISIONED);
	assert_int_equal(provision(f, f->stranger, f->stranger, "K66", "T66", NULL, 0, NULL, text),
			 ZC_WIRE_E_PROVISIONED);
	assert_non_null(strstr(text, "not by this host"));
	assert_int_equal(head(f, NULL), 2);
	hello(f, &h);
	assert_string_equal(h.terminal, "K01");
	assert_memory_equal(h.host_fp, hfp, ZC_HASH_LEN);

	/* by the registered host: accepted (moved to township T02) */
	assert_int_equal(provision(f, f->host, f->host, "K01", "T02", NULL, 0, NULL, text), ZC_WIRE_OK);
	assert_int_equal(head(f, NULL), 3);
	last_rec(f, &r);
	assert_int_equal(r.kind, ZC_KIND_PROVISIONED);
	assert_string_equal(r.u.prov.township, "T02");
	hello(f, &h);
	assert_string_equal(h.township, "T02");
	zc_termstate_lock(f->ts);
	assert_true(zc_termstate_generation(f->ts) > gen);
	zc_termstate_unlock(f->ts);
	/* the revocation list installed first stayed (same CA, none sent) */
	assert_int_equal(zc_termstate_revocation_number(f->ts), 1);
}

/* ---- GET_RECORDS ---- */

typedef struct pulled {
	uint64_t next; /* next seq expected */
	uint64_t frames;
	zc_wire_end end;
} pulled;

/* Pull from `from` with an initial credit, granting one more per frame,
 * checking every record against the journal. When `stingy`, wait before
 * each grant to see that nothing comes beyond the credit, and check that
 * every frame but the last was packed full (64 records, or the next record
 * would not have fitted). */
static void pull(fx *f, uint64_t from, uint16_t credit, int stingy, pulled *pl)
{
	zc_wire_get g = {from, credit, 0};
	uint8_t p[16], buf[ZC_REC_MAX];
	int n = zc_wire_get_encode(&g, p, sizeof p);
	assert_true(n > 0);
	uint16_t id = h_send(f, ZC_WIRE_GET_RECORDS, p, (size_t)n);
	uint64_t granted = credit, got = 0;
	size_t prev_len = 0;
	unsigned prev_count = 0;
	pl->next = from;
	pl->frames = 0;
	for (;;) {
		if (!h_recv(f, WAIT_MS))
			fail_msg("stream stalled at %llu", (unsigned long long)pl->next);
		assert_int_equal(f->fr.req_id, id);
		if (f->fr.type == ZC_WIRE_END) {
			assert_int_equal(zc_wire_end_decode(f->fr.payload, f->fr.len, &pl->end), 0);
			return;
		}
		assert_int_equal(f->fr.type, ZC_WIRE_RECORDS);
		got++;
		pl->frames++;
		assert_true(got <= granted); /* never ahead of the credit */
		zc_wire_records rs;
		assert_int_equal(zc_wire_records_decode(f->fr.payload, f->fr.len, &rs), 0);
		assert_int_equal(rs.first_seq, pl->next);
		if (stingy && prev_count)
			assert_true(prev_count == ZC_WIRE_RECORDS_MAX ||
				    prev_len + 2 + rs.len[0] > ZC_WIRE_PAYLOAD_MAX);
		prev_len = f->fr.len;
		prev_count = rs.count;
		for (unsigned i = 0; i < rs.count; i++) {
			size_t len;
			read_rec(f, pl->next, buf, &len);
			assert_int_equal(rs.len[i], len);
			assert_memory_equal(rs.rec[i], buf, len);
			pl->next++;
		}
		if (stingy && got == granted) {
			/* Nothing more may come until we grant it. */
			assert_int_equal(h_recv(f, 30), 0);
		}
		if (f->pace_ms) {
			struct timespec d = {0, f->pace_ms * 1000000L};
			nanosleep(&d, NULL);
		}
		n = zc_wire_credit_encode(1, p, sizeof p);
		h_send(f, ZC_WIRE_CREDIT, p, (size_t)n);
		granted++;
	}
}

static void test_get_records(void **state)
{
	fx *f = *state;
	pulled pl;
	uint8_t hh[ZC_HASH_LEN];
	add_taps(f, 300);
	uint64_t h = head(f, hh);
	assert_int_equal(h, 302);
	pull(f, 1, 2, 1, &pl);
	assert_int_equal(pl.next, h + 1); /* every record, in order, byte for byte */
	assert_int_equal(pl.end.head_seq, h);
	assert_memory_equal(pl.end.head_hash, hh, ZC_HASH_LEN);
	assert_int_equal(pl.end.first_seq, 1);
	assert_true(pl.frames > 3);

	/* the whole journal with a generous window: how fast the terminal
	 * side streams (over a socketpair; a real line is the limit) */
	double t0 = mono_ms();
	pull(f, 1, 64, 0, &pl);
	double ms = mono_ms() - t0;
	assert_int_equal(pl.next, h + 1);
	print_message("pull of %llu records in %llu frames: %.1f ms (%.0f records/s, checked against the journal)\n",
		      (unsigned long long)h, (unsigned long long)pl.frames, ms, (double)h * 1000 / (ms > 0 ? ms : 1));

	/* resume from the middle, with a generous window */
	pull(f, 150, 64, 0, &pl);
	assert_int_equal(pl.next, h + 1);
	assert_int_equal(pl.end.head_seq, h);
	/* caught up already: END at once */
	pull(f, h + 1, 1, 0, &pl);
	assert_int_equal(pl.frames, 0);
	assert_int_equal(pl.end.head_seq, h);

	/* a stream cut off (the host asks something else) and resumed */
	zc_wire_get g = {1, 1, 0};
	uint8_t p[16];
	int n = zc_wire_get_encode(&g, p, sizeof p);
	uint16_t id = h_send(f, ZC_WIRE_GET_RECORDS, p, (size_t)n);
	h_expect(f, ZC_WIRE_RECORDS, id);
	zc_wire_records rs;
	assert_int_equal(zc_wire_records_decode(f->fr.payload, f->fr.len, &rs), 0);
	uint64_t resume = rs.first_seq + rs.count;
	id = h_send(f, ZC_WIRE_STATUS_REQ, NULL, 0);
	h_expect(f, ZC_WIRE_STATUS, id);
	n = zc_wire_credit_encode(5, p, sizeof p);
	h_send(f, ZC_WIRE_CREDIT, p, (size_t)n); /* the stream is over: ignored */
	assert_int_equal(h_recv(f, 50), 0);
	pull(f, resume, 3, 0, &pl);
	assert_int_equal(pl.next, h + 1);
}

static void test_get_records_pruned(void **state)
{
	fx *f = *state;
	pulled pl;
	uint8_t hh[ZC_HASH_LEN];
	char text[ZC_TEXT_MAX + 1];
	add_taps(f, 200);
	uint64_t h = head(f, hh);
	/* collect everything, then let the journal prune (capacity tiny) */
	uint8_t body[64];
	int n = zc_wire_ack_encode(h, hh, body, sizeof body);
	zc_wire_hello he;
	hello(f, &he); /* the taps took minutes: the nonce before them expired */
	assert_int_equal(command(f, ZC_CMD_ACK_COLLECTED, body, (size_t)n, f->host, text), ZC_WIRE_OK);
	zc_termstate_lock(f->ts);
	zc_journal_stats js;
	zc_journal_stats_get(f->j, &js);
	zc_termstate_unlock(f->ts);
	/* reopen the journal with a capacity that forces pruning on append */
	zc_linksrv_stop(f->srv);
	f->srv = NULL;
	char err[256];
	zc_termstate_close(f->ts);
	zc_journal_close(f->j);
	zc_journal_cfg jc = {js.bytes_used / 2, 4096};
	assert_int_equal(zc_journal_open(f->st, &jc, &f->j), 0);
	zc_termstate_cfg tc = {f->state, f->j, f->key, &f->clk, "test-fw 1.0"};
	assert_int_equal(zc_termstate_open(&tc, &f->ts, err, sizeof err), 0); /* BOOT: prunes */
	start_server(f);
	zc_termstate_lock(f->ts);
	uint64_t first = zc_journal_first(f->j);
	zc_termstate_unlock(f->ts);
	assert_true(first > 1);
	pull(f, 1, 4, 0, &pl);
	assert_int_equal(pl.frames, 0); /* END at once */
	assert_int_equal(pl.end.first_seq, first);
	pull(f, first, 4, 0, &pl);
	assert_int_equal(pl.next, head(f, NULL) + 1);
}

/* ---- STATUS ---- */

static void test_status(void **state)
{
	fx *f = *state;
	add_taps(f, 10);
	zc_terminal_stats ts;
	memset(&ts, 0, sizeof ts);
	ts.reader_ok = 1;
	ts.taps = 10;
	ts.faults = 2;
	snprintf(ts.last_fault, sizeof ts.last_fault, "reader stopped answering");
	zc_termstate_lock(f->ts);
	zc_termstate_set_stats(f->ts, &ts);
	zc_termstate_unlock(f->ts);
	uint16_t id = h_send(f, ZC_WIRE_STATUS_REQ, NULL, 0);
	h_expect(f, ZC_WIRE_STATUS, id);
	zc_wire_status m;
	assert_int_equal(zc_wire_status_decode(f->fr.payload, f->fr.len, &m), 0);
	assert_int_equal(m.records, 12);
	assert_int_equal(m.uncollected, 12);
	assert_true(m.bytes_used > 12 * 100);
	assert_int_equal(m.reader_ok, 1);
	assert_int_equal(m.taps, 10);
	assert_int_equal(m.faults, 2);
	assert_string_equal(m.last_fault, "reader stopped answering");
	assert_int_equal(m.utc_ms, f->sc.utc_ms);
}

/* ---- signed commands ---- */

static void test_set_time(void **state)
{
	fx *f = *state;
	char text[ZC_TEXT_MAX + 1];
	uint8_t body[8], before[ZC_WIRE_NONCE_LEN];
	int64_t now = 1767225600000LL; /* 2026-01-01 */
	zc_wire_command sent;
	int64_t t_before = f->sc.utc_ms;
	uint64_t h0 = head(f, NULL);

	/* unsigned, and signed by a stranger: refused, nothing changes */
	zc_wire_set_time_encode(now, body, sizeof body);
	memcpy(before, f->nonce, sizeof before);
	assert_int_equal(command(f, ZC_CMD_SET_TIME, body, 8, NULL, text), ZC_WIRE_E_SIGNATURE);
	assert_non_null(strstr(text, "not signed"));
	assert_int_equal(command(f, ZC_CMD_SET_TIME, body, 8, f->stranger, text), ZC_WIRE_E_SIGNATURE);
	assert_int_equal(f->sc.utc_ms, t_before);
	assert_int_equal(head(f, NULL), h0);
	assert_memory_equal(f->nonce, before, sizeof before); /* refusals keep the nonce */
	/* signed for another terminal id: refused */
	assert_int_equal(command_raw(f, ZC_CMD_SET_TIME, body, 8, f->host, NULL, "K02", text, NULL),
			 ZC_WIRE_E_SIGNATURE);

	/* signed by the host over the current nonce */
	assert_int_equal(command_raw(f, ZC_CMD_SET_TIME, body, 8, f->host, NULL, NULL, text, &sent), ZC_WIRE_OK);
	assert_int_equal(f->sc.utc_ms, now);
	assert_memory_not_equal(f->nonce, before, sizeof before); /* a new nonce */
	zc_rec r;
	uint8_t hfp[ZC_HASH_LEN];
	zc_privkey_fingerprint(f->host, hfp);
	assert_int_equal(head(f, NULL), h0 + 1);
	last_rec(f, &r);
	assert_int_equal(r.kind, ZC_KIND_CLOCK_SET);
	assert_int_equal(r.u.clock.old_utc_ms, t_before);
	assert_int_equal(r.u.clock.new_utc_ms, now);
	assert_memory_equal(r.u.clock.by_fp, hfp, ZC_HASH_LEN);
	assert_int_equal(r.utc_ms, now);

	/* the same command again: a replay */
	f->sc.utc_ms = now + 5000;
	assert_int_equal(replay(f, &sent, text), ZC_WIRE_E_NONCE);
	assert_non_null(strstr(text, "replay"));
	assert_int_equal(f->sc.utc_ms, now + 5000);
	assert_int_equal(head(f, NULL), h0 + 1);
	/* ... also after a HELLO gave yet another nonce */
	zc_wire_hello h;
	hello(f, &h);
	assert_int_equal(replay(f, &sent, text), ZC_WIRE_E_NONCE);
	assert_int_equal(head(f, NULL), h0 + 1);

	/* out of range */
	zc_wire_set_time_encode(86400000LL, body, sizeof body);
	assert_int_equal(command(f, ZC_CMD_SET_TIME, body, 8, f->host, text), ZC_WIRE_E_RANGE);
	assert_int_equal(head(f, NULL), h0 + 1);
	/* two in a row, each over the nonce the last RESULT gave */
	zc_wire_set_time_encode(now + 60000, body, sizeof body);
	assert_int_equal(command(f, ZC_CMD_SET_TIME, body, 8, f->host, text), ZC_WIRE_OK);
	zc_wire_set_time_encode(now + 120000, body, sizeof body);
	assert_int_equal(command(f, ZC_CMD_SET_TIME, body, 8, f->host, text), ZC_WIRE_OK);
	assert_int_equal(f->sc.utc_ms, now + 120000);
	assert_int_equal(head(f, NULL), h0 + 3);
}

/* Issue 10, item 1: a command held back on the line past the window of the
 * terminal's monotonic clock is refused and not applied, even over the
 * current nonce; within the window it is applied, once. */
static void test_command_window(void **state)
{
	fx *f = *state;
	char text[ZC_TEXT_MAX + 1];
	uint8_t body[8];
	zc_wire_hello h;
	uint64_t h0 = head(f, NULL);
	int64_t t_before = f->sc.utc_ms;
	zc_wire_set_time_encode(t_before - 3600000, body, sizeof body); /* an hour back */
	hello(f, &h);
	zc_simclock_advance(&f->sc, ZC_WIRE_CMD_WINDOW_MS + 1);
	int64_t t_held = f->sc.utc_ms;
	assert_int_equal(command(f, ZC_CMD_SET_TIME, body, 8, f->host, text), ZC_WIRE_E_EXPIRED);
	assert_non_null(strstr(text, "stale"));
	assert_int_equal(f->sc.utc_ms, t_held); /* the clock did not move */
	assert_int_equal(head(f, NULL), h0);	/* no clock_set record */
	/* the expired nonce stays dead: still refused */
	assert_int_equal(command(f, ZC_CMD_SET_TIME, body, 8, f->host, text), ZC_WIRE_E_EXPIRED);
	/* a fresh nonce, used just inside the window: applied, once */
	hello(f, &h);
	zc_simclock_advance(&f->sc, ZC_WIRE_CMD_WINDOW_MS);
	zc_wire_command sent;
	zc_wire_set_time_encode(t_held + 1000, body, sizeof body);
	assert_int_equal(command_raw(f, ZC_CMD_SET_TIME, body, 8, f->host, NULL, NULL, text, &sent), ZC_WIRE_OK);
	assert_int_equal(head(f, NULL), h0 + 1);
	assert_int_equal(replay(f, &sent, text), ZC_WIRE_E_NONCE);
	assert_int_equal(head(f, NULL), h0 + 1);
	/* the nonce a RESULT brings has its own window */
	zc_simclock_advance(&f->sc, ZC_WIRE_CMD_WINDOW_MS + 1);
	zc_wire_set_time_encode(t_held + 2000, body, sizeof body);
	assert_int_equal(command(f, ZC_CMD_SET_TIME, body, 8, f->host, text), ZC_WIRE_E_EXPIRED);
	assert_int_equal(head(f, NULL), h0 + 1);
}

static void test_ack_collected(void **state)
{
	fx *f = *state;
	char text[ZC_TEXT_MAX + 1];
	uint8_t body[64], hash[ZC_HASH_LEN], buf[ZC_REC_MAX];
	size_t len, blen;
	zc_rec r;
	add_taps(f, 20);
	uint64_t h0 = head(f, NULL);
	read_rec(f, 10, buf, &len);
	assert_int_equal(zc_rec_decode(buf, len, &r, &blen, NULL), 0);
	zc_rec_hash_body(buf, blen, hash);

	/* a wrong hash: refused */
	hash[0] ^= 1;
	int n = zc_wire_ack_encode(10, hash, body, sizeof body);
	assert_int_equal(command(f, ZC_CMD_ACK_COLLECTED, body, (size_t)n, f->host, text), ZC_WIRE_E_HASH);
	assert_int_equal(zc_journal_collected(f->j), 0);
	assert_int_equal(head(f, NULL), h0);
	hash[0] ^= 1;
	/* beyond the head; once the journal grew, that signed command cannot
	 * be played back late: it was used up when it came */
	uint8_t later[ZC_HASH_LEN];
	zc_wire_command sent;
	memset(later, 0x5A, sizeof later);
	n = zc_wire_ack_encode(h0 + 5, later, body, sizeof body);
	assert_int_equal(command_raw(f, ZC_CMD_ACK_COLLECTED, body, (size_t)n, f->host, NULL, NULL, text, &sent),
			 ZC_WIRE_E_RANGE);
	add_taps(f, 5);
	h0 = head(f, NULL);
	assert_int_equal(replay(f, &sent, text), ZC_WIRE_E_NONCE);
	/* by a stranger */
	n = zc_wire_ack_encode(10, hash, body, sizeof body);
	assert_int_equal(command(f, ZC_CMD_ACK_COLLECTED, body, (size_t)n, f->stranger, text), ZC_WIRE_E_SIGNATURE);
	assert_int_equal(zc_journal_collected(f->j), 0);

	/* right */
	assert_int_equal(command(f, ZC_CMD_ACK_COLLECTED, body, (size_t)n, f->host, text), ZC_WIRE_OK);
	zc_termstate_lock(f->ts);
	assert_int_equal(zc_journal_collected(f->j), 10);
	zc_termstate_unlock(f->ts);
	assert_int_equal(head(f, NULL), h0 + 1);
	uint8_t hfp[ZC_HASH_LEN];
	zc_privkey_fingerprint(f->host, hfp);
	last_rec(f, &r);
	assert_int_equal(r.kind, ZC_KIND_COLLECTED);
	assert_int_equal(r.u.collected.up_to_seq, 10);
	assert_memory_equal(r.u.collected.up_to_hash, hash, ZC_HASH_LEN);
	assert_memory_equal(r.u.collected.host_fp, hfp, ZC_HASH_LEN);
	/* backwards: refused */
	read_rec(f, 5, buf, &len);
	assert_int_equal(zc_rec_decode(buf, len, &r, &blen, NULL), 0);
	zc_rec_hash_body(buf, blen, hash);
	n = zc_wire_ack_encode(5, hash, body, sizeof body);
	assert_int_equal(command(f, ZC_CMD_ACK_COLLECTED, body, (size_t)n, f->host, text), ZC_WIRE_E_RANGE);
	assert_int_equal(zc_journal_collected(f->j), 10);
}

static void test_revocations(void **state)
{
	fx *f = *state;
	char text[ZC_TEXT_MAX + 1], err[256], p[1200];
	char card[1200];
	snprintf(card, sizeof card, "%s/b1.card", f->dir);
	zc_ca_issue_opts o = {.dir = f->ca, .badge = "B001", .cadre = "C001", .name = "张三", .out = card};
	assert_int_equal(zc_ca_issue(&o, NULL, err, sizeof err), 0);
	uint64_t num;
	assert_int_equal(zc_ca_revoke(f->ca, "B001", T0, T0, &num, err, sizeof err), 0);
	assert_int_equal(num, 2);
	uint8_t *rev2;
	size_t rev2_len;
	snprintf(p, sizeof p, "%s/revocations.zrl", f->ca);
	assert_int_equal(zc_file_read(p, 1 << 20, &rev2, &rev2_len), 0);
	zc_termstate_lock(f->ts);
	uint64_t gen = zc_termstate_generation(f->ts);
	zc_termstate_unlock(f->ts);

	/* a damaged list, and one signed by nobody */
	rev2[rev2_len - 3] ^= 0x10;
	assert_int_not_equal(command(f, ZC_CMD_REVOCATIONS, rev2, rev2_len, f->host, text), ZC_WIRE_OK);
	rev2[rev2_len - 3] ^= 0x10;
	assert_int_equal(command(f, ZC_CMD_REVOCATIONS, rev2, rev2_len, f->stranger, text), ZC_WIRE_E_SIGNATURE);
	assert_int_equal(zc_termstate_revocation_number(f->ts), 1);
	/* the newer list */
	assert_int_equal(command(f, ZC_CMD_REVOCATIONS, rev2, rev2_len, f->host, text), ZC_WIRE_OK);
	assert_int_equal(zc_termstate_revocation_number(f->ts), 2);
	snprintf(p, sizeof p, "%s/revocations.zrl", f->state);
	size_t sl;
	uint8_t *saved = tu_read_file(p, &sl);
	assert_non_null(saved);
	assert_int_equal(sl, rev2_len);
	assert_memory_equal(saved, rev2, sl);
	free(saved);
	zc_termstate_lock(f->ts);
	assert_true(zc_termstate_generation(f->ts) > gen);
	zc_termstate_unlock(f->ts);
	/* the older one: a rollback, refused */
	assert_int_equal(command(f, ZC_CMD_REVOCATIONS, f->rev1, f->rev1_len, f->host, text), ZC_WIRE_E_RANGE);
	assert_int_equal(zc_termstate_revocation_number(f->ts), 2);
	/* a provisioning cannot roll it back either */
	assert_int_equal(provision(f, f->host, f->host, "K01", "T01", f->rev1, f->rev1_len, NULL, text),
			 ZC_WIRE_E_RANGE);
	assert_int_equal(zc_termstate_revocation_number(f->ts), 2);
	free(rev2);
}

/* ---- taps through the real tap loop while a pull runs ---- */

typedef struct tapper {
	fx *f;
	zc_terminal *term;
	zc_vreader *vr;
	zc_vcard *card;
	int taps;
	double max_wait_ms; /* longest wait for the shared lock */
	double max_hold_ms;
	double t_locked;
} tapper;

static void tap_lock(void *arg)
{
	tapper *t = arg;
	double a = mono_ms();
	zc_termstate_lock(t->f->ts);
	t->t_locked = mono_ms();
	if (t->t_locked - a > t->max_wait_ms)
		t->max_wait_ms = t->t_locked - a;
}

static void tap_unlock(void *arg)
{
	tapper *t = arg;
	double held = mono_ms() - t->t_locked;
	if (held > t->max_hold_ms)
		t->max_hold_ms = held;
	zc_termstate_unlock(t->f->ts);
}

static void *tap_thread(void *arg)
{
	tapper *t = arg;
	for (int i = 0; i < t->taps; i++) {
		zc_vreader_present(t->vr, t->card);
		if (zc_terminal_step(t->term))
			return "step failed";
		zc_vreader_remove(t->vr);
		if (zc_terminal_step(t->term))
			return "step failed";
		zc_simclock_advance(&t->f->sc, 1000);
		struct timespec d = {0, 2 * 1000000L}; /* cadres come one by one */
		nanosleep(&d, NULL);
	}
	return NULL;
}

static void test_taps_during_pull(void **state)
{
	fx *f = *state;
	char err[256], fbspec[1200];
	zc_reader *rd;
	zc_feedback *fb;
	tapper t = {.f = f, .taps = 150};
	add_taps(f, 400); /* a pull of several frames */
	assert_int_equal(zc_vreader_new(&rd, &t.vr), 0);
	const uint8_t uid[] = {0x04, 0xA2, 0x2B, 0x91};
	assert_int_equal(zc_vcard_uid_new(uid, sizeof uid, &t.card), 0);
	snprintf(fbspec, sizeof fbspec, "log:%s/feedback.log", f->dir);
	assert_int_equal(zc_feedback_from_spec(fbspec, &fb, err, sizeof err), 0);
	zc_terminal_cfg tc = {480, 0, 1, 0}; /* no duplicate window: every tap counts */
	zc_termstate_lock(f->ts);
	zc_termlog *log = zc_termstate_log(f->ts);
	zc_termstate_unlock(f->ts);
	assert_int_equal(zc_terminal_new(log, rd, &f->clk, fb, NULL, &tc, &t.term), 0);
	zc_terminal_set_lock(t.term, tap_lock, tap_unlock, &t);
	uint64_t h0 = head(f, NULL);

	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, tap_thread, &t), 0);
	/* pull repeatedly, one frame at a time, while the taps come in: each
	 * pull ends at the head of its moment, the next takes what was tapped
	 * meanwhile */
	pulled pl;
	uint64_t from = 1, pulls = 0, grew = 0;
	double t0 = mono_ms();
	for (;;) {
		uint64_t h_get = head(f, NULL);
		pull(f, from, 1, 0, &pl);
		grew += pl.end.head_seq > h_get; /* taps streamed in the same pull */
		from = pl.next;
		pulls++;
		if (head(f, NULL) >= h0 + (uint64_t)t.taps && pl.end.head_seq == head(f, NULL))
			break;
		assert_true(mono_ms() - t0 < 4000);
		if (!pl.frames) {
			struct timespec d = {0, 1000000L}; /* nothing new: ask again soon */
			nanosleep(&d, NULL);
		}
	}
	void *res;
	pthread_join(th, &res);
	assert_null(res);
	/* one more pull after the tap loop stopped: everything, nothing lost */
	pull(f, from, 8, 0, &pl);
	uint64_t h = head(f, NULL);
	assert_int_equal(h, h0 + (uint64_t)t.taps); /* every tap recorded */
	assert_int_equal(pl.next, h + 1);
	zc_terminal_stats st;
	zc_terminal_stats_get(t.term, &st);
	assert_int_equal(st.taps, (uint64_t)t.taps);
	zc_linksrv_stats ls;
	zc_linksrv_stats_get(f->srv, &ls);
	print_message("taps during pulls: %d taps, %llu pulls (%llu took taps made during them), %llu records "
		      "sent, lock wait max %.2f ms, tap hold max %.2f ms\n",
		      t.taps, (unsigned long long)pulls, (unsigned long long)grew, (unsigned long long)ls.records_out,
		      t.max_wait_ms, t.max_hold_ms);
	assert_true(pulls >= 2);
	/* a tap waits at most about one frame's worth of journal reads */
	assert_true(t.max_wait_ms < 100);
	zc_terminal_free(t.term);
	zc_feedback_free(fb);
	zc_reader_free(rd);
	zc_vcard_free(t.card);
}

typedef struct follower {
	fx *f;
	zc_terminal *term;
	int delay_ms;
	int applied;
} follower;

/* What main does after a step: see the generation change, take the event
 * log, say it is applied. */
static void *follow_thread(void *arg)
{
	follower *fl = arg;
	for (int i = 0; i < 1000 && !fl->applied; i++) {
		zc_termstate_lock(fl->f->ts);
		uint64_t g = zc_termstate_generation(fl->f->ts);
		zc_termlog *log = zc_termstate_log(fl->f->ts);
		zc_termstate_unlock(fl->f->ts);
		if (g) {
			struct timespec d = {0, fl->delay_ms * 1000000L};
			nanosleep(&d, NULL);
			zc_terminal_set_log(fl->term, log);
			zc_termstate_lock(fl->f->ts);
			zc_termstate_applied(fl->f->ts, g);
			zc_termstate_unlock(fl->f->ts);
			fl->applied = 1;
			break;
		}
		struct timespec d = {0, 5 * 1000000L};
		nanosleep(&d, NULL);
	}
	return NULL;
}

static void lock_ts(void *ts)
{
	zc_termstate_lock(ts);
}

static void unlock_ts(void *ts)
{
	zc_termstate_unlock(ts);
}

/* An unprovisioned tap loop refuses taps with a message and records
 * nothing; once provisioned over the link it records. */
static void test_unprovisioned_taps(void **state)
{
	fx *f = *state;
	char err[256], fbspec[1300], fbpath[1200], text[ZC_TEXT_MAX + 1];
	zc_reader *rd;
	zc_vreader *vr;
	zc_feedback *fb;
	zc_vcard *card;
	zc_terminal *term;
	zc_wire_hello h;
	assert_int_equal(zc_vreader_new(&rd, &vr), 0);
	const uint8_t uid[] = {0x04, 0xA2, 0x2B, 0x91};
	assert_int_equal(zc_vcard_uid_new(uid, sizeof uid, &card), 0);
	snprintf(fbpath, sizeof fbpath, "%s/feedback.log", f->dir);
	snprintf(fbspec, sizeof fbspec, "log:%s", fbpath);
	assert_int_equal(zc_feedback_from_spec(fbspec, &fb, err, sizeof err), 0);
	zc_terminal_cfg tc = {480, 0, 1, 0};
	zc_termstate_lock(f->ts);
	assert_null(zc_termstate_log(f->ts));
	zc_termstate_unlock(f->ts);
	assert_int_equal(zc_terminal_new(NULL, rd, &f->clk, fb, NULL, &tc, &term), 0);
	zc_terminal_set_lock(term, lock_ts, unlock_ts, f->ts);
	zc_vreader_present(vr, card);
	assert_int_equal(zc_terminal_step(term), 0);
	zc_vreader_remove(vr);
	assert_int_equal(zc_terminal_step(term), 0);
	assert_int_equal(head(f, NULL), 0);
	size_t n;
	char *log = (char *)tu_read_file(fbpath, &n);
	assert_non_null(log);
	assert_non_null(strstr(log, "终端尚未初始化"));
	free(log);

	/* A stand-in for the main loop follows the state, slowly: the host
	 * hears OK only once the tap loop has the event log. */
	follower fl = {.f = f, .term = term, .delay_ms = 150};
	pthread_t th;
	zc_termstate_follow(f->ts);
	assert_int_equal(pthread_create(&th, NULL, follow_thread, &fl), 0);
	hello(f, &h);
	double t0 = mono_ms();
	assert_int_equal(provision(f, f->host, f->host, "K01", "T01", NULL, 0, "K01", text), ZC_WIRE_OK);
	double waited = mono_ms() - t0;
	pthread_join(th, NULL);
	assert_true(waited >= 140);
	assert_true(fl.applied);
	uint64_t h0 = head(f, NULL);
	zc_vreader_present(vr, card);
	assert_int_equal(zc_terminal_step(term), 0);
	zc_vreader_remove(vr);
	assert_int_equal(zc_terminal_step(term), 0);
	assert_int_equal(head(f, NULL), h0 + 1);
	zc_rec r;
	last_rec(f, &r);
	assert_int_equal(r.kind, ZC_KIND_TAP);
	assert_string_equal(r.terminal, "K01");
	zc_terminal_free(term);
	zc_feedback_free(fb);
	zc_reader_free(rd);
	zc_vcard_free(card);
}

/* The same server over a real pseudo-terminal made by the serial code, the
 * host opening the published link as a tty. */
static void test_pty(void **state)
{
	fx *f = *state;
	char link[1200], err[256];
	zc_serial *pty, *host;
	zc_linksrv_stop(f->srv);
	f->srv = NULL;
	snprintf(link, sizeof link, "%s/link", f->dir);
	char spec[1400];
	snprintf(spec, sizeof spec, "pty:%s", link);
	assert_int_equal(zc_serial_open(spec, 0, &pty, err, sizeof err), 0);
	struct stat st;
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	zc_linksrv_cfg lc = {pty, f->ts, "test-fw 1.0", 20, 1000};
	assert_int_equal(zc_linksrv_start(&lc, &f->srv), 0);
	assert_int_equal(zc_serial_open(link, 115200, &host, err, sizeof err), 0);
	zc_serial *sock = f->hport;
	f->hport = host;
	zc_wire_decoder_init(&f->dec);
	f->rx_len = f->rx_off = 0;
	add_taps(f, 100);
	zc_wire_hello h;
	hello(f, &h);
	assert_string_equal(h.terminal, "K01");
	pulled pl;
	pull(f, 1, 4, 0, &pl);
	assert_int_equal(pl.next, head(f, NULL) + 1);
	/* the host goes away and another comes: the terminal keeps serving */
	zc_serial_free(host);
	assert_int_equal(zc_serial_open(link, 115200, &host, err, sizeof err), 0);
	f->hport = host;
	zc_wire_decoder_init(&f->dec);
	f->rx_len = f->rx_off = 0;
	hello(f, &h);
	assert_int_equal(h.head_seq, head(f, NULL));
	zc_serial_free(host);
	f->hport = sock;
	zc_linksrv_stop(f->srv);
	f->srv = NULL;
	zc_serial_free(pty);
	assert_int_not_equal(lstat(link, &st), 0); /* the link is gone with the port */
	/* a regular file is never replaced by a link */
	assert_int_equal(tu_write_file(link, "x", 1), 0);
	assert_int_equal(zc_serial_open(spec, 0, &pty, err, sizeof err), ZC_EEXIST);
	start_server(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_hello, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_provision, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_get_records, setup_prov, teardown),
	    cmocka_unit_test_setup_teardown(test_get_records_pruned, setup_prov, teardown),
	    cmocka_unit_test_setup_teardown(test_status, setup_prov, teardown),
	    cmocka_unit_test_setup_teardown(test_set_time, setup_prov, teardown),
	    cmocka_unit_test_setup_teardown(test_command_window, setup_prov, teardown),
	    cmocka_unit_test_setup_teardown(test_ack_collected, setup_prov, teardown),
	    cmocka_unit_test_setup_teardown(test_revocations, setup_prov, teardown),
	    cmocka_unit_test_setup_teardown(test_taps_during_pull, setup_prov, teardown),
	    cmocka_unit_test_setup_teardown(test_unprovisioned_taps, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_pty, setup_prov, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
