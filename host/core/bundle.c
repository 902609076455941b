/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bundle.c: signed record bundles, export and import (zc/bundle.h). The
 * byte layout is shared/FORMAT.md section 5; every field is written and read
 * one at a time, little-endian, and the parser checks each length against
 * its bound before using it and consumes the input exactly.
 */
#include "zc/bundle.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "zc/bytes.h"
#include "zc/err.h"
#include "zc/registry.h"
#include "zc/reset.h"

#define DEFAULT_BATCH 500

#define set_err zc_errf

/* ---- PEM ---- */

static int b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int zc_pem_to_der(const char *pem, uint8_t *der, size_t cap)
{
	if (!pem || !der)
		return ZC_EARG;
	const char *p = strstr(pem, "-----BEGIN ");
	if (!p || !(p = strchr(p + 11, '\n')))
		return ZC_EMALFORMED;
	const char *end = strstr(p, "-----END ");
	if (!end)
		return ZC_EMALFORMED;
	uint32_t acc = 0;
	int bits = 0, pad = 0;
	size_t n = 0;
	for (; p < end; p++) {
		int c = (unsigned char)*p;
		if (c == '\n' || c == '\r' || c == ' ' || c == '\t')
			continue;
		if (c == '=') {
			pad++;
			continue;
		}
		int v = b64val(c);
		if (v < 0 || pad)
			return ZC_EMALFORMED;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n == cap)
				return ZC_EARG;
			der[n++] = (uint8_t)(acc >> bits);
		}
	}
	if (pad > 2 || n == 0)
		return ZC_EMALFORMED;
	return (int)n;
}

/* DER and fingerprint of a PEM public key. */
static int pem_der(const char *pem, uint8_t *der, size_t cap, size_t *len, uint8_t fp[ZC_HASH_LEN])
{
	int n = zc_pem_to_der(pem, der, cap);
	if (n < 0)
		return n;
	zc_pubkey *k = NULL;
	int rc = zc_pubkey_parse(der, (size_t)n, &k);
	if (!rc && fp)
		rc = zc_pubkey_fingerprint(k, fp);
	zc_pubkey_free(k);
	*len = (size_t)n;
	return rc;
}

/* ---- a growing buffer ---- */

typedef struct dyn {
	uint8_t *p;
	size_t len, cap;
	int err;
} dyn;

static void d_put(dyn *d, const void *src, size_t n)
{
	if (d->err)
		return;
	if (d->len + n > ZC_BUNDLE_MAX_SIZE) {
		d->err = ZC_EFULL;
		return;
	}
	if (d->len + n > d->cap) {
		size_t cap = d->cap ? d->cap : 4096;
		while (cap < d->len + n)
			cap *= 2;
		uint8_t *np = realloc(d->p, cap);
		if (!np) {
			d->err = ZC_ENOMEM;
			return;
		}
		d->p = np;
		d->cap = cap;
	}
	memcpy(d->p + d->len, src, n);
	d->len += n;
}

static void d_u8(dyn *d, uint8_t v)
{
	d_put(d, &v, 1);
}

static void d_u16(dyn *d, uint16_t v)
{
	uint8_t b[2];
	zc_put_u16(b, v);
	d_put(d, b, 2);
}

static void d_u32(dyn *d, uint32_t v)
{
	uint8_t b[4];
	zc_put_u32(b, v);
	d_put(d, b, 4);
}

static void d_u64(dyn *d, uint64_t v)
{
	uint8_t b[8];
	zc_put_u64(b, v);
	d_put(d, b, 8);
}

/* ---- export ---- */

typedef struct export_ctx {
	dyn *d;
	uint64_t first, last;
	uint64_t count;
	zc_pubkey *tk; /* the terminal's key: records that fail it stay behind */
	zc_rec *r;
	const char *tid;
	uint32_t skipped;
} export_ctx;

/* A record of terminal tid at seq with a valid signature of k: 1, else 0. */
static int record_sound(zc_pubkey *k, zc_rec *r, const char *tid, uint64_t seq, const uint8_t *raw, size_t len)
{
	size_t body_len = 0;
	if (zc_rec_decode(raw, len, r, &body_len, NULL) || strcmp(r->terminal, tid) || (seq && r->seq != seq))
		return 0;
	return zc_rec_verify(k, raw, body_len, r) == 0;
}

