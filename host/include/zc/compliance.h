/* SPDX-License-Identifier: Apache-2.0 */
/*
 * zc/compliance.h: the district office's question answered from the store.
 * Loads the registry (zc/registry.h) and every tap record, decides each tap's
 * acceptance inputs (terminal signature and chain from ingest, badge
 * signature and certificate chain checked here against the stored badge
 * certificates and CA and cached in the store, revocation from the installed
 * list, clock trust by zc_rules_clock_trust), passes the store's integrity
 * findings through, and runs the pure engine (zc/rules.h) at as_of.
 */
#ifndef ZC_COMPLIANCE_H
#define ZC_COMPLIANCE_H

#include <stddef.h>

#include "zc/rules.h"
#include "zc/store.h"

typedef struct zc_compliance {
	zc_rules_input in;   /* the engine's input (ids, names, taps) */
	zc_rules_result *report;   /* the engine's result */
	void *priv;          /* owned storage */
} zc_compliance;

/* 0, or a negative zc_err with one English sentence in err. */
int zc_compliance_load(zc_store *s, zc_day as_of, zc_compliance **out, char *err, size_t errlen);
void zc_compliance_free(zc_compliance *c);

#endif
