/* SPDX-License-Identifier: Apache-2.0 */
/*
 * zc/utf8.h: text that must fit a fixed buffer without breaking UTF-8. Names
 * and details in reports are user text (village names, cadre names, finding
 * details) that can exceed any buffer; cutting them with snprintf can split
 * a character and produce invalid UTF-8, and joining them can drop an item
 * without a word. These helpers cut only between characters, mark every cut
 * with "…", and join lists ending with an explicit count of what did not fit.
 */
#ifndef ZC_UTF8_H
#define ZC_UTF8_H

#include <stdarg.h>
#include <stddef.h>

/* The mark of a cut: U+2026 HORIZONTAL ELLIPSIS, 3 bytes. */
#define ZC_UTF8_ELLIPSIS "\xE2\x80\xA6"

/* 1 if s[0..len) is well-formed UTF-8 (no overlong forms, surrogates or
 * code points above U+10FFFF), 0 otherwise. */
int zc_utf8_valid(const char *s, size_t len);

/* The largest n <= max and <= len such that s[0..n) does not end inside a
 * multi-byte character. Bytes that are not part of a well-formed sequence
 * count as characters of their own, so invalid input is cut anywhere. */
size_t zc_utf8_cut(const char *s, size_t len, size_t max);

/* Format into dst (cap > 0 bytes, always NUL-terminated). If the text does
 * not fit, it is cut between characters and ends with ZC_UTF8_ELLIPSIS.
 * Returns 0 if it fitted, 1 if it was cut. */
int zc_utf8_vsnprintf(char *dst, size_t cap, const char *fmt, va_list ap);
int zc_utf8_snprintf(char *dst, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* A list joined into a fixed buffer: items in order while they fit, then a
 * count of the rest, never half an item and never a silent omission. */
typedef struct zc_utf8_list {
	char *buf;
	size_t cap;
	const char *sep;
	size_t used;	 /* bytes in buf (the kept items and separators) */
	size_t kept;	 /* items in buf */
	size_t total;	 /* items added */
	size_t ends[64]; /* buf length after each of the last kept items (a ring) */
} zc_utf8_list;

/* Start a list in buf (cap bytes, at least 64) joined with sep. */
void zc_utf8_list_init(zc_utf8_list *l, char *buf, size_t cap, const char *sep);
/* Add an item (NULL counts as ""). Once an item did not fit, the later ones
 * are only counted, so the kept items are always the first ones. */
void zc_utf8_list_add(zc_utf8_list *l, const char *item);
/* Finish: if items were left out, drop kept items from the end until the
 * note fits and append it, formatted from more_fmt with one size_t: the
 * number of items left out (more_total 0: "… and %zu more") or of all items
 * (more_total 1: "…等%zu个"). Returns the number of items left out. */
size_t zc_utf8_list_end(zc_utf8_list *l, const char *more_fmt, int more_total);

#endif
