/* SPDX-License-Identifier: Apache-2.0 */
/*
 * report_json.c: the RULES.md section 11 report as JSON (zc/report.h), and
 * what every renderer shares: the scope filter, day symbols, the labels of
 * finding types and severities.
 */
#include "zc/report.h"

#include <stdlib.h>
#include <string.h>

#include "zc/err.h"

/* ---- scope ---- */

int zc_report_scope_find(const zc_rules_input *in, int kind, const char *id, zc_report_scope *out)
{
	if (!in || !out)
		return ZC_EARG;
	out->kind = ZC_SCOPE_ALL;
	out->index = -1;
	out->cadres = NULL;
	if (kind == ZC_SCOPE_ALL)
		return 0;
	if (!id)
		return ZC_EARG;
	size_t n;
	switch (kind) {
	case ZC_SCOPE_DISTRICT:
		for (n = 0; n < in->ndistricts; n++)
			if (in->districts[n].id && !strcmp(in->districts[n].id, id))
				break;
		if (n == in->ndistricts)
			return ZC_ENOENT;
		break;
	case ZC_SCOPE_TOWNSHIP:
		for (n = 0; n < in->ntownships; n++)
			if (in->townships[n].id && !strcmp(in->townships[n].id, id))
				break;
		if (n == in->ntownships)
			return ZC_ENOENT;
		break;
	case ZC_SCOPE_VILLAGE:
		for (n = 0; n < in->nvillages; n++)
			if (in->villages[n].id && !strcmp(in->villages[n].id, id))
				break;
		if (n == in->nvillages)
			return ZC_ENOENT;
		break;
	default: return ZC_EARG;
	}
	out->kind = kind;
	out->index = (int)n;
	return 0;
}

static int township_in_scope(const zc_rules_input *in, const zc_report_scope *sc, int t)
{
	if (!sc || sc->kind == ZC_SCOPE_ALL)
		return 1;
	if (t < 0 || (size_t)t >= in->ntownships)
		return 0;
	switch (sc->kind) {
	case ZC_SCOPE_DISTRICT: return in->townships[t].district == sc->index;
	case ZC_SCOPE_TOWNSHIP: return t == sc->index;
	default: return 0;
	}
}

int zc_report_scope_village(const zc_rules_input *in, const zc_report_scope *sc, int village)
{
	if (village < 0 || (size_t)village >= in->nvillages)
		return 0;
	if (!sc || sc->kind == ZC_SCOPE_ALL)
		return 1;
	if (sc->kind == ZC_SCOPE_VILLAGE)
		return village == sc->index;
	return township_in_scope(in, sc, in->villages[village].township);
}

int zc_report_scope_prepare(const zc_rules_input *in, zc_report_scope *sc)
{
	free(sc->cadres);
	sc->cadres = NULL;
	if (sc->kind == ZC_SCOPE_ALL)
		return 0;
	uint8_t *m = calloc(in->ncadres + 1, 1);
	if (!m)
		return ZC_ENOMEM;
	for (size_t i = 0; i < in->nassignments; i++) {
		int c = in->assignments[i].cadre;
		if (c >= 0 && (size_t)c < in->ncadres && zc_report_scope_village(in, sc, in->assignments[i].village))
			m[c] = 1;
	}
	sc->cadres = m;
	return 0;
}

void zc_report_scope_release(zc_report_scope *sc)
{
	if (sc) {
		free(sc->cadres);
		sc->cadres = NULL;
	}
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return x < y ? -1 : x > y;
}

size_t zc_report_sheet_cadres(const zc_rules_input *in, int v, zc_day from, zc_day to, int *out)
{
	size_t n = 0, nfs = 0;
	/* first secretaries at the front, members from the back, then each
	 * part sorted and de-duplicated */
	size_t back = in->ncadres;
	for (size_t i = 0; i < in->nassignments; i++) {
		const zc_r_assignment *a = &in->assignments[i];
		if (a->village != v || a->start > to || a->end < from || a->cadre < 0 ||
		    (size_t)a->cadre >= in->ncadres)
			continue;
		if (in->cadres[a->cadre].role == ZC_ROLE_FIRST_SECRETARY) {
			if (nfs < back)
				out[nfs++] = a->cadre;
		} else if (back > nfs) {
			out[--back] = a->cadre;
		}
	}
	if (nfs)
		qsort(out, nfs, sizeof *out, cmp_int);
	for (size_t i = 0; i < nfs; i++)
		if (!n || out[n - 1] != out[i])
			out[n++] = out[i];
	size_t nm = in->ncadres - back;
	if (nm)
		qsort(out + back, nm, sizeof *out, cmp_int);
	size_t firstm = n;
	for (size_t i = 0; i < nm; i++) {
		int c = out[back + i];
		int dup = n > firstm && out[n - 1] == c;
		if (!dup)
			out[n++] = c;
	}
	return n;
}

