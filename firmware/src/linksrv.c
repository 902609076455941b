/* SPDX-License-Identifier: Apache-2.0 */
/*
 * linksrv.c: the terminal's link server (zc/linksrv.h).
 *
 * One thread runs a loop: read what the port has (waiting up to poll_ms
 * when there is nothing to send, not at all while a stream has credit),
 * answer every complete frame, then send at most one RECORDS frame of the
 * running stream. So requests are answered between the frames of a pull,
 * and the shared lock is held for one frame's worth of journal reads at a
 * time: a tap in the other thread waits at most that long. Frames are
 * encoded and written with the lock released.
 *
 * Nonces: a fresh random one for every HELLO and after every command whose
 * signature verified (accepted, or refused for what it asked: a wrong
 * hash, a full journal), so a signed command is used up once it arrived
 * and cannot be replayed later when it might succeed. Refusals of
 * forgeries keep the nonce. The last few nonces are remembered only to
 * tell a replay (a command that verifies over an earlier nonce:
 * ZC_WIRE_E_NONCE) from a forgery (ZC_WIRE_E_SIGNATURE); neither is ever
 * accepted. A nonce is good for ZC_WIRE_CMD_WINDOW_MS of the terminal's
 * monotonic clock after it was drawn: a command held back on the line
 * longer than that is refused (ZC_WIRE_E_EXPIRED), whatever it asks.
 *
 * Protocol version 2: every HELLO is signed with the terminal's journal key
 * over the host's nonce from HELLO_REQ, and every RESULT over the hash of
 * the request it answers, so a relay on the line can neither alter the
 * terminal's clock or head as the host sees them nor answer for it.
 */
#include "zc/linksrv.h"

#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "zc/bytes.h"
#include "zc/err.h"
#include "zc/journal.h"
#include "zc/record.h"
#include "zc/wire.h"

#define NONCE_HISTORY 8
#define CREDIT_MAX    (1u << 20)
#define TIME_MIN_MS   1577836800000LL /* 2020-01-01T00:00:00Z */
#define TIME_MAX_MS   4102444800000LL /* 2100-01-01T00:00:00Z */
#define APPLY_WAIT_MS 3000	      /* longest wait for the tap loop to take a change */

typedef struct stream {
	int active;
	uint16_t req_id;
	uint64_t next;		       /* next sequence number to send */
	uint32_t credit;	       /* RECORDS frames we may still send */
	size_t max_payload;	       /* the host's largest RECORDS payload */
	int at_head;		       /* the last frame reached the head: END may be due */
	uint8_t req_hash[ZC_HASH_LEN]; /* of its GET_RECORDS, for a RESULT */
} stream;

typedef struct counters {
	_Atomic uint64_t frames_in, frames_dropped, frames_out, records_out, streams, commands_ok, commands_refused,
	    write_timeouts, port_errors;
} counters;

struct zc_linksrv {
	zc_serial *port;
	zc_termstate *ts;
	char firmware[ZC_TEXT_MAX + 1];
	int poll_ms, write_timeout_ms;
	pthread_t thread;
	int started;
	atomic_int stop;
	counters c;
	/* the terminal's own key, read once */
	uint8_t key_fp[ZC_HASH_LEN];
	uint8_t pubkey[ZC_WIRE_PUBKEY_MAX];
	uint16_t pubkey_len;
	/* nonces */
	uint8_t nonce[ZC_WIRE_NONCE_LEN];
	uint64_t nonce_mono; /* the monotonic clock when it was drawn */
	uint8_t old[NONCE_HISTORY][ZC_WIRE_NONCE_LEN];
	uint8_t req_hash[ZC_HASH_LEN]; /* of the request being answered */
	int nold, oldpos;
	stream str;
	/* buffers (large: kept off the thread's stack) */
	zc_wire_decoder dec;
	zc_wire_frame in;
	zc_wire_command cmd;
	uint8_t payload[ZC_WIRE_PAYLOAD_MAX];
	uint8_t enc[ZC_WIRE_ENCODED_MAX];
	uint8_t rec[ZC_REC_MAX];
	uint8_t rx[4096];
};

