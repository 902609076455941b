/* SPDX-License-Identifier: Apache-2.0 */
/*
 * termlog.c: the terminal's event log (zc/termlog.h) and its key.
 *
 * The log is the one writer of the chain: prepare fills a record's header
 * from the journal head and the clock, commit signs it and appends it. There
 * is no lock in here: callers serialize (the tap loop and the link server
 * hold the shared lock of zc/termstate.h from prepare to commit), and commit
 * re-checks that the head has not moved since prepare, returning ZC_ECHAIN
 * if it has, so a stale record is never signed.
 */
#include "zc/termlog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zc/err.h"
#include "zc/fileio.h"

struct zc_termlog {
	zc_journal *j;
	zc_privkey *key;
	zc_clock clk;
	char terminal[ZC_TERMINAL_ID_MAX + 1];
	uint32_t boot;
	uint8_t buf[ZC_REC_MAX];
};

int zc_termkey_load_or_create(const char *key_path, const char *pub_path, zc_privkey **out, int *created)
{
	zc_privkey *k = NULL;
	char pem[ZC_PEM_MAX];
	int made = 0;
	int rc = ZC_EARG;
	if (!key_path || !out)
		goto out;
	rc = zc_privkey_load(key_path, &k);
	if (rc == ZC_ENOENT) {
		/* Only a missing file makes a new key: a damaged one is an error,
		 * never silently replaced (the host knows the old public key). */
		if ((rc = zc_privkey_generate(&k)))
			goto out;
		if ((rc = zc_privkey_save(k, key_path)))
			goto out;
		made = 1;
	} else if (rc) {
		goto out;
	}
	if (pub_path) {
		if ((rc = zc_privkey_public_pem(k, pem, sizeof pem)))
			goto out;
		if ((rc = zc_file_write_atomic(pub_path, pem, strlen(pem), 0644)))
			goto out;
	}
	if (created)
		*created = made;
	*out = k;
	k = NULL;
	rc = 0;
out:
	zc_privkey_free(k);
	return rc;
}

/* The boot counter of the newest readable record (0 if none). */
static uint32_t last_boot(zc_journal *j, uint8_t *buf)
{
	zc_rec *r = malloc(sizeof *r);
	uint32_t boot = 0;
	if (!r)
		return 0;
	uint64_t first = zc_journal_first(j);
	for (uint64_t seq = zc_journal_head(j, NULL); first && seq >= first && seq; seq--) {
		size_t len, body_len;
		if (zc_journal_read(j, seq, buf, ZC_REC_MAX, &len))
			continue;
		if (zc_rec_decode(buf, len, r, &body_len, NULL))
			continue;
		boot = r->boot;
		break;
	}
	free(r);
	return boot;
}

int zc_termlog_open(zc_journal *j, zc_privkey *key, const char *terminal_id, const zc_clock *clk, const char *firmware,
		    zc_termlog **out)
{
	zc_termlog *t = NULL;
	zc_rec *r = NULL;
	int rc = ZC_EARG;
	if (!j || !key || !terminal_id || !clk || !clk->utc_ms || !clk->mono_ms || !out)
		goto out;
	if (!zc_id_valid(terminal_id) || (firmware && strlen(firmware) > ZC_TEXT_MAX))
		goto out;
	rc = ZC_ENOMEM;
	t = calloc(1, sizeof *t);
	r = malloc(sizeof *r);
	if (!t || !r)
		goto out;
	t->j = j;
	t->key = key;
	t->clk = *clk;
	snprintf(t->terminal, sizeof t->terminal, "%s", terminal_id);
	/* A damaged head falls back to the newest readable record; the host
	 * sees the counter from the records anyway. */
	t->boot = last_boot(j, t->buf) + 1;

	const zc_journal_repair *rep = zc_journal_repair_info(j);
	if (rep->happened) {
		zc_termlog_prepare(t, r, ZC_KIND_JOURNAL_REPAIR);
		r->u.repair.offset = rep->offset;
		r->u.repair.dropped_bytes = rep->dropped_bytes;
		r->u.repair.last_good_seq = rep->last_good_seq;
		if ((rc = zc_termlog_commit(t, r, NULL)))
			goto out;
	}
	zc_termlog_prepare(t, r, ZC_KIND_BOOT);
	snprintf(r->u.boot.firmware, sizeof r->u.boot.firmware, "%s", firmware ? firmware : "");
	if ((rc = zc_termlog_commit(t, r, NULL)))
		goto out;
	*out = t;
	t = NULL;
	rc = 0;
out:
	free(r);
	zc_termlog_close(t);
	return rc;
}

void zc_termlog_close(zc_termlog *t)
{
	free(t);
}

void zc_termlog_prepare(zc_termlog *t, zc_rec *r, uint8_t kind)
{
	zc_rec_init(r, kind);
	memcpy(r->terminal, t->terminal, sizeof r->terminal);
	r->seq = zc_journal_head(t->j, r->prev_hash) + 1;
	r->boot = t->boot;
	r->utc_ms = t->clk.utc_ms(t->clk.ctx);
	r->mono_ms = t->clk.mono_ms(t->clk.ctx);
}

int zc_termlog_commit(zc_termlog *t, zc_rec *r, uint8_t hash[ZC_HASH_LEN])
{
	uint8_t head_hash[ZC_HASH_LEN], h[ZC_HASH_LEN];
	size_t len;
	if (!t || !r)
		return ZC_EARG;
	uint64_t head = zc_journal_head(t->j, head_hash);
	if (r->seq != head + 1 || memcmp(r->prev_hash, head_hash, ZC_HASH_LEN))
		return ZC_ECHAIN;
	int rc = zc_rec_sign(r, t->key, t->buf, sizeof t->buf, &len, h);
	if (rc)
		return rc;
	rc = zc_journal_append(t->j, t->buf, len);
	if (rc)
		return rc;
	if (hash)
		memcpy(hash, h, ZC_HASH_LEN);
	return 0;
}

uint32_t zc_termlog_boot(const zc_termlog *t)
{
	return t->boot;
}

const char *zc_termlog_terminal(const zc_termlog *t)
{
	return t->terminal;
}

int zc_termlog_set_terminal(zc_termlog *t, const char *terminal_id)
{
	if (!t || !terminal_id || !zc_id_valid(terminal_id))
		return ZC_EARG;
	snprintf(t->terminal, sizeof t->terminal, "%s", terminal_id);
	return 0;
}
