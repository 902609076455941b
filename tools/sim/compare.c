/* SPDX-License-Identifier: Apache-2.0 */
/*
 * compare.c: a report against a scenario's expected report (compare.h).
 * Years rows are matched whole (every member equal); a row with the same
 * cadre and year but other values is shown member by member. Findings are
 * reduced to (type, subject, date) triples, the subject being whichever of
 * cadre, village, terminal, township or district the finding names.
 */
#include "compare.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

static const char *const subject_keys[] = {"cadre", "village", "terminal", "township", "district"};

/* "type subject=ID date" into buf; -1 if the finding lacks type or date. */
static int triple(json_t *f, char *buf, size_t cap)
{
	const char *type = json_string_value(json_object_get(f, "type"));
	const char *date = json_string_value(json_object_get(f, "date"));
	if (!type || !date)
		return -1;
	const char *key = "-", *id = "-";
	for (size_t i = 0; i < sizeof subject_keys / sizeof subject_keys[0]; i++) {
		const char *v = json_string_value(json_object_get(f, subject_keys[i]));
		if (v) {
			key = subject_keys[i];
			id = v;
			break;
		}
	}
	snprintf(buf, cap, "%s %s=%s %s", type, key, id, date);
	return 0;
}

static int in_list(json_t *arr, const char *s)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
	{
		const char *t = json_string_value(v);
		if (t && !strcmp(t, s))
			return 1;
	}
	return 0;
}

/* The compared triples of a findings array, sorted, without repeats. */
typedef struct tset {
	char **v;
	size_t n;
} tset;

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void tset_free(tset *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i]);
	free(t->v);
}

/* from_report: apply the training rule (only severity violation). Returns
 * 0, or the index + 1 of a malformed finding (as a negative number). */
static long findings_set(json_t *arr, json_t *types, int from_report, tset *out)
{
	size_t i;
	json_t *f;
	out->v = calloc(json_array_size(arr) + 1, sizeof *out->v);
	out->n = 0;
	if (!out->v)
		return -1;
	json_array_foreach(arr, i, f)
	{
		char buf[512];
		if (!json_is_object(f) || triple(f, buf, sizeof buf))
			return -(long)(i + 1);
		const char *type = json_string_value(json_object_get(f, "type"));
		if (!in_list(types, type))
			continue;
		if (from_report && !strcmp(type, "training")) {
			const char *sev = json_string_value(json_object_get(f, "severity"));
			if (!sev || strcmp(sev, "violation"))
				continue;
		}
		if (!(out->v[out->n] = strdup(buf)))
			return -(long)(i + 1);
		out->n++;
	}
	qsort(out->v, out->n, sizeof *out->v, cmp_str);
	size_t k = 0;
	for (size_t j = 0; j < out->n; j++) {
		if (k && !strcmp(out->v[k - 1], out->v[j])) {
			free(out->v[j]);
			continue;
		}
		out->v[k++] = out->v[j];
	}
	out->n = k;
	return 0;
}

static void row_name(json_t *row, char *buf, size_t cap)
{
	const char *c = json_string_value(json_object_get(row, "cadre"));
	json_t *y = json_object_get(row, "year");
	snprintf(buf, cap, "%s %lld", c ? c : "?", json_is_integer(y) ? (long long)json_integer_value(y) : -1LL);
}

static int same_key(json_t *a, json_t *b)
{
	return json_equal(json_object_get(a, "cadre"), json_object_get(b, "cadre")) &&
	       json_equal(json_object_get(a, "year"), json_object_get(b, "year"));
}

static void print_value(FILE *out, json_t *v)
{
	if (!v) {
		fputs("(absent)", out);
		return;
	}
	char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
	fputs(s ? s : "?", out);
	free(s);
}

/* Member-by-member differences of two rows for the same cadre and year. */
static void row_diff(FILE *out, json_t *want, json_t *got)
{
	const char *k;
	json_t *v;
	json_object_foreach(want, k, v)
	{
		json_t *g = json_object_get(got, k);
		if (g && json_equal(g, v))
			continue;
		fprintf(out, "      %s: 期望 / expected ", k);
		print_value(out, v);
		fputs(", 报告 / report ", out);
		print_value(out, g);
		fputc('\n', out);
	}
	json_object_foreach(got, k, v)
	{
		if (json_object_get(want, k))
			continue;
		fprintf(out, "      %s: 期望中没有 / not expected, 报告 / report ", k);
		print_value(out, v);
		fputc('\n', out);
	}
}

static json_t *load(const char *path, FILE *err)
{
	json_error_t je;
	json_t *j = json_load_file(path, 0, &je);
	if (!j && je.line < 1)
		fprintf(err, "zhucun-sim compare: %s: 无法读取 / cannot read: %s\n", path, je.text);
	else if (!j)
		fprintf(err, "zhucun-sim compare: %s:%d: 不是有效的 JSON / not valid JSON: %s\n", path, je.line,
			je.text);
	else if (!json_is_object(j)) {
		fprintf(err, "zhucun-sim compare: %s: 顶层须为对象 / the top level must be an object\n", path);
		json_decref(j);
		j = NULL;
	}
	return j;
}

static json_t *member(json_t *o, const char *path, const char *key, FILE *err)
{
	json_t *a = json_object_get(o, key);
	if (!json_is_array(a)) {
		fprintf(err, "zhucun-sim compare: %s: 缺少数组 / no array '%s'\n", path, key);
		return NULL;
	}
	return a;
}

