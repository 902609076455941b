/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rules.c: the compliance engine (zc/rules.h), section by section of
 * ../shared/RULES.md. Pure: it reads only its input and writes only the
 * result it allocates. This file is its entry point: the input check, the
 * input's rows grouped by cadre, the order of the steps (each in a
 * rules_*.c file of its own: rules_internal.h lists them), and the result's
 * life cycle and accessors.
 */
#include "zc/rules.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules_internal.h"
#include "zc/err.h"
#include "zc/utf8.h"

/* ---- the result under construction ---- */

zc_r_finding *rules_add_finding(build *b, const char *type, int sev, int kind, int subject, zc_day date)
{
	if (b->r->nfindings == b->cap_find) {
		size_t nc = b->cap_find ? b->cap_find * 2 : 64;
		zc_r_finding *n = realloc(b->r->findings, nc * sizeof *n);
		if (!n) {
			b->oom = 1;
			return NULL;
		}
		b->r->findings = n;
		b->cap_find = nc;
	}
	zc_r_finding *f = &b->r->findings[b->r->nfindings++];
	memset(f, 0, sizeof *f);
	f->type = type;
	f->severity = sev;
	f->subject_kind = kind;
	f->subject = subject;
	f->date = date;
	return f;
}

/* Group n rows by cadre_of(row) (rows with cadre -1 are left out). */
static int bucket_make(bucket *bk, size_t ncadres, size_t n,
		       int (*cadre_of)(const zc_rules_input *, size_t, const int *), const zc_rules_input *in,
		       const int *aux)
{
	bk->off = calloc(ncadres + 2, sizeof *bk->off);
	bk->idx = malloc((n + 1) * sizeof *bk->idx);
	if (!bk->off || !bk->idx)
		return ZC_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		int c = cadre_of(in, i, aux);
		if (c >= 0)
			bk->off[c + 1]++;
	}
	for (size_t c = 0; c < ncadres; c++)
		bk->off[c + 1] += bk->off[c];
	int *fill = calloc(ncadres + 1, sizeof *fill);
	if (!fill)
		return ZC_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		int c = cadre_of(in, i, aux);
		if (c >= 0)
			bk->idx[bk->off[c] + fill[c]++] = (int)i;
	}
	free(fill);
	return 0;
}

static void bucket_free(bucket *bk)
{
	free(bk->off);
	free(bk->idx);
}

static int leave_cadre(const zc_rules_input *in, size_t i, const int *aux)
{
	(void)aux;
	return in->leaves[i].cadre;
}

static int duty_cadre(const zc_rules_input *in, size_t i, const int *aux)
{
	(void)aux;
	return in->duties[i].cadre;
}

static int correction_cadre(const zc_rules_input *in, size_t i, const int *aux)
{
	(void)aux;
	return in->corrections[i].cadre;
}

static int inspection_cadre(const zc_rules_input *in, size_t i, const int *aux)
{
	(void)aux;
	return in->inspections[i].cadre;
}

/* accepted taps only (aux: the verdicts) */
static int tap_cadre(const zc_rules_input *in, size_t i, const int *aux)
{
	return aux[i] == ZC_REJ_NONE ? in->badges[in->taps[i].badge].cadre : -1;
}

void rules_detail(zc_r_finding *f, const char *zh, const char *en, ...)
{
	va_list ap, aq;
	va_start(ap, en);
	va_copy(aq, ap);
	zc_utf8_vsnprintf(f->detail, sizeof f->detail, en, ap); /* cut between characters, marked "…" */
	zc_utf8_vsnprintf(f->detail_zh, sizeof f->detail_zh, zh, aq);
	va_end(aq);
	va_end(ap);
}

/* A cadre's assignments by start. */
static int asg_cmp(const void *a, const void *b, void *ctx)
{
	const zc_rules_input *in = ctx;
	const zc_r_assignment *x = &in->assignments[*(const int *)a];
	const zc_r_assignment *y = &in->assignments[*(const int *)b];
	return x->start < y->start ? -1 : x->start > y->start;
}

/* ---- evaluate ---- */

