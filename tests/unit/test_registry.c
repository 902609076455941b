/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_registry.c: the registry in the host store (zc/registry.h) on real
 * SQLite files in a temporary directory: every import kind, BOM or not,
 * Chinese headers and names, a bad row reported as FILE:LINE:COLUMN with
 * nothing imported, idempotent re-import without audit rows, audited
 * updates, leave and duty one at a time, zc_registry_load's indexes, the
 * host CA and revocation lists (rollback refused), and 10,000 rows. Leave
 * type and reason, duty place and purpose; leave blocks (zc_rules_leave_block)
 * and a leave entered below its block's level: refused, or forced.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "ca.h"
#include "testutil.h"
#include "zc/badge.h"
#include "zc/bytes.h"
#include "zc/dates.h"
#include "zc/err.h"
#include "zc/i18n.h"
#include "zc/registry.h"
#include "zc/rules.h"
#include "zc/store.h"

typedef struct fx {
	char *dir;
	char db[4200];
	zc_store *s;
} fx;

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	char err[256];
	setenv("ZHUCUN_USER", "tester", 1);
	f->dir = tu_tmpdir("registry");
	snprintf(f->db, sizeof f->db, "%s/h.db", f->dir);
	assert_int_equal(zc_store_open(f->db, &f->s, err, sizeof err), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	zc_store_close(f->s);
	tu_rmtree(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

static const char *write_csv(fx *f, const char *name, const char *text)
{
	static char path[4][4300];
	static int k;
	char *p = path[k++ % 4];
	snprintf(p, sizeof path[0], "%s/%s", f->dir, name);
	assert_int_equal(tu_write_file(p, text, strlen(text)), 0);
	return p;
}

/* Import and expect success; returns the result counts. */
static zc_import_result import_ok(fx *f, const char *kind, const char *name, const char *text)
{
	zc_import_result res;
	char err[512];
	const char *p = write_csv(f, name, text);
	int rc = zc_registry_import(f->s, kind, p, NULL, ZC_LANG_EN, &res, err, sizeof err);
	if (rc) {
		for (size_t i = 0; i < res.nerrors; i++)
			fprintf(stderr, "%s\n", res.errors[i]);
		fprintf(stderr, "%s\n", err);
	}
	assert_int_equal(rc, 0);
	zc_import_result out = res;
	out.errors = NULL;
	out.warnings = NULL;
	zc_import_result_free(&res);
	return out;
}

/* Import with the messages in lang and expect ZC_EMALFORMED with an error
 * starting with want. */
static void import_bad_in(fx *f, zc_lang lang, const char *kind, const char *name, const char *text, const char *want)
{
	zc_import_result res;
	char err[512], full[4500];
	const char *p = write_csv(f, name, text);
	int rc = zc_registry_import(f->s, kind, p, NULL, lang, &res, err, sizeof err);
	assert_int_equal(rc, ZC_EMALFORMED);
	assert_true(res.nerrors >= 1);
	snprintf(full, sizeof full, "%s/%s", f->dir, want);
	int found = 0;
	for (size_t i = 0; i < res.nerrors; i++)
		if (!strncmp(res.errors[i], full, strlen(full)))
			found = 1;
	if (!found)
		for (size_t i = 0; i < res.nerrors; i++)
			fprintf(stderr, "got: %s (wanted %s)\n", res.errors[i], full);
	assert_true(found);
	assert_int_equal(res.inserted + res.updated + res.unchanged, 0);
	zc_import_result_free(&res);
}

/* import_bad_in English. */
static void import_bad(fx *f, const char *kind, const char *name, const char *text, const char *want)
{
	import_bad_in(f, ZC_LANG_EN, kind, name, text, want);
}

static int64_t q_int(fx *f, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t v = -1;
	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* A CA in DIR/ca and a PIV badge certificate DIR/b1.der for badge B1. */
static void make_ca(fx *f, const char *sub, const char *badge, const char *cadre)
{
	char cadir[4300], card[4400], cert[4400], err[256];
	snprintf(cadir, sizeof cadir, "%s/%s", f->dir, sub);
	zc_ca_init_opts io;
	memset(&io, 0, sizeof io);
	io.dir = cadir;
	io.name = "测试区工牌 CA";
	io.district = "测试区";
	io.now_ms = 1700000000000LL;
	assert_int_equal(zc_ca_init(&io, err, sizeof err), 0);
	snprintf(card, sizeof card, "%s/%s.card", cadir, badge);
	snprintf(cert, sizeof cert, "%s/%s.der", f->dir, badge);
	zc_ca_issue_opts o;
	memset(&o, 0, sizeof o);
	o.dir = cadir;
	o.badge = badge;
	o.cadre = cadre;
	o.name = "张三";
	o.out = card;
	o.cert_out = cert;
	assert_int_equal(zc_ca_issue(&o, NULL, err, sizeof err), 0);
}

/* The whole registry, every kind once. */
static void import_all(fx *f)
{
	zc_import_result r;
	r = import_ok(f, "districts", "districts.csv", "id,name\nD1,城关区\nD2,\"North, District\"\n");
	assert_int_equal(r.inserted, 2);
	r = import_ok(f, "townships", "townships.csv", "id,name,district\nT2,二镇,D2\nT1,一镇,D1\n");
	assert_int_equal(r.inserted, 2);
	r = import_ok(f, "villages", "villages.csv",
		      "id,name,township,rate_fen\nV1,一村,T1,\nV2,二村,T2,15000\nV3,三村,T1,\n");
	assert_int_equal(r.inserted, 3);
	r = import_ok(f, "terminals", "terminals.csv", "id,township\nK2,T2\nK1,T1\n");
	assert_int_equal(r.inserted, 2);
	r = import_ok(f, "cadres", "cadres.csv",
		      "id,name,role,party_since,work_since,unit\n"
		      "C1,张三,first_secretary,2010-07-01,2008-09-01,市财政局\n"
		      "C2,李四,member,none,2015-03-01,市教育局\n"
		      "C3,王五,队员,,2016-03-01,市卫健委\n");
	assert_int_equal(r.inserted, 3);
	r = import_ok(f, "assignments", "assignments.csv",
		      "cadre,village,start,end\nC2,V2,2024-01-01,2025-12-31\nC1,V1,2024-01-01,2025-12-31\n"
		      "C3,V1,2024-03-01,2024-12-31\nC3,V3,2025-01-01,2025-12-31\n");
	assert_int_equal(r.inserted, 4);
	make_ca(f, "ca", "B1", "C1");
	r = import_ok(f, "badges", "badges.csv",
		      "badge,cadre,bound_from,bound_to,kind,uid,certificate\n"
		      "B1,C1,2024-01-01,,piv,04:A1:B2:C3:D4:E5:F6,B1.der\n"
		      "U7,C2,2024-01-01,2024-06-30,uid,DEADBEEF,\n"
		      "U7,C3,2024-07-01,,UID,deadbeef,\n");
	assert_int_equal(r.inserted, 3);
	r = import_ok(f, "leave", "leave.csv",
		      "cadre,start,end,level,ref\nC1,2024-05-06,2024-05-08,township,镇请〔2024〕3号\n"
		      "C2,2024-06-03,2024-06-12,市,\n");
	assert_int_equal(r.inserted, 2);
	r = import_ok(f, "duty", "duty.csv",
		      "cadre,start,end,kind,level\nC1,2024-04-01,2024-04-03,training,district\n"
		      "C1,2024-04-01,2024-04-03,meeting,none\nC2,2024-09-09,2024-09-09,出差,无\n");
	assert_int_equal(r.inserted, 3);
	r = import_ok(f, "calendar", "calendar.csv",
		      "date,kind,note\n2024-10-01,holiday,国庆节\n2024-10-02,休息日,\n2024-09-29,workday,调休\n");
	assert_int_equal(r.inserted, 3);
	r = import_ok(f, "policy", "policy.csv",
		      "name,value\ndaily_rate_fen,12000\naccept_uid_badges,on\nmin_days_per_year,180\n");
	assert_int_equal(r.inserted, 3);
}

static void test_every_kind_and_load(void **state)
{
	fx *f = *state;
	char err[256];
	import_all(f);
	zc_registry *r = NULL;
	assert_int_equal(zc_registry_load_l(f->s, ZC_LANG_EN, &r, err, sizeof err), 0);
	assert_int_equal(r->policy.daily_rate_fen, 12000);
	assert_int_equal(r->policy.accept_uid_badges, 1);
	assert_int_equal(r->policy.min_days_per_year, 180);
	assert_int_equal(r->ndistricts, 2);
	assert_string_equal(r->districts[1].name, "North, District");
	assert_int_equal(r->ntownships, 2);
	assert_string_equal(r->townships[0].id, "T1");
	assert_int_equal(r->townships[0].district, 0);
	assert_int_equal(r->townships[1].district, 1);
	assert_int_equal(r->nvillages, 3);
	assert_int_equal(r->villages[0].township, 0);
	assert_int_equal(r->villages[0].rate_fen, 12000); /* the policy's */
	assert_int_equal(r->villages[1].township, 1);
	assert_int_equal(r->villages[1].rate_fen, 15000);
	assert_int_equal(r->nterminals, 2);
	assert_string_equal(r->terminals[0].id, "K1");
	assert_int_equal(r->terminals[0].township, 0);
	assert_int_equal(r->terminals[1].township, 1);
	assert_int_equal(r->ncadres, 3);
	assert_string_equal(r->cadres[0].name, "张三");
	assert_int_equal(r->cadres[0].role, ZC_ROLE_FIRST_SECRETARY);
	assert_int_equal(r->cadres[0].has_party, 1);
	assert_int_equal(r->cadres[0].party_since, zc_day_from_ymd(2010, 7, 1));
	assert_int_equal(r->cadres[1].has_party, 0);
	assert_int_equal(r->cadres[2].has_party, 0);
	assert_int_equal(r->cadres[2].role, ZC_ROLE_MEMBER);
	assert_string_equal(r->cadres[2].unit, "市卫健委");
	assert_int_equal(r->nassignments, 4);
	/* by cadre, start: C1/V1, C2/V2, C3/V1, C3/V3 */
	assert_int_equal(r->assignments[0].cadre, 0);
	assert_int_equal(r->assignments[0].village, 0);
	assert_int_equal(r->assignments[1].cadre, 1);
	assert_int_equal(r->assignments[1].village, 1);
	assert_int_equal(r->assignments[3].cadre, 2);
	assert_int_equal(r->assignments[3].village, 2);
	assert_int_equal(r->assignments[3].start, zc_day_from_ymd(2025, 1, 1));
	assert_int_equal(r->nleaves, 2);
	assert_int_equal(r->leaves[0].level, ZC_LEVEL_TOWNSHIP);
	assert_string_equal(r->leaves[0].ref, "镇请〔2024〕3号");
	assert_int_equal(r->leaves[1].cadre, 1);
	assert_int_equal(r->leaves[1].level, ZC_LEVEL_CITY);
	assert_null(r->leaves[1].ref);
	assert_true(r->leave_ids[0] > 0);
	assert_int_equal(r->nduties, 3);
	assert_int_equal(r->duties[2].kind, ZC_DUTY_TRIP);
	assert_int_equal(r->duties[2].level, ZC_LEVEL_NONE);
	int training = 0;
	for (size_t i = 0; i < r->nduties; i++)
		if (r->duties[i].kind == ZC_DUTY_TRAINING && r->duties[i].level == ZC_LEVEL_DISTRICT)
			training++;
	assert_int_equal(training, 1);
	assert_int_equal(r->nholidays, 2);
	assert_int_equal(r->holidays[0], zc_day_from_ymd(2024, 10, 1));
	assert_int_equal(r->nworkdays, 1);
	assert_int_equal(r->workdays[0], zc_day_from_ymd(2024, 9, 29));
	/* badges: B1 (piv), then U7's two bindings */
	assert_int_equal(r->nbadges, 3);
	assert_string_equal(r->badges[0].id, "B1");
	assert_int_equal(r->badges[0].cadre, 0);
	assert_int_equal(r->badges[0].bound_to, ZC_DAY_NEVER);
	assert_int_equal(r->badges[0].uid_only, 0);
	assert_true(r->badges[0].revoked_at_ms == INT64_MAX);
	assert_int_equal(r->badge_extra[0].has_cert, 1);
	assert_int_equal(r->badge_extra[0].uid_len, 7);
	assert_int_equal(r->badge_extra[0].uid[0], 0x04);
	assert_int_equal(r->ncerts, 1);
	assert_memory_equal(r->certs[0].fp, r->badge_extra[0].cert_fp, ZC_HASH_LEN);
	assert_string_equal(r->certs[0].badge, "B1");
	zc_badge_cert *c = NULL;
	assert_int_equal(zc_badge_cert_parse(r->certs[0].der, r->certs[0].len, &c), 0);
	assert_string_equal(zc_badge_cert_cadre(c), "C1");
	zc_badge_cert_free(c);
	assert_string_equal(r->badges[1].id, "U7");
	assert_int_equal(r->badges[1].cadre, 1);
	assert_int_equal(r->badges[1].bound_to, zc_day_from_ymd(2024, 6, 30));
	assert_int_equal(r->badges[1].uid_only, 1);
	assert_int_equal(r->badge_extra[1].kind_uid, 1);
	assert_int_equal(r->badge_extra[1].uid_len, 4);
	assert_int_equal(r->badge_extra[1].uid[0], 0xDE);
	assert_int_equal(r->badges[2].cadre, 2);
	assert_int_equal(zc_registry_find(r, "cadres", "C3"), 2);
	assert_int_equal(zc_registry_find(r, "villages", "V9"), -1);
	/* the engine takes it as it is */
	zc_rules_input in;
	memset(&in, 0, sizeof in);
	zc_registry_fill_input(r, &in);
	in.as_of = zc_day_from_ymd(2024, 12, 31);
	zc_rules_result *rep = NULL;
	assert_int_equal(zc_rules_evaluate(&in, &rep), 0);
	zc_rules_result_free(rep);
	zc_registry_free(r);
	/* one audit row per inserted row, with actor and source */
	assert_int_equal(q_int(f, "SELECT count(*) FROM audit"), 30);
	assert_int_equal(q_int(f, "SELECT count(*) FROM audit WHERE actor = 'tester' AND action = 'insert'"), 30);
	assert_int_equal(q_int(f, "SELECT count(*) FROM audit WHERE source LIKE '%/cadres.csv:3'"), 1);
}

static void test_idempotent(void **state)
{
	fx *f = *state;
	import_all(f);
	int64_t audits = q_int(f, "SELECT count(*) FROM audit");
	zc_import_result r = import_ok(f, "cadres", "cadres.csv",
				       "id,name,role,party_since,work_since,unit\n"
				       "C1,张三,first_secretary,2010-07-01,2008-09-01,市财政局\n"
				       "C2,李四,member,none,2015-03-01,市教育局\n"
				       "C3,王五,队员,,2016-03-01,市卫健委\n");
	assert_int_equal(r.inserted, 0);
	assert_int_equal(r.updated, 0);
	assert_int_equal(r.unchanged, 3);
	r = import_ok(f, "badges", "badges.csv",
		      "badge,cadre,bound_from,bound_to,kind,uid,certificate\n"
		      "B1,C1,2024-01-01,,piv,04:A1:B2:C3:D4:E5:F6,B1.der\n"
		      "U7,C2,2024-01-01,2024-06-30,uid,DEADBEEF,\n"
		      "U7,C3,2024-07-01,,UID,deadbeef,\n");
	assert_int_equal(r.unchanged, 3);
	r = import_ok(f, "leave", "leave.csv",
		      "cadre,start,end,level,ref\nC1,2024-05-06,2024-05-08,township,镇请〔2024〕3号\n"
		      "C2,2024-06-03,2024-06-12,市,\n");
	assert_int_equal(r.unchanged, 2);
	r = import_ok(f, "villages", "villages.csv",
		      "id,name,township,rate_fen\nV1,一村,T1,\nV2,二村,T2,15000\nV3,三村,T1,\n");
	assert_int_equal(r.unchanged, 3);
	assert_int_equal(q_int(f, "SELECT count(*) FROM audit"), audits);
}

static void test_update_audited(void **state)
{
	fx *f = *state;
	import_all(f);
	zc_import_result r = import_ok(f, "cadres", "cadres2.csv",
				       "id,name,role,party_since,work_since,unit\n"
				       "C1,张三,first_secretary,2010-07-01,2008-09-01,市发改委\n"
				       "C4,赵六,member,,2019-01-01,市农业局\n");
	assert_int_equal(r.inserted, 1);
	assert_int_equal(r.updated, 1);
	assert_int_equal(r.unchanged, 0);
	sqlite3 *db;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
					    "SELECT actor, key, before_json, after_json, source FROM audit "
					    "WHERE action = 'update'",
					    -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "tester");
	assert_string_equal((const char *)sqlite3_column_text(st, 1), "C1");
	assert_non_null(strstr((const char *)sqlite3_column_text(st, 2), "\"unit\":\"市财政局\""));
	assert_non_null(strstr((const char *)sqlite3_column_text(st, 3), "\"unit\":\"市发改委\""));
	assert_non_null(strstr((const char *)sqlite3_column_text(st, 3), "\"party_since\":\"2010-07-01\""));
	assert_non_null(strstr((const char *)sqlite3_column_text(st, 4), "cadres2.csv:2"));
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void test_bom_and_chinese_headers(void **state)
{
	fx *f = *state;
	char err[256];
	import_ok(f, "districts", "d.csv", "\xef\xbb\xbf编号,名称\r\nD1,城关区\r\n");
	import_ok(f, "townships", "t.csv",
		  "\xef\xbb\xbf"
		  "编号,名称,所属区\r\nT1,\"城关镇\",D1\r\n\r\n");
	/* column order is free; blanks around fields and blank rows ignored */
	import_ok(f, "villages", "v.csv", "名称 , 编号,所属乡镇\n  桃花村 ,V1,T1\n,,\n");
	import_ok(f, "cadres", "c.csv",
		  "编号,姓名,职务,入党日期,参加工作日期,派出单位\n"
		  "C1,欧阳娜娜,第一书记,2001-07-01,1999-08-01,\"市委组织部\n（干部二科）\"\n");
	zc_registry *r;
	assert_int_equal(zc_registry_load_l(f->s, ZC_LANG_EN, &r, err, sizeof err), 0);
	assert_string_equal(r->districts[0].name, "城关区");
	assert_string_equal(r->townships[0].name, "城关镇");
	assert_string_equal(r->villages[0].name, "桃花村");
	assert_string_equal(r->cadres[0].name, "欧阳娜娜");
	assert_int_equal(r->cadres[0].role, ZC_ROLE_FIRST_SECRETARY);
	assert_string_equal(r->cadres[0].unit, "市委组织部\n（干部二科）");
	zc_registry_free(r);
}

static void test_bad_rows(void **state)
{
	fx *f = *state;
	import_all(f);
	int64_t audits = q_int(f, "SELECT count(*) FROM audit");
	int64_t cadres = q_int(f, "SELECT count(*) FROM cadres");
	/* a quoted line break in line 3 and a blank line make the bad row line 6 */
	import_bad(f, "cadres", "bad.csv",
		   "id,name,role,party_since,work_since,unit\n"
		   "C8,甲,member,,2019-01-01,市直\n"
		   "C9,乙,member,,2019-01-01,\"市直\n二处\"\n"
		   "\n"
		   "C10,丙,member,,2019-02-30,市直\n",
		   "bad.csv:6:work_since: ");
	assert_int_equal(q_int(f, "SELECT count(*) FROM cadres"), cadres);
	assert_int_equal(q_int(f, "SELECT count(*) FROM audit"), audits);
	/* the header's spelling names the column */
	import_bad(f, "cadres", "bad2.csv", "编号,姓名,职务,参加工作日期,派出单位\nC8,甲,秘书,2019-01-01,市直\n",
		   "bad2.csv:2:职务: invalid value");
	import_bad(f, "assignments", "a.csv", "cadre,village,start,end\nC1,V9,2024-01-01,2024-02-01\n",
		   "a.csv:2:village: unknown 'V9'");
	import_bad(f, "assignments", "a2.csv", "cadre,village,start,end\nC2,V2,2024-03-01,2024-02-01\n",
		   "a2.csv:2:end: ends before");
	import_bad(f, "assignments", "a3.csv", "cadre,village,start,end\nC1,V3,2025-06-01,2026-06-01\n",
		   "a3.csv:2:start: overlaps");
	import_bad(f, "districts", "d.csv", "id,name,color\nD3,x,red\n", "d.csv:1:color: unknown column");
	import_bad(f, "districts", "d2.csv", "id\nD3\n", "d2.csv:1:name: missing column");
	import_bad(f, "districts", "d3.csv", "id,name\nD3,x\nD 4,y\n", "d3.csv:3:id: invalid id");
	import_bad(f, "districts", "d4.csv", "id,name\nD3,x\nD3,y\n", "d4.csv:3:id: the same key as line 2");
	/* not UTF-8 and not GB18030 either (0xFF): one message, at its line */
	import_bad(f, "districts", "d5.csv", "id,name\nD3,\"x\xff\"\n", "d5.csv:2: unknown text encoding");
	/* with a UTF-8 BOM the file is UTF-8: the field is wrong */
	import_bad(f, "districts", "d5b.csv", "\xef\xbb\xbfid,name\nD3,\"x\xff\"\n", "d5b.csv:2:name: invalid UTF-8");
	import_bad(f, "districts", "d6.csv", "id,name\nD3,\"x\n", "d6.csv:2: malformed CSV");
	import_bad(f, "districts", "d7.csv", "id,name\nD3,x\"y\n", "d7.csv:2: malformed CSV");
	import_bad(f, "districts", "d8.csv", "id,name\nD3,x,extra\n", "d8.csv:2: the row has 3 fields");
	import_bad(f, "districts", "d9.csv", "", "d9.csv: the file is empty");
	import_bad(f, "badges", "b.csv", "badge,cadre,bound_from,kind,uid\nU9,C1,2024-01-01,uid,0102\n",
		   "b.csv:2:uid: invalid UID");
	import_bad(f, "badges", "b2.csv", "badge,cadre,bound_from,kind,certificate\nB9,C1,2024-01-01,piv,nope.der\n",
		   "b2.csv:2:certificate: ");
	import_bad(f, "badges", "b3.csv", "badge,cadre,bound_from,kind,certificate\nB9,C1,2024-01-01,piv,B1.der\n",
		   "b3.csv:2:certificate: certificate");
	import_bad(f, "badges", "b4.csv", "badge,cadre,bound_from,kind\nB9,C1,2024-01-01,piv\n",
		   "b4.csv:2:certificate: a piv badge needs");
	import_bad(f, "badges", "b5.csv", "badge,cadre,bound_from,kind,uid\nU7,C1,2024-08-01,uid,DEADBEEF\n",
		   "b5.csv:2:bound_from: badge U7 is bound to C3");
	import_bad(f, "policy", "p.csv", "name,value\nmin_days_per_yr,1\n", "p.csv:2:name: unknown policy");
	import_bad(f, "policy", "p2.csv", "name,value\naccept_uid_badges,maybe\n", "p2.csv:2:value: ");
	import_bad(f, "calendar", "cal.csv", "date,kind\n2024-13-01,holiday\n", "cal.csv:2:date: ");
	import_bad(f, "duty", "du.csv", "cadre,start,end,kind,level\nC1,2024-01-01,2024-01-01,party,none\n",
		   "du.csv:2:kind: invalid value");
	import_bad(f, "leave", "le.csv", "cadre,start,end,level\nC1,2024-01-01,2024-01-01,\n",
		   "le.csv:2:level: must not be empty");
	/* many bad rows: at most 20 reported */
	char big[8192] = "id,name\n";
	for (int i = 0; i < 40; i++)
		strcat(big, "bad id,x\n");
	zc_import_result res;
	char err[256];
	const char *p = write_csv(f, "many.csv", big);
	assert_int_equal(zc_registry_import(f->s, "districts", p, NULL, ZC_LANG_EN, &res, err, sizeof err),
			 ZC_EMALFORMED);
	assert_int_equal(res.nerrors, 20);
	assert_int_equal(res.more_errors, 1);
	zc_import_result_free(&res);
	/* unknown kind, missing file */
	assert_int_equal(zc_registry_import(f->s, "people", p, NULL, ZC_LANG_EN, &res, err, sizeof err), ZC_EARG);
	zc_import_result_free(&res);
	snprintf(big, sizeof big, "%s/none.csv", f->dir);
	assert_int_equal(zc_registry_import(f->s, "districts", big, NULL, ZC_LANG_EN, &res, err, sizeof err),
			 ZC_ENOENT);
	zc_import_result_free(&res);
	assert_int_equal(q_int(f, "SELECT count(*) FROM audit"), audits);
	assert_int_equal(q_int(f, "SELECT count(*) FROM districts"), 2);
}

static int count_entry(void *arg, const zc_registry_entry *e)
{
	(void)e;
	(*(int *)arg)++;
	return 0;
}

static void test_leave_duty_one_at_a_time(void **state)
{
	fx *f = *state;
	char err[256];
	import_all(f);
	int64_t audits = q_int(f, "SELECT count(*) FROM audit");
	zc_registry_entry e = {.cadre = "C3", .start = "2024/11/4", .end = "2024-11-05", .level = "乡镇", .ref = "R-1"};
	int64_t id = 0, id2 = 0;
	assert_int_equal(zc_registry_entry_add(f->s, "leave", &e, "clerk", ZC_LANG_EN, &id, err, sizeof err), 0);
	assert_true(id > 0);
	assert_int_equal(zc_registry_entry_add(f->s, "leave", &e, "clerk", ZC_LANG_EN, &id2, err, sizeof err),
			 ZC_EEXIST);
	assert_int_equal(id2, id);
	assert_int_equal(q_int(f, "SELECT count(*) FROM leave WHERE cadre_id = 'C3' AND start = '2024-11-04'"), 1);
	zc_registry_entry bad = e;
	bad.cadre = "C99";
	assert_int_equal(zc_registry_entry_add(f->s, "leave", &bad, "clerk", ZC_LANG_EN, NULL, err, sizeof err),
			 ZC_ENOENT);
	bad = e;
	bad.end = "2024-11-01";
	assert_int_equal(zc_registry_entry_add(f->s, "leave", &bad, "clerk", ZC_LANG_EN, NULL, err, sizeof err),
			 ZC_EARG);
	bad = e;
	bad.level = "county";
	assert_int_equal(zc_registry_entry_add(f->s, "leave", &bad, "clerk", ZC_LANG_EN, NULL, err, sizeof err),
			 ZC_EARG);
	zc_registry_entry d = {
	    .cadre = "C3", .start = "2024-11-06", .end = "2024-11-07", .level = "city", .kind = "培训"};
	int64_t did = 0;
	assert_int_equal(zc_registry_entry_add(f->s, "duty", &d, "clerk", ZC_LANG_EN, &did, err, sizeof err), 0);
	int n = 0;
	assert_int_equal(zc_registry_entries(f->s, "leave", "C3", count_entry, &n), 0);
	assert_int_equal(n, 1);
	n = 0;
	assert_int_equal(zc_registry_entries(f->s, "duty", NULL, count_entry, &n), 0);
	assert_int_equal(n, 4);
	assert_int_equal(q_int(f, "SELECT count(*) FROM audit WHERE action = 'insert' AND source = 'cli' "
				  "AND actor = 'clerk'"),
			 2);
	assert_int_equal(zc_registry_entry_remove(f->s, "leave", id, "clerk", ZC_LANG_EN, err, sizeof err), 0);
	assert_int_equal(zc_registry_entry_remove(f->s, "leave", id, "clerk", ZC_LANG_EN, err, sizeof err), ZC_ENOENT);
	assert_int_equal(zc_registry_entry_remove(f->s, "duty", did, "clerk", ZC_LANG_EN, err, sizeof err), 0);
	assert_int_equal(q_int(f, "SELECT count(*) FROM audit WHERE action = 'delete' AND before_json LIKE "
				  "'%\"level\":\"township\"%'"),
			 1);
	assert_int_equal(q_int(f, "SELECT count(*) FROM audit"), audits + 4);
	n = 0;
	assert_int_equal(zc_registry_entries(f->s, "leave", "C3", count_entry, &n), 0);
	assert_int_equal(n, 0);
}

/* ---- dates as clerks write them ---- */

static void test_day_parse_any(void **state)
{
	(void)state;
	zc_day d, want = zc_day_from_ymd(2025, 6, 3);
	const char *good[] = {"2025-06-03",
			      "2025/6/3",
			      "2025-6-3",
			      "2025.6.3",
			      "2025年6月3日",
			      "2025/06/03",
			      "2025.06.03",
			      " 2025-6-03 ",
			      "\t2025年06月03日",
			      ("\xe3\x80\x80"
			       "2025/6/3")};
	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		d = 0;
		assert_int_equal(zc_day_parse_any(good[i], &d), 0);
		assert_int_equal(d, want);
	}
	assert_int_equal(zc_day_parse_any("2024-2-29", &d), 0); /* a leap day */
	assert_int_equal(d, zc_day_from_ymd(2024, 2, 29));
	assert_int_equal(zc_day_parse_any("2000/2/29", &d), 0);
	assert_int_equal(zc_day_parse_any("1999年12月31日", &d), 0);
	assert_int_equal(d, zc_day_from_ymd(1999, 12, 31));
	const char *bad[] = {"2025-2-29",
			     "1900-2-29",
			     "2025-4-31",
			     "2025-13-1",
			     "2025-0-1",
			     "2025-1-0",
			     "2025-1-32",
			     "2025-6/3",
			     "2025/6-3",
			     "2025.6-3",
			     "25-6-3",
			     "02025-6-3",
			     "2025-006-3",
			     "2025-6-003",
			     "2025年6月3",
			     "2025年6-3日",
			     "2025-6-3日",
			     "6/3/2025",
			     "3.6.2025",
			     "2025-06-03x",
			     "x2025-06-03",
			     "2025 - 6 - 3",
			     "",
			     "   ",
			     "2025",
			     "2025-06",
			     "2025-06-03 09:30",
			     "二〇二五年六月三日",
			     "2025-+6-3",
			     "2025--6-3",
			     "99999999999-1-1",
			     "2025-99999999999-1",
			     "2025-6-18446744073709551619"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		d = 12345;
		if (!zc_day_parse_any(bad[i], &d))
			fprintf(stderr, "accepted: '%s'\n", bad[i]);
		assert_int_equal(zc_day_parse_any(bad[i], &d), -1);
		assert_int_equal(d, 12345);
	}
	assert_int_equal(zc_day_parse_any(NULL, &d), -1);
	char longer[200];
	memset(longer, ' ', sizeof longer);
	memcpy(longer + 100, "2025-06-03", 10);
	longer[sizeof longer - 1] = 0;
	assert_int_equal(zc_day_parse_any(longer, &d), 0); /* blanks, however many */
	assert_int_equal(d, want);
	memset(longer, '1', sizeof longer - 1);
	assert_int_equal(zc_day_parse_any(longer, &d), -1);
	/* the forms named in messages are forms it takes */
	assert_non_null(strstr(ZC_DAY_FORMS_EN, "2025/6/3"));
	assert_non_null(strstr(ZC_DAY_FORMS_ZH, "2025年6月3日"));
}

static void test_time_parse_any(void **state)
{
	(void)state;
	int64_t t, want = (int64_t)(zc_day_from_ymd(2025, 6, 3) * 86400 + 1 * 3600 + 30 * 60) * 1000; /* 09:30+08 */
	const char *good[] = {
	    "2025-06-03 09:30",	      "2025-06-03T09:30",	   "2025-06-03T09:30:00", "2025/6/3 9:30",
	    "2025年6月3日 9:30",      "2025-06-03T09:30:00+08:00", "2025-06-03T01:30Z",	  "2025-06-03 01:30:00Z",
	    "2025-06-03T03:30+02:00", "2025-06-02T23:30:00-02:00", " 2025.6.3  09:30 "};
	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		t = 0;
		if (zc_time_parse_any(good[i], 480, &t))
			fprintf(stderr, "refused: '%s'\n", good[i]);
		assert_int_equal(zc_time_parse_any(good[i], 480, &t), 0);
		assert_true(t == want);
	}
	assert_int_equal(zc_time_parse_any("2025-06-03 09:30", 0, &t), 0); /* local in UTC */
	assert_true(t == want + 8 * 3600000LL);
	assert_int_equal(zc_time_parse_any("2025-06-03 09:30:59", 480, &t), 0);
	assert_true(t == want + 59000);
	const char *bad[] = {"2025-06-03",
			     "09:30",
			     "2025-06-03 24:00",
			     "2025-06-03 09:60",
			     "2025-06-03 09:30:60",
			     "2025-06-03 9:3",
			     "2025-06-03 009:30",
			     "2025-06-03T 09:30",
			     "2025-06-03 09:30+8",
			     "2025-06-03 09:30+15:00",
			     "2025-06-03 09:30 +08:00",
			     "2025-02-29 09:30",
			     "2025-06-0309:30",
			     "2025-06-03 09:30Zx",
			     "2025-06-03 09:30:00.5",
			     "2025-06-03T09:30+0800",
			     ""};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		if (!zc_time_parse_any(bad[i], 480, &t))
			fprintf(stderr, "accepted: '%s'\n", bad[i]);
		assert_int_equal(zc_time_parse_any(bad[i], 480, &t), -1);
	}
	char out[32];
	zc_time_format(want, 480, out);
	assert_string_equal(out, "2025-06-03T09:30:00+08:00");
	zc_time_format(want, 0, out);
	assert_string_equal(out, "2025-06-03T01:30:00+00:00");
	zc_time_format(want, -150, out);
	assert_string_equal(out, "2025-06-02T23:00:00-02:30");
	zc_time_format(-1000, 0, out);
	assert_string_equal(out, "1969-12-31T23:59:59+00:00");
}

