/* SPDX-License-Identifier: Apache-2.0 */
/* i18n.c: Chinese/English message selection (zc/i18n.h). */
#include "zc/i18n.h"

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
