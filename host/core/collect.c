/* SPDX-License-Identifier: Apache-2.0 */
/*
 * collect.c: pull a terminal's journal into the store, acknowledge it and
 * set the terminal's clock (zc/collect.h).
 */
#include "zc/collect.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "zc/bytes.h"
#include "zc/err.h"
#include "zc/timeutil.h"
#include "zc/record.h"
#include "zc/reset.h"

#define set_err zc_errf

/* ---- ingest in batches ----
 *
 * Records are gathered in memory as the link delivers them and stored a
 * batch at a time, in one transaction that is only local work (begin,
 * verify and insert, commit): no transaction, and so no write lock, is
 * ever held while waiting on the line, so other commands write between
 * batches. A batch is stored when it holds o->batch records, when its
 * first record has waited FLUSH_MS, and at the end of each pull. Only
 * committed records count toward the verified head that ACK_COLLECTED
 * acknowledges, as before. */

#define STOPPED	 1    /* a record callback's "stop": not a zc_err */
#define FLUSH_MS 1000 /* the longest a received record waits to be stored */

typedef struct pending {
	uint64_t seq;
	uint8_t *raw;
	size_t len;
} pending;

typedef struct sink {
	zc_store *s;
	const char *terminal;
	const zc_collect_opts *o;
	zc_ingest_opts io;
	zc_ingest *in; /* open only inside sink_commit */
	uint32_t in_batch, batch;
	pending *buf;	  /* the records received and not stored yet */
	int64_t first_ms; /* when buf[0] arrived (zc_mono_ms) */
	zc_ingest_stats *total;
	int store_rc; /* a store failure that stopped the pull */
	char *errbuf;
	size_t errlen;
} sink;

static void sink_drop(sink *k)
{
	for (uint32_t i = 0; i < k->in_batch; i++)
		free(k->buf[i].raw);
	free(k->buf);
	k->buf = NULL;
	k->in_batch = 0;
}

/* Store the records received so far in one transaction; 0 when there
 * were none. On failure errbuf names the first error of the store. */
static int sink_commit(sink *k)
{
	zc_ingest_stats st;
	char where[48];
	int rc = 0;
	if (!k->in_batch)
		return 0;
	if ((rc = zc_ingest_begin(k->s, k->terminal, &k->io, &k->in))) {
		set_err(k->errbuf, k->errlen, "database transaction failed: %s", zc_store_errmsg(k->s));
		k->in = NULL;
		goto out;
	}
	for (uint32_t i = 0; i < k->in_batch; i++) {
		snprintf(where, sizeof where, "link seq %" PRIu64, k->buf[i].seq);
		if ((rc = zc_ingest_record(k->in, k->buf[i].raw, k->buf[i].len, where))) {
			set_err(k->errbuf, k->errlen, "storing seq %" PRIu64 " failed: %s", k->buf[i].seq,
				zc_store_errmsg(k->s));
			zc_ingest_abort(k->in);
			k->in = NULL;
			goto out;
		}
	}
	rc = zc_ingest_commit(k->in, &st);
	k->in = NULL;
	if (rc) {
		set_err(k->errbuf, k->errlen, "storing the records failed: %s", zc_store_errmsg(k->s));
		goto out;
	}
	zc_ingest_stats *t = k->total;
	t->seen += st.seen;
	t->stored += st.stored;
	t->duplicates += st.duplicates;
	t->findings += st.findings;
	for (int i = 0; i < 16; i++)
		t->by_kind[i] += st.by_kind[i];
out:
	sink_drop(k);
	return rc;
}

