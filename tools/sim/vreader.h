/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vreader.h: an in-process reader (the zc_reader interface) over virtual
 * cards, for fast bulk runs (the scenario runner) and unit tests of the tap
 * loop. The same terminal code runs on it as on libnfc.
 */
#ifndef ZC_VREADER_H
#define ZC_VREADER_H

#include "vcard.h"
#include "zc/reader.h"

typedef struct zc_vreader zc_vreader;

/* A new reader with no card; *ctl controls it, r is what the terminal uses.
 * Free with zc_reader_free(r) (ctl goes with it). */
int zc_vreader_new(zc_reader **r, zc_vreader **ctl);
/* Put a card in the field (not owned; must outlive its presence). */
void zc_vreader_present(zc_vreader *v, zc_vcard *card);
/* Take the card away. */
void zc_vreader_remove(zc_vreader *v);
/* The card leaves after n more APDUs (a badge pulled away mid-tap). */
void zc_vreader_remove_after(zc_vreader *v, int n);
/* Unplug (1) or plug back (0) the reader: while unplugged every call fails
 * with ZC_EIO. */
void zc_vreader_unplug(zc_vreader *v, int unplugged);
/* APDUs exchanged so far. */
unsigned zc_vreader_apdus(const zc_vreader *v);

#endif
