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

#include "zc/i18n.h"
#include "zc/rules.h"
#include "zc/store.h"

typedef struct zc_compliance {
	zc_rules_input in;	 /* the engine's input (ids, names, taps) */
	zc_rules_result *report; /* the engine's result */
	void *priv;		 /* owned storage */
} zc_compliance;

/* Load and evaluate at as_of: 0 and *out (release it with
 * zc_compliance_free), or a negative zc_err, *out NULL and one sentence in
 * err: in lang when the registry does not load (zc_registry_load_l), in
 * English otherwise (the store or the engine failed). The badge verdicts
 * checked on the way are cached in the store, also when the load fails
 * later; a check that could not be made (out of memory) fails the load
 * and is never cached. */
int zc_compliance_load_l(zc_store *s, zc_day as_of, zc_lang lang, zc_compliance **out, char *err, size_t errlen);
/* zc_compliance_load_l with the registry's sentence in Chinese (for the
 * existing callers; library code passes its caller's language). */
int zc_compliance_load(zc_store *s, zc_day as_of, zc_compliance **out, char *err, size_t errlen);
void zc_compliance_free(zc_compliance *c);

#endif