static int sink_record(void *arg, uint64_t seq, const uint8_t *raw, size_t len)
{
	sink *k = arg;
	int rc;
	if (k->o->stop && *k->o->stop)
		return STOPPED;
	if (!k->buf && !(k->buf = calloc(k->batch, sizeof *k->buf)))
		return k->store_rc = ZC_ENOMEM;
	pending *p = &k->buf[k->in_batch];
	if (!(p->raw = malloc(len ? len : 1))) {
		set_err(k->errbuf, k->errlen, "out of memory");
		return k->store_rc = ZC_ENOMEM;
	}
	if (len)
		memcpy(p->raw, raw, len);
	p->len = len;
	p->seq = seq;
	if (!k->in_batch++)
		k->first_ms = zc_mono_ms();
	if ((k->in_batch >= k->batch || zc_mono_ms() - k->first_ms >= FLUSH_MS) && (rc = sink_commit(k)))
		return k->store_rc = rc;
	return 0;
}

/* ---- is an ACK worth a record? ---- */

typedef struct scan {
	zc_rec rec;
	int other; /* a record that is not COLLECTED */
} scan;

static int scan_one(void *arg, uint64_t seq, const uint8_t *raw, size_t len)
{
	scan *sc = arg;
	(void)seq;
	if (zc_rec_decode(raw, len, &sc->rec, NULL, NULL) || sc->rec.kind != ZC_KIND_COLLECTED) {
		sc->other = 1;
		return 1;
	}
	return 0;
}

/* ---- progress with the sink as its argument ---- */

static void progress_thunk(void *arg, const zc_pull_progress *p)
{
	sink *k = arg;
	if (k->o->progress)
		k->o->progress(k->o->arg, p);
}

/* ---- 1. who is there ---- */

/* The terminal behind the HELLO is provisioned, presents the key its
 * fingerprint names and is registered here under it (or now, asked to). */
static int identify(zc_store *s, const zc_collect_opts *o, zc_collect_result *r, char *errbuf, size_t errlen)
{
	const zc_wire_hello *he = &r->hello;
	char pem[ZC_PEM_MAX];
	zc_pubkey *presented = NULL, *registered = NULL;
	uint8_t fp[ZC_HASH_LEN], rfp[ZC_HASH_LEN];
	int rc;
	if (!he->terminal[0]) {
		r->error = ZC_COLLECT_UNPROVISIONED;
		set_err(errbuf, errlen, "the terminal is not provisioned");
		return ZC_ESTATE;
	}
	if (zc_pubkey_parse(he->pubkey, he->pubkey_len, &presented) || zc_pubkey_fingerprint(presented, fp) ||
	    memcmp(fp, he->key_fp, ZC_HASH_LEN)) {
		r->error = ZC_COLLECT_BAD_HELLO;
		set_err(errbuf, errlen, "terminal %s presents a public key that does not match its fingerprint",
			he->terminal);
		rc = ZC_EMALFORMED;
		goto out;
	}
	rc = zc_store_terminal_key(s, he->terminal, pem, sizeof pem);
	if (rc == ZC_ENOENT && !o->register_unknown) {
		r->error = ZC_COLLECT_UNKNOWN;
		set_err(errbuf, errlen, "terminal %s is not registered in this store", he->terminal);
	} else if (rc == ZC_ENOENT) {
		if ((rc = zc_pubkey_pem(presented, pem, sizeof pem)) ||
		    (rc = zc_store_terminal_add(s, he->terminal, pem))) {
			r->error = ZC_COLLECT_STORE;
			set_err(errbuf, errlen, "registering terminal %s failed: %s", he->terminal, zc_store_errmsg(s));
		} else {
			r->registered = 1;
		}
	} else if (rc) {
		r->error = ZC_COLLECT_STORE;
		set_err(errbuf, errlen, "reading terminal %s from the store failed: %s", he->terminal,
			zc_store_errmsg(s));
	} else if ((rc = zc_pubkey_parse((const uint8_t *)pem, strlen(pem), &registered)) ||
		   (rc = zc_pubkey_fingerprint(registered, rfp))) {
		r->error = ZC_COLLECT_STORE;
		set_err(errbuf, errlen, "the stored key of terminal %s does not parse", he->terminal);
	} else if (memcmp(rfp, he->key_fp, ZC_HASH_LEN)) {
		r->error = ZC_COLLECT_KEY_MISMATCH;
		char a[17], b[17];
		set_err(errbuf, errlen, "terminal %s presents key %s..., but is registered with key %s...",
			he->terminal, zc_hex(he->key_fp, 8, a), zc_hex(rfp, 8, b));
		rc = ZC_EEXIST;
	}
out:
	zc_pubkey_free(presented);
	zc_pubkey_free(registered);
	return rc;
}

