/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rules.c: the compliance engine (zc/rules.h), section by section of
 * ../shared/RULES.md. Pure: it reads only its input and writes only the
 * report it allocates.
 */
#include "zc/rules.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zc/err.h"
#include "zc/record.h"

/* ---- dates (proleptic Gregorian, days since 1970-01-01) ---- */

zc_day zc_day_from_ymd(int y, int m, int d)
{
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	int yoe = y - era * 400;
	int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (zc_day)(era * 146097 + doe - 719468);
}

void zc_day_to_ymd(zc_day z, int *y, int *m, int *d)
{
	z += 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	int doe = z - era * 146097;
	int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int yy = yoe + era * 400;
	int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int mp = (5 * doy + 2) / 153;
	int dd = doy - (153 * mp + 2) / 5 + 1;
	int mm = mp + (mp < 10 ? 3 : -9);
	*y = yy + (mm <= 2);
	*m = mm;
	*d = dd;
}

int zc_days_in_year(int y)
{
	return (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 366 : 365;
}

static int days_in_month(int y, int m)
{
	static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && zc_days_in_year(y) == 366 ? 29 : dm[m - 1];
}

int zc_day_parse(const char *s, zc_day *out)
{
	int y, m, d;
	char tail;
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return -1;
	if (sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
		return -1;
	if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		return -1;
	*out = zc_day_from_ymd(y, m, d);
	return 0;
}

void zc_day_format(zc_day day, char out[11])
{
	int y, m, d;
	zc_day_to_ymd(day, &y, &m, &d);
	unsigned uy = (unsigned)(y < 0 ? 0 : y) % 10000, um = (unsigned)m % 100, ud = (unsigned)d % 100;
	out[0] = (char)('0' + uy / 1000);
	out[1] = (char)('0' + uy / 100 % 10);
	out[2] = (char)('0' + uy / 10 % 10);
	out[3] = (char)('0' + uy % 10);
	out[4] = '-';
	out[5] = (char)('0' + um / 10);
	out[6] = (char)('0' + um % 10);
	out[7] = '-';
	out[8] = (char)('0' + ud / 10);
	out[9] = (char)('0' + ud % 10);
	out[10] = 0;
}

int zc_weekday(zc_day day)
{
	/* 1970-01-01 was a Thursday (3) */
	int w = (int)((day % 7 + 7) % 7);
	return (w + 3) % 7;
}

zc_day zc_day_years_before(zc_day day, int n)
{
	int y, m, d;
	zc_day_to_ymd(day, &y, &m, &d);
	y -= n;
	if (m == 2 && d == 29 && zc_days_in_year(y) == 365)
		d = 28;
	return zc_day_from_ymd(y, m, d);
}

static zc_day years_after(zc_day day, int n)
{
	return zc_day_years_before(day, -n);
}

zc_day zc_day_of_utc(int64_t utc_ms, int tz_offset_min)
{
	int64_t s = utc_ms / 1000 - (utc_ms % 1000 < 0) + (int64_t)tz_offset_min * 60;
	int64_t d = s / 86400 - (s % 86400 < 0);
	return (zc_day)d;
}

/* ---- policy ---- */

void zc_policy_default(zc_policy *p)
{
	p->min_taps_per_day = 1;
	p->township_max_leave_days = 3;
	p->district_max_leave_days = 7;
	p->min_days_per_year = 200;
	p->max_consecutive_absence_days = 15;
	p->max_absent_days_per_year = 30;
	p->allowance_on_rest_days = 0;
	p->accept_uid_badges = 0;
	p->handover_days = 60;
	p->clock_rollback_tolerance_s = 300;
	p->min_travel_minutes = 30;
	p->daily_rate_fen = 10000;
	p->tz_offset_min = 480;
	p->term_years = 2;
	p->training_warning_percent = 75;
	p->correction_level = ZC_LEVEL_DISTRICT;
	p->max_corrections_per_month = 2;
	p->max_collection_lag_days = 31;
}

static int parse_num(const char *v, long lo, long hi, long *out)
{
	char *end;
	if (!v || !*v)
		return -1;
	long n = strtol(v, &end, 10);
	if (*end || n < lo || n > hi)
		return -1;
	*out = n;
	return 0;
}

static int parse_bool(const char *v, int *out)
{
	if (!strcmp(v, "on") || !strcmp(v, "true") || !strcmp(v, "yes") || !strcmp(v, "1"))
		*out = 1;
	else if (!strcmp(v, "off") || !strcmp(v, "false") || !strcmp(v, "no") || !strcmp(v, "0"))
		*out = 0;
	else
		return -1;
	return 0;
}

int zc_policy_set(zc_policy *p, const char *name, const char *value)
{
	long n;
	struct {
		const char *name;
		int *field;
		long lo, hi;
	} ints[] = {
	    {"min_taps_per_day", &p->min_taps_per_day, 1, 100},
	    {"township_max_leave_days", &p->township_max_leave_days, 0, 366},
	    {"district_max_leave_days", &p->district_max_leave_days, 0, 366},
	    {"min_days_per_year", &p->min_days_per_year, 0, 366},
	    {"max_consecutive_absence_days", &p->max_consecutive_absence_days, 0, 366},
	    {"max_absent_days_per_year", &p->max_absent_days_per_year, 0, 366},
	    {"handover_days", &p->handover_days, 0, 3660},
	    {"min_travel_minutes", &p->min_travel_minutes, 0, 10080},
	    {"term_years", &p->term_years, 1, 50},
	    {"training_warning_percent", &p->training_warning_percent, 0, 100},
	    {"max_corrections_per_month", &p->max_corrections_per_month, 0, 31},
	    {"max_collection_lag_days", &p->max_collection_lag_days, 0, 3660},
	};
	for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
		if (strcmp(name, ints[i].name))
			continue;
		if (parse_num(value, ints[i].lo, ints[i].hi, &n))
			return -1;
		*ints[i].field = (int)n;
		return 0;
	}
	if (!strcmp(name, "allowance_on_rest_days"))
		return parse_bool(value, &p->allowance_on_rest_days);
	if (!strcmp(name, "accept_uid_badges"))
		return parse_bool(value, &p->accept_uid_badges);
	if (!strcmp(name, "clock_rollback_tolerance_s")) {
		if (parse_num(value, 0, 86400 * 365, &n))
			return -1;
		p->clock_rollback_tolerance_s = n;
		return 0;
	}
	if (!strcmp(name, "zone"))
		return zc_zone_parse(value, &p->tz_offset_min);
	if (!strcmp(name, "correction_level")) {
		int l = zc_level_parse(value);
		if (l <= ZC_LEVEL_NONE)
			return -1;
		p->correction_level = l;
		return 0;
	}
	if (!strcmp(name, "daily_rate_fen") || !strcmp(name, "default_rate_fen")) {
		if (parse_num(value, 0, 100000000, &n))
			return -1;
		p->daily_rate_fen = n;
		return 0;
	}
	return -1;
}

int zc_zone_parse(const char *s, int *offset_min)
{
	if (!strcmp(s, "Asia/Shanghai")) {
		*offset_min = 480;
		return 0;
	}
	if (!strcmp(s, "UTC")) {
		*offset_min = 0;
		return 0;
	}
	if (strncmp(s, "UTC", 3) || (s[3] != '+' && s[3] != '-') || strlen(s) != 9 || s[6] != ':')
		return -1;
	for (int i = 4; i < 9; i++)
		if (i != 6 && (s[i] < '0' || s[i] > '9'))
			return -1;
	int h = (s[4] - '0') * 10 + (s[5] - '0'), m = (s[7] - '0') * 10 + (s[8] - '0');
	if (h > 14 || m > 59)
		return -1;
	*offset_min = (s[3] == '-' ? -1 : 1) * (h * 60 + m);
	return 0;
}

const char *zc_level_label_zh(int level)
{
	switch (level) {
	case ZC_LEVEL_TOWNSHIP: return "乡镇";
	case ZC_LEVEL_DISTRICT: return "区";
	case ZC_LEVEL_CITY: return "市";
	default: return "无";
	}
}

const char *zc_level_name(int level)
{
	switch (level) {
	case ZC_LEVEL_TOWNSHIP: return "township";
	case ZC_LEVEL_DISTRICT: return "district";
	case ZC_LEVEL_CITY: return "city";
	default: return "none";
	}
}

int zc_level_parse(const char *s)
{
	if (!strcmp(s, "none"))
		return ZC_LEVEL_NONE;
	if (!strcmp(s, "township"))
		return ZC_LEVEL_TOWNSHIP;
	if (!strcmp(s, "district"))
		return ZC_LEVEL_DISTRICT;
	if (!strcmp(s, "city"))
		return ZC_LEVEL_CITY;
	return -1;
}

const char *zc_severity_name(int s)
{
	return s == ZC_SEV_VIOLATION ? "violation" : s == ZC_SEV_WARNING ? "warning" : "notice";
}

const char *zc_tap_reject_name(int why)
{
	switch (why) {
	case ZC_REJ_NONE: return "accepted";
	case ZC_REJ_RECORD: return "record_not_verified";
	case ZC_REJ_BADGE_AUTH: return "badge_not_authenticated";
	case ZC_REJ_REVOKED: return "badge_revoked";
	case ZC_REJ_UID: return "uid_badge_not_accepted";
	case ZC_REJ_UNBOUND: return "badge_not_bound";
	case ZC_REJ_CLOCK: return "clock_not_trusted";
	default: return "rejected";
	}
}

const char *zc_tap_reject_label_zh(int why)
{
	switch (why) {
	case ZC_REJ_NONE: return "有效";
	case ZC_REJ_RECORD: return "记录签名或哈希链未通过校验";
	case ZC_REJ_BADGE_AUTH: return "工牌认证失败（签名或证书无效，疑似复制卡）";
	case ZC_REJ_REVOKED: return "工牌已吊销";
	case ZC_REJ_UID: return "不接受仅UID卡";
	case ZC_REJ_UNBOUND: return "工牌当时未绑定干部";
	case ZC_REJ_CLOCK: return "终端时钟当时不可信";
	default: return "未计入";
	}
}

/* ---- calendar ---- */

static int in_sorted(const zc_day *a, size_t n, zc_day d)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (a[mid] < d)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && a[lo] == d;
}

