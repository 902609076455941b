/* SPDX-License-Identifier: Apache-2.0 */
/*
 * zc/reader.h: the NFC reader interface. The terminal's badge logic sees
 * only this; implementations: libnfc (reader_nfc.c: PN532 over UART, ACR122U
 * over USB, or the virtual PN532 on a pty) and an in-process virtual card
 * (for fast bulk runs, in tools/sim).
 *
 * Return values: 0 or a count on success; ZC_ENOENT when the card left the
 * field; ZC_EIO when the reader itself failed or vanished (the caller logs a
 * reader fault, closes and re-opens with back-off); ZC_EAGAIN for "nothing
 * now" where stated.
 */
#ifndef ZC_READER_H
#define ZC_READER_H

#include <stddef.h>
#include <stdint.h>

#define ZC_UID_MAX 10
#define ZC_ATS_MAX 32

typedef struct zc_target {
	uint8_t uid[ZC_UID_MAX];
	size_t uid_len;
	uint8_t atqa[2];
	uint8_t sak;
	int iso14443_4; /* 1 if the card speaks ISO 14443-4 (APDUs) */
	uint8_t ats[ZC_ATS_MAX];
	size_t ats_len;
} zc_target;

typedef struct zc_reader {
	int version; /* ZC_READER_VERSION */
	void *ctx;
	/* Connect to the reader and initialise it as an initiator. */
	int (*open)(void *ctx);
	/* Wait up to timeout_ms for an ISO 14443-A card and select it: 1 with
	 * *t filled, 0 when none came, ZC_EIO on reader failure. */
	int (*poll)(void *ctx, int timeout_ms, zc_target *t);
	/* Send a command APDU to the selected card; returns the response length
	 * (data + SW1 SW2), ZC_ENOENT if the card is gone, ZC_EIO. */
	int (*transceive)(void *ctx, const uint8_t *capdu, size_t clen, uint8_t *rapdu, size_t rcap, int timeout_ms);
	/* 1 if the selected card is still in the field, 0 if not, ZC_EIO. */
	int (*present)(void *ctx);
	/* Deselect the card (and let the field idle). */
	void (*release)(void *ctx);
	/* Disconnect from the reader (open may be called again). */
	void (*close)(void *ctx);
	/* Free everything. */
	void (*destroy)(void *ctx);
} zc_reader;

#define ZC_READER_VERSION 1

/* A libnfc reader for a connection string such as "pn532_uart:/dev/ttyS0",
 * "acr122_usb" or "pn532_uart:/dev/pts/3". */
int zc_reader_nfc_new(const char *connstring, zc_reader **out);
void zc_reader_free(zc_reader *r);

#endif
