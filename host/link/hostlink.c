/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hostlink.c: the host's client of the terminal link (zc/hostlink.h). The
 * bytes travel through a zc_link_ops: link_fd.c (a file descriptor) and
 * link_serial.c (libserialport) are the two transports; ports.c finds ports.
 *
 * Every request gets a fresh req_id and only an answer carrying that id is
 * taken as its answer: RECORDS frames still on the line from an abandoned
 * request, a RESULT for a command given up on, line noise that happens to
 * decode, all are counted as stale and skipped. A request is retried after
 * the timeout only where that is harmless (HELLO, STATUS, GET_RECORDS from
 * the next missing seq); a command is retried only once a HELLO has shown
 * it was not applied (the nonce is unchanged).
 *
 * Protocol version 2: nothing the terminal says is believed unless it is
 * signed by the terminal's key. HELLO_REQ carries a fresh host nonce and
 * the HELLO must be signed over it by the key it presents (the caller then
 * checks that key against the one registered, zc/collect.h; while
 * provisioning, the presented key is all there is, and it is trusted for
 * nothing but the answers of this session). A RESULT to a command must
 * carry the hash of that very command and verify under the same key, or
 * the command's outcome is unknown and the call fails. A command is signed
 * over a nonce at most half the terminal's window old (a HELLO first
 * otherwise), since the terminal refuses it once the window is over.
 */
#include "zc/hostlink.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "zc/bytes.h"
#include "zc/err.h"
#include "zc/timeutil.h"

#define DEFAULT_TIMEOUT_MS 3000
#define DEFAULT_RETRIES	   4
#define DEFAULT_WINDOW	   8
#define WRITE_TIMEOUT_MS   5000
#define BAD_GRACE_MS	   150 /* quiet after a garbled frame: ask again */
#define BAD_RETRIES	   24  /* requests sent again after garbled answers */

struct zc_hostlink {
	const zc_link_ops *ops;
	void *ctx;
	uint16_t max_payload; /* asked of the terminal; 0: full frames. Halved
			       * at every request sent again, down to
			       * ZC_WIRE_GET_MIN_PAYLOAD: a noisy line gets
			       * frames small enough to arrive whole. */
	unsigned timeout_ms, retries;
	uint16_t req_id;
	zc_wire_decoder dec;
	uint8_t rx[4096];
	size_t rx_off, rx_len; /* unconsumed input rx[rx_off..rx_len) */
	int have_nonce;
	uint8_t nonce[ZC_WIRE_NONCE_LEN];
	int64_t nonce_at; /* zc_mono_ms() when it came */
	zc_pubkey *tkey;  /* the key the session's first HELLO was signed by */
	uint8_t tkey_fp[ZC_HASH_LEN];
	uint8_t get_hash[ZC_HASH_LEN]; /* request hash of the last GET_RECORDS */
	char terminal[ZC_TERMINAL_ID_MAX + 1];
	int last_result;
	const volatile sig_atomic_t *cancel;
	char errmsg[256];
	zc_hostlink_stats st;
	uint8_t tx[ZC_WIRE_ENCODED_MAX];
	uint8_t pl[ZC_WIRE_PAYLOAD_MAX];
	zc_wire_frame f;
	zc_wire_command cmd;
};