/* ---- corrections and inspections ---- */

static const char *corrections_csv = "cadre_id,date,level,reason,ref\n"
				     "C1,2024-03-05,district,忘带工牌,区批〔2024〕7号\n"
				     "C1,2024/3/4,区,读卡器故障,\n"
				     "C2,2024年3月6日,none,\"说明：\n会议迟到\",\n";
static const char *inspections_csv = "村编号,检查时间,干部编号,检查组,结果,备注\n"
				     "V1,2024-03-05 10:00,C1,市委督查组,在岗,\n"
				     "V1,2024-03-05 10:00,C3,市委督查组,缺岗,未请假\n"
				     "V2,2024/3/6 9:15,C2,区纪委,absent,\n"
				     "V2,2024-03-07T01:00Z,C2,区纪委,present,\n";

static void test_correction_inspection_import(void **state)
{
	fx *f = *state;
	char err[256];
	import_all(f);
	int64_t audits = q_int(f, "SELECT count(*) FROM audit");
	zc_import_result r = import_ok(f, "correction", "corrections.csv", corrections_csv);
	assert_int_equal(r.inserted, 3);
	assert_string_equal(r.encoding, "UTF-8");
	r = import_ok(f, "inspection", "inspections.csv", inspections_csv);
	assert_int_equal(r.inserted, 4);
	assert_int_equal(q_int(f, "SELECT count(*) FROM audit"), audits + 7);
	assert_int_equal(q_int(f,
			       "SELECT count(*) FROM audit WHERE entity = 'correction' AND action = 'insert' "
			       "AND source LIKE '%/corrections.csv:4' AND after_json LIKE '%\"date\":\"2024-03-06\"%'"),
			 1);
	assert_int_equal(q_int(f, "SELECT count(*) FROM audit WHERE entity = 'inspection' AND key = 'V2,"
				  "1709687700000,C2'"),
			 1);
	assert_int_equal(q_int(f, "SELECT count(*) FROM corrections WHERE date = '2024-03-04' AND level = 'district' "
				  "AND ref IS NULL"),
			 1);
	/* again: nothing changes; a changed reason is an audited update */
	r = import_ok(f, "correction", "corrections.csv", corrections_csv);
	assert_int_equal(r.unchanged, 3);
	r = import_ok(f, "inspection", "inspections.csv", inspections_csv);
	assert_int_equal(r.unchanged, 4);
	assert_int_equal(q_int(f, "SELECT count(*) FROM audit"), audits + 7);
	r = import_ok(f, "correction", "c2.csv", "cadre,日期,审批级别,事由\nC1,2024.3.4,city,读卡器故障（已修）\n");
	assert_int_equal(r.updated, 1);
	assert_int_equal(q_int(f, "SELECT count(*) FROM audit WHERE entity = 'correction' AND action = 'update' AND "
				  "before_json LIKE '%读卡器故障\"%' AND after_json LIKE '%\"level\":\"city\"%'"),
			 1);
	/* into the engine's arrays */
	zc_registry *reg = NULL;
	assert_int_equal(zc_registry_load_l(f->s, ZC_LANG_EN, &reg, err, sizeof err), 0);
	assert_int_equal(reg->ncorrections, 3);
	/* by cadre, date: C1 03-04, C1 03-05, C2 03-06 */
	assert_int_equal(reg->corrections[0].cadre, 0);
	assert_int_equal(reg->corrections[0].day, zc_day_from_ymd(2024, 3, 4));
	assert_int_equal(reg->corrections[0].level, ZC_LEVEL_CITY);
	assert_string_equal(reg->corrections[0].reason, "读卡器故障（已修）");
	assert_int_equal(reg->corrections[1].day, zc_day_from_ymd(2024, 3, 5));
	assert_int_equal(reg->corrections[1].level, ZC_LEVEL_DISTRICT);
	assert_int_equal(reg->corrections[2].cadre, 1);
	assert_int_equal(reg->corrections[2].level, ZC_LEVEL_NONE);
	assert_string_equal(reg->corrections[2].reason, "说明：\n会议迟到");
	assert_true(reg->correction_ids[0] > 0 && reg->correction_ids[0] != reg->correction_ids[1]);
	assert_int_equal(reg->ninspections, 4);
	/* by cadre, time: C1, C2 (03-06 01:15Z absent, 03-07 01:00Z present), C3 */
	int64_t day6 = (int64_t)zc_day_from_ymd(2024, 3, 6) * 86400000;
	assert_int_equal(reg->inspections[0].cadre, 0);
	assert_int_equal(reg->inspections[0].village, 0);
	assert_int_equal(reg->inspections[0].absent, 0);
	assert_string_equal(reg->inspections[0].inspector, "市委督查组");
	assert_int_equal(reg->inspections[1].cadre, 1);
	assert_int_equal(reg->inspections[1].village, 1);
	assert_true(reg->inspections[1].utc_ms == day6 + 75 * 60000); /* 09:15 at UTC+8 */
	assert_int_equal(reg->inspections[1].absent, 1);
	assert_true(reg->inspections[2].utc_ms == day6 + 86400000 + 3600000);
	assert_int_equal(reg->inspections[2].absent, 0);
	assert_int_equal(reg->inspections[3].cadre, 2);
	assert_int_equal(reg->inspections[3].absent, 1);
	assert_true(reg->inspection_ids[3] > 0);
	zc_rules_input in;
	memset(&in, 0, sizeof in);
	zc_registry_fill_input(reg, &in);
	assert_ptr_equal(in.corrections, reg->corrections);
	assert_int_equal(in.ncorrections, 3);
	assert_ptr_equal(in.inspections, reg->inspections);
	assert_int_equal(in.ninspections, 4);
	zc_registry_free(reg);
}