static int export_one(void *arg, uint64_t seq, const uint8_t *raw, size_t len)
{
	export_ctx *x = arg;
	if (!len || len > ZC_REC_MAX || len > UINT16_MAX)
		return 0; /* cannot be stored; never happens */
	if (!record_sound(x->tk, x->r, x->tid, seq, raw, len)) {
		x->skipped++;
		return 0;
	}
	if (x->count == UINT32_MAX)
		return ZC_EFULL;
	if (!x->count)
		x->first = seq;
	x->last = seq;
	x->count++;
	d_u16(x->d, (uint16_t)len);
	d_put(x->d, raw, len);
	return x->d->err;
}

typedef struct coll_ctx {
	zc_collection *v;
	size_t n, cap;
	int err;
} coll_ctx;

static int coll_one(void *arg, const char *terminal, const zc_collection *c)
{
	coll_ctx *x = arg;
	(void)terminal;
	if (x->n == x->cap) {
		size_t nc = x->cap ? x->cap * 2 : 16;
		zc_collection *nv = realloc(x->v, nc * sizeof *nv);
		if (!nv)
			return x->err = ZC_ENOMEM;
		x->v = nv;
		x->cap = nc;
	}
	x->v[x->n] = *c;
	x->v[x->n].via = x->v[x->n].source = NULL; /* only the times travel */
	x->n++;
	return 0;
}

int zc_bundle_export(zc_store *s, const char *terminal, uint64_t from_seq, zc_privkey *host_key, uint8_t **out,
		     size_t *len, zc_bundle_info *info)
{
	char pem[ZC_PEM_MAX];
	uint8_t tder[ZC_BUNDLE_KEY_MAX], hder[ZC_BUNDLE_KEY_MAX], digest[ZC_HASH_LEN], sig[ZC_SIG_MAX];
	uint8_t tfp[ZC_HASH_LEN], hfp[ZC_HASH_LEN];
	size_t tlen, hlen, sig_len = 0;
	dyn d = {0};
	int rc;

	if (!s || !terminal || !host_key || !out || !len)
		return ZC_EARG;
	*out = NULL;
	*len = 0;
	if ((rc = zc_store_terminal_key(s, terminal, pem, sizeof pem)))
		return rc;
	if ((rc = pem_der(pem, tder, sizeof tder, &tlen, tfp)))
		return rc == ZC_EARG ? ZC_EMALFORMED : rc;
	if ((rc = zc_privkey_public_pem(host_key, pem, sizeof pem)) ||
	    (rc = pem_der(pem, hder, sizeof hder, &hlen, hfp)))
		return rc == ZC_EARG ? ZC_EMALFORMED : rc;

	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	int64_t created = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	size_t tid_len = strlen(terminal);

	d_put(&d, ZC_BUNDLE_MAGIC, 4);
	d_u8(&d, (uint8_t)tid_len);
	d_put(&d, terminal, tid_len);
	d_u16(&d, (uint16_t)tlen);
	d_put(&d, tder, tlen);
	d_u64(&d, (uint64_t)created);
	size_t range_at = d.len; /* first_seq, last_seq, count: filled in below */
	d_u64(&d, 0);
	d_u64(&d, 0);
	d_u32(&d, 0);
	if ((rc = d.err))
		goto out;
	export_ctx x = {.d = &d, .tid = terminal};
	if (!(x.r = malloc(sizeof *x.r))) {
		rc = ZC_ENOMEM;
		goto out;
	}
	if (!(rc = zc_pubkey_parse(tder, tlen, &x.tk)))
		rc = zc_store_records(s, terminal, from_seq ? from_seq : 1, 0, export_one, &x);
	zc_pubkey_free(x.tk);
	free(x.r);
	if (!rc)
		rc = d.err;
	if (rc)
		goto out;
	zc_put_u64(d.p + range_at, x.first);
	zc_put_u64(d.p + range_at + 8, x.last);
	zc_put_u32(d.p + range_at + 16, (uint32_t)x.count);
	/* the terminal's collections, the latest ZC_BUNDLE_COLL_MAX */
	coll_ctx cc = {0};
	if ((rc = zc_store_collections(s, terminal, coll_one, &cc)) || (rc = cc.err)) {
		free(cc.v);
		goto out;
	}
	size_t c0 = cc.n > ZC_BUNDLE_COLL_MAX ? cc.n - ZC_BUNDLE_COLL_MAX : 0;
	d_u16(&d, (uint16_t)(cc.n - c0));
	for (size_t i = c0; i < cc.n; i++) {
		d_u64(&d, (uint64_t)cc.v[i].at_ms);
		d_u64(&d, cc.v[i].up_to_seq);
	}
	int64_t cu = cc.n ? cc.v[cc.n - 1].at_ms : 0;
	uint16_t ncoll = (uint16_t)(cc.n - c0);
	free(cc.v);
	d_u16(&d, (uint16_t)hlen);
	d_put(&d, hder, hlen);
	if ((rc = d.err))
		goto out;
	zc_sha256(d.p, d.len, digest);
	if ((rc = zc_privkey_sign(host_key, digest, sig, &sig_len)))
		goto out;
	d_u8(&d, (uint8_t)sig_len);
	d_put(&d, sig, sig_len);
	if ((rc = d.err))
		goto out;
	if (info) {
		memset(info, 0, sizeof *info);
		snprintf(info->terminal, sizeof info->terminal, "%s", terminal);
		memcpy(info->terminal_fp, tfp, ZC_HASH_LEN);
		memcpy(info->host_fp, hfp, ZC_HASH_LEN);
		info->created_ms = created;
		info->first_seq = x.first;
		info->last_seq = x.last;
		info->count = (uint32_t)x.count;
		info->ncollections = ncoll;
		info->collected_until_ms = cu;
		info->size = d.len;
		info->skipped = x.skipped;
	}
	*out = d.p;
	*len = d.len;
	d.p = NULL;
out:
	free(d.p);
	return rc;
}

