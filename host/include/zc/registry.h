/* SPDX-License-Identifier: Apache-2.0 */
/*
 * zc/registry.h: the registry in the host store: districts, townships,
 * villages, where terminals stand, cadres, assignments, badges, leave,
 * official duty, corrections (补卡), inspections (抽查), the calendar and
 * policy settings (imported from CSV files,
 * host/doc/IMPORT.md), the badge CAs and their revocation lists, and the
 * audit log of every change. zc_registry_load turns it into the arrays the
 * compliance engine (zc/rules.h) takes.
 *
 * Every change of a registry row writes an audit row in the same
 * transaction: who (actor), when, insert/update/delete, the entity (the
 * import kind: "districts", ..., "leave", "duty", "correction",
 * "inspection", "ca", "revocations"), the
 * row's key, its columns before and after as JSON objects, and where the
 * change came from ("FILE:LINE" or "cli"). Writing what is already stored
 * changes nothing and writes no audit row.
 *
 * Functions return 0 or a negative zc_err; where they take err/errlen they
 * write one line explaining a failure. Every text meant for people (err,
 * the lines of zc_import_result, labels, refusals, warnings) is in the
 * language lang the caller passes (zc/i18n.h); nothing here reads the
 * process-wide language. Where a function has a form named *_l, that form
 * takes lang and the one without writes Chinese: the forms without are
 * kept for existing callers only (library code passes its caller's
 * language to the *_l form) and are to go once no caller is left.
 */
#ifndef ZC_REGISTRY_H
#define ZC_REGISTRY_H

#include <stddef.h>
#include <stdint.h>

#include "zc/crypto.h"
#include "zc/i18n.h"
#include "zc/rules.h"
#include "zc/store.h"

/* Who is changing the registry: $ZHUCUN_USER, else $USER, else "unknown". */
const char *zc_registry_actor(void);

/* ---- import ---- */

typedef struct zc_import_result {
	size_t inserted, updated, unchanged; /* rows; all 0 when nothing was imported */
	/* On ZC_EMALFORMED: "FILE:LINE:COLUMN: reason" lines (malloc'd; at
	 * most 20: reading stops there, and more_errors is set when the file
	 * went on, unchecked). */
	char **errors;
	size_t nerrors;
	int more_errors;
	/* How the file was read: "UTF-8", or "GB18030" (a file that is not
	 * UTF-8, converted: what spreadsheets on Chinese Windows save); NULL
	 * when it was neither (errors says how to save it) or not read. */
	const char *encoding;
	/* After a successful import of leave: "FILE:LINE: ..." lines
	 * (malloc'd; at most 20, more_warnings when there were more) about
	 * imported rows that zc_registry_leave_check finds wanting: approved
	 * below the level of their block, outside the cadre's assignments,
	 * overlapping another leave. They are imported all the same. */
	char **warnings;
	size_t nwarnings;
	int more_warnings;
} zc_import_result;

/* The import kinds, in a good order to import a fresh registry:
 * "districts", "townships", "villages", "terminals", "cadres",
 * "assignments", "badges", "leave", "duty", "correction", "inspection",
 * "calendar", "policy".
 * names[i] for i < count; returns count. */
size_t zc_registry_kinds(const char *const **names);

/* Import csv_path as kind (one of the names above) in one transaction:
 * the file is read as UTF-8, or converted from GB18030 when it is not
 * (res->encoding), every row is checked (IMPORT.md; dates in any form of
 * zc_day_parse_any, times local in the registry's zone policy unless they
 * carry an offset), and if any is bad nothing is changed,
 * res->errors lists the bad rows and ZC_EMALFORMED is returned. Otherwise
 * every row is inserted, updated (its key is stored with other values) or
 * left alone (stored as is), each change audited with actor (NULL:
 * zc_registry_actor()) and source "csv_path:LINE". Other errors: ZC_EARG
 * (unknown kind; err says so), ZC_ENOENT / ZC_EIO (the file), ZC_EFULL
 * (file over 64 MiB), ZC_EAGAIN (database locked), ZC_EDB. res must be
 * released with zc_import_result_free (also after errors). err and the
 * lines of res (their column names too) are in lang. */
