/* SPDX-License-Identifier: Apache-2.0 */
/*
 * registry_csv.c: the kinds of registry CSV files, the reader and the
 * checks that need no store (registry_csv.h, host/doc/IMPORT.md).
 *
 * libcsv does the RFC 4180 work (quotes, doubled quotes, line breaks inside
 * quoted fields) in strict mode. It does not count lines, so the reader
 * feeds it one physical line at a time and notes the line on which each
 * row begins: when a line starts while the parser is between rows, the next
 * row (if the line is not blank) begins on it.
 *
 * Before that, zc_csv_decode brings a file that is not UTF-8 to UTF-8 from
 * GB18030 (glibc iconv): line breaks and commas are single ASCII bytes in
 * both, so lines and fields stay where they were.
 */
#include "registry_csv.h"

#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "zc/dates.h"
#include "zc/err.h"
#include "zc/i18n.h"
#include "zc/rules.h"

/* The message in the language lang (of the function using it). */
#define L(zh, en) (lang == ZC_LANG_EN ? (en) : (zh))

/* libcsv's parser state between rows (ROW_NOT_BEGUN in libcsv.c). */
#define CSV_ROW_NOT_BEGUN 0

/* ---- the kinds ---- */

static const zc_csv_enum roles[] = {
    {"first_secretary", {"第一书记", "first secretary"}},
    {"member", {"队员", "工作队员"}},
    {NULL, {NULL}},
};
const zc_csv_enum zc_csv_levels[] = {
    {"township", {"乡镇", "镇", "街道"}}, {"district", {"区"}}, {"city", {"市"}}, {"none", {"无"}}, {NULL, {NULL}},
};
const zc_csv_enum zc_csv_duty_kinds[] = {
    {"trip", {"出差"}},
    {"meeting", {"会议"}},
    {"training", {"培训"}},
    {NULL, {NULL}},
};
const zc_csv_enum zc_csv_leave_types[] = {
    {"personal", {"事假"}},	 {"sick", {"病假"}}, {"family_visit", {"探亲假", "探亲", "family visit"}},
    {"other", {"其他", "其它"}}, {NULL, {NULL}},
};
const zc_csv_enum zc_csv_results[] = {
    {"present", {"在岗"}},
    {"absent", {"缺岗", "不在岗", "脱岗"}},
    {NULL, {NULL}},
};
static const zc_csv_enum day_kinds[] = {
    {"holiday", {"休息日", "节假日", "假日"}},
    {"workday", {"调休上班日", "上班日", "工作日"}},
    {NULL, {NULL}},
};
static const zc_csv_enum badge_kinds[] = {
    {"piv", {NULL}},
    {"uid", {NULL}},
    {NULL, {NULL}},
};