/* ---- parse ---- */

static int key_fp(const uint8_t *der, size_t len, uint8_t fp[ZC_HASH_LEN], zc_pubkey **keep)
{
	zc_pubkey *k = NULL;
	int rc = zc_pubkey_parse(der, len, &k);
	if (!rc)
		rc = zc_pubkey_fingerprint(k, fp);
	if (!rc && keep)
		*keep = k;
	else
		zc_pubkey_free(k);
	return rc;
}

int zc_bundle_parse(const uint8_t *buf, size_t len, zc_bundle *b, char *errbuf, size_t errlen)
{
	zc_rbuf r;
	zc_pubkey *hk = NULL;
	int rc;

	if (!buf || !b)
		return ZC_EARG;
	memset(b, 0, sizeof *b);
	set_err(errbuf, errlen, "%s", "");
	b->info.size = len;
	zc_rbuf_init(&r, buf, len);

	const uint8_t *magic = zc_r_ptr(&r, 4, "magic");
	int v1 = magic && !memcmp(magic, ZC_BUNDLE_MAGIC_V1, 4);
	if (magic && !v1 && memcmp(magic, ZC_BUNDLE_MAGIC, 4))
		zc_r_fail(&r, ZC_EMALFORMED, 0, "magic");
	size_t at = r.off;
	uint8_t tid_len = zc_r_u8(&r, "terminal_len");
	const uint8_t *tid = zc_r_ptr(&r, tid_len, "terminal");
	if (tid) {
		memcpy(b->info.terminal, tid, tid_len);
		b->info.terminal[tid_len] = 0;
		if (!tid_len || tid_len > ZC_TERMINAL_ID_MAX || memchr(tid, 0, tid_len) ||
		    !zc_id_valid(b->info.terminal))
			zc_r_fail(&r, ZC_EMALFORMED, at, "terminal");
	}
	at = r.off;
	uint16_t tk_len = zc_r_u16(&r, "terminal_key_len");
	if (!r.err && (!tk_len || tk_len > ZC_BUNDLE_KEY_MAX))
		zc_r_fail(&r, ZC_EMALFORMED, at, "terminal_key_len");
	at = r.off;
	b->terminal_key = zc_r_ptr(&r, tk_len, "terminal_key");
	b->terminal_key_len = tk_len;
	if (b->terminal_key && key_fp(b->terminal_key, tk_len, b->info.terminal_fp, NULL))
		zc_r_fail(&r, ZC_EMALFORMED, at, "terminal_key");
	b->info.created_ms = zc_r_i64(&r, "created_ms");
	b->info.first_seq = zc_r_u64(&r, "first_seq");
	b->info.last_seq = zc_r_u64(&r, "last_seq");
	at = r.off;
	b->info.count = zc_r_u32(&r, "count");
	if (!r.err && (b->info.count ? b->info.first_seq < 1 || b->info.last_seq < b->info.first_seq
				     : b->info.first_seq || b->info.last_seq))
		zc_r_fail(&r, ZC_EMALFORMED, at, "count");
	b->records = r.p + r.off;
	for (uint32_t i = 0; i < b->info.count && !r.err; i++) {
		at = r.off;
		uint16_t n = zc_r_u16(&r, "record_len");
		if (!r.err && (!n || n > ZC_REC_MAX))
			zc_r_fail(&r, ZC_EMALFORMED, at, "record_len");
		zc_r_ptr(&r, n, "record");
	}
	if (!r.err)
		b->records_len = (size_t)(r.p + r.off - b->records);
	if (!v1) {
		b->info.ncollections = zc_r_u16(&r, "ncollections");
		b->collections = zc_r_ptr(&r, (size_t)b->info.ncollections * 16, "collections");
		for (uint16_t i = 0; b->collections && i < b->info.ncollections && !r.err; i++) {
			int64_t t = (int64_t)zc_get_u64(b->collections + 16 * i);
			if (t <= 0)
				zc_r_fail(&r, ZC_EMALFORMED, (size_t)(b->collections - buf) + 16u * i, "collections");
			if (t > b->info.collected_until_ms)
				b->info.collected_until_ms = t;
		}
	}
	at = r.off;
	uint16_t hk_len = zc_r_u16(&r, "host_key_len");
	if (!r.err && (!hk_len || hk_len > ZC_BUNDLE_KEY_MAX))
		zc_r_fail(&r, ZC_EMALFORMED, at, "host_key_len");
	at = r.off;
	b->host_key = zc_r_ptr(&r, hk_len, "host_key");
	b->host_key_len = hk_len;
	if (b->host_key && key_fp(b->host_key, hk_len, b->info.host_fp, &hk))
		zc_r_fail(&r, ZC_EMALFORMED, at, "host_key");
	size_t signed_len = r.off;
	at = r.off;
	uint8_t sig_len = zc_r_u8(&r, "sig_len");
	if (!r.err && (sig_len < 8 || sig_len > ZC_SIG_MAX))
		zc_r_fail(&r, ZC_EMALFORMED, at, "sig_len");
	at = r.off;
	const uint8_t *sig = zc_r_ptr(&r, sig_len, "sig");
	if (sig && (sig[0] != 0x30 || sig[1] != sig_len - 2))
		zc_r_fail(&r, ZC_EMALFORMED, at, "sig");
	if (!r.err && r.off != len)
		zc_r_fail(&r, ZC_EMALFORMED, r.off, "trailing_bytes");
	if (r.err) {
		set_err(errbuf, errlen, "not a valid bundle: %s at byte %zu: %s", r.err_field ? r.err_field : "?",
			r.err_off, r.err == ZC_ETRUNC ? "truncated" : "malformed");
		rc = r.err;
		goto out;
	}
	uint8_t digest[ZC_HASH_LEN];
	zc_sha256(buf, signed_len, digest);
	if (zc_pubkey_verify(hk, digest, sig, sig_len)) {
		set_err(errbuf, errlen,
			"the bundle signature does not verify with the host key it names: "
			"the file was changed after it was exported");
		rc = ZC_ESIG;
		goto out;
	}
	rc = 0;
out:
	zc_pubkey_free(hk);
	if (rc) {
		zc_bundle_info keep = b->info;
		memset(b, 0, sizeof *b);
		b->info = keep;
	}
	return rc;
}

