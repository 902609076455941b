/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_piv.c: the card boundary of piv.c with scripted APDU responses (a
 * reader that answers from a list, as a hostile card would): the card's
 * signature is taken only as a strict DER ECDSA P-256 signature (the
 * answer `7C 0A 82 08 00..00` of issue 10 item 12 and its relatives are
 * refused; a high-S signature, which a genuine card may give, is taken),
 * and a card answering 61 xx slowly for ever is cut off at the dialogue's
 * deadline (item 15), every round trip waiting at most until it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "zc/crypto.h"
#include "zc/err.h"
#include "zc/piv.h"

typedef struct script {
	const uint8_t *resp[8];
	size_t len[8];
	size_t n, next; /* the last answer repeats */
	int sleep_ms;
	int max_timeout; /* largest timeout piv.c asked for */
	int min_timeout;
	unsigned calls;
} script;

static int s_transceive(void *c, const uint8_t *capdu, size_t clen, uint8_t *rapdu, size_t rcap, int timeout_ms)
{
	script *s = c;
	(void)capdu;
	(void)clen;
	s->calls++;
	if (timeout_ms > s->max_timeout)
		s->max_timeout = timeout_ms;
	if (!s->min_timeout || timeout_ms < s->min_timeout)
		s->min_timeout = timeout_ms;
	if (s->sleep_ms) {
		struct timespec d = {0, (long)s->sleep_ms * 1000000L};
		nanosleep(&d, NULL);
	}
	size_t i = s->next < s->n ? s->next++ : s->n - 1;
	assert_true(s->len[i] <= rcap);
	memcpy(rapdu, s->resp[i], s->len[i]);
	return (int)s->len[i];
}

static zc_reader reader_of(script *s)
{
	zc_reader r = {ZC_READER_VERSION, s, NULL, NULL, s_transceive, NULL, NULL, NULL, NULL};
	return r;
}

/* GENERAL AUTHENTICATE answered with `7C L 82 L' sig 90 00`. */
static int sign_with(const uint8_t *sig, size_t sl, uint8_t *out, size_t *out_len)
{
	uint8_t a[100];
	assert_true(sl + 6 <= sizeof a);
	a[0] = 0x7C;
	a[1] = (uint8_t)(sl + 2);
	a[2] = 0x82;
	a[3] = (uint8_t)sl;
	memcpy(a + 4, sig, sl);
	a[4 + sl] = 0x90;
	a[5 + sl] = 0x00;
	script s = {{a}, {sl + 6}, 1, 0, 0, 0, 0, 0};
	zc_reader r = reader_of(&s);
	uint8_t ch[32] = {1};
	return zc_piv_sign(&r, ch, out, out_len);
}

static const uint8_t N[32] = {0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF,
			      0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17,
			      0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51};

/* DER of (r, s) given as 32-byte big-endian values, minimal. */
static size_t der_sig(const uint8_t r[32], const uint8_t s[32], uint8_t *out)
{
	size_t o = 2;
	const uint8_t *v[2] = {r, s};
	for (int k = 0; k < 2; k++) {
		size_t i = 0;
		while (i < 31 && v[k][i] == 0)
			i++;
		int pad = v[k][i] & 0x80;
		out[o++] = 0x02;
		out[o++] = (uint8_t)(32 - i + (pad ? 1 : 0));
		if (pad)
			out[o++] = 0;
		memcpy(out + o, v[k] + i, 32 - i);
		o += 32 - i;
	}
	out[0] = 0x30;
	out[1] = (uint8_t)(o - 2);
	return o;
}