/* name, zh, type, key, required, values, alias */
static const zc_csv_col c_districts[] = {
    {"id", "编号", ZC_CT_ID, 1, 1, NULL, NULL},
    {"name", "名称", ZC_CT_TEXT, 0, 1, NULL, NULL},
};
static const zc_csv_col c_townships[] = {
    {"id", "编号", ZC_CT_ID, 1, 1, NULL, NULL},
    {"name", "名称", ZC_CT_TEXT, 0, 1, NULL, NULL},
    {"district", "所属区", ZC_CT_ID, 0, 1, NULL, NULL},
};
static const zc_csv_col c_villages[] = {
    {"id", "编号", ZC_CT_ID, 1, 1, NULL, NULL},
    {"name", "名称", ZC_CT_TEXT, 0, 1, NULL, NULL},
    {"township", "所属乡镇", ZC_CT_ID, 0, 1, NULL, NULL},
    {"rate_fen", "日补助标准/分", ZC_CT_FEN, 0, 0, NULL, NULL},
};
static const zc_csv_col c_terminals[] = {
    {"id", "编号", ZC_CT_ID, 1, 1, NULL, NULL},
    {"township", "所属乡镇", ZC_CT_ID, 0, 1, NULL, NULL},
    {"key_fp", "密钥指纹", ZC_CT_TEXT, 0, 0, NULL, NULL},
};
static const zc_csv_col c_cadres[] = {
    {"id", "编号", ZC_CT_ID, 1, 1, NULL, NULL},
    {"name", "姓名", ZC_CT_TEXT, 0, 1, NULL, NULL},
    {"role", "职务", ZC_CT_ENUM, 0, 1, roles, NULL},
    {"party_since", "入党日期", ZC_CT_PARTY, 0, 0, NULL, NULL},
    {"work_since", "参加工作日期", ZC_CT_DATE, 0, 1, NULL, NULL},
    {"unit", "派出单位", ZC_CT_TEXT, 0, 1, NULL, NULL},
};
static const zc_csv_col c_assignments[] = {
    {"cadre", "干部编号", ZC_CT_ID, 1, 1, NULL, NULL},
    {"village", "村编号", ZC_CT_ID, 1, 1, NULL, NULL},
    {"start", "开始日期", ZC_CT_DATE, 1, 1, NULL, NULL},
    {"end", "结束日期", ZC_CT_DATE, 0, 1, NULL, NULL},
};
static const zc_csv_col c_badges[] = {
    {"badge", "工牌编号", ZC_CT_ID, 1, 1, NULL, NULL},	      {"cadre", "干部编号", ZC_CT_ID, 1, 1, NULL, NULL},
    {"bound_from", "绑定日期", ZC_CT_DATE, 1, 1, NULL, NULL}, {"bound_to", "解绑日期", ZC_CT_DATE, 0, 0, NULL, NULL},
    {"kind", "类型", ZC_CT_ENUM, 0, 1, badge_kinds, NULL},    {"uid", "卡号", ZC_CT_UID, 0, 0, NULL, NULL},
    {"certificate", "证书", ZC_CT_PATH, 0, 0, NULL, NULL},
};
static const zc_csv_col c_leave[] = {
    {"cadre", "干部编号", ZC_CT_ID, 1, 1, NULL, NULL},
    {"start", "开始日期", ZC_CT_DATE, 1, 1, NULL, NULL},
    {"end", "结束日期", ZC_CT_DATE, 1, 1, NULL, NULL},
    {"level", "审批级别", ZC_CT_ENUM, 0, 1, zc_csv_levels, NULL},
    {"ref", "批文号", ZC_CT_TEXT, 0, 0, NULL, NULL},
    {"type", "类型", ZC_CT_ENUM, 0, 0, zc_csv_leave_types, "请假类型"},
    {"reason", "事由", ZC_CT_TEXT, 0, 0, NULL, NULL},
};
static const zc_csv_col c_duty[] = {
    {"cadre", "干部编号", ZC_CT_ID, 1, 1, NULL, NULL},
    {"start", "开始日期", ZC_CT_DATE, 1, 1, NULL, NULL},
    {"end", "结束日期", ZC_CT_DATE, 1, 1, NULL, NULL},
    {"kind", "类型", ZC_CT_ENUM, 1, 1, zc_csv_duty_kinds, NULL},
    {"level", "级别", ZC_CT_ENUM, 0, 1, zc_csv_levels, NULL},
    {"place", "地点", ZC_CT_TEXT, 0, 0, NULL, NULL},
    {"purpose", "事由", ZC_CT_TEXT, 0, 0, NULL, NULL},
};
static const zc_csv_col c_correction[] = {
    {"cadre_id", "干部编号", ZC_CT_ID, 1, 1, NULL, "cadre"},
    {"date", "日期", ZC_CT_DATE, 1, 1, NULL, NULL},
    {"level", "审批级别", ZC_CT_ENUM, 0, 1, zc_csv_levels, NULL},
    {"reason", "事由", ZC_CT_TEXT, 0, 1, NULL, NULL},
    {"ref", "批文号", ZC_CT_TEXT, 0, 0, NULL, NULL},
};
/* in the order of the store's columns: the key (village, time, cadre) first */
static const zc_csv_col c_inspection[] = {
    {"village_id", "村编号", ZC_CT_ID, 1, 1, NULL, "village"},
    {"time", "检查时间", ZC_CT_TIME, 1, 1, NULL, NULL},
    {"cadre_id", "干部编号", ZC_CT_ID, 1, 1, NULL, "cadre"},
    {"inspector", "检查人", ZC_CT_TEXT, 0, 1, NULL, "检查组"},
    {"result", "结果", ZC_CT_ENUM, 0, 1, zc_csv_results, NULL},
    {"note", "备注", ZC_CT_TEXT, 0, 0, NULL, NULL},
};
static const zc_csv_col c_calendar[] = {
    {"date", "日期", ZC_CT_DATE, 1, 1, NULL, NULL},
    {"kind", "类型", ZC_CT_ENUM, 0, 1, day_kinds, NULL},
    {"note", "备注", ZC_CT_TEXT, 0, 0, NULL, NULL},
};
static const zc_csv_col c_policy[] = {
    {"name", "名称", ZC_CT_POLICY, 1, 1, NULL, NULL},
    {"value", "值", ZC_CT_VALUE, 0, 1, NULL, NULL},
};

#define KIND(id, name, cols)                                                                                           \
	{                                                                                                              \
		id, name, (int)(sizeof cols / sizeof cols[0]), cols                                                    \
	}
