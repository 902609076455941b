/* SPDX-License-Identifier: Apache-2.0 */
/* report_json.c: the RULES.md section 11 report as JSON (zc/report.h). */
#include "zc/report.h"

json_t *zc_report_json(const zc_rules_input *in, const zc_report *r)
{
	char d[11];
	json_t *o = json_object();
	zc_day_format(r->as_of, d);
	json_object_set_new(o, "as_of", json_string(d));
	json_t *years = json_array();
	for (size_t i = 0; i < r->nyears; i++) {
		const zc_r_year *y = &r->years[i];
		json_t *j = json_object();
		json_object_set_new(j, "cadre", json_string(in->cadres[y->cadre].id));
		json_object_set_new(j, "year", json_integer(y->year));
		json_object_set_new(j, "present_days", json_integer(y->present_days));
		json_object_set_new(j, "duty_days", json_integer(y->duty_days));
		json_object_set_new(j, "leave_days", json_integer(y->leave_days));
		json_object_set_new(j, "rest_days", json_integer(y->rest_days));
		json_object_set_new(j, "absent_days", json_integer(y->absent_days));
		json_object_set_new(j, "counted_days", json_integer(y->counted_days));
		json_object_set_new(j, "required_days", json_integer(y->required_days));
		json_object_set_new(j, "allowance_days", json_integer(y->allowance_days));
		json_object_set_new(j, "allowance_fen", json_integer(y->allowance_fen));
		json_array_append_new(years, j);
	}
	json_object_set_new(o, "years", years);
	json_t *finds = json_array();
	for (size_t i = 0; i < r->nfindings; i++) {
		const zc_r_finding *f = &r->findings[i];
		json_t *j = json_object();
		json_object_set_new(j, "type", json_string(f->type));
		json_object_set_new(j, "severity", json_string(zc_severity_name(f->severity)));
		switch (f->subject_kind) {
		case ZC_SUBJ_CADRE:
			json_object_set_new(j, "cadre", json_string(in->cadres[f->subject].id));
			break;
		case ZC_SUBJ_VILLAGE:
			json_object_set_new(j, "village", json_string(in->villages[f->subject].id));
			break;
		default:
			json_object_set_new(j, "terminal", json_string(in->terminals[f->subject].id));
			break;
		}
		zc_day_format(f->date, d);
		json_object_set_new(j, "date", json_string(d));
		json_object_set_new(j, "detail", json_string(f->detail));
		json_array_append_new(finds, j);
	}
	json_object_set_new(o, "findings", finds);
	json_t *recall = json_array();
	for (size_t i = 0; i < r->nrecall; i++) {
		const zc_r_recall *rc = &r->recall[i];
		const zc_r_cadre *c = &in->cadres[rc->cadre];
		json_t *j = json_object();
		json_object_set_new(j, "cadre", json_string(c->id));
		json_object_set_new(j, "name", json_string(c->name ? c->name : ""));
		json_object_set_new(j, "unit", json_string(c->unit ? c->unit : ""));
		json_t *why = json_array();
		if (rc->consecutive)
			json_array_append_new(why, json_string("consecutive_absence"));
		if (rc->cumulative)
			json_array_append_new(why, json_string("cumulative_absence"));
		json_object_set_new(j, "reasons", why);
		json_array_append_new(recall, j);
	}
	json_object_set_new(o, "recall", recall);
	return o;
}
