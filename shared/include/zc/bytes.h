/* SPDX-License-Identifier: Apache-2.0 */
/*
 * zc/bytes.h: bounded little-endian writer and reader used by every format.
 *
 * A zc_wbuf appends into a caller-owned buffer and remembers overflow instead
 * of writing past the end; a zc_rbuf consumes a byte range and records the
 * first error with the offset and the field that caused it, so a decoder can
 * report exactly where input went wrong without checking every call.
 */
#ifndef ZC_BYTES_H
#define ZC_BYTES_H

#include <stddef.h>
#include <stdint.h>

typedef struct zc_wbuf {
	uint8_t *p;
	size_t cap;
	size_t len;
	int overflow;
} zc_wbuf;

static inline void zc_wbuf_init(zc_wbuf *w, uint8_t *p, size_t cap)
{
	w->p = p;
	w->cap = cap;
	w->len = 0;
	w->overflow = 0;
}
void zc_w_bytes(zc_wbuf *w, const void *src, size_t n);
void zc_w_u8(zc_wbuf *w, uint8_t v);
void zc_w_u16(zc_wbuf *w, uint16_t v);
void zc_w_u32(zc_wbuf *w, uint32_t v);
void zc_w_u64(zc_wbuf *w, uint64_t v);
static inline void zc_w_i64(zc_wbuf *w, int64_t v)
{
	zc_w_u64(w, (uint64_t)v);
}

typedef struct zc_rbuf {
	const uint8_t *p;
	size_t len;
	size_t off;
	int err;	       /* first error (ZC_ETRUNC/ZC_EMALFORMED), 0 if none */
	size_t err_off;	       /* offset where it happened */
	const char *err_field; /* static name of the field being read */
} zc_rbuf;

static inline void zc_rbuf_init(zc_rbuf *r, const uint8_t *p, size_t len)
{
	r->p = p;
	r->len = len;
	r->off = 0;
	r->err = 0;
	r->err_off = 0;
	r->err_field = 0;
}
/* Each reader returns 0 and leaves *out untouched once an error happened. */
int zc_r_bytes(zc_rbuf *r, void *dst, size_t n, const char *field);
const uint8_t *zc_r_ptr(zc_rbuf *r, size_t n, const char *field);
uint8_t zc_r_u8(zc_rbuf *r, const char *field);
uint16_t zc_r_u16(zc_rbuf *r, const char *field);
uint32_t zc_r_u32(zc_rbuf *r, const char *field);
uint64_t zc_r_u64(zc_rbuf *r, const char *field);
static inline int64_t zc_r_i64(zc_rbuf *r, const char *field)
{
	return (int64_t)zc_r_u64(r, field);
}
/* Record a semantic error (ZC_EMALFORMED etc.) at the current offset. */
void zc_r_fail(zc_rbuf *r, int err, size_t at, const char *field);

static inline void zc_put_u16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}
static inline uint16_t zc_get_u16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}
static inline void zc_put_u32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}
static inline uint32_t zc_get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static inline void zc_put_u64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}
static inline uint64_t zc_get_u64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

/* Lower-case hex of n bytes into out (2n+1 bytes). Returns out. */
char *zc_hex(const uint8_t *p, size_t n, char *out);
/* Parse exactly n bytes of hex (upper or lower case). 0 or ZC_EMALFORMED. */
int zc_unhex(const char *s, uint8_t *out, size_t n);

#endif