int zc_registry_import(zc_store *s, const char *kind, const char *csv_path, const char *actor, zc_lang lang,
		       zc_import_result *res, char *err, size_t errlen);
/* As zc_registry_import, from a buffer; label names it in messages and
 * sources, dir is where relative certificate paths are looked up (NULL:
 * the current directory). */
int zc_registry_import_buf_l(zc_store *s, const char *kind, const uint8_t *buf, size_t len, const char *label,
			     const char *dir, const char *actor, zc_lang lang, zc_import_result *res, char *err,
			     size_t errlen);
/* zc_registry_import_buf_l in Chinese. */
int zc_registry_import_buf(zc_store *s, const char *kind, const uint8_t *buf, size_t len, const char *label,
			   const char *dir, const char *actor, zc_import_result *res, char *err, size_t errlen);
void zc_import_result_free(zc_import_result *res);

/* ---- leave, official duty, corrections, inspections: one at a time ---- */

/* An entry of entity "leave", "duty", "correction" or "inspection"; the
 * fields each uses are marked, the others are NULL. Listed, strings are as
 * stored: dates YYYY-MM-DD, level "none"/"township"/"district"/"city",
 * kind "trip"/"meeting"/"training", type "personal"/"sick"/"family_visit"/
 * "other", result "present"/"absent" (zc_registry_label: as people read
 * them). Added, dates
 * may be in any form of zc_day_parse_any, the time in any of
 * zc_time_parse_any (local in the registry's zone policy unless it carries
 * an offset), enum values in English or Chinese (IMPORT.md). */
typedef struct zc_registry_entry {
	int64_t id;
	const char *cadre;	 /* all */
	const char *start, *end; /* leave, duty */
	const char *level;	 /* leave, duty, correction: who approved it */
	const char *kind;	 /* duty */
	const char *ref;	 /* leave, correction; may be NULL */
	const char *type;	 /* leave: 事假 personal, 病假 sick, ...; may be NULL */
	const char *place;	 /* duty: where (地点); may be NULL */
	const char *purpose;	 /* duty: what for (事由); may be NULL */
	const char *date;	 /* correction */
	const char *reason;	 /* correction; leave (事由), may be NULL */
	const char *village;	 /* inspection */
	const char *time;	 /* inspection: added, as written; listed, local ISO 8601 with offset */
	int64_t at_ms;		 /* inspection, listed: the time in UTC milliseconds */
	const char *inspector;	 /* inspection */
	const char *result;	 /* inspection */
	const char *note;	 /* inspection; may be NULL */
} zc_registry_entry;

/* Add one entry (e->id is ignored): every value checked (leave and duty:
 * start <= end; a correction's reason and inspector not blank), the cadre
 * (and village) registered. *id (may be NULL) gets the new id. A leave is
 * not checked against its block here: zc_registry_leave_add does that.
 * ZC_EARG (bad value),
 * ZC_ENOENT (unknown cadre or village), ZC_EEXIST (its key is stored:
 * leave the cadre and dates, duty with the kind, a correction the cadre
 * and date, an inspection the village, time and cadre; *id gets its id).
 * err is in lang. */
int zc_registry_entry_add(zc_store *s, const char *entity, const zc_registry_entry *e, const char *actor, zc_lang lang,
			  int64_t *id, char *err, size_t errlen);
/* Add n entries in one transaction, all or none (several cadres found at
 * one inspection): as zc_registry_entry_add; ids (may be NULL) has n
 * places. */
int zc_registry_entries_add(zc_store *s, const char *entity, const zc_registry_entry *e, size_t n, const char *actor,
			    zc_lang lang, int64_t *ids, char *err, size_t errlen);
/* A value of an enum column (level, duty kind, leave type, inspection
 * result), stored or as typed (any accepted spelling), as people read it in
 * lang: "乡镇" for "township" or "镇" in Chinese, the stored English value
 * in English; any other string as it is, NULL as "". */
const char *zc_registry_label(const char *value, zc_lang lang);

