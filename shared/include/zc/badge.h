/* SPDX-License-Identifier: Apache-2.0 */
/*
 * zc/badge.h: badge certificates and the district badge CA, as the terminal
 * and the host both check them (mbedTLS X.509 underneath).
 *
 * A badge is a PIV card whose Card Authentication key (9E) is an ECC P-256
 * key certified by the district's badge CA. The certificate's subject names
 * the cadre: CN = the cadre's name (UTF-8), serialNumber = the cadre id
 * (e.g. C001), OU = the badge id (e.g. B001), O = the district.
 *
 * Revocation: the CA signs a revocation list (format "ZRL1", specified in
 * shared/FORMAT.md): a numbered list of (certificate serial, revoked-from
 * time). mbedTLS 2.28 parses X.509 CRLs but cannot write them, so the list is
 * our own signed format; the terminal and the host read the same file.
 */
#ifndef ZC_BADGE_H
#define ZC_BADGE_H

#include <stddef.h>
#include <stdint.h>

#include "zc/crypto.h"

#define ZC_BADGE_SERIAL_MAX 20 /* X.509 serials are at most 20 bytes */

typedef struct zc_badge_ca zc_badge_ca;
typedef struct zc_badge_cert zc_badge_cert;

/* The CA certificate (PEM or DER). Must be a CA (basicConstraints cA) with
 * a P-256 key. ZC_EMALFORMED otherwise. */
int zc_badge_ca_parse(const uint8_t *buf, size_t len, zc_badge_ca **out);
int zc_badge_ca_load(const char *path, zc_badge_ca **out);
/* SHA-256 of the CA certificate's DER. */
void zc_badge_ca_fingerprint(const zc_badge_ca *ca, uint8_t fp[ZC_HASH_LEN]);
/* Install a revocation list after checking the CA's signature over it
 * (ZC_ESIG), its form (ZC_EMALFORMED/ZC_ETRUNC) and that its number is not
 * lower than the installed one's (ZC_ESTATE: a rollback). */
int zc_badge_ca_set_revocations(zc_badge_ca *ca, const uint8_t *buf, size_t len);
int zc_badge_ca_load_revocations(zc_badge_ca *ca, const char *path);
/* Number of the installed list (0: none). */
uint64_t zc_badge_ca_revocation_number(const zc_badge_ca *ca);
void zc_badge_ca_free(zc_badge_ca *ca);

/* Parse a badge certificate (DER). */
int zc_badge_cert_parse(const uint8_t *der, size_t len, zc_badge_cert **out);
/* Check a badge certificate against the CA at time utc_ms. Returns 0 and
 * sets *result to an enum zc_tap_result: ZC_TAP_OK, ZC_TAP_UNKNOWN_CA (not
 * signed by this CA, not valid at utc_ms, wrong key type), ZC_TAP_REVOKED
 * (on the list with revoked-from <= utc_ms). Negative only on internal
 * failure. */
int zc_badge_cert_check(zc_badge_ca *ca, const zc_badge_cert *c, int64_t utc_ms, int *result);
/* Verify the card's signature (DER ECDSA) over a 32-byte digest with the
 * certificate's key: 0 or ZC_ESIG. */
int zc_badge_cert_verify(zc_badge_cert *c, const uint8_t digest[ZC_HASH_LEN], const uint8_t *sig, size_t sig_len);
/* SHA-256 of the certificate DER (the cert_fp of tap records). */
void zc_badge_cert_fingerprint(const zc_badge_cert *c, uint8_t fp[ZC_HASH_LEN]);
/* The certificate DER (owned by c). */
const uint8_t *zc_badge_cert_der(const zc_badge_cert *c, size_t *len);
/* Subject fields (UTF-8, owned by c; "" if absent). */
const char *zc_badge_cert_cadre(const zc_badge_cert *c); /* serialNumber */
const char *zc_badge_cert_name(const zc_badge_cert *c);  /* CN */
const char *zc_badge_cert_badge(const zc_badge_cert *c); /* OU */
/* Certificate serial number (big-endian bytes). */
const uint8_t *zc_badge_cert_serial(const zc_badge_cert *c, size_t *len);
void zc_badge_cert_free(zc_badge_cert *c);

#endif
