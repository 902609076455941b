/* SPDX-License-Identifier: Apache-2.0 */
/* recjson.c: JSON rendering of records (zc/recjson.h). */
#include "zc/recjson.h"

#include <stdio.h>
#include <time.h>

#include "zc/bytes.h"

static json_t *hexj(const uint8_t *p, size_t n)
{
	char buf[2 * ZC_PAYLOAD_MAX + 1];
	return json_string(zc_hex(p, n, buf));
}

/* Times this formatter prints: years 0000 to 9999 (records carry only
 * 1970..2199, zc_utc_ms_valid; other messages, a terminal's HELLO, may carry
 * anything a terminal sends). */
#define ISO_MS_MIN (-62167219200000LL) /* 0000-01-01T00:00:00Z */
#define ISO_MS_END 253402300800000LL   /* 10000-01-01T00:00:00Z */

void zc_iso8601_utc(int64_t ms, char out[48])
{
	if (ms < ISO_MS_MIN || ms >= ISO_MS_END) {
		snprintf(out, 48, "invalid");
		return;
	}
	int64_t s = ms / 1000, frac = ms % 1000;
	if (frac < 0) {
		s--;
		frac += 1000;
	}
	time_t t = (time_t)s;
	struct tm tm;
	if (!gmtime_r(&t, &tm)) {
		snprintf(out, 48, "invalid");
		return;
	}
	snprintf(out, 48, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		 tm.tm_hour, tm.tm_min, tm.tm_sec, (int)frac);
}

json_t *zc_rec_to_json(const zc_rec *r, const uint8_t *hash)
{
	char iso[48];
	json_t *o = json_object();
	json_object_set_new(o, "version", json_integer(r->version));
	json_object_set_new(o, "kind", json_string(zc_kind_name(r->kind)));
	json_object_set_new(o, "kind_code", json_integer(r->kind));
	json_object_set_new(o, "terminal", json_string(r->terminal));
	json_object_set_new(o, "seq", json_integer((json_int_t)r->seq));
	json_object_set_new(o, "boot", json_integer(r->boot));
	json_object_set_new(o, "utc_ms", json_integer(r->utc_ms));
	zc_iso8601_utc(r->utc_ms, iso);
	json_object_set_new(o, "utc", json_string(iso));
	json_object_set_new(o, "mono_ms", json_integer((json_int_t)r->mono_ms));
	json_object_set_new(o, "prev_hash", hexj(r->prev_hash, ZC_HASH_LEN));
	if (hash)
		json_object_set_new(o, "hash", hexj(hash, ZC_HASH_LEN));
	json_t *p = json_object();
	switch (r->kind) {
	case ZC_KIND_TAP:
		json_object_set_new(p, "badge_kind", json_string(zc_badge_kind_name(r->u.tap.badge_kind)));
		json_object_set_new(p, "result", json_string(zc_tap_result_name(r->u.tap.result)));
		json_object_set_new(p, "result_code", json_integer(r->u.tap.result));
		json_object_set_new(p, "badge_id", hexj(r->u.tap.badge_id, r->u.tap.badge_id_len));
		json_object_set_new(p, "cert_fp", hexj(r->u.tap.cert_fp, ZC_HASH_LEN));
		json_object_set_new(p, "nonce", hexj(r->u.tap.nonce, ZC_NONCE_LEN));
		json_object_set_new(p, "badge_sig", hexj(r->u.tap.badge_sig, r->u.tap.badge_sig_len));
		break;
	case ZC_KIND_BOOT: json_object_set_new(p, "firmware", json_string(r->u.boot.firmware)); break;
	case ZC_KIND_CLOCK_SET:
		json_object_set_new(p, "old_utc_ms", json_integer(r->u.clock.old_utc_ms));
		json_object_set_new(p, "new_utc_ms", json_integer(r->u.clock.new_utc_ms));
		json_object_set_new(p, "by_fp", hexj(r->u.clock.by_fp, ZC_HASH_LEN));
		break;
	case ZC_KIND_PROVISIONED:
		json_object_set_new(p, "township", json_string(r->u.prov.township));
		json_object_set_new(p, "host_fp", hexj(r->u.prov.host_fp, ZC_HASH_LEN));
		json_object_set_new(p, "ca_fp", hexj(r->u.prov.ca_fp, ZC_HASH_LEN));
		json_object_set_new(p, "key_fp", hexj(r->u.prov.key_fp, ZC_HASH_LEN));
		break;
	case ZC_KIND_COLLECTED:
		json_object_set_new(p, "up_to_seq", json_integer((json_int_t)r->u.collected.up_to_seq));
		json_object_set_new(p, "up_to_hash", hexj(r->u.collected.up_to_hash, ZC_HASH_LEN));
		json_object_set_new(p, "host_fp", hexj(r->u.collected.host_fp, ZC_HASH_LEN));
		break;
	case ZC_KIND_READER_FAULT:
		json_object_set_new(p, "code", json_integer(r->u.fault.code));
		json_object_set_new(p, "text", json_string(r->u.fault.text));
		break;
	case ZC_KIND_JOURNAL_REPAIR:
		json_object_set_new(p, "offset", json_integer((json_int_t)r->u.repair.offset));
		json_object_set_new(p, "dropped_bytes", json_integer((json_int_t)r->u.repair.dropped_bytes));
		json_object_set_new(p, "last_good_seq", json_integer((json_int_t)r->u.repair.last_good_seq));
		break;
	case ZC_KIND_JOURNAL_LOST:
		json_object_set_new(p, "last_seq", json_integer((json_int_t)r->u.lost.last_seq));
		json_object_set_new(p, "last_hash", hexj(r->u.lost.last_hash, ZC_HASH_LEN));
		json_object_set_new(p, "found_head", json_integer((json_int_t)r->u.lost.found_head));
		break;
	default: json_object_set_new(p, "raw", hexj(r->payload, r->payload_len)); break;
	}
	json_object_set_new(o, "payload", p);
	json_object_set_new(o, "sig", hexj(r->sig, r->sig_len));
	return o;
}