static const zc_csv_kind kinds[ZC_K_COUNT] = {
    KIND(ZC_K_DISTRICTS, "districts", c_districts),
    KIND(ZC_K_TOWNSHIPS, "townships", c_townships),
    KIND(ZC_K_VILLAGES, "villages", c_villages),
    KIND(ZC_K_TERMINALS, "terminals", c_terminals),
    KIND(ZC_K_CADRES, "cadres", c_cadres),
    KIND(ZC_K_ASSIGNMENTS, "assignments", c_assignments),
    KIND(ZC_K_BADGES, "badges", c_badges),
    KIND(ZC_K_LEAVE, "leave", c_leave),
    KIND(ZC_K_DUTY, "duty", c_duty),
    KIND(ZC_K_CORRECTION, "correction", c_correction),
    KIND(ZC_K_INSPECTION, "inspection", c_inspection),
    KIND(ZC_K_CALENDAR, "calendar", c_calendar),
    KIND(ZC_K_POLICY, "policy", c_policy),
};

const zc_csv_kind *zc_csv_kind_find(const char *name)
{
	for (int i = 0; name && i < ZC_K_COUNT; i++)
		if (!strcmp(name, kinds[i].name))
			return &kinds[i];
	return NULL;
}

const zc_csv_kind *zc_csv_kind_get(int id)
{
	return id >= 0 && id < ZC_K_COUNT ? &kinds[id] : NULL;
}

static int ascii_casecmp(const char *a, const char *b)
{
	for (;; a++, b++) {
		int x = (unsigned char)*a, y = (unsigned char)*b;
		if (x >= 'A' && x <= 'Z')
			x += 32;
		if (y >= 'A' && y <= 'Z')
			y += 32;
		if (x != y || !x)
			return x - y;
	}
}

const char *zc_csv_enum_value(const zc_csv_enum *values, const char *s)
{
	for (const zc_csv_enum *e = values; e && e->value; e++) {
		if (!ascii_casecmp(s, e->value))
			return e->value;
		for (int i = 0; i < 4 && e->alias[i]; i++)
			if (!ascii_casecmp(s, e->alias[i]))
				return e->value;
	}
	return NULL;
}

void zc_csv_enum_list(const zc_csv_enum *values, zc_lang lang, char *out, size_t cap)
{
	size_t l = 0;
	out[0] = 0;
	for (const zc_csv_enum *e = values; e && e->value && l < cap; e++)
		l += (size_t)snprintf(out + l, cap - l, "%s%s%s%s", l ? L("、", ", ") : "", e->value,
				      e->alias[0] ? "/" : "", e->alias[0] ? e->alias[0] : "");
}

/* ---- errors ---- */

void zc_csv_error(zc_csv_errors *e, unsigned long line, const char *column, const char *fmt, ...)
{
	char reason[512], head[600];
	if (e->n >= ZC_CSV_MAX_ERRORS) {
		e->more = 1;
		return;
	}
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(reason, sizeof reason, fmt, ap);
	va_end(ap);
	const char *file = e->file ? e->file : "-";
	if (line && column)
		snprintf(head, sizeof head, "%s:%lu:%s", file, line, column);
	else if (line)
		snprintf(head, sizeof head, "%s:%lu", file, line);
	else
		snprintf(head, sizeof head, "%s", file);
	size_t n = strlen(head) + strlen(reason) + 3;
	char *m = malloc(n);
	if (!m) {
		e->nomem = 1;
		return;
	}
	snprintf(m, n, "%s: %s", head, reason);
	e->msg[e->n++] = m;
}

int zc_csv_errors_full(const zc_csv_errors *e)
{
	return e->n >= ZC_CSV_MAX_ERRORS || e->nomem;
}

void zc_csv_errors_clear(zc_csv_errors *e)
{
	for (size_t i = 0; i < e->n; i++)
		free(e->msg[i]);
	e->n = 0;
	e->more = 0;
	e->nomem = 0;
}

/* ---- field checks ---- */

