/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rules_calendar.c: the compliance engine's dates and calendar (section 1 of
 * ../shared/RULES.md): proleptic Gregorian dates as days since 1970-01-01,
 * local dates of UTC instants, "N years before", and which dates are working
 * days (Monday to Friday unless the calendar's holidays and adjusted working
 * days say otherwise). Pure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules_internal.h"
#include "zc/rules.h"

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

int rules_days_in_month(int y, int m)
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
	if (m < 1 || m > 12 || d < 1 || d > rules_days_in_month(y, m))
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

zc_day rules_years_after(zc_day day, int n)
{
	return zc_day_years_before(day, -n);
}

zc_day zc_day_of_utc(int64_t utc_ms, int tz_offset_min)
{
	int64_t s = utc_ms / 1000 - (utc_ms % 1000 < 0) + (int64_t)tz_offset_min * 60;
	int64_t d = s / 86400 - (s % 86400 < 0);
	return (zc_day)d;
}

int64_t rules_day_end_ms(zc_day d, int tz_offset_min)
{
	return ((int64_t)(d + 1) * 86400 - (int64_t)tz_offset_min * 60) * 1000;
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

void rules_cal_fill(cal *c, const zc_rules_input *in)
{
	if (in->nholidays)
		memcpy(c->hol, in->holidays, in->nholidays * sizeof(zc_day));
	if (in->nworkdays)
		memcpy(c->work, in->workdays, in->nworkdays * sizeof(zc_day));
	c->nhol = in->nholidays;
	c->nwork = in->nworkdays;
	qsort(c->hol, c->nhol, sizeof(zc_day), day_cmp);
	qsort(c->work, c->nwork, sizeof(zc_day), day_cmp);
}

int rules_cal_workday(const cal *c, zc_day d)
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
