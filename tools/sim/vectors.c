/* SPDX-License-Identifier: Apache-2.0 */
/* vectors.c: deterministic record-format test vectors (vectors.h). */
#include "vectors.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "zc/bytes.h"
#include "zc/err.h"
#include "zc/jfile.h"
#include "zc/recjson.h"
#include "zc/record.h"

static int write_file(const char *dir, const char *name, const void *p, size_t n)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (!f)
		return ZC_EIO;
	int ok = fwrite(p, 1, n, f) == n;
	return fclose(f) == 0 && ok ? 0 : ZC_EIO;
}

static void fill(uint8_t *p, size_t n, uint8_t start)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(start + i);
}

/* One bad vector: a mutation of a good record and the error it must give. */
typedef struct bad {
	const char *name;
	uint8_t buf[ZC_REC_MAX + 8];
	size_t len;
} bad;

int zc_vectors_write(const char *out_dir, const char *terminal_key, const char *badge_key)
{
	zc_privkey *tk = NULL, *bk = NULL;
	json_t *man = json_object(), *goods = json_array(), *bads = json_array();
	uint8_t seg[16384];
	size_t seglen = ZC_JSEG_HEADER_LEN;
	uint8_t enc[16][ZC_REC_MAX];
	size_t enclen[16];
	size_t bodylen[16];
	int n = 0, rc;

	if (mkdir(out_dir, 0755) && errno != EEXIST)
		return ZC_EIO;
	if ((rc = zc_privkey_load(terminal_key, &tk)) || (rc = zc_privkey_load(badge_key, &bk)))
		goto out;

	uint8_t prev[ZC_HASH_LEN] = {0};
	const int64_t t0 = 1735778460000; /* 2025-01-02T00:41:00Z = 08:41 in UTC+8 */
	const uint8_t kinds[] = {ZC_KIND_BOOT,	      ZC_KIND_PROVISIONED,    ZC_KIND_TAP,
				 ZC_KIND_TAP,	      ZC_KIND_CLOCK_SET,      ZC_KIND_READER_FAULT,
				 ZC_KIND_COLLECTED,   ZC_KIND_JOURNAL_REPAIR, 200,
				 ZC_KIND_JOURNAL_LOST};
	zc_jseg_header(seg, 1);
	for (n = 0; n < (int)sizeof kinds; n++) {
		zc_rec r;
		zc_rec_init(&r, kinds[n]);
		strcpy(r.terminal, "K01");
		r.seq = (uint64_t)n + 1;
		r.boot = 1;
		r.utc_ms = t0 + n * 61000;
		r.mono_ms = 5000 + (uint64_t)n * 61000;
		memcpy(r.prev_hash, prev, ZC_HASH_LEN);
		switch (kinds[n]) {
		case ZC_KIND_BOOT: strcpy(r.u.boot.firmware, "zhucun-terminal 0.1.0"); break;
		case ZC_KIND_PROVISIONED:
			strcpy(r.u.prov.township, "T01");
			fill(r.u.prov.host_fp, 32, 0x10);
			fill(r.u.prov.ca_fp, 32, 0x30);
			zc_privkey_fingerprint(tk, r.u.prov.key_fp);
			break;
		case ZC_KIND_TAP:
			if (n == 2) {
				uint8_t ch[ZC_HASH_LEN];
				size_t sl;
				r.u.tap.badge_kind = ZC_BADGE_PIV;
				r.u.tap.result = ZC_TAP_OK;
				r.u.tap.badge_id_len = 16;
				fill(r.u.tap.badge_id, 16, 0xA0);
				zc_privkey_fingerprint(bk, r.u.tap.cert_fp);
				fill(r.u.tap.nonce, 32, 0x50);
				zc_rec_tap_challenge(&r, ch);
				if ((rc = zc_privkey_sign(bk, ch, r.u.tap.badge_sig, &sl)))
					goto out;
				r.u.tap.badge_sig_len = (uint8_t)sl;
			} else {
				r.u.tap.badge_kind = ZC_BADGE_UID;
				r.u.tap.result = ZC_TAP_WEAK;
				r.u.tap.badge_id_len = 4;
				memcpy(r.u.tap.badge_id, "\x04\xA2\x2B\x91", 4);
				fill(r.u.tap.nonce, 32, 0x70);
			}
			break;
		case ZC_KIND_CLOCK_SET:
			r.u.clock.old_utc_ms = r.utc_ms - 5000;
			r.u.clock.new_utc_ms = r.utc_ms;
			fill(r.u.clock.by_fp, 32, 0x10);
			break;
		case ZC_KIND_READER_FAULT:
			r.u.fault.code = -7;
			strcpy(r.u.fault.text, "reader did not answer");
			break;
		case ZC_KIND_COLLECTED:
			r.u.collected.up_to_seq = 6;
			fill(r.u.collected.up_to_hash, 32, 0x90);
			fill(r.u.collected.host_fp, 32, 0x10);
			break;
		case ZC_KIND_JOURNAL_REPAIR:
			r.u.repair.offset = 4096;
			r.u.repair.dropped_bytes = 57;
			r.u.repair.last_good_seq = 7;
			break;
		case ZC_KIND_JOURNAL_LOST:
			r.u.lost.last_seq = r.seq - 1;
			memcpy(r.u.lost.last_hash, prev, ZC_HASH_LEN);
			r.u.lost.found_head = 0;
			break;
		default:
			r.payload_len = 5;
			memcpy(r.payload, "\x01\x02\x03\x04\x05", 5);
			break;
		}
		uint8_t h[ZC_HASH_LEN];
		if ((rc = zc_rec_sign(&r, tk, enc[n], sizeof enc[n], &enclen[n], h)))
			goto out;
		bodylen[n] = enclen[n] - 1 - r.sig_len;
		memcpy(prev, h, ZC_HASH_LEN);
		char name[64];
		snprintf(name, sizeof name, "v1-%02d-%s.rec", n + 1, zc_kind_name(r.kind));
		if ((rc = write_file(out_dir, name, enc[n], enclen[n])))
			goto out;
		char bn[64];
		snprintf(bn, sizeof bn, "%02d.body", n + 1);
		json_t *g = json_object();
		json_object_set_new(g, "file", json_string(name));
		json_object_set_new(g, "body_len", json_integer((json_int_t)bodylen[n]));
		json_object_set_new(g, "record", zc_rec_to_json(&r, h));
		json_array_append_new(goods, g);
		int el = zc_jentry_encode(enc[n], enclen[n], seg + seglen, sizeof seg - seglen);
		if (el < 0) {
			rc = el;
			goto out;
		}
		seglen += (size_t)el;
	}
	char segname[ZC_JSEG_NAME_LEN + 1];
	zc_jseg_name(1, segname);
	if ((rc = write_file(out_dir, segname, seg, seglen)))
		goto out;

	/* Bad vectors: each a mutation of the PIV tap (record 3). */
	static bad b[20];
	int nb = 0;
	const uint8_t *t = enc[2];
	size_t tl = enclen[2], bl = bodylen[2];
#define BAD(nm) (b[nb].name = (nm), memcpy(b[nb].buf, t, tl), b[nb].len = tl, &b[nb++])
	bad *x;
	x = BAD("bad-empty.rec");
	x->len = 0;
	x = BAD("bad-magic.rec");
	x->buf[0] = 'X';
	x = BAD("bad-version.rec");
	x->buf[2] = 9;
	x = BAD("bad-kind-zero.rec");
	x->buf[3] = 0;
	x = BAD("bad-terminal-len.rec");
	x->buf[4] = 0;
	x = BAD("bad-terminal-char.rec");
	x->buf[5] = '/';
	x = BAD("bad-seq-zero.rec");
	memset(x->buf + 8, 0, 8);
	x = BAD("bad-truncated-header.rec");
	x->len = 20;
	x = BAD("bad-truncated-body.rec");
	x->len = bl - 3;
	x = BAD("bad-truncated-sig.rec");
	x->len = tl - 1;
	x = BAD("bad-payload-len.rec");
	zc_put_u16(x->buf + 68, 2000);
	x = BAD("bad-badge-kind.rec");
	x->buf[70] = 3;
	x = BAD("bad-sig-len.rec");
	x->buf[bl] = 80;
	x = BAD("bad-sig-der.rec");
	x->buf[bl + 1] = 0x31;
	x = BAD("bad-trailing.rec");
	x->buf[tl] = 0;
	x->len = tl + 1;
	x = BAD("bad-utc-min.rec"); /* terminal time INT64_MIN */
	zc_put_u64(x->buf + 20, (uint64_t)INT64_MIN);
	x = BAD("bad-utc-max.rec"); /* terminal time INT64_MAX */
	zc_put_u64(x->buf + 20, (uint64_t)INT64_MAX);
#undef BAD
	for (int i = 0; i < nb; i++) {
		zc_rec r;
		zc_rec_error e = {0};
		int code = zc_rec_decode(b[i].buf, b[i].len, &r, NULL, &e);
		if (!code) {
			fprintf(stderr, "zhucun-sim: bad vector %s decoded\n", b[i].name);
			rc = ZC_ESTATE;
			goto out;
		}
		if ((rc = write_file(out_dir, b[i].name, b[i].buf, b[i].len)))
			goto out;
		json_t *o = json_object();
		json_object_set_new(o, "file", json_string(b[i].name));
		json_object_set_new(o, "code", json_integer(code));
		json_object_set_new(o, "error", json_string(zc_strerror(code)));
		json_object_set_new(o, "offset", json_integer((json_int_t)e.offset));
		json_object_set_new(o, "field", json_string(e.field));
		json_array_append_new(bads, o);
	}
	json_object_set_new(man, "format", json_string("zhucun record v1 test vectors, see shared/FORMAT.md"));
	json_object_set_new(man, "terminal_key", json_string("vector-terminal.key.pem"));
	json_object_set_new(man, "badge_key", json_string("vector-badge.key.pem"));
	json_object_set_new(man, "segment", json_string(segname));
	json_object_set_new(man, "records", goods);
	json_object_set_new(man, "bad", bads);
	goods = bads = NULL;
	char path[4096];
	snprintf(path, sizeof path, "%s/manifest.json", out_dir);
	rc = json_dump_file(man, path, JSON_INDENT(1) | JSON_SORT_KEYS) ? ZC_EIO : 0;
out:
	json_decref(goods);
	json_decref(bads);
	json_decref(man);
	zc_privkey_free(tk);
	zc_privkey_free(bk);
	return rc;
}
