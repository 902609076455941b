/* SPDX-License-Identifier: Apache-2.0 */
/* i18n.c: Chinese/English message selection (zc/i18n.h). */
#include "zc/i18n.h"

#include <stdio.h>

#include <stdlib.h>
#include <string.h>

static zc_lang cur = ZC_LANG_ZH;

void zc_lang_init(void)
{
	const char *v = getenv("ZHUCUN_LANG");
	if (v && *v) {
		if (zc_lang_set(v) == 0)
			return;
	}
	const char *vars[] = {"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"};
	for (size_t i = 0; i < sizeof vars / sizeof *vars; i++) {
		v = getenv(vars[i]);
		if (v && *v) {
			cur = strncmp(v, "en", 2) ? ZC_LANG_ZH : ZC_LANG_EN;
			return;
		}
	}
}

int zc_lang_set(const char *name)
{
	if (!strncmp(name, "zh", 2)) {
		cur = ZC_LANG_ZH;
		return 0;
	}
	if (!strncmp(name, "en", 2)) {
		cur = ZC_LANG_EN;
		return 0;
	}
	return -1;
}

zc_lang zc_lang_get(void)
{
	return cur;
}

const char *zc_tr(const char *zh, const char *en)
{
	return cur == ZC_LANG_EN ? en : zh;
}

const char *zc_duration_text(int64_t ms, zc_lang lang, char *buf, size_t cap)
{
	uint64_t a = ms < 0 ? (uint64_t)0 - (uint64_t)ms : (uint64_t)ms;
	uint64_t s = a / 1000, d = s / 86400, h = s % 86400 / 3600, m = s % 3600 / 60, sec = s % 60;
	int en = lang == ZC_LANG_EN;
	/* the two largest units that matter: "3 天 4 小时", "5 分 3 秒", "12.5 秒" */
	if (d)
		snprintf(buf, cap, en ? "%llu d %llu h" : "%llu 天 %llu 小时", (unsigned long long)d,
			 (unsigned long long)h);
	else if (h)
		snprintf(buf, cap, en ? "%llu h %llu min" : "%llu 小时 %llu 分", (unsigned long long)h,
			 (unsigned long long)m);
	else if (m)
		snprintf(buf, cap, en ? "%llu min %llu s" : "%llu 分 %llu 秒", (unsigned long long)m,
			 (unsigned long long)sec);
	else
		snprintf(buf, cap, en ? "%.1f s" : "%.1f 秒", (double)a / 1000.0);
	return buf;
}
