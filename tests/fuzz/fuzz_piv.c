/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_piv.c: libFuzzer target for piv.c's side of the card dialogue: the
 * answers of a hostile card to SELECT, GET DATA (CHUID, certificate) and
 * GENERAL AUTHENTICATE, with 61 xx / 6C xx chaining, and the BER-TLV
 * reader under them.
 *
 * Input: a script of card answers, each `LEN BYTES...` (LEN 0xFF: the card
 * left, 0xFE: the reader failed); after the script the card is gone. A
 * leading byte whose low bit is set lets an honest card (fuzz_card.h)
 * answer every APDU the script does not, so mutations reach the later
 * steps. Invariants: no out-of-bounds access (ASan, UBSan); only the
 * documented errors; a UUID, certificate and signature come back only
 * within their bounds, and a signature only in strict DER form
 * (zc_ecdsa_sig_check); no call makes more than 64 round trips, and a
 * dialogue under a budget ends by its deadline.
 *
 * Seeds (corpus/fuzz_piv): the honest card's whole dialogue as a script,
 * and item 12's `7C 0A 82 08 00..00 90 00`.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_card.h"
#include "zc/piv.h"

typedef struct script {
	const uint8_t *p, *end;
	int honest; /* answer from the honest card when the script says 0xFD */
	fc_card card;
	unsigned calls;
} script;

static int s_transceive(void *ctx, const uint8_t *capdu, size_t clen, uint8_t *rapdu, size_t rcap, int timeout_ms)
{
	script *s = ctx;
	s->calls++;
	if (timeout_ms <= 0 || timeout_ms > 1000 || rcap < 264)
		abort();
	if (s->p >= s->end)
		return ZC_ENOENT;
	uint8_t len = *s->p++;
	if (len == 0xFF)
		return ZC_ENOENT;
	if (len == 0xFE)
		return ZC_EIO;
	if (len == 0xFD && s->honest)
		return fc_answer(&s->card, capdu, clen, rapdu);
	size_t n = len;
	if (n > (size_t)(s->end - s->p))
		n = (size_t)(s->end - s->p);
	memcpy(rapdu, s->p, n);
	s->p += n;
	return (int)n;
}

static void check_rc(int rc)
{
	if (rc && rc != ZC_EMALFORMED && rc != ZC_ESTATE && rc != ZC_ENOENT && rc != ZC_EIO && rc != ZC_EAGAIN)
		abort();
}

static void write_seeds(fc_world *w, const char *dir)
{
	/* the honest dialogue: all answers from the card */
	static const uint8_t honest[] = {0x01, 0xFD, 0xFD, 0xFD, 0xFD, 0xFD, 0xFD, 0xFD, 0xFD, 0xFD, 0xFD, 0xFD};
	fc_write_seed(dir, "honest", honest, sizeof honest);
	/* item 12: select, CHUID and certificate answered honestly, then
	 * GENERAL AUTHENTICATE answered 7C 0A 82 08 00..00 90 00 */
	uint8_t b[64];
	size_t k = 0;
	b[k++] = 0x01;
	for (int i = 0; i < 2 + 1 + (int)(w->cert_len / 240 + 1); i++)
		b[k++] = 0xFD;
	static const uint8_t ga[] = {0x7C, 0x0A, 0x82, 0x08, 0, 0, 0, 0, 0, 0, 0, 0, 0x90, 0x00};
	b[k++] = sizeof ga;
	memcpy(b + k, ga, sizeof ga);
	k += sizeof ga;
	fc_write_seed(dir, "zero-signature", b, k);
	/* a card answering 61 00 for ever */
	static const uint8_t more[] = {0x00, 0x02, 0x61, 0x00, 0x02, 0x61, 0x00, 0x02, 0x61, 0x00, 0x02, 0x6C, 0x10};
	fc_write_seed(dir, "more-data", more, sizeof more);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fc_world *w = fc_get();
	static int seeded;
	if (!seeded) {
		seeded = 1;
		const char *dir = getenv("ZC_FUZZ_WRITE_SEEDS");
		if (dir)
			write_seeds(w, dir);
	}
	if (!size)
		return 0;
	script s = {data + 1, data + size, data[0] & 1, {w->cert, w->cert_len, w->badge_key, w->uuid, {0}, 0, 0}, 0};
	zc_reader r = {ZC_READER_VERSION, &s, NULL, NULL, s_transceive, NULL, NULL, NULL, NULL};
	uint8_t uuid[ZC_PIV_UUID_LEN], cert[ZC_PIV_CERT_MAX], sig[ZC_SIG_MAX], ch[32] = {0x42};
	size_t cl = 0, sl = 0;
	zc_piv_set_budget(data[0] & 2 ? 5000 : 0);
	int rc = zc_piv_select(&r);
	check_rc(rc);
	if (s.calls > 64)
		abort();
	unsigned before = s.calls;
	check_rc(zc_piv_read_uuid(&r, uuid));
	if (s.calls - before > 64)
		abort();
	before = s.calls;
	rc = zc_piv_read_cert(&r, cert, &cl);
	check_rc(rc);
	if (!rc && (cl < 1 || cl > ZC_PIV_CERT_MAX))
		abort();
	if (s.calls - before > 64)
		abort();
	before = s.calls;
	rc = zc_piv_sign(&r, ch, sig, &sl);
	check_rc(rc);
	if (!rc && (sl > ZC_SIG_MAX || zc_ecdsa_sig_check(sig, sl, 0)))
		abort();
	if (s.calls - before > 64)
		abort();
	/* the TLV reader alone over the raw input */
	const uint8_t *v;
	size_t vl;
	if (!zc_tlv_find(data, size, 0x5FC101, &v, &vl) && (v < data || v + vl > data + size))
		abort();
	zc_piv_set_budget(0);
	return 0;
}