int zc_bundle_records(const zc_bundle *b, int (*fn)(void *arg, uint32_t index, const uint8_t *rec, size_t len),
		      void *arg)
{
	if (!b || !fn)
		return ZC_EARG;
	const uint8_t *p = b->records;
	for (uint32_t i = 0; i < b->info.count; i++) {
		uint16_t n = zc_get_u16(p);
		int rc = fn(arg, i, p + 2, n);
		if (rc)
			return rc;
		p += 2 + n;
	}
	return 0;
}

/* ---- import ---- */

typedef struct import_ctx {
	zc_store *s;
	const zc_bundle *b;
	const zc_bundle_import_opts *o;
	zc_ingest_opts io;
	zc_ingest *in;
	uint32_t in_batch, batch;
	zc_ingest_stats total;
	char *errbuf;
	size_t errlen;
} import_ctx;

static void add_stats(zc_ingest_stats *t, const zc_ingest_stats *st)
{
	t->seen += st->seen;
	t->stored += st->stored;
	t->duplicates += st->duplicates;
	t->findings += st->findings;
	for (int k = 0; k < 16; k++)
		t->by_kind[k] += st->by_kind[k];
}

static int import_commit(import_ctx *x, uint32_t done)
{
	zc_ingest_stats st;
	int rc = zc_ingest_commit(x->in, &st);
	x->in = NULL;
	x->in_batch = 0;
	if (rc) {
		set_err(x->errbuf, x->errlen, "storing failed: %s", zc_store_errmsg(x->s));
		return rc;
	}
	add_stats(&x->total, &st);
	if (x->o && x->o->progress)
		x->o->progress(x->o->arg, done, x->b->info.count);
	return 0;
}

