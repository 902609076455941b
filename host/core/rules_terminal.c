/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rules_terminal.c: the compliance engine's view of the terminals (section
 * 3, rule 4 and section 10 of ../shared/RULES.md): whether a terminal's clock
 * was trusted at each of its records, terminals whose log has not been
 * collected for too long, and the integrity findings the loader passes in.
 */
#include <stdint.h>
#include <stdio.h>

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
		verdict[i] = v;
		if (x->kind == ZC_KIND_CLOCK_SET && x->host_set) {
			/* A host set the clock: its new reading is the truth from here. */
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
		zc_r_finding *f =
		    rules_add_finding(b, g->type, ZC_SEV_VIOLATION, ZC_SUBJ_TERMINAL, g->terminal, g->date);
		if (f) {
			zc_utf8_snprintf(f->detail, sizeof f->detail, "%s", g->detail ? g->detail : g->type);
			zc_utf8_snprintf(f->detail_zh, sizeof f->detail_zh, "%s",
					 g->detail_zh ? g->detail_zh : f->detail);
		}
	}
}