static int check_input(const zc_rules_input *in)
{
#define IDX(v, n) ((v) >= 0 && (size_t)(v) < (n))
	for (size_t i = 0; i < in->nvillages; i++)
		if (!IDX(in->villages[i].township, in->ntownships))
			return ZC_EARG;
	for (size_t i = 0; i < in->nterminals; i++)
		if (!IDX(in->terminals[i].township, in->ntownships))
			return ZC_EARG;
	for (size_t i = 0; i < in->nassignments; i++) {
		const zc_r_assignment *a = &in->assignments[i];
		if (!IDX(a->cadre, in->ncadres) || !IDX(a->village, in->nvillages) || a->end < a->start)
			return ZC_EARG;
	}
	for (size_t i = 0; i < in->nleaves; i++)
		if (!IDX(in->leaves[i].cadre, in->ncadres) || in->leaves[i].end < in->leaves[i].start)
			return ZC_EARG;
	for (size_t i = 0; i < in->nduties; i++)
		if (!IDX(in->duties[i].cadre, in->ncadres) || in->duties[i].end < in->duties[i].start)
			return ZC_EARG;
	for (size_t i = 0; i < in->nbadges; i++)
		if (in->badges[i].cadre != -1 && !IDX(in->badges[i].cadre, in->ncadres))
			return ZC_EARG;
	for (size_t i = 0; i < in->ntaps; i++)
		if ((in->taps[i].badge != -1 && !IDX(in->taps[i].badge, in->nbadges)) ||
		    !IDX(in->taps[i].terminal, in->nterminals))
			return ZC_EARG;
	for (size_t i = 0; i < in->nintegrity; i++)
		if (!IDX(in->integrity[i].terminal, in->nterminals) || !in->integrity[i].type)
			return ZC_EARG;
	for (size_t i = 0; i < in->ncorrections; i++)
		if (!IDX(in->corrections[i].cadre, in->ncadres))
			return ZC_EARG;
	for (size_t i = 0; i < in->ninspections; i++)
		if (!IDX(in->inspections[i].cadre, in->ncadres) ||
		    (in->inspections[i].village != -1 && !IDX(in->inspections[i].village, in->nvillages)))
			return ZC_EARG;
	for (size_t i = 0; i < in->ntownships; i++)
		if (in->townships[i].district != -1 && in->ndistricts &&
		    !IDX(in->townships[i].district, in->ndistricts))
			return ZC_EARG;
	return 0;
#undef IDX
}

static int find_cmp(const void *a, const void *b)
{
	const zc_r_finding *x = a, *y = b;
	if (x->date != y->date)
		return x->date < y->date ? -1 : 1;
	int c = strcmp(x->type, y->type);
	if (c)
		return c;
	if (x->subject_kind != y->subject_kind)
		return x->subject_kind - y->subject_kind;
	return x->subject - y->subject;
}

/* Ties of find_cmp keep the order the findings were made in: qsort is not
 * stable by the C standard, and the report must not depend on the C
 * library's sort. Sorts positions, then moves the findings. */
static int find_pos_cmp(const void *a, const void *b, void *ctx)
{
	const zc_r_finding *f = ctx;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	int c = find_cmp(&f[i], &f[j]);
	if (c)
		return c;
	return i < j ? -1 : i > j;
}