/* A terminal whose head went below what is verified here would hand out
 * numbers the store holds: record terminal_reset and pull nothing. */
static int reset_check(zc_store *s, const zc_collect_opts *o, zc_collect_result *r, int64_t local_ms, char *errbuf,
		       size_t errlen)
{
	const zc_wire_hello *he = &r->hello;
	uint64_t vh = 0;
	int reset = 0;
	int rc = zc_reset_check_head(s, he->terminal, he->head_seq, he->head_hash, local_ms, o->source, &reset, &vh);
	if (rc) {
		r->error = ZC_COLLECT_STORE;
		set_err(errbuf, errlen, "checking the head of terminal %s failed: %s", he->terminal,
			zc_store_errmsg(s));
		return rc;
	}
	if (!reset)
		return 0;
	r->error = ZC_COLLECT_RESET;
	r->verified_head = vh;
	set_err(errbuf, errlen,
		"terminal %s reports head seq %" PRIu64 ", below seq %" PRIu64
		" verified here: it lost its journal and its sequence mark, or is another board with its key "
		"(recorded as terminal_reset); nothing was pulled",
		he->terminal, he->head_seq, vh);
	return ZC_ESTATE;
}

/* ---- 2. pull after the verified head ---- */

static int pull_main(zc_store *s, zc_hostlink *h, sink *k, zc_collect_result *r, char *errbuf, size_t errlen)
{
	const zc_wire_hello *he = &r->hello;
	const zc_collect_opts *o = k->o;
	int rc;
	if ((rc = zc_store_terminal_head(s, he->terminal, &r->verified_head, r->verified_hash))) {
		r->error = ZC_COLLECT_STORE;
		set_err(errbuf, errlen, "reading the head of terminal %s failed: %s", he->terminal, zc_store_errmsg(s));
		return rc;
	}
	r->from_seq = r->verified_head + 1;
	if (he->first_seq > r->from_seq && he->first_seq <= he->head_seq) {
		/* The rest was collected elsewhere and deleted. */
		r->pruned_from = r->from_seq;
		r->pruned_to = he->first_seq - 1;
		r->from_seq = he->first_seq;
	}
	zc_pull_opts pl = {.from_seq = r->from_seq,
			   .head_hint = he->head_seq,
			   .window = o->window,
			   .on_record = sink_record,
			   .on_progress = o->progress ? progress_thunk : NULL,
			   .arg = k};
	rc = zc_hostlink_pull(h, &pl, &r->pull);
	if (rc < 0 && o->stop && *o->stop)
		rc = STOPPED;	 /* cancelled while waiting */
	if (r->pull.pruned_to) { /* found out by END */
		if (!r->pruned_from)
			r->pruned_from = r->from_seq;
		r->pruned_to = r->pull.pruned_to;
	}
	int crc = sink_commit(k);
	if (rc == STOPPED) {
		r->error = ZC_COLLECT_STOPPED;
		set_err(errbuf, errlen, "stopped at seq %" PRIu64, r->pull.next_seq);
		rc = ZC_EAGAIN;
	} else if (k->store_rc) {
		r->error = ZC_COLLECT_STORE;
		rc = k->store_rc;
	} else if (rc) {
		r->error = ZC_COLLECT_LINK;
		set_err(errbuf, errlen, "%s", zc_hostlink_errmsg(h));
	} else if (crc) {
		r->error = ZC_COLLECT_STORE;
		rc = crc;
	}
	if (k->in) {
		zc_ingest_abort(k->in);
		k->in = NULL;
	}
	if (zc_store_terminal_head(s, he->terminal, &r->verified_head, r->verified_hash) && !rc) {
		r->error = ZC_COLLECT_STORE;
		rc = ZC_EDB;
	}
	return rc;
}