/* Remove entry id: ZC_ENOENT if there is none. err is in lang. */
int zc_registry_entry_remove(zc_store *s, const char *entity, int64_t id, const char *actor, zc_lang lang, char *err,
			     size_t errlen);
/* Call fn for every entry (of cadre, or all when NULL), ordered by cadre,
 * start, end, id (corrections by cadre, date, id; inspections by time,
 * village, cadre, id). The strings are valid during the call. fn returns
 * nonzero to stop; that value is returned. */
typedef int (*zc_registry_entry_fn)(void *arg, const zc_registry_entry *e);
int zc_registry_entries(zc_store *s, const char *entity, const char *cadre, zc_registry_entry_fn fn, void *arg);

/* Which entries to list; NULL members match all. */
typedef struct zc_registry_filter {
	const char *cadre;
	const char *village;   /* inspections only */
	const char *from, *to; /* dates (any form of zc_day_parse_any): entries on a date from..to */
} zc_registry_filter;
/* As zc_registry_entries, filtered: ZC_EARG (with err, in lang) for a bad
 * date or a village filter on another entity. */
int zc_registry_entries_where(zc_store *s, const char *entity, const zc_registry_filter *f, zc_registry_entry_fn fn,
			      void *arg, zc_lang lang, char *err, size_t errlen);

/* ---- the audit log ---- */

typedef struct zc_audit_row {
	int64_t id, at_ms;
	const char *actor;
	const char *action; /* "insert", "update", "delete" */
	const char *entity;
	const char *key;	 /* key columns joined with ',' */
	const char *before_json; /* NULL for insert */
	const char *after_json;	 /* NULL for delete */
	const char *source;
} zc_audit_row;
/* Call fn for every audit row (of entity, or all when NULL), oldest first. */
typedef int (*zc_audit_fn)(void *arg, const zc_audit_row *a);
int zc_registry_audit(zc_store *s, const char *entity, zc_audit_fn fn, void *arg);

/* ---- host keys trusted for bundles (FORMAT.md section 5) ---- */

/* A host key this host takes record bundles from: a clerk's laptop or
 * another district host. Trust is by the key's fingerprint (SHA-256 of its
 * DER SubjectPublicKeyInfo, zc_pubkey_fingerprint); the key itself is kept
 * when it was given. Every change is audited as entity "trust", key the
 * fingerprint in hex, source "cli". */
typedef struct zc_trusted_host {
	uint8_t fp[ZC_HASH_LEN];
	const char *name;	/* what the district calls it: "某某镇文书笔记本" */
	const char *pubkey_pem; /* NULL when trusted by fingerprint alone */
	int64_t added_ms;
} zc_trusted_host;

/* Trust host key fp under name (1-256 bytes of UTF-8; pem may be NULL).
 * *outcome (may be NULL): 0 inserted, 1 the name changed (updated), 2
 * already trusted so (nothing written). ZC_EARG for an empty name. */
int zc_registry_trust_add(zc_store *s, const uint8_t fp[ZC_HASH_LEN], const char *pem, const char *name,
			  const char *actor, int *outcome, zc_lang lang, char *err, size_t errlen);
/* Stop trusting fp: ZC_ENOENT when it was not trusted. Records imported
 * from its bundles stay (each was verified on its own). */
int zc_registry_trust_remove(zc_store *s, const uint8_t fp[ZC_HASH_LEN], const char *actor, zc_lang lang, char *err,
			     size_t errlen);
/* 0 if fp is trusted (its name copied to name, may be NULL), ZC_ENOENT if
 * not, or a store error. */
int zc_registry_trusted(zc_store *s, const uint8_t fp[ZC_HASH_LEN], char *name, size_t cap);
/* Call fn for every trusted host key, oldest first; fn returns nonzero to
 * stop (returned). */
typedef int (*zc_trust_fn)(void *arg, const zc_trusted_host *h);
int zc_registry_trust_list(zc_store *s, zc_trust_fn fn, void *arg);
/* The fingerprint of the key the registry's terminals row vouches for
 * (the optional key_fp column of the terminals CSV): 0, or ZC_ENOENT when
 * the terminal has no row or its row no fingerprint. */
