/* SPDX-License-Identifier: Apache-2.0 */
/*
 * reader_nfc.c: the zc_reader interface over libnfc (PN532 on UART, ACR122U
 * on USB, or the virtual PN532 on a pseudo-terminal). The only file of the
 * terminal that includes libnfc.
 *
 * Selection runs with endless retries off, so a poll with no card returns
 * at once and the terminal's loop stays responsive (PN532-EMULATION.md).
 */
#include "zc/reader.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <nfc/nfc.h>

#include "zc/err.h"

typedef struct nfc_ctx {
	char connstring[NFC_BUFSIZE_CONNSTRING];
	nfc_context *ctx;
	nfc_device *dev;
	nfc_target target;
	int have_target;
} nfc_ctx;

static int map_err(int e)
{
	switch (e) {
	case NFC_ETIMEOUT:
	case NFC_ERFTRANS:
	case NFC_ETGRELEASED:
	case NFC_EMFCAUTHFAIL: return ZC_ENOENT; /* the card went away or stopped answering */
	default: return ZC_EIO;
	}
}

static void rclose(void *c)
{
	nfc_ctx *x = c;
	if (x->dev)
		nfc_close(x->dev);
	x->dev = NULL;
	x->have_target = 0;
}

static int ropen(void *c)
{
	nfc_ctx *x = c;
	rclose(x);
	if (!x->ctx) {
		nfc_init(&x->ctx);
		if (!x->ctx)
			return ZC_EIO;
	}
	x->dev = nfc_open(x->ctx, x->connstring);
	if (!x->dev)
		return ZC_EIO;
	if (nfc_initiator_init(x->dev) < 0 || nfc_device_set_property_bool(x->dev, NP_INFINITE_SELECT, false) < 0 ||
	    nfc_device_set_property_bool(x->dev, NP_AUTO_ISO14443_4, true) < 0) {
		rclose(x);
		return ZC_EIO;
	}
	return 0;
}

static int rpoll(void *c, int timeout_ms, zc_target *t)
{
	nfc_ctx *x = c;
	if (!x->dev)
		return ZC_EIO;
	const nfc_modulation nm = {.nmt = NMT_ISO14443A, .nbr = NBR_106};
	struct timespec start, now;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		int n = nfc_initiator_select_passive_target(x->dev, nm, NULL, 0, &x->target);
		if (n < 0)
			return ZC_EIO;
		if (n > 0)
			break;
		clock_gettime(CLOCK_MONOTONIC, &now);
		long el = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
		if (el >= timeout_ms)
			return 0;
		struct timespec nap = {0, 20 * 1000000L};
		nanosleep(&nap, NULL);
	}
	x->have_target = 1;
	const nfc_iso14443a_info *a = &x->target.nti.nai;
	memset(t, 0, sizeof *t);
	t->uid_len = a->szUidLen > ZC_UID_MAX ? ZC_UID_MAX : a->szUidLen;
	memcpy(t->uid, a->abtUid, t->uid_len);
	memcpy(t->atqa, a->abtAtqa, 2);
	t->sak = a->btSak;
	t->iso14443_4 = (a->btSak & 0x20) != 0;
	t->ats_len = a->szAtsLen > ZC_ATS_MAX ? ZC_ATS_MAX : a->szAtsLen;
	memcpy(t->ats, a->abtAts, t->ats_len);
	return 1;
}

static int rtransceive(void *c, const uint8_t *capdu, size_t clen, uint8_t *rapdu, size_t rcap, int timeout_ms)
{
	nfc_ctx *x = c;
	if (!x->dev)
		return ZC_EIO;
	if (!x->have_target)
		return ZC_ENOENT;
	int n = nfc_initiator_transceive_bytes(x->dev, capdu, clen, rapdu, rcap, timeout_ms);
	if (n < 0) {
		int e = map_err(n);
		if (e == ZC_ENOENT)
			x->have_target = 0;
		return e;
	}
	return n;
}

static int rpresent(void *c)
{
	nfc_ctx *x = c;
	if (!x->dev)
		return ZC_EIO;
	if (!x->have_target)
		return 0;
	int n = nfc_initiator_target_is_present(x->dev, &x->target);
	if (n == NFC_SUCCESS)
		return 1;
	x->have_target = 0;
	return map_err(n) == ZC_ENOENT ? 0 : ZC_EIO;
}

static void rrelease(void *c)
{
	nfc_ctx *x = c;
	if (x->dev && x->have_target)
		nfc_initiator_deselect_target(x->dev);
	x->have_target = 0;
}

static void rdestroy(void *c)
{
	nfc_ctx *x = c;
	rclose(x);
	if (x->ctx)
		nfc_exit(x->ctx);
	free(x);
}

int zc_reader_nfc_new(const char *connstring, zc_reader **out)
{
	if (!connstring || strlen(connstring) >= NFC_BUFSIZE_CONNSTRING)
		return ZC_EARG;
	nfc_ctx *x = calloc(1, sizeof *x);
	zc_reader *r = calloc(1, sizeof *r);
	if (!x || !r) {
		free(x);
		free(r);
		return ZC_ENOMEM;
	}
	strcpy(x->connstring, connstring);
	r->version = ZC_READER_VERSION;
	r->ctx = x;
	r->open = ropen;
	r->poll = rpoll;
	r->transceive = rtransceive;
	r->present = rpresent;
	r->release = rrelease;
	r->close = rclose;
	r->destroy = rdestroy;
	*out = r;
	return 0;
}

void zc_reader_free(zc_reader *r)
{
	if (!r)
		return;
	if (r->destroy)
		r->destroy(r->ctx);
	free(r);
}
