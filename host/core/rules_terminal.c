/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rules_terminal.c: the compliance engine's view of the terminals (section
 * 3, rule 4 and section 10 of ../shared/RULES.md): whether a terminal's clock
 * was trusted at each of its records (and which host-ordered clock changes
 * set it back), terminals whose log has not been collected for too long,
 * and the integrity findings the loader passes in.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "rules_internal.h"
#include "zc/record.h"
#include "zc/rules.h"
#include "zc/utf8.h"

/* ---- section 3, rule 4: clock trust ---- */

const char *zc_clock_verdict_name(int v)
{
	switch (v) {
	case ZC_CLOCK_BEFORE_PROVISIONING: return "tap_before_provisioning";
	case ZC_CLOCK_AFTER_COLLECTION: return "tap_after_collection";
	case ZC_CLOCK_ROLLBACK_WINDOW: return "clock_rollback_window";
	case ZC_CLOCK_SET_BACK: return "clock_set_back";
	default: return "";
	}
}

void zc_rules_clock_trust(const zc_r_clockrec *r, size_t n, int64_t tolerance_ms, uint8_t *verdict)
{
	int64_t prov = INT64_MIN; /* utc of the provisioned record */
	int have_prov = 0;
	int64_t high = INT64_MIN;	  /* highest clock reading so far */
	int64_t window_until = INT64_MIN; /* in a rollback window while utc < this */
	for (size_t i = 0; i < n; i++) {
		const zc_r_clockrec *x = &r[i];
		if (x->kind == ZC_KIND_PROVISIONED && !have_prov) {
			have_prov = 1;
			prov = x->utc_ms;
		}
		uint8_t v = ZC_CLOCK_OK;
		if (high != INT64_MIN && x->utc_ms < high - tolerance_ms && x->utc_ms < window_until)
			; /* still inside the window opened earlier */
		else if (high != INT64_MIN && x->utc_ms < high - tolerance_ms)
			window_until = high; /* a rollback: untrusted until the clock passes high again */
		if (x->utc_ms < window_until)
			v = ZC_CLOCK_ROLLBACK_WINDOW;
		else
			window_until = INT64_MIN;
		if (!have_prov || x->utc_ms < prov)
			v = ZC_CLOCK_BEFORE_PROVISIONING;
		else if (x->collected_ms > 0 && x->utc_ms > x->collected_ms + tolerance_ms)
			v = ZC_CLOCK_AFTER_COLLECTION;
		if (x->kind == ZC_KIND_CLOCK_SET && x->host_set &&
		    (v == ZC_CLOCK_OK || v == ZC_CLOCK_ROLLBACK_WINDOW)) {
			/* RULES.md 10: a host moved the clock back by more than the
			 * tolerance (the clock before the change: the record's own
			 * reading or the trusted mark before it, the later) */
			int64_t old = x->utc_ms;
			if (high != INT64_MIN && high > old)
				old = high;
			int64_t back;
			if (x->new_utc_ms < old &&
			    (__builtin_sub_overflow(old, x->new_utc_ms, &back) || back > tolerance_ms))
				v = ZC_CLOCK_SET_BACK;
		}
		verdict[i] = v;
		if (x->kind == ZC_KIND_CLOCK_SET && x->host_set) {
			/* A host set the clock: its new reading is the truth from here
			 * (so a change back still ends a rollback window). */
			high = x->new_utc_ms;
			window_until = INT64_MIN;
		} else if (have_prov && v != ZC_CLOCK_AFTER_COLLECTION && v != ZC_CLOCK_BEFORE_PROVISIONING &&
			   x->utc_ms > high) {
			/* only trusted readings set the mark: a wrong clock before
			 * provisioning or a future date must not distrust what follows */
			high = x->utc_ms;
		}
	}
}

/* "2025-03-03 12:01:00" in the deployment's zone. */
static void local_time(int64_t utc_ms, int tz, char out[32])
{
	zc_day d = zc_day_of_utc(utc_ms, tz);
	int64_t ms = utc_ms + (int64_t)tz * 60000 - (int64_t)d * 86400000;
	unsigned s = (unsigned)((ms / 1000) % 86400);
	zc_day_format(d, out);
	snprintf(out + 10, 22, " %02u:%02u:%02u", (s / 3600) % 24u, (s / 60) % 60u, s % 60u);
}

zc_day zc_rules_clock_set_back_finding(const char *terminal, uint64_t seq, int64_t old_ms, int64_t new_ms,
				       int tz_offset_min, char *en, size_t en_len, char *zh, size_t zh_len)
{
	char a[32], b[32];
	local_time(old_ms, tz_offset_min, a);
	local_time(new_ms, tz_offset_min, b);
	if (en && en_len)
		snprintf(en, en_len, "%s: record %llu: a host set the clock back from %s to %s", terminal,
			 (unsigned long long)seq, a, b);
	if (zh && zh_len)
		snprintf(zh, zh_len, "终端 %s 第 %llu 条记录：主机将时钟从 %s 回拨到 %s", terminal,
			 (unsigned long long)seq, a, b);
	return zc_day_of_utc(new_ms, tz_offset_min);
}

/* ---- section 10: terminals whose log has not been collected for too long ---- */

void rules_collection_findings(build *b)
{
	const zc_rules_input *in = b->in;
	const zc_policy *p = &in->policy;
	int64_t limit = rules_day_end_ms(in->as_of, p->tz_offset_min) - (int64_t)p->max_collection_lag_days * 86400000;
	for (size_t t = 0; t < in->nterminals; t++) {
		int64_t cu = in->terminals[t].collected_until_ms;
		if (cu != ZC_NEVER_COLLECTED && cu >= limit)
			continue;
		zc_r_finding *f =
		    rules_add_finding(b, "collection_overdue", ZC_SEV_WARNING, ZC_SUBJ_TERMINAL, (int)t, in->as_of);
		if (!f)
			continue;
		if (cu == ZC_NEVER_COLLECTED) {
			zc_utf8_snprintf(f->detail, sizeof f->detail, "the terminal's log has never been collected");
			zc_utf8_snprintf(f->detail_zh, sizeof f->detail_zh, "终端记录从未收取");
		} else {
			zc_day last = zc_day_of_utc(cu, p->tz_offset_min);
			char s1[11];
			zc_day_format(last, s1);
			rules_detail(
			    f, "终端记录最后收取于 %s，已超过 %d 天；此后的日期为未收取",
			    "the terminal's log was last collected on %s, more than %d days ago; later dates are "
			    "pending",
			    s1, p->max_collection_lag_days);
		}
	}
}

/* ---- section 10: integrity findings from outside the engine ---- */

void rules_integrity_findings(build *b, const zc_rules_input *in)
{
	for (size_t i = 0; i < in->nintegrity; i++) {
		const zc_r_integrity *g = &in->integrity[i];
		if (g->date > in->as_of)
			continue;
		/* RULES.md 10: a host's clock change back is a warning; the
		 * rest are violations */
		int sev = strcmp(g->type, "clock_set_back") ? ZC_SEV_VIOLATION : ZC_SEV_WARNING;
		zc_r_finding *f = rules_add_finding(b, g->type, sev, ZC_SUBJ_TERMINAL, g->terminal, g->date);
		if (f) {
			zc_utf8_snprintf(f->detail, sizeof f->detail, "%s", g->detail ? g->detail : g->type);
			zc_utf8_snprintf(f->detail_zh, sizeof f->detail_zh, "%s",
					 g->detail_zh ? g->detail_zh : f->detail);
		}
	}
}
