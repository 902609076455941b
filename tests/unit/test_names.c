/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_names.c: cadres, villages, townships and districts named by id or by
 * name (zc/names.h): a unique name resolves, a shared one is refused with
 * every candidate, an unknown one suggests the names containing it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "zc/err.h"
#include "zc/names.h"

static zc_registry reg;
static zc_r_district di[] = {{"D01", "海勃湾区"}};
static zc_r_township tw[] = {{"T01", "千里山镇", 0}, {"T02", "乌达镇", 0}};
static zc_r_village vi[] = {{"V01", 0, 10000, "新地村"}, {"V02", 1, 12000, "团结村"}, {"V03", 1, 10000, "新地村"}};
static zc_r_terminal te[] = {{"K01", 0, ZC_NEVER_COLLECTED}};
static zc_r_cadre ca[] = {
    {"C001", "张三", ZC_ROLE_FIRST_SECRETARY, 1, 0, 0, "市乡村振兴局"},
    {"C002", "李四", ZC_ROLE_MEMBER, 0, 0, 0, "区教育局"},
    {"C003", "张三", ZC_ROLE_MEMBER, 0, 0, 0, "区卫健委"},
    {"C004", "Wang Wu", ZC_ROLE_MEMBER, 0, 0, 0, "区财政局"},
};
static zc_r_assignment as[] = {{0, 0, 0, 100000}, {2, 1, 0, 100000}};

static void init(void)
{
	memset(&reg, 0, sizeof reg);
	reg.districts = di;
	reg.ndistricts = 1;
	reg.townships = tw;
	reg.ntownships = 2;
	reg.villages = vi;
	reg.nvillages = 3;
	reg.terminals = te;
	reg.nterminals = 1;
	reg.cadres = ca;
	reg.ncadres = 4;
	reg.assignments = as;
	reg.nassignments = 2;
	zc_policy_default(&reg.policy);
}

static void test_ids_and_unique_names(void **state)
{
	(void)state;
	char err[1024];
	int i = -1;
	init();
	assert_int_equal(zc_name_resolve(&reg, "cadres", "C002", ZC_LANG_ZH, &i, err, sizeof err), 0);
	assert_int_equal(i, 1);
	assert_int_equal(zc_name_resolve(&reg, "cadres", "李四", ZC_LANG_ZH, &i, err, sizeof err), 0);
	assert_int_equal(i, 1);
	assert_int_equal(zc_name_resolve(&reg, "townships", "乌达镇", ZC_LANG_ZH, &i, err, sizeof err), 0);
	assert_int_equal(i, 1);
	assert_int_equal(zc_name_resolve(&reg, "villages", "团结村", ZC_LANG_EN, &i, err, sizeof err), 0);
	assert_int_equal(i, 1);
	assert_int_equal(zc_name_resolve(&reg, "districts", "海勃湾区", ZC_LANG_ZH, &i, err, sizeof err), 0);
	assert_int_equal(i, 0);
	assert_int_equal(zc_name_resolve(&reg, "terminals", "K01", ZC_LANG_ZH, &i, err, sizeof err), 0);
	assert_int_equal(zc_name_resolve(&reg, "things", "K01", ZC_LANG_ZH, &i, err, sizeof err), ZC_EARG);
}

static void test_ambiguous_lists_candidates(void **state)
{
	(void)state;
	char err[1024];
	int i = -1;
	init();
	assert_int_equal(zc_name_resolve(&reg, "cadres", "张三", ZC_LANG_ZH, &i, err, sizeof err), ZC_EEXIST);
	assert_int_equal(i, -1);
	assert_non_null(strstr(err, "有 2 个干部名为 张三，请用编号指明"));
	/* each with id, unit and village */
	assert_non_null(strstr(err, "C001 张三（市乡村振兴局，新地村）"));
	assert_non_null(strstr(err, "C003 张三（区卫健委，团结村）"));
	assert_int_equal(zc_name_resolve(&reg, "villages", "新地村", ZC_LANG_EN, &i, err, sizeof err), ZC_EEXIST);
	assert_non_null(strstr(err, "2 villages are named 新地村"));
	assert_non_null(strstr(err, "V03 新地村 (乌达镇)"));
}

static void test_unknown_suggests(void **state)
{
	(void)state;
	char err[1024];
	int i = -1;
	init();
	assert_int_equal(zc_name_resolve(&reg, "cadres", "张", ZC_LANG_ZH, &i, err, sizeof err), ZC_ENOENT);
	assert_non_null(strstr(err, "没有编号或名称为 张 的干部；是否要找："));
	assert_non_null(strstr(err, "C001"));
	assert_non_null(strstr(err, "C003"));
	assert_null(strstr(err, "C002"));
	assert_int_equal(zc_name_resolve(&reg, "cadres", "wang", ZC_LANG_EN, &i, err, sizeof err), ZC_ENOENT);
	assert_non_null(strstr(err, "did you mean:\n  C004 Wang Wu"));
	assert_int_equal(zc_name_resolve(&reg, "cadres", "赵六", ZC_LANG_ZH, &i, err, sizeof err), ZC_ENOENT);
	assert_string_equal(err, "没有编号或名称为 赵六 的干部");
	assert_true(zc_name_matches("Wang Wu", "WANG"));
	assert_true(zc_name_matches("新地村", ""));
	assert_false(zc_name_matches(NULL, "x"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ids_and_unique_names),
	    cmocka_unit_test(test_ambiguous_lists_candidates),
	    cmocka_unit_test(test_unknown_suggests),
	};
	return cmocka_run_group_tests_name("names", tests, NULL, NULL);
}
