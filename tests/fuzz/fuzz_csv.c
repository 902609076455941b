/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_csv.c: libFuzzer target for the registry CSV reader and its row
 * checks (host/core/registry_csv.c): every input is brought to UTF-8
 * (zc_csv_decode: as it is, or from GB18030) and read as each import kind,
 * the messages in Chinese for the even kinds and in English for the odd ones.
 * Invariants: no out-of-bounds access or leak (ASan); a converted input
 * has as many lines as before, an input that does not decode gets one
 * error; every row handed on has a value for
 * every column, starts on a line inside the input, and its ids, dates
 * (stored as YYYY-MM-DD) and times passed their checks; every error message
 * begins with the file label and there are never more than
 * ZC_CSV_MAX_ERRORS of them.
 *
 * Seeds: tests/fuzz/corpus/csv (good and bad files of several kinds).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "registry_csv.h"
#include "zc/dates.h"
#include "zc/err.h"
#include "zc/rules.h"

typedef struct ctx {
	const zc_csv_kind *k;
	unsigned long lines;
} ctx;

static int on_row(void *arg, const zc_csv_row *row, zc_csv_errors *errs)
{
	const ctx *c = arg;
	(void)errs;
	if (row->line < 1 || row->line > c->lines)
		abort();
	for (int i = 0; i < c->k->ncols; i++) {
		const char *v = row->v[i];
		const zc_csv_col *col = &c->k->cols[i];
		if (!v || !row->header[i])
			abort();
		if (col->required && !*v)
			abort();
		if (col->type == ZC_CT_ID && *v && !zc_csv_valid_id(v))
			abort();
		zc_day d;
		if (col->type == ZC_CT_DATE && *v && zc_day_parse(v, &d))
			abort();
		int64_t t;
		if (col->type == ZC_CT_TIME && *v && zc_time_parse_any(v, 0, &t))
			abort();
		if (col->type == ZC_CT_ENUM && *v && zc_csv_enum_value(col->values, v) != NULL &&
		    strcmp(zc_csv_enum_value(col->values, v), v))
			abort();
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
static unsigned long count_lines(const uint8_t *data, size_t size)
{
	unsigned long n = 1;
	for (size_t i = 0; i < size; i++)
		n += data[i] == '\n';
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ctx c;
	zc_csv_errors errs;
	uint8_t *text = NULL;
	size_t len = 0;
	const char *encoding = NULL;
	memset(&errs, 0, sizeof errs);
	errs.file = "fuzz.csv";
	c.lines = count_lines(data, size);
	int rc = zc_csv_decode(data, size, &text, &len, &encoding, &errs);
	if (rc == 0 && (!encoding || (text && count_lines(text, len) != c.lines)))
		abort();
	if (rc && rc != ZC_ENOMEM && (rc != ZC_EMALFORMED || errs.n != 1 || encoding))
		abort();
	zc_csv_errors_clear(&errs);
	if (text) {
		data = text;
		size = len;
	}
	for (int k = 0; k < ZC_K_COUNT && !rc; k++) {
		memset(&errs, 0, sizeof errs);
		errs.file = "fuzz.csv";
		errs.lang = k % 2 ? ZC_LANG_EN : ZC_LANG_ZH; /* the messages of both languages */
		c.k = zc_csv_kind_get(k);
		zc_csv_read(c.k, data, size, on_row, &c, &errs);
		if (errs.n > ZC_CSV_MAX_ERRORS)
			abort();
		for (size_t i = 0; i < errs.n; i++)
			if (strncmp(errs.msg[i], "fuzz.csv", 8))
				abort();
		zc_csv_errors_clear(&errs);
	}
	free(text);
	return 0;
}