int zc_csv_valid_id(const char *s)
{
	size_t n = strlen(s);
	if (n < 1 || n > ZC_CSV_ID_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
		      c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

/* The code point of the UTF-8 sequence at s[i] (shortest form, no
 * surrogates, at most U+10FFFF) into *cp: its length, or 0 when invalid. */
static size_t utf8_next(const unsigned char *s, size_t len, size_t i, unsigned *cp)
{
	unsigned c = s[i], min;
	size_t n;
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		*cp = c & 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		*cp = c & 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		*cp = c & 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (len - i < n)
		return 0;
	for (size_t k = 1; k < n; k++) {
		if ((s[i + k] & 0xc0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (s[i + k] & 0x3f);
	}
	if (*cp < min || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
		return 0;
	return n;
}

/* 0 if s[0..len) is UTF-8 without C0/C1 controls or DEL (free text may
 * hold tabs and line breaks); 1 for bad UTF-8, 2 for a control. */
static int text_problem(const char *str, size_t len, int free_text)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < len) {
		unsigned cp;
		size_t n = utf8_next(s, len, i, &cp);
		if (!n)
			return 1;
		if ((cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) &&
		    !(free_text && (cp == '\t' || cp == '\n' || cp == '\r')))
			return 2;
		i += n;
	}
	return 0;
}

int zc_csv_valid_text(const char *s, size_t len)
{
	return text_problem(s, len, 0) ? -1 : 0;
}

/* ---- the file's encoding ---- */

/* Offset of the first byte of buf that is not UTF-8, or len. */
static size_t utf8_prefix(const uint8_t *buf, size_t len)
{
	size_t i = 0, n;
	unsigned cp;
	while (i < len && (n = utf8_next(buf, len, i, &cp)))
		i += n;
	return i;
}

/* buf from GB18030 to UTF-8 into *out: 0, -1 (not GB18030), ZC_ENOMEM. */
static int from_gb18030(const uint8_t *buf, size_t len, uint8_t **out, size_t *outlen)
{
	/* a GB18030 character of 1, 2 or 4 bytes is at most 1, 3 or 4 in UTF-8 */
	if (len > SIZE_MAX / 2)
		return ZC_ENOMEM;
	size_t cap = len / 2 * 3 + 4;
	char *o = malloc(cap);
	if (!o)
		return ZC_ENOMEM;
	iconv_t cd = iconv_open("UTF-8", "GB18030");
	if (cd == (iconv_t)-1) {
		free(o);
		return -1;
	}
	char *in = (char *)buf, *op = o;
	size_t inleft = len, outleft = cap;
	int rc = iconv(cd, &in, &inleft, &op, &outleft) == (size_t)-1 ? -1 : 0;
	iconv_close(cd);
	if (rc || inleft) {
		free(o);
		return -1;
	}
	*out = (uint8_t *)o;
	*outlen = cap - outleft;
	return 0;
}

int zc_csv_decode(const uint8_t *buf, size_t len, uint8_t **out, size_t *outlen, const char **encoding,
		  zc_csv_errors *errs)
{
	*out = NULL;
	*outlen = 0;
	*encoding = "UTF-8";
	size_t bad = utf8_prefix(buf, len);
	if (bad == len || (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3)))
		return 0; /* UTF-8 (with a BOM, bad bytes are reported field by field) */
	int rc = from_gb18030(buf, len, out, outlen);
	if (rc == 0) {
		*encoding = "GB18030";
		return 0;
	}
	if (rc == ZC_ENOMEM)
		return rc;
	unsigned long line = 1;
	for (size_t i = 0; i < bad; i++)
		line += buf[i] == '\n';
	*encoding = NULL;
	const zc_lang lang = errs->lang;
	zc_csv_error(errs, line, NULL, "%s",
		     L("文件编码无法识别：既不是 UTF-8，也不是 GBK/GB18030。请用 Excel 打开此文件，"
		       "“另存为”时保存类型选“CSV UTF-8（逗号分隔）(*.csv)”，再导入",
		       "unknown text encoding: neither UTF-8 nor GBK/GB18030. Open the file in Excel, "
		       "Save As with the type \"CSV UTF-8 (Comma delimited) (*.csv)\" and import that"));
	return ZC_EMALFORMED;
}

/* A policy name is known if zc_policy_set accepts it with some value. */
static int policy_known(const char *name)
{
	static const char *const probes[] = {"1", "on", "UTC", "0"};
	for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
		zc_policy p;
		zc_policy_default(&p);
		if (!zc_policy_set(&p, name, probes[i]))
			return 1;
	}
	return 0;
}

/* ---- the reader ---- */

typedef struct field {
	char *s;
	size_t len;
} field;

typedef struct reader {
	const zc_csv_kind *k;
	zc_csv_errors *errs;
	zc_csv_row_fn fn;
	void *arg;
	int rc;		    /* first failure (fn's, or ZC_ENOMEM) */
	unsigned long line; /* physical line being fed */
	unsigned long row_line;
	field *f;
	size_t nf, capf;
	int have_header;
	int header_bad;
	size_t ncols_file;	       /* fields in the header */
	int map[64];		       /* file column -> kind column, -1 none; only ncols_file used */
	char *header[ZC_CSV_MAX_COLS]; /* the file's spelling of each kind column */
	int present[ZC_CSV_MAX_COLS];
	char norm[ZC_CSV_MAX_COLS][64]; /* canonical values that differ from the field */
} reader;

static void on_field(void *s, size_t len, void *data)
{
	reader *r = data;
	if (r->rc)
		return;
	if (r->nf == r->capf) {
		size_t cap = r->capf ? r->capf * 2 : 16;
		field *nf = realloc(r->f, cap * sizeof *nf);
		if (!nf) {
			r->rc = ZC_ENOMEM;
			return;
		}
		r->f = nf;
		r->capf = cap;
	}
	char *c = malloc(len + 1);
	if (!c) {
		r->rc = ZC_ENOMEM;
		return;
	}
	if (len)
		memcpy(c, s, len);
	c[len] = 0;
	r->f[r->nf].s = c;
	r->f[r->nf].len = len;
	r->nf++;
}

static void free_fields(reader *r)
{
	for (size_t i = 0; i < r->nf; i++)
		free(r->f[i].s);
	r->nf = 0;
}

/* Trim blanks (zc_trim_span) at both ends, in place. */
static void trim(field *f)
{
	size_t a, b;
	zc_trim_span(f->s, f->len, &a, &b);
	memmove(f->s, f->s + a, b - a);
	f->s[b - a] = 0;
	f->len = b - a;
}

static int field_text_ok(reader *r, const field *f, const char *column, int free_text)
{
	const zc_lang lang = r->errs->lang;
	int p = text_problem(f->s, f->len, free_text);
	if (p == 1)
		zc_csv_error(r->errs, r->row_line, column, "%s", L("不是有效的 UTF-8 文本", "invalid UTF-8"));
	else if (p == 2)
		zc_csv_error(r->errs, r->row_line, column, "%s",
			     L("含有控制字符（如换行、制表符）", "contains a control character (line break, tab...)"));
	return p == 0;
}

/* The kind column a header names (English, Chinese or the alias), or -1. */
static int header_column(const zc_csv_kind *k, const char *name)
{
	for (int c = 0; c < k->ncols; c++) {
		const zc_csv_col *col = &k->cols[c];
		if (!strcmp(name, col->name) || !strcmp(name, col->zh) || (col->alias && !strcmp(name, col->alias)))
			return c;
	}
	return -1;
}

/* What messages call column c: its Chinese name in Chinese, else as the
 * file spells it (spelled: NULL when the file lacks it). */
static int set_header_name(reader *r, int c, const char *spelled)
{
	const zc_csv_col *col = &r->k->cols[c];
	const char *name = r->errs->lang == ZC_LANG_ZH ? col->zh : spelled ? spelled : col->name;
	free(r->header[c]);
	r->header[c] = strdup(name);
	if (!r->header[c])
		r->rc = ZC_ENOMEM;
	return r->header[c] != NULL;
}

static void do_header(reader *r)
{
	const zc_csv_kind *k = r->k;
	const zc_lang lang = r->errs->lang;
	r->have_header = 1;
	r->ncols_file = r->nf;
	if (r->nf > sizeof r->map / sizeof r->map[0]) {
		zc_csv_error(r->errs, r->row_line, NULL,
			     L("表头有 %zu 列，太多", "the header has %zu columns, too many"), r->nf);
		r->header_bad = 1;
		return;
	}
	for (size_t i = 0; i < r->nf; i++) {
		field *f = &r->f[i];
		r->map[i] = -1;
		if (!field_text_ok(r, f, "?", 0)) {
			r->header_bad = 1;
			continue;
		}
		int found = header_column(k, f->s);
		if (found < 0) {
			if (f->len)
				zc_csv_error(r->errs, r->row_line, f->s,
					     L("未知的列（%s 文件的列见 IMPORT.md）",
					       "unknown column (see IMPORT.md for the columns of %s)"),
					     k->name);
			else
				zc_csv_error(r->errs, r->row_line, NULL,
					     L("第 %zu 列没有列名", "column %zu has no name"), i + 1);
			r->header_bad = 1;
			continue;
		}
		if (r->present[found]) {
			zc_csv_error(r->errs, r->row_line, f->s, "%s", L("列重复", "duplicate column"));
			r->header_bad = 1;
			continue;
		}
		r->present[found] = 1;
		r->map[i] = found;
		set_header_name(r, found, f->s);
	}
	for (int c = 0; c < k->ncols; c++) {
		if (r->present[c] || !set_header_name(r, c, NULL))
			continue;
		if (k->cols[c].required) {
			/* the English message names the other spelling only ("%.0s") */
			zc_csv_error(r->errs, r->row_line, r->header[c],
				     L("缺少此列（列名可写“%s”或“%s”）", "missing column (%s%.0s)"), k->cols[c].zh,
				     k->cols[c].name);
			r->header_bad = 1;
		}
	}
}

/* A date (-> YYYY-MM-DD in r->norm[c]), a party date or a time field. */
static int check_when(reader *r, int c, const field *f, const char **out)
{
	const zc_csv_col *col = &r->k->cols[c];
	const char *h = r->header[c];
	const zc_lang lang = r->errs->lang;
	zc_day d;
	int64_t t;
	if (col->type == ZC_CT_PARTY && (!ascii_casecmp(f->s, "none") || !strcmp(f->s, "无"))) {
		*out = "";
		return 1;
	}
	if (col->type == ZC_CT_TIME) {
		if (!zc_time_parse_any(f->s, 0, &t))
			return 1;
		zc_csv_error(r->errs, r->row_line, h,
			     L("'%.40s' 不是有效时间（" ZC_TIME_FORMS_ZH "）",
			       "'%.40s' is not a valid time (" ZC_TIME_FORMS_EN ")"),
			     f->s);
		return 0;
	}
	if (zc_day_parse_any(f->s, &d)) {
		zc_csv_error(r->errs, r->row_line, h,
			     L("'%.40s' 不是有效日期（可写作 " ZC_DAY_FORMS_ZH "）",
			       "'%.40s' is not a valid date (accepted: " ZC_DAY_FORMS_EN ")"),
			     f->s);
		return 0;
	}
	zc_day_format(d, r->norm[c]);
	*out = r->norm[c];
	return 1;
}

/* A UID field (4 or 7 bytes of hex, ':' '-' ' ' between allowed) as
 * upper-case hex into out: 1, or 0 (out untouched) when it is not one. */
static int uid_norm(const field *f, char out[64])
{
	char hex[64];
	size_t n = 0;
	for (size_t i = 0; i < f->len; i++) {
		char ch = f->s[i];
		if (ch == ':' || ch == '-' || ch == ' ')
			continue;
		if (ch >= 'a' && ch <= 'f')
			ch = (char)(ch - 32);
		if (!((ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'F')) || n + 1 >= sizeof hex)
			return 0;
		hex[n++] = ch;
	}
	if (n != 8 && n != 14)
		return 0;
	hex[n] = 0;
	memcpy(out, hex, n + 1);
	return 1;
}

/* Check one field; *out is the canonical value (f->s, or r->norm[c]). */
static int check_field(reader *r, int c, field *f, const char **out)
{
	const zc_csv_col *col = &r->k->cols[c];
	const char *h = r->header[c];
	const zc_lang lang = r->errs->lang;
	unsigned long ln = r->row_line;
	*out = f->s;
	if (!field_text_ok(r, f, h, col->type == ZC_CT_TEXT))
		return 0;
	if (!f->len) {
		if (col->required) {
			zc_csv_error(r->errs, ln, h, "%s", L("不能为空", "must not be empty"));
			return 0;
		}
		return 1;
	}
	switch (col->type) {
	case ZC_CT_ID:
		if (!zc_csv_valid_id(f->s)) {
			zc_csv_error(r->errs, ln, h,
				     L("编号 '%s' 无效（1–32 个字符：A-Z a-z 0-9 . _ -）",
				       "invalid id '%s' (1-32 of A-Z a-z 0-9 . _ -)"),
				     f->s);
			return 0;
		}
		return 1;
	case ZC_CT_TEXT:
		if (f->len > ZC_CSV_TEXT_MAX) {
			zc_csv_error(r->errs, ln, h, L("太长（最多 %d 字节）", "too long (at most %d bytes)"),
				     ZC_CSV_TEXT_MAX);
			return 0;
		}
		return 1;
	case ZC_CT_PATH:
		if (f->len > ZC_CSV_PATH_MAX) {
			zc_csv_error(r->errs, ln, h,
				     L("文件名太长（最多 %d 字节）", "file name too long (at most %d bytes)"),
				     ZC_CSV_PATH_MAX);
			return 0;
		}
		return 1;
	case ZC_CT_PARTY:
	case ZC_CT_DATE:
	case ZC_CT_TIME: return check_when(r, c, f, out);
	case ZC_CT_ENUM: {
		const char *v = zc_csv_enum_value(col->values, f->s);
		if (!v) {
			char list[256];
			zc_csv_enum_list(col->values, lang, list, sizeof list);
			zc_csv_error(r->errs, ln, h,
				     L("'%.40s' 无效，应为：%s", "invalid value '%.40s', expected one of: %s"), f->s,
				     list);
			return 0;
		}
		*out = v;
		return 1;
	}
	case ZC_CT_FEN: {
		unsigned long long v = 0;
		int ok = f->len <= 9;
		for (size_t i = 0; ok && i < f->len; i++) {
			if (f->s[i] < '0' || f->s[i] > '9')
				ok = 0;
			else
				v = v * 10 + (unsigned)(f->s[i] - '0');
		}
		if (!ok || v > 100000000ULL) {
			zc_csv_error(r->errs, ln, h,
				     L("'%.40s' 不是 0–100000000 之间的整数（单位：分）",
				       "'%.40s' is not a whole number of fen from 0 to 100000000"),
				     f->s);
			return 0;
		}
		snprintf(r->norm[c], sizeof r->norm[c], "%llu", v);
		*out = r->norm[c];
		return 1;
	}
	case ZC_CT_UID:
		if (!uid_norm(f, r->norm[c])) {
			zc_csv_error(r->errs, ln, h,
				     L("卡号 '%.40s' 无效（4 或 7 字节的十六进制）",
				       "invalid UID '%.40s' (4 or 7 bytes of hex)"),
				     f->s);
			return 0;
		}
		*out = r->norm[c];
		return 1;
	case ZC_CT_POLICY:
		if (!policy_known(f->s)) {
			zc_csv_error(r->errs, ln, h, L("未知的规则参数 '%.60s'", "unknown policy '%.60s'"), f->s);
			return 0;
		}
		return 1;
	case ZC_CT_VALUE:
		if (f->len > ZC_CSV_TEXT_MAX) {
			zc_csv_error(r->errs, ln, h, L("太长（最多 %d 字节）", "too long (at most %d bytes)"),
				     ZC_CSV_TEXT_MAX);
			return 0;
		}
		return 1;
	}
	return 1;
}

/* Checks across the fields of a row. */
static int check_row(reader *r, zc_csv_row *row)
{
	const char **v = row->v;
	char *const *h = r->header;
	const zc_lang lang = r->errs->lang;
	unsigned long ln = row->line;
	int ok = 1;
	switch (r->k->id) {
	case ZC_K_ASSIGNMENTS:
		if (strcmp(v[AS_START], v[AS_END]) > 0) {
			zc_csv_error(r->errs, ln, h[AS_END], L("结束日期早于开始日期 %s", "ends before it starts (%s)"),
				     v[AS_START]);
			ok = 0;
		}
		break;
	case ZC_K_LEAVE:
	case ZC_K_DUTY:
		if (strcmp(v[1], v[2]) > 0) {
			zc_csv_error(r->errs, ln, h[2], L("结束日期早于开始日期 %s", "ends before it starts (%s)"),
				     v[1]);
			ok = 0;
		}
		break;
	case ZC_K_BADGES:
		if (*v[BA_TO] && strcmp(v[BA_FROM], v[BA_TO]) > 0) {
			zc_csv_error(r->errs, ln, h[BA_TO], L("解绑日期早于绑定日期 %s", "ends before it starts (%s)"),
				     v[BA_FROM]);
			ok = 0;
		}
		if (!strcmp(v[BA_KIND], "piv") && !*v[BA_CERT]) {
			zc_csv_error(r->errs, ln, h[BA_CERT], "%s",
				     L("PIV 工牌需要证书文件", "a piv badge needs its certificate file"));
			ok = 0;
		}
		if (!strcmp(v[BA_KIND], "uid") && !*v[BA_UID]) {
			zc_csv_error(r->errs, ln, h[BA_UID], "%s", L("UID 工牌需要卡号", "a uid badge needs its UID"));
			ok = 0;
		}
		if (!strcmp(v[BA_KIND], "uid") && *v[BA_CERT]) {
			zc_csv_error(r->errs, ln, h[BA_CERT], "%s",
				     L("UID 工牌没有证书（证书只用于 piv 工牌）",
				       "a uid badge has no certificate (certificates are for piv badges)"));
			ok = 0;
		}
		break;
	case ZC_K_POLICY: {
		zc_policy p;
		zc_policy_default(&p);
		if (zc_policy_set(&p, v[PO_NAME], v[PO_VALUE])) {
			zc_csv_error(r->errs, ln, h[PO_VALUE],
				     L("'%.60s' 不是规则参数 %s 的有效值", "'%.60s' is not a valid value for %s"),
				     v[PO_VALUE], v[PO_NAME]);
			ok = 0;
		}
		break;
	}
	default: break;
	}
	return ok;
}

static void do_row(reader *r)
{
	const zc_csv_kind *k = r->k;
	const zc_lang lang = r->errs->lang;
	size_t i;
	for (i = 0; i < r->nf; i++)
		trim(&r->f[i]);
	for (i = 0; i < r->nf && !r->f[i].len; i++)
		;
	if (i == r->nf)
		return; /* a blank row (",,,") */
	if (!r->have_header) {
		do_header(r);
		return;
	}
	if (r->header_bad)
		return;
	zc_csv_row row;
	memset(&row, 0, sizeof row);
	row.line = r->row_line;
	for (int c = 0; c < k->ncols; c++) {
		row.v[c] = "";
		row.header[c] = r->header[c];
		row.present[c] = r->present[c];
	}
	if (r->nf > r->ncols_file) {
		zc_csv_error(r->errs, r->row_line, NULL,
			     L("本行有 %zu 个字段，表头只有 %zu 列", "the row has %zu fields, the header %zu columns"),
			     r->nf, r->ncols_file);
		return;
	}
	int ok = 1;
	for (i = 0; i < r->nf; i++) {
		int c = r->map[i];
		if (c < 0)
			continue;
		if (memchr(r->f[i].s, 0, r->f[i].len)) {
			zc_csv_error(r->errs, r->row_line, r->header[c], "%s",
				     L("含有 NUL 字节", "contains a NUL byte"));
			ok = 0;
			continue;
		}
		if (!check_field(r, c, &r->f[i], &row.v[c]))
			ok = 0;
	}
	/* columns the row is too short for, or the file lacks */
	for (int c = 0; c < k->ncols; c++) {
		int have = 0;
		for (i = 0; i < r->nf; i++)
			if (r->map[i] == c)
				have = 1;
		if (!have && k->cols[c].required) {
			zc_csv_error(r->errs, r->row_line, r->header[c], "%s", L("不能为空", "must not be empty"));
			ok = 0;
		}
	}
	if (!ok || !check_row(r, &row))
		return;
	int rc = r->fn ? r->fn(r->arg, &row, r->errs) : 0;
	if (rc && !r->rc)
		r->rc = rc;
}

static void on_row(int c, void *data)
{
	reader *r = data;
	(void)c;
	if (!r->rc && !zc_csv_errors_full(r->errs))
		do_row(r);
	free_fields(r);
}

int zc_csv_read(const zc_csv_kind *k, const uint8_t *buf, size_t len, zc_csv_row_fn fn, void *arg, zc_csv_errors *errs)
{
	struct csv_parser p;
	reader r;
	size_t pos = 0;
	const zc_lang lang = errs->lang;

	memset(&r, 0, sizeof r);
	r.k = k;
	r.errs = errs;
	r.fn = fn;
	r.arg = arg;
	r.line = 1;
	r.row_line = 1;
	if (!k || (len && !buf))
		return ZC_EARG;
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL))
		return ZC_ENOMEM;
	if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3))
		pos = 3;
	int parse_failed = 0;
	while (pos < len && !r.rc && !zc_csv_errors_full(errs)) {
		const uint8_t *nl = memchr(buf + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - buf) + 1 : len;
		if (p.pstate == CSV_ROW_NOT_BEGUN)
			r.row_line = r.line;
		if (csv_parse(&p, buf + pos, end - pos, on_field, on_row, &r) != end - pos) {
			if (csv_error(&p) == CSV_ENOMEM || csv_error(&p) == CSV_ETOOBIG)
				r.rc = r.rc ? r.rc : ZC_ENOMEM;
			else
				zc_csv_error(errs, r.line, NULL, "%s",
					     L("CSV 格式错误：未加引号的字段中有引号，或右引号后还有文字",
					       "malformed CSV: a quote inside a field that is not quoted, or text "
					       "after a closing quote"));
			parse_failed = 1;
			break;
		}
		pos = end;
		r.line++;
	}
	if (!parse_failed && !r.rc && !zc_csv_errors_full(errs)) {
		if (csv_fini(&p, on_field, on_row, &r))
			zc_csv_error(errs, r.row_line, NULL, "%s",
				     L("CSV 格式错误：引号没有闭合", "malformed CSV: a quoted field is not closed"));
		else if (!r.have_header && !r.rc)
			zc_csv_error(errs, 0, NULL, "%s",
				     L("文件是空的（没有表头）", "the file is empty (no header row)"));
	}
	if (zc_csv_errors_full(errs) && pos < len)
		errs->more = 1; /* stopped: the rest of the file was not checked */
	free_fields(&r);
	free(r.f);
	for (int c = 0; c < ZC_CSV_MAX_COLS; c++)
		free(r.header[c]);
	csv_free(&p);
	if (errs->nomem && !r.rc)
		r.rc = ZC_ENOMEM;
	return r.rc;
}