/* ---- sending ---- */

static void send_frame(zc_linksrv *s, uint8_t type, uint16_t req_id, const uint8_t *payload, size_t len)
{
	int n = zc_wire_encode(type, req_id, payload, len, s->enc, sizeof s->enc);
	if (n < 0) {
		s->c.port_errors++; /* a bug: our own payload does not fit */
		return;
	}
	int rc = s->port->write(s->port->ctx, s->enc, (size_t)n, s->write_timeout_ms);
	if (rc == ZC_EAGAIN) {
		/* Nobody is reading: drop the stream and what is queued. */
		s->c.write_timeouts++;
		s->str.active = 0;
		if (s->port->flush)
			s->port->flush(s->port->ctx);
		return;
	}
	if (rc) {
		s->c.port_errors++;
		s->str.active = 0;
		return;
	}
	s->c.frames_out++;
}

static uint64_t mono_now(zc_linksrv *s)
{
	zc_termstate_lock(s->ts);
	const zc_clock *clk = zc_termstate_clock(s->ts);
	uint64_t t = clk->mono_ms(clk->ctx);
	zc_termstate_unlock(s->ts);
	return t;
}

static int new_nonce(zc_linksrv *s)
{
	memcpy(s->old[s->oldpos], s->nonce, ZC_WIRE_NONCE_LEN);
	s->oldpos = (s->oldpos + 1) % NONCE_HISTORY;
	if (s->nold < NONCE_HISTORY)
		s->nold++;
	s->nonce_mono = mono_now(s);
	return zc_random(s->nonce, ZC_WIRE_NONCE_LEN);
}