static int import_one(void *arg, uint32_t index, const uint8_t *rec, size_t len)
{
	import_ctx *x = arg;
	char where[64];
	int rc;
	if (!x->in && (rc = zc_ingest_begin(x->s, x->b->info.terminal, &x->io, &x->in))) {
		set_err(x->errbuf, x->errlen, "database transaction failed: %s", zc_store_errmsg(x->s));
		return rc;
	}
	snprintf(where, sizeof where, "bundle#%" PRIu32, index);
	if ((rc = zc_ingest_record(x->in, rec, len, where))) {
		set_err(x->errbuf, x->errlen, "storing failed (%s): %s", where, zc_store_errmsg(x->s));
		return rc;
	}
	if (++x->in_batch >= x->batch)
		return import_commit(x, index + 1);
	return 0;
}

/* The bundle's collections, where this store's verified head reaches them
 * (a collection vouches for every record before it: without them here, it
 * would make days look complete that are not). */
static int import_collections(zc_store *s, const zc_bundle *b, const char *source, zc_ingest_stats *st, char *errbuf,
			      size_t errlen)
{
	uint64_t head;
	int reset = 0;
	int rc = zc_store_terminal_head(s, b->info.terminal, &head, NULL);
	for (uint16_t i = 0; !rc && i < b->info.ncollections; i++) {
		int64_t at = (int64_t)zc_get_u64(b->collections + 16 * i);
		uint64_t upto = zc_get_u64(b->collections + 16 * i + 8);
		/* a head lower than an earlier collection's: terminal_reset */
		if ((rc = zc_reset_check_collection(s, b->info.terminal, at, upto, source, &reset)))
			break;
		if (reset == ZC_RESET_NEW) {
			st->findings++;
			st->by_kind[ZC_FIND_TERMINAL_RESET]++;
		}
		if (upto <= head)
			rc = zc_store_collection_add(s, b->info.terminal, at, upto, "bundle", source, NULL);
	}
	if (rc)
		set_err(errbuf, errlen, "recording the collections of terminal %s failed: %s", b->info.terminal,
			zc_store_errmsg(s));
	return rc;
}

/* ---- the trust rules (FORMAT.md section 5) ---- */

typedef struct vet_ctx {
	zc_store *s;
	const zc_bundle *b;
	zc_pubkey *tk;
	zc_rec *r;
	zc_bundle_info *info;
	int provisioned; /* a provisioning record of this key by a trusted host */
	char *errbuf;
	size_t errlen;
} vet_ctx;

/* Every record, before anything is stored: it decodes, is of the bundle's
 * terminal and carries a valid terminal signature; else the bundle is
 * tampered. Notes a provisioning record by a trusted host of this key. */
