/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fixture_sqlite.c: BENCHMARK FIXTURE, NOT PRODUCT CODE. It writes the
 * synthetic province's records (a year of taps, 2.5 million for the
 * default province) straight into the SQLite tables of a store, as ingest
 * would have left them after verifying each record: sig_ok 1, link_ok 1,
 * badge_check ZC_STORE_BADGE_OK. They were never verified: only the
 * provisioned records are really signed, since signing (and verifying)
 * 2.5 million records would take this benchmark half an hour.
 *
 * Why raw SQLite here rather than a store call: a store call that stores
 * records as verified without verifying them would be a way around ingest
 * in the library that every program links; the product must have exactly
 * one way for records to enter the store (zc_ingest_*, which verifies). So
 * the forgery stays in the benchmark, in this file only, beside the raw
 * SQLite baselines of main.c. It knows the SQLite schema (schema version
 * ZC_STORE_SCHEMA_VERSION) and must follow its migrations; a PostgreSQL
 * store would need a fixture of its own.
 *
 * Part of main.c's translation unit (included there), since
 * tools/CMakeLists.txt builds zhucun-bench from main.c alone.
 */

/* Step an insert, then reset it for the next row. */
static int ins(sqlite3 *db, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		fprintf(stderr, "zhucun-bench report: insert: %s\n", sqlite3_errmsg(db));
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

typedef struct ptap {
	int64_t utc_ms;
	int cadre;
} ptap;

static int cmp_ptap(const void *a, const void *b)
{
	const ptap *x = a, *y = b;
	return x->utc_ms < y->utc_ms ? -1 : x->utc_ms > y->utc_ms;
}

/* The records of every terminal: seq 1 its provisioned record, then a
 * year of taps in time order, as a pull of the whole journal after the
 * year would store them.
 *
 * The rows stand for what ingest would have left after verifying each
 * record: sig_ok 1 and link_ok 1 (prev_hash of seq n is the hash of n - 1),
 * and badge_check ZC_STORE_BADGE_OK (the badge signature and certificate
 * checked, cached).
 * Only the provisioned records are really signed; a tap's raw is one real
 * signed tap record of its terminal, reused, and its hash is random: raw is
 * never decoded when badge_check is set, and signing 2.5 million records
 * would take this benchmark half an hour. */
static int prov_records(sqlite3 *db, prov *p, zc_privkey *key, uint64_t *ntaps_out, uint64_t *nrec_out,
			size_t *tap_bytes)
{
	static const char sql[] =
	    "INSERT INTO records(terminal_id, seq, hash, prev_hash, version, kind, boot, utc_ms, mono_ms, raw, "
	    "sig_ok, link_ok, badge_kind, badge_id, cert_fp, tap_result, nonce, badge_sig, source, where_, "
	    "ingested_ms, badge_check) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 1, 1, ?11, ?12, ?13, ?14, "
	    "?15, ?16, 'bench', ?17, ?18, ?19)";
	sqlite3_stmt *st = NULL;
	ptap *day = NULL;
	uint8_t *raw = NULL, *tpl = NULL;
	int rc = -1;
	uint64_t ntaps = 0, nrec = 0;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "zhucun-bench report: %s\n", sqlite3_errmsg(db));
		goto out;
	}
	int maxc = 0;
	for (int t = 0; t < p->ntown; t++)
		if (p->town_c0[t + 1] - p->town_c0[t] > maxc)
			maxc = p->town_c0[t + 1] - p->town_c0[t];
	day = malloc((size_t)(2 * maxc + 1) * sizeof *day);
	raw = malloc(ZC_REC_MAX);
	tpl = malloc(ZC_REC_MAX);
	if (!day || !raw || !tpl)
		goto out;
	const int64_t tzs = (int64_t)p->tz_min * 60;
	const int64_t prov_ms = ((int64_t)zc_day_from_ymd(2024, 12, 10) * 86400 - tzs + 10 * 3600) * 1000;
	for (int t = 0; t < p->ntown; t++) {
		char tid[16], town[16], where[64];
		snprintf(tid, sizeof tid, "K%03d", t + 1);
		snprintf(town, sizeof town, "T%03d", t + 1);
		/* collected a few days after the year, terminal by terminal */
		const int64_t ingested_ms =
		    ((int64_t)zc_day_from_ymd(2026, 1, 5 + t % 10) * 86400 - tzs + 10 * 3600) * 1000 + t * 1000;
		uint8_t hash[ZC_HASH_LEN], prev[ZC_HASH_LEN];
		size_t len = 0, tlen = 0;
		/* seq 1: provisioned, really signed */
		zc_rec r;
		zc_rec_init(&r, ZC_KIND_PROVISIONED);
		snprintf(r.terminal, sizeof r.terminal, "%s", tid);
		r.seq = 1;
		r.boot = 1;
		r.utc_ms = prov_ms;
		r.mono_ms = 5000;
		snprintf(r.u.prov.township, sizeof r.u.prov.township, "%s", town);
		rnd_fill(r.u.prov.host_fp, ZC_HASH_LEN);
		rnd_fill(r.u.prov.ca_fp, ZC_HASH_LEN);
		zc_privkey_fingerprint(key, r.u.prov.key_fp);
		if (zc_rec_sign(&r, key, raw, ZC_REC_MAX, &len, hash)) {
			fprintf(stderr, "zhucun-bench report: cannot sign a record\n");
			goto out;
		}
		sqlite3_bind_text(st, 1, tid, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, 1);
		sqlite3_bind_blob(st, 3, hash, ZC_HASH_LEN, SQLITE_STATIC);
		sqlite3_bind_zeroblob(st, 4, ZC_HASH_LEN);
		sqlite3_bind_int(st, 5, r.version);
		sqlite3_bind_int(st, 6, ZC_KIND_PROVISIONED);
		sqlite3_bind_int(st, 7, 1);
		sqlite3_bind_int64(st, 8, r.utc_ms);
		sqlite3_bind_int64(st, 9, 5000);
		sqlite3_bind_blob(st, 10, raw, (int)len, SQLITE_STATIC);
		sqlite3_bind_text(st, 17, "seg-000000000001.zcj@0", -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 18, ingested_ms);
		if (ins(db, st))
			goto out;
		nrec++;
		memcpy(prev, hash, ZC_HASH_LEN);
		/* the raw stand-in of this terminal's taps: one real tap record */
		zc_rec_init(&r, ZC_KIND_TAP);
		snprintf(r.terminal, sizeof r.terminal, "%s", tid);
		r.seq = 2;
		r.boot = 1;
		r.utc_ms = prov_ms + 86400000;
		r.mono_ms = 86405000;
		memcpy(r.prev_hash, hash, ZC_HASH_LEN);
		r.u.tap.badge_kind = ZC_BADGE_PIV;
		r.u.tap.result = ZC_TAP_OK;
		r.u.tap.badge_id_len = 16;
		rnd_fill(r.u.tap.badge_id, 16);
		rnd_fill(r.u.tap.cert_fp, ZC_HASH_LEN);
		rnd_fill(r.u.tap.nonce, ZC_NONCE_LEN);
		r.u.tap.badge_sig_len = 71;
		fake_der_sig(r.u.tap.badge_sig);
		if (zc_rec_sign(&r, key, tpl, ZC_REC_MAX, &tlen, hash)) {
			fprintf(stderr, "zhucun-bench report: cannot sign a record\n");
			goto out;
		}
		*tap_bytes = tlen;
		uint64_t seq = 2, off = len + 6;
		int c0 = p->town_c0[t], c1 = p->town_c0[t + 1];
		for (zc_day d = p->y0; d <= p->y1; d++) {
			if (!p->workday[d - p->y0])
				continue;
			int n = 0;
			const int64_t d0 = (int64_t)d * 86400 - tzs; /* local midnight */
			for (int c = c0; c < c1; c++) {
				if (!prov_present(p, c, d))
					continue;
				/* 07:50 to 09:40, some again in the evening */
				day[n++] = (ptap){(d0 + 7 * 3600 + 50 * 60 + (int64_t)(rnd64() % 6600)) * 1000 +
						      (int64_t)(rnd64() % 1000),
						  c};
				if (rnd64() % 100 < 5)
					day[n++] = (ptap){(d0 + 17 * 3600 + (int64_t)(rnd64() % 5400)) * 1000, c};
			}
			qsort(day, (size_t)n, sizeof *day, cmp_ptap);
			for (int i = 0; i < n; i++, seq++) {
				uint8_t nonce[ZC_NONCE_LEN], sig[71];
				rnd_fill(hash, ZC_HASH_LEN);
				rnd_fill(nonce, sizeof nonce);
				fake_der_sig(sig);
				snprintf(where, sizeof where, "seg-%012llu.zcj@%llu",
					 (unsigned long long)(off / (1u << 22) + 1),
					 (unsigned long long)(off % (1u << 22)));
				off += tlen + 6;
				sqlite3_bind_text(st, 1, tid, -1, SQLITE_STATIC);
				sqlite3_bind_int64(st, 2, (sqlite3_int64)seq);
				sqlite3_bind_blob(st, 3, hash, ZC_HASH_LEN, SQLITE_STATIC);
				sqlite3_bind_blob(st, 4, prev, ZC_HASH_LEN, SQLITE_STATIC);
				sqlite3_bind_int(st, 5, ZC_REC_VERSION);
				sqlite3_bind_int(st, 6, ZC_KIND_TAP);
				sqlite3_bind_int(st, 7, 1);
				sqlite3_bind_int64(st, 8, day[i].utc_ms);
				sqlite3_bind_int64(st, 9, day[i].utc_ms - prov_ms + 5000);
				sqlite3_bind_blob(st, 10, tpl, (int)tlen, SQLITE_STATIC);
				sqlite3_bind_int(st, 11, ZC_BADGE_PIV);
				sqlite3_bind_blob(st, 12, p->uuid[day[i].cadre], 16, SQLITE_STATIC);
				sqlite3_bind_blob(st, 13, p->fp[day[i].cadre], ZC_HASH_LEN, SQLITE_STATIC);
				sqlite3_bind_int(st, 14, ZC_TAP_OK);
				sqlite3_bind_blob(st, 15, nonce, sizeof nonce, SQLITE_STATIC);
				sqlite3_bind_blob(st, 16, sig, sizeof sig, SQLITE_STATIC);
				sqlite3_bind_text(st, 17, where, -1, SQLITE_STATIC);
				sqlite3_bind_int64(st, 18, ingested_ms);
				sqlite3_bind_int(st, 19, ZC_STORE_BADGE_OK);
				if (ins(db, st))
					goto out;
				memcpy(prev, hash, ZC_HASH_LEN);
			}
			ntaps += (uint64_t)n;
			nrec += (uint64_t)n;
		}
	}
	rc = 0;
out:
	*ntaps_out = ntaps;
	*nrec_out = nrec;
	sqlite3_finalize(st);
	free(day);
	free(raw);
	free(tpl);
	return rc;
}

/* The records of the province into the store at dbpath (closed: this
 * opens its own connection), in one transaction; *ntaps, *nrec and
 * *tap_bytes as prov_records. 0 or -1 (said on stderr). */
static int prov_records_write(const char *dbpath, prov *p, zc_privkey *key, uint64_t *ntaps, uint64_t *nrec,
			      size_t *tap_bytes)
{
	sqlite3 *db = NULL;
	int rc = -1;
	if (sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		goto out;
	sqlite3_exec(db, "PRAGMA foreign_keys = ON; PRAGMA synchronous = OFF; PRAGMA cache_size = -262144", NULL, NULL,
		     NULL);
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
	    prov_records(db, p, key, ntaps, nrec, tap_bytes) ||
	    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto out;
	rc = 0;
out:
	if (rc)
		fprintf(stderr, "zhucun-bench report: writing the records failed: %s\n",
			db ? sqlite3_errmsg(db) : "cannot open the store");
	sqlite3_close(db); /* the last connection: checkpoints the WAL */
	return rc;
}
