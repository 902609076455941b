/* SPDX-License-Identifier: Apache-2.0 */
/*
 * zc/piv.h: the terminal's side of PIV card authentication (PKI-CAK, NIST SP
 * 800-73-4 and SP 800-116) over a zc_reader: SELECT the PIV application,
 * read the CHUID (card UUID) and the Card Authentication certificate, and
 * have the card sign a challenge with key 9E, algorithm 11 (ECC P-256).
 *
 * Pure protocol: no I/O but the reader, no policy (the caller checks the
 * certificate against the CA and verifies the signature).
 */
#ifndef ZC_PIV_H
#define ZC_PIV_H

#include <stddef.h>
#include <stdint.h>

#include "zc/reader.h"

#define ZC_PIV_UUID_LEN 16
#define ZC_PIV_CERT_MAX 3072

/* Errors beyond the reader's (ZC_ENOENT card gone, ZC_EIO reader):
 * ZC_EMALFORMED for a card answer that is not what the standard says,
 * ZC_ESTATE for a status word refusing the command (no PIV application,
 * no such object, security status), ZC_EAGAIN when the time set with
 * zc_piv_set_budget ran out (a card too slow: tap again). */

/* Bound the card dialogue that follows in time: every later call fails
 * with ZC_EAGAIN once ms milliseconds (of CLOCK_MONOTONIC) have passed
 * from now, and no round trip waits beyond that instant. 0: no bound.
 * Process-wide, like zc_piv_round_trips (one tap loop per process). */
void zc_piv_set_budget(unsigned ms);

/* SELECT the PIV application. */
int zc_piv_select(zc_reader *r);
/* GET DATA for the CHUID and extract the card UUID (GUID, tag 34). */
int zc_piv_read_uuid(zc_reader *r, uint8_t uuid[ZC_PIV_UUID_LEN]);
/* GET DATA for the Card Authentication certificate (5FC101); the
 * certificate DER goes to cert (ZC_PIV_CERT_MAX bytes). */
int zc_piv_read_cert(zc_reader *r, uint8_t *cert, size_t *cert_len);
/* GENERAL AUTHENTICATE, key 9E, algorithm 11: the card signs the 32-byte
 * challenge; its DER ECDSA signature goes to sig (72 bytes). An answer
 * that is not a strict DER ECDSA P-256 signature (zc_ecdsa_sig_check,
 * high S allowed) is ZC_EMALFORMED: nothing else ever reaches a record. */
int zc_piv_sign(zc_reader *r, const uint8_t challenge[32], uint8_t *sig, size_t *sig_len);

/* Find a BER-TLV tag (one to three bytes, e.g. 0x53, 0x5FC101) at the top
 * level of buf. 0 with *val and *vlen set, ZC_ENOENT, or ZC_EMALFORMED. */
int zc_tlv_find(const uint8_t *buf, size_t len, uint32_t tag, const uint8_t **val, size_t *vlen);

/* How many APDU round trips the last call made (for the tap benchmark). */
unsigned zc_piv_round_trips(void);

#endif
