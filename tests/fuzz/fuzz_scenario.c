/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_scenario.c: libFuzzer target for the scenario parser
 * (tools/sim/scenario.c) and the rules engine behind it. Invariants: no
 * out-of-bounds access or leak (ASan); a rejection always explains itself
 * as "NAME:LINE: ..." with a line inside the input (0: the whole file); whatever parses is
 * consistent input for the engine (zc_rules_evaluate never returns ZC_EARG
 * for it), and the engine's report covers every tap with a verdict.
 * The seed corpus is ../shared/scenarios and the demo's city.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zc/err.h"
#include "zc/rules.h"
#include "scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	zc_scenario *s = NULL;
	char err[256] = "";
	int rc = zc_scenario_parse((const char *)data, size, "f.scn", &s, err, sizeof err);
	if (rc) {
		if (getenv("ZC_FUZZ_DEBUG"))
			fprintf(stderr, "rc %d: %s\n", rc, err);
		unsigned line = 0;
		/* line 0: about the whole file (no as-of) */
		if (rc != ZC_EMALFORMED || sscanf(err, "f.scn:%u:", &line) != 1)
			abort();
		size_t lines = 1;
		for (size_t i = 0; i < size; i++)
			lines += data[i] == '\n';
		if (line > lines)
			abort();
		return 0;
	}
	/* Keep the engine's work bounded: a fuzzer can ask for centuries. */
	int64_t days = 0;
	for (size_t i = 0; i < s->nassignments; i++) {
		zc_day e = s->assignments[i].end < s->as_of ? s->assignments[i].end : s->as_of;
		if (e >= s->assignments[i].start)
			days += (int64_t)e - s->assignments[i].start + 1;
	}
	if (s->ntaps <= 20000 && s->nassignments <= 64 && days <= 100000) {
		zc_rules_input in;
		if (zc_scenario_rules_input(s, &in))
			abort();
		zc_rules_result *r = NULL;
		int erc = zc_rules_evaluate(&in, &r);
		if (erc == ZC_EARG)
			abort();
		if (!erc) {
			if (in.ntaps && !r->tap_reject)
				abort();
			zc_rules_result_free(r);
		}
		zc_scenario_rules_input_free(&in);
	}
	zc_scenario_free(s);
	return 0;
}
