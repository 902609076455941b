/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_badge_cert.c: libFuzzer target for the badge certificate as a card
 * hands it over: zc_badge_cert_parse, then zc_badge_cert_check against a
 * fixed badge CA (fuzz_card.h) and zc_badge_cert_verify.
 * Invariants: no out-of-bounds access or undefined behaviour (ASan,
 * UBSan); a certificate that parses is canonical (zc_x509_is_canonical)
 * and its fingerprint is the SHA-256 of exactly the input; one certificate
 * has one encoding: the only input the CA's check accepts is the one
 * certificate this CA issued, byte for byte (issue 10, item 14), and its
 * key verifies the badge's signature while another certificate's does not.
 *
 * Seeds (corpus/fuzz_badge_cert, written with ZC_FUZZ_WRITE_SEEDS): the
 * issued certificate, copies of it with a long-form length and with a
 * high-S signature, and the impostor's self-made certificate.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_card.h"
#include "zc/record.h"

static void write_seeds(const fc_world *w, const char *dir)
{
	uint8_t b[FC_CERT_MAX + 8];
	fc_write_seed(dir, "issued.der", w->cert, w->cert_len);
	fc_write_seed(dir, "impostor.der", w->imp, w->imp_len);
	/* 30 82 LL LL -> 30 83 00 LL LL */
	b[0] = 0x30;
	b[1] = 0x83;
	b[2] = 0;
	memcpy(b + 3, w->cert + 2, w->cert_len - 2);
	fc_write_seed(dir, "long-length.der", b, w->cert_len + 1);
	/* the signature's last INTEGER (s) replaced by n - s, lengths fixed */
	static const uint8_t n[32] = {0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF,
				      0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17,
				      0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51};
	size_t tbs_end = 4 + 4 + ((size_t)w->cert[6] << 8 | w->cert[7]);
	size_t bits = tbs_end + 2 + w->cert[tbs_end + 1];
	const uint8_t *sig = w->cert + bits + 3;
	size_t rl = sig[3];
	const uint8_t *sp = sig + 4 + rl + 2;
	size_t sl = sig[4 + rl + 1];
	uint8_t s[32] = {0}, hs[32];
	memcpy(s + 32 - (sl > 32 ? 32 : sl), sp + (sl > 32 ? sl - 32 : 0), sl > 32 ? 32 : sl);
	int borrow = 0;
	for (int i = 31; i >= 0; i--) {
		int d = n[i] - s[i] - borrow;
		borrow = d < 0;
		hs[i] = (uint8_t)(d + (borrow ? 256 : 0));
	}
	uint8_t nsig[80];
	size_t k = 2;
	memcpy(nsig + k, sig + 2, 2 + rl);
	k += 2 + rl;
	nsig[k++] = 0x02;
	nsig[k++] = (hs[0] & 0x80) ? 33 : 32;
	if (hs[0] & 0x80)
		nsig[k++] = 0;
	memcpy(nsig + k, hs, 32);
	k += 32;
	nsig[0] = 0x30;
	nsig[1] = (uint8_t)(k - 2);
	size_t body = bits - 4 + 3 + k;
	b[0] = 0x30;
	b[1] = 0x82;
	b[2] = (uint8_t)(body >> 8);
	b[3] = (uint8_t)body;
	memcpy(b + 4, w->cert + 4, bits - 4);
	b[bits] = 0x03;
	b[bits + 1] = (uint8_t)(k + 1);
	b[bits + 2] = 0;
	memcpy(b + bits + 3, nsig, k);
	fc_write_seed(dir, "high-s.der", b, bits + 3 + k);
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
	zc_badge_cert *c = NULL;
	int rc = zc_badge_cert_parse(data, size, &c);
	if (rc) {
		if (c || (rc != ZC_EMALFORMED && rc != ZC_ENOMEM))
			abort();
		return 0;
	}
	uint8_t fp[ZC_HASH_LEN], h[ZC_HASH_LEN], u[16];
	size_t dl;
	zc_badge_cert_fingerprint(c, fp);
	zc_sha256(data, size, h);
	const uint8_t *der = zc_badge_cert_der(c, &dl);
	if (memcmp(fp, h, ZC_HASH_LEN) || dl != size || memcmp(der, data, size))
		abort();
	zc_x509 *x = NULL;
	if (zc_x509_parse_der(data, size, &x) || !zc_x509_is_canonical(x))
		abort();
	zc_x509_free(x);
	(void)zc_badge_cert_uuid(c, u);
	int verdict = -1;
	if (zc_badge_cert_check(w->ca, c, FC_NOW_MS, &verdict))
		abort();
	if (verdict != ZC_TAP_UNKNOWN_CA && verdict != ZC_TAP_REVOKED && verdict != ZC_TAP_OK)
		abort();
	if (verdict != ZC_TAP_UNKNOWN_CA && (size != w->cert_len || memcmp(data, w->cert, size)))
		abort(); /* another encoding of the issued certificate passed */
	uint8_t d[ZC_HASH_LEN] = {7}, sig[ZC_SIG_MAX];
	size_t sl;
	if (zc_privkey_sign(w->badge_key, d, sig, &sl))
		abort();
	int v = zc_badge_cert_verify(c, d, sig, sl);
	if (verdict == ZC_TAP_OK && v)
		abort();
	zc_badge_cert_free(c);
	return 0;
}