static void result(zc_linksrv *s, uint16_t req_id, uint8_t code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void result(zc_linksrv *s, uint16_t req_id, uint8_t code, const char *fmt, ...)
{
	zc_wire_result_msg m;
	memset(&m, 0, sizeof m);
	m.code = code;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(m.text, sizeof m.text, fmt, ap); /* cut to ZC_TEXT_MAX */
	va_end(ap);
	memcpy(m.nonce, s->nonce, ZC_WIRE_NONCE_LEN);
	memcpy(m.req_hash, s->req_hash, ZC_HASH_LEN);
	zc_termstate_lock(s->ts);
	int rc = zc_wire_result_sign(&m, zc_termstate_key(s->ts));
	zc_termstate_unlock(s->ts);
	int n = rc ? rc : zc_wire_result_encode(&m, s->payload, sizeof s->payload);
	if (n >= 0)
		send_frame(s, ZC_WIRE_RESULT, req_id, s->payload, (size_t)n);
	else
		s->c.port_errors++; /* a bug, or the key failed: nothing to answer with */
}

/* ---- HELLO and STATUS ---- */

static void hello(zc_linksrv *s, const zc_wire_frame *f)
{
	uint16_t req_id = f->req_id;
	uint8_t host_nonce[ZC_WIRE_NONCE_LEN];
	zc_wire_hello h;
	memset(&h, 0, sizeof h);
	zc_wire_hello_req_decode(f->payload, f->len, host_nonce);
	s->str.active = 0; /* a new session */
	if (new_nonce(s)) {
		result(s, req_id, ZC_WIRE_E_INTERNAL, "no randomness for a nonce");
		return;
	}
	zc_termstate_lock(s->ts);
	zc_journal *j = zc_termstate_journal(s->ts);
	const zc_clock *clk = zc_termstate_clock(s->ts);
	zc_termstate_identity(s->ts, h.terminal, h.township);
	h.head_seq = zc_journal_head(j, h.head_hash);
	h.first_seq = zc_journal_first(j);
	if (!h.first_seq)
		h.first_seq = h.head_seq + 1; /* nothing held */
	h.collected_seq = zc_journal_collected(j);
	h.utc_ms = clk->utc_ms(clk->ctx);
	zc_termstate_unlock(s->ts);
	zc_termstate_host_key(s->ts, h.host_fp);
	snprintf(h.firmware, sizeof h.firmware, "%s", s->firmware);
	memcpy(h.key_fp, s->key_fp, ZC_HASH_LEN);
	memcpy(h.pubkey, s->pubkey, s->pubkey_len);
	h.pubkey_len = s->pubkey_len;
	memcpy(h.nonce, s->nonce, ZC_WIRE_NONCE_LEN);
	zc_termstate_lock(s->ts);
	int n = zc_wire_hello_sign(&h, host_nonce, zc_termstate_key(s->ts));
	zc_termstate_unlock(s->ts);
	if (!n)
		n = zc_wire_hello_encode(&h, s->payload, sizeof s->payload);
	if (n < 0)
		result(s, req_id, ZC_WIRE_E_INTERNAL, "cannot encode HELLO");
	else
		send_frame(s, ZC_WIRE_HELLO, req_id, s->payload, (size_t)n);
}

static void status(zc_linksrv *s, uint16_t req_id)
{
	zc_wire_status m;
	zc_journal_stats js;
	zc_terminal_stats ts;
	memset(&m, 0, sizeof m);
	zc_termstate_lock(s->ts);
	const zc_clock *clk = zc_termstate_clock(s->ts);
	zc_journal_stats_get(zc_termstate_journal(s->ts), &js);
	zc_termstate_stats(s->ts, &ts);
	m.utc_ms = clk->utc_ms(clk->ctx);
	zc_termstate_unlock(s->ts);
	m.bytes_used = js.bytes_used;
	m.capacity_bytes = js.capacity_bytes;
	m.records = js.records;
	m.uncollected = js.uncollected;
	m.reader_ok = (uint8_t)(ts.reader_ok ? 1 : 0);
	m.taps = ts.taps;
	m.faults = ts.faults;
	snprintf(m.last_fault, sizeof m.last_fault, "%s", ts.last_fault);
	int n = zc_wire_status_encode(&m, s->payload, sizeof s->payload);
	if (n < 0)
		result(s, req_id, ZC_WIRE_E_INTERNAL, "cannot encode STATUS");
	else
		send_frame(s, ZC_WIRE_STATUS, req_id, s->payload, (size_t)n);
}

/* ---- GET_RECORDS ---- */

static void get_records(zc_linksrv *s, const zc_wire_frame *f)
{
	zc_wire_get g;
	if (zc_wire_get_decode(f->payload, f->len, &g)) {
		result(s, f->req_id, ZC_WIRE_E_MALFORMED, "GET_RECORDS does not parse");
		return;
	}
	s->str.active = 1;
	s->str.req_id = f->req_id;
	s->str.next = g.from_seq;
	s->str.credit = g.credit;
	s->str.max_payload = g.max_payload ? g.max_payload : ZC_WIRE_PAYLOAD_MAX;
	s->str.at_head = 1; /* check at once: it may be an empty pull */
	memcpy(s->str.req_hash, s->req_hash, ZC_HASH_LEN);
	s->c.streams++;
}

static void credit(zc_linksrv *s, const zc_wire_frame *f)
{
	uint16_t n;
	if (zc_wire_credit_decode(f->payload, f->len, &n) || !s->str.active)
		return; /* CREDIT has no answer; a stale one is ignored */
	s->str.credit = s->str.credit + n > CREDIT_MAX ? CREDIT_MAX : s->str.credit + n;
}

/* One step of the running stream: a RECORDS frame if there is credit and
 * something to send, END if caught up with the head, or at once if the
 * next record wanted is no longer held (END.first_seq says where to start
 * again). The lock is held only while the frame's records are read. */
static void stream_step(zc_linksrv *s)
{
	stream *st = &s->str;
	zc_wire_end e;
	size_t len = 0;
	unsigned count = 0;
	int failed = 0, end = 0;

	zc_termstate_lock(s->ts);
	zc_journal *j = zc_termstate_journal(s->ts);
	uint64_t head = zc_journal_head(j, e.head_hash);
	uint64_t first = zc_journal_first(j);
	if (!first)
		first = head + 1; /* nothing held */
	if (st->next > head || st->next < first) {
		end = 1;
		e.head_seq = head;
		e.first_seq = first;
	} else if (st->credit) {
		zc_wire_records_begin(s->payload, st->next, &len);
		while (st->next <= head && count < ZC_WIRE_RECORDS_MAX) {
			size_t rl;
			int rc = zc_journal_read(j, st->next, s->rec, sizeof s->rec, &rl);
			if (rc == ZC_ECORRUPT || rc == ZC_ENOENT) {
				/* A damaged record: leave a gap the host will see
				 * and report; the frame ends before it. */
				if (count)
					break;
				st->next++;
				zc_wire_records_begin(s->payload, st->next, &len);
				continue;
			}
			if (rc) {
				failed = rc;
				break;
			}
			size_t cap = st->max_payload < sizeof s->payload ? st->max_payload : sizeof s->payload;
			/* a record longer than a small frame still goes, alone */
			if (!count && cap < len + 2 + rl)
				cap = sizeof s->payload;
			if (zc_wire_records_add(s->payload, cap, &len, s->rec, rl))
				break; /* full: the next frame takes it */
			count++;
			st->next++;
		}
		st->at_head = st->next > head;
	} else {
		st->at_head = 0; /* wait for CREDIT */
	}
	zc_termstate_unlock(s->ts);

	if (end) {
		st->active = 0;
		int n = zc_wire_end_encode(&e, s->payload, sizeof s->payload);
		if (n >= 0)
			send_frame(s, ZC_WIRE_END, st->req_id, s->payload, (size_t)n);
		return;
	}
	if (failed && !count) {
		st->active = 0;
		memcpy(s->req_hash, st->req_hash, ZC_HASH_LEN);
		result(s, st->req_id, ZC_WIRE_E_INTERNAL, "journal read failed at %llu: %s",
		       (unsigned long long)st->next, zc_strerror(failed));
		return;
	}
	if (count) {
		st->credit--;
		s->c.records_out += count;
		send_frame(s, ZC_WIRE_RECORDS, st->req_id, s->payload, len);
	}
}

/* ---- commands ---- */

/* Check the command's signature by key over the current nonce: ZC_WIRE_OK,
 * ZC_WIRE_E_EXPIRED (over the current nonce, but that was drawn more than
 * ZC_WIRE_CMD_WINDOW_MS ago: a command held back), ZC_WIRE_E_NONCE (it
 * verifies over an earlier nonce: a replay) or ZC_WIRE_E_SIGNATURE. */
static int check_signature(zc_linksrv *s, const char *terminal, zc_pubkey *key)
{
	if (!s->cmd.sig_len)
		return ZC_WIRE_E_SIGNATURE;
	if (!zc_wire_cmd_verify(&s->cmd, terminal, s->nonce, key))
		return mono_now(s) - s->nonce_mono > ZC_WIRE_CMD_WINDOW_MS ? ZC_WIRE_E_EXPIRED : ZC_WIRE_OK;
	for (int i = 0; i < s->nold; i++)
		if (!zc_wire_cmd_verify(&s->cmd, terminal, s->old[i], key))
			return ZC_WIRE_E_NONCE;
	return ZC_WIRE_E_SIGNATURE;
}

static const char *signature_text(int code)
{
	return code == ZC_WIRE_E_NONCE	   ? "signed over an old nonce: replay refused"
	       : code == ZC_WIRE_E_EXPIRED ? "nonce issued more than 30 s ago: stale command refused"
					   : "not signed by the registered host key";
}

static void iso_time(int64_t ms, char *out, size_t cap)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* SET_TIME: set the clock and record it; the clock goes back if the record
 * cannot be written (a clock change is always in the journal). */
static int set_time(zc_linksrv *s, const uint8_t host_fp[ZC_HASH_LEN], char *text, size_t cap)
{
	int64_t now;
	if (zc_wire_set_time_decode(s->cmd.body, s->cmd.body_len, &now)) {
		snprintf(text, cap, "SET_TIME body does not parse");
		return ZC_WIRE_E_MALFORMED;
	}
	if (now < TIME_MIN_MS || now >= TIME_MAX_MS) {
		snprintf(text, cap, "time %lld ms is out of range", (long long)now);
		return ZC_WIRE_E_RANGE;
	}
	int code = ZC_WIRE_OK;
	zc_termstate_lock(s->ts);
	const zc_clock *clk = zc_termstate_clock(s->ts);
	zc_termlog *log = zc_termstate_log(s->ts);
	int64_t old = clk->utc_ms(clk->ctx);
	int rc = clk->set_utc_ms ? clk->set_utc_ms(clk->ctx, now) : ZC_ESTATE;
	if (rc) {
		snprintf(text, cap, "this board's clock cannot be set");
		code = ZC_WIRE_E_UNSUPPORTED;
		goto out;
	}
	zc_rec r;
	zc_termlog_prepare(log, &r, ZC_KIND_CLOCK_SET);
	r.u.clock.old_utc_ms = old;
	r.u.clock.new_utc_ms = now;
	memcpy(r.u.clock.by_fp, host_fp, ZC_HASH_LEN);
	if ((rc = zc_termlog_commit(log, &r, NULL))) {
		clk->set_utc_ms(clk->ctx, old);
		snprintf(text, cap, "clock not set: journal: %s", zc_strerror(rc));
		code = ZC_WIRE_E_INTERNAL;
		goto out;
	}
	char was[32], is[32];
	iso_time(old, was, sizeof was);
	iso_time(now, is, sizeof is);
	snprintf(text, cap, "clock %s -> %s", was, is);
out:
	zc_termstate_unlock(s->ts);
	return code;
}

/* ACK_COLLECTED: move the watermark, then record it. */
static int ack_collected(zc_linksrv *s, const uint8_t host_fp[ZC_HASH_LEN], char *text, size_t cap)
{
	uint64_t seq;
	uint8_t hash[ZC_HASH_LEN];
	if (zc_wire_ack_decode(s->cmd.body, s->cmd.body_len, &seq, hash)) {
		snprintf(text, cap, "ACK_COLLECTED body does not parse");
		return ZC_WIRE_E_MALFORMED;
	}
	int code = ZC_WIRE_OK;
	zc_termstate_lock(s->ts);
	zc_journal *j = zc_termstate_journal(s->ts);
	uint64_t head = zc_journal_head(j, NULL), before = zc_journal_collected(j);
	if (!seq || seq > head) {
		snprintf(text, cap, "seq %llu is beyond the head %llu", (unsigned long long)seq,
			 (unsigned long long)head);
		code = ZC_WIRE_E_RANGE;
		goto out;
	}
	int rc = zc_journal_set_collected(j, seq, hash);
	if (rc == ZC_ECHAIN) {
		snprintf(text, cap, "hash differs from record %llu's", (unsigned long long)seq);
		code = ZC_WIRE_E_HASH;
	} else if (rc == ZC_EARG) {
		snprintf(text, cap, "already collected up to %llu", (unsigned long long)before);
		code = ZC_WIRE_E_RANGE;
	} else if (rc == ZC_ENOENT) {
		snprintf(text, cap, "record %llu is not held", (unsigned long long)seq);
		code = ZC_WIRE_E_RANGE;
	} else if (rc) {
		snprintf(text, cap, "watermark not set: %s", zc_strerror(rc));
		code = ZC_WIRE_E_INTERNAL;
	}
	if (code)
		goto out;
	if (seq == before) {
		snprintf(text, cap, "collected up to %llu (unchanged)", (unsigned long long)seq);
		goto out;
	}
	zc_termlog *log = zc_termstate_log(s->ts);
	zc_rec r;
	zc_termlog_prepare(log, &r, ZC_KIND_COLLECTED);
	r.u.collected.up_to_seq = seq;
	memcpy(r.u.collected.up_to_hash, hash, ZC_HASH_LEN);
	memcpy(r.u.collected.host_fp, host_fp, ZC_HASH_LEN);
	if ((rc = zc_termlog_commit(log, &r, NULL))) {
		snprintf(text, cap, "watermark set; record failed: %s", zc_strerror(rc));
		code = ZC_WIRE_E_INTERNAL;
		goto out;
	}
	snprintf(text, cap, "collected up to %llu", (unsigned long long)seq);
out:
	zc_termstate_unlock(s->ts);
	return code;
}

/* Wait until the tap loop uses what was just installed, so OK means the
 * next tap does. */
static void await_tap_loop(zc_linksrv *s, char *text, size_t cap)
{
	zc_termstate_lock(s->ts);
	uint64_t gen = zc_termstate_generation(s->ts);
	zc_termstate_unlock(s->ts);
	if (zc_termstate_wait_applied(s->ts, gen, APPLY_WAIT_MS)) {
		size_t l = strlen(text);
		snprintf(text + l, cap - l, "; tap loop busy");
	}
}

static int map_state_error(int rc)
{
	switch (rc) {
	case 0: return ZC_WIRE_OK;
	case ZC_EMALFORMED:
	case ZC_ETRUNC: return ZC_WIRE_E_MALFORMED;
	case ZC_ESIG: return ZC_WIRE_E_SIGNATURE;
	case ZC_ESTATE: return ZC_WIRE_E_RANGE;
	default: return ZC_WIRE_E_INTERNAL;
	}
}

static void command(zc_linksrv *s, const zc_wire_frame *f)
{
	char tid[ZC_TERMINAL_ID_MAX + 1], text[ZC_TEXT_MAX + 64] = "";
	uint8_t host_fp[ZC_HASH_LEN];
	zc_pubkey *body_key = NULL;
	int code, verified = 0;

	if (zc_wire_command_decode(f->payload, f->len, &s->cmd)) {
		/* kind | u16 body_len | body | sig_len 0: well formed but unsigned */
		size_t bl = f->len >= 3 ? zc_get_u16(f->payload + 1) : 0;
		if (f->len >= 4 && f->len == 4 + bl && f->payload[3 + bl] == 0) {
			code = ZC_WIRE_E_SIGNATURE;
			snprintf(text, sizeof text, "command is not signed");
		} else {
			code = ZC_WIRE_E_MALFORMED;
			snprintf(text, sizeof text, "COMMAND does not parse");
		}
		goto out;
	}
	zc_termstate_lock(s->ts);
	int provisioned = zc_termstate_identity(s->ts, tid, NULL);
	zc_termstate_unlock(s->ts);
	zc_pubkey *host = zc_termstate_host_key(s->ts, host_fp);

	switch (s->cmd.kind) {
	case ZC_CMD_PROVISION: {
		zc_wire_provision p;
		if (zc_wire_provision_decode(s->cmd.body, s->cmd.body_len, &p)) {
			code = ZC_WIRE_E_MALFORMED;
			snprintf(text, sizeof text, "PROVISION body does not parse");
			goto out;
		}
		if (provisioned) {
			/* Only the registered host may re-provision. */
			code = host ? check_signature(s, tid, host) : ZC_WIRE_E_SIGNATURE;
			if (code == ZC_WIRE_E_SIGNATURE) {
				code = ZC_WIRE_E_PROVISIONED;
				snprintf(text, sizeof text, "%s%s",
					 host ? "already provisioned, not by this host: "
					      : "provisioned locally, no host key: ",
					 tid);
			} else if (code) {
				snprintf(text, sizeof text, "%s", signature_text(code));
			}
		} else {
			/* First time: proof of possession of the key it registers. */
			if (!p.host_pubkey_len || zc_pubkey_parse(p.host_pubkey, p.host_pubkey_len, &body_key)) {
				code = ZC_WIRE_E_MALFORMED;
				snprintf(text, sizeof text, "host key is not a P-256 public key");
				goto out;
			}
			code = check_signature(s, p.terminal, body_key);
			if (code == ZC_WIRE_E_SIGNATURE)
				snprintf(text, sizeof text, "not signed by the host key it carries");
			else if (code)
				snprintf(text, sizeof text, "%s", signature_text(code));
		}
		if (code)
			goto out;
		verified = 1;
		zc_termstate_prov pv = {.terminal = p.terminal,
					.township = p.township,
					.host_pubkey = p.host_pubkey,
					.host_pubkey_len = p.host_pubkey_len,
					.ca_cert = p.ca_cert,
					.ca_cert_len = p.ca_cert_len,
					.revocations = p.revocations,
					.revocations_len = p.revocations_len};
		int rc = zc_termstate_provision(s->ts, &pv, text, sizeof text);
		code = map_state_error(rc);
		if (!rc) {
			snprintf(text, sizeof text, "provisioned as %s (%s)", p.terminal, p.township);
			await_tap_loop(s, text, sizeof text);
		}
		break;
	}
	case ZC_CMD_SET_TIME:
	case ZC_CMD_ACK_COLLECTED:
	case ZC_CMD_REVOCATIONS:
		if (!provisioned || !host) {
			code = ZC_WIRE_E_UNPROVISIONED;
			snprintf(text, sizeof text, "%s",
				 provisioned ? "no host key registered (provisioned locally)"
					     : "terminal not provisioned");
			goto out;
		}
		if ((code = check_signature(s, tid, host))) {
			snprintf(text, sizeof text, "%s", signature_text(code));
			goto out;
		}
		verified = 1;
		if (s->cmd.kind == ZC_CMD_SET_TIME) {
			code = set_time(s, host_fp, text, sizeof text);
		} else if (s->cmd.kind == ZC_CMD_ACK_COLLECTED) {
			code = ack_collected(s, host_fp, text, sizeof text);
		} else {
			int rc = zc_termstate_set_revocations(s->ts, s->cmd.body, s->cmd.body_len, text, sizeof text);
			code = map_state_error(rc);
			if (!rc)
				await_tap_loop(s, text, sizeof text);
		}
		break;
	default:
		code = ZC_WIRE_E_UNSUPPORTED;
		snprintf(text, sizeof text, "unknown command kind %u", s->cmd.kind);
		break;
	}
out:
	zc_pubkey_free(body_key);
	/* A command whose signature verified is used up, carried out or not:
	 * it can never run twice, nor later than it was meant to. */
	if (verified && new_nonce(s))
		code = ZC_WIRE_E_INTERNAL; /* no randomness; the old nonce is gone */
	if (code)
		s->c.commands_refused++;
	else
		s->c.commands_ok++;
	result(s, f->req_id, (uint8_t)code, "%s", text);
}

/* ---- the loop ---- */

static void handle(zc_linksrv *s, const zc_wire_frame *f)
{
	s->c.frames_in++;
	zc_wire_request_hash(f->type, f->req_id, f->payload, f->len, s->req_hash);
	if (f->type != ZC_WIRE_CREDIT)
		s->str.active = 0; /* any other request ends a running stream */
	switch (f->type) {
	case ZC_WIRE_HELLO_REQ: hello(s, f); break;
	case ZC_WIRE_GET_RECORDS: get_records(s, f); break;
	case ZC_WIRE_CREDIT: credit(s, f); break;
	case ZC_WIRE_STATUS_REQ: status(s, f->req_id); break;
	case ZC_WIRE_COMMAND: command(s, f); break;
	default: result(s, f->req_id, ZC_WIRE_E_UNSUPPORTED, "unsupported frame type 0x%02x", f->type); break;
	}
}

static void pause_ms(int ms)
{
	struct timespec d = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&d, NULL);
}