static int sort_findings(zc_rules_result *r)
{
	size_t n = r->nfindings;
	size_t *pos = malloc(n * sizeof *pos);
	zc_r_finding *sorted = malloc(n * sizeof *sorted);
	if (!pos || !sorted) {
		free(pos);
		free(sorted);
		return ZC_ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		pos[i] = i;
	qsort_r(pos, n, sizeof *pos, find_pos_cmp, r->findings);
	for (size_t i = 0; i < n; i++)
		sorted[i] = r->findings[pos[i]];
	free(r->findings);
	free(pos);
	r->findings = sorted;
	return 0;
}

/* Per township, the earliest collected-until of its terminals (section 1). */
static void town_collected_init(build *b)
{
	const zc_rules_input *in = b->in;
	for (size_t i = 0; i < in->ntownships; i++)
		b->town_collected[i] = INT64_MAX; /* no terminal: complete on every date */
	for (size_t t = 0; t < in->nterminals; t++) {
		int64_t *tc = &b->town_collected[in->terminals[t].township];
		if (in->terminals[t].collected_until_ms < *tc)
			*tc = in->terminals[t].collected_until_ms;
	}
}

/* Sections 4 to 8, cadre by cadre (asg has room for every assignment): the
 * validity of the cadre's leaves, then its days and what they count. The
 * result keeps each cadre's assignment per day. */
static void eval_cadres(build *b, int *asg, const zc_day *tday, uint8_t *leave_ok)
{
	const zc_rules_input *in = b->in;
	zc_rules_result *r = b->r;
	for (size_t c = 0; c < in->ncadres && !b->oom; c++) {
		cadre_ctx cc;
		memset(&cc, 0, sizeof cc);
		cc.c = (int)c;
		cc.tap_day = tday;
		cc.leave_ok = leave_ok;
		for (size_t i = 0; i < in->nassignments; i++)
			if (in->assignments[i].cadre == (int)c)
				asg[cc.nasg++] = (int)i;
		qsort_r(asg, (size_t)cc.nasg, sizeof *asg, asg_cmp, (void *)in);
		cc.asg = asg;
		rules_leave_validity(b, (int)c, leave_ok);
		if (!b->oom)
			rules_eval_cadre(b, &cc);
		free(cc.taps);
		free(cc.foreign);
		free(cc.flags);
		if (r->asg_of && !b->oom)
			r->asg_of[c] = cc.asg_of; /* kept: the reports ask which village a day belongs to */
		else
			free(cc.asg_of);
	}
}

/* The findings that are not one cadre's day by day, in this order. */
static void other_findings(build *b, const int *rej, const zc_day *tday)
{
	if (!b->oom)
		rules_registry_checks(b);
	if (!b->oom)
		rules_tap_findings(b, rej, tday);
	if (!b->oom)
		rules_forged_findings(b, tday);
	if (!b->oom)
		rules_correction_findings(b);
	if (!b->oom)
		rules_collection_findings(b);
	if (!b->oom)
		rules_integrity_findings(b, b->in);
}

int zc_rules_evaluate(const zc_rules_input *in, zc_rules_result **out)
{
	int rc = check_input(in);
	if (rc)
		return rc;
	build b;
	memset(&b, 0, sizeof b);
	b.in = in;
	zc_rules_result *r = calloc(1, sizeof *r);
	int *rej = calloc(in->ntaps + 1, sizeof *rej);
	zc_day *tday = calloc(in->ntaps + 1, sizeof *tday);
	uint8_t *leave_ok = calloc(in->nleaves + 1, 1);
	int *asg = malloc((in->nassignments + 1) * sizeof *asg);
	b.town_collected = malloc((in->ntownships + 1) * sizeof *b.town_collected);
	b.cal.hol = malloc((in->nholidays + 1) * sizeof(zc_day));
	b.cal.work = malloc((in->nworkdays + 1) * sizeof(zc_day));
	rc = ZC_ENOMEM;
	if (!r || !rej || !tday || !leave_ok || !asg || !b.town_collected || !b.cal.hol || !b.cal.work)
		goto out;
	town_collected_init(&b);
	b.r = r;
	r->as_of = in->as_of;
	r->ncadres = in->ncadres;
	r->status = calloc(in->ncadres + 1, sizeof *r->status);
	r->asg_of = calloc(in->ncadres + 1, sizeof *r->asg_of);
	r->first = calloc(in->ncadres + 1, sizeof *r->first);
	r->span = calloc(in->ncadres + 1, sizeof *r->span);
	if (!r->status || !r->asg_of || !r->first || !r->span)
		goto out;
	rules_cal_fill(&b.cal, in);

	for (size_t t = 0; t < in->ntaps; t++)
		rej[t] = rules_tap_verdict(in, &in->taps[t], &tday[t]);
	if (bucket_make(&b.taps, in->ncadres, in->ntaps, tap_cadre, in, rej) ||
	    bucket_make(&b.leaves, in->ncadres, in->nleaves, leave_cadre, in, NULL) ||
	    bucket_make(&b.duties, in->ncadres, in->nduties, duty_cadre, in, NULL) ||
	    bucket_make(&b.corrections, in->ncadres, in->ncorrections, correction_cadre, in, NULL) ||
	    bucket_make(&b.inspections, in->ncadres, in->ninspections, inspection_cadre, in, NULL))
		goto out;
	eval_cadres(&b, asg, tday, leave_ok);
	other_findings(&b, rej, tday);
	if (b.oom)
		goto out;
	if (r->nfindings && sort_findings(r))
		goto out;
	r->tap_reject = rej;
	rej = NULL;
	*out = r;
	r = NULL;
	rc = 0;
out:
	zc_rules_result_free(r);
	free(rej);
	free(tday);
	free(leave_ok);
	free(asg);
	free(b.cal.hol);
	free(b.cal.work);
	bucket_free(&b.taps);
	bucket_free(&b.leaves);
	bucket_free(&b.duties);
	bucket_free(&b.corrections);
	bucket_free(&b.inspections);
	free(b.town_collected);
	return rc;
}

void zc_rules_result_free(zc_rules_result *r)
{
	if (!r)
		return;
	for (size_t c = 0; r->status && c < r->ncadres; c++)
		free(r->status[c]);
	free(r->status);
	for (size_t c = 0; r->asg_of && c < r->ncadres; c++)
		free(r->asg_of[c]);
	free(r->asg_of);
	free(r->first);
	free(r->span);
	free(r->years);
	free(r->months);
	free(r->findings);
	free(r->recall);
	free(r->tap_reject);
	free(r);
}

int zc_rules_assignment(const zc_rules_result *r, int cadre, zc_day day)
{
	if (cadre < 0 || (size_t)cadre >= r->ncadres || !r->asg_of || !r->asg_of[cadre])
		return -1;
	int off = day - r->first[cadre];
	if (off < 0 || off >= r->span[cadre])
		return -1;
	return r->asg_of[cadre][off];
}

int zc_rules_day_status(const zc_rules_result *r, int cadre, zc_day day)
{
	if (cadre < 0 || (size_t)cadre >= r->ncadres || !r->status[cadre])
		return ZC_ST_NONE;
	int off = day - r->first[cadre];
	if (off < 0 || off >= r->span[cadre])
		return ZC_ST_NONE;
	return r->status[cadre][off];
}
