/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rules_policy.c: the compliance engine's policy settings (the named numbers
 * of ../shared/RULES.md, their defaults and how a deployment sets them), the
 * time zone forms, and the names and Chinese labels of approval levels,
 * severities and tap verdicts. Pure.
 */
#include <stdlib.h>
#include <string.h>

#include "rules_internal.h"
#include "zc/rules.h"

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