int zc_report_scope_cadre(const zc_rules_input *in, const zc_report_scope *sc, int cadre)
{
	if (!sc || sc->kind == ZC_SCOPE_ALL)
		return cadre >= 0 && (size_t)cadre < in->ncadres;
	if (sc->cadres)
		return cadre >= 0 && (size_t)cadre < in->ncadres && sc->cadres[cadre];
	for (size_t i = 0; i < in->nassignments; i++)
		if (in->assignments[i].cadre == cadre && zc_report_scope_village(in, sc, in->assignments[i].village))
			return 1;
	return 0;
}

int zc_report_scope_terminal(const zc_rules_input *in, const zc_report_scope *sc, int terminal)
{
	if (terminal < 0 || (size_t)terminal >= in->nterminals)
		return 0;
	if (!sc || sc->kind == ZC_SCOPE_ALL)
		return 1;
	int t = in->terminals[terminal].township;
	if (sc->kind == ZC_SCOPE_VILLAGE)
		return sc->index >= 0 && (size_t)sc->index < in->nvillages && in->villages[sc->index].township == t;
	return township_in_scope(in, sc, t);
}

int zc_report_scope_finding(const zc_rules_input *in, const zc_report_scope *sc, const zc_r_finding *f)
{
	switch (f->subject_kind) {
	case ZC_SUBJ_CADRE: return zc_report_scope_cadre(in, sc, f->subject);
	case ZC_SUBJ_VILLAGE: return zc_report_scope_village(in, sc, f->subject);
	default: return zc_report_scope_terminal(in, sc, f->subject);
	}
}

/* ---- shared helpers ---- */

int zc_report_village_on(const zc_rules_input *in, const zc_rules_result *r, int cadre, zc_day day)
{
	int a = zc_rules_assignment(r, cadre, day);
	return a >= 0 ? in->assignments[a].village : -1;
}

const char *zc_report_day_symbol(const zc_rules_input *in, const zc_rules_result *r, int cadre, zc_day day, int lang)
{
	int en = lang == 1;
	if (day > r->as_of)
		return "";
	switch (zc_rules_day_status(r, cadre, day)) {
	case ZC_ST_PRESENT: return en ? "P" : "√";
	case ZC_ST_DUTY:
		for (size_t i = 0; i < in->nduties; i++) {
			const zc_r_duty *d = &in->duties[i];
			if (d->cadre != cadre || day < d->start || day > d->end)
				continue;
			switch (d->kind) {
			case ZC_DUTY_TRIP: return en ? "T" : "差";
			case ZC_DUTY_MEETING: return en ? "M" : "会";
			case ZC_DUTY_TRAINING: return en ? "TR" : "训";
			default: break;
			}
		}
		return en ? "D" : "公";
	case ZC_ST_LEAVE: return en ? "L" : "假";
	case ZC_ST_REST: return en ? "R" : "休";
	case ZC_ST_ABSENT: return en ? "X" : "×";
	case ZC_ST_CORRECTED: return en ? "C" : "补";
	case ZC_ST_PENDING: return en ? "PD" : "未";
	default: return "";
	}
}

void zc_report_count_days(const zc_rules_input *in, const zc_rules_result *r, int cadre, int village, zc_day from,
			  zc_day to, int counts[ZC_ST_COUNT])
{
	for (int k = 0; k < ZC_ST_COUNT; k++)
		counts[k] = 0;
	if (to > r->as_of)
		to = r->as_of;
	for (zc_day d = from; d <= to; d++) {
		int st = zc_rules_day_status(r, cadre, d);
		if (st <= ZC_ST_NONE || st >= ZC_ST_COUNT)
			continue;
		if (village >= 0 && zc_report_village_on(in, r, cadre, d) != village)
			continue;
		counts[st]++;
	}
}

int zc_report_village_span(const zc_rules_input *in, const zc_rules_result *r, int village, zc_day *first, zc_day *last)
{
	zc_day lo = INT32_MAX, hi = INT32_MIN;
	for (size_t i = 0; i < in->nassignments; i++) {
		const zc_r_assignment *a = &in->assignments[i];
		if (a->village != village)
			continue;
		if (a->start < lo)
			lo = a->start;
		if (a->end > hi)
			hi = a->end;
	}
	if (hi > r->as_of)
		hi = r->as_of;
	if (lo > hi)
		return -1;
	*first = lo;
	*last = hi;
	return 0;
}

