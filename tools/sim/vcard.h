/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vcard.h: virtual contactless cards for the simulator and tests.
 *
 * - A UID-only card (MIFARE-like): ISO 14443-A, answers selection with its
 *   UID, SAK 0x08, and no APDUs.
 * - A PIV card (ISO 14443-4, SAK 0x20, with ATS) built from a card file that
 *   `zhucun-ca export` writes: it answers SELECT of the PIV application
 *   (AID A0 00 00 03 08), GET DATA for the CHUID (5FC102) and the Card
 *   Authentication certificate (5FC101), with responses longer than one
 *   exchange delivered as 61 xx / GET RESPONSE pieces, and GENERAL
 *   AUTHENTICATE with key 9E, algorithm 11 (ECC P-256), signing the given
 *   32-byte challenge with its key.
 *
 * Card file (text, UTF-8):
 *   # zhucun virtual PIV card
 *   uuid=<32 hex digits>         card UUID (the CHUID GUID)
 *   uid=<8 or 14 hex digits>     ISO 14443-A UID
 *   badge=B001                   badge id (informational)
 *   cadre=C001                   cadre id (informational)
 *   -----BEGIN CERTIFICATE----- ... (the Card Authentication certificate)
 *   -----BEGIN EC PRIVATE KEY----- ... (the 9E key; a clone has another key)
 */
#ifndef ZC_VCARD_H
#define ZC_VCARD_H

#include <stddef.h>
#include <stdint.h>

#include "zc/reader.h"

typedef struct zc_vcard zc_vcard;

/* "uid:HEX" or "piv:PATH". ZC_EMALFORMED with a message in errbuf. */
int zc_vcard_from_spec(const char *spec, zc_vcard **out, char *errbuf, size_t errlen);
int zc_vcard_uid_new(const uint8_t *uid, size_t len, zc_vcard **out);
int zc_vcard_piv_load(const char *card_file, zc_vcard **out, char *errbuf, size_t errlen);
/* Selection data: UID, ATQA, SAK, ATS, whether it speaks ISO 14443-4. */
void zc_vcard_target(const zc_vcard *c, zc_target *t);
/* Process one command APDU; returns the response length (data + SW1 SW2),
 * or ZC_ESTATE for a card without APDU support. Never more than rcap. */
int zc_vcard_transceive(zc_vcard *c, const uint8_t *capdu, size_t clen, uint8_t *rapdu, size_t rcap);
/* Power cycle: forget the selected application and pending response. */
void zc_vcard_reset(zc_vcard *c);
/* A short description for logs ("piv B001 C001", "uid 04a22b91"). */
const char *zc_vcard_describe(const zc_vcard *c);
void zc_vcard_free(zc_vcard *c);

#endif