static void test_correction_inspection_bad_rows(void **state)
{
	fx *f = *state;
	import_all(f);
	int64_t audits = q_int(f, "SELECT count(*) FROM audit");
	import_bad(f, "correction", "c1.csv", "cadre_id,date,level,reason\nC1,2024-03-05,district,\n",
		   "c1.csv:2:reason: must not be empty");
	import_bad(f, "correction", "c2.csv", "cadre_id,date,level\nC1,2024-03-05,district\n",
		   "c2.csv:1:reason: missing column (事由)");
	import_bad(f, "correction", "c3.csv", "cadre_id,date,level,reason\nC1,2025-2-29,district,x\n",
		   "c3.csv:2:date: '2025-2-29' is not a valid date (accepted: 2025-06-03, 2025/6/3");
	import_bad(f, "correction", "c4.csv", "cadre_id,date,level,reason\nC1,2024-03-05,county,x\n",
		   "c4.csv:2:level: invalid value 'county'");
	import_bad(f, "correction", "c5.csv", "cadre_id,date,level,reason\nC9,2024-03-05,city,x\n",
		   "c5.csv:2:cadre_id: unknown 'C9'");
	/* the same date written twice in two ways */
	import_bad(f, "correction", "c6.csv", "cadre_id,date,level,reason\nC1,2024-03-05,city,x\nC1,2024/3/5,city,y\n",
		   "c6.csv:3:cadre_id: the same key as line 2 (C1,2024-03-05)");
	import_bad(f, "inspection", "i1.csv",
		   "village_id,time,inspector,cadre_id,result\nV1,2024-03-05 25:00,组,C1,present\n",
		   "i1.csv:2:time: '2024-03-05 25:00' is not a valid time");
	import_bad(f, "inspection", "i2.csv",
		   "village_id,time,inspector,cadre_id,result\nV9,2024-03-05 9:00,组,C1,在岗\n",
		   "i2.csv:2:village_id: unknown 'V9'");
	import_bad(f, "inspection", "i3.csv",
		   "village_id,time,inspector,cadre_id,result\nV1,2024-03-05 9:00,组,C1,在\n",
		   "i3.csv:2:result: invalid value '在', expected one of: present/在岗, absent/缺岗");
	import_bad(f, "inspection", "i4.csv", "village,time,cadre,result\nV1,2024-03-05 9:00,C1,在岗\n",
		   "i4.csv:1:inspector: missing column");
	import_bad(f, "inspection", "i5.csv",
		   "village_id,time,inspector,cadre_id,result\nV1,2024-03-05 09:00,组,C1,在岗\n"
		   "V1,2024-03-05T01:00:00Z,组,C1,缺岗\n",
		   "i5.csv:3:village_id: the same key as line 2");
	import_bad(f, "inspection", "i6.csv", "村编号,检查时间,检查人,检查组,干部编号,结果\n",
		   "i6.csv:1:检查组: duplicate column");
	assert_int_equal(q_int(f, "SELECT count(*) FROM audit"), audits);
	assert_int_equal(q_int(f, "SELECT count(*) FROM corrections") + q_int(f, "SELECT count(*) FROM inspections"),
			 0);
	/* the zone in force at import makes local times */
	import_ok(f, "policy", "zone.csv", "name,value\nzone,UTC\n");
	import_ok(f, "inspection", "i7.csv",
		  "village_id,time,inspector,cadre_id,result\nV1,2024-03-05 09:00,组,C1,在岗\n");
	assert_int_equal(q_int(f, "SELECT at_ms FROM inspections"),
			 ((int64_t)zc_day_from_ymd(2024, 3, 5) * 86400 + 9 * 3600) * 1000);
}