static int vet_one(void *arg, uint32_t index, const uint8_t *rec, size_t len)
{
	vet_ctx *x = arg;
	size_t body_len = 0;
	int ok = zc_rec_decode(rec, len, x->r, &body_len, NULL) == 0;
	uint64_t seq = ok ? x->r->seq : 0;
	if (ok && strcmp(x->r->terminal, x->b->info.terminal))
		ok = 0;
	if (ok && zc_rec_verify(x->tk, rec, body_len, x->r))
		ok = 0;
	if (!ok) {
		x->info->refused = ZC_BUNDLE_TAMPERED;
		x->info->bad_index = index;
		x->info->bad_seq = seq;
		if (seq)
			set_err(x->errbuf, x->errlen,
				"record (terminal %s, seq %" PRIu64 ") does not verify with the terminal key: the "
				"bundle was tampered with; nothing imported",
				x->b->info.terminal, seq);
		else
			set_err(x->errbuf, x->errlen,
				"record #%" PRIu32 " of the bundle (terminal %s) is not a valid record: the bundle was "
				"tampered with; nothing imported",
				index, x->b->info.terminal);
		return ZC_ESIG;
	}
	if (x->r->kind == ZC_KIND_PROVISIONED && !memcmp(x->r->u.prov.key_fp, x->b->info.terminal_fp, ZC_HASH_LEN)) {
		int rc = zc_registry_trusted(x->s, x->r->u.prov.host_fp, NULL, 0);
		if (rc && rc != ZC_ENOENT)
			return rc;
		if (!rc)
			x->provisioned = 1;
	}
	return 0;
}

/* Refuse with reason why and code rc (errbuf already written). */
static int refuse(zc_bundle_info *info, int why, int rc)
{
	info->refused = why;
	return rc;
}

/* The exporting host key is trusted (or pinned and trusted). */
static int check_host(zc_store *s, zc_bundle *b, const zc_bundle_import_opts *opts, char *errbuf, size_t errlen)
{
	char hx[65];
	if (opts && opts->expect_host_fp && memcmp(opts->expect_host_fp, b->info.host_fp, ZC_HASH_LEN)) {
		set_err(errbuf, errlen, "the bundle was exported by host key %s..., not the expected host key",
			zc_hex(b->info.host_fp, 8, hx));
		return refuse(&b->info, ZC_BUNDLE_OTHER_HOST, ZC_ESTATE);
	}
	int rc = zc_registry_trusted(s, b->info.host_fp, b->info.host_name, sizeof b->info.host_name);
	if (rc == ZC_ENOENT) {
		set_err(errbuf, errlen,
			"the bundle was exported by host key %s, which this host does not trust; nothing imported "
			"(to trust it: zhucun trust add %s --name NAME)",
			zc_hex(b->info.host_fp, ZC_HASH_LEN, hx), hx);
		return refuse(&b->info, ZC_BUNDLE_UNTRUSTED_HOST, ZC_ESTATE);
	}
	if (rc)
		set_err(errbuf, errlen, "reading the trusted host keys failed: %s", zc_store_errmsg(s));
	return rc;
}

/* The terminal key: known here with the same key, or vouched for by the
 * registry or by a trusted host's provisioning record in the bundle. *known
 * tells whether the store has the terminal already. */
static int check_terminal(zc_store *s, zc_bundle *b, int provisioned, int *known, char *errbuf, size_t errlen)
{
	char have[ZC_PEM_MAX], hx[65];
	uint8_t rfp[ZC_HASH_LEN];
	*known = zc_store_terminal_key(s, b->info.terminal, have, sizeof have) == 0;
	int rc = zc_registry_terminal_fp(s, b->info.terminal, rfp);
	if (rc && rc != ZC_ENOENT) {
		set_err(errbuf, errlen, "reading the registry failed: %s", zc_store_errmsg(s));
		return rc;
	}
	int vouched = !rc;
	uint8_t kder[ZC_BUNDLE_KEY_MAX], kfp[ZC_HASH_LEN];
	size_t klen;
	if (*known && (pem_der(have, kder, sizeof kder, &klen, kfp) || memcmp(kfp, b->info.terminal_fp, ZC_HASH_LEN))) {
		set_err(errbuf, errlen,
			"terminal %s is registered here with another key; the bundle's key %s... conflicts with it, "
			"nothing imported",
			b->info.terminal, zc_hex(b->info.terminal_fp, 8, hx));
		return refuse(&b->info, ZC_BUNDLE_KEY_CONFLICT, ZC_EEXIST);
	}
	if (vouched && memcmp(rfp, b->info.terminal_fp, ZC_HASH_LEN)) {
		set_err(errbuf, errlen,
			"the registry gives terminal %s the key fingerprint %s..., not the bundle's %s...; nothing "
			"imported",
			b->info.terminal, zc_hex(rfp, 8, have), zc_hex(b->info.terminal_fp, 8, hx));
		return refuse(&b->info, ZC_BUNDLE_KEY_CONFLICT, ZC_EEXIST);
	}
	if (!*known && !vouched && !provisioned) {
		set_err(errbuf, errlen,
			"terminal %s is not registered here and nothing vouches for its key %s: put the key's "
			"fingerprint in the terminals CSV (column key_fp), or import a bundle that holds its "
			"provisioning by a trusted host; nothing imported",
			b->info.terminal, zc_hex(b->info.terminal_fp, ZC_HASH_LEN, hx));
		return refuse(&b->info, ZC_BUNDLE_UNKNOWN_TERMINAL, ZC_ESTATE);
	}
	return 0;
}