int64_t zc_report_rate_fen(const zc_rules_input *in, int village)
{
	int64_t rate = village >= 0 && (size_t)village < in->nvillages ? in->villages[village].rate_fen : -1;
	return rate >= 0 ? rate : in->policy.daily_rate_fen;
}

zc_day zc_report_recall_date(const zc_rules_result *r, int cadre)
{
	zc_day best = -1;
	for (size_t i = 0; i < r->nfindings; i++) {
		const zc_r_finding *f = &r->findings[i];
		if (f->subject_kind != ZC_SUBJ_CADRE || f->subject != cadre)
			continue;
		if (strcmp(f->type, "consecutive_absence") && strcmp(f->type, "cumulative_absence"))
			continue;
		if (best < 0 || f->date < best)
			best = f->date;
	}
	return best;
}

static int allow_cmp(const void *a, const void *b)
{
	const zc_report_allowance_row *x = a, *y = b;
	if (x->village != y->village)
		return x->village < y->village ? -1 : 1;
	if (x->year != y->year)
		return x->year < y->year ? -1 : 1;
	if (x->month != y->month)
		return x->month < y->month ? -1 : 1;
	return x->cadre < y->cadre ? -1 : x->cadre > y->cadre;
}

/* The villages cadre c served from ms to me (one assignment a date: at
 * most 31), from the cadre's assignments linked by head/next. */
static int month_villages(const zc_rules_input *in, const int *head, const int *next, int c, zc_day ms, zc_day me,
			  int vil[32])
{
	int nvil = 0;
	for (int k = c >= 0 && (size_t)c < in->ncadres ? head[c] : -1; k >= 0; k = next[k]) {
		const zc_r_assignment *a = &in->assignments[k];
		if (a->end < ms || a->start > me)
			continue;
		int seen = 0;
		for (int j = 0; j < nvil; j++)
			seen |= vil[j] == a->village;
		if (!seen && nvil < 32)
			vil[nvil++] = a->village;
	}
	return nvil;
}

int zc_report_allowance_rows(const zc_rules_input *in, const zc_rules_result *r, const zc_report_opts *o,
			     zc_report_allowance_row **rows, size_t *n)
{
	const zc_report_scope *sc = o ? o->scope : NULL;
	zc_report_allowance_row *v = NULL;
	size_t nv = 0, cap = 0;
	*rows = NULL;
	*n = 0;
	int *head = malloc((in->ncadres + 1) * sizeof *head), *next = malloc((in->nassignments + 1) * sizeof *next);
	if (!head || !next) {
		free(head);
		free(next);
		return ZC_ENOMEM;
	}
	for (size_t c = 0; c < in->ncadres; c++)
		head[c] = -1;
	for (size_t k = in->nassignments; k-- > 0;) {
		int c = in->assignments[k].cadre;
		next[k] = -1;
		if (c >= 0 && (size_t)c < in->ncadres) {
			next[k] = head[c];
			head[c] = (int)k;
		}
	}
	for (size_t i = 0; i < r->nmonths; i++) {
		const zc_r_month *m = &r->months[i];
		if (o && o->month && (m->year != o->year || m->month != o->month))
			continue;
		zc_day ms = zc_day_from_ymd(m->year, m->month, 1);
		zc_day me = ms + zc_report_days_in_month(m->year, m->month) - 1;
		int vil[32], nvil = month_villages(in, head, next, m->cadre, ms, me, vil);
		for (int j = 0; j < nvil; j++) {
			if (!zc_report_scope_village(in, sc, vil[j]))
				continue;
			zc_report_allowance_row row = {.cadre = m->cadre,
						       .village = vil[j],
						       .year = m->year,
						       .month = m->month,
						       .rate_fen = zc_report_rate_fen(in, vil[j])};
			if (nvil == 1) {
				row.days = m->allowance_days;
				row.amount_fen = m->allowance_fen;
			} else {
				/* split the month by village as the engine counts it (RULES.md 8) */
				for (zc_day d = ms; d <= me && d <= r->as_of; d++) {
					int st = zc_rules_day_status(r, m->cadre, d);
					if ((st != ZC_ST_PRESENT && st != ZC_ST_CORRECTED) ||
					    zc_report_village_on(in, r, m->cadre, d) != vil[j])
						continue;
					if (in->policy.allowance_on_rest_days || zc_rules_is_workday(in, d)) {
						row.days++;
						row.amount_fen += row.rate_fen;
					}
				}
			}
			if (nv == cap) {
				size_t nc = cap ? cap * 2 : 32;
				zc_report_allowance_row *t = realloc(v, nc * sizeof *t);
				if (!t) {
					free(v);
					free(head);
					free(next);
					return ZC_ENOMEM;
				}
				v = t;
				cap = nc;
			}
			v[nv++] = row;
		}
	}
	free(head);
	free(next);
	if (nv)
		qsort(v, nv, sizeof *v, allow_cmp);
	*rows = v;
	*n = nv;
	return 0;
}

