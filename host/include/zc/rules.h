/* SPDX-License-Identifier: Apache-2.0 */
/*
 * zc/rules.h: the compliance engine of ../shared/RULES.md. Pure functions:
 * data in, report out, no I/O, no clock, no globals. The store, the CLI, the
 * service and the simulator load the data and call zc_rules_evaluate.
 *
 * Dates are local calendar dates as day numbers (days since 1970-01-01);
 * times are UTC milliseconds; the policy's time zone offset maps one to the
 * other. Every number of RULES.md is a field of zc_policy.
 */
#ifndef ZC_RULES_H
#define ZC_RULES_H

#include <stddef.h>
#include <stdint.h>

typedef int32_t zc_day; /* days since 1970-01-01 */

zc_day zc_day_from_ymd(int y, int m, int d);
void zc_day_to_ymd(zc_day day, int *y, int *m, int *d);
/* "YYYY-MM-DD" (a real date) -> 0, else -1. */
int zc_day_parse(const char *s, zc_day *out);
/* "YYYY-MM-DD" into out (11 bytes). */
void zc_day_format(zc_day day, char out[11]);
/* 0 Monday .. 6 Sunday. */
int zc_weekday(zc_day day);
int zc_days_in_year(int y);
/* The same month and day n years earlier; 29 February maps to 28 February. */
zc_day zc_day_years_before(zc_day day, int n);
/* The local date of a UTC time at a fixed offset. */
zc_day zc_day_of_utc(int64_t utc_ms, int tz_offset_min);

typedef struct zc_policy {
	int min_taps_per_day;		    /* 1 */
	int township_max_leave_days;	    /* 3 */
	int district_max_leave_days;	    /* 7 */
	int min_days_per_year;		    /* 200 */
	int max_consecutive_absence_days;   /* 15 */
	int max_absent_days_per_year;	    /* 30 */
	int allowance_on_rest_days;	    /* 0 */
	int accept_uid_badges;		    /* 0 */
	int handover_days;		    /* 60 */
	int64_t clock_rollback_tolerance_s; /* 300 */
	int min_travel_minutes;		    /* 30 */
	int64_t daily_rate_fen;		    /* 10000 */
	int tz_offset_min;		    /* 480 (Asia/Shanghai) */
	int term_years;			    /* 2 */
	int training_warning_percent;	    /* 75 */
	int correction_level;		    /* ZC_LEVEL_DISTRICT (section 5a) */
	int max_corrections_per_month;	    /* 2 */
	int max_collection_lag_days;	    /* 31 (section 10) */
} zc_policy;

void zc_policy_default(zc_policy *p);
/* "Asia/Shanghai", "UTC", "UTC+hh:mm" / "UTC-hh:mm" -> minutes east of
 * UTC; 0, or -1 for anything else. */
int zc_zone_parse(const char *s, int *offset_min);
/* Set a policy by its RULES.md name (and "zone", the time zone as above) from text ("on"/"off", numbers).
 * 0, or -1 for an unknown name or a bad value. */
int zc_policy_set(zc_policy *p, const char *name, const char *value);

enum zc_level { ZC_LEVEL_NONE = 0, ZC_LEVEL_TOWNSHIP = 1, ZC_LEVEL_DISTRICT = 2, ZC_LEVEL_CITY = 3 };
enum zc_role { ZC_ROLE_MEMBER = 0, ZC_ROLE_FIRST_SECRETARY = 1 };
enum zc_duty_kind { ZC_DUTY_TRIP = 0, ZC_DUTY_MEETING = 1, ZC_DUTY_TRAINING = 2 };
/* Day status (section 4). CORRECTED and PENDING came with RULES.md v2 and
 * are appended so that the older values keep their numbers. */
enum zc_status {
	ZC_ST_NONE = 0,
	ZC_ST_PRESENT,
	ZC_ST_DUTY,
	ZC_ST_LEAVE,
	ZC_ST_REST,
	ZC_ST_ABSENT,
	ZC_ST_CORRECTED, /* a valid correction (补卡) */
	ZC_ST_PENDING,	 /* 未收取: the evidence for the date is not complete */
	ZC_ST_COUNT
};

