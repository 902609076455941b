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

#define set_err zc_errf

/* ---- ingest in batches ---- */

#define STOPPED 1 /* a record callback's "stop": not a zc_err */

typedef struct sink {
	zc_store *s;
	const char *terminal;
	const zc_collect_opts *o;
	zc_ingest_opts io;
	zc_ingest *in;
	uint32_t in_batch, batch;
	zc_ingest_stats *total;
	int store_rc; /* a store failure that stopped the pull */
	char *errbuf;
	size_t errlen;
} sink;

static int sink_commit(sink *k)
{
	zc_ingest_stats st;
	if (!k->in)
		return 0;
	int rc = zc_ingest_commit(k->in, &st);
	k->in = NULL;
	k->in_batch = 0;
	if (rc) {
		set_err(k->errbuf, k->errlen, "storing the records failed: %s", zc_store_errmsg(k->s));
		return rc;
	}
	zc_ingest_stats *t = k->total;
	t->seen += st.seen;
	t->stored += st.stored;
	t->duplicates += st.duplicates;
	t->findings += st.findings;
	for (int i = 0; i < 16; i++)
		t->by_kind[i] += st.by_kind[i];
	return 0;
}

static int sink_record(void *arg, uint64_t seq, const uint8_t *raw, size_t len)
{
	sink *k = arg;
	char where[48];
	int rc;
	if (k->o->stop && *k->o->stop)
		return STOPPED;
	if (!k->in && (rc = zc_ingest_begin(k->s, k->terminal, &k->io, &k->in))) {
		set_err(k->errbuf, k->errlen, "database transaction failed: %s", zc_store_errmsg(k->s));
		return k->store_rc = rc;
	}
	snprintf(where, sizeof where, "link seq %" PRIu64, seq);
	if ((rc = zc_ingest_record(k->in, raw, len, where))) {
		set_err(k->errbuf, k->errlen, "storing seq %" PRIu64 " failed: %s", seq, zc_store_errmsg(k->s));
		return k->store_rc = rc;
	}
	if (++k->in_batch >= k->batch && (rc = sink_commit(k)))
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

int zc_collect(zc_store *s, zc_hostlink *h, const zc_collect_opts *opts, zc_collect_result *r, char *errbuf,
	       size_t errlen)
{
	zc_collect_opts o = opts ? *opts : (zc_collect_opts){0};
	char pem[ZC_PEM_MAX];
	zc_pubkey *presented = NULL, *registered = NULL;
	uint8_t fp[ZC_HASH_LEN], our_fp[ZC_HASH_LEN];
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

	/* 1. who is there */
	if ((rc = zc_hostlink_hello(h, &r->hello, &local_ms))) {
		r->error = o.stop && *o.stop ? ZC_COLLECT_STOPPED : ZC_COLLECT_LINK;
		set_err(errbuf, errlen, "%s", zc_hostlink_errmsg(h));
		goto out;
	}
	const zc_wire_hello *he = &r->hello;
	if (o.host_time_ms > 0)
		local_ms = o.host_time_ms;
	r->clock_offset_ms = he->utc_ms - local_ms;
	if (!he->terminal[0]) {
		r->error = ZC_COLLECT_UNPROVISIONED;
		set_err(errbuf, errlen, "the terminal is not provisioned");
		rc = ZC_ESTATE;
		goto out;
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
	if (rc == ZC_ENOENT) {
		if (!o.register_unknown) {
			r->error = ZC_COLLECT_UNKNOWN;
			set_err(errbuf, errlen, "terminal %s is not registered in this store", he->terminal);
			goto out;
		}
		if ((rc = zc_pubkey_pem(presented, pem, sizeof pem)) ||
		    (rc = zc_store_terminal_add(s, he->terminal, pem))) {
			r->error = ZC_COLLECT_STORE;
			set_err(errbuf, errlen, "registering terminal %s failed: %s", he->terminal, zc_store_errmsg(s));
			goto out;
		}
		r->registered = 1;
	} else if (rc) {
		r->error = ZC_COLLECT_STORE;
		set_err(errbuf, errlen, "reading terminal %s from the store failed: %s", he->terminal,
			zc_store_errmsg(s));
		goto out;
	} else {
		uint8_t rfp[ZC_HASH_LEN];
		if ((rc = zc_pubkey_parse((const uint8_t *)pem, strlen(pem), &registered)) ||
		    (rc = zc_pubkey_fingerprint(registered, rfp))) {
			r->error = ZC_COLLECT_STORE;
			set_err(errbuf, errlen, "the stored key of terminal %s does not parse", he->terminal);
			goto out;
		}
		if (memcmp(rfp, he->key_fp, ZC_HASH_LEN)) {
			r->error = ZC_COLLECT_KEY_MISMATCH;
			char a[17], b[17];
			set_err(errbuf, errlen, "terminal %s presents key %s..., but is registered with key %s...",
				he->terminal, zc_hex(he->key_fp, 8, a), zc_hex(rfp, 8, b));
			rc = ZC_EEXIST;
			goto out;
		}
	}

	/* 2. pull after the verified head */
	if ((rc = zc_store_terminal_head(s, he->terminal, &r->verified_head, r->verified_hash))) {
		r->error = ZC_COLLECT_STORE;
		set_err(errbuf, errlen, "reading the head of terminal %s failed: %s", he->terminal, zc_store_errmsg(s));
		goto out;
	}
	r->from_seq = r->verified_head + 1;
	if (he->first_seq > r->from_seq && he->first_seq <= he->head_seq) {
		/* The rest was collected elsewhere and deleted. */
		r->pruned_from = r->from_seq;
		r->pruned_to = he->first_seq - 1;
		r->from_seq = he->first_seq;
	}
	sink k = {.s = s,
		  .terminal = he->terminal,
		  .o = &o,
		  .batch = o.batch,
		  .total = &r->ingest,
		  .errbuf = errbuf,
		  .errlen = errlen};
	k.io.clock_rollback_tolerance_ms = o.clock_rollback_tolerance_ms;
	k.io.source = o.source;
	k.io.now_ms = local_ms;
	{
		zc_pull_opts pl = {.from_seq = r->from_seq,
				   .head_hint = he->head_seq,
				   .window = o.window,
				   .on_record = sink_record,
				   .on_progress = o.progress ? progress_thunk : NULL,
				   .arg = &k};
		rc = zc_hostlink_pull(h, &pl, &r->pull);
		if (rc < 0 && o.stop && *o.stop)
			rc = STOPPED; /* cancelled while waiting */
		if (r->pull.pruned_to) { /* found out by END */
			if (!r->pruned_from)
				r->pruned_from = r->from_seq;
			r->pruned_to = r->pull.pruned_to;
		}
		int crc = sink_commit(&k);
		if (rc == STOPPED) {
			r->error = ZC_COLLECT_STOPPED;
			set_err(errbuf, errlen, "stopped at seq %" PRIu64, r->pull.next_seq);
			rc = ZC_EAGAIN;
		} else if (k.store_rc) {
			r->error = ZC_COLLECT_STORE;
			rc = k.store_rc;
		} else if (rc) {
			r->error = ZC_COLLECT_LINK;
			set_err(errbuf, errlen, "%s", zc_hostlink_errmsg(h));
		} else if (crc) {
			r->error = ZC_COLLECT_STORE;
			rc = crc;
		}
		if (k.in) {
			zc_ingest_abort(k.in);
			k.in = NULL;
		}
	}
	if (zc_store_terminal_head(s, he->terminal, &r->verified_head, r->verified_hash) && !rc) {
		r->error = ZC_COLLECT_STORE;
		rc = ZC_EDB;
	}
	if (rc)
		goto out;
	/* everything the terminal wrote before the HELLO is here now */
	if ((rc = zc_store_collection_add(s, he->terminal, local_ms, he->head_seq, "link", o.source, NULL))) {
		r->error = ZC_COLLECT_STORE;
		set_err(errbuf, errlen, "recording the collection of terminal %s failed: %s", he->terminal,
			zc_store_errmsg(s));
		goto out;
	}
	r->collected_at_ms = local_ms;

	/* 3, 4. the signed commands */
	int have_key = o.host_key && !zc_privkey_fingerprint(o.host_key, our_fp);
	int ours = have_key && !memcmp(our_fp, he->host_fp, ZC_HASH_LEN);
	int cmd_state = !have_key ? ZC_COLLECT_CMD_NO_KEY : !ours ? ZC_COLLECT_CMD_OTHER_HOST : 0;
	int sent = 0;

	int need_ack = 0;
	if (r->verified_head > he->collected_seq && r->verified_head >= 1) {
		scan *sc = calloc(1, sizeof *sc);
		if (!sc) {
			rc = ZC_ENOMEM;
			r->error = ZC_COLLECT_STORE;
			goto out;
		}
		zc_store_records(s, he->terminal, he->collected_seq + 1, r->verified_head, scan_one, sc);
		need_ack = sc->other;
		free(sc);
	}
	if (need_ack && cmd_state) {
		r->ack.state = cmd_state;
	} else if (need_ack) {
		zc_wire_result_msg res;
		int crc =
		    zc_hostlink_ack_collected(h, he->terminal, r->verified_head, r->verified_hash, o.host_key, &res);
		if (crc) {
			r->ack.state = ZC_COLLECT_CMD_FAILED;
			snprintf(r->ack.text, sizeof r->ack.text, "%s", zc_hostlink_errmsg(h));
		} else {
			r->ack.code = res.code;
			snprintf(r->ack.text, sizeof r->ack.text, "%s", res.text);
			r->ack.state = res.code == ZC_WIRE_OK ? ZC_COLLECT_CMD_OK : ZC_COLLECT_CMD_REFUSED;
			if (res.code == ZC_WIRE_OK) {
				r->acked_to = r->verified_head;
				sent = 1;
			}
		}
	}

	int64_t off = r->clock_offset_ms < 0 ? -r->clock_offset_ms : r->clock_offset_ms;
	if (o.time_tolerance_ms > 0 && off > o.time_tolerance_ms) {
		if (cmd_state) {
			r->set_time.state = cmd_state;
		} else if (r->ack.state == ZC_COLLECT_CMD_FAILED) {
			r->set_time.state = ZC_COLLECT_CMD_FAILED; /* the link is gone */
			snprintf(r->set_time.text, sizeof r->set_time.text, "not sent: the link failed");
		} else {
			zc_wire_result_msg res;
			int64_t now = o.host_time_ms > 0 ? o.host_time_ms + (zc_mono_ms() - t0) : zc_real_ms();
			int crc = zc_hostlink_set_time(h, he->terminal, now, o.host_key, &res);
			if (crc) {
				r->set_time.state = ZC_COLLECT_CMD_FAILED;
				snprintf(r->set_time.text, sizeof r->set_time.text, "%s", zc_hostlink_errmsg(h));
			} else {
				r->set_time.code = res.code;
				snprintf(r->set_time.text, sizeof r->set_time.text, "%s", res.text);
				r->set_time.state = res.code == ZC_WIRE_OK ? ZC_COLLECT_CMD_OK : ZC_COLLECT_CMD_REFUSED;
				sent |= res.code == ZC_WIRE_OK;
			}
		}
	}

	/* 5. the records the commands appended */
	if (sent) {
		zc_pull_progress tail;
		uint64_t from = r->verified_head + 1;
		zc_pull_opts pl = {.from_seq = from, .on_record = sink_record, .arg = &k};
		int prc = zc_hostlink_pull(h, &pl, &tail);
		int crc = sink_commit(&k);
		if (k.in) {
			zc_ingest_abort(k.in);
			k.in = NULL;
		}
		r->tail_records = tail.records;
		r->tail_bytes = tail.rec_bytes;
		if (prc < 0 && o.stop && *o.stop)
			prc = STOPPED;
		if (prc == STOPPED) {
			r->error = ZC_COLLECT_STOPPED;
			rc = ZC_EAGAIN;
		} else if (k.store_rc || crc) {
			r->error = ZC_COLLECT_STORE;
			rc = k.store_rc ? k.store_rc : crc;
		} else if (prc) {
			r->error = ZC_COLLECT_LINK;
			set_err(errbuf, errlen, "%s", zc_hostlink_errmsg(h));
			rc = prc;
		}
		zc_store_terminal_head(s, he->terminal, &r->verified_head, r->verified_hash);
	}
out:
	zc_hostlink_set_cancel(h, NULL);
	zc_hostlink_get_stats(h, &r->link);
	r->seconds_ms = zc_mono_ms() - t0;
	zc_pubkey_free(presented);
	zc_pubkey_free(registered);
	return rc;
}