/* terminals first, then villages, then cadres; by subject, date, then
 * the engine's order (the pointers are into one array) */
static int find_cmp(const void *a, const void *b)
{
	const zc_r_finding *x = *(const zc_r_finding *const *)a, *y = *(const zc_r_finding *const *)b;
	if (x->subject_kind != y->subject_kind)
		return x->subject_kind > y->subject_kind ? -1 : 1;
	if (x->subject != y->subject)
		return x->subject < y->subject ? -1 : 1;
	if (x->date != y->date)
		return x->date < y->date ? -1 : 1;
	return x < y ? -1 : x > y;
}

int zc_report_findings_grouped(const zc_rules_input *in, const zc_rules_result *r, const zc_report_scope *sc,
			       const zc_r_finding ***out, size_t *n)
{
	const zc_r_finding **v = malloc((r->nfindings ? r->nfindings : 1) * sizeof *v);
	*out = NULL;
	*n = 0;
	if (!v)
		return ZC_ENOMEM;
	size_t k = 0;
	for (size_t i = 0; i < r->nfindings; i++)
		if (zc_report_scope_finding(in, sc, &r->findings[i]))
			v[k++] = &r->findings[i];
	if (k)
		qsort(v, k, sizeof *v, find_cmp);
	*out = v;
	*n = k;
	return 0;
}

static const struct {
	const char *type, *zh, *en;
} type_labels[] = {
    {"consecutive_absence", "连续缺勤超限", "consecutive absence over the limit"},
    {"cumulative_absence", "年度累计缺勤超限", "yearly absence over the limit"},
    {"min_days", "年度驻村天数不足", "too few days on post in the year"},
    {"min_days_unreachable", "年度驻村天数已无法达标", "yearly days on post can no longer be reached"},
    {"leave_approval_level", "请假审批层级不符", "leave approved at too low a level"},
    {"foreign_terminal", "在非驻村乡镇终端打卡", "tap at another township's terminal"},
    {"first_secretary_eligibility", "第一书记任职条件不符", "first secretary not eligible"},
    {"team_size", "工作队人数不足", "work team too small"},
    {"team_leader", "第一书记配备不符", "not exactly one first secretary"},
    {"term_length", "任期超长", "term too long"},
    {"rotation_due", "任期即将届满需轮换", "rotation due"},
    {"training", "任期内未参加区级以上培训", "no district-level training in the term"},
    {"rejected_tap", "打卡未被采信", "tap not accepted"},
    {"weak_tap", "仅凭卡号的弱认证打卡", "weak tap (UID-only badge)"},
    {"impossible_travel", "不可能的行程", "impossible travel"},
    {"gap", "日志序号缺失", "sequence gap"},
    {"fork", "日志分叉", "fork"},
    {"broken_link", "哈希链断裂", "broken hash link"},
    {"bad_signature", "终端签名无效", "bad terminal signature"},
    {"malformed", "记录损坏", "malformed record"},
    {"wrong_terminal", "终端编号不符", "wrong terminal"},
    {"clock_rollback", "终端时钟回拨", "clock rollback"},
    {"tap_before_provisioning", "早于终端配置时间的打卡", "tap before provisioning"},
    {"tap_after_collection", "晚于收取时间的打卡", "tap after collection"},
    {"clock_rollback_window", "时钟回拨期间的打卡", "tap inside a clock rollback window"},
    {"forged_badge", "疑似弄虚作假（复制工牌）", "suspected forgery (copied badge)"},
    {"correction_approval_level", "补卡审批级别不足", "correction approved at too low a level"},
    {"frequent_corrections", "补卡过于频繁", "too many corrections in a month"},
    {"inspection_absent", "抽查不在岗", "absent at an inspection"},
    {"collection_overdue", "终端逾期未收取", "terminal log not collected for too long"},
    {"clock_set_back", "主机校时回拨", "terminal clock set back by the host"},
};

const char *zc_report_finding_label(const char *type, int lang)
{
	if (!type)
		return "";
	for (size_t i = 0; i < sizeof type_labels / sizeof type_labels[0]; i++)
		if (!strcmp(type_labels[i].type, type))
			return lang == 1 ? type_labels[i].en : type_labels[i].zh;
	return type;
}

