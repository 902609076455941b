/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_utf8.c: UTF-8-safe truncation and bounded lists (zc/utf8.h). Every
 * cut of Chinese, mixed and four-byte text at every byte limit stays valid
 * UTF-8, keeps as much as fits and is marked; a list too long for its buffer
 * names how many items it left out; invalid input never makes it read or
 * write out of bounds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "zc/utf8.h"

static const char *texts[] = {
    "",
    "ascii only text",
    "驻村第一书记张三在岗",
    "mixed 中文 and ASCII 混合 text",
    "emoji \xF0\x9F\x98\x80 and \xF0\xA0\x80\x80 four-byte",
    "é ü ß — ‘quotes’",
};

static void test_valid(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		assert_true(zc_utf8_valid(texts[i], strlen(texts[i])));
	static const char *bad[] = {"\x80", "\xC0\x80",	 "\xE4\xB8", "\xED\xA0\x80", "\xF4\x90\x80\x80",
				    "\xFF", "a\xE4\xB8z"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_false(zc_utf8_valid(bad[i], strlen(bad[i])));
}

/* Every limit: the cut is a prefix, valid, and as long as possible (the
 * next character would not fit). */
static void test_cut_every_limit(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		const char *s = texts[i];
		size_t len = strlen(s);
		for (size_t max = 0; max <= len + 2; max++) {
			size_t n = zc_utf8_cut(s, len, max);
			assert_true(n <= max && n <= len);
			assert_true(zc_utf8_valid(s, n));
			assert_true(n == len || max - n < 4);
			assert_true(n == len || (s[n] & 0xC0) != 0x80); /* a character starts at n */
		}
	}
	/* invalid bytes are characters of their own: cut anywhere, no overrun */
	const char junk[] = "\xE4\xB8\xE4\x80\x80\x80\xFF";
	for (size_t max = 0; max < sizeof junk; max++)
		assert_true(zc_utf8_cut(junk, sizeof junk - 1, max) <= max);
}

static void test_snprintf(void **state)
{
	(void)state;
	char b[64];
	assert_int_equal(zc_utf8_snprintf(b, sizeof b, "%s", "短"), 0);
	assert_string_equal(b, "短");
	for (size_t cap = 1; cap < 40; cap++) {
		char d[40];
		int cut = zc_utf8_snprintf(d, cap, "村名：%s、%s", "青山村", "绿水村");
		size_t full = strlen("村名：青山村、绿水村");
		assert_int_equal(cut, full >= cap);
		assert_true(strlen(d) < cap);
		assert_true(zc_utf8_valid(d, strlen(d)));
		if (cut && cap > 3) {
			size_t n = strlen(d);
			assert_memory_equal(d + n - 3, ZC_UTF8_ELLIPSIS, 3);
			assert_memory_equal(d, "村名：青山村、绿水村", n - 3); /* a prefix */
		}
	}
}

/* A list keeps its first items, never half of one, and says how many it left
 * out, in both languages' conventions. */
static void test_list(void **state)
{
	(void)state;
	char b[100];
	zc_utf8_list l;
	zc_utf8_list_init(&l, b, sizeof b, "、");
	zc_utf8_list_add(&l, "青山村");
	zc_utf8_list_add(&l, "绿水村");
	assert_int_equal(zc_utf8_list_end(&l, "…等%zu个", 1), 0);
	assert_string_equal(b, "青山村、绿水村");

	char name[64];
	zc_utf8_list_init(&l, b, sizeof b, "、");
	for (int i = 0; i < 40; i++) {
		snprintf(name, sizeof name, "第%d村", i + 1);
		zc_utf8_list_add(&l, name);
	}
	size_t left = zc_utf8_list_end(&l, "…等%zu个", 1);
	assert_true(left > 0);
	assert_true(strlen(b) < sizeof b);
	assert_true(zc_utf8_valid(b, strlen(b)));
	assert_non_null(strstr(b, "…等40个"));
	assert_int_equal(strncmp(b, "第1村、第2村", strlen("第1村、第2村")), 0);
	/* the kept items plus the left-out ones are all 40 */
	size_t kept = 1;
	for (const char *p = b; (p = strstr(p, "、")); p += 3)
		kept++;
	assert_int_equal(kept + left, 40);

	zc_utf8_list_init(&l, b, sizeof b, "; ");
	for (int i = 0; i < 40; i++) {
		snprintf(name, sizeof name, "village %d", i + 1);
		zc_utf8_list_add(&l, name);
	}
	left = zc_utf8_list_end(&l, "… and %zu more", 0);
	char want[32];
	snprintf(want, sizeof want, "… and %zu more", left);
	assert_non_null(strstr(b, want));
	assert_true(strlen(b) < sizeof b);

	/* one item longer than the whole buffer: counted, not cut */
	char longname[300];
	memset(longname, 0, sizeof longname);
	for (int i = 0; i < 90; i++)
		memcpy(longname + 3 * i, "村", 3);
	zc_utf8_list_init(&l, b, sizeof b, "、");
	zc_utf8_list_add(&l, longname);
	assert_int_equal(zc_utf8_list_end(&l, "…等%zu个", 1), 1);
	assert_string_equal(b, "…等1个");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_valid),
	    cmocka_unit_test(test_cut_every_limit),
	    cmocka_unit_test(test_snprintf),
	    cmocka_unit_test(test_list),
	};
	return cmocka_run_group_tests_name("utf8", tests, NULL, NULL);
}
