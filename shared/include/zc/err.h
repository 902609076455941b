/* SPDX-License-Identifier: Apache-2.0 */
/*
 * zc/err.h: the error codes shared by every zhucun module.
 *
 * 0 is success. Negative values are errors. They are grouped by what the
 * caller should do: ZC_EAGAIN means "try again later"; the input errors
 * (ZC_ETRUNC .. ZC_EVERSION) mean "skip this input, report it"; the rest are
 * fatal for the operation at hand. zc_strerror() gives an English phrase.
 */
#ifndef ZC_ERR_H
#define ZC_ERR_H

#include <stddef.h>

enum zc_err {
	ZC_OK = 0,
	ZC_EAGAIN = -1,	     /* nothing available now: try again */
	ZC_ETRUNC = -10,     /* input ends before the structure does */
	ZC_EMALFORMED = -11, /* input is not in the canonical form */
	ZC_EVERSION = -12,   /* unknown format version */
	ZC_ECHECKSUM = -13,  /* checksum does not match */
	ZC_ESIG = -14,	     /* signature does not verify */
	ZC_ECHAIN = -15,     /* hash chain or sequence broken */
	ZC_EARG = -20,	     /* bad argument (a programming or usage error) */
	ZC_ENOMEM = -21,     /* out of memory */
	ZC_EIO = -22,	     /* storage or device I/O failed */
	ZC_ENOSPC = -23,     /* storage full */
	ZC_EFULL = -24,	     /* journal full of uncollected records */
	ZC_ENOENT = -25,     /* no such file, record or row */
	ZC_EEXIST = -26,     /* already exists */
	ZC_ECRYPTO = -27,    /* cryptographic library failure */
	ZC_ECORRUPT = -28,   /* stored data is damaged */
	ZC_ESTATE = -29,     /* object is in a state that forbids the call */
	ZC_EDB = -30,	     /* database error */
};

/* English description of an error code; never NULL. */
const char *zc_strerror(int err);
/* printf into an error buffer of len bytes (nothing when buf is NULL or len
 * is 0); the one-line explanations the library functions return. */
void zc_errf(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