static int day_cmp(const void *a, const void *b)
{
	zc_day x = *(const zc_day *)a, y = *(const zc_day *)b;
	return x < y ? -1 : x > y;
}

typedef struct cal {
	zc_day *hol, *work;
	size_t nhol, nwork;
} cal;

static int cal_workday(const cal *c, zc_day d)
{
	if (in_sorted(c->work, c->nwork, d))
		return 1;
	if (in_sorted(c->hol, c->nhol, d))
		return 0;
	return zc_weekday(d) < 5;
}

int zc_rules_is_workday(const zc_rules_input *in, zc_day day)
{
	for (size_t i = 0; i < in->nworkdays; i++)
		if (in->workdays[i] == day)
			return 1;
	for (size_t i = 0; i < in->nholidays; i++)
		if (in->holidays[i] == day)
			return 0;
	return zc_weekday(day) < 5;
}

/* ---- the report under construction ---- */

/* Indices of one kind of row grouped by cadre: rows of cadre c are
 * idx[off[c] .. off[c+1]). */
typedef struct bucket {
	int *off;
	int *idx;
} bucket;

typedef struct build {
	const zc_rules_input *in;
	bucket taps, leaves, duties, corrections, inspections;
	cal cal;
	/* per township: the earliest collected-until of its terminals
	 * (ZC_NEVER_COLLECTED if one was never collected, INT64_MAX if it has
	 * none): the evidence for a date is complete when this reaches the
	 * date's end (section 1) */
	int64_t *town_collected;
	zc_rules_result *r;
	size_t cap_find, cap_year, cap_month, cap_recall;
	int oom;
} build;

static zc_r_finding *add_finding(build *b, const char *type, int sev, int kind, int subject, zc_day date)
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

#define GROW(b, arr, n, cap)                                                                                           \
	do {                                                                                                           \
		if ((n) == (cap)) {                                                                                    \
			size_t nc_ = (cap) ? (cap)*2 : 64;                                                             \
			void *p_ = realloc((arr), nc_ * sizeof *(arr));                                                \
			if (!p_) {                                                                                     \
				(b)->oom = 1;                                                                          \
				break;                                                                                 \
			}                                                                                              \
			(arr) = p_;                                                                                    \
			(cap) = nc_;                                                                                   \
		}                                                                                                      \
	} while (0)

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

/* The end of local date d: the UTC instant of the next local midnight. */
static int64_t day_end_ms(zc_day d, int tz_offset_min)
{
	return ((int64_t)(d + 1) * 86400 - (int64_t)tz_offset_min * 60) * 1000;
}

/* accepted taps only (aux: the verdicts) */
static int tap_cadre(const zc_rules_input *in, size_t i, const int *aux)
{
	return aux[i] == ZC_REJ_NONE ? in->badges[in->taps[i].badge].cadre : -1;
}

/* Both details of a finding: the same arguments in the same order for the
 * Chinese and the English format. */
static void detail(zc_r_finding *f, const char *zh, const char *en, ...) __attribute__((format(printf, 3, 4)));
static void detail(zc_r_finding *f, const char *zh, const char *en, ...)
{
	va_list ap, aq;
	va_start(ap, en);
	va_copy(aq, ap);
	vsnprintf(f->detail, sizeof f->detail, en, ap);
	vsnprintf(f->detail_zh, sizeof f->detail_zh, zh, aq);
	va_end(aq);
	va_end(ap);
}

