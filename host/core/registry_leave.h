/* SPDX-License-Identifier: Apache-2.0 */
/*
 * registry_leave.h: for the registry's import (store/sqlite/store_registry.c):
 * the warnings about a leave itself, without those about the stored leaves
 * of its block (core/registry.c). Not public.
 */
#ifndef ZC_REGISTRY_LEAVE_H
#define ZC_REGISTRY_LEAVE_H

#include <stddef.h>

#include "zc/i18n.h"
#include "zc/registry.h"

/* As zc_registry_leave_warnings, only the lines about the leave c itself
 * (outside the assignments, overlapping another leave). */
size_t zc_registry_leave_own_warnings(const zc_leave_check *c, zc_lang lang, char (*lines)[512], size_t max);

#endif
