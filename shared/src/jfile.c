/* SPDX-License-Identifier: Apache-2.0 */
/* jfile.c: journal segment header, names and entry framing (zc/jfile.h). */
#include "zc/jfile.h"

#include <stdio.h>
#include <string.h>

#include "zc/bytes.h"
#include "zc/crypto.h"
#include "zc/err.h"
#include "zc/record.h"

void zc_jseg_header(uint8_t out[ZC_JSEG_HEADER_LEN], uint64_t first_seq)
{
	memcpy(out, ZC_JSEG_MAGIC, 4);
	zc_put_u32(out + 4, 0);
	zc_put_u64(out + 8, first_seq);
}

int zc_jseg_parse_header(const uint8_t *buf, size_t len, uint64_t *first_seq)
{
	if (len < ZC_JSEG_HEADER_LEN)
		return ZC_ETRUNC;
	if (memcmp(buf, ZC_JSEG_MAGIC, 4) || zc_get_u32(buf + 4) != 0 || zc_get_u64(buf + 8) == 0)
		return ZC_EMALFORMED;
	*first_seq = zc_get_u64(buf + 8);
	return 0;
}

void zc_jseg_name(uint64_t first_seq, char *name)
{
	snprintf(name, ZC_JSEG_NAME_LEN + 1, "seg-%012llu.zcj", (unsigned long long)first_seq);
}

int zc_jseg_name_parse(const char *name, uint64_t *first_seq)
{
	if (strlen(name) != ZC_JSEG_NAME_LEN || strncmp(name, "seg-", 4) || strcmp(name + 16, ".zcj"))
		return 0;
	uint64_t v = 0;
	for (int i = 4; i < 16; i++) {
		if (name[i] < '0' || name[i] > '9')
			return 0;
		v = v * 10 + (uint64_t)(name[i] - '0');
	}
	if (!v)
		return 0;
	*first_seq = v;
	return 1;
}

static void entry_check(const uint8_t *len_and_rec, size_t n, uint8_t out[4])
{
	uint8_t h[ZC_HASH_LEN];
	zc_sha256(len_and_rec, n, h);
	memcpy(out, h, 4);
}

int zc_jentry_encode(const uint8_t *rec, size_t rec_len, uint8_t *out, size_t cap)
{
	if (rec_len == 0 || rec_len > ZC_REC_MAX || cap < rec_len + ZC_JENTRY_OVERHEAD)
		return ZC_EARG;
	zc_put_u16(out, (uint16_t)rec_len);
	memmove(out + 2, rec, rec_len);
	entry_check(out, rec_len + 2, out + 2 + rec_len);
	return (int)(rec_len + ZC_JENTRY_OVERHEAD);
}

int zc_jentry_parse(const uint8_t *buf, size_t len, size_t off, const uint8_t **rec, size_t *rec_len, size_t *next)
{
	if (off > len || len - off < 2)
		return ZC_ETRUNC;
	size_t n = zc_get_u16(buf + off);
	if (n == 0 || n > ZC_REC_MAX)
		return ZC_EMALFORMED;
	if (len - off < n + ZC_JENTRY_OVERHEAD)
		return ZC_ETRUNC;
	uint8_t check[4];
	entry_check(buf + off, n + 2, check);
	if (memcmp(check, buf + off + 2 + n, 4))
		return ZC_ECHECKSUM;
	*rec = buf + off + 2;
	*rec_len = n;
	*next = off + n + ZC_JENTRY_OVERHEAD;
	return 0;
}
