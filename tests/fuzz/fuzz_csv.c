/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_csv.c: libFuzzer target for the registry CSV reader and its row
 * checks (host/src/registry_csv.c): every input is read as each import kind.
 * Invariants: no out-of-bounds access or leak (ASan); every row handed on
 * has a value for every column, starts on a line inside the input, and its
 * ids and dates passed their checks; every error message begins with the
 * file label and there are never more than ZC_CSV_MAX_ERRORS of them.
 *
 * Seeds: tests/fuzz/corpus/csv (good and bad files of several kinds).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "registry_csv.h"
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
		if (col->type == ZC_CT_ENUM && *v && zc_csv_enum_value(col->values, v) != NULL &&
		    strcmp(zc_csv_enum_value(col->values, v), v))
			abort();
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ctx c;
	c.lines = 1;
	for (size_t i = 0; i < size; i++)
		if (data[i] == '\n')
			c.lines++;
	for (int k = 0; k < ZC_K_COUNT; k++) {
		zc_csv_errors errs;
		memset(&errs, 0, sizeof errs);
		errs.file = "fuzz.csv";
		c.k = zc_csv_kind_get(k);
		zc_csv_read(c.k, data, size, on_row, &c, &errs);
		if (errs.n > ZC_CSV_MAX_ERRORS)
			abort();
		for (size_t i = 0; i < errs.n; i++)
			if (strncmp(errs.msg[i], "fuzz.csv", 8))
				abort();
		zc_csv_errors_clear(&errs);
	}
	return 0;
}
