/* SPDX-License-Identifier: Apache-2.0 */
/*
 * scenario.h (tools/sim): scenario files (../shared/SCENARIO.md): a small world of
 * districts, townships, villages, terminals, cadres, badges, taps, leave and
 * duty in plain text. The parser is pure (text in, structure out); the
 * simulator plays the result through the real parts, and
 * zc_scenario_rules_input() gives the compliance engine the same world with
 * every tap decided as the real parts would decide it (a clone's taps fail
 * badge authentication, revocation and UID policy as RULES.md says).
 */
#ifndef ZC_SCENARIO_H
#define ZC_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

#include "zc/rules.h"

/* A scenario is a small world: at most this many taps (after "taps" ranges,
 * each at most ten years, are expanded). */
#define ZC_SCENARIO_MAX_TAPS 1000000

typedef struct zc_scn_named {
	char *id;
	char *name;
	int parent; /* district of a township, township of a village/terminal */
	int64_t rate_fen;
} zc_scn_named;

typedef struct zc_scn_badge {
	char *id;
	int cadre;
	int uid_only;
	zc_day bound_from;
	int64_t revoked_at_ms; /* INT64_MAX: never */
	int clone_of;	       /* -1, or the badge whose certificate it copies */
} zc_scn_badge;

typedef struct zc_scn_tap {
	int badge;
	int terminal;
	int64_t utc_ms;
	int line; /* source line */
} zc_scn_tap;

/* "pull TERMINAL TIME": a clerk collects the terminal's log then. */
typedef struct zc_scn_pull {
	int terminal;
	int64_t utc_ms;
	int line;
} zc_scn_pull;

typedef struct zc_scenario {
	int tz_offset_min;
	zc_day as_of;
	int have_as_of;
	zc_policy policy;
	zc_day *holidays;
	size_t nholidays;
	zc_day *workdays;
	size_t nworkdays;
	zc_scn_named *districts;
	size_t ndistricts;
	zc_scn_named *townships;
	size_t ntownships;
	zc_scn_named *villages;
	size_t nvillages;
	zc_scn_named *terminals;
	size_t nterminals;
	zc_r_cadre *cadres;
	size_t ncadres; /* strings owned by the scenario */
	zc_r_assignment *assignments;
	size_t nassignments;
	zc_scn_badge *badges;
	size_t nbadges;
	zc_r_leave *leaves;
	size_t nleaves;
	zc_r_duty *duties;
	size_t nduties;
	zc_scn_tap *taps;
	size_t ntaps; /* sorted by time */
	zc_r_correction *corrections;
	size_t ncorrections; /* reason owned */
	zc_r_inspection *inspections;
	size_t ninspections; /* one per result; inspector owned */
	zc_scn_pull *pulls;
	size_t npulls; /* sorted by time */
} zc_scenario;

/* When terminal t's log is last collected (SCENARIO.md "Pulls"): its last
 * pull, or for a terminal without any, the end of the later of as-of and
 * the local date of its last tap. Taps at or after this never reach the
 * host. */
int64_t zc_scenario_collected_until(const zc_scenario *s, int terminal);

/* Parse text (len bytes) from a file named name (for messages). On error
 * returns ZC_EMALFORMED with "NAME:LINE: what was expected" in errbuf and
 * nothing allocated. */
int zc_scenario_parse(const char *text, size_t len, const char *name, zc_scenario **out, char *errbuf, size_t errlen);
void zc_scenario_free(zc_scenario *s);

/* The engine's view of the scenario (pointers into s and into arrays owned
 * by in; release with zc_scenario_rules_input_free). */
int zc_scenario_rules_input(const zc_scenario *s, zc_rules_input *in);
void zc_scenario_rules_input_free(zc_rules_input *in);

#endif