const char *zc_level_name(int level);
/* 乡镇 / 区 / 市 / 无 */
const char *zc_level_label_zh(int level);
int zc_level_parse(const char *s); /* -1 if unknown */

/* ---- input ---- */

/* Names are for reports only (may be NULL); the engine uses ids. */
typedef struct zc_r_district {
	const char *id;
	const char *name;
} zc_r_district;

typedef struct zc_r_township {
	const char *id;
	const char *name;
	int district; /* index into districts, -1: none */
} zc_r_township;

typedef struct zc_r_village {
	const char *id;
	int township;	  /* index into townships */
	int64_t rate_fen; /* daily allowance; negative: the policy's daily_rate_fen */
	const char *name;
} zc_r_village;

/* A registered terminal. collected_until_ms is the time of the most recent
 * collection of its log that the host holds (RULES.md section 1):
 * ZC_NEVER_COLLECTED when none. */
#define ZC_NEVER_COLLECTED INT64_MIN
typedef struct zc_r_terminal {
	const char *id;
	int township;
	int64_t collected_until_ms;
} zc_r_terminal;

typedef struct zc_r_cadre {
	const char *id;
	const char *name;
	int role;      /* enum zc_role */
	int has_party; /* party member */
	zc_day party_since;
	zc_day work_since;
	const char *unit; /* dispatching unit */
} zc_r_cadre;

typedef struct zc_r_assignment {
	int cadre;
	int village;
	zc_day start, end; /* inclusive */
} zc_r_assignment;

typedef struct zc_r_leave {
	int cadre;
	zc_day start, end;
	int level; /* enum zc_level */
	const char *ref;
} zc_r_leave;

typedef struct zc_r_duty {
	int cadre;
	zc_day start, end;
	int kind;  /* enum zc_duty_kind */
	int level; /* enum zc_level */
} zc_r_duty;

/* A badge bound to a cadre from a date on (to a date, inclusive); revoked
 * from an instant. A badge bound to several cadres over time is one entry
 * per binding (same id); each tap names the binding of its date. */
#define ZC_DAY_NEVER INT32_MAX
typedef struct zc_r_badge {
	const char *id;
	int cadre;
	zc_day bound_from;
	zc_day bound_to;       /* inclusive; 0 or ZC_DAY_NEVER: open */
	int uid_only;	       /* UID card (weak) */
	int64_t revoked_at_ms; /* INT64_MAX: never */
} zc_r_badge;

/* Why a tap is not accepted (RULES.md section 3); 0 accepted. */
enum zc_tap_reject {
	ZC_REJ_NONE = 0,
	ZC_REJ_RECORD,	   /* terminal signature or chain */
	ZC_REJ_BADGE_AUTH, /* badge signature or certificate */
	ZC_REJ_REVOKED,
	ZC_REJ_UID,	/* UID badges not accepted by policy */
	ZC_REJ_UNBOUND, /* badge not bound to a cadre at that time */
	ZC_REJ_CLOCK,	/* terminal clock not trusted at that record */
};
const char *zc_tap_reject_name(int why);
/* The reason in Chinese, for people. */
const char *zc_tap_reject_label_zh(int why);

typedef struct zc_r_tap {
	int badge;    /* index into badges, -1: unknown badge */
	int terminal; /* index into terminals */
	int64_t utc_ms;
	int record_ok;	  /* terminal signature verified and linked into the chain */
	int badge_ok;	  /* PKI: the badge signature verified with its certificate chained to the CA */
	int clock_ok;	  /* the terminal's clock was trusted at this record */
	uint64_t seq;	  /* for reporting */
	int badge_forged; /* PKI: the badge's signature over the challenge does not verify with
			   * its certificate (a clone; section 3); implies !badge_ok */
} zc_r_tap;

