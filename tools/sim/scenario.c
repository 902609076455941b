/* SPDX-License-Identifier: Apache-2.0 */
/*
 * scenario.c: the scenario file parser (zc/scenario.h). One statement a
 * line; every error names the file, the line and what was expected, and
 * leaves nothing behind.
 */
#include "scenario.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "zc/err.h"

#define MAX_WORDS 24

typedef struct pstate {
	zc_scenario *s;
	const char *name;
	int line;
	char *err;
	size_t errlen;
	int failed;
	/* deferred "taps" statements (they follow the whole calendar) */
	struct deferred {
		int badge, terminal, workdays, line;
		zc_day from, to;
		int minute_of_day;
	} * def;
	size_t ndef, capdef;
} pstate;

static int fail(pstate *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(pstate *p, const char *fmt, ...)
{
	if (p->failed)
		return ZC_EMALFORMED;
	p->failed = 1;
	int n = snprintf(p->err, p->errlen, "%s:%d: ", p->name, p->line);
	va_list ap;
	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < p->errlen)
		vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return ZC_EMALFORMED;
}

#define PUSH(arr, n, item)                                                                                             \
	do {                                                                                                           \
		void *np_ = realloc((arr), ((n) + 1) * sizeof *(arr));                                                 \
		if (!np_)                                                                                              \
			return fail(p, "out of memory");                                                               \
		(arr) = np_;                                                                                           \
		(arr)[(n)++] = (item);                                                                                 \
	} while (0)

/* Split a line into words; quoted words keep their blanks. */
static int split(pstate *p, char *line, char **w)
{
	int n = 0;
	char *s = line;
	for (;;) {
		while (*s == ' ' || *s == '\t' || *s == '\r')
			s++;
		if (!*s || *s == '#')
			break;
		if (n == MAX_WORDS)
			return fail(p, "too many words (at most %d)", MAX_WORDS), -1;
		if (*s == '"') {
			char *end = strchr(s + 1, '"');
			if (!end)
				return fail(p, "a quote \" is not closed"), -1;
			*end = 0;
			w[n++] = s + 1;
			s = end + 1;
			if (*s && *s != ' ' && *s != '\t' && *s != '\r' && *s != '#')
				return fail(p, "expected a blank after the closing quote"), -1;
			continue;
		}
		w[n++] = s;
		while (*s && *s != ' ' && *s != '\t' && *s != '\r' && *s != '#')
			s++;
		if (*s == '#') {
			*s = 0;
			break;
		}
		if (*s)
			*s++ = 0;
	}
	return n;
}

static int find(const zc_scn_named *a, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(a[i].id, id))
			return (int)i;
	return -1;
}

static int find_cadre(const zc_scenario *s, const char *id)
{
	for (size_t i = 0; i < s->ncadres; i++)
		if (!strcmp(s->cadres[i].id, id))
			return (int)i;
	return -1;
}

static int find_badge(const zc_scenario *s, const char *id)
{
	for (size_t i = 0; i < s->nbadges; i++)
		if (!strcmp(s->badges[i].id, id))
			return (int)i;
	return -1;
}