int zc_registry_terminal_fp(zc_store *s, const char *terminal, uint8_t fp[ZC_HASH_LEN]);

/* ---- the badge CA on the host ---- */

/* Trust a badge CA certificate (PEM or DER; it must be a CA certificate,
 * zc_badge_ca_parse). fp (may be NULL) gets its fingerprint; *added (may be
 * NULL) is 0 when it was trusted already. ZC_EMALFORMED if not a CA. err
 * is in lang. */
int zc_registry_ca_add_l(zc_store *s, const uint8_t *buf, size_t len, const char *actor, zc_lang lang,
			 uint8_t fp[ZC_HASH_LEN], int *added, char *err, size_t errlen);
/* zc_registry_ca_add_l in Chinese. */
int zc_registry_ca_add(zc_store *s, const uint8_t *buf, size_t len, const char *actor, uint8_t fp[ZC_HASH_LEN],
		       int *added, char *err, size_t errlen);
/* Install a ZRL1 revocation list: decoded, signed by a trusted CA whose
 * fingerprint it names (ZC_ENOENT: no such CA), the signature verified
 * (ZC_ESIG), its number not lower than the one installed for that CA, and
 * the same number only with identical bytes (ZC_ESTATE: a rollback or a
 * different list under an installed number). *number (may be NULL) gets
 * its number, *changed (may be NULL) 0 when it was installed already.
 * ZC_EMALFORMED / ZC_ETRUNC for a list that does not decode. err is in
 * lang. */
int zc_registry_revocations_install_l(zc_store *s, const uint8_t *buf, size_t len, const char *actor, zc_lang lang,
				      uint64_t *number, int *changed, char *err, size_t errlen);
/* zc_registry_revocations_install_l in Chinese. */
int zc_registry_revocations_install(zc_store *s, const uint8_t *buf, size_t len, const char *actor, uint64_t *number,
				    int *changed, char *err, size_t errlen);

typedef struct zc_registry_ca_info {
	uint8_t fp[ZC_HASH_LEN];
	const char *name, *district; /* subject CN and O */
	int64_t valid_from_ms, valid_to_ms;
	int64_t added_ms;
	uint64_t revlist_number; /* 0: no list installed */
	uint32_t revoked;	 /* entries on that list */
	int64_t revlist_installed_ms;
} zc_registry_ca_info;
/* Call fn for every trusted CA, by fingerprint; strings valid during the call. */
typedef int (*zc_registry_ca_fn)(void *arg, const zc_registry_ca_info *ca);
int zc_registry_cas(zc_store *s, zc_registry_ca_fn fn, void *arg);

/* ---- loading for the engine ---- */

/* What a badge binding has besides zc_r_badge (parallel to badges[]). */
typedef struct zc_registry_badge_extra {
	int kind_uid; /* 1: a UID card, 0: PIV */
	uint8_t uid[10];
	size_t uid_len; /* 0: none stored */
	int has_cert;
	uint8_t cert_fp[ZC_HASH_LEN];
} zc_registry_badge_extra;

/* A certificate (badge or CA) by its SHA-256 fingerprint. */
typedef struct zc_registry_cert {
	uint8_t fp[ZC_HASH_LEN];
	const uint8_t *der;
	size_t len;
	const char *badge; /* badge certificates: the badge id of the import row; CAs: NULL */
} zc_registry_cert;

/* The installed (highest-numbered) revocation list of one CA. */
typedef struct zc_registry_revlist {
	uint8_t ca_fp[ZC_HASH_LEN];
	uint64_t number;
	const uint8_t *raw;
	size_t len;
	int64_t installed_ms;
} zc_registry_revlist;

/* Engine-shaped registry. Every array is sorted for determinism (by id;
 * assignments by cadre, start, village; leave and duty by cadre, start,
 * end, id; corrections by cadre, day, id; inspections by cadre, time, id;
 * badges by badge, bound_from, cadre; calendar days ascending; certificates
 * by fingerprint), and its indexes point into the arrays here. The *_ids
 * arrays hold each row's id in the store. All memory is owned by the
 * registry. */
