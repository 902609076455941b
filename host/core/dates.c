/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dates.c: dates and times in the forms clerks write them (zc/dates.h).
 * A small scanner over a trimmed copy of the text: each form is a fixed
 * sequence of digit runs (with their lengths bounded, so no number can
 * overflow) and separators, and the date must survive a round trip through
 * the day number (so 2025-2-29 and 2025-4-31 are refused).
 */
#include "zc/dates.h"

#include <stdio.h>
#include <string.h>

#define TEXT_MAX 64 /* longer text is no date or time */

void zc_trim_span(const char *s, size_t len, size_t *start, size_t *end)
{
	size_t a = 0, b = len;
	for (;;) {
		if (a < b && (s[a] == ' ' || s[a] == '\t'))
			a++;
		else if (b - a >= 3 && !memcmp(s + a, "\xe3\x80\x80", 3))
			a += 3;
		else if (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t'))
			b--;
		else if (b - a >= 3 && !memcmp(s + b - 3, "\xe3\x80\x80", 3))
			b -= 3;
		else
			break;
	}
	*start = a;
	*end = b;
}

/* Copy s without blanks at either end into out (TEXT_MAX bytes): 0, or -1
 * when it does not fit. */
static int trim_copy(const char *s, char out[TEXT_MAX])
{
	size_t a, b;
	if (!s)
		return -1;
	zc_trim_span(s, strlen(s), &a, &b);
	if (b - a >= TEXT_MAX)
		return -1;
	memcpy(out, s + a, b - a);
	out[b - a] = 0;
	return 0;
}

/* min..max decimal digits at *p, and not one more: 0 and *v, or -1. */
static int digits(const char **p, int min, int max, int *v)
{
	const char *s = *p;
	int n = 0, x = 0;
	while (n < max && s[n] >= '0' && s[n] <= '9') {
		x = x * 10 + (s[n] - '0');
		n++;
	}
	if (n < min || (s[n] >= '0' && s[n] <= '9'))
		return -1;
	*p = s + n;
	*v = x;
	return 0;
}

/* The text t at *p: 0 and past it, or -1. */
static int literal(const char **p, const char *t)
{
	size_t n = strlen(t);
	if (strncmp(*p, t, n))
		return -1;
	*p += n;
	return 0;
}

/* A date at *p in any accepted form: 0 and past it, or -1. */
static int scan_day(const char **p, zc_day *out)
{
	const char *s = *p;
	int y, m, d;
	if (digits(&s, 4, 4, &y))
		return -1;
	if (!literal(&s, "年")) {
		if (digits(&s, 1, 2, &m) || literal(&s, "月") || digits(&s, 1, 2, &d) || literal(&s, "日"))
			return -1;
	} else {
		char sep = *s;
		if (sep != '-' && sep != '/' && sep != '.')
			return -1;
		s++;
		if (digits(&s, 1, 2, &m) || *s != sep)
			return -1;
		s++;
		if (digits(&s, 1, 2, &d))
			return -1;
	}
	if (m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	zc_day z = zc_day_from_ymd(y, m, d);
	int yy, mm, dd;
	zc_day_to_ymd(z, &yy, &mm, &dd);
	if (yy != y || mm != m || dd != d)
		return -1; /* 2025-02-29 became 2025-03-01 */
	*out = z;
	*p = s;
	return 0;
}

int zc_day_parse_any(const char *s, zc_day *out)
{
	char buf[TEXT_MAX];
	const char *p = buf;
	zc_day d;
	if (trim_copy(s, buf) || scan_day(&p, &d) || *p)
		return -1;
	*out = d;
	return 0;
}

/* "Z", "+hh:mm", "+hhmm", "-hh:mm" at *p (minutes east of UTC), or nothing
 * (*off unchanged): 0, or -1 for a malformed offset. */
static int scan_offset(const char **p, int *off)
{
	const char *s = *p;
	int h, m, sign;
	if (*s == 'Z') {
		*off = 0;
		*p = s + 1;
		return 0;
	}
	if (*s != '+' && *s != '-')
		return 0;
	sign = *s == '-' ? -1 : 1;
	s++;
	if (digits(&s, 2, 2, &h))
		return -1;
	if (*s == ':')
		s++;
	if (digits(&s, 2, 2, &m) || h > 14 || m > 59)
		return -1;
	*off = sign * (h * 60 + m);
	*p = s;
	return 0;
}

int zc_time_parse_any(const char *s, int tz_offset_min, int64_t *utc_ms)
{
	char buf[TEXT_MAX];
	const char *p = buf;
	zc_day day;
	int h, mi, sec = 0, off = tz_offset_min;
	if (trim_copy(s, buf) || scan_day(&p, &day))
		return -1;
	if (*p == 'T') {
		p++;
	} else if (*p == ' ') {
		while (*p == ' ')
			p++;
	} else {
		return -1;
	}
	if (digits(&p, 1, 2, &h) || literal(&p, ":") || digits(&p, 2, 2, &mi))
		return -1;
	if (*p == ':' && (p++, digits(&p, 2, 2, &sec)))
		return -1;
	if (h > 23 || mi > 59 || sec > 59 || scan_offset(&p, &off) || *p)
		return -1;
	*utc_ms = ((int64_t)day * 86400 + h * 3600 + mi * 60 + sec - (int64_t)off * 60) * 1000;
	return 0;
}

void zc_time_format(int64_t utc_ms, int tz_offset_min, char out[32])
{
	int64_t local = utc_ms + (int64_t)tz_offset_min * 60000;
	int64_t day = local / 86400000, ms = local % 86400000;
	if (ms < 0) {
		ms += 86400000;
		day--;
	}
	char date[11];
	zc_day_format((zc_day)day, date);
	int off = tz_offset_min < 0 ? -tz_offset_min : tz_offset_min;
	int64_t s = ms / 1000;
	snprintf(out, 32, "%sT%02d:%02d:%02d%c%02d:%02d", date, (int)(s / 3600), (int)(s / 60 % 60), (int)(s % 60),
		 tz_offset_min < 0 ? '-' : '+', off / 60 % 100, off % 60);
}