/* ---- section 3: accepted taps ---- */

static int tap_verdict(const zc_rules_input *in, const zc_r_tap *t, zc_day *day)
{
	*day = zc_day_of_utc(t->utc_ms, in->policy.tz_offset_min);
	if (!t->record_ok)
		return ZC_REJ_RECORD;
	if (t->badge < 0)
		return ZC_REJ_UNBOUND;
	const zc_r_badge *bg = &in->badges[t->badge];
	if (bg->uid_only) {
		if (!in->policy.accept_uid_badges)
			return ZC_REJ_UID;
	} else if (!t->badge_ok) {
		return ZC_REJ_BADGE_AUTH;
	}
	if (t->utc_ms >= bg->revoked_at_ms)
		return ZC_REJ_REVOKED;
	if (bg->cadre < 0 || *day < bg->bound_from || (bg->bound_to > 0 && *day > bg->bound_to))
		return ZC_REJ_UNBOUND;
	if (!t->clock_ok)
		return ZC_REJ_CLOCK;
	return ZC_REJ_NONE;
}

/* ---- per cadre ---- */

typedef struct cadre_ctx {
	int c;
	int *asg; /* assignment indices of this cadre, by start */
	int nasg;
	zc_day first, last; /* evaluated range (last <= as_of), first > last: none */
	uint16_t *taps;	    /* accepted post-terminal taps per day of [first, last] */
	uint8_t *foreign;   /* a tap at another terminal that day */
	uint8_t *flags;	    /* DF_* per day */
	int *asg_of;	    /* assignment index per day, -1 outside */
} cadre_ctx;

enum {
	DF_CORRECTED = 1,   /* a valid correction of the day */
	DF_INSP_ABSENT = 2, /* an inspection found the cadre absent */
};

static int correction_valid(const zc_policy *p, const zc_r_correction *k)
{
	return k->level != ZC_LEVEL_NONE && k->level >= p->correction_level;
}

static int asg_cmp(const void *a, const void *b, void *ctx)
{
	const zc_rules_input *in = ctx;
	const zc_r_assignment *x = &in->assignments[*(const int *)a];
	const zc_r_assignment *y = &in->assignments[*(const int *)b];
	return x->start < y->start ? -1 : x->start > y->start;
}

static int leave_required_level(const zc_policy *p, int len)
{
	if (len <= p->township_max_leave_days)
		return ZC_LEVEL_TOWNSHIP;
	if (len <= p->district_max_leave_days)
		return ZC_LEVEL_DISTRICT;
	return ZC_LEVEL_CITY;
}

/* Section 5: a leave starting on s joins a block ending on bend when they
 * overlap, touch, or only rest days lie between. */
static int leave_joins(const cal *c, zc_day bend, zc_day s)
{
	for (zc_day d = bend + 1; d < s; d++)
		if (cal_workday(c, d))
			return 0;
	return 1;
}

int zc_rules_leave_block(const zc_rules_input *in, int cadre, zc_day start, zc_day end, zc_day *bstart, zc_day *bend)
{
	cal c = {0};
	int rc = ZC_ENOMEM;
	if (!in || end < start || cadre < 0 || (size_t)cadre >= in->ncadres)
		return ZC_EARG;
	c.hol = malloc((in->nholidays + 1) * sizeof(zc_day));
	c.work = malloc((in->nworkdays + 1) * sizeof(zc_day));
	if (!c.hol || !c.work)
		goto out;
	if (in->nholidays)
		memcpy(c.hol, in->holidays, in->nholidays * sizeof(zc_day));
	if (in->nworkdays)
		memcpy(c.work, in->workdays, in->nworkdays * sizeof(zc_day));
	c.nhol = in->nholidays;
	c.nwork = in->nworkdays;
	qsort(c.hol, c.nhol, sizeof(zc_day), day_cmp);
	qsort(c.work, c.nwork, sizeof(zc_day), day_cmp);
	/* grow [start, end] by every leave that joins it, until none does */
	zc_day s = start, e = end;
	for (int grown = 1; grown;) {
		grown = 0;
		for (size_t i = 0; i < in->nleaves; i++) {
			const zc_r_leave *l = &in->leaves[i];
			if (l->cadre != cadre || (l->start >= s && l->end <= e))
				continue;
			int joins = l->start <= s ? leave_joins(&c, l->end, s) : leave_joins(&c, e, l->start);
			if (joins) {
				s = l->start < s ? l->start : s;
				e = l->end > e ? l->end : e;
				grown = 1;
			}
		}
	}
	*bstart = s;
	*bend = e;
	rc = leave_required_level(&in->policy, e - s + 1);
out:
	free(c.hol);
	free(c.work);
	return rc;
}

/* Section 5: validity of each leave of cadre c (valid[i] for in->leaves). */
static void leave_validity(build *b, int c, uint8_t *valid)
{
	const zc_rules_input *in = b->in;
	int n = b->leaves.off[c + 1] - b->leaves.off[c];
	int *idx = malloc(((size_t)n + 1) * sizeof *idx);
	if (!idx) {
		b->oom = 1;
		return;
	}
	memcpy(idx, b->leaves.idx + b->leaves.off[c], (size_t)n * sizeof *idx);
	/* insertion sort by start (few leaves per cadre) */
	for (int i = 1; i < n; i++)
		for (int k = i; k > 0 && in->leaves[idx[k]].start < in->leaves[idx[k - 1]].start; k--) {
			int t = idx[k];
			idx[k] = idx[k - 1];
			idx[k - 1] = t;
		}
	int i = 0;
	while (i < n) {
		zc_day bstart = in->leaves[idx[i]].start, bend = in->leaves[idx[i]].end;
		int j = i + 1;
		for (; j < n; j++) {
			if (!leave_joins(&b->cal, bend, in->leaves[idx[j]].start))
				break;
			if (in->leaves[idx[j]].end > bend)
				bend = in->leaves[idx[j]].end;
		}
		int span = bend - bstart + 1;
		int need = leave_required_level(&in->policy, span);
		for (int k = i; k < j; k++) {
			const zc_r_leave *l = &in->leaves[idx[k]];
			valid[idx[k]] = l->level != ZC_LEVEL_NONE && l->level >= need;
			if (!valid[idx[k]]) {
				zc_r_finding *f = add_finding(b, "leave_approval_level", ZC_SEV_VIOLATION,
							      ZC_SUBJ_CADRE, c, l->start);
				if (f) {
					char s1[11], s2[11];
					zc_day_format(bstart, s1);
					zc_day_format(bend, s2);
					const char *ref = l->ref ? l->ref : "";
					detail(f, "请假连续 %s 至 %s 共 %d 天，须%s审批；实际审批：%s%s%s",
					       "leave block %s..%s (%d days) requires %s approval; approved: %s%s%s",
					       s1, s2, span, zc_level_label_zh(need), zc_level_label_zh(l->level),
					       *ref ? "，批文 " : "", ref);
					/* English names the levels as RULES.md does */
					snprintf(f->detail, sizeof f->detail,
						 "leave block %s..%s (%d days) requires %s approval; approved: %s%s%s",
						 s1, s2, span, zc_level_name(need), zc_level_name(l->level),
						 *ref ? ", ref " : "", ref);
				}
			}
		}
		i = j;
	}
	free(idx);
}