const char *zc_report_severity_label(int severity, int lang)
{
	switch (severity) {
	case ZC_SEV_VIOLATION: return lang == 1 ? "violation" : "违规";
	case ZC_SEV_WARNING: return lang == 1 ? "warning" : "预警";
	default: return lang == 1 ? "notice" : "提示";
	}
}

/* ---- JSON ---- */

/* An array of a table's rows: n items of size sz from first, those keep()
 * accepts (NULL: all), each the object of zc_report_row_json. */
static json_t *json_rows(int table, const zc_report_row *tmpl, const void *first, size_t n, size_t sz,
			 int (*keep)(const zc_report_row *row))
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < n; i++) {
		zc_report_row rw = *tmpl;
		rw.item = (const char *)first + i * sz;
		if (keep && !keep(&rw))
			continue;
		json_t *j = zc_report_row_json(table, &rw);
		if (!j || json_array_append_new(a, j)) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static int keep_year(const zc_report_row *row)
{
	return zc_report_scope_cadre(row->in, row->sc, ((const zc_r_year *)row->item)->cadre);
}

static int keep_finding(const zc_report_row *row)
{
	return zc_report_scope_finding(row->in, row->sc, row->item);
}

static int keep_recall(const zc_report_row *row)
{
	return zc_report_scope_cadre(row->in, row->sc, ((const zc_r_recall *)row->item)->cadre);
}

/* {"as_of", "years", "findings", "recall", "terminals"}: the arrays are the
 * keyed columns of the tables of report_columns.c. */
json_t *zc_report_json_scoped(const zc_rules_input *in, const zc_rules_result *r, const zc_report_scope *sc)
{
	char d[11];
	zc_report_row tmpl = {.in = in, .r = r, .sc = sc, .lang = 1};
	zc_report_terminal_row *terms = NULL;
	size_t nterms = 0;
	json_t *o = json_object();
	if (!o || zc_report_terminal_rows(in, r, sc, &terms, &nterms)) {
		json_decref(o);
		return NULL;
	}
	zc_day_format(r->as_of, d);
	static const int tables[] = {ZC_TABLE_YEARS, ZC_TABLE_FINDINGS, ZC_TABLE_RECALL, ZC_TABLE_COLLECTION};
	json_t *parts[] = {
	    json_rows(ZC_TABLE_YEARS, &tmpl, r->years, r->nyears, sizeof *r->years, keep_year),
	    json_rows(ZC_TABLE_FINDINGS, &tmpl, r->findings, r->nfindings, sizeof *r->findings, keep_finding),
	    json_rows(ZC_TABLE_RECALL, &tmpl, r->recall, r->nrecall, sizeof *r->recall, keep_recall),
	    json_rows(ZC_TABLE_COLLECTION, &tmpl, terms, nterms, sizeof *terms, NULL),
	};
	free(terms);
	int bad = json_object_set_new(o, "as_of", json_string(d));
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		if (!parts[i])
			bad = 1;
		else if (json_object_set_new(o, zc_report_table_get(tables[i])->name, parts[i]))
			bad = 1;
	}
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *zc_report_json(const zc_rules_input *in, const zc_rules_result *r)
{
	return zc_report_json_scoped(in, r, NULL);
}

const char *zc_report_name_or_id(const char *name, const char *id)
{
	return name && *name ? name : (id ? id : "");
}

const char *zc_report_cadre_name(const zc_rules_input *in, int c)
{
	return c >= 0 && (size_t)c < in->ncadres ? zc_report_name_or_id(in->cadres[c].name, in->cadres[c].id) : "";
}

const char *zc_report_village_name(const zc_rules_input *in, int v)
{
	return v >= 0 && (size_t)v < in->nvillages ? zc_report_name_or_id(in->villages[v].name, in->villages[v].id)
						   : "";
}

const char *zc_report_township_name(const zc_rules_input *in, int t)
{
	return t >= 0 && (size_t)t < in->ntownships ? zc_report_name_or_id(in->townships[t].name, in->townships[t].id)
						    : "";
}

const char *zc_report_role_label(int role, int lang)
{
	if (role == ZC_ROLE_FIRST_SECRETARY)
		return lang ? "first secretary" : "第一书记";
	return lang ? "team member" : "工作队员";
}

const char *zc_report_finding_detail(const zc_r_finding *f, int lang)
{
	return lang || !f->detail_zh[0] ? f->detail : f->detail_zh;
}