/* The Chinese messages name the column in Chinese, whatever the header. */
static void test_chinese_messages(void **state)
{
	fx *f = *state;
	import_all(f);
	import_bad_in(f, ZC_LANG_ZH, "correction", "z1.csv", "cadre_id,date,level,reason\nC1,2024-13-05,district,x\n",
		      "z1.csv:2:日期: '2024-13-05' 不是有效日期（可写作 2025-06-03、2025/6/3");
	import_bad_in(f, ZC_LANG_ZH, "leave", "z2.csv", "cadre,start,end,level\nC1,2024-03-05,2024-03-01,区\n",
		      "z2.csv:2:结束日期: 结束日期早于开始日期 2024-03-05");
	import_bad_in(f, ZC_LANG_ZH, "inspection", "z3.csv",
		      "village_id,time,inspector,cadre_id\nV1,2024-03-05 9:00,组,C1\n", "z3.csv:1:结果: 缺少此列");
	import_bad_in(f, ZC_LANG_ZH, "cadres", "z4.csv", "id,name,role,work_since,unit\nC8,甲,秘书,2019-01-01,市直\n",
		      "z4.csv:2:职务: '秘书' 无效");
}

/* Text converted with iconv(3) from UTF-8 to the encoding to; malloc'd. */
static char *iconv_to(const char *to, const char *text, size_t *len)
{
	iconv_t cd = iconv_open(to, "UTF-8");
	assert_true(cd != (iconv_t)-1);
	size_t inleft = strlen(text), cap = inleft * 2 + 8, outleft = cap;
	char *out = malloc(cap), *in = (char *)text, *op = out;
	assert_true(iconv(cd, &in, &inleft, &op, &outleft) != (size_t)-1);
	iconv_close(cd);
	*len = cap - outleft;
	return out;
}