static int fail(zc_hostlink *h, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(zc_hostlink *h, int rc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(h->errmsg, sizeof h->errmsg, fmt, ap);
	va_end(ap);
	return rc;
}

/* ---- the handle ---- */

int zc_hostlink_new(const zc_link_ops *ops, void *ctx, zc_hostlink **out)
{
	if (!out || !ops || ops->version != ZC_LINK_OPS_VERSION || !ops->read || !ops->write) {
		if (ops && ops->close)
			ops->close(ctx);
		return ZC_EARG;
	}
	*out = NULL;
	zc_hostlink *h = calloc(1, sizeof *h);
	if (!h) {
		if (ops->close)
			ops->close(ctx);
		return ZC_ENOMEM;
	}
	h->ops = ops;
	h->ctx = ctx;
	h->timeout_ms = DEFAULT_TIMEOUT_MS;
	h->retries = DEFAULT_RETRIES;
	/* Start somewhere else each run, so that answers to a previous run's
	 * requests still on the line are not mistaken for ours. */
	uint16_t r = 0;
	if (zc_random(&r, sizeof r))
		r = (uint16_t)(zc_mono_ms() * 2654435761u >> 16);
	h->req_id = r;
	zc_wire_decoder_init(&h->dec);
	*out = h;
	return 0;
}

void zc_hostlink_close(zc_hostlink *h)
{
	if (!h)
		return;
	if (h->ops->close)
		h->ops->close(h->ctx);
	memset(h->nonce, 0, sizeof h->nonce);
	zc_pubkey_free(h->tkey);
	free(h);
}

void zc_hostlink_set_timeout(zc_hostlink *h, unsigned timeout_ms, unsigned retries)
{
	if (!h)
		return;
	h->timeout_ms = timeout_ms ? timeout_ms : DEFAULT_TIMEOUT_MS;
	h->retries = retries;
}

void zc_hostlink_set_cancel(zc_hostlink *h, const volatile sig_atomic_t *flag)
{
	if (h)
		h->cancel = flag;
}

const char *zc_hostlink_errmsg(const zc_hostlink *h)
{
	return h ? h->errmsg : "no link";
}

int zc_hostlink_last_result(const zc_hostlink *h)
{
	return h ? h->last_result : -1;
}

void zc_hostlink_get_stats(const zc_hostlink *h, zc_hostlink_stats *st)
{
	if (!h || !st)
		return;
	*st = h->st;
	st->frames_dropped = h->dec.dropped;
}

/* ---- frames ---- */

static uint16_t next_req(zc_hostlink *h)
{
	if (++h->req_id == 0)
		h->req_id = 1;
	return h->req_id;
}

static int send_frame(zc_hostlink *h, uint8_t type, uint16_t req, const uint8_t *payload, size_t len)
{
	int n = zc_wire_encode(type, req, payload, len, h->tx, sizeof h->tx);
	if (n < 0)
		return fail(h, ZC_EARG, "cannot encode a %s frame of %zu bytes", zc_wire_type_name(type), len);
	int rc = h->ops->write(h->ctx, h->tx, (size_t)n, WRITE_TIMEOUT_MS);
	if (rc)
		return fail(h, rc == ZC_EAGAIN ? ZC_EIO : rc, "writing to the link failed (%s)", zc_strerror(rc));
	h->st.bytes_tx += (uint64_t)n;
	h->st.frames_tx++;
	return 0;
}

/* Wait for one good frame into h->f: 1; 0 after timeout_ms of silence;
 * 2 after a shorter silence (BAD_GRACE_MS) that followed a frame the
 * decoder dropped (the answer was probably garbled: ask again at once
 * rather than wait out the timeout); negative when the link broke. Bytes
 * arriving keep the wait open (a slow line takes seconds for one long
 * frame), but only for three frames' worth of bytes that make no good frame
 * (line noise, a babbling device). */
static int recv_frame(zc_hostlink *h, unsigned timeout_ms)
{
	unsigned idle = timeout_ms;
	int64_t deadline = zc_mono_ms() + idle;
	uint64_t dropped0 = h->dec.dropped;
	size_t junk = 0;
	for (;;) {
		while (h->rx_off < h->rx_len) {
			size_t used = 0;
			int got = zc_wire_decoder_feed(&h->dec, h->rx + h->rx_off, h->rx_len - h->rx_off, &used, &h->f);
			if (got == 1) {
				h->rx_off += used;
				h->st.frames_rx++;
				return 1;
			}
			h->rx_off = h->rx_len; /* all fed, no frame complete */
		}
		h->rx_off = h->rx_len = 0;
		if (h->cancel && *h->cancel)
			return fail(h, ZC_EAGAIN, "cancelled");
		if (h->dec.dropped != dropped0 && idle > BAD_GRACE_MS) {
			idle = BAD_GRACE_MS;
			if (deadline > zc_mono_ms() + idle)
				deadline = zc_mono_ms() + idle;
		}
		int64_t left = deadline - zc_mono_ms();
		if (left <= 0)
			return h->dec.dropped != dropped0 ? 2 : 0;
		if (h->cancel && left > 200)
			left = 200; /* look at the flag now and then */
		int n = h->ops->read(h->ctx, h->rx, sizeof h->rx, (unsigned)(left > INT_MAX ? INT_MAX : left));
		if (n < 0)
			return fail(h, ZC_EIO, "the port hung up or failed (%s)", zc_strerror(n));
		h->rx_len = (size_t)n;
		h->st.bytes_rx += (uint64_t)n;
		junk += (size_t)n;
		if (n && junk <= 3 * (size_t)ZC_WIRE_ENCODED_MAX)
			deadline = zc_mono_ms() + idle;
	}
}

/* Good frames that are not the awaited answer, tolerated per wait before
 * it counts as no answer (frames of an abandoned stream end quickly). */
#define STALE_MAX 64

/* A refusal (RESULT) of a request whose hash is rh: once the session's key
 * is known (after the first HELLO) it must be signed by it over that
 * request; before, it is only a refusal (believing it costs nothing but
 * the request). 0 or ZC_ESIG. */
static int refusal_check(zc_hostlink *h, const zc_wire_result_msg *m, const uint8_t rh[ZC_HASH_LEN], uint8_t type)
{
	if (!h->tkey)
		return 0;
	if (memcmp(m->req_hash, rh, ZC_HASH_LEN) || zc_wire_result_verify(m, h->tkey))
		return fail(h, ZC_ESIG, "%s: answer not signed by terminal %s, refused (forged?)",
			    zc_wire_type_name(type), h->terminal[0] ? h->terminal : "(unprovisioned)");
	return 0;
}

/* Send a request and wait for the frame of type want carrying its req_id
 * (or a RESULT refusing it), asking again on timeout up to the retries.
 * The answer is in h->f. 0, or an error. */
static int transact(zc_hostlink *h, uint8_t type, const uint8_t *payload, size_t len, uint8_t want)
{
	unsigned garbled = 0;
	for (unsigned attempt = 0;;) {
		uint16_t req = next_req(h);
		int rc = send_frame(h, type, req, payload, len), again = 0;
		if (rc)
			return rc;
		for (unsigned stale = 0; stale < STALE_MAX; stale++) {
			rc = recv_frame(h, h->timeout_ms);
			if (rc < 0)
				return rc;
			if (rc == 2 && garbled < BAD_RETRIES) {
				garbled++; /* a garbled answer: again, at once */
				again = 1;
				break;
			}
			if (rc != 1)
				break;
			if (h->f.req_id != req) {
				h->st.stale++;
				continue;
			}
			if (h->f.type == want)
				return 0;
			if (h->f.type == ZC_WIRE_RESULT) {
				zc_wire_result_msg m;
				uint8_t rh[ZC_HASH_LEN];
				if (zc_wire_result_decode(h->f.payload, h->f.len, &m))
					return fail(h, ZC_EMALFORMED, "the terminal's RESULT does not decode");
				zc_wire_request_hash(type, req, payload, len, rh);
				if ((rc = refusal_check(h, &m, rh, type)))
					return rc;
				h->last_result = m.code;
				return fail(h, ZC_ESTATE, "the terminal refused %s: %s%s%s", zc_wire_type_name(type),
					    zc_wire_result_name(m.code), m.text[0] ? ": " : "", m.text);
			}
			h->st.stale++;
		}
		if (!again && attempt++ >= h->retries)
			return fail(h, garbled > attempt ? ZC_ECHECKSUM : ZC_EAGAIN,
				    "no answer to %s within %u ms (%u attempts, %u garbled answers)",
				    zc_wire_type_name(type), h->timeout_ms, attempt, garbled);
		h->st.retries++;
	}
}

/* ---- requests ---- */

/* The HELLO in h->f, asked for over host_nonce: decoded into *hello and
 * signed by the key it presents, which is the session's key from now on
 * (and must not change within the session). */
static int hello_check(zc_hostlink *h, const uint8_t host_nonce[ZC_WIRE_NONCE_LEN], zc_wire_hello *hello)
{
	zc_pubkey *k = NULL;
	int rc = zc_wire_hello_decode(h->f.payload, h->f.len, hello);
	if (rc == ZC_EVERSION)
		return fail(h, ZC_EVERSION,
			    "the terminal speaks protocol version %u, this host version %d: update the older one",
			    h->f.len ? h->f.payload[0] : 0, ZC_WIRE_VERSION);
	if (rc)
		return fail(h, ZC_EMALFORMED, "the terminal's HELLO does not decode");
	if (h->tkey && memcmp(h->tkey_fp, hello->key_fp, ZC_HASH_LEN))
		return fail(h, ZC_ESIG,
			    "the terminal's key changed within one session: refused (another device on the line?)");
	if (!h->tkey && zc_pubkey_parse(hello->pubkey, hello->pubkey_len, &k))
		return fail(h, ZC_EMALFORMED, "the terminal's HELLO carries a key that does not parse");
	if (zc_wire_hello_verify(hello, host_nonce, h->tkey ? h->tkey : k)) {
		zc_pubkey_free(k);
		return fail(h, ZC_ESIG,
			    "the terminal's HELLO is not signed by its key over this host's nonce: refused "
			    "(altered or replayed on the line)");
	}
	if (k) {
		h->tkey = k;
		memcpy(h->tkey_fp, hello->key_fp, ZC_HASH_LEN);
	}
	return 0;
}

int zc_hostlink_hello(zc_hostlink *h, zc_wire_hello *hello, int64_t *local_ms)
{
	uint8_t host_nonce[ZC_WIRE_NONCE_LEN], pl[ZC_WIRE_NONCE_LEN];
	if (!h || !hello)
		return ZC_EARG;
	h->errmsg[0] = 0;
	if (zc_random(host_nonce, sizeof host_nonce))
		return fail(h, ZC_ECRYPTO, "no randomness for a nonce");
	int n = zc_wire_hello_req_encode(host_nonce, pl, sizeof pl);
	int64_t t0 = zc_real_ms();
	int rc = transact(h, ZC_WIRE_HELLO_REQ, pl, (size_t)n, ZC_WIRE_HELLO);
	if (rc)
		return rc;
	int64_t t1 = zc_real_ms();
	if ((rc = hello_check(h, host_nonce, hello)))
		return rc;
	memcpy(h->nonce, hello->nonce, ZC_WIRE_NONCE_LEN);
	h->have_nonce = 1;
	h->nonce_at = zc_mono_ms();
	snprintf(h->terminal, sizeof h->terminal, "%s", hello->terminal);
	if (local_ms)
		*local_ms = t0 + (t1 - t0) / 2;
	return 0;
}

int zc_hostlink_status(zc_hostlink *h, zc_wire_status *st)
{
	if (!h || !st)
		return ZC_EARG;
	h->errmsg[0] = 0;
	int rc = transact(h, ZC_WIRE_STATUS_REQ, NULL, 0, ZC_WIRE_STATUS);
	if (rc)
		return rc;
	if (zc_wire_status_decode(h->f.payload, h->f.len, st))
		return fail(h, ZC_EMALFORMED, "the terminal's STATUS does not decode");
	return 0;
}

/* ---- pull ---- */

void zc_pull_rates(const zc_pull_progress *p, double *bytes_per_s, double *records_per_s, double *eta_s)
{
	double secs = p->elapsed_ms > 0 ? (double)p->elapsed_ms / 1000.0 : 0.0;
	double bps = secs > 0 ? (double)p->line_bytes / secs : 0.0;
	double rps = secs > 0 ? (double)p->records / secs : 0.0;
	double eta = -1.0;
	uint64_t left = p->head_seq >= p->next_seq ? p->head_seq - p->next_seq + 1 : 0;
	if (p->done || (p->head_seq && !left))
		eta = 0.0;
	else if (p->head_seq && p->records && p->elapsed_ms >= 100 && rps > 0)
		eta = (double)left / rps;
	if (bytes_per_s)
		*bytes_per_s = bps;
	if (records_per_s)
		*records_per_s = rps;
	if (eta_s)
		*eta_s = eta;
}

static int send_get(zc_hostlink *h, uint64_t from, uint16_t window, uint16_t *req)
{
	zc_wire_get g = {.from_seq = from, .credit = window, .max_payload = h->max_payload};
	int n = zc_wire_get_encode(&g, h->pl, sizeof h->pl);
	if (n < 0)
		return fail(h, ZC_EARG, "cannot encode GET_RECORDS");
	*req = next_req(h);
	zc_wire_request_hash(ZC_WIRE_GET_RECORDS, *req, h->pl, (size_t)n, h->get_hash);
	return send_frame(h, ZC_WIRE_GET_RECORDS, *req, h->pl, (size_t)n);
}

/* Ask again from p->next_seq, counted and bounded by the retries between
 * two frames that brought something new. A probe asks for one frame only
 * (credit 1): its first frame is certainly the first the terminal sent for
 * it, so a jump in it is a record the terminal skipped, not a lost frame. */
static int rerequest(zc_hostlink *h, zc_pull_progress *p, uint16_t window, int probe, unsigned *count, unsigned limit,
		     int err, uint16_t *req, const char *why)
{
	if (*count >= limit)
		return fail(h, err,
			    "%s: seq %llu asked for %u times without progress (timeout %u ms, %llu garbled frames)",
			    why, (unsigned long long)p->next_seq, *count + 1, h->timeout_ms,
			    (unsigned long long)h->dec.dropped);
	(*count)++;
	p->rerequests++;
	h->st.retries++;
	unsigned cur = h->max_payload ? h->max_payload : ZC_WIRE_PAYLOAD_MAX;
	h->max_payload = (uint16_t)(cur / 2 < ZC_WIRE_GET_MIN_PAYLOAD ? ZC_WIRE_GET_MIN_PAYLOAD : cur / 2);
	return send_get(h, p->next_seq, probe ? 1 : window, req);
}

/* The state of one pull between frames. */
typedef struct pull {
	zc_hostlink *h;
	const zc_pull_opts *o;
	zc_pull_progress p;
	uint16_t req, window;
	unsigned stalls;	/* silences since the last progress (h->retries) */
	unsigned losses;	/* frames lost or garbled since then (BAD_RETRIES) */
	unsigned stale;		/* frames without progress since the last request */
	int probe;		/* the current request is a probe (credit 1) */
	unsigned req_frames;	/* RECORDS frames of the current request */
	unsigned empty_probes;	/* probes answered by END alone, in a row */
	uint64_t probe_dropped; /* garbled frames seen when the probe went out */
	int64_t t0;
	uint64_t rx0;
} pull;

/* A handler's "go on" (the pull is over once p.done is set); anything else
 * ends the pull: a negative zc_err, or the record callback's own stop. */
enum { PULL_MORE = 0 };

static int ask_again(pull *u, int as_probe, unsigned *counter, unsigned limit, int err, const char *why)
{
	u->stale = u->req_frames = 0;
	u->probe = as_probe;
	u->probe_dropped = u->h->dec.dropped;
	return rerequest(u->h, &u->p, u->window, u->probe, counter, limit, err, &u->req, why);
}

static void stale_frame(pull *u)
{
	u->h->st.stale++;
	u->stale++;
}

/* Hand the new records of m to the caller; PULL_MORE, or the callback's stop. */
static int deliver(pull *u, const zc_wire_records *m)
{
	zc_pull_progress *p = &u->p;
	for (uint16_t i = (uint16_t)(p->next_seq - m->first_seq); i < m->count; i++) {
		int rc = u->o->on_record(u->o->arg, p->next_seq, m->rec[i], m->len[i]);
		if (rc) {
			snprintf(u->h->errmsg, sizeof u->h->errmsg, "stopped at seq %llu",
				 (unsigned long long)p->next_seq);
			return rc;
		}
		p->next_seq++;
		p->records++;
		p->rec_bytes += m->len[i];
	}
	p->frames++;
	u->stalls = u->losses = u->stale = u->empty_probes = 0;
	u->probe = 0;
	if (p->next_seq - 1 > p->head_seq)
		p->head_seq = p->next_seq - 1;
	if (u->o->on_progress) {
		p->elapsed_ms = zc_mono_ms() - u->t0;
		p->line_bytes = u->h->st.bytes_rx - u->rx0;
		u->o->on_progress(u->o->arg, p);
	}
	return PULL_MORE;
}

static int on_records(pull *u, int current)
{
	zc_hostlink *h = u->h;
	zc_wire_records m;
	unsigned nth = current ? ++u->req_frames : 0;
	int rc;
	if (current) {
		/* Grant the next frame before working on this one; after a
		 * probe, open the window again. */
		uint8_t cb[8];
		int n = zc_wire_credit_encode(u->probe && nth == 1 ? u->window : 1, cb, sizeof cb);
		if (n < 0 || (rc = send_frame(h, ZC_WIRE_CREDIT, u->req, cb, (size_t)n)))
			return n < 0 ? ZC_EARG : rc;
	}
	if (zc_wire_records_decode(h->f.payload, h->f.len, &m) || !m.count) {
		stale_frame(u); /* as good as lost; the next frame shows the jump */
		return PULL_MORE;
	}
	if (m.first_seq > u->p.next_seq) {
		if (!(current && u->probe && nth == 1)) {
			/* A frame was lost (or the terminal skips a record it
			 * cannot read: a probe tells). */
			stale_frame(u);
			return current
				   ? ask_again(u, 1, &u->losses, BAD_RETRIES, ZC_ECHECKSUM, "frames keep getting lost")
				   : PULL_MORE;
		}
		/* The terminal does not have these (a damaged journal entry):
		 * the store will see the gap. */
		u->p.skipped += m.first_seq - u->p.next_seq;
		u->p.next_seq = m.first_seq;
	}
	if (m.first_seq + m.count - 1 < u->p.next_seq) {
		stale_frame(u); /* seen already */
		return PULL_MORE;
	}
	return deliver(u, &m);
}

static int on_end(pull *u)
{
	zc_wire_end e;
	zc_pull_progress *p = &u->p;
	if (zc_wire_end_decode(u->h->f.payload, u->h->f.len, &e)) {
		stale_frame(u);
		return PULL_MORE;
	}
	p->head_seq = e.head_seq;
	if (e.first_seq > p->next_seq && p->next_seq <= e.head_seq) {
		/* Deleted from the terminal after another host collected
		 * them: go on from the oldest held. */
		p->pruned_to = e.first_seq - 1;
		p->next_seq = e.first_seq;
		u->stalls = 0;
		return ask_again(u, 0, &u->stalls, u->h->retries, ZC_EAGAIN, "the terminal's oldest record moves");
	}
	if (p->next_seq > e.head_seq) {
		p->done = 1;
		return PULL_MORE;
	}
	if (u->h->dec.dropped != u->probe_dropped) {
		u->empty_probes = 0; /* a frame may have been garbled */
	} else if (u->probe && !u->req_frames && ++u->empty_probes >= 2) {
		/* Twice END alone for a probe, nothing garbled meanwhile: the
		 * terminal has nothing readable from next_seq to its head. */
		p->skipped += e.head_seq - p->next_seq + 1;
		p->next_seq = e.head_seq + 1;
		p->done = 1;
		return PULL_MORE;
	}
	/* END before everything arrived: frames were lost, or the terminal
	 * skips unreadable records. */
	return ask_again(u, 1, &u->losses, BAD_RETRIES, ZC_ECHECKSUM, "records before the terminal's END never arrive");
}

static int on_result(pull *u)
{
	zc_wire_result_msg r;
	zc_hostlink *h = u->h;
	if (zc_wire_result_decode(h->f.payload, h->f.len, &r))
		return fail(h, ZC_EMALFORMED, "the terminal's RESULT does not decode");
	int rc = refusal_check(h, &r, h->get_hash, ZC_WIRE_GET_RECORDS);
	if (rc)
		return rc;
	h->last_result = r.code;
	return fail(h, ZC_ESTATE, "the terminal refused GET_RECORDS from seq %llu: %s%s%s",
		    (unsigned long long)u->p.next_seq, zc_wire_result_name(r.code), r.text[0] ? ": " : "", r.text);
}

/* One frame or one silence: PULL_MORE, or an error / stop. */
static int pull_step(pull *u)
{
	zc_hostlink *h = u->h;
	int rc = recv_frame(h, h->timeout_ms);
	if (rc < 0)
		return rc;
	if (rc == 0) /* nothing for a whole timeout: a lost GET, CREDIT or frame */
		return ask_again(u, 0, &u->stalls, h->retries, ZC_EAGAIN, "no records from the terminal");
	if (rc == 2) /* quiet after a garbled frame: it was the last */
		return ask_again(u, 0, &u->losses, BAD_RETRIES, ZC_ECHECKSUM, "frames keep arriving garbled");
	if (u->stale > STALE_MAX + (unsigned)u->window)
		return ask_again(u, 0, &u->stalls, h->retries, ZC_EAGAIN, "only stale frames from the terminal");
	int current = h->f.req_id == u->req;
	if (h->f.type == ZC_WIRE_RECORDS)
		return on_records(u, current);
	if (h->f.type == ZC_WIRE_END && current)
		return on_end(u);
	if (h->f.type == ZC_WIRE_RESULT && current)
		return on_result(u);
	stale_frame(u);
	return PULL_MORE;
}

int zc_hostlink_pull(zc_hostlink *h, const zc_pull_opts *o, zc_pull_progress *out)
{
	if (!h || !o || !o->on_record || o->from_seq < 1)
		return ZC_EARG;
	pull u;
	memset(&u, 0, sizeof u);
	u.h = h;
	u.o = o;
	h->errmsg[0] = 0;
	u.window = o->window ? o->window : DEFAULT_WINDOW;
	u.p.from_seq = u.p.next_seq = o->from_seq;
	u.p.head_seq = o->head_hint;
	u.t0 = zc_mono_ms();
	u.rx0 = h->st.bytes_rx;
	int rc = send_get(h, u.p.next_seq, u.window, &u.req);
	while (!rc && !u.p.done)
		rc = pull_step(&u);
	u.p.elapsed_ms = zc_mono_ms() - u.t0;
	u.p.line_bytes = h->st.bytes_rx - u.rx0;
	if (o->on_progress)
		o->on_progress(o->arg, &u.p);
	if (out)
		*out = u.p;
	return rc;
}

/* ---- signed commands ---- */

/* Send h->cmd signed over h->nonce and wait for its RESULT (one attempt).
 * 1: a RESULT in *res; 0: no answer in time; negative: error. */
static int command_once(zc_hostlink *h, const char *terminal, zc_privkey *key, zc_wire_result_msg *res)
{
	int rc = zc_wire_cmd_sign(&h->cmd, terminal, h->nonce, key);
	if (rc)
		return fail(h, rc, "cannot sign the command (%s)", zc_strerror(rc));
	int n = zc_wire_command_encode(&h->cmd, h->pl, sizeof h->pl);
	if (n < 0)
		return fail(h, ZC_EARG, "cannot encode the command (body of %u bytes)", h->cmd.body_len);
	uint16_t req = next_req(h);
	uint8_t req_hash[ZC_HASH_LEN];
	zc_wire_request_hash(ZC_WIRE_COMMAND, req, h->pl, (size_t)n, req_hash);
	if ((rc = send_frame(h, ZC_WIRE_COMMAND, req, h->pl, (size_t)n)))
		return rc;
	for (unsigned stale = 0; stale < STALE_MAX; stale++) {
		rc = recv_frame(h, h->timeout_ms);
		if (rc < 0)
			return rc;
		if (rc != 1)
			return 0;
		if (h->f.req_id != req || h->f.type != ZC_WIRE_RESULT) {
			h->st.stale++;
			continue;
		}
		if (zc_wire_result_decode(h->f.payload, h->f.len, res))
			return fail(h, ZC_EMALFORMED, "the terminal's RESULT does not decode");
		if (!h->tkey || memcmp(res->req_hash, req_hash, ZC_HASH_LEN) || zc_wire_result_verify(res, h->tkey)) {
			h->have_nonce = 0;
			return fail(h, ZC_ESIG, "%s: answer not signed by terminal %s, refused (forged?)",
				    zc_wire_cmd_name(h->cmd.kind), h->terminal[0] ? h->terminal : "(unprovisioned)");
		}
		memcpy(h->nonce, res->nonce, ZC_WIRE_NONCE_LEN);
		h->nonce_at = zc_mono_ms();
		h->last_result = res->code;
		return 1;
	}
	return 0;
}

static const char *cmd_name(uint8_t kind)
{
	switch (kind) {
	case ZC_CMD_SET_TIME: return "SET_TIME";
	case ZC_CMD_ACK_COLLECTED: return "ACK_COLLECTED";
	case ZC_CMD_PROVISION: return "PROVISION";
	case ZC_CMD_REVOCATIONS: return "REVOCATIONS";
	default: return "signed";
	}
}

/* After a lost RESULT, with a fresh HELLO: 1 if the command visibly took
 * effect, 0 if it did not, -1 if that cannot be told (and sending it again
 * is harmless), -2 if it cannot be told and must not be sent again. */
static int cmd_applied(const zc_wire_command *c, const zc_wire_hello *hello, zc_privkey *key)
{
	switch (c->kind) {
	case ZC_CMD_ACK_COLLECTED:
		/* The watermark moved up to the acknowledged seq. */
		{
			uint64_t seq;
			uint8_t hash[ZC_HASH_LEN];
			if (zc_wire_ack_decode(c->body, c->body_len, &seq, hash))
				return -2;
			return hello->collected_seq >= seq;
		}
	case ZC_CMD_PROVISION: {
		/* The terminal carries the id and this host's key. */
		zc_wire_provision p;
		uint8_t fp[ZC_HASH_LEN];
		if (zc_wire_provision_decode(c->body, c->body_len, &p) || zc_privkey_fingerprint(key, fp))
			return -2;
		return !strcmp(hello->terminal, p.terminal) && !memcmp(hello->host_fp, fp, ZC_HASH_LEN);
	}
	case ZC_CMD_SET_TIME: /* setting the clock again is harmless */
	case ZC_CMD_REVOCATIONS: /* the same list again is a no-op */ return -1;
	default: return -2;
	}
}

int zc_hostlink_command(zc_hostlink *h, const char *terminal, uint8_t kind, const uint8_t *body, size_t body_len,
			zc_privkey *host_key, zc_wire_result_msg *res)
{
	zc_wire_hello hello;
	int rc, nonce_retry = 0;
	unsigned lost = 0;

	if (!h || !terminal || !host_key || !res || (!body && body_len) || body_len > sizeof h->cmd.body)
		return ZC_EARG;
	h->errmsg[0] = 0;
	memset(res, 0, sizeof *res);
	/* A nonce the terminal may already call stale: ask for a fresh one. */
	if (h->have_nonce && zc_mono_ms() - h->nonce_at > ZC_WIRE_CMD_WINDOW_MS / 2)
		h->have_nonce = 0;
	if (!h->have_nonce && (rc = zc_hostlink_hello(h, &hello, NULL)))
		return rc;
	memset(&h->cmd, 0, sizeof h->cmd);
	h->cmd.kind = kind;
	h->cmd.body_len = (uint16_t)body_len;
	if (body_len)
		memcpy(h->cmd.body, body, body_len);
	int64_t t_first = zc_mono_ms();
	for (;;) {
		rc = command_once(h, terminal, host_key, res);
		if (rc < 0)
			return rc;
		if (rc == 1) {
			if ((res->code == ZC_WIRE_E_NONCE || res->code == ZC_WIRE_E_EXPIRED) && !nonce_retry) {
				/* The nonce moved under us (a HELLO from
				 * elsewhere) or went stale (a slow line):
				 * sign over a fresh one. */
				nonce_retry = 1;
				if ((rc = zc_hostlink_hello(h, &hello, NULL)))
					return rc;
				continue;
			}
			return 0;
		}
		/* No RESULT in time: the command or its RESULT was lost. A
		 * HELLO (which also gives a new nonce) shows which, where the
		 * command leaves a visible trace. */
		h->have_nonce = 0;
		if ((rc = zc_hostlink_hello(h, &hello, NULL)))
			return rc;
		int applied = cmd_applied(&h->cmd, &hello, host_key);
		if (applied == 1) {
			res->code = ZC_WIRE_OK;
			snprintf(res->text, sizeof res->text, "accepted; result lost");
			memcpy(res->nonce, h->nonce, ZC_WIRE_NONCE_LEN);
			return 0;
		}
		if (applied == -2 || lost++ >= h->retries + (h->dec.dropped ? BAD_RETRIES / 2 : 0))
			return fail(h, ZC_EAGAIN, "no answer to the %s command within %u ms (%u attempts)",
				    cmd_name(kind), h->timeout_ms, lost);
		int64_t t;
		if (kind == ZC_CMD_SET_TIME && !zc_wire_set_time_decode(body, body_len, &t)) {
			/* The time to set has moved on meanwhile. */
			int n = zc_wire_set_time_encode(t + (zc_mono_ms() - t_first), h->cmd.body, sizeof h->cmd.body);
			if (n > 0)
				h->cmd.body_len = (uint16_t)n;
		}
		h->st.retries++;
	}
}

int zc_hostlink_set_time(zc_hostlink *h, const char *terminal, int64_t utc_ms, zc_privkey *host_key,
			 zc_wire_result_msg *res)
{
	uint8_t b[16];
	int n = zc_wire_set_time_encode(utc_ms, b, sizeof b);
	if (n < 0)
		return ZC_EARG;
	return zc_hostlink_command(h, terminal, ZC_CMD_SET_TIME, b, (size_t)n, host_key, res);
}

int zc_hostlink_ack_collected(zc_hostlink *h, const char *terminal, uint64_t up_to_seq, const uint8_t hash[ZC_HASH_LEN],
			      zc_privkey *host_key, zc_wire_result_msg *res)
{
	uint8_t b[8 + ZC_HASH_LEN + 8];
	if (!hash)
		return ZC_EARG;
	int n = zc_wire_ack_encode(up_to_seq, hash, b, sizeof b);
	if (n < 0)
		return ZC_EARG;
	return zc_hostlink_command(h, terminal, ZC_CMD_ACK_COLLECTED, b, (size_t)n, host_key, res);
}

int zc_hostlink_provision(zc_hostlink *h, const zc_wire_provision *p, zc_privkey *host_key, zc_wire_result_msg *res)
{
	if (!h || !p)
		return ZC_EARG;
	int n = zc_wire_provision_encode(p, h->pl, sizeof h->pl);
	if (n < 0)
		return fail(h, ZC_EARG, "the provisioning data does not fit a command");
	/* pl is reused by command encoding: copy the body out first. */
	uint8_t *body = malloc((size_t)n);
	if (!body)
		return ZC_ENOMEM;
	memcpy(body, h->pl, (size_t)n);
	/* A first PROVISION is signed for the id it gives, a later one for
	 * the id the terminal has (zc/wire.h). */
	int rc = ZC_EARG;
	zc_wire_hello hello;
	if (!h->have_nonce && (rc = zc_hostlink_hello(h, &hello, NULL))) {
		free(body);
		return rc;
	}
	char tid[ZC_TERMINAL_ID_MAX + 1];
	snprintf(tid, sizeof tid, "%s", h->terminal[0] ? h->terminal : p->terminal);
	rc = zc_hostlink_command(h, tid, ZC_CMD_PROVISION, body, (size_t)n, host_key, res);
	free(body);
	return rc;
}

int zc_hostlink_revocations(zc_hostlink *h, const char *terminal, const uint8_t *zrl, size_t len, zc_privkey *host_key,
			    zc_wire_result_msg *res)
{
	return zc_hostlink_command(h, terminal, ZC_CMD_REVOCATIONS, zrl, len, host_key, res);
}
