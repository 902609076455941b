/* SPDX-License-Identifier: Apache-2.0 */
/*
 * zc/i18n.h: user-facing language selection. Every message a person reads
 * exists in Simplified Chinese (the default) and English.
 *
 * Library functions that write such messages take the language as an
 * argument (a zc_lang, or the lang of an options struct): one process may
 * answer Chinese and English requests at once. The process-wide current
 * language below is the command line's choice (host/cli/): it comes
 * from --lang, else ZHUCUN_LANG, else LANGUAGE/LC_ALL/LC_MESSAGES/LANG
 * starting with "en" selects English; anything else selects Chinese.
 */
#ifndef ZC_I18N_H
#define ZC_I18N_H

typedef enum { ZC_LANG_ZH = 0, ZC_LANG_EN = 1 } zc_lang;

/* Decide the language from the environment (call once at start). */
void zc_lang_init(void);
/* Force a language: "zh" or "en"; returns 0, or -1 for anything else. */
int zc_lang_set(const char *name);
zc_lang zc_lang_get(void);
/* Pick the message for the current language (the command line's). */
const char *zc_tr(const char *zh, const char *en) __attribute__((format_arg(1), format_arg(2)));

#include <stddef.h>
#include <stdint.h>
/* A duration for people, its sign dropped: the two largest units that
 * matter ("3 天 4 小时" / "3 d 4 h", "5 分 3 秒", "12.5 秒"). Returns buf. */
const char *zc_duration_text(int64_t ms, zc_lang lang, char *buf, size_t cap);

#endif