static void test_gbk_files(void **state)
{
	fx *f = *state;
	char err[512], path[4300];
	zc_import_result res;
	import_all(f);
	size_t len;
	char *gbk = iconv_to(
	    "GBK", "干部编号,日期,审批级别,事由,批文号\r\nC1,2024/3/5,区,忘带工牌（已补）,区批〔2024〕7号\r\n", &len);
	snprintf(path, sizeof path, "%s/gbk.csv", f->dir);
	assert_int_equal(tu_write_file(path, gbk, len), 0);
	assert_int_equal(zc_registry_import(f->s, "correction", path, NULL, ZC_LANG_EN, &res, err, sizeof err), 0);
	assert_int_equal(res.inserted, 1);
	assert_string_equal(res.encoding, "GB18030");
	zc_import_result_free(&res);
	assert_int_equal(q_int(f, "SELECT count(*) FROM corrections WHERE reason = '忘带工牌（已补）' AND "
				  "ref = '区批〔2024〕7号' AND date = '2024-03-05'"),
			 1);
	free(gbk);
	/* a bad row of a GBK file: its line and column as in any file */
	gbk = iconv_to("GB18030",
		       "村编号,检查时间,检查人,干部编号,结果\nV1,2024-03-05 9:00,督查组,C1,在岗\n"
		       "V1,2024-03-05 9:00,督查组,C2,迟到\n",
		       &len);
	snprintf(path, sizeof path, "%s/gb.csv", f->dir);
	assert_int_equal(tu_write_file(path, gbk, len), 0);
	assert_int_equal(zc_registry_import(f->s, "inspection", path, NULL, ZC_LANG_EN, &res, err, sizeof err),
			 ZC_EMALFORMED);
	assert_string_equal(res.encoding, "GB18030");
	assert_int_equal(res.nerrors, 1);
	assert_non_null(strstr(res.errors[0], "gb.csv:3:结果: invalid value '迟到'"));
	zc_import_result_free(&res);
	free(gbk);
	/* neither: one message saying how to save it, in either language */
	snprintf(path, sizeof path, "%s/bin.csv", f->dir);
	assert_int_equal(tu_write_file(path, "id,name\nD9,ok\nD8,\x80\xff\n", 19), 0);
	assert_int_equal(zc_registry_import(f->s, "districts", path, NULL, ZC_LANG_EN, &res, err, sizeof err),
			 ZC_EMALFORMED);
	assert_null(res.encoding);
	assert_int_equal(res.nerrors, 1);
	assert_non_null(strstr(res.errors[0], "bin.csv:3: unknown text encoding"));
	assert_non_null(strstr(res.errors[0], "CSV UTF-8 (Comma delimited)"));
	assert_non_null(strstr(err, "nothing imported"));
	zc_import_result_free(&res);
	assert_int_equal(zc_registry_import(f->s, "districts", path, NULL, ZC_LANG_ZH, &res, err, sizeof err),
			 ZC_EMALFORMED);
	assert_non_null(strstr(res.errors[0], "另存为"));
	assert_non_null(strstr(res.errors[0], "CSV UTF-8（逗号分隔）"));
	zc_import_result_free(&res);
	assert_int_equal(q_int(f, "SELECT count(*) FROM districts"), 2);
}

typedef struct seen {
	int n;
	char text[8][160];
} seen;

static int keep_entry(void *arg, const zc_registry_entry *e)
{
	seen *s = arg;
	if (s->n < 8)
		snprintf(s->text[s->n], sizeof s->text[0], "%s %s %s %s %s %s", e->cadre,
			 e->village ? e->village
			 : e->date  ? e->date
				    : e->start,
			 e->time ? e->time : e->level,
			 e->result   ? e->result
			 : e->reason ? e->reason
				     : "-",
			 e->inspector ? e->inspector : "-",
			 e->note  ? e->note
			 : e->ref ? e->ref
				  : "-");
	s->n++;
	return 0;
}

static void test_correction_inspection_one_at_a_time(void **state)
{
	fx *f = *state;
	char err[256];
	import_all(f);
	int64_t audits = q_int(f, "SELECT count(*) FROM audit");
	zc_registry_entry c = {.cadre = "C1", .date = "2024年3月5日", .level = "区", .reason = "忘带工牌"};
	int64_t id = 0, id2 = 0;
	assert_int_equal(zc_registry_entry_add(f->s, "correction", &c, "clerk", ZC_LANG_EN, &id, err, sizeof err), 0);
	assert_int_equal(zc_registry_entry_add(f->s, "correction", &c, "clerk", ZC_LANG_EN, &id2, err, sizeof err),
			 ZC_EEXIST);
	assert_int_equal(id2, id);
	zc_registry_entry bad = c;
	bad.reason = "  ";
	assert_int_equal(zc_registry_entry_add(f->s, "correction", &bad, "clerk", ZC_LANG_EN, NULL, err, sizeof err),
			 ZC_EARG);
	assert_non_null(strstr(err, "reason must not be empty"));
	bad = c;
	bad.date = "2024-02-30";
	assert_int_equal(zc_registry_entry_add(f->s, "correction", &bad, "clerk", ZC_LANG_EN, NULL, err, sizeof err),
			 ZC_EARG);
	assert_non_null(strstr(err, "2025年6月3日"));
	bad = c;
	bad.level = "county";
	assert_int_equal(zc_registry_entry_add(f->s, "correction", &bad, "clerk", ZC_LANG_EN, NULL, err, sizeof err),
			 ZC_EARG);
	/* one inspection finding two cadres: both or neither */
	zc_registry_entry x[2] = {
	    {.village = "V1", .time = "2024/3/5 10:00", .inspector = "市委督查组", .cadre = "C1", .result = "在岗"},
	    {.village = "V1", .time = "2024/3/5 10:00", .inspector = "市委督查组", .cadre = "C9", .result = "缺岗"},
	};
	int64_t ids[2] = {0, 0};
	assert_int_equal(zc_registry_entries_add(f->s, "inspection", x, 2, "clerk", ZC_LANG_EN, ids, err, sizeof err),
			 ZC_ENOENT);
	assert_non_null(strstr(err, "C9"));
	assert_int_equal(q_int(f, "SELECT count(*) FROM inspections"), 0);
	x[1].cadre = "C3";
	x[1].note = "未请假";
	assert_int_equal(zc_registry_entries_add(f->s, "inspection", x, 2, "clerk", ZC_LANG_EN, ids, err, sizeof err),
			 0);
	assert_true(ids[0] > 0 && ids[1] > ids[0]);
	zc_registry_entry y = x[0];
	y.village = "V7";
	assert_int_equal(zc_registry_entry_add(f->s, "inspection", &y, "clerk", ZC_LANG_EN, NULL, err, sizeof err),
			 ZC_ENOENT);
	y = x[0];
	y.time = "2024-03-05";
	assert_int_equal(zc_registry_entry_add(f->s, "inspection", &y, "clerk", ZC_LANG_EN, NULL, err, sizeof err),
			 ZC_EARG);
	y = x[0];
	y.time = "2024-03-05T02:00Z";
	assert_int_equal(zc_registry_entry_add(f->s, "inspection", &y, "clerk", ZC_LANG_EN, &id2, err, sizeof err),
			 ZC_EEXIST);
	assert_int_equal(id2, ids[0]);
	/* listed, filtered */
	seen sn;
	memset(&sn, 0, sizeof sn);
	assert_int_equal(zc_registry_entries(f->s, "inspection", NULL, keep_entry, &sn), 0);
	assert_int_equal(sn.n, 2);
	assert_string_equal(sn.text[0], "C1 V1 2024-03-05T10:00:00+08:00 present 市委督查组 -");
	assert_string_equal(sn.text[1], "C3 V1 2024-03-05T10:00:00+08:00 absent 市委督查组 未请假");
	zc_registry_filter flt = {.village = "V1", .from = "2024/3/5", .to = "2024.3.5"};
	memset(&sn, 0, sizeof sn);
	assert_int_equal(
	    zc_registry_entries_where(f->s, "inspection", &flt, keep_entry, &sn, ZC_LANG_EN, err, sizeof err), 0);
	assert_int_equal(sn.n, 2);
	flt.from = "2024-03-06";
	flt.to = NULL;
	memset(&sn, 0, sizeof sn);
	assert_int_equal(
	    zc_registry_entries_where(f->s, "inspection", &flt, keep_entry, &sn, ZC_LANG_EN, err, sizeof err), 0);
	assert_int_equal(sn.n, 0);
	flt.from = "2024-03-32";
	assert_int_equal(
	    zc_registry_entries_where(f->s, "inspection", &flt, keep_entry, &sn, ZC_LANG_EN, err, sizeof err), ZC_EARG);
	zc_registry_filter cf = {.cadre = "C1", .to = "2024-03-05"};
	memset(&sn, 0, sizeof sn);
	assert_int_equal(
	    zc_registry_entries_where(f->s, "correction", &cf, keep_entry, &sn, ZC_LANG_EN, err, sizeof err), 0);
	assert_int_equal(sn.n, 1);
	assert_string_equal(sn.text[0], "C1 2024-03-05 district 忘带工牌 - -");
	cf.village = "V1"; /* corrections have no village */
	assert_int_equal(
	    zc_registry_entries_where(f->s, "correction", &cf, keep_entry, &sn, ZC_LANG_EN, err, sizeof err), ZC_EARG);
	zc_registry_filter lf = {.from = "2024-05-08", .to = "2024-05-08"};
	memset(&sn, 0, sizeof sn);
	assert_int_equal(zc_registry_entries_where(f->s, "leave", &lf, keep_entry, &sn, ZC_LANG_EN, err, sizeof err),
			 0);
	assert_int_equal(sn.n, 1); /* C1's leave of 05-06 to 05-08 */
	/* removed, audited */
	assert_int_equal(zc_registry_entry_remove(f->s, "inspection", ids[1], "clerk", ZC_LANG_EN, err, sizeof err), 0);
	assert_int_equal(zc_registry_entry_remove(f->s, "correction", id, "clerk", ZC_LANG_EN, err, sizeof err), 0);
	assert_int_equal(zc_registry_entry_remove(f->s, "correction", id, "clerk", ZC_LANG_EN, err, sizeof err),
			 ZC_ENOENT);
	assert_int_equal(q_int(f, "SELECT count(*) FROM audit WHERE source = 'cli' AND actor = 'clerk'"), 5);
	assert_int_equal(q_int(f, "SELECT count(*) FROM audit WHERE entity = 'inspection' AND action = 'delete' AND "
				  "key LIKE 'V1,%,C3' AND before_json LIKE '%\"note\":\"未请假\"%'"),
			 1);
	assert_int_equal(q_int(f, "SELECT count(*) FROM audit"), audits + 5);
}

