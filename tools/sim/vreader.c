/* SPDX-License-Identifier: Apache-2.0 */
/* vreader.c: the in-process virtual reader (vreader.h). */
#include "vreader.h"

#include <stdlib.h>

#include "zc/err.h"

struct zc_vreader {
	zc_vcard *card;
	int selected;
	int unplugged;
	int open;
	int remove_after; /* -1: never */
	unsigned apdus;
};

static int vopen(void *c)
{
	zc_vreader *v = c;
	if (v->unplugged)
		return ZC_EIO;
	v->open = 1;
	return 0;
}

static int vpoll(void *c, int timeout_ms, zc_target *t)
{
	(void)timeout_ms;
	zc_vreader *v = c;
	if (v->unplugged || !v->open)
		return ZC_EIO;
	if (!v->card)
		return 0;
	zc_vcard_reset(v->card);
	zc_vcard_target(v->card, t);
	v->selected = 1;
	return 1;
}

static int vtransceive(void *c, const uint8_t *capdu, size_t clen, uint8_t *rapdu, size_t rcap, int timeout_ms)
{
	(void)timeout_ms;
	zc_vreader *v = c;
	if (v->unplugged || !v->open)
		return ZC_EIO;
	if (v->remove_after == 0) {
		v->card = NULL;
		v->remove_after = -1;
	}
	if (!v->card || !v->selected)
		return ZC_ENOENT;
	if (v->remove_after > 0)
		v->remove_after--;
	v->apdus++;
	int n = zc_vcard_transceive(v->card, capdu, clen, rapdu, rcap);
	return n < 0 ? ZC_ENOENT : n;
}

static int vpresent(void *c)
{
	zc_vreader *v = c;
	if (v->unplugged || !v->open)
		return ZC_EIO;
	return v->card && v->selected;
}

static void vrelease(void *c)
{
	((zc_vreader *)c)->selected = 0;
}

static void vclose(void *c)
{
	zc_vreader *v = c;
	v->open = 0;
	v->selected = 0;
}

static void vdestroy(void *c)
{
	free(c);
}

int zc_vreader_new(zc_reader **r, zc_vreader **ctl)
{
	zc_vreader *v = calloc(1, sizeof *v);
	zc_reader *rd = calloc(1, sizeof *rd);
	if (!v || !rd) {
		free(v);
		free(rd);
		return ZC_ENOMEM;
	}
	v->remove_after = -1;
	rd->version = ZC_READER_VERSION;
	rd->ctx = v;
	rd->open = vopen;
	rd->poll = vpoll;
	rd->transceive = vtransceive;
	rd->present = vpresent;
	rd->release = vrelease;
	rd->close = vclose;
	rd->destroy = vdestroy;
	*r = rd;
	*ctl = v;
	return 0;
}

void zc_vreader_present(zc_vreader *v, zc_vcard *card)
{
	v->card = card;
	v->selected = 0;
	v->remove_after = -1;
}

void zc_vreader_remove(zc_vreader *v)
{
	v->card = NULL;
	v->selected = 0;
}

void zc_vreader_remove_after(zc_vreader *v, int n)
{
	v->remove_after = n;
}

void zc_vreader_unplug(zc_vreader *v, int unplugged)
{
	v->unplugged = unplugged;
	if (unplugged)
		v->open = 0;
}

unsigned zc_vreader_apdus(const zc_vreader *v)
{
	return v->apdus;
}