/* A correction (补卡 / 情况说明, section 5a): cadre was on post on day. */
typedef struct zc_r_correction {
	int cadre;
	zc_day day;
	int level;	    /* enum zc_level that approved it */
	const char *reason; /* may be NULL */
} zc_r_correction;

/* One result of an inspection (抽查, section 5b): an inspector looked for a
 * cadre in a village at a time and found them present or absent. */
typedef struct zc_r_inspection {
	int cadre;
	int village;	       /* index into villages, -1: not given */
	int64_t utc_ms;	       /* when (its local date is the date concerned) */
	int absent;	       /* 1 absent, 0 present */
	const char *inspector; /* may be NULL */
} zc_r_inspection;

/* An integrity finding found outside the engine (the store's verification
 * of a terminal's chain, the clock trust of zc_rules_clock_trust): passed
 * through to the report as a violation about the terminal. type and detail
 * must outlive the report. */
typedef struct zc_r_integrity {
	int terminal;	  /* index into terminals */
	const char *type; /* "gap", "fork", "bad_signature", "tap_before_provisioning", ... */
	zc_day date;
	uint64_t seq;
	const char *detail;    /* English; may be NULL */
	const char *detail_zh; /* Chinese; may be NULL (then the English) */
} zc_r_integrity;

typedef struct zc_rules_input {
	zc_policy policy;
	zc_day as_of;
	const zc_day *holidays;
	size_t nholidays;
	const zc_day *workdays;
	size_t nworkdays;
	const zc_r_district *districts;
	size_t ndistricts;
	const zc_r_township *townships;
	size_t ntownships;
	const zc_r_village *villages;
	size_t nvillages;
	const zc_r_terminal *terminals;
	size_t nterminals;
	const zc_r_cadre *cadres;
	size_t ncadres;
	const zc_r_assignment *assignments;
	size_t nassignments;
	const zc_r_leave *leaves;
	size_t nleaves;
	const zc_r_duty *duties;
	size_t nduties;
	const zc_r_badge *badges;
	size_t nbadges;
	const zc_r_tap *taps;
	size_t ntaps;
	const zc_r_integrity *integrity;
	size_t nintegrity;
	const zc_r_correction *corrections;
	size_t ncorrections;
	const zc_r_inspection *inspections;
	size_t ninspections;
} zc_rules_input;

/* ---- output ---- */

enum zc_severity { ZC_SEV_NOTICE = 0, ZC_SEV_WARNING = 1, ZC_SEV_VIOLATION = 2 };
const char *zc_severity_name(int s);

enum zc_subject { ZC_SUBJ_CADRE = 0, ZC_SUBJ_VILLAGE = 1, ZC_SUBJ_TERMINAL = 2 };

typedef struct zc_r_finding {
	const char *type; /* static: "consecutive_absence", ... */
	int severity;
	int subject_kind; /* enum zc_subject */
	int subject;	  /* index into cadres / villages / terminals */
	zc_day date;
	char detail[192];    /* English */
	char detail_zh[256]; /* Simplified Chinese */
} zc_r_finding;

typedef struct zc_r_year {
	int cadre;
	int year;
	int present_days, duty_days, leave_days, rest_days, absent_days;
	int corrected_days, pending_days;
	int counted_days, required_days;
	int allowance_days;
	int64_t allowance_fen;
} zc_r_year;

typedef struct zc_r_month {
	int cadre;
	int year, month;
	int allowance_days;
	int64_t allowance_fen;
} zc_r_month;

typedef struct zc_r_recall {
	int cadre;
	int consecutive; /* has consecutive_absence */
	int cumulative;	 /* has cumulative_absence */
} zc_r_recall;

