/* SPDX-License-Identifier: Apache-2.0 */
/*
 * zc/jfile.h: the on-disk layout of a terminal journal segment, shared by the
 * terminal (which writes it) and the host (which reads journal folders
 * directly). Specified in shared/FORMAT.md.
 *
 * A journal is a folder of segment files named seg-NNNNNNNNNNNN.zcj (the
 * sequence number of their first record, 12 decimal digits). Each segment:
 *
 *   header  "ZCJ1" | u32 reserved (0) | u64 first_seq          16 bytes
 *   entry*  u16 len | record (len bytes) | check (4 bytes)
 *
 * check = the first 4 bytes of SHA-256(u16 len || record). It only detects
 * torn and damaged writes; authenticity comes from the record's signature.
 */
#ifndef ZC_JFILE_H
#define ZC_JFILE_H

#include <stddef.h>
#include <stdint.h>

#define ZC_JSEG_MAGIC	   "ZCJ1" /* persisted */
#define ZC_JSEG_HEADER_LEN 16	  /* persisted */
#define ZC_JENTRY_OVERHEAD 6	  /* u16 len + 4 check; persisted */
#define ZC_JSEG_NAME_LEN   20	  /* "seg-" + 12 digits + ".zcj" */

/* Write a segment header for first_seq into out (ZC_JSEG_HEADER_LEN). */
void zc_jseg_header(uint8_t out[ZC_JSEG_HEADER_LEN], uint64_t first_seq);
/* Parse a header; 0, ZC_ETRUNC or ZC_EMALFORMED. */
int zc_jseg_parse_header(const uint8_t *buf, size_t len, uint64_t *first_seq);
/* Segment file name for first_seq into name (ZC_JSEG_NAME_LEN + 1 bytes). */
void zc_jseg_name(uint64_t first_seq, char *name);
/* 1 if name is a segment name (and *first_seq set), 0 otherwise. */
int zc_jseg_name_parse(const char *name, uint64_t *first_seq);

/* Frame a record as an entry into out; returns the entry length or ZC_EARG. */
int zc_jentry_encode(const uint8_t *rec, size_t rec_len, uint8_t *out, size_t cap);

/* Parse the entry starting at buf[off]. On success *rec and *rec_len point into
 * buf and *next is the offset after the entry. Returns 0, ZC_ETRUNC (the
 * entry runs past len: a torn tail), ZC_EMALFORMED (impossible length) or
 * ZC_ECHECKSUM. The record itself is not decoded. */
int zc_jentry_parse(const uint8_t *buf, size_t len, size_t off, const uint8_t **rec, size_t *rec_len, size_t *next);

#endif
