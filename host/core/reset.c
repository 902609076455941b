/* SPDX-License-Identifier: Apache-2.0 */
/* reset.c: terminal_reset findings (zc/reset.h). */
#include "zc/reset.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "zc/dates.h"
#include "zc/err.h"

/* Record one terminal_reset finding in a batch of its own, dated at_ms. The
 * detail leaves out what changes from one collection to the next, so a
 * terminal that stays reset is reported once. */
static int note(zc_store *s, const char *terminal, int64_t at_ms, const char *source, const char *detail, int *reset)
{
	zc_ingest_opts io = {.source = source, .now_ms = at_ms};
	zc_ingest_stats st;
	zc_ingest *in = NULL;
	int rc = zc_ingest_begin(s, terminal, &io, &in);
	if (rc)
		return rc;
	if ((rc = zc_ingest_note(in, ZC_FIND_TERMINAL_RESET, 0, NULL, detail))) {
		zc_ingest_abort(in);
		return rc;
	}
	if ((rc = zc_ingest_commit(in, &st)))
		return rc;
	*reset = st.findings ? ZC_RESET_NEW : ZC_RESET_SEEN;
	return 0;
}

int zc_reset_check_head(zc_store *s, const char *terminal, uint64_t head, const uint8_t head_hash[ZC_HASH_LEN],
			int64_t at_ms, const char *source, int *reset, uint64_t *verified)
{
	uint64_t vh = 0;
	uint8_t vhash[ZC_HASH_LEN];
	char detail[256];
	*reset = ZC_RESET_NONE;
	int rc = zc_store_terminal_head(s, terminal, &vh, vhash);
	if (rc)
		return rc;
	if (verified)
		*verified = vh;
	if (!vh || head > vh || (head == vh && !memcmp(head_hash, vhash, ZC_HASH_LEN)))
		return 0;
	if (head < vh)
		snprintf(detail, sizeof detail,
			 "the terminal's head went below seq %" PRIu64
			 ", which this host had verified: its journal and sequence mark were lost or replaced",
			 vh);
	else
		snprintf(detail, sizeof detail,
			 "the terminal's head seq %" PRIu64
			 " is another record than the one verified here: its journal and sequence mark were "
			 "replaced",
			 vh);
	return note(s, terminal, at_ms, source, detail, reset);
}

typedef struct higher {
	int64_t before_ms;
	uint64_t up_to;
	int64_t at_ms;
} higher;

static int on_collection(void *arg, const char *terminal, const zc_collection *c)
{
	(void)terminal;
	higher *h = arg;
	if (c->at_ms < h->before_ms && c->up_to_seq > h->up_to) {
		h->up_to = c->up_to_seq;
		h->at_ms = c->at_ms;
	}
	return 0;
}

int zc_reset_check_collection(zc_store *s, const char *terminal, int64_t at_ms, uint64_t up_to, const char *source,
			      int *reset)
{
	higher h = {at_ms, up_to, 0};
	char detail[256], t1[32], t2[32];
	*reset = ZC_RESET_NONE;
	int rc = zc_store_collections(s, terminal, on_collection, &h);
	if (rc || h.up_to == up_to)
		return rc;
	zc_time_format(at_ms, 0, t1);
	zc_time_format(h.at_ms, 0, t2);
	snprintf(detail, sizeof detail,
		 "collected at %s with head seq %" PRIu64 ", below seq %" PRIu64
		 " collected at %s: its journal and sequence mark were lost or replaced",
		 t1, up_to, h.up_to, t2);
	return note(s, terminal, at_ms, source, detail, reset);
}