typedef struct zc_registry {
	zc_policy policy; /* defaults, then every stored setting */
	zc_day *holidays;
	size_t nholidays;
	zc_day *workdays;
	size_t nworkdays;
	zc_r_district *districts;
	size_t ndistricts;
	zc_r_township *townships;
	size_t ntownships;
	zc_r_village *villages;
	size_t nvillages; /* rate_fen: stored or policy.daily_rate_fen */
	zc_r_terminal *terminals;
	size_t nterminals;
	zc_r_cadre *cadres;
	size_t ncadres;
	zc_r_assignment *assignments;
	size_t nassignments;
	zc_r_leave *leaves;
	int64_t *leave_ids;
	size_t nleaves;
	zc_r_duty *duties;
	int64_t *duty_ids;
	size_t nduties;
	zc_r_correction *corrections;
	int64_t *correction_ids;
	size_t ncorrections;
	zc_r_inspection *inspections;
	int64_t *inspection_ids;
	size_t ninspections;
	/* one per binding row; bound_to ZC_DAY_NEVER when open; revoked_at_ms
	 * INT64_MAX (revocation is the caller's: see revlists) */
	zc_r_badge *badges;
	zc_registry_badge_extra *badge_extra;
	size_t nbadges;
	zc_registry_cert *certs;
	size_t ncerts; /* badge certificates */
	zc_registry_cert *cas;
	size_t ncas; /* trusted badge CAs */
	zc_registry_revlist *revlists;
	size_t nrevlists; /* one per CA that has one */
	const uint8_t *revlist;
	size_t revlist_len; /* the most recently installed list, or NULL */
	void *arena_;
} zc_registry;

/* Load the whole registry. ZC_ECORRUPT (with err, in lang) when stored
 * rows break what import guarantees (a reference to a missing row, a bad
 * date or policy), ZC_ENOMEM, ZC_EDB. */
int zc_registry_load_l(zc_store *s, zc_lang lang, zc_registry **out, char *err, size_t errlen);
/* zc_registry_load_l in Chinese. */
int zc_registry_load(zc_store *s, zc_registry **out, char *err, size_t errlen);
void zc_registry_free(zc_registry *r);
/* Point in's policy and registry arrays at r (not as_of, taps, integrity). */
void zc_registry_fill_input(const zc_registry *r, zc_rules_input *in);
/* Index of id in r's districts / townships / villages / terminals /
 * cadres, or -1 (binary search). */
int zc_registry_find(const zc_registry *r, const char *entity, const char *id);

/* ---- a leave against the registry (RULES.md section 5) ---- */

#define ZC_LEAVE_JOINED_MAX 8

/* What a leave of one cadre means among the leaves stored. */
typedef struct zc_leave_check {
	int cadre;	     /* index in the registry's cadres */
	zc_day start, end;   /* the leave */
	int level;	     /* enum zc_level it was approved at */
	int required;	     /* enum zc_level its whole block requires (zc_rules_leave_block) */
	zc_day bstart, bend; /* the block: the leave itself when it joins no other */
	size_t njoined;	     /* the other leaves of the cadre in the block (joined: the first, by start) */
	struct {
		int64_t id;
		zc_day start, end;
		int level;
	} joined[ZC_LEAVE_JOINED_MAX];
	int outside_days;   /* days of the leave on which the cadre has no assignment */
	int64_t overlap_id; /* another leave of the cadre sharing a date with it, or 0 */
	zc_day overlap_start, overlap_end;
	int forced; /* zc_registry_leave_add: stored below required because of force */
} zc_leave_check;

/* Check a leave of r's cadre c from start to end approved at level (enum
 * zc_level) against r's leaves (a stored leave of the same cadre and dates
 * is the leave itself), calendar, policy and assignments. Pure. 0, ZC_EARG,
 * ZC_ENOMEM. The leave is approved too low when level < required. */
