/* SPDX-License-Identifier: Apache-2.0 */
/*
 * zc/names.h: people name cadres, villages, townships and districts by their
 * names, not only by ids. zc_name_resolve turns what a clerk typed into the
 * registry's id: an id as it is, else a unique exact name; an ambiguous name
 * is refused with every candidate (id, unit, village), an unknown one with
 * the names that contain it. Pure: it reads a loaded registry.
 */
#ifndef ZC_NAMES_H
#define ZC_NAMES_H

#include <stddef.h>

#include "zc/i18n.h"
#include "zc/registry.h"
#include "zc/rules.h"

/* entity: "cadres", "villages", "townships", "districts" or "terminals"
 * (terminals have ids only). On success *index is the row in r's array and
 * 0 is returned. ZC_ENOENT: nothing of that id or name (err lists up to 8
 * names containing text); ZC_EEXIST: the name is shared (err lists every
 * candidate); ZC_EARG: an unknown entity. err is in lang. */
int zc_name_resolve(const zc_registry *r, const char *entity, const char *text, zc_lang lang, int *index, char *err,
		    size_t errlen);

/* The village of cadre c on day (its assignment then, else its latest one),
 * or -1. */
int zc_name_cadre_village(const zc_registry *r, int c, zc_day day);

/* 1 if name (UTF-8) contains needle, ignoring ASCII case; an empty needle
 * matches everything. */
int zc_name_matches(const char *name, const char *needle);

#endif
