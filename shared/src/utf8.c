/* SPDX-License-Identifier: Apache-2.0 */
/* utf8.c: UTF-8-safe truncation and bounded lists (zc/utf8.h). */
#include "zc/utf8.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Length of the well-formed sequence starting at p (n bytes available), or
 * 0 if none starts there. */
static size_t seq_len(const unsigned char *p, size_t n)
{
	unsigned char c = p[0];
	size_t k;
	uint32_t cp;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		k = 2, cp = c & 0x1F;
	else if (c >= 0xE0 && c <= 0xEF)
		k = 3, cp = c & 0x0F;
	else if (c >= 0xF0 && c <= 0xF4)
		k = 4, cp = c & 0x07;
	else
		return 0;
	if (n < k)
		return 0;
	for (size_t i = 1; i < k; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3F);
	}
	if ((k == 3 && cp < 0x800) || (k == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return k;
}

int zc_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < len;) {
		size_t k = seq_len(p + i, len - i);
		if (!k)
			return 0;
		i += k;
	}
	return 1;
}

size_t zc_utf8_cut(const char *s, size_t len, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	if (max >= len)
		return len;
	/* Step back over at most 3 bytes to the start of the character that
	 * holds byte max, and keep it only if it ends by max. */
	size_t i = max, back = 0;
	while (i > 0 && back < 3 && (p[i] & 0xC0) == 0x80) {
		i--;
		back++;
	}
	size_t k = seq_len(p + i, len - i);
	if (k && i + k > max)
		return i; /* byte max is inside this character: cut before it */
	return max;
}

/* Cut dst (a NUL-terminated text of len bytes, cap > len) so that it plus
 * the ellipsis fits cap, and append the ellipsis (or as much of nothing as
 * fits when cap is tiny). */
static void mark_cut(char *dst, size_t len, size_t cap)
{
	size_t el = sizeof ZC_UTF8_ELLIPSIS - 1;
	if (cap - 1 < el) {
		dst[zc_utf8_cut(dst, len, cap - 1)] = 0;
		return;
	}
	size_t n = zc_utf8_cut(dst, len, cap - 1 - el);
	memcpy(dst + n, ZC_UTF8_ELLIPSIS, el + 1);
}

int zc_utf8_vsnprintf(char *dst, size_t cap, const char *fmt, va_list ap)
{
	va_list aq;
	va_copy(aq, ap);
	int w = vsnprintf(dst, cap, fmt, ap);
	if (w < 0) {
		va_end(aq);
		dst[0] = 0;
		return 1;
	}
	if ((size_t)w < cap) {
		va_end(aq);
		return 0;
	}
	/* Too long: format whole where possible, so the cut sees whole
	 * characters, then cut between characters. */
	char *full = malloc((size_t)w + 1);
	if (full) {
		vsnprintf(full, (size_t)w + 1, fmt, aq);
		size_t el = sizeof ZC_UTF8_ELLIPSIS - 1;
		size_t room = cap - 1 >= el ? cap - 1 - el : cap - 1;
		size_t n = zc_utf8_cut(full, (size_t)w, room);
		memcpy(dst, full, n);
		dst[n] = 0;
		if (cap - 1 >= el)
			memcpy(dst + n, ZC_UTF8_ELLIPSIS, el + 1);
		free(full);
	} else {
		mark_cut(dst, cap - 1, cap); /* vsnprintf left cap-1 bytes */
	}
	va_end(aq);
	return 1;
}

int zc_utf8_snprintf(char *dst, size_t cap, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = zc_utf8_vsnprintf(dst, cap, fmt, ap);
	va_end(ap);
	return rc;
}

#define RING (sizeof((zc_utf8_list *)0)->ends / sizeof(size_t))

void zc_utf8_list_init(zc_utf8_list *l, char *buf, size_t cap, const char *sep)
{
	memset(l, 0, sizeof *l);
	l->buf = buf;
	l->cap = cap;
	l->sep = sep ? sep : "";
	buf[0] = 0;
}

void zc_utf8_list_add(zc_utf8_list *l, const char *item)
{
	l->total++;
	if (l->kept + 1 != l->total)
		return; /* an earlier item was left out: keep the order */
	if (!item)
		item = "";
	size_t sl = l->kept ? strlen(l->sep) : 0, il = strlen(item);
	if (l->used + sl + il >= l->cap)
		return;
	memcpy(l->buf + l->used, l->sep, sl);
	memcpy(l->buf + l->used + sl, item, il + 1);
	l->used += sl + il;
	l->ends[l->kept % RING] = l->used;
	l->kept++;
}

size_t zc_utf8_list_end(zc_utf8_list *l, const char *more_fmt, int more_total)
{
	char note[64];
	size_t dropped = l->total - l->kept, undone = 0;
	if (!dropped)
		return 0;
	for (;; undone++) {
		dropped = l->total - l->kept;
		int w = snprintf(note, sizeof note, more_fmt, more_total ? l->total : dropped);
		size_t nl = w > 0 ? (size_t)w : 0;
		if (nl >= sizeof note)
			nl = zc_utf8_cut(note, sizeof note - 1, sizeof note - 1);
		if (l->used + nl < l->cap || !l->kept || undone + 1 >= RING) {
			if (l->used + nl >= l->cap) { /* nothing left to drop: cut the note */
				nl = zc_utf8_cut(note, nl, l->cap - 1 - l->used);
			}
			memcpy(l->buf + l->used, note, nl);
			l->buf[l->used + nl] = 0;
			l->used += nl;
			return dropped;
		}
		/* drop the last kept item and its separator */
		l->kept--;
		l->used = l->kept ? l->ends[(l->kept - 1) % RING] : 0;
		l->buf[l->used] = 0;
	}
}
