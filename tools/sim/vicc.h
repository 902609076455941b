/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vicc.h: a virtual PIV card (vcard.h) behind pcscd, through vsmartcard's
 * vpcd reader driver (zhucun-sim vicc). Independent PC/SC clients (OpenSC,
 * yubico-piv-tool) then see it as a card in the reader "Virtual PCD".
 *
 * vpcd's protocol (vsmartcard, virtualsmartcard/src/vpcd/vpcd.c and
 * vpicc/virtualsmartcard/VirtualSmartcard.py): the card connects over TCP to
 * vpcd (default port 35963), then every message either way is a 2-byte
 * big-endian length and that many bytes. From vpcd, a 1-byte message is a
 * control code: 0 power off, 1 power on, 2 reset (no answer to these), 4 get
 * ATR (answered with the ATR); anything longer is a command APDU, answered
 * with the response APDU.
 */
#ifndef ZC_SIM_VICC_H
#define ZC_SIM_VICC_H

#include <stddef.h>
#include <stdint.h>

#include "zc/reader.h"

#define ZC_VICC_PORT 35963

typedef struct zc_vicc_opts {
	const char *card; /* piv:CARDFILE */
	const char *host; /* vpcd's host; NULL: 127.0.0.1 */
	uint16_t port;	  /* 0: ZC_VICC_PORT */
	int verbose;	  /* trace control codes and APDUs on stderr */
} zc_vicc_opts;

/* The ATR a PC/SC reader builds for an ISO 14443-4 type A card (PC/SC part
 * 3, 3.1.3.2.3.1): 3B 8n 80 01, the ATS's historical bytes, TCK. T=1.
 * Returns its length, or ZC_EARG if cap is too small. */
int zc_vicc_atr(const zc_target *t, uint8_t *atr, size_t cap);

/* Connect to vpcd (retrying while it is not there), serve the card, and
 * reconnect whenever vpcd goes away, until SIGTERM, SIGINT or SIGHUP.
 * Prints "ready HOST:PORT" on stdout on each connection. Returns the exit
 * status: 0 after a clean stop, 1 on a runtime failure, 2 on bad options
 * or cards. */
int zc_vicc_run(const zc_vicc_opts *o);

#endif
