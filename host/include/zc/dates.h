/* SPDX-License-Identifier: Apache-2.0 */
/*
 * zc/dates.h: dates and times as clerks write them, in registry CSV files
 * (host/doc/IMPORT.md) and on the command line. A spreadsheet on a Chinese
 * Windows writes 2025/6/3, a person types 2025.6.3 or 2025年6月3日; all of
 * them mean the date the store keeps as 2025-06-03 (zc_day_format).
 *
 * Pure functions: no I/O, no clock, no locale.
 */
#ifndef ZC_DATES_H
#define ZC_DATES_H

#include <stddef.h>
#include <stdint.h>

#include "zc/rules.h"

/* The accepted date forms, for messages ("'X' is not a valid date (FORMS)"). */
#define ZC_DAY_FORMS_ZH "2025-06-03、2025/6/3、2025-6-3、2025.6.3 或 2025年6月3日"
#define ZC_DAY_FORMS_EN "2025-06-03, 2025/6/3, 2025-6-3, 2025.6.3 or 2025年6月3日"
/* The accepted time forms (zc_time_parse_any). */
#define ZC_TIME_FORMS_ZH "日期加时间，如 2025-06-03 09:30、2025/6/3 9:30 或 2025-06-03T09:30:00，可带时区 +08:00 或 Z"
#define ZC_TIME_FORMS_EN                                                                                               \
	"a date and a time such as 2025-06-03 09:30, 2025/6/3 9:30 or 2025-06-03T09:30:00, optionally with "           \
	"+08:00 or Z"

/* The span [*start, *end) of s[0..len) without the blanks around it (space,
 * tab, U+3000 ideographic space): what dates, times and CSV fields ignore. */
void zc_trim_span(const char *s, size_t len, size_t *start, size_t *end);

/* A date in one of the forms above: year of 4 digits, month and day of 1 or
 * 2, separated by '-', '/' or '.' (the same one twice), or 年 月 日. Only
 * real calendar dates; blanks (space, tab, U+3000) around it are ignored.
 * 0 and *out set, or -1. */
int zc_day_parse_any(const char *s, zc_day *out);

/* A local time: a date as zc_day_parse_any, then ' ' or 'T', then h:mm or
 * h:mm:ss (hour 0-23, 1 or 2 digits), then optionally an offset "Z" or
 * "+hh:mm" / "-hh:mm". Without an offset the time is local at
 * tz_offset_min minutes east of UTC. Blanks around it are ignored.
 * 0 and *utc_ms set, or -1. */
int zc_time_parse_any(const char *s, int tz_offset_min, int64_t *utc_ms);

/* utc_ms as local time at tz_offset_min, ISO 8601 with its offset:
 * "2025-06-03T09:30:00+08:00" (out: at least 32 bytes). */
void zc_time_format(int64_t utc_ms, int tz_offset_min, char out[32]);

#endif