typedef struct zc_rules_result {
	zc_day as_of;
	zc_r_year *years;
	size_t nyears;
	zc_r_month *months;
	size_t nmonths;
	zc_r_finding *findings;
	size_t nfindings;
	zc_r_recall *recall;
	size_t nrecall;
	/* day status per cadre: status[c] has span[c] entries from first[c];
	 * asg_of[c] the assignment (index into the input's) of each of those
	 * days, -1 outside every assignment */
	uint8_t **status;
	zc_day *first;
	int32_t *span;
	int **asg_of;
	size_t ncadres;
	int *tap_reject; /* per input tap: enum zc_tap_reject */
} zc_rules_result;

/* Evaluate. Returns 0 and a result (not a report: zc/report.h renders one) to free with zc_rules_result_free, or
 * ZC_EARG (inconsistent input: an index out of range, a date range
 * backwards) / ZC_ENOMEM. */
int zc_rules_evaluate(const zc_rules_input *in, zc_rules_result **out);
void zc_rules_result_free(zc_rules_result *r);
/* The assignment of cadre c on an evaluated date, or -1. */
int zc_rules_assignment(const zc_rules_result *r, int cadre, zc_day day);
/* Status of cadre c on a date (ZC_ST_NONE when not evaluated). */
int zc_rules_day_status(const zc_rules_result *r, int cadre, zc_day day);

/* ---- clock trust (section 3, rule 4) ----
 * One terminal's records in ascending seq: kind (zc record kind), utc_ms,
 * for clock_set records whether the host ordered it, and the host's time
 * of collection (when the record reached the host). */
typedef struct zc_r_clockrec {
	uint64_t seq;
	int kind;
	int64_t utc_ms;
	int host_set;	      /* clock_set ordered by a host (by_fp not zero) */
	int64_t new_utc_ms;   /* clock_set: the time set */
	int64_t collected_ms; /* host time when collected; 0 unknown */
} zc_r_clockrec;

enum zc_clock_verdict {
	ZC_CLOCK_OK = 0,
	ZC_CLOCK_BEFORE_PROVISIONING, /* earlier than the provisioned record, or before any */
	ZC_CLOCK_AFTER_COLLECTION,    /* later than when the host collected it (+ tolerance) */
	ZC_CLOCK_ROLLBACK_WINDOW,     /* after a rollback, until the clock passes its old high-water mark */
	/* RULES.md 10: a clock_set record ordered by a host whose new_utc_ms
	 * is more than the tolerance behind the clock it replaced (the later
	 * of the record's own utc_ms and the highest trusted reading before
	 * it): a warning, clock_set_back; the record is not a tap, and the
	 * change still ends a rollback window */
	ZC_CLOCK_SET_BACK,
};
const char *zc_clock_verdict_name(int v); /* "tap_before_provisioning", ..., "clock_set_back"; "" for OK */
/* Set verdict[i] for each record. Pure. */
void zc_rules_clock_trust(const zc_r_clockrec *r, size_t n, int64_t tolerance_ms, uint8_t *verdict);
/* For a record with the verdict ZC_CLOCK_SET_BACK: its date (the local date
 * of the time set) and the finding's detail with both times, in English and
 * Chinese, for an integrity finding of type "clock_set_back" (which the
 * engine reports as a warning about the terminal). old_ms is the clock
 * before the change (the record's old_utc_ms). */
zc_day zc_rules_clock_set_back_finding(const char *terminal, uint64_t seq, int64_t old_ms, int64_t new_ms,
				       int tz_offset_min, char *en, size_t en_len, char *zh, size_t zh_len);

/* Section 5: the leave block that a leave of cadre from start to end would
 * belong to among in's leaves (and in's calendar): *bstart..*bend, and the
 * level it requires (enum zc_level, > 0), or ZC_EARG / ZC_ENOMEM. For
 * entering a leave: the level of the whole block, not of the one leave. */
int zc_rules_leave_block(const zc_rules_input *in, int cadre, zc_day start, zc_day end, zc_day *bstart, zc_day *bend);

/* Working day by the default week and the calendar overrides. */
int zc_rules_is_workday(const zc_rules_input *in, zc_day day);

#endif