int zc_registry_leave_check(const zc_registry *r, int c, zc_day start, zc_day end, int level, zc_leave_check *out);
/* A level (enum zc_level) as a grade of approval in lang, as in
 * "须区级审批": "乡镇", "区级", "市级", "未" (none) in Chinese; its name in
 * English. */
const char *zc_registry_grade(int level, zc_lang lang);
/* Why a leave approved too low is refused, one line in lang: "该请假与
 * 2025-03-03 至 2025-03-05 的请假连成 2025-03-03 至 2025-03-07 共 5 天，
 * 须区级审批；所填审批级别为乡镇". */
void zc_registry_leave_refusal(const zc_leave_check *c, zc_lang lang, char *out, size_t cap);
/* The warnings about a leave that is entered all the same (outside the
 * assignments, overlapping another leave, stored leaves of its block now
 * approved below the block's level), one line each in lang, into
 * lines[0..max); returns how many. */
size_t zc_registry_leave_warnings(const zc_leave_check *c, zc_lang lang, char (*lines)[512], size_t max);
/* Add one leave (as zc_registry_entry_add) after checking it in the same
 * transaction against the store (zc_registry_leave_check): approved below
 * the level its block requires it is refused with ZC_ESTATE and err says
 * why (zc_registry_leave_refusal), unless force, when it is stored with
 * the audit source "cli --force" and chk->forced set. *chk (may be NULL)
 * gets the check, also when refused. Other errors as
 * zc_registry_entry_add; err is in lang. */
int zc_registry_leave_add(zc_store *s, const zc_registry_entry *e, int force, const char *actor, zc_lang lang,
			  int64_t *id, zc_leave_check *chk, char *err, size_t errlen);

/* ---- bulk load: an empty registry built from nothing ---- */

/* A value of a stored column (zc_registry_bulk_row). */
enum zc_registry_value_type { ZC_RV_NULL, ZC_RV_INT, ZC_RV_TEXT, ZC_RV_BLOB };
typedef struct zc_registry_value {
	int type; /* enum zc_registry_value_type */
	int64_t i;
	const char *s;
	const uint8_t *b;
	size_t n; /* of b */
} zc_registry_value;

/* The stored columns of entity (an import kind of zc_registry_kinds), in
 * the order zc_registry_bulk_row takes them, into *cols (may be NULL);
 * returns how many, 0 for an unknown entity. Values are stored forms:
 * dates YYYY-MM-DD, enums in English, villages' rate_fen and inspections'
 * at_ms integers, badges' uid and cert_fp blobs. */
size_t zc_registry_columns(const char *entity, const char *const **cols);

/* A bulk load fills an EMPTY registry in one transaction, rows in their
 * stored form: none of the import's checks, no audit row per row (the
 * store's own constraints still apply; zc_registry_load checks the
 * result). It is for building a registry from nothing (a benchmark's
 * synthetic province, a restore), never for a clerk's change: begin
 * refuses a registry with any row (ZC_ESTATE), as it does while another
 * transaction is open. */
typedef struct zc_registry_bulk zc_registry_bulk;
int zc_registry_bulk_begin(zc_store *s, zc_registry_bulk **out);
/* One row of entity: vals[0..n) for the first n columns of
 * zc_registry_columns (the others NULL). ZC_EARG for an unknown entity or
 * a bad value (the load goes on); a store error (a constraint, say) fails
 * the whole load: commit then rolls back and returns ZC_ESTATE. */
int zc_registry_bulk_row(zc_registry_bulk *b, const char *entity, const zc_registry_value *vals, size_t n);
/* A badge certificate (DER, stored as it is, not parsed) for badge (may
 * be NULL); fp (may be NULL) gets its fingerprint, the cert_fp of the
 * badges row that names it. */
int zc_registry_bulk_cert(zc_registry_bulk *b, const uint8_t *der, size_t len, const char *badge,
			  uint8_t fp[ZC_HASH_LEN]);
/* Commit and free b: 0, or a negative zc_err and nothing stored. */
int zc_registry_bulk_commit(zc_registry_bulk *b);
/* Roll back and free b; NULL is allowed. */
void zc_registry_bulk_abort(zc_registry_bulk *b);

#endif
