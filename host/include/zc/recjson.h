/* SPDX-License-Identifier: Apache-2.0 */
/*
 * zc/recjson.h: records as JSON (jansson) for the CLI's --json output, the
 * exported journals and the test-vector manifest. Field names follow
 * shared/FORMAT.md; byte strings are lower-case hex; times are integers in
 * milliseconds plus an ISO 8601 UTC string.
 */
#ifndef ZC_RECJSON_H
#define ZC_RECJSON_H

#include <jansson.h>

#include "zc/record.h"

/* A new JSON object describing r; hash (may be NULL) is its body hash. */
json_t *zc_rec_to_json(const zc_rec *r, const uint8_t *hash);
/* ISO 8601 UTC ("2025-01-02T00:31:00.000Z") of ms since the epoch; "invalid"
 * outside the years 0000-9999. Any int64_t is safe. */
void zc_iso8601_utc(int64_t ms, char out[48]);

#endif