static int count_ca(void *arg, const zc_registry_ca_info *ci)
{
	int *n = arg;
	(*n)++;
	assert_string_equal(ci->district, "测试区");
	n[1] = (int)ci->revlist_number;
	return 0;
}

static void test_ca_and_revocations(void **state)
{
	fx *f = *state;
	char path[4400], err[256];
	uint8_t *ca = NULL, *l1 = NULL, *l2 = NULL, *other = NULL;
	size_t calen, l1len, l2len, olen;
	make_ca(f, "ca", "B1", "C1");
	snprintf(path, sizeof path, "%s/ca/ca.pem", f->dir);
	assert_non_null(ca = tu_read_file(path, &calen));
	snprintf(path, sizeof path, "%s/ca/revocations.zrl", f->dir);
	assert_non_null(l1 = tu_read_file(path, &l1len));
	char cadir[4300];
	snprintf(cadir, sizeof cadir, "%s/ca", f->dir);
	uint64_t num = 0;
	assert_int_equal(zc_ca_revoke(cadir, "B1", 1710000000000LL, 1710000000000LL, &num, err, sizeof err), 0);
	assert_int_equal(num, 2);
	assert_non_null(l2 = tu_read_file(path, &l2len));
	/* not trusted yet */
	assert_int_equal(
	    zc_registry_revocations_install_l(f->s, l1, l1len, NULL, ZC_LANG_EN, NULL, NULL, err, sizeof err),
	    ZC_ENOENT);
	/* a badge certificate is not a CA */
	snprintf(path, sizeof path, "%s/B1.der", f->dir);
	uint8_t *der = tu_read_file(path, &olen);
	assert_int_equal(zc_registry_ca_add_l(f->s, der, olen, NULL, ZC_LANG_EN, NULL, NULL, err, sizeof err),
			 ZC_EMALFORMED);
	free(der);
	int added = 0;
	assert_int_equal(zc_registry_ca_add_l(f->s, ca, calen, NULL, ZC_LANG_EN, NULL, &added, err, sizeof err), 0);
	assert_int_equal(added, 1);
	assert_int_equal(zc_registry_ca_add_l(f->s, ca, calen, NULL, ZC_LANG_EN, NULL, &added, err, sizeof err), 0);
	assert_int_equal(added, 0);
	int changed = 0;
	assert_int_equal(
	    zc_registry_revocations_install_l(f->s, l1, l1len, NULL, ZC_LANG_EN, &num, &changed, err, sizeof err), 0);
	assert_int_equal(num, 1);
	assert_int_equal(changed, 1);
	assert_int_equal(
	    zc_registry_revocations_install_l(f->s, l2, l2len, NULL, ZC_LANG_EN, &num, &changed, err, sizeof err), 0);
	assert_int_equal(num, 2);
	assert_int_equal(changed, 1);
	/* the same list again: a no-op */
	assert_int_equal(
	    zc_registry_revocations_install_l(f->s, l2, l2len, NULL, ZC_LANG_EN, &num, &changed, err, sizeof err), 0);
	assert_int_equal(changed, 0);
	/* rollback refused */
	assert_int_equal(
	    zc_registry_revocations_install_l(f->s, l1, l1len, NULL, ZC_LANG_EN, &num, &changed, err, sizeof err),
	    ZC_ESTATE);
	assert_non_null(strstr(err, "rollback"));
	assert_int_equal(zc_registry_revocations_install(f->s, l1, l1len, NULL, &num, &changed, err, sizeof err),
			 ZC_ESTATE);
	assert_non_null(strstr(err, "拒绝回退")); /* the form without _l: Chinese */
	/* a tampered list */
	l2[l2len - 3] ^= 0x55;
	int rc = zc_registry_revocations_install_l(f->s, l2, l2len, NULL, ZC_LANG_EN, &num, &changed, err, sizeof err);
	assert_true(rc == ZC_ESIG || rc == ZC_EMALFORMED);
	/* garbage */
	assert_int_equal(zc_registry_revocations_install_l(f->s, (const uint8_t *)"ZRL1xx", 6, NULL, ZC_LANG_EN, NULL,
							   NULL, err, sizeof err) < 0,
			 1);
	/* another CA's list */
	make_ca(f, "ca2", "B2", "C2");
	snprintf(path, sizeof path, "%s/ca2/revocations.zrl", f->dir);
	assert_non_null(other = tu_read_file(path, &olen));
	assert_int_equal(
	    zc_registry_revocations_install_l(f->s, other, olen, NULL, ZC_LANG_EN, NULL, NULL, err, sizeof err),
	    ZC_ENOENT);
	int cnt[2] = {0, 0};
	assert_int_equal(zc_registry_cas(f->s, count_ca, cnt), 0);
	assert_int_equal(cnt[0], 1);
	assert_int_equal(cnt[1], 2);
	zc_registry *r;
	assert_int_equal(zc_registry_load_l(f->s, ZC_LANG_EN, &r, err, sizeof err), 0);
	assert_int_equal(r->ncas, 1);
	assert_int_equal(r->nrevlists, 1);
	assert_int_equal(r->revlists[0].number, 2);
	assert_non_null(r->revlist);
	l2[l2len - 3] ^= 0x55;
	assert_int_equal(r->revlist_len, l2len);
	assert_memory_equal(r->revlist, l2, l2len);
	zc_registry_free(r);
	assert_int_equal(q_int(f, "SELECT count(*) FROM audit WHERE entity = 'ca'"), 1);
	assert_int_equal(q_int(f, "SELECT count(*) FROM audit WHERE entity = 'revocations'"), 2);
	free(ca);
	free(l1);
	free(l2);
	free(other);
}