static void *run(void *arg)
{
	zc_linksrv *s = arg;
	while (!atomic_load(&s->stop)) {
		int busy = s->str.active && (s->str.credit || s->str.at_head);
		int n = s->port->read(s->port->ctx, s->rx, sizeof s->rx, busy ? 0 : s->poll_ms);
		if (n < 0) {
			s->c.port_errors++;
			s->str.active = 0;
			pause_ms(s->poll_ms);
			continue;
		}
		size_t off = 0;
		while (off < (size_t)n && !atomic_load(&s->stop)) {
			size_t used = 0;
			uint64_t dropped = s->dec.dropped;
			int got = zc_wire_decoder_feed(&s->dec, s->rx + off, (size_t)n - off, &used, &s->in);
			s->c.frames_dropped += s->dec.dropped - dropped;
			if (got != 1)
				break; /* everything consumed */
			off += used;
			handle(s, &s->in);
		}
		if (s->str.active)
			stream_step(s);
	}
	return NULL;
}

int zc_linksrv_start(const zc_linksrv_cfg *cfg, zc_linksrv **out)
{
	zc_linksrv *s = NULL;
	int rc = ZC_EARG;
	if (!cfg || !cfg->port || !cfg->port->read || !cfg->port->write || !cfg->ts || !out)
		goto out;
	rc = ZC_ENOMEM;
	if (!(s = calloc(1, sizeof *s)))
		goto out;
	s->port = cfg->port;
	s->ts = cfg->ts;
	snprintf(s->firmware, sizeof s->firmware, "%s", cfg->firmware ? cfg->firmware : "");
	s->poll_ms = cfg->poll_ms > 0 ? cfg->poll_ms : 100;
	s->write_timeout_ms = cfg->write_timeout_ms > 0 ? cfg->write_timeout_ms : 3000;
	zc_wire_decoder_init(&s->dec);
	size_t pl = 0;
	zc_termstate_lock(s->ts);
	zc_privkey *key = zc_termstate_key(s->ts);
	rc = zc_privkey_fingerprint(key, s->key_fp);
	if (!rc)
		rc = zc_privkey_public_der(key, s->pubkey, sizeof s->pubkey, &pl);
	zc_termstate_unlock(s->ts);
	if (rc)
		goto out;
	s->pubkey_len = (uint16_t)pl;
	if ((rc = zc_random(s->nonce, ZC_WIRE_NONCE_LEN)))
		goto out;
	s->nonce_mono = mono_now(s);
	/* Signals go to the main thread, never to the server. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int prc = pthread_create(&s->thread, NULL, run, s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (prc) {
		rc = ZC_EIO;
		goto out;
	}
	s->started = 1;
	*out = s;
	s = NULL;
	rc = 0;
out:
	free(s);
	return rc;
}

void zc_linksrv_stop(zc_linksrv *s)
{
	if (!s)
		return;
	atomic_store(&s->stop, 1);
	if (s->started)
		pthread_join(s->thread, NULL);
	free(s);
}

void zc_linksrv_stats_get(zc_linksrv *s, zc_linksrv_stats *st)
{
	st->frames_in = s->c.frames_in;
	st->frames_dropped = s->c.frames_dropped;
	st->frames_out = s->c.frames_out;
	st->records_out = s->c.records_out;
	st->streams = s->c.streams;
	st->commands_ok = s->c.commands_ok;
	st->commands_refused = s->c.commands_refused;
	st->write_timeouts = s->c.write_timeouts;
	st->port_errors = s->c.port_errors;
}