/* Register the bundle's terminal key, refusing a conflicting one. */
static int register_terminal(zc_store *s, zc_bundle *b, zc_pubkey *tk, char *errbuf, size_t errlen)
{
	char pem[ZC_PEM_MAX], hx[17];
	int rc = zc_pubkey_pem(tk, pem, sizeof pem);
	if (!rc)
		rc = zc_store_terminal_add(s, b->info.terminal, pem);
	if (rc == ZC_EEXIST) {
		set_err(errbuf, errlen,
			"terminal %s is registered here with another key; the bundle's key %s... conflicts with it, "
			"nothing imported",
			b->info.terminal, zc_hex(b->info.terminal_fp, 8, hx));
		return refuse(&b->info, ZC_BUNDLE_KEY_CONFLICT, rc);
	}
	if (rc)
		set_err(errbuf, errlen, "registering terminal %s failed: %s", b->info.terminal, zc_store_errmsg(s));
	return rc;
}

/* Everything before the first write: trust, every record, the terminal. */
static int vet_bundle(zc_store *s, zc_bundle *b, const zc_bundle_import_opts *opts, zc_pubkey **tk, int *known,
		      char *errbuf, size_t errlen)
{
	int rc = check_host(s, b, opts, errbuf, errlen);
	if (rc)
		return rc;
	if ((rc = zc_pubkey_parse(b->terminal_key, b->terminal_key_len, tk)))
		return rc;
	vet_ctx v = {.s = s, .b = b, .tk = *tk, .info = &b->info, .errbuf = errbuf, .errlen = errlen};
	if (!(v.r = malloc(sizeof *v.r)))
		return ZC_ENOMEM;
	rc = zc_bundle_records(b, vet_one, &v);
	free(v.r);
	if (rc)
		return rc;
	return check_terminal(s, b, v.provisioned, known, errbuf, errlen);
}

int zc_bundle_import(zc_store *s, const uint8_t *buf, size_t len, const zc_bundle_import_opts *opts,
		     zc_bundle_info *info, zc_ingest_stats *stats, int *registered, char *errbuf, size_t errlen)
{
	zc_bundle b;
	zc_pubkey *tk = NULL;
	import_ctx x = {0};
	int rc, known = 0;

	memset(&b, 0, sizeof b);
	if (info)
		memset(info, 0, sizeof *info);
	if (stats)
		memset(stats, 0, sizeof *stats);
	if (registered)
		*registered = 0;
	if (!s || !buf)
		return ZC_EARG;
	if ((rc = zc_bundle_parse(buf, len, &b, errbuf, errlen))) {
		if (rc == ZC_ESIG)
			b.info.refused = ZC_BUNDLE_BAD_SIGNATURE;
		goto out;
	}
	if ((rc = vet_bundle(s, &b, opts, &tk, &known, errbuf, errlen)))
		goto out;
	if (!known && (rc = register_terminal(s, &b, tk, errbuf, errlen)))
		goto out;
	if (registered)
		*registered = !known;

	x.s = s;
	x.b = &b;
	x.o = opts;
	x.batch = opts && opts->batch ? opts->batch : DEFAULT_BATCH;
	x.io.clock_rollback_tolerance_ms = opts ? opts->clock_rollback_tolerance_ms : 0;
	x.io.source = opts && opts->source ? opts->source : "bundle";
	x.errbuf = errbuf;
	x.errlen = errlen;
	rc = zc_bundle_records(&b, import_one, &x);
	if (!rc && x.in)
		rc = import_commit(&x, b.info.count);
	if (!rc)
		rc = import_collections(s, &b, x.io.source, &x.total, errbuf, errlen);
out:
	if (x.in)
		zc_ingest_abort(x.in);
	zc_pubkey_free(tk);
	if (info)
		*info = b.info;
	if (stats)
		*stats = x.total;
	return rc;
}