int zc_sim_compare(const char *report_path, const char *expected_path, int all, FILE *out, FILE *err)
{
	int rc = 2;
	json_t *own = NULL; /* --all: the finding types of both sides */
	json_t *rep = load(report_path, err), *exp = rep ? load(expected_path, err) : NULL;
	tset rs = {0}, es = {0};
	char *used = NULL;
	if (!rep || !exp)
		goto done;
	json_t *ry = member(rep, report_path, "years", err), *rf = member(rep, report_path, "findings", err);
	json_t *ey = member(exp, expected_path, "years", err), *ef = member(exp, expected_path, "findings", err);
	json_t *types = NULL;
	if (all && ry && rf && ey && ef) {
		/* every type found on either side */
		own = types = json_array();
		json_t *side[2] = {rf, ef}, *f;
		size_t k;
		for (int sdx = 0; sdx < 2; sdx++)
			json_array_foreach(side[sdx], k, f)
			{
				json_t *t = json_object_get(f, "type");
				size_t m;
				json_t *have;
				int seen = 0;
				if (!json_is_string(t))
					continue;
				json_array_foreach(types, m, have) seen |= json_equal(have, t);
				if (!seen)
					json_array_append(types, t);
			}
	} else {
		types = member(exp, expected_path, "compared_finding_types", err);
	}
	if (!ry || !rf || !ey || !ef || !types)
		goto done;
	long bad;
	if ((bad = findings_set(rf, types, 1, &rs))) {
		fprintf(err, "zhucun-sim compare: %s: findings[%ld] 缺少 type 或 date / lacks type or date\n",
			report_path, -bad - 1);
		goto done;
	}
	if ((bad = findings_set(ef, types, 0, &es))) {
		fprintf(err, "zhucun-sim compare: %s: findings[%ld] 缺少 type 或 date / lacks type or date\n",
			expected_path, -bad - 1);
		goto done;
	}
	size_t i, j, nmiss = 0, nextra = 0;
	json_t *row;
	json_array_foreach(ry, i, row)
	{
		if (!json_is_object(row)) {
			fprintf(err, "zhucun-sim compare: %s: years[%zu] 不是对象 / is not an object\n", report_path,
				i);
			goto done;
		}
	}
	json_array_foreach(ey, i, row)
	{
		if (!json_is_object(row)) {
			fprintf(err, "zhucun-sim compare: %s: years[%zu] 不是对象 / is not an object\n", expected_path,
				i);
			goto done;
		}
	}
	rc = 0;
	const char *ra = json_string_value(json_object_get(rep, "as_of"));
	const char *ea = json_string_value(json_object_get(exp, "as_of"));
	if (ra && ea && strcmp(ra, ea)) {
		fprintf(out, "as_of 不同 / differs: 期望 / expected %s, 报告 / report %s\n", ea, ra);
		rc = 1;
	}
	/* years: each expected row matched by an equal report row, once */
	used = calloc(json_array_size(ry) + 1, 1);
	if (!used) {
		rc = 2;
		goto done;
	}
	json_array_foreach(ey, i, row)
	{
		int found = 0;
		for (j = 0; j < json_array_size(ry) && !found; j++)
			if (!used[j] && json_equal(row, json_array_get(ry, j)))
				used[j] = found = 1;
		if (found)
			continue;
		char name[96];
		row_name(row, name, sizeof name);
		fprintf(out, "缺少年度行 / missing years row: %s\n", name);
		for (j = 0; j < json_array_size(ry); j++)
			if (!used[j] && same_key(row, json_array_get(ry, j))) {
				row_diff(out, row, json_array_get(ry, j));
				break;
			}
		nmiss++;
	}
	for (j = 0; j < json_array_size(ry); j++) {
		if (used[j])
			continue;
		char name[96];
		row_name(json_array_get(ry, j), name, sizeof name);
		fprintf(out, "多出年度行 / extra years row: %s ", name);
		print_value(out, json_array_get(ry, j));
		fputc('\n', out);
		nextra++;
	}
	/* findings: both sorted; walk them together */
	size_t a = 0, b = 0, fmiss = 0, fextra = 0;
	while (a < es.n || b < rs.n) {
		int c = a == es.n ? 1 : b == rs.n ? -1 : strcmp(es.v[a], rs.v[b]);
		if (c == 0) {
			a++;
			b++;
		} else if (c < 0) {
			fprintf(out, "缺少发现 / missing finding: %s\n", es.v[a++]);
			fmiss++;
		} else {
			fprintf(out, "多出发现 / extra finding: %s\n", rs.v[b++]);
			fextra++;
		}
	}
	if (nmiss || nextra || fmiss || fextra)
		rc = 1;
	if (rc)
		fprintf(
		    out,
		    "不一致 / mismatch: 年度行缺 %zu 多 %zu / years rows %zu missing %zu extra; 发现缺 %zu 多 %zu / "
		    "findings %zu missing %zu extra\n",
		    nmiss, nextra, nmiss, nextra, fmiss, fextra, fmiss, fextra);
	else
		fprintf(out, "一致 / match: %zu 年度行 / years rows, %zu 项发现 / findings compared\n",
			json_array_size(ey), es.n);
done:
	json_decref(own);
	free(used);
	tset_free(&rs);
	tset_free(&es);
	json_decref(rep);
	json_decref(exp);
	return rc;
}

int zc_sim_compare_main(int argc, char **argv)
{
	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		puts("用法 / usage: zhucun-sim compare REPORT.json EXPECTED.json [--all]\n"
		     "  --all  比较两边出现的全部发现类型 / compare every finding type found on either side\n"
		     "         (EXPECTED.json may then be another report, e.g. from zhucun-sim evaluate)");
		return 0;
	}
	int all = argc == 4 && !strcmp(argv[3], "--all");
	if (argc != 3 && !all) {
		fprintf(stderr, "zhucun-sim compare: 需要 / needs REPORT.json EXPECTED.json [--all]\n");
		return 2;
	}
	return zc_sim_compare(argv[1], argv[2], all, stdout, stderr);
}