static void test_signature_form(void **state)
{
	(void)state;
	uint8_t sig[ZC_SIG_MAX], d[80];
	size_t sl;
	/* item 12's answer: eight zero bytes in tag 82 */
	static const uint8_t zeros[8] = {0};
	assert_int_equal(sign_with(zeros, sizeof zeros, sig, &sl), ZC_EMALFORMED);
	/* a SEQUENCE whose INTEGERs are padded, zero, negative, or followed by junk */
	static const uint8_t padded[] = {0x30, 0x08, 0x02, 0x02, 0x00, 0x01, 0x02, 0x02, 0x00, 0x01};
	static const uint8_t rzero[] = {0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x01};
	static const uint8_t neg[] = {0x30, 0x06, 0x02, 0x01, 0x81, 0x02, 0x01, 0x01};
	static const uint8_t junk[] = {0x30, 0x09, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01, 0x05, 0x00, 0x00};
	static const uint8_t three[] = {0x30, 0x09, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01};
	static const uint8_t longlen[] = {0x30, 0x81, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01};
	assert_int_equal(sign_with(padded, sizeof padded, sig, &sl), ZC_EMALFORMED);
	assert_int_equal(sign_with(rzero, sizeof rzero, sig, &sl), ZC_EMALFORMED);
	assert_int_equal(sign_with(neg, sizeof neg, sig, &sl), ZC_EMALFORMED);
	assert_int_equal(sign_with(junk, sizeof junk, sig, &sl), ZC_EMALFORMED);
	assert_int_equal(sign_with(three, sizeof three, sig, &sl), ZC_EMALFORMED);
	assert_int_equal(sign_with(longlen, sizeof longlen, sig, &sl), ZC_EMALFORMED);
	/* r = n is out of range; r = n - 1 and s = n - 1 (high S) are a
	 * signature's form: a genuine card may answer high S */
	uint8_t r[32], s[32];
	memcpy(r, N, 32);
	memcpy(s, N, 32);
	size_t n = der_sig(r, s, d);
	assert_int_equal(n, 72);
	assert_int_equal(sign_with(d, n, sig, &sl), ZC_EMALFORMED);
	r[31]--;
	s[31]--;
	n = der_sig(r, s, d);
	assert_int_equal(sign_with(d, n, sig, &sl), 0);
	assert_int_equal(sl, n);
	assert_memory_equal(sig, d, n);
	assert_int_equal(zc_ecdsa_sig_check(d, n, 0), 0);
	assert_int_equal(zc_ecdsa_sig_check(d, n, 1), ZC_EMALFORMED); /* high S */
	/* small values are fine */
	static const uint8_t small[] = {0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x7F};
	assert_int_equal(sign_with(small, sizeof small, sig, &sl), 0);
	assert_int_equal(zc_ecdsa_sig_check(small, sizeof small, 1), 0);
	/* floor(n / 2) is low, one more is high */
	memset(s, 0, 32);
	for (int i = 31; i >= 0; i--)
		s[i] = (uint8_t)((N[i] >> 1) | (i ? (uint8_t)(N[i - 1] << 7) : 0));
	n = der_sig(r, s, d);
	assert_int_equal(zc_ecdsa_sig_check(d, n, 1), 0);
	s[31]++;
	n = der_sig(r, s, d);
	assert_int_equal(zc_ecdsa_sig_check(d, n, 1), ZC_EMALFORMED);
}

static double mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void test_slow_card_deadline(void **state)
{
	(void)state;
	static const uint8_t more[] = {0x61, 0x00};
	script s = {{more}, {2}, 1, 0, 30, 0, 0, 0};
	zc_reader r = reader_of(&s);
	uint8_t sig[ZC_SIG_MAX], ch[32] = {0};
	size_t sl;
	zc_piv_set_budget(200);
	double a = mono_ms();
	assert_int_equal(zc_piv_sign(&r, ch, sig, &sl), ZC_EAGAIN);
	double took = mono_ms() - a;
	assert_true(took >= 190 && took < 600);
	assert_true(s.calls >= 3 && s.calls < 20);
	assert_true(s.max_timeout <= 200);
	/* later calls of the same dialogue fail at once */
	unsigned calls = s.calls;
	assert_int_equal(zc_piv_select(&r), ZC_EAGAIN);
	assert_int_equal(s.calls, calls);
	/* without a budget the 64-round-trip guard still ends it */
	zc_piv_set_budget(0);
	s.sleep_ms = 0;
	s.calls = 0;
	assert_int_equal(zc_piv_sign(&r, ch, sig, &sl), ZC_EMALFORMED);
	assert_int_equal(s.calls, 64);
}

static void test_timeout_shrinks(void **state)
{
	(void)state;
	static const uint8_t ok[] = {0x90, 0x00};
	script s = {{ok}, {2}, 1, 0, 0, 0, 0, 0};
	zc_reader r = reader_of(&s);
	zc_piv_set_budget(5000);
	assert_int_equal(zc_piv_select(&r), 0);
	assert_int_equal(s.max_timeout, 1000); /* one APDU: at most a second */
	zc_piv_set_budget(150);
	s.max_timeout = 0;
	assert_int_equal(zc_piv_select(&r), 0);
	assert_true(s.max_timeout <= 150 && s.max_timeout > 0);
	zc_piv_set_budget(0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_signature_form),
	    cmocka_unit_test(test_slow_card_deadline),
	    cmocka_unit_test(test_timeout_shrinks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
