/* SPDX-License-Identifier: Apache-2.0 */
/* bytes.c: bounded little-endian writer/reader and hex helpers (zc/bytes.h). */
#include "zc/bytes.h"

#include <string.h>

#include "zc/err.h"

void zc_w_bytes(zc_wbuf *w, const void *src, size_t n)
{
	if (w->overflow || n > w->cap - w->len) {
		w->overflow = 1;
		return;
	}
	if (n)
		memcpy(w->p + w->len, src, n);
	w->len += n;
}

void zc_w_u8(zc_wbuf *w, uint8_t v)
{
	zc_w_bytes(w, &v, 1);
}

void zc_w_u16(zc_wbuf *w, uint16_t v)
{
	uint8_t b[2];
	zc_put_u16(b, v);
	zc_w_bytes(w, b, 2);
}

void zc_w_u32(zc_wbuf *w, uint32_t v)
{
	uint8_t b[4];
	zc_put_u32(b, v);
	zc_w_bytes(w, b, 4);
}

void zc_w_u64(zc_wbuf *w, uint64_t v)
{
	uint8_t b[8];
	zc_put_u64(b, v);
	zc_w_bytes(w, b, 8);
}

void zc_r_fail(zc_rbuf *r, int err, size_t at, const char *field)
{
	if (r->err)
		return;
	r->err = err;
	r->err_off = at;
	r->err_field = field;
}

const uint8_t *zc_r_ptr(zc_rbuf *r, size_t n, const char *field)
{
	if (r->err)
		return NULL;
	if (n > r->len - r->off) {
		zc_r_fail(r, ZC_ETRUNC, r->off, field);
		return NULL;
	}
	const uint8_t *p = r->p + r->off;
	r->off += n;
	return p;
}

int zc_r_bytes(zc_rbuf *r, void *dst, size_t n, const char *field)
{
	const uint8_t *p = zc_r_ptr(r, n, field);
	if (!p)
		return 0;
	if (n)
		memcpy(dst, p, n);
	return 1;
}

uint8_t zc_r_u8(zc_rbuf *r, const char *field)
{
	const uint8_t *p = zc_r_ptr(r, 1, field);
	return p ? p[0] : 0;
}

uint16_t zc_r_u16(zc_rbuf *r, const char *field)
{
	const uint8_t *p = zc_r_ptr(r, 2, field);
	return p ? zc_get_u16(p) : 0;
}

uint32_t zc_r_u32(zc_rbuf *r, const char *field)
{
	const uint8_t *p = zc_r_ptr(r, 4, field);
	return p ? zc_get_u32(p) : 0;
}

uint64_t zc_r_u64(zc_rbuf *r, const char *field)
{
	const uint8_t *p = zc_r_ptr(r, 8, field);
	return p ? zc_get_u64(p) : 0;
}

char *zc_hex(const uint8_t *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = 0;
	return out;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int zc_unhex(const char *s, uint8_t *out, size_t n)
{
	if (strlen(s) != 2 * n)
		return ZC_EMALFORMED;
	for (size_t i = 0; i < n; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return ZC_EMALFORMED;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}
