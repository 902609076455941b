/* SPDX-License-Identifier: Apache-2.0 */
/* err.c: English descriptions of zc_err codes. */
#include "zc/err.h"

#include <stdarg.h>
#include <stdio.h>

const char *zc_strerror(int err)
{
	switch (err) {
	case ZC_OK: return "success";
	case ZC_EAGAIN: return "try again";
	case ZC_ETRUNC: return "truncated input";
	case ZC_EMALFORMED: return "malformed input";
	case ZC_EVERSION: return "unsupported format version";
	case ZC_ECHECKSUM: return "checksum mismatch";
	case ZC_ESIG: return "signature does not verify";
	case ZC_ECHAIN: return "hash chain or sequence broken";
	case ZC_EARG: return "invalid argument";
	case ZC_ENOMEM: return "out of memory";
	case ZC_EIO: return "input/output error";
	case ZC_ENOSPC: return "no space left on storage";
	case ZC_EFULL: return "journal full of uncollected records";
	case ZC_ENOENT: return "not found";
	case ZC_EEXIST: return "already exists";
	case ZC_ECRYPTO: return "cryptography failure";
	case ZC_ECORRUPT: return "stored data is damaged";
	case ZC_ESTATE: return "operation not allowed in this state";
	case ZC_EDB: return "database error";
	default: return "unknown error";
	}
}

void zc_errf(char *buf, size_t len, const char *fmt, ...)
{
	if (!buf || !len)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}
