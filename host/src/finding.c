/* SPDX-License-Identifier: Apache-2.0 */
/* finding.c: stable names of integrity finding kinds (zc/store.h). */
#include "zc/store.h"

const char *zc_finding_name(int kind)
{
	switch (kind) {
	case ZC_FIND_MALFORMED: return "malformed";
	case ZC_FIND_WRONG_TERMINAL: return "wrong_terminal";
	case ZC_FIND_BAD_SIGNATURE: return "bad_signature";
	case ZC_FIND_BROKEN_LINK: return "broken_link";
	case ZC_FIND_GAP: return "gap";
	case ZC_FIND_FORK: return "fork";
	case ZC_FIND_CLOCK_ROLLBACK: return "clock_rollback";
	default: return "unknown";
	}
}
