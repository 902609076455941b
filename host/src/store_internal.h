/* SPDX-License-Identifier: Apache-2.0 */
/*
 * store_internal.h: for the parts of the store implementation that live in
 * files of their own (store_registry.c, store_taps.c): the SQLite handle
 * behind a zc_store. Nothing outside the store includes this.
 */
#ifndef ZC_STORE_INTERNAL_H
#define ZC_STORE_INTERNAL_H

#include <sqlite3.h>

#include "zc/store.h"

sqlite3 *zc_store_db(zc_store *s);
/* An SQLite result code as a zc_err (0 for OK, ROW and DONE). */
int zc_store_db_err(int rc);

#endif
