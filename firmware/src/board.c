/* SPDX-License-Identifier: Apache-2.0 */
/* board.c: board file parsing with environment expansion (zc/board.h). */
#include "zc/board.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "zc/err.h"

static void defaults(zc_board *b)
{
	memset(b, 0, sizeof *b);
	strcpy(b->clock, "system");
	b->tz_offset_min = 8 * 60;
	b->journal_capacity = 64ull << 20;
	b->duplicate_window_s = 60;
	b->poll_interval_ms = 100;
	b->card_timeout_ms = 3000;
}

/* Expand ${VAR} and ${VAR:-default} into out. */
static int expand(const char *in, char *out, size_t cap)
{
	size_t o = 0;
	while (*in) {
		if (in[0] == '$' && in[1] == '{') {
			const char *end = strchr(in, '}');
			if (!end)
				return -1;
			char name[128];
			const char *def = NULL;
			size_t nl = (size_t)(end - in - 2);
			const char *dash = strstr(in, ":-");
			if (dash && dash < end) {
				nl = (size_t)(dash - in - 2);
				def = dash + 2;
			}
			if (nl == 0 || nl >= sizeof name)
				return -1;
			memcpy(name, in + 2, nl);
			name[nl] = 0;
			const char *v = getenv(name);
			size_t vl;
			if (v && *v) {
				vl = strlen(v);
			} else if (def) {
				v = def;
				vl = (size_t)(end - def);
			} else {
				v = "";
				vl = 0;
			}
			if (o + vl >= cap)
				return -1;
			memcpy(out + o, v, vl);
			o += vl;
			in = end + 1;
			continue;
		}
		if (o + 1 >= cap)
			return -1;
		out[o++] = *in++;
	}
	out[o] = 0;
	return 0;
}

static int copy_to(char *dst, size_t cap, const char *v)
{
	if (strlen(v) >= cap)
		return -1;
	strcpy(dst, v);
	return 0;
}

static int parse_size(const char *v, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long n = strtoull(v, &end, 10);
	if (errno || end == v)
		return -1;
	uint64_t mul = 1;
	if (*end == 'K' || *end == 'k')
		mul = 1024, end++;
	else if (*end == 'M' || *end == 'm')
		mul = 1024 * 1024, end++;
	else if (*end == 'G' || *end == 'g')
		mul = 1024ull * 1024 * 1024, end++;
	if (*end || n == 0)
		return -1;
	*out = n * mul;
	return 0;
}

static int parse_int(const char *v, int lo, int hi, int *out)
{
	char *end;
	long n = strtol(v, &end, 10);
	if (end == v || *end || n < lo || n > hi)
		return -1;
	*out = (int)n;
	return 0;
}

static int parse_tz(const char *v, int *out)
{
	int sign = 1, h, m;
	if (!strcmp(v, "UTC") || !strcmp(v, "Z")) {
		*out = 0;
		return 0;
	}
	if (*v == '+' || *v == '-')
		sign = *v++ == '-' ? -1 : 1;
	else
		return -1;
	if (sscanf(v, "%2d:%2d", &h, &m) != 2 || strlen(v) != 5 || h > 14 || m > 59)
		return -1;
	*out = sign * (h * 60 + m);
	return 0;
}

int zc_parse_time_ms(const char *s, int64_t *out)
{
	char *end;
	long long v = strtoll(s, &end, 10);
	if (*s && !*end) {
		*out = v;
		return 0;
	}
	struct tm tm = {0};
	end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!end)
		return -1;
	int64_t ms = 0, off = 0;
	if (*end == '.') {
		int digits = 0;
		for (end++; *end >= '0' && *end <= '9'; end++, digits++)
			if (digits < 3)
				ms = ms * 10 + (*end - '0');
		if (!digits)
			return -1;
		for (; digits < 3; digits++)
			ms *= 10;
	}
	if (*end == 'Z') {
		end++;
	} else if (*end == '+' || *end == '-') {
		int h, m;
		if (strlen(end) != 6 || end[3] != ':' || sscanf(end + 1, "%2d:%2d", &h, &m) != 2)
			return -1;
		off = (*end == '-' ? -1 : 1) * (int64_t)(h * 3600 + m * 60);
		end += 6;
	}
	if (*end)
		return -1;
	*out = ((int64_t)timegm(&tm) - off) * 1000 + ms;
	return 0;
}

