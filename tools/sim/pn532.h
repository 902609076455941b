/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pn532.h: a PN532 emulator engine over a byte stream, for the virtual
 * reader (pn532srv.c) and tests. Bytes the host (libnfc's pn532_uart driver)
 * writes go in with zc_pn532_input; the chip's ACKs and replies come out of
 * zc_pn532_output. There is no I/O and no clock inside: every call takes the
 * current time in milliseconds (any monotonic origin), so tests drive time.
 *
 * What it speaks (PN532 User Manual, and what libnfc 1.8.0 sends; see
 * /work/shared/PN532-EMULATION.md): the wake-up preamble is skipped; normal
 * and extended frames with LCS/DCS checked; an ACK before every reply; a
 * host ACK aborts the running command, a host NACK repeats the last reply.
 * A bad length checksum is answered with a NACK, a bad data checksum with
 * the error frame, an unknown command (after its ACK) with the error frame.
 *
 * Commands: Diagnose 00, GetFirmwareVersion 02 (PN532 v1.6), GetGeneralStatus
 * 04, ReadRegister 06, WriteRegister 08, SetParameters 12, SAMConfiguration
 * 14, PowerDown 16, RFConfiguration 32, InDataExchange 40, InCommunicateThru
 * 42, InDeselect 44, InListPassiveTarget 4A, InRelease 52, InSelect 54,
 * InAutoPoll 60. Only ISO 14443-A cards exist; other modulations find none.
 *
 * Timing: with endless passive-activation retries (RFConfiguration 05, third
 * byte FF) and no card, InListPassiveTarget is ACKed and held until a card
 * comes; InAutoPoll is held for PollNr x types x Period x 150 ms (for ever
 * with PollNr FF). A new frame drops a held command, and any reply not yet
 * released, as the chip abandons it. Replies can be delayed by a fixed
 * latency or a model of a real reader (ZC_PN532_LATENCY_MODEL).
 *
 * Not modelled: HALT (a deselected card answers the next selection again),
 * collisions between several cards (one card at a time), NAD and CID.
 */
#ifndef ZC_PN532_H
#define ZC_PN532_H

#include <stddef.h>
#include <stdint.h>

#include "vcard.h"

typedef struct zc_pn532 zc_pn532;

/* Latency: a model of a PN532 at 115200 baud with a contactless card:
 * serial transfer time, RF selection and exchange time, and card
 * processing (tens of ms for a signature). */
#define ZC_PN532_LATENCY_MODEL (-1)

/* Largest frame data (TFI + command + arguments) accepted from the host. */
#define ZC_PN532_MAX_DATA 265

typedef struct zc_pn532_stats {
	uint64_t frames;     /* valid command frames received */
	uint64_t bad_frames; /* checksum or syntax errors */
	uint64_t dropped;    /* held commands or unreleased replies abandoned */
	uint64_t exchanges;  /* APDUs given to the card */
} zc_pn532_stats;

/* A line of trace (command in, reply out), for --verbose. */
typedef void (*zc_pn532_trace_fn)(void *ctx, const char *line);

/* A chip at power-on, no card in the field. 0 or ZC_ENOMEM. */
int zc_pn532_new(zc_pn532 **out);
/* Frees the chip and the card in its field. NULL is allowed. */
void zc_pn532_free(zc_pn532 *p);
/* Power-on reset: settings, targets, held commands and queued output are
 * forgotten; the card stays in the field (and is reset). */
void zc_pn532_reset(zc_pn532 *p);

/* Put a card in the field; ownership passes to the chip and the previous
 * card, if any, is freed. NULL takes the card away. A held selection or
 * poll that the new card satisfies is answered. */
void zc_pn532_set_card(zc_pn532 *p, zc_vcard *card, uint64_t now_ms);
/* The card in the field (owned by the chip) or NULL. */
const zc_vcard *zc_pn532_card(const zc_pn532 *p);
/* The present card leaves the field after n more APDU exchanges: the next
 * one gets no answer (a badge pulled away mid-authentication). */
void zc_pn532_remove_after(zc_pn532 *p, int apdus);

/* Reply latency in ms (0: none), or ZC_PN532_LATENCY_MODEL. */
void zc_pn532_set_latency(zc_pn532 *p, int ms);
int zc_pn532_latency(const zc_pn532 *p);
void zc_pn532_set_trace(zc_pn532 *p, zc_pn532_trace_fn fn, void *ctx);
void zc_pn532_get_stats(const zc_pn532 *p, zc_pn532_stats *s);

/* Bytes from the host, received at now_ms. All are consumed. */
void zc_pn532_input(zc_pn532 *p, const uint8_t *buf, size_t n, uint64_t now_ms);
/* Copy up to cap bytes that are due by now_ms to buf; returns the count
 * (0: nothing due). Call until it returns 0. */
size_t zc_pn532_output(zc_pn532 *p, uint64_t now_ms, uint8_t *buf, size_t cap);
/* When zc_pn532_output next has something to give (or a held command
 * times out): a time in ms, <= now when due; UINT64_MAX for nothing. */
uint64_t zc_pn532_next_event(const zc_pn532 *p);

#endif