static int covers(const zc_r_assignment *a, zc_day d)
{
	return d >= a->start && d <= a->end;
}

static void eval_cadre(build *b, cadre_ctx *cc, const int *tap_rej, const zc_day *tap_day, uint8_t *leave_ok)
{
	const zc_rules_input *in = b->in;
	const zc_policy *p = &in->policy;
	zc_rules_result *r = b->r;
	int c = cc->c;
	zc_day as_of = in->as_of;

	/* evaluated range */
	cc->first = INT32_MAX;
	cc->last = INT32_MIN;
	for (int k = 0; k < cc->nasg; k++) {
		const zc_r_assignment *a = &in->assignments[cc->asg[k]];
		if (a->start > as_of)
			continue;
		if (a->start < cc->first)
			cc->first = a->start;
		zc_day e = a->end < as_of ? a->end : as_of;
		if (e > cc->last)
			cc->last = e;
	}
	int span = cc->first <= cc->last ? cc->last - cc->first + 1 : 0;
	r->first[c] = cc->first;
	r->span[c] = span;
	if (!span)
		return;
	uint8_t *st = calloc((size_t)span, 1);
	cc->taps = calloc((size_t)span, sizeof *cc->taps);
	cc->foreign = calloc((size_t)span, 1);
	cc->flags = calloc((size_t)span, 1);
	cc->asg_of = malloc((size_t)span * sizeof *cc->asg_of);
	r->status[c] = st;
	if (!st || !cc->taps || !cc->foreign || !cc->flags || !cc->asg_of) {
		b->oom = 1;
		return;
	}
	for (int i = 0; i < span; i++)
		cc->asg_of[i] = -1;
	for (int k = 0; k < cc->nasg; k++) {
		const zc_r_assignment *a = &in->assignments[cc->asg[k]];
		for (zc_day d = a->start; d <= a->end && d <= cc->last; d++)
			if (d >= cc->first)
				cc->asg_of[d - cc->first] = cc->asg[k];
	}

	/* accepted taps of this cadre */
	(void)tap_rej;
	for (int ti = b->taps.off[c]; ti < b->taps.off[c + 1]; ti++) {
		int t = b->taps.idx[ti];
		const zc_r_tap *tp = &in->taps[t];
		zc_day d = tap_day[t];
		if (d < cc->first || d > cc->last || cc->asg_of[d - cc->first] < 0)
			continue;
		const zc_r_assignment *a = &in->assignments[cc->asg_of[d - cc->first]];
		int post = in->terminals[tp->terminal].township == in->villages[a->village].township;
		if (post) {
			if (cc->taps[d - cc->first] < UINT16_MAX)
				cc->taps[d - cc->first]++;
		} else if (!cc->foreign[d - cc->first]) {
			cc->foreign[d - cc->first] = 1;
			zc_r_finding *f = add_finding(b, "foreign_terminal", ZC_SEV_NOTICE, ZC_SUBJ_CADRE, c, d);
			if (f)
				detail(f, "在终端 %s 刷卡，该终端不属于驻村所在乡镇",
				       "tap at terminal %s, not a terminal of the assigned village's township",
				       in->terminals[tp->terminal].id);
		}
	}

	/* sections 5a, 5b: valid corrections and inspections that found the cadre absent */
	for (int ki = b->corrections.off[c]; ki < b->corrections.off[c + 1]; ki++) {
		const zc_r_correction *k = &in->corrections[b->corrections.idx[ki]];
		if (k->day >= cc->first && k->day <= cc->last && correction_valid(p, k))
			cc->flags[k->day - cc->first] |= DF_CORRECTED;
	}
	for (int ki = b->inspections.off[c]; ki < b->inspections.off[c + 1]; ki++) {
		const zc_r_inspection *x = &in->inspections[b->inspections.idx[ki]];
		zc_day d = zc_day_of_utc(x->utc_ms, p->tz_offset_min);
		if (x->absent && d >= cc->first && d <= cc->last)
			cc->flags[d - cc->first] |= DF_INSP_ABSENT;
	}

	/* section 4: day status */
	for (int i = 0; i < span; i++) {
		zc_day d = cc->first + i;
		if (cc->asg_of[i] < 0)
			continue;
		int s;
		int insp_absent = cc->flags[i] & DF_INSP_ABSENT;
		if (cc->taps[i] >= p->min_taps_per_day && !insp_absent) {
			s = ZC_ST_PRESENT;
		} else if ((cc->flags[i] & DF_CORRECTED) && !insp_absent) {
			s = ZC_ST_CORRECTED;
		} else {
			s = 0;
			for (int ki = b->duties.off[c]; ki < b->duties.off[c + 1] && !s; ki++) {
				const zc_r_duty *du = &in->duties[b->duties.idx[ki]];
				if (d >= du->start && d <= du->end)
					s = ZC_ST_DUTY;
			}
			for (int ki = b->leaves.off[c]; ki < b->leaves.off[c + 1] && !s; ki++) {
				int k = b->leaves.idx[ki];
				if (leave_ok[k] && d >= in->leaves[k].start && d <= in->leaves[k].end)
					s = ZC_ST_LEAVE;
			}
			if (!s && !cal_workday(&b->cal, d))
				s = ZC_ST_REST;
			if (!s && !insp_absent) {
				int town = in->villages[in->assignments[cc->asg_of[i]].village].township;
				if (b->town_collected[town] < day_end_ms(d, p->tz_offset_min))
					s = ZC_ST_PENDING;
			}
			if (!s)
				s = ZC_ST_ABSENT;
		}
		st[i] = (uint8_t)s;
		if (insp_absent && s == ZC_ST_ABSENT) {
			zc_r_finding *f = add_finding(b, "inspection_absent", ZC_SEV_VIOLATION, ZC_SUBJ_CADRE, c, d);
			if (f) {
				const char *who = "";
				for (int ki = b->inspections.off[c]; ki < b->inspections.off[c + 1] && !*who; ki++) {
					const zc_r_inspection *x = &in->inspections[b->inspections.idx[ki]];
					if (x->absent && zc_day_of_utc(x->utc_ms, p->tz_offset_min) == d &&
					    x->inspector)
						who = x->inspector;
				}
				if (cc->taps[i])
					detail(f, "检查（%s）发现不在岗，尽管当天已在驻地终端刷卡 %d 次",
					       "an inspection (%s) found the cadre absent although %d tap(s) at a post "
					       "terminal that day",
					       who, (int)cc->taps[i]);
				else
					detail(f, "检查（%s）发现不在岗，当天无驻地终端刷卡",
					       "an inspection (%s) found the cadre absent; no tap at a post terminal "
					       "that day",
					       who);
			}
		}
	}

	/* section 7: absence spells, per assignment (its edges end a spell) */
	int max_consec = p->max_consecutive_absence_days;
	int had_consec = 0, had_cumul = 0;
	for (int k = 0; k < cc->nasg; k++) {
		const zc_r_assignment *a = &in->assignments[cc->asg[k]];
		zc_day end = a->end < cc->last ? a->end : cc->last;
		zc_day sp_first = 0, sp_last = 0;
		int in_spell = 0;
		for (zc_day d = a->start; d <= end + 1; d++) {
			int s = d <= end ? st[d - cc->first] : ZC_ST_NONE;
			if (s == ZC_ST_ABSENT) {
				if (!in_spell) {
					in_spell = 1;
					sp_first = d;
				}
				sp_last = d;
			} else if (s == ZC_ST_REST && in_spell) {
				continue;
			} else if (in_spell) {
				int len = sp_last - sp_first + 1;
				if (len > max_consec) {
					had_consec = 1;
					zc_r_finding *f = add_finding(b, "consecutive_absence", ZC_SEV_VIOLATION,
								      ZC_SUBJ_CADRE, c, sp_first + max_consec);
					if (f) {
						char s1[11], s2[11];
						zc_day_format(sp_first, s1);
						zc_day_format(sp_last, s2);
						detail(f, "%s 至 %s 连续缺勤 %d 天（超过 %d 天）",
						       "absent %s..%s: %d consecutive days (more than %d)", s1, s2, len,
						       max_consec);
					}
				}
				in_spell = 0;
			}
		}
	}

	/* years: counts, cumulative absence, 200-day rule; months: allowance */
	int y0, y1, m_, d_;
	zc_day_to_ymd(cc->first, &y0, &m_, &d_);
	zc_day_to_ymd(cc->last, &y1, &m_, &d_);
	for (int y = y0; y <= y1; y++) {
		zc_day ys = zc_day_from_ymd(y, 1, 1), ye = zc_day_from_ymd(y, 12, 31);
		zc_r_year yr;
		memset(&yr, 0, sizeof yr);
		yr.cadre = c;
		yr.year = y;
		int absent_seen = 0, any = 0;
		for (int mo = 1; mo <= 12; mo++) {
			zc_day ms = zc_day_from_ymd(y, mo, 1), me = ms + days_in_month(y, mo) - 1;
			int mdays = 0, many = 0, mcorr = 0;
			int64_t mfen = 0;
			for (zc_day d = ms; d <= me; d++) {
				if (d < cc->first || d > cc->last || cc->asg_of[d - cc->first] < 0)
					continue;
				int s = st[d - cc->first];
				any = many = 1;
				switch (s) {
				case ZC_ST_PRESENT: yr.present_days++; break;
				case ZC_ST_CORRECTED:
					yr.corrected_days++;
					if (++mcorr == p->max_corrections_per_month + 1) {
						zc_r_finding *f = add_finding(b, "frequent_corrections", ZC_SEV_WARNING,
									      ZC_SUBJ_CADRE, c, d);
						if (f)
							detail(f, "补卡超过 %d 天（%d 年 %d 月）",
							       "more than %d corrected days in %d-%02d",
							       p->max_corrections_per_month, y, mo);
					}
					break;
				case ZC_ST_PENDING: yr.pending_days++; break;
				case ZC_ST_DUTY: yr.duty_days++; break;
				case ZC_ST_LEAVE: yr.leave_days++; break;
				case ZC_ST_REST: yr.rest_days++; break;
				case ZC_ST_ABSENT:
					yr.absent_days++;
					if (++absent_seen == p->max_absent_days_per_year + 1) {
						had_cumul = 1;
						zc_r_finding *f = add_finding(b, "cumulative_absence", ZC_SEV_VIOLATION,
									      ZC_SUBJ_CADRE, c, d);
						if (f)
							detail(f, "全年缺勤超过 %d 天（%d 年）",
							       "more than %d absent days in %d",
							       p->max_absent_days_per_year, y);
					}
					break;
				}
				if ((s == ZC_ST_PRESENT || s == ZC_ST_CORRECTED) &&
				    (p->allowance_on_rest_days || cal_workday(&b->cal, d))) {
					const zc_r_assignment *a = &in->assignments[cc->asg_of[d - cc->first]];
					int64_t rate = in->villages[a->village].rate_fen;
					mdays++;
					mfen += rate >= 0 ? rate : p->daily_rate_fen;
				}
			}
			if (many) {
				yr.allowance_days += mdays;
				yr.allowance_fen += mfen;
				GROW(b, r->months, r->nmonths, b->cap_month);
				if (b->oom)
					return;
				zc_r_month *mr = &r->months[r->nmonths++];
				mr->cadre = c;
				mr->year = y;
				mr->month = mo;
				mr->allowance_days = mdays;
				mr->allowance_fen = mfen;
			}
		}
		if (!any)
			continue;
		yr.counted_days = yr.present_days + yr.corrected_days + yr.duty_days;
		/* section 6: required days over the whole year's assignments */
		int covered = 0, after = 0;
		zc_day lastd = INT32_MIN;
		for (zc_day d = ys; d <= ye; d++) {
			int cov = 0;
			for (int k = 0; k < cc->nasg && !cov; k++)
				cov = covers(&in->assignments[cc->asg[k]], d);
			if (!cov)
				continue;
			covered++;
			lastd = d;
			if (d > as_of)
				after++;
		}
		int diy = zc_days_in_year(y);
		int64_t minreq = p->min_days_per_year;
		yr.required_days = covered == diy ? (int)minreq : (int)((minreq * covered + diy - 1) / diy);
		if (as_of >= lastd && !yr.pending_days) {
			if (yr.counted_days < yr.required_days) {
				zc_r_finding *f = add_finding(b, "min_days", ZC_SEV_VIOLATION, ZC_SUBJ_CADRE, c, lastd);
				if (f)
					detail(f, "计入天数 %d 天（%d 年），应驻 %d 天",
					       "%d counted days in %d, %d required", yr.counted_days, y,
					       yr.required_days);
			}
		} else if (yr.counted_days + after + yr.pending_days < yr.required_days) {
			zc_r_finding *f =
			    add_finding(b, "min_days_unreachable", ZC_SEV_WARNING, ZC_SUBJ_CADRE, c, as_of);
			if (f)
				detail(
				    f, "已计入 %d 天（%d 年），剩余 %d 天、未收取 %d 天，已无法达到应驻 %d 天",
				    "%d counted days in %d, %d days left and %d pending: %d required can no longer be "
				    "reached",
				    yr.counted_days, y, after, yr.pending_days, yr.required_days);
		}
		GROW(b, r->years, r->nyears, b->cap_year);
		if (b->oom)
			return;
		r->years[r->nyears++] = yr;
	}
	if (had_consec || had_cumul) {
		GROW(b, r->recall, r->nrecall, b->cap_recall);
		if (b->oom)
			return;
		zc_r_recall *rc = &r->recall[r->nrecall++];
		rc->cadre = c;
		rc->consecutive = had_consec;
		rc->cumulative = had_cumul;
	}
}