int zc_board_set(zc_board *b, const char *key, const char *value, char *errbuf, size_t errlen)
{
	char v[1024];
	if (expand(value, v, sizeof v)) {
		snprintf(errbuf, errlen, "%s: cannot expand '%s'", key, value);
		return ZC_EMALFORMED;
	}
	int bad = 0;
	const char *why = "value too long";
	if (!strcmp(key, "name"))
		bad = copy_to(b->name, sizeof b->name, v);
	else if (!strcmp(key, "reader"))
		bad = copy_to(b->reader, sizeof b->reader, v);
	else if (!strcmp(key, "state"))
		bad = copy_to(b->state, sizeof b->state, v);
	else if (!strcmp(key, "serial"))
		bad = copy_to(b->serial, sizeof b->serial, v);
	else if (!strcmp(key, "feedback"))
		bad = copy_to(b->feedback, sizeof b->feedback, v);
	else if (!strcmp(key, "control"))
		bad = copy_to(b->control, sizeof b->control, v);
	else if (!strcmp(key, "clock")) {
		why = "clock must be system or sim";
		bad = strcmp(v, "system") && strcmp(v, "sim");
		if (!bad)
			strcpy(b->clock, v);
	} else if (!strcmp(key, "tz")) {
		why = "tz must look like +08:00";
		bad = parse_tz(v, &b->tz_offset_min);
	} else if (!strcmp(key, "journal_capacity")) {
		why = "journal_capacity must be a size such as 64M";
		bad = parse_size(v, &b->journal_capacity);
	} else if (!strcmp(key, "accept_uid_badges")) {
		why = "accept_uid_badges must be on or off";
		bad = strcmp(v, "on") && strcmp(v, "off");
		if (!bad)
			b->accept_uid_badges = !strcmp(v, "on");
	} else if (!strcmp(key, "duplicate_window")) {
		why = "duplicate_window must be 0-3600 seconds";
		bad = parse_int(v, 0, 3600, &b->duplicate_window_s);
	} else if (!strcmp(key, "sim_start")) {
		why = "sim_start must be ms since the epoch or YYYY-MM-DDThh:mm:ss with Z or +hh:mm";
		bad = zc_parse_time_ms(v, &b->sim_start_ms);
	} else if (!strcmp(key, "card_timeout_ms")) {
		why = "card_timeout_ms must be 100-30000";
		bad = parse_int(v, 100, 30000, &b->card_timeout_ms);
	} else if (!strcmp(key, "latency_ms")) {
		why = "latency_ms must be 1-5000";
		bad = parse_int(v, 1, 5000, &b->poll_interval_ms);
	} else {
		snprintf(errbuf, errlen, "unknown key '%s'", key);
		return ZC_EMALFORMED;
	}
	if (bad) {
		snprintf(errbuf, errlen, "%s: %s (got '%s')", key, why, v);
		return ZC_EMALFORMED;
	}
	return 0;
}

int zc_board_load(const char *path, zc_board *b, char *errbuf, size_t errlen)
{
	defaults(b);
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
		return errno == ENOENT ? ZC_ENOENT : ZC_EIO;
	}
	char line[2048];
	int lineno = 0, rc = 0;
	while (!rc && fgets(line, sizeof line, f)) {
		lineno++;
		char *hash = strchr(line, '#');
		if (hash)
			*hash = 0;
		char *p = line;
		while (isspace((unsigned char)*p))
			p++;
		size_t l = strlen(p);
		while (l && isspace((unsigned char)p[l - 1]))
			p[--l] = 0;
		if (!*p)
			continue;
		char *eq = strchr(p, '=');
		if (!eq) {
			snprintf(errbuf, errlen, "%s:%d: expected 'key = value'", path, lineno);
			rc = ZC_EMALFORMED;
			break;
		}
		*eq = 0;
		char *k = p, *v = eq + 1;
		size_t kl = strlen(k);
		while (kl && isspace((unsigned char)k[kl - 1]))
			k[--kl] = 0;
		while (isspace((unsigned char)*v))
			v++;
		char why[512];
		if (zc_board_set(b, k, v, why, sizeof why)) {
			snprintf(errbuf, errlen, "%s:%d: %s", path, lineno, why);
			rc = ZC_EMALFORMED;
		}
	}
	fclose(f);
	if (!rc && !*b->state) {
		snprintf(errbuf, errlen, "%s: 'state' (the terminal's data folder) is required", path);
		rc = ZC_EMALFORMED;
	}
	return rc;
}