/* ---- 3, 4. the signed commands ---- */

/* Is there anything but COLLECTED records after what the terminal knows
 * as collected? (acknowledging an acknowledgement would add a record at
 * every pull, forever) */
static int ack_needed(zc_store *s, const zc_collect_result *r)
{
	const zc_wire_hello *he = &r->hello;
	if (r->verified_head <= he->collected_seq || r->verified_head < 1)
		return 0;
	scan *sc = calloc(1, sizeof *sc);
	if (!sc)
		return 1;
	zc_store_records(s, he->terminal, he->collected_seq + 1, r->verified_head, scan_one, sc);
	int other = sc->other;
	free(sc);
	return other;
}

/* Record a command's answer; 1 if the terminal accepted it. */
static int command_done(zc_hostlink *h, int crc, const zc_wire_result_msg *res, zc_collect_cmd_result *c)
{
	if (crc) {
		c->state = ZC_COLLECT_CMD_FAILED;
		snprintf(c->text, sizeof c->text, "%s", zc_hostlink_errmsg(h));
		return 0;
	}
	c->code = res->code;
	snprintf(c->text, sizeof c->text, "%s", res->text);
	c->state = res->code == ZC_WIRE_OK ? ZC_COLLECT_CMD_OK : ZC_COLLECT_CMD_REFUSED;
	return res->code == ZC_WIRE_OK;
}

/* ACK_COLLECTED and SET_TIME as needed; returns 1 if either was obeyed
 * (so the terminal appended records). */
static int send_commands(zc_store *s, zc_hostlink *h, const zc_collect_opts *o, int64_t t0, zc_collect_result *r)
{
	const zc_wire_hello *he = &r->hello;
	uint8_t our_fp[ZC_HASH_LEN];
	int have_key = o->host_key && !zc_privkey_fingerprint(o->host_key, our_fp);
	int ours = have_key && !memcmp(our_fp, he->host_fp, ZC_HASH_LEN);
	int cmd_state = !have_key ? ZC_COLLECT_CMD_NO_KEY : !ours ? ZC_COLLECT_CMD_OTHER_HOST : 0;
	int sent = 0;
	zc_wire_result_msg res;
	if (ack_needed(s, r)) {
		if (cmd_state) {
			r->ack.state = cmd_state;
		} else if (command_done(h,
					zc_hostlink_ack_collected(h, he->terminal, r->verified_head, r->verified_hash,
								  o->host_key, &res),
					&res, &r->ack)) {
			r->acked_to = r->verified_head;
			sent = 1;
		}
	}
	int64_t off = r->clock_offset_ms < 0 ? -r->clock_offset_ms : r->clock_offset_ms;
	if (o->time_tolerance_ms <= 0 || off <= o->time_tolerance_ms)
		return sent;
	if (cmd_state) {
		r->set_time.state = cmd_state;
	} else if (r->ack.state == ZC_COLLECT_CMD_FAILED) {
		r->set_time.state = ZC_COLLECT_CMD_FAILED; /* the link is gone */
		snprintf(r->set_time.text, sizeof r->set_time.text, "not sent: the link failed");
	} else {
		int64_t now = o->host_time_ms > 0 ? o->host_time_ms + (zc_mono_ms() - t0) : zc_real_ms();
		sent |=
		    command_done(h, zc_hostlink_set_time(h, he->terminal, now, o->host_key, &res), &res, &r->set_time);
	}
	return sent;
}

/* ---- 5. the records the commands appended ---- */