static double secs(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void test_ten_thousand(void **state)
{
	fx *f = *state;
	char err[256];
	enum { N = 10000 };
	size_t cap = (size_t)N * 96 + 256;
	char *c = malloc(cap), *a = malloc(cap), *b = malloc(cap);
	size_t nc = 0, na = 0, nb = 0;
	nc += (size_t)snprintf(c + nc, cap - nc, "id,name,role,party_since,work_since,unit\n");
	na += (size_t)snprintf(a + na, cap - na, "cadre,village,start,end\n");
	nb += (size_t)snprintf(b + nb, cap - nb, "badge,cadre,bound_from,kind,uid\n");
	for (int i = 0; i < N; i++) {
		nc += (size_t)snprintf(c + nc, cap - nc, "C%05d,干部%d,member,,2010-01-01,单位%d\n", i, i, i % 50);
		na += (size_t)snprintf(a + na, cap - na, "C%05d,V%d,2024-01-01,2025-12-31\n", i, i % 19);
		nb += (size_t)snprintf(b + nb, cap - nb, "B%05d,C%05d,2024-01-01,uid,04%012X\n", i, i, i);
	}
	import_ok(f, "districts", "d.csv", "id,name\nD1,区\n");
	import_ok(f, "townships", "t.csv", "id,name,district\nT1,镇,D1\n");
	char v[2048] = "id,name,township\n";
	for (int i = 0; i < 19; i++)
		snprintf(v + strlen(v), sizeof v - strlen(v), "V%d,村%d,T1\n", i, i);
	import_ok(f, "villages", "v.csv", v);
	double t0 = secs();
	zc_import_result r = import_ok(f, "cadres", "c.csv", c);
	assert_int_equal(r.inserted, N);
	r = import_ok(f, "assignments", "a.csv", a);
	assert_int_equal(r.inserted, N);
	r = import_ok(f, "badges", "b.csv", b);
	assert_int_equal(r.inserted, N);
	double t1 = secs();
	zc_registry *reg;
	assert_int_equal(zc_registry_load_l(f->s, ZC_LANG_EN, &reg, err, sizeof err), 0);
	double t2 = secs();
	assert_int_equal(reg->ncadres, N);
	assert_int_equal(reg->nassignments, N);
	assert_int_equal(reg->nbadges, N);
	assert_int_equal(reg->assignments[N - 1].cadre, N - 1);
	assert_int_equal(reg->badges[1234].cadre, 1234);
	zc_registry_free(reg);
	printf("# import 3 x %d rows: %.2f s; load: %.3f s\n", N, t1 - t0, t2 - t1);
	assert_true(t2 - t1 < 2.0); /* well under a second in a normal build; ASan is slower */
	free(c);
	free(a);
	free(b);
}

/* ---- leave type and reason, duty place and purpose ---- */

/* "start type reason" / "start place purpose" of each entry (seen) */
static int collect_entry(void *arg, const zc_registry_entry *e)
{
	seen *g = arg;
	const char *a = e->kind ? e->place : e->type, *b = e->kind ? e->purpose : e->reason;
	if (g->n < 8)
		snprintf(g->text[g->n], sizeof g->text[0], "%s %s %s", e->start, a ? a : "-", b ? b : "-");
	g->n++;
	return 0;
}

static void test_leave_duty_columns(void **state)
{
	fx *f = *state;
	char err[512];
	import_all(f);
	/* Chinese headers (请假类型 is the second name of 类型), values in both languages */
	zc_import_result r = import_ok(f, "leave", "l2.csv",
				       "干部编号,开始日期,结束日期,审批级别,请假类型,事由\n"
				       "C3,2025-02-03,2025-02-04,乡镇,病假,\"住院\n治疗\"\n"
				       "C3,2025-02-10,2025-02-10,township,family_visit,\n"
				       "C3,2025-02-17,2025-02-17,乡镇,,\n");
	assert_int_equal(r.inserted, 3);
	r = import_ok(f, "duty", "d2.csv",
		      "cadre,start,end,kind,level,地点,事由\nC3,2025-03-03,2025-03-04,出差,区,北京,参加培训\n");
	assert_int_equal(r.inserted, 1);
	seen g = {0};
	zc_registry_filter fl = {.cadre = "C3", .from = "2025-01-01"};
	assert_int_equal(zc_registry_entries_where(f->s, "leave", &fl, collect_entry, &g, ZC_LANG_EN, err, sizeof err),
			 0);
	assert_int_equal(g.n, 3);
	assert_string_equal(g.text[0], "2025-02-03 sick 住院\n治疗");
	assert_string_equal(g.text[1], "2025-02-10 family_visit -");
	assert_string_equal(g.text[2], "2025-02-17 - -");
	memset(&g, 0, sizeof g);
	assert_int_equal(zc_registry_entries_where(f->s, "duty", &fl, collect_entry, &g, ZC_LANG_EN, err, sizeof err),
			 0);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.text[0], "2025-03-03 北京 参加培训");
	assert_int_equal(q_int(f, "SELECT count(*) FROM audit WHERE entity = 'leave' AND after_json LIKE "
				  "'%\"type\":\"sick\",\"reason\":\"住院\\n治疗\"%'"),
			 1);
	/* one at a time */
	zc_registry_entry e = {.cadre = "C3",
			       .start = "2025-04-07",
			       .end = "2025-04-07",
			       .level = "乡镇",
			       .type = "事假",
			       .reason = "家中有事"};
	zc_registry_entry d = {.cadre = "C3",
			       .start = "2025-04-08",
			       .end = "2025-04-08",
			       .level = "区",
			       .kind = "meeting",
			       .place = "区政府",
			       .purpose = "述职"};
	assert_int_equal(zc_registry_entry_add(f->s, "leave", &e, "clerk", ZC_LANG_EN, NULL, err, sizeof err), 0);
	assert_int_equal(zc_registry_entry_add(f->s, "duty", &d, "clerk", ZC_LANG_EN, NULL, err, sizeof err), 0);
	assert_int_equal(q_int(f, "SELECT count(*) FROM leave WHERE type = 'personal' AND reason = '家中有事'"), 1);
	assert_int_equal(q_int(f, "SELECT count(*) FROM duty WHERE place = '区政府' AND purpose = '述职'"), 1);
	assert_int_equal(q_int(f, "SELECT count(*) FROM audit WHERE entity = 'duty' AND source = 'cli' AND "
				  "after_json LIKE '%\"place\":\"区政府\",\"purpose\":\"述职\"%'"),
			 1);
	e.start = e.end = "2025-04-09";
	e.type = "年假";
	assert_int_equal(zc_registry_entry_add(f->s, "leave", &e, "clerk", ZC_LANG_EN, NULL, err, sizeof err), ZC_EARG);
	assert_non_null(strstr(err, "personal/事假"));
	import_bad(f, "leave", "l3.csv", "cadre,start,end,level,type\nC3,2025-05-05,2025-05-05,乡镇,年假\n",
		   "l3.csv:2:type: invalid value '年假', expected one of: personal/事假");
	/* the store refuses a type it does not know, whoever writes it */
	sqlite3 *db;
	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db,
					  "INSERT INTO leave(cadre_id, start, \"end\", level, type) "
					  "VALUES ('C3', '2025-06-02', '2025-06-02', 'township', 'annual')",
					  NULL, NULL, NULL),
			     SQLITE_OK);
	sqlite3_close(db);
	/* labels for people */
	assert_string_equal(zc_registry_label("family_visit", ZC_LANG_EN), "family_visit");
	assert_string_equal(zc_registry_label("family_visit", ZC_LANG_ZH), "探亲假");
	assert_string_equal(zc_registry_label("district", ZC_LANG_ZH), "区");
	assert_string_equal(zc_registry_label("trip", ZC_LANG_ZH), "出差");
	assert_string_equal(zc_registry_label("absent", ZC_LANG_ZH), "缺岗");
	assert_string_equal(zc_registry_label("V1", ZC_LANG_ZH), "V1");
}

/* ---- leave blocks (RULES.md section 5) ---- */

static zc_day day(const char *s)
{
	zc_day d;
	assert_int_equal(zc_day_parse(s, &d), 0);
	return d;
}

static void test_leave_block_rule(void **state)
{
	(void)state;
	zc_r_cadre cadres[2] = {{.id = "C1", .name = "甲"}, {.id = "C2", .name = "乙"}};
	zc_r_leave leaves[4] = {
	    {.cadre = 0,
	     .start = day("2025-03-03"),
	     .end = day("2025-03-05"),
	     .level = ZC_LEVEL_TOWNSHIP}, /* Mon-Wed */
	    {.cadre = 0,
	     .start = day("2025-03-13"),
	     .end = day("2025-03-14"),
	     .level = ZC_LEVEL_TOWNSHIP}, /* Thu-Fri */
	    {.cadre = 0,
	     .start = day("2025-03-24"),
	     .end = day("2025-03-25"),
	     .level = ZC_LEVEL_TOWNSHIP}, /* Mon-Tue */
	    {.cadre = 1, .start = day("2025-04-01"), .end = day("2025-04-03"), .level = ZC_LEVEL_TOWNSHIP},
	};
	zc_rules_input in;
	zc_day b0, b1;
	memset(&in, 0, sizeof in);
	zc_policy_default(&in.policy);
	in.cadres = cadres;
	in.ncadres = 2;
	in.leaves = leaves;
	in.nleaves = 4;
	/* Mon-Wed stored, Thu-Fri entered: one block of 5 days, district */
	assert_int_equal(zc_rules_leave_block(&in, 0, day("2025-03-06"), day("2025-03-07"), &b0, &b1),
			 ZC_LEVEL_DISTRICT);
	assert_int_equal(b0, day("2025-03-03"));
	assert_int_equal(b1, day("2025-03-07"));
	/* separated only by a weekend: Thu-Fri stored, Mon entered */
	assert_int_equal(zc_rules_leave_block(&in, 0, day("2025-03-17"), day("2025-03-17"), &b0, &b1),
			 ZC_LEVEL_DISTRICT);
	assert_int_equal(b0, day("2025-03-13"));
	assert_int_equal(b1, day("2025-03-17"));
	/* a working day (Wed) between: no block */
	assert_int_equal(zc_rules_leave_block(&in, 0, day("2025-03-27"), day("2025-03-27"), &b0, &b1),
			 ZC_LEVEL_TOWNSHIP);
	assert_int_equal(b0, day("2025-03-27"));
	assert_int_equal(b1, day("2025-03-27"));
	/* ... unless the calendar makes that Wednesday a holiday */
	zc_day hol = day("2025-03-26");
	in.holidays = &hol;
	in.nholidays = 1;
	assert_int_equal(zc_rules_leave_block(&in, 0, day("2025-03-27"), day("2025-03-27"), &b0, &b1),
			 ZC_LEVEL_DISTRICT);
	assert_int_equal(b0, day("2025-03-24"));
	/* another cadre's leave never joins */
	assert_int_equal(zc_rules_leave_block(&in, 0, day("2025-04-04"), day("2025-04-04"), &b0, &b1),
			 ZC_LEVEL_TOWNSHIP);
	assert_int_equal(b0, day("2025-04-04"));
	assert_int_equal(zc_rules_leave_block(&in, 1, day("2025-04-04"), day("2025-04-04"), &b0, &b1),
			 ZC_LEVEL_DISTRICT);
	assert_int_equal(b0, day("2025-04-01"));
	/* 8 days or more: city */
	assert_int_equal(zc_rules_leave_block(&in, 0, day("2025-03-06"), day("2025-03-10"), &b0, &b1), ZC_LEVEL_CITY);
	assert_int_equal(zc_rules_leave_block(&in, 0, day("2025-03-07"), day("2025-03-06"), &b0, &b1), ZC_EARG);
}