static int valid_id(const char *id)
{
	size_t n = strlen(id);
	if (n < 1 || n > 32)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = id[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
		      c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

static int date_word(pstate *p, const char *w, zc_day *d, const char *what)
{
	if (zc_day_parse(w, d))
		return fail(p, "%s: expected a date YYYY-MM-DD, got '%s'", what, w);
	return 0;
}

/* YYYY-MM-DDThh:mm:ss[Z|+hh:mm|-hh:mm]; without an offset: local time. */
static int time_word(pstate *p, const char *w, int64_t *ms, const char *what)
{
	zc_day d;
	int hh, mm, ss;
	char date[11];
	if (strlen(w) < 19 || w[10] != 'T')
		return fail(p, "%s: expected a time YYYY-MM-DDThh:mm:ss, got '%s'", what, w);
	memcpy(date, w, 10);
	date[10] = 0;
	if (zc_day_parse(date, &d) || sscanf(w + 11, "%2d:%2d:%2d", &hh, &mm, &ss) != 3 || w[13] != ':' ||
	    w[16] != ':' || hh > 23 || mm > 59 || ss > 59)
		return fail(p, "%s: expected a time YYYY-MM-DDThh:mm:ss, got '%s'", what, w);
	const char *z = w + 19;
	int off;
	if (!*z) {
		off = INT_MIN; /* local: resolved with the zone at the end */
	} else if (!strcmp(z, "Z")) {
		off = 0;
	} else if ((*z == '+' || *z == '-') && strlen(z) == 6 && z[3] == ':') {
		int oh, om;
		if (sscanf(z + 1, "%2d:%2d", &oh, &om) != 2 || oh > 14 || om > 59)
			return fail(p, "%s: bad UTC offset in '%s'", what, w);
		off = (*z == '-' ? -1 : 1) * (oh * 60 + om);
	} else {
		return fail(p, "%s: expected Z or +hh:mm after the time, got '%s'", what, w);
	}
	int64_t secs = (int64_t)d * 86400 + hh * 3600 + mm * 60 + ss;
	if (secs < 86400)
		return fail(p, "%s: times before 1970-01-02 are not supported, got '%s'", what, w);
	if (off == INT_MIN)
		*ms = INT64_MIN + secs; /* marked local (resolved later) */
	else
		*ms = (secs - (int64_t)off * 60) * 1000;
	return 0;
}

static int64_t resolve_local(int64_t ms, int tz)
{
	if (ms > INT64_MIN / 2)
		return ms;
	int64_t secs = ms - INT64_MIN;
	return (secs - (int64_t)tz * 60) * 1000;
}

static int expect_n(pstate *p, int n, int want, const char *usage)
{
	if (n != want)
		return fail(p, "expected: %s", usage);
	return 0;
}

static int want_kw(pstate *p, const char *w, const char *kw, const char *usage)
{
	if (strcmp(w, kw))
		return fail(p, "expected '%s' (%s), got '%s'", kw, usage, w);
	return 0;
}

static int new_id(pstate *p, const char *id, const char *kind, int exists)
{
	if (!valid_id(id))
		return fail(p, "%s id '%s' must be 1-32 of A-Z a-z 0-9 . _ -", kind, id);
	if (exists >= 0)
		return fail(p, "%s %s is declared twice", kind, id);
	return 0;
}

static int statement(pstate *p, char **w, int n)
{
	zc_scenario *s = p->s;
	const char *k = w[0];
	zc_scn_named nm = {0};
	nm.rate_fen = 0;
	if (!strcmp(k, "zone")) {
		if (expect_n(p, n, 2, "zone Asia/Shanghai | UTC | UTC+hh:mm"))
			return ZC_EMALFORMED;
		if (zc_zone_parse(w[1], &s->tz_offset_min))
			return fail(p, "zone: only Asia/Shanghai, UTC or UTC+hh:mm / UTC-hh:mm, not '%s'", w[1]);
		return 0;
	}
	if (!strcmp(k, "as-of")) {
		if (expect_n(p, n, 2, "as-of YYYY-MM-DD") || date_word(p, w[1], &s->as_of, "as-of"))
			return ZC_EMALFORMED;
		s->have_as_of = 1;
		return 0;
	}
	if (!strcmp(k, "policy")) {
		if (expect_n(p, n, 3, "policy NAME VALUE"))
			return ZC_EMALFORMED;
		if (zc_policy_set(&s->policy, w[1], w[2]))
			return fail(p, "policy: unknown name '%s' or bad value '%s'", w[1], w[2]);
		if (!strcmp(w[1], "zone")) /* the same as the zone statement */
			s->tz_offset_min = s->policy.tz_offset_min;
		return 0;
	}
	if (!strcmp(k, "calendar")) {
		zc_day d;
		if (expect_n(p, n, 3, "calendar holiday|workday YYYY-MM-DD") || date_word(p, w[2], &d, "calendar"))
			return ZC_EMALFORMED;
		if (!strcmp(w[1], "holiday"))
			PUSH(s->holidays, s->nholidays, d);
		else if (!strcmp(w[1], "workday"))
			PUSH(s->workdays, s->nworkdays, d);
		else
			return fail(p, "calendar: expected holiday or workday, got '%s'", w[1]);
		return 0;
	}
	if (!strcmp(k, "district")) {
		if (expect_n(p, n, 3, "district ID \"NAME\"") ||
		    new_id(p, w[1], "district", find(s->districts, s->ndistricts, w[1])))
			return ZC_EMALFORMED;
		nm.id = strdup(w[1]);
		nm.name = strdup(w[2]);
		nm.parent = -1;
		PUSH(s->districts, s->ndistricts, nm);
		return 0;
	}
	if (!strcmp(k, "township")) {
		const char *u = "township ID \"NAME\" district ID";
		if (expect_n(p, n, 5, u) || want_kw(p, w[3], "district", u) ||
		    new_id(p, w[1], "township", find(s->townships, s->ntownships, w[1])))
			return ZC_EMALFORMED;
		nm.parent = find(s->districts, s->ndistricts, w[4]);
		if (nm.parent < 0)
			return fail(p, "district %s is not declared", w[4]);
		nm.id = strdup(w[1]);
		nm.name = strdup(w[2]);
		PUSH(s->townships, s->ntownships, nm);
		return 0;
	}
	if (!strcmp(k, "village")) {
		const char *u = "village ID \"NAME\" township ID [rate FEN]";
		if ((n != 5 && n != 7) || want_kw(p, w[3], "township", u))
			return fail(p, "expected: %s", u);
		if (new_id(p, w[1], "village", find(s->villages, s->nvillages, w[1])))
			return ZC_EMALFORMED;
		nm.parent = find(s->townships, s->ntownships, w[4]);
		if (nm.parent < 0)
			return fail(p, "township %s is not declared", w[4]);
		nm.rate_fen = s->policy.daily_rate_fen;
		if (n == 7) {
			char *end;
			long long r = strtoll(w[6], &end, 10);
			if (want_kw(p, w[5], "rate", u))
				return ZC_EMALFORMED;
			if (*end || r < 0 || r > 100000000)
				return fail(p, "rate: expected a daily allowance in fen, got '%s'", w[6]);
			nm.rate_fen = r;
		} else {
			nm.rate_fen = -1; /* the policy default, resolved at the end */
		}
		nm.id = strdup(w[1]);
		nm.name = strdup(w[2]);
		PUSH(s->villages, s->nvillages, nm);
		return 0;
	}
	if (!strcmp(k, "terminal")) {
		const char *u = "terminal ID township ID";
		if (expect_n(p, n, 4, u) || want_kw(p, w[2], "township", u) ||
		    new_id(p, w[1], "terminal", find(s->terminals, s->nterminals, w[1])))
			return ZC_EMALFORMED;
		nm.parent = find(s->townships, s->ntownships, w[3]);
		if (nm.parent < 0)
			return fail(p, "township %s is not declared", w[3]);
		nm.id = strdup(w[1]);
		nm.name = strdup(w[1]);
		PUSH(s->terminals, s->nterminals, nm);
		return 0;
	}
	if (!strcmp(k, "cadre")) {
		const char *u =
		    "cadre ID \"NAME\" role first_secretary|member party_since DATE|none work_since DATE unit \"UNIT\"";
		if (n != 11 || want_kw(p, w[3], "role", u) || want_kw(p, w[5], "party_since", u) ||
		    want_kw(p, w[7], "work_since", u) || want_kw(p, w[9], "unit", u))
			return fail(p, "expected: %s", u);
		if (new_id(p, w[1], "cadre", find_cadre(s, w[1])))
			return ZC_EMALFORMED;
		zc_r_cadre c = {0};
		if (!strcmp(w[4], "first_secretary"))
			c.role = ZC_ROLE_FIRST_SECRETARY;
		else if (!strcmp(w[4], "member"))
			c.role = ZC_ROLE_MEMBER;
		else
			return fail(p, "role: expected first_secretary or member, got '%s'", w[4]);
		if (!strcmp(w[6], "none"))
			c.has_party = 0;
		else if (date_word(p, w[6], &c.party_since, "party_since"))
			return ZC_EMALFORMED;
		else
			c.has_party = 1;
		if (date_word(p, w[8], &c.work_since, "work_since"))
			return ZC_EMALFORMED;
		c.id = strdup(w[1]);
		c.name = strdup(w[2]);
		c.unit = strdup(w[10]);
		PUSH(s->cadres, s->ncadres, c);
		return 0;
	}
	if (!strcmp(k, "assign")) {
		zc_r_assignment a = {0};
		if (expect_n(p, n, 5, "assign CADRE VILLAGE START END"))
			return ZC_EMALFORMED;
		a.cadre = find_cadre(s, w[1]);
		a.village = find(s->villages, s->nvillages, w[2]);
		if (a.cadre < 0)
			return fail(p, "cadre %s is not declared", w[1]);
		if (a.village < 0)
			return fail(p, "village %s is not declared", w[2]);
		if (date_word(p, w[3], &a.start, "assign start") || date_word(p, w[4], &a.end, "assign end"))
			return ZC_EMALFORMED;
		if (a.end < a.start)
			return fail(p, "assign: the end %s is before the start %s", w[4], w[3]);
		for (size_t i = 0; i < s->nassignments; i++) {
			const zc_r_assignment *o = &s->assignments[i];
			if (o->cadre == a.cadre && o->start <= a.end && a.start <= o->end)
				return fail(p, "assign: %s already has an assignment on some of these dates", w[1]);
		}
		PUSH(s->assignments, s->nassignments, a);
		return 0;
	}
	if (!strcmp(k, "badge")) {
		zc_scn_badge b = {0};
		if (expect_n(p, n, 5, "badge ID CADRE piv|uid DATE") || new_id(p, w[1], "badge", find_badge(s, w[1])))
			return ZC_EMALFORMED;
		b.cadre = find_cadre(s, w[2]);
		if (b.cadre < 0)
			return fail(p, "cadre %s is not declared", w[2]);
		if (!strcmp(w[3], "uid"))
			b.uid_only = 1;
		else if (strcmp(w[3], "piv"))
			return fail(p, "badge kind: expected piv or uid, got '%s'", w[3]);
		if (date_word(p, w[4], &b.bound_from, "badge"))
			return ZC_EMALFORMED;
		b.revoked_at_ms = INT64_MAX;
		b.clone_of = -1;
		b.id = strdup(w[1]);
		PUSH(s->badges, s->nbadges, b);
		return 0;
	}
	if (!strcmp(k, "revoke")) {
		int64_t t;
		if (expect_n(p, n, 3, "revoke BADGE TIME"))
			return ZC_EMALFORMED;
		int b = find_badge(s, w[1]);
		if (b < 0)
			return fail(p, "badge %s is not declared", w[1]);
		if (s->badges[b].uid_only)
			return fail(p, "revoke: %s is a UID card, which has no certificate to revoke", w[1]);
		if (time_word(p, w[2], &t, "revoke"))
			return ZC_EMALFORMED;
		s->badges[b].revoked_at_ms = t;
		return 0;
	}
	if (!strcmp(k, "clone")) {
		if (expect_n(p, n, 3, "clone BADGE NEWBADGE"))
			return ZC_EMALFORMED;
		int b = find_badge(s, w[1]);
		if (b < 0)
			return fail(p, "badge %s is not declared", w[1]);
		if (s->badges[b].uid_only)
			return fail(p, "clone: %s is a UID card", w[1]);
		if (new_id(p, w[2], "badge", find_badge(s, w[2])))
			return ZC_EMALFORMED;
		zc_scn_badge c = s->badges[b];
		c.id = strdup(w[2]);
		c.clone_of = b;
		PUSH(s->badges, s->nbadges, c);
		return 0;
	}
	if (!strcmp(k, "tap")) {
		zc_scn_tap t = {0};
		if (expect_n(p, n, 4, "tap BADGE TERMINAL TIME"))
			return ZC_EMALFORMED;
		t.badge = find_badge(s, w[1]);
		t.terminal = find(s->terminals, s->nterminals, w[2]);
		if (t.badge < 0)
			return fail(p, "badge %s is not declared", w[1]);
		if (t.terminal < 0)
			return fail(p, "terminal %s is not declared", w[2]);
		if (time_word(p, w[3], &t.utc_ms, "tap"))
			return ZC_EMALFORMED;
		t.line = p->line;
		PUSH(s->taps, s->ntaps, t);
		return 0;
	}
	if (!strcmp(k, "taps")) {
		const char *u = "taps BADGE TERMINAL START END workdays|daily hh:mm";
		struct deferred d = {0};
		if (expect_n(p, n, 7, u))
			return ZC_EMALFORMED;
		d.badge = find_badge(s, w[1]);
		d.terminal = find(s->terminals, s->nterminals, w[2]);
		if (d.badge < 0)
			return fail(p, "badge %s is not declared", w[1]);
		if (d.terminal < 0)
			return fail(p, "terminal %s is not declared", w[2]);
		if (date_word(p, w[3], &d.from, "taps start") || date_word(p, w[4], &d.to, "taps end"))
			return ZC_EMALFORMED;
		if (d.to < d.from)
			return fail(p, "taps: the end %s is before the start %s", w[4], w[3]);
		if (d.to - d.from > 3660)
			return fail(p, "taps: a range may span at most 3660 days (ten years), not %s to %s", w[3],
				    w[4]);
		if (!strcmp(w[5], "workdays"))
			d.workdays = 1;
		else if (strcmp(w[5], "daily"))
			return fail(p, "taps: expected workdays or daily, got '%s'", w[5]);
		int hh, mm;
		if (strlen(w[6]) != 5 || w[6][2] != ':' || sscanf(w[6], "%2d:%2d", &hh, &mm) != 2 || hh > 23 || mm > 59)
			return fail(p, "taps: expected a local time of day hh:mm, got '%s'", w[6]);
		d.minute_of_day = hh * 60 + mm;
		d.line = p->line;
		if (p->ndef == p->capdef) {
			size_t nc = p->capdef ? p->capdef * 2 : 16;
			void *np = realloc(p->def, nc * sizeof *p->def);
			if (!np)
				return fail(p, "out of memory");
			p->def = np;
			p->capdef = nc;
		}
		p->def[p->ndef++] = d;
		return 0;
	}
	if (!strcmp(k, "leave")) {
		zc_r_leave l = {0};
		const char *u = "leave CADRE START END township|district|city|none";
		if (expect_n(p, n, 5, u))
			return ZC_EMALFORMED;
		l.cadre = find_cadre(s, w[1]);
		if (l.cadre < 0)
			return fail(p, "cadre %s is not declared", w[1]);
		if (date_word(p, w[2], &l.start, "leave start") || date_word(p, w[3], &l.end, "leave end"))
			return ZC_EMALFORMED;
		if (l.end < l.start)
			return fail(p, "leave: the end %s is before the start %s", w[3], w[2]);
		l.level = zc_level_parse(w[4]);
		if (l.level < 0)
			return fail(p, "leave level: expected township, district, city or none, got '%s'", w[4]);
		PUSH(s->leaves, s->nleaves, l);
		return 0;
	}
	if (!strcmp(k, "duty")) {
		zc_r_duty d = {0};
		const char *u = "duty CADRE START END trip|meeting|training township|district|city";
		if (expect_n(p, n, 6, u))
			return ZC_EMALFORMED;
		d.cadre = find_cadre(s, w[1]);
		if (d.cadre < 0)
			return fail(p, "cadre %s is not declared", w[1]);
		if (date_word(p, w[2], &d.start, "duty start") || date_word(p, w[3], &d.end, "duty end"))
			return ZC_EMALFORMED;
		if (d.end < d.start)
			return fail(p, "duty: the end %s is before the start %s", w[3], w[2]);
		if (!strcmp(w[4], "trip"))
			d.kind = ZC_DUTY_TRIP;
		else if (!strcmp(w[4], "meeting"))
			d.kind = ZC_DUTY_MEETING;
		else if (!strcmp(w[4], "training"))
			d.kind = ZC_DUTY_TRAINING;
		else
			return fail(p, "duty kind: expected trip, meeting or training, got '%s'", w[4]);
		d.level = zc_level_parse(w[5]);
		if (d.level <= 0)
			return fail(p, "duty level: expected township, district or city, got '%s'", w[5]);
		PUSH(s->duties, s->nduties, d);
		return 0;
	}
	if (!strcmp(k, "correction")) {
		zc_r_correction c = {0};
		const char *u = "correction CADRE DATE township|district|city|none \"REASON\"";
		if (expect_n(p, n, 5, u))
			return ZC_EMALFORMED;
		c.cadre = find_cadre(s, w[1]);
		if (c.cadre < 0)
			return fail(p, "cadre %s is not declared", w[1]);
		if (date_word(p, w[2], &c.day, "correction"))
			return ZC_EMALFORMED;
		c.level = zc_level_parse(w[3]);
		if (c.level < 0)
			return fail(p, "correction level: expected township, district, city or none, got '%s'", w[3]);
		if (!*w[4])
			return fail(p, "correction: the reason is empty");
		c.reason = strdup(w[4]);
		PUSH(s->corrections, s->ncorrections, c);
		return 0;
	}
	if (!strcmp(k, "inspect")) {
		const char *u = "inspect VILLAGE TIME \"INSPECTOR\" CADRE present|absent [CADRE present|absent ...]";
		if (n < 6 || n % 2)
			return fail(p, "expected: %s", u);
		zc_r_inspection x = {0};
		x.village = find(s->villages, s->nvillages, w[1]);
		if (x.village < 0)
			return fail(p, "village %s is not declared", w[1]);
		if (time_word(p, w[2], &x.utc_ms, "inspect"))
			return ZC_EMALFORMED;
		if (!*w[3])
			return fail(p, "inspect: the inspector is empty");
		for (int i = 4; i < n; i += 2) {
			x.cadre = find_cadre(s, w[i]);
			if (x.cadre < 0)
				return fail(p, "cadre %s is not declared", w[i]);
			if (!strcmp(w[i + 1], "absent"))
				x.absent = 1;
			else if (!strcmp(w[i + 1], "present"))
				x.absent = 0;
			else
				return fail(p, "inspect: expected present or absent after %s, got '%s'", w[i],
					    w[i + 1]);
			x.inspector = strdup(w[3]);
			PUSH(s->inspections, s->ninspections, x);
		}
		return 0;
	}
	if (!strcmp(k, "pull")) {
		zc_scn_pull pl = {0};
		if (expect_n(p, n, 3, "pull TERMINAL TIME"))
			return ZC_EMALFORMED;
		pl.terminal = find(s->terminals, s->nterminals, w[1]);
		if (pl.terminal < 0)
			return fail(p, "terminal %s is not declared", w[1]);
		if (time_word(p, w[2], &pl.utc_ms, "pull"))
			return ZC_EMALFORMED;
		pl.line = p->line;
		PUSH(s->pulls, s->npulls, pl);
		return 0;
	}
	return fail(p, "unknown statement '%s'", k);
}

static int pull_cmp(const void *a, const void *b)
{
	const zc_scn_pull *x = a, *y = b;
	if (x->utc_ms != y->utc_ms)
		return x->utc_ms < y->utc_ms ? -1 : 1;
	return x->line - y->line;
}

static int tap_cmp(const void *a, const void *b)
{
	const zc_scn_tap *x = a, *y = b;
	if (x->utc_ms != y->utc_ms)
		return x->utc_ms < y->utc_ms ? -1 : 1;
	return x->line - y->line;
}

int zc_scenario_parse(const char *text, size_t len, const char *name, zc_scenario **out, char *errbuf, size_t errlen)
{
	pstate p = {0};
	zc_scenario *s = calloc(1, sizeof *s);
	char *buf = malloc(len + 1);
	p.s = s;
	p.name = name ? name : "scenario";
	p.err = errbuf;
	p.errlen = errlen;
	if (!s || !buf) {
		free(s);
		free(buf);
		snprintf(errbuf, errlen, "out of memory");
		return ZC_ENOMEM;
	}
	memcpy(buf, text, len);
	buf[len] = 0;
	s->tz_offset_min = 480;
	zc_policy_default(&s->policy);
	char *line = buf;
	/* a UTF-8 byte order mark is allowed */
	if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3))
		line += 3;
	int rc = 0;
	while (line && !rc) {
		p.line++;
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = 0;
		if (strlen(line) != (size_t)((nl ? nl : buf + len) - line)) {
			rc = fail(&p, "a NUL byte in the line");
			break;
		}
		char *w[MAX_WORDS];
		int n = split(&p, line, w);
		if (n < 0)
			rc = ZC_EMALFORMED;
		else if (n > 0)
			rc = statement(&p, w, n);
		line = nl ? nl + 1 : NULL;
	}
	if (!rc && !s->have_as_of) {
		p.line = 0;
		rc = fail(&p, "no 'as-of DATE' statement");
	}
	if (!rc) {
		/* resolve local times and default rates, expand "taps" with the whole calendar */
		for (size_t i = 0; i < s->nbadges; i++)
			if (s->badges[i].revoked_at_ms != INT64_MAX)
				s->badges[i].revoked_at_ms =
				    resolve_local(s->badges[i].revoked_at_ms, s->tz_offset_min);
		for (size_t i = 0; i < s->ntaps; i++)
			s->taps[i].utc_ms = resolve_local(s->taps[i].utc_ms, s->tz_offset_min);
		for (size_t i = 0; i < s->ninspections; i++)
			s->inspections[i].utc_ms = resolve_local(s->inspections[i].utc_ms, s->tz_offset_min);
		for (size_t i = 0; i < s->npulls; i++)
			s->pulls[i].utc_ms = resolve_local(s->pulls[i].utc_ms, s->tz_offset_min);
		if (s->npulls)
			qsort(s->pulls, s->npulls, sizeof *s->pulls, pull_cmp);
		for (size_t i = 0; i < s->nvillages; i++)
			if (s->villages[i].rate_fen < 0)
				s->villages[i].rate_fen = s->policy.daily_rate_fen;
		zc_rules_input ci = {.holidays = s->holidays,
				     .nholidays = s->nholidays,
				     .workdays = s->workdays,
				     .nworkdays = s->nworkdays};
		size_t cap = s->ntaps;
		for (size_t k = 0; k < p.ndef && !rc; k++) {
			struct deferred *d = &p.def[k];
			for (zc_day day = d->from; day <= d->to; day++) {
				if (d->workdays && !zc_rules_is_workday(&ci, day))
					continue;
				zc_scn_tap t = {
				    d->badge, d->terminal,
				    ((int64_t)day * 86400 + (int64_t)(d->minute_of_day - s->tz_offset_min) * 60) * 1000,
				    d->line};
				if (s->ntaps >= ZC_SCENARIO_MAX_TAPS) {
					p.line = d->line;
					rc = fail(&p, "taps: more than %d taps in the scenario", ZC_SCENARIO_MAX_TAPS);
					break;
				}
				if (s->ntaps == cap) {
					size_t nc = cap ? cap * 2 : 1024;
					void *np = realloc(s->taps, nc * sizeof *s->taps);
					if (!np) {
						rc = fail(&p, "out of memory");
						break;
					}
					s->taps = np;
					cap = nc;
				}
				s->taps[s->ntaps++] = t;
			}
		}
		if (!rc && s->ntaps)
			qsort(s->taps, s->ntaps, sizeof *s->taps, tap_cmp);
	}
	free(p.def);
	free(buf);
	if (rc) {
		zc_scenario_free(s);
		return rc;
	}
	s->policy.tz_offset_min = s->tz_offset_min;
	*out = s;
	return 0;
}