static int pull_tail(zc_store *s, zc_hostlink *h, sink *k, zc_collect_result *r, char *errbuf, size_t errlen)
{
	zc_pull_progress tail;
	zc_pull_opts pl = {.from_seq = r->verified_head + 1, .on_record = sink_record, .arg = k};
	int prc = zc_hostlink_pull(h, &pl, &tail), rc = 0;
	int crc = sink_commit(k);
	if (k->in) {
		zc_ingest_abort(k->in);
		k->in = NULL;
	}
	r->tail_records = tail.records;
	r->tail_bytes = tail.rec_bytes;
	if (prc < 0 && k->o->stop && *k->o->stop)
		prc = STOPPED;
	if (prc == STOPPED) {
		r->error = ZC_COLLECT_STOPPED;
		rc = ZC_EAGAIN;
	} else if (k->store_rc || crc) {
		r->error = ZC_COLLECT_STORE;
		rc = k->store_rc ? k->store_rc : crc;
	} else if (prc) {
		r->error = ZC_COLLECT_LINK;
		set_err(errbuf, errlen, "%s", zc_hostlink_errmsg(h));
		rc = prc;
	}
	zc_store_terminal_head(s, r->hello.terminal, &r->verified_head, r->verified_hash);
	return rc;
}

int zc_collect(zc_store *s, zc_hostlink *h, const zc_collect_opts *opts, zc_collect_result *r, char *errbuf,
	       size_t errlen)
{
	zc_collect_opts o = opts ? *opts : (zc_collect_opts){0};
	int64_t local_ms = 0, t0 = zc_mono_ms();
	int rc;

	if (!s || !h || !r)
		return ZC_EARG;
	memset(r, 0, sizeof *r);
	set_err(errbuf, errlen, "%s", "");
	if (!o.batch)
		o.batch = ZC_COLLECT_BATCH_DEFAULT;
	if (!o.time_tolerance_ms)
		o.time_tolerance_ms = ZC_COLLECT_TIME_TOLERANCE_DEFAULT;
	/* Ctrl-C ends any wait on the link at once. */
	zc_hostlink_set_cancel(h, o.stop);

	if ((rc = zc_hostlink_hello(h, &r->hello, &local_ms))) {
		r->error = o.stop && *o.stop ? ZC_COLLECT_STOPPED : ZC_COLLECT_LINK;
		set_err(errbuf, errlen, "%s", zc_hostlink_errmsg(h));
		goto out;
	}
	if (o.host_time_ms > 0)
		local_ms = o.host_time_ms;
	r->clock_offset_ms = r->hello.utc_ms - local_ms;
	if ((rc = identify(s, &o, r, errbuf, errlen)) || (rc = reset_check(s, &o, r, local_ms, errbuf, errlen)))
		goto out;
	sink k = {.s = s,
		  .terminal = r->hello.terminal,
		  .o = &o,
		  .batch = o.batch,
		  .total = &r->ingest,
		  .errbuf = errbuf,
		  .errlen = errlen,
		  .io = {.clock_rollback_tolerance_ms = o.clock_rollback_tolerance_ms,
			 .source = o.source,
			 .now_ms = local_ms}};
	if ((rc = pull_main(s, h, &k, r, errbuf, errlen)))
		goto out;
	/* everything the terminal wrote before the HELLO is here now */
	if ((rc = zc_store_collection_add(s, r->hello.terminal, local_ms, r->hello.head_seq, "link", o.source, NULL))) {
		r->error = ZC_COLLECT_STORE;
		set_err(errbuf, errlen, "recording the collection of terminal %s failed: %s", r->hello.terminal,
			zc_store_errmsg(s));
		goto out;
	}
	r->collected_at_ms = local_ms;
	if (send_commands(s, h, &o, t0, r))
		rc = pull_tail(s, h, &k, r, errbuf, errlen);
out:
	zc_hostlink_set_cancel(h, NULL);
	zc_hostlink_get_stats(h, &r->link);
	r->seconds_ms = zc_mono_ms() - t0;
	return rc;
}
