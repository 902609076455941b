/* SPDX-License-Identifier: Apache-2.0 */
/*
 * zc/report.h: the compliance report of RULES.md section 11 as JSON
 * (jansson), from the engine's input and result.
 */
#ifndef ZC_REPORT_H
#define ZC_REPORT_H

#include <jansson.h>

#include "zc/rules.h"

/* {"as_of", "years": [...], "findings": [...], "recall": [...]} */
json_t *zc_report_json(const zc_rules_input *in, const zc_report *r);

#endif