static void free_named(zc_scn_named *a, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(a[i].id);
		free(a[i].name);
	}
	free(a);
}

void zc_scenario_free(zc_scenario *s)
{
	if (!s)
		return;
	free(s->holidays);
	free(s->workdays);
	free_named(s->districts, s->ndistricts);
	free_named(s->townships, s->ntownships);
	free_named(s->villages, s->nvillages);
	free_named(s->terminals, s->nterminals);
	for (size_t i = 0; i < s->ncadres; i++) {
		free((char *)s->cadres[i].id);
		free((char *)s->cadres[i].name);
		free((char *)s->cadres[i].unit);
	}
	free(s->cadres);
	free(s->assignments);
	for (size_t i = 0; i < s->nbadges; i++)
		free(s->badges[i].id);
	free(s->badges);
	free(s->leaves);
	free(s->duties);
	free(s->taps);
	for (size_t i = 0; i < s->ncorrections; i++)
		free((char *)s->corrections[i].reason);
	free(s->corrections);
	for (size_t i = 0; i < s->ninspections; i++)
		free((char *)s->inspections[i].inspector);
	free(s->inspections);
	free(s->pulls);
	free(s);
}

int64_t zc_scenario_collected_until(const zc_scenario *s, int terminal)
{
	int64_t last = INT64_MIN;
	for (size_t i = 0; i < s->npulls; i++)
		if (s->pulls[i].terminal == terminal && s->pulls[i].utc_ms > last)
			last = s->pulls[i].utc_ms;
	if (last != INT64_MIN)
		return last;
	zc_day d = s->as_of;
	for (size_t i = 0; i < s->ntaps; i++) {
		zc_day td = zc_day_of_utc(s->taps[i].utc_ms, s->tz_offset_min);
		if (s->taps[i].terminal == terminal && td > d)
			d = td;
	}
	return ((int64_t)(d + 1) * 86400 - (int64_t)s->tz_offset_min * 60) * 1000;
}