static void test_leave_add_checked(void **state)
{
	fx *f = *state;
	char err[1024], lines[4][512];
	zc_leave_check chk;
	int64_t id1 = 0, id2 = 0, id = 0;
	import_all(f);
	int64_t audits = q_int(f, "SELECT count(*) FROM audit");
	zc_registry_entry e = {.cadre = "C1", .start = "2025-03-03", .end = "2025-03-05", .level = "township"};
	assert_int_equal(zc_registry_leave_add(f->s, &e, 0, "clerk", ZC_LANG_EN, &id1, &chk, err, sizeof err), 0);
	assert_int_equal(chk.required, ZC_LEVEL_TOWNSHIP);
	assert_int_equal(chk.njoined, 0);
	assert_int_equal(zc_registry_leave_warnings(&chk, ZC_LANG_EN, lines, 4), 0);
	/* Thu-Fri at township: the block of 5 days needs district */
	e.start = "2025-03-06";
	e.end = "2025-03-07";
	assert_int_equal(zc_registry_leave_add(f->s, &e, 0, "clerk", ZC_LANG_ZH, &id, &chk, err, sizeof err),
			 ZC_ESTATE);
	assert_string_equal(err, "该请假与 2025-03-03 至 2025-03-05 的请假连成 2025-03-03 至 2025-03-07 共 5 天，"
				 "须区级审批；所填审批级别为乡镇");
	assert_int_equal(zc_registry_leave_add(f->s, &e, 0, "clerk", ZC_LANG_EN, &id, &chk, err, sizeof err),
			 ZC_ESTATE);
	assert_non_null(strstr(err, "2025-03-03 to 2025-03-07 of 5 days, which needs district approval"));
	assert_int_equal(chk.required, ZC_LEVEL_DISTRICT);
	assert_int_equal(chk.bstart, day("2025-03-03"));
	assert_int_equal(chk.bend, day("2025-03-07"));
	assert_int_equal(chk.njoined, 1);
	assert_int_equal(chk.joined[0].id, id1);
	assert_int_equal(q_int(f, "SELECT count(*) FROM leave WHERE start = '2025-03-06'"), 0);
	assert_int_equal(q_int(f, "SELECT count(*) FROM audit"), audits + 1);
	/* forced: stored, audited as forced; the stored Mon-Wed leave is now too low */
	assert_int_equal(zc_registry_leave_add(f->s, &e, 1, "clerk", ZC_LANG_EN, &id2, &chk, err, sizeof err), 0);
	assert_true(chk.forced);
	assert_int_equal(q_int(f, "SELECT count(*) FROM audit WHERE source = 'cli --force' AND entity = 'leave'"), 1);
	assert_int_equal(zc_registry_leave_warnings(&chk, ZC_LANG_EN, lines, 4), 1);
	assert_non_null(strstr(lines[0], "stored leave #"));
	assert_non_null(strstr(lines[0], "reported as approved below its level"));
	/* approved high enough: no force needed, and nothing forced */
	e.start = e.end = "2025-03-10"; /* Mon after the block: 8 days */
	e.level = "city";
	assert_int_equal(zc_registry_leave_add(f->s, &e, 1, "clerk", ZC_LANG_EN, &id, &chk, err, sizeof err), 0);
	assert_false(chk.forced);
	assert_int_equal(chk.required, ZC_LEVEL_CITY);
	assert_int_equal(chk.njoined, 2);
	assert_int_equal(zc_registry_leave_warnings(&chk, ZC_LANG_EN, lines, 4),
			 2); /* both stored leaves are too low now */
	/* warnings: overlapping another leave, outside the assignments */
	e.start = "2025-03-04";
	e.end = "2025-03-04";
	assert_int_equal(zc_registry_leave_add(f->s, &e, 0, "clerk", ZC_LANG_EN, &id, &chk, err, sizeof err), 0);
	assert_int_equal(chk.overlap_id, id1);
	assert_int_equal(chk.outside_days, 0);
	zc_registry_entry o = {.cadre = "C3", .start = "2026-01-05", .end = "2026-01-06", .level = "township"};
	assert_int_equal(zc_registry_leave_add(f->s, &o, 0, "clerk", ZC_LANG_EN, &id, &chk, err, sizeof err), 0);
	assert_int_equal(chk.outside_days, 2);
	assert_int_equal(zc_registry_leave_warnings(&chk, ZC_LANG_EN, lines, 4), 1);
	assert_non_null(strstr(lines[0], "no assignment on 2 days of the leave"));
	/* the same leave twice, an unknown cadre */
	assert_int_equal(zc_registry_leave_add(f->s, &o, 0, "clerk", ZC_LANG_EN, &id, &chk, err, sizeof err),
			 ZC_EEXIST);
	o.cadre = "C99";
	assert_int_equal(zc_registry_leave_add(f->s, &o, 0, "clerk", ZC_LANG_EN, &id, &chk, err, sizeof err),
			 ZC_ENOENT);
}

static void test_leave_import_warnings(void **state)
{
	fx *f = *state;
	zc_import_result res;
	char err[512];
	import_all(f);
	/* a week split into two township leaves, one of them on dates of another */
	const char *p = write_csv(
	    f, "split.csv", "cadre,start,end,level\nC1,2025-03-03,2025-03-05,乡镇\nC1,2025-03-05,2025-03-07,乡镇\n");
	assert_int_equal(zc_registry_import(f->s, "leave", p, NULL, ZC_LANG_EN, &res, err, sizeof err), 0);
	assert_int_equal(res.inserted, 2);
	assert_int_equal(res.nwarnings, 4);
	assert_non_null(strstr(res.warnings[0], "split.csv:2: warning: the leave joins the leave 2025-03-05 to "
						"2025-03-07 into one leave 2025-03-03 to 2025-03-07 of 5 days"));
	assert_non_null(strstr(res.warnings[1], "split.csv:2: warning: the leave overlaps stored leave #"));
	assert_non_null(strstr(res.warnings[2], "split.csv:3: warning:"));
	zc_import_result_free(&res);
	/* other kinds have none */
	p = write_csv(f, "duty3.csv", "cadre,start,end,kind,level\nC1,2025-03-10,2025-03-10,trip,none\n");
	assert_int_equal(zc_registry_import(f->s, "duty", p, NULL, ZC_LANG_EN, &res, err, sizeof err), 0);
	assert_int_equal(res.nwarnings, 0);
	zc_import_result_free(&res);
}

/* ---- the certificate column (issue 10, items 6 and 7) ---- */

static void sfx_contains(const char *hay, const char *needle)
{
	if (!strstr(hay, needle)) {
		print_error("'%s' does not contain '%s'\n", hay, needle);
		fail();
	}
}

/* Import a badges CSV expected to fail; the first error (malloc'd). */
static char *badge_error(fx *f, zc_lang lang, const char *csv)
{
	zc_import_result res;
	char err[512];
	const char *p = write_csv(f, "cb.csv", csv);
	assert_int_equal(zc_registry_import(f->s, "badges", p, NULL, lang, &res, err, sizeof err), ZC_EMALFORMED);
	assert_true(res.nerrors >= 1);
	assert_int_equal(res.inserted + res.updated + res.unchanged, 0);
	char *e = strdup(res.errors[0]);
	zc_import_result_free(&res);
	return e;
}

/* A certificate whose subject names another cadre than the row's. */
static void test_badge_cert_other_cadre(void **state)
{
	fx *f = *state;
	import_all(f);
	int64_t audits = q_int(f, "SELECT count(*) FROM audit");
	make_ca(f, "ca2", "B2", "C1"); /* badge B2 issued to cadre C1 */
	char *e = badge_error(f, ZC_LANG_EN, "badge,cadre,bound_from,kind,certificate\nB2,C2,2024-01-01,piv,B2.der\n");
	sfx_contains(e, "cb.csv:2:certificate: ");
	sfx_contains(e, "B2.der is for cadre C1, not C2");
	free(e);
	e = badge_error(f, ZC_LANG_ZH, "工牌编号,干部编号,绑定日期,类型,证书\nB2,C2,2024-01-01,piv,B2.der\n");
	sfx_contains(e, "cb.csv:2:证书: ");
	sfx_contains(e, "属于干部 C1，不是本行的干部 C2");
	free(e);
	assert_int_equal(q_int(f, "SELECT count(*) FROM badges WHERE badge_id = 'B2'"), 0);
	assert_int_equal(q_int(f, "SELECT count(*) FROM audit"), audits);
	/* its own cadre: imported */
	zc_import_result r =
	    import_ok(f, "badges", "ok.csv", "badge,cadre,bound_from,kind,certificate\nB2,C1,2024-01-01,piv,B2.der\n");
	assert_int_equal(r.inserted, 1);
}

/* What follows "PATH" in an error about the certificate file PATH. */
static const char *after_path(const char *e, const char *name)
{
	const char *at = strstr(e, name);
	assert_non_null(at);
	return at + strlen(name);
}

/* A FIFO, a folder, a missing file, an unreadable one, one too big and a
 * symbolic link: one message for all, and the FIFO does not block. */
static void test_badge_cert_file_not_usable(void **state)
{
	fx *f = *state;
	import_all(f);
	static const char *const names[] = {"fifo.der",	      "folder.der", "missing.der",
					    "unreadable.der", "big.der",    "link.der"};
	char path[4400], target[4400];
	snprintf(path, sizeof path, "%s/fifo.der", f->dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	snprintf(path, sizeof path, "%s/folder.der", f->dir);
	assert_int_equal(mkdir(path, 0700), 0);
	size_t blen = 0;
	snprintf(target, sizeof target, "%s/B1.der", f->dir);
	uint8_t *b1 = tu_read_file(target, &blen);
	assert_non_null(b1);
	snprintf(path, sizeof path, "%s/unreadable.der", f->dir);
	assert_int_equal(tu_write_file(path, b1, blen), 0);
	assert_int_equal(chmod(path, 0), 0);
	free(b1);
	uint8_t *big = calloc(1, 65 * 1024 + 1);
	snprintf(path, sizeof path, "%s/big.der", f->dir);
	assert_int_equal(tu_write_file(path, big, 65 * 1024 + 1), 0);
	free(big);
	snprintf(path, sizeof path, "%s/link.der", f->dir);
	assert_int_equal(symlink(target, path), 0);

	char *first = NULL;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (!strcmp(names[i], "unreadable.der") && geteuid() == 0)
			continue; /* root reads it anyway */
		char csv[512];
		snprintf(csv, sizeof csv, "badge,cadre,bound_from,kind,certificate\nB9,C1,2024-01-01,piv,%s\n",
			 names[i]);
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		char *e = badge_error(f, ZC_LANG_EN, csv);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		assert_true(t1.tv_sec - t0.tv_sec < 3); /* the FIFO returns at once */
		sfx_contains(e, "cb.csv:2:certificate: ");
		const char *tail = after_path(e, names[i]);
		sfx_contains(tail, " is not a usable certificate file");
		if (!first)
			first = strdup(tail);
		else
			assert_string_equal(tail, first);
		free(e);
	}
	free(first);
	assert_int_equal(q_int(f, "SELECT count(*) FROM badges WHERE badge_id = 'B9'"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_every_kind_and_load, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_idempotent, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_update_audited, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bom_and_chinese_headers, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_rows, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_leave_duty_one_at_a_time, setup, teardown),
	    cmocka_unit_test(test_day_parse_any),
	    cmocka_unit_test(test_time_parse_any),
	    cmocka_unit_test_setup_teardown(test_correction_inspection_import, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_correction_inspection_bad_rows, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_chinese_messages, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_gbk_files, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_correction_inspection_one_at_a_time, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ca_and_revocations, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ten_thousand, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_leave_duty_columns, setup, teardown),
	    cmocka_unit_test(test_leave_block_rule),
	    cmocka_unit_test_setup_teardown(test_leave_add_checked, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_leave_import_warnings, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_badge_cert_other_cadre, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_badge_cert_file_not_usable, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
