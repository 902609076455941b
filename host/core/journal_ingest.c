/* SPDX-License-Identifier: Apache-2.0 */
/*
 * journal_ingest.c: a terminal's journal files into the store in batches
 * (zc/journal_ingest.h): settle the terminal, register its key, then every
 * entry through zc_ingest_* with damaged entries noted as findings.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zc/err.h"
#include "zc/jreader.h"
#include "zc/journal_ingest.h"
#include "zc/record.h"
#include "zc/store.h"

struct zc_jingest {
	char *path;
	zc_jreader *jr; /* positioned at the first entry; NULL once run */
	char terminal[ZC_TERMINAL_ID_MAX + 1];
};

void zc_jingest_close(zc_jingest *j)
{
	if (!j)
		return;
	zc_jreader_close(j->jr);
	free(j->path);
	free(j);
}

/* The terminal of the journal: the first record that decodes; the reader
 * is left at the end (the caller reopens it). */
static void find_terminal(zc_jingest *j)
{
	zc_jitem it;
	while (!j->terminal[0] && zc_jreader_next(j->jr, &it) > 0) {
		zc_rec r;
		if (it.rec && !zc_rec_decode(it.rec, it.len, &r, NULL, NULL))
			snprintf(j->terminal, sizeof j->terminal, "%s", r.terminal);
	}
}

int zc_jingest_open(const char *path, const char *terminal, zc_jingest **out)
{
	*out = NULL;
	if (terminal && *terminal && !zc_id_valid(terminal))
		return ZC_EARG;
	zc_jingest *j = calloc(1, sizeof *j);
	int rc = ZC_ENOMEM;
	if (!j || !(j->path = strdup(path)))
		goto out;
	if ((rc = zc_jreader_open(path, &j->jr)))
		goto out;
	if (terminal && *terminal) {
		snprintf(j->terminal, sizeof j->terminal, "%s", terminal);
	} else {
		find_terminal(j);
		zc_jreader_close(j->jr);
		j->jr = NULL;
		rc = ZC_EMALFORMED;
		if (!j->terminal[0] || (rc = zc_jreader_open(path, &j->jr)))
			goto out;
	}
	*out = j;
	j = NULL;
	rc = 0;
out:
	zc_jingest_close(j);
	return rc;
}

const char *zc_jingest_terminal(const zc_jingest *j)
{
	return j->terminal;
}

/* The store's reason for the last failure, into r->msg. */
static void store_reason(zc_jingest_result *r, zc_store *s)
{
	snprintf(r->msg, sizeof r->msg, "%s", zc_store_errmsg(s));
}

/* Commit the open batch *in (and clear it), adding its counts to r. */
static int commit_batch(zc_store *s, zc_ingest **in, zc_jingest_result *r)
{
	zc_ingest_stats st;
	int rc = zc_ingest_commit(*in, &st);
	*in = NULL;
	if (rc) {
		store_reason(r, s);
		r->error = ZC_JINGEST_COMMIT;
		return rc;
	}
	zc_ingest_stats *t = &r->stats;
	t->seen += st.seen;
	t->stored += st.stored;
	t->duplicates += st.duplicates;
	t->findings += st.findings;
	for (int k = 0; k < 16; k++)
		t->by_kind[k] += st.by_kind[k];
	return 0;
}

/* Store one journal entry (a damaged one as a finding) in the open batch;
 * r->where gets its position. */
static int ingest_item(zc_ingest *in, const zc_jitem *it, const zc_jingest_opts *o, zc_jingest_result *r)
{
	snprintf(r->where, sizeof r->where, "%s@%llu", it->segment, (unsigned long long)it->offset);
	int rc = 0;
	if (it->status) {
		char detail[160];
		snprintf(detail, sizeof detail, "journal entry: %s (%llu bytes)", zc_strerror(it->status),
			 (unsigned long long)it->skipped);
		rc = zc_ingest_note(in, ZC_FIND_MALFORMED, 0, r->where, detail);
		if (o->damaged)
			o->damaged(o->arg, r->where, it->status);
	}
	if (!rc && it->rec)
		rc = zc_ingest_record(in, it->rec, it->len, r->where);
	return rc;
}

/* Register the terminal under the key, or find it registered so. */
static int register_terminal(zc_jingest *j, zc_store *s, const char *pem, zc_jingest_result *r)
{
	int rc = zc_store_terminal_add(s, j->terminal, pem);
	if (rc == ZC_EEXIST) {
		r->error = ZC_JINGEST_KEY_MISMATCH;
	} else if (rc) {
		store_reason(r, s);
		r->error = ZC_JINGEST_REGISTER;
	}
	return rc;
}

int zc_jingest_run(zc_jingest *j, zc_store *s, const zc_jingest_opts *opts, zc_jingest_result *r)
{
	memset(r, 0, sizeof *r);
	if (!j->jr)
		return ZC_ESTATE;
	if (!opts->pubkey_pem)
		return ZC_EARG;
	uint32_t batch = opts->batch ? opts->batch : ZC_JINGEST_BATCH_DEFAULT;
	zc_ingest_opts io = {.clock_rollback_tolerance_ms = opts->clock_rollback_tolerance_ms,
			     .source = opts->source ? opts->source : j->path};
	zc_ingest *in = NULL;
	uint32_t in_batch = 0;
	zc_jitem it;
	int n, rc;
	if ((rc = register_terminal(j, s, opts->pubkey_pem, r)))
		goto out;
	while ((n = zc_jreader_next(j->jr, &it)) > 0) {
		if (!in && (rc = zc_ingest_begin(s, j->terminal, &io, &in))) {
			store_reason(r, s);
			r->error = ZC_JINGEST_BEGIN;
			goto out;
		}
		if ((rc = ingest_item(in, &it, opts, r))) {
			store_reason(r, s);
			r->error = ZC_JINGEST_STORE;
			goto out;
		}
		r->entries++;
		if (++in_batch >= batch) {
			if ((rc = commit_batch(s, &in, r)))
				goto out;
			in_batch = 0;
			if (opts->progress)
				opts->progress(opts->arg, r->entries);
		}
	}
	if (n < 0) {
		r->error = ZC_JINGEST_READ;
		rc = n;
		goto out;
	}
	if (in)
		rc = commit_batch(s, &in, r);
out:
	if (in)
		zc_ingest_abort(in);
	zc_jreader_close(j->jr);
	j->jr = NULL;
	return rc;
}