/* ---- section 9: registry checks ---- */

static void registry_checks(build *b)
{
	const zc_rules_input *in = b->in;
	const zc_policy *p = &in->policy;
	zc_day as_of = in->as_of;
	for (size_t i = 0; i < in->nassignments; i++) {
		const zc_r_assignment *a = &in->assignments[i];
		const zc_r_cadre *cd = &in->cadres[a->cadre];
		char s1[11], s2[11];
		if (cd->role == ZC_ROLE_FIRST_SECRETARY && a->start <= as_of) {
			int party_ok = cd->has_party && cd->party_since <= zc_day_years_before(a->start, 1);
			int work_ok = cd->work_since <= zc_day_years_before(a->start, 2);
			if (!party_ok || !work_ok) {
				zc_r_finding *f = add_finding(b, "first_secretary_eligibility", ZC_SEV_VIOLATION,
							      ZC_SUBJ_CADRE, a->cadre, a->start);
				if (f) {
					snprintf(f->detail, sizeof f->detail, "at the start of the assignment: %s%s%s",
						 party_ok ? "" : "party standing under 1 year",
						 !party_ok && !work_ok ? "; " : "",
						 work_ok ? "" : "work experience under 2 years");
					snprintf(f->detail_zh, sizeof f->detail_zh, "选派时：%s%s%s",
						 party_ok ? "" : "党龄不满1年", !party_ok && !work_ok ? "；" : "",
						 work_ok ? "" : "工作经历不满2年");
				}
			}
		}
		/* term length and rotation */
		zc_day term_end = years_after(a->start, p->term_years) - 1;
		if (a->end > term_end + p->handover_days) {
			zc_r_finding *f =
			    add_finding(b, "term_length", ZC_SEV_VIOLATION, ZC_SUBJ_CADRE, a->cadre, a->start);
			if (f) {
				zc_day_format(a->start, s1);
				zc_day_format(a->end, s2);
				detail(f, "驻村期 %s 至 %s 超过 %d 年任期加 %d 天交接期",
				       "assignment %s..%s is longer than %d years plus %d days of hand-over", s1, s2,
				       p->term_years, p->handover_days);
			}
		}
		zc_day due = a->end - p->handover_days;
		if (due <= as_of && as_of <= a->end) {
			zc_r_finding *f = add_finding(b, "rotation_due", ZC_SEV_NOTICE, ZC_SUBJ_CADRE, a->cadre, due);
			if (f) {
				zc_day_format(a->end, s2);
				detail(f, "任期 %s 届满", "term ends %s", s2);
			}
		}
		/* training at district level or above during the term */
		int trained = 0;
		for (int ki = b->duties.off[a->cadre]; ki < b->duties.off[a->cadre + 1] && !trained; ki++) {
			const zc_r_duty *du = &in->duties[b->duties.idx[ki]];
			trained = du->kind == ZC_DUTY_TRAINING && du->level >= ZC_LEVEL_DISTRICT &&
				  du->start <= a->end && du->end >= a->start;
		}
		if (!trained) {
			int len = a->end - a->start + 1;
			zc_day warn = a->start + (zc_day)(((int64_t)len * p->training_warning_percent + 99) / 100) - 1;
			if (as_of >= a->end) {
				zc_r_finding *f =
				    add_finding(b, "training", ZC_SEV_VIOLATION, ZC_SUBJ_CADRE, a->cadre, a->end);
				if (f)
					detail(f, "任期内未参加区级及以上培训", "%s",
					       "no training at district level or above during the term");
			} else if (as_of >= warn) {
				zc_r_finding *f =
				    add_finding(b, "training", ZC_SEV_WARNING, ZC_SUBJ_CADRE, a->cadre, warn);
				if (f)
					detail(
					    f, "任期已过 %d%%，尚未参加区级及以上培训",
					    "%d%% of the term has passed without training at district level or above",
					    p->training_warning_percent);
			}
		}
	}
	/* teams on as_of */
	for (size_t v = 0; v < in->nvillages; v++) {
		int n = 0, fs = 0;
		for (size_t i = 0; i < in->nassignments; i++) {
			const zc_r_assignment *a = &in->assignments[i];
			if (a->village != (int)v || !covers(a, as_of))
				continue;
			n++;
			fs += in->cadres[a->cadre].role == ZC_ROLE_FIRST_SECRETARY;
		}
		if (n < 3) {
			zc_r_finding *f = add_finding(b, "team_size", ZC_SEV_VIOLATION, ZC_SUBJ_VILLAGE, (int)v, as_of);
			if (f)
				detail(f, "在驻干部 %d 人，至少须 3 人", "%d cadres on assignment, at least 3 required",
				       n);
		}
		if (fs != 1) {
			zc_r_finding *f =
			    add_finding(b, "team_leader", ZC_SEV_VIOLATION, ZC_SUBJ_VILLAGE, (int)v, as_of);
			if (f)
				detail(f, "第一书记 %d 人，须恰好 1 人",
				       "%d first secretaries on assignment, exactly 1 required", fs);
		}
	}
}

