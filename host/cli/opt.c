/* SPDX-License-Identifier: Apache-2.0 */
/*
 * opt.c: the values of the command line's integer, date and month options,
 * checked in one place. Each helper takes the option's name as typed
 * ("--batch") and its argument, and either stores the value and returns 0
 * or prints the one error line of that option (cli.h: zc_cli_err) and
 * returns -1; the command then exits with 2 (bad usage).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zc/dates.h"
#include "cli.h"

/* arg as a whole decimal number from min to max: 0, or -1 (nothing said). */
static int int_value(const char *arg, long long min, long long max, long long *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(arg, &end, 10);
	if (end == arg || *end || errno == ERANGE || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int zc_opt_int_in(const char *opt, const char *arg, long long min, long long max, const char *unit_zh,
		  const char *unit_en, long long *out)
{
	if (!int_value(arg, min, max, out))
		return 0;
	zc_cli_err(T("%s 须为 %lld 到 %lld%s", "%s must be %lld to %lld%s"), opt, min, max,
		   T(unit_zh ? unit_zh : "", unit_en ? unit_en : ""));
	return -1;
}

int zc_opt_int(const char *opt, const char *arg, long long min, long long max, long long *out)
{
	return zc_opt_int_in(opt, arg, min, max, NULL, NULL, out);
}

int zc_opt_int_as(const char *opt, const char *arg, long long min, long long max, const char *what_zh,
		  const char *what_en, long long *out)
{
	if (!int_value(arg, min, max, out))
		return 0;
	zc_cli_err(T("%s 须为%s", "%s must be %s"), opt, T(what_zh, what_en));
	return -1;
}

int zc_opt_day(const char *opt, const char *arg, zc_day *out)
{
	if (!zc_day_parse_any(arg, out))
		return 0;
	zc_cli_err(T("%s 须为日期（%s），而不是 '%s'", "%s must be a date (%s), not '%s'"), opt,
		   T(ZC_DAY_FORMS_ZH, ZC_DAY_FORMS_EN), arg);
	return -1;
}

int zc_opt_month(const char *opt, const char *arg, int *year, int *month)
{
	char buf[16];
	zc_day d;
	int dd;
	if (strlen(arg) != 7 || (snprintf(buf, sizeof buf, "%s-01", arg), zc_day_parse(buf, &d))) {
		zc_cli_err(T("%s 须为 年-月，如 2025-03，而不是 '%s'", "%s must be YYYY-MM such as 2025-03, not '%s'"),
			   opt, arg);
		return -1;
	}
	zc_day_to_ymd(d, year, month, &dd);
	return 0;
}