int zc_scenario_rules_input(const zc_scenario *s, zc_rules_input *in)
{
	memset(in, 0, sizeof *in);
	in->policy = s->policy;
	in->policy.tz_offset_min = s->tz_offset_min;
	in->as_of = s->as_of;
	in->holidays = s->holidays;
	in->nholidays = s->nholidays;
	in->workdays = s->workdays;
	in->nworkdays = s->nworkdays;
	zc_r_district *di = calloc(s->ndistricts + 1, sizeof *di);
	zc_r_township *tw = calloc(s->ntownships + 1, sizeof *tw);
	zc_r_village *vi = calloc(s->nvillages + 1, sizeof *vi);
	zc_r_terminal *te = calloc(s->nterminals + 1, sizeof *te);
	zc_r_badge *ba = calloc(s->nbadges + 1, sizeof *ba);
	zc_r_tap *ta = calloc(s->ntaps + 1, sizeof *ta);
	if (!di || !tw || !vi || !te || !ba || !ta) {
		free(di);
		free(tw);
		free(vi);
		free(te);
		free(ba);
		free(ta);
		return ZC_ENOMEM;
	}
	for (size_t i = 0; i < s->ndistricts; i++) {
		di[i].id = s->districts[i].id;
		di[i].name = s->districts[i].name;
	}
	for (size_t i = 0; i < s->ntownships; i++) {
		tw[i].id = s->townships[i].id;
		tw[i].name = s->townships[i].name;
		tw[i].district = s->townships[i].parent;
	}
	for (size_t i = 0; i < s->nvillages; i++) {
		vi[i].id = s->villages[i].id;
		vi[i].name = s->villages[i].name;
		vi[i].township = s->villages[i].parent;
		vi[i].rate_fen = s->villages[i].rate_fen;
	}
	for (size_t i = 0; i < s->nterminals; i++) {
		te[i].id = s->terminals[i].id;
		te[i].township = s->terminals[i].parent;
		te[i].collected_until_ms = zc_scenario_collected_until(s, (int)i);
	}
	for (size_t i = 0; i < s->nbadges; i++) {
		ba[i].id = s->badges[i].id;
		ba[i].cadre = s->badges[i].cadre;
		ba[i].bound_from = s->badges[i].bound_from;
		ba[i].bound_to = ZC_DAY_NEVER;
		ba[i].uid_only = s->badges[i].uid_only;
		/* a clone carries its original's certificate, and so its revocation */
		int orig = s->badges[i].clone_of >= 0 ? s->badges[i].clone_of : (int)i;
		ba[i].revoked_at_ms = s->badges[orig].revoked_at_ms;
	}
	size_t nta = 0;
	for (size_t i = 0; i < s->ntaps; i++) {
		const zc_scn_badge *b = &s->badges[s->taps[i].badge];
		/* a tap at or after its terminal's last collection never reaches the host */
		if (s->taps[i].utc_ms >= te[s->taps[i].terminal].collected_until_ms)
			continue;
		/* a clone presents its original's certificate, so the host takes
		 * its taps for the original's (and they fail authentication) */
		int root = s->taps[i].badge;
		for (size_t hop = 0; s->badges[root].clone_of >= 0 && hop < s->nbadges; hop++)
			root = s->badges[root].clone_of;
		zc_r_tap *t = &ta[nta++];
		t->badge = root;
		t->terminal = s->taps[i].terminal;
		t->utc_ms = s->taps[i].utc_ms;
		t->record_ok = 1;
		t->clock_ok = 1;
		/* a clone's key does not match the certificate: its signature fails */
		t->badge_ok = !b->uid_only && b->clone_of < 0;
		t->badge_forged = !b->uid_only && b->clone_of >= 0;
		t->seq = i + 1;
	}
	in->districts = di;
	in->ndistricts = s->ndistricts;
	in->townships = tw;
	in->ntownships = s->ntownships;
	in->villages = vi;
	in->nvillages = s->nvillages;
	in->terminals = te;
	in->nterminals = s->nterminals;
	in->cadres = s->cadres;
	in->ncadres = s->ncadres;
	in->assignments = s->assignments;
	in->nassignments = s->nassignments;
	in->leaves = s->leaves;
	in->nleaves = s->nleaves;
	in->duties = s->duties;
	in->nduties = s->nduties;
	in->badges = ba;
	in->nbadges = s->nbadges;
	in->taps = ta;
	in->ntaps = nta;
	in->corrections = s->corrections;
	in->ncorrections = s->ncorrections;
	in->inspections = s->inspections;
	in->ninspections = s->ninspections;
	return 0;
}

void zc_scenario_rules_input_free(zc_rules_input *in)
{
	free((void *)in->districts);
	free((void *)in->townships);
	free((void *)in->villages);
	free((void *)in->terminals);
	free((void *)in->badges);
	free((void *)in->taps);
	memset(in, 0, sizeof *in);
}