/* ---- section 10 (from taps): impossible travel; rejected and weak taps ---- */

static int tap_time_cmp(const void *a, const void *b, void *ctx)
{
	const zc_rules_input *in = ctx;
	const zc_r_tap *x = &in->taps[*(const int *)a], *y = &in->taps[*(const int *)b];
	if (x->badge != y->badge)
		return x->badge < y->badge ? -1 : 1;
	return x->utc_ms < y->utc_ms ? -1 : x->utc_ms > y->utc_ms;
}

/* A rejected or weak tap, for the collapsed notices. */
typedef struct tapnote {
	int kind, subject, why; /* why: enum zc_tap_reject, or -1 for a weak tap */
	zc_day day;
	int terminal, badge;
	uint64_t seq;
} tapnote;

static int tapnote_cmp(const void *a, const void *b)
{
	const tapnote *x = a, *y = b;
	if (x->kind != y->kind)
		return x->kind - y->kind;
	if (x->subject != y->subject)
		return x->subject < y->subject ? -1 : 1;
	if (x->why != y->why)
		return x->why - y->why;
	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* One notice per subject and reason (the count, the first and the last
 * date), dated the first date: a cadre with a revoked badge gets one line,
 * not one per working day. */
static void tapnote_emit(build *b, const tapnote *v, size_t n)
{
	const zc_rules_input *in = b->in;
	const tapnote *x = &v[0], *y = &v[n - 1];
	const char *term = in->terminals[x->terminal].id;
	char s1[11], s2[11];
	zc_day_format(x->day, s1);
	zc_day_format(y->day, s2);
	if (x->why < 0) {
		zc_r_finding *f = add_finding(b, "weak_tap", ZC_SEV_NOTICE, x->kind, x->subject, x->day);
		if (f)
			detail(f, "仅UID卡 %s 按政策计入（accept_uid_badges）：%s 至 %s 共 %d 次",
			       "UID-only badge %s counted (policy accept_uid_badges): %s..%s, %d tap(s)",
			       in->badges[x->badge].id, s1, s2, (int)n);
		return;
	}
	zc_r_finding *f = add_finding(b, "rejected_tap", ZC_SEV_NOTICE, x->kind, x->subject, x->day);
	if (!f)
		return;
	if (n == 1) {
		snprintf(f->detail, sizeof f->detail, "tap at %s (record %llu) not counted: %s", term,
			 (unsigned long long)x->seq, zc_tap_reject_name(x->why));
		snprintf(f->detail_zh, sizeof f->detail_zh, "终端 %s 第 %llu 条刷卡记录不计入：%s", term,
			 (unsigned long long)x->seq, zc_tap_reject_label_zh(x->why));
	} else {
		snprintf(f->detail, sizeof f->detail, "%zu taps from %s to %s not counted: %s (first: %s record %llu)",
			 n, s1, s2, zc_tap_reject_name(x->why), term, (unsigned long long)x->seq);
		snprintf(f->detail_zh, sizeof f->detail_zh,
			 "%s 至 %s 共 %zu 次刷卡不计入：%s（首次：终端 %s 第 %llu 条）", s1, s2, n,
			 zc_tap_reject_label_zh(x->why), term, (unsigned long long)x->seq);
	}
}

static void tap_findings(build *b, const int *rej, const zc_day *day)
{
	const zc_rules_input *in = b->in;
	tapnote *v = NULL;
	size_t nv = 0, capv = 0;
	for (size_t t = 0; t < in->ntaps; t++) {
		const zc_r_tap *tp = &in->taps[t];
		int cadre = tp->badge >= 0 ? in->badges[tp->badge].cadre : -1;
		if (day[t] > in->as_of)
			continue; /* RULES.md 1: days after as_of are unknown */
		if (rej[t] == ZC_REJ_NONE && !in->badges[tp->badge].uid_only)
			continue;
		GROW(b, v, nv, capv);
		if (b->oom) {
			free(v);
			return;
		}
		v[nv++] = (tapnote){cadre >= 0 ? ZC_SUBJ_CADRE : ZC_SUBJ_TERMINAL,
				    cadre >= 0 ? cadre : tp->terminal,
				    rej[t] != ZC_REJ_NONE ? rej[t] : -1,
				    day[t],
				    tp->terminal,
				    tp->badge,
				    tp->seq};
	}
	if (nv)
		qsort(v, nv, sizeof *v, tapnote_cmp);
	for (size_t i = 0; i < nv;) {
		size_t k = i + 1;
		while (k < nv && v[k].kind == v[i].kind && v[k].subject == v[i].subject && v[k].why == v[i].why)
			k++;
		tapnote_emit(b, v + i, k - i);
		i = k;
	}
	free(v);
	/* one badge at two townships too close in time */
	int *idx = malloc((in->ntaps + 1) * sizeof *idx);
	if (!idx) {
		b->oom = 1;
		return;
	}
	size_t n = 0;
	for (size_t t = 0; t < in->ntaps; t++)
		if (in->taps[t].badge >= 0 && in->taps[t].record_ok && day[t] <= in->as_of)
			idx[n++] = (int)t;
	qsort_r(idx, n, sizeof *idx, tap_time_cmp, (void *)in);
	int64_t gap = (int64_t)in->policy.min_travel_minutes * 60000;
	for (size_t i = 1; i < n; i++) {
		const zc_r_tap *x = &in->taps[idx[i - 1]], *y = &in->taps[idx[i]];
		if (x->badge != y->badge)
			continue; /* (one entry per binding: a rebinding between two taps is hours apart) */
		if (in->terminals[x->terminal].township == in->terminals[y->terminal].township)
			continue;
		if (y->utc_ms - x->utc_ms < gap) {
			zc_r_finding *f = add_finding(b, "impossible_travel", ZC_SEV_VIOLATION, ZC_SUBJ_TERMINAL,
						      y->terminal, day[idx[i]]);
			if (f)
				detail(f, "工牌 %s 在 %lld 分钟内先后出现于 %s 和 %s",
				       "badge %s within %lld minutes at %s and %s", in->badges[y->badge].id,
				       (long long)((y->utc_ms - x->utc_ms) / 60000), in->terminals[x->terminal].id,
				       in->terminals[y->terminal].id);
		}
	}
	free(idx);
}

/* ---- section 3: taps with a cloned badge ---- */

typedef struct cday {
	int cadre;
	zc_day day;
} cday;

static int cday_cmp(const void *a, const void *b)
{
	const cday *x = a, *y = b;
	if (x->cadre != y->cadre)
		return x->cadre < y->cadre ? -1 : 1;
	return x->day < y->day ? -1 : x->day > y->day;
}

/* forged_badge: once per cadre and date, against whom the copied badge is
 * bound to on the tap's date (revocation aside). */
static void forged_findings(build *b, const zc_day *day)
{
	const zc_rules_input *in = b->in;
	cday *v = NULL;
	size_t n = 0, cap = 0;
	for (size_t t = 0; t < in->ntaps; t++) {
		const zc_r_tap *tp = &in->taps[t];
		if (!tp->badge_forged || !tp->record_ok || tp->badge < 0 || day[t] > in->as_of)
			continue;
		const zc_r_badge *bg = &in->badges[tp->badge];
		if (bg->uid_only || bg->cadre < 0 || day[t] < bg->bound_from ||
		    (bg->bound_to > 0 && day[t] > bg->bound_to))
			continue;
		GROW(b, v, n, cap);
		if (b->oom) {
			free(v);
			return;
		}
		v[n++] = (cday){bg->cadre, day[t]};
	}
	if (n)
		qsort(v, n, sizeof *v, cday_cmp);
	for (size_t i = 0; i < n; i++) {
		if (i && !cday_cmp(&v[i], &v[i - 1]))
			continue;
		size_t k = i;
		while (k + 1 < n && !cday_cmp(&v[k + 1], &v[i]))
			k++;
		zc_r_finding *f = add_finding(b, "forged_badge", ZC_SEV_VIOLATION, ZC_SUBJ_CADRE, v[i].cadre, v[i].day);
		if (f)
			detail(
			    f, "疑似弄虚作假：%d 次刷卡使用了该干部工牌证书的复制卡（签名不符）",
			    "suspected forgery: %d tap(s) with a copy of this cadre's badge certificate (the signature "
			    "does not match)",
			    (int)(k - i + 1));
	}
	free(v);
}

/* ---- section 5a: corrections approved below their level ---- */

static void correction_findings(build *b)
{
	const zc_rules_input *in = b->in;
	const zc_policy *p = &in->policy;
	for (size_t i = 0; i < in->ncorrections; i++) {
		const zc_r_correction *k = &in->corrections[i];
		if (correction_valid(p, k))
			continue;
		zc_r_finding *f =
		    add_finding(b, "correction_approval_level", ZC_SEV_VIOLATION, ZC_SUBJ_CADRE, k->cadre, k->day);
		if (f) {
			detail(f, "补卡须%s审批；实际审批：%s", "correction requires %s approval; approved: %s",
			       zc_level_label_zh(p->correction_level), zc_level_label_zh(k->level));
			snprintf(f->detail, sizeof f->detail, "correction requires %s approval; approved: %s",
				 zc_level_name(p->correction_level), zc_level_name(k->level));
		}
	}
}

/* ---- section 10: terminals whose log has not been collected for too long ---- */

static void collection_findings(build *b)
{
	const zc_rules_input *in = b->in;
	const zc_policy *p = &in->policy;
	int64_t limit = day_end_ms(in->as_of, p->tz_offset_min) - (int64_t)p->max_collection_lag_days * 86400000;
	for (size_t t = 0; t < in->nterminals; t++) {
		int64_t cu = in->terminals[t].collected_until_ms;
		if (cu != ZC_NEVER_COLLECTED && cu >= limit)
			continue;
		zc_r_finding *f =
		    add_finding(b, "collection_overdue", ZC_SEV_WARNING, ZC_SUBJ_TERMINAL, (int)t, in->as_of);
		if (!f)
			continue;
		if (cu == ZC_NEVER_COLLECTED) {
			snprintf(f->detail, sizeof f->detail, "the terminal's log has never been collected");
			snprintf(f->detail_zh, sizeof f->detail_zh, "终端记录从未收取");
		} else {
			zc_day last = zc_day_of_utc(cu, p->tz_offset_min);
			char s1[11];
			zc_day_format(last, s1);
			detail(f, "终端记录最后收取于 %s，已超过 %d 天；此后的日期为未收取",
			       "the terminal's log was last collected on %s, more than %d days ago; later dates are "
			       "pending",
			       s1, p->max_collection_lag_days);
		}
	}
}

/* ---- section 10: integrity findings from outside the engine ---- */

static void integrity_findings(build *b, const zc_rules_input *in)
{
	for (size_t i = 0; i < in->nintegrity; i++) {
		const zc_r_integrity *g = &in->integrity[i];
		if (g->date > in->as_of)
			continue;
		zc_r_finding *f = add_finding(b, g->type, ZC_SEV_VIOLATION, ZC_SUBJ_TERMINAL, g->terminal, g->date);
		if (f) {
			snprintf(f->detail, sizeof f->detail, "%s", g->detail ? g->detail : g->type);
			snprintf(f->detail_zh, sizeof f->detail_zh, "%s", g->detail_zh ? g->detail_zh : f->detail);
		}
	}
}

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
	for (size_t i = 0; i < in->ntownships; i++)
		b.town_collected[i] = INT64_MAX; /* no terminal: complete on every date */
	for (size_t t = 0; t < in->nterminals; t++) {
		int64_t *tc = &b.town_collected[in->terminals[t].township];
		if (in->terminals[t].collected_until_ms < *tc)
			*tc = in->terminals[t].collected_until_ms;
	}
	b.r = r;
	r->as_of = in->as_of;
	r->ncadres = in->ncadres;
	r->status = calloc(in->ncadres + 1, sizeof *r->status);
	r->asg_of = calloc(in->ncadres + 1, sizeof *r->asg_of);
	r->first = calloc(in->ncadres + 1, sizeof *r->first);
	r->span = calloc(in->ncadres + 1, sizeof *r->span);
	if (!r->status || !r->asg_of || !r->first || !r->span)
		goto out;
	if (in->nholidays)
		memcpy(b.cal.hol, in->holidays, in->nholidays * sizeof(zc_day));
	if (in->nworkdays)
		memcpy(b.cal.work, in->workdays, in->nworkdays * sizeof(zc_day));
	b.cal.nhol = in->nholidays;
	b.cal.nwork = in->nworkdays;
	qsort(b.cal.hol, b.cal.nhol, sizeof(zc_day), day_cmp);
	qsort(b.cal.work, b.cal.nwork, sizeof(zc_day), day_cmp);

	for (size_t t = 0; t < in->ntaps; t++)
		rej[t] = tap_verdict(in, &in->taps[t], &tday[t]);
	if (bucket_make(&b.taps, in->ncadres, in->ntaps, tap_cadre, in, rej) ||
	    bucket_make(&b.leaves, in->ncadres, in->nleaves, leave_cadre, in, NULL) ||
	    bucket_make(&b.duties, in->ncadres, in->nduties, duty_cadre, in, NULL) ||
	    bucket_make(&b.corrections, in->ncadres, in->ncorrections, correction_cadre, in, NULL) ||
	    bucket_make(&b.inspections, in->ncadres, in->ninspections, inspection_cadre, in, NULL))
		goto out;
	for (size_t c = 0; c < in->ncadres && !b.oom; c++) {
		cadre_ctx cc;
		memset(&cc, 0, sizeof cc);
		cc.c = (int)c;
		for (size_t i = 0; i < in->nassignments; i++)
			if (in->assignments[i].cadre == (int)c)
				asg[cc.nasg++] = (int)i;
		qsort_r(asg, (size_t)cc.nasg, sizeof *asg, asg_cmp, (void *)in);
		cc.asg = asg;
		leave_validity(&b, (int)c, leave_ok);
		if (!b.oom)
			eval_cadre(&b, &cc, rej, tday, leave_ok);
		free(cc.taps);
		free(cc.foreign);
		free(cc.flags);
		if (r->asg_of && !b.oom)
			r->asg_of[c] = cc.asg_of; /* kept: the reports ask which village a day belongs to */
		else
			free(cc.asg_of);
	}
	if (!b.oom)
		registry_checks(&b);
	if (!b.oom)
		tap_findings(&b, rej, tday);
	if (!b.oom)
		forged_findings(&b, tday);
	if (!b.oom)
		correction_findings(&b);
	if (!b.oom)
		collection_findings(&b);
	if (!b.oom)
		integrity_findings(&b, in);
	if (b.oom)
		goto out;
	if (r->nfindings)
		qsort(r->findings, r->nfindings, sizeof *r->findings, find_cmp);
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
