/* SPDX-License-Identifier: Apache-2.0 */
/*
 * province.c: zhucun-bench report's synthetic province: who is where and
 * who is away when (deterministic: every run builds the same province),
 * and its registry loaded through the store (zc_registry_bulk_*, the bulk
 * load of an empty registry: the rows as a year of imports would have left
 * them, without the audit rows, which the report does not read).
 *
 * Part of main.c's translation unit (included there, after the helpers it
 * uses), since tools/CMakeLists.txt builds zhucun-bench from main.c alone.
 */

/* A deterministic generator (xorshift64*): every run builds the same
 * province. */
static uint64_t prov_rng = 0x9E3779B97F4A7C15ull;

static uint64_t rnd64(void)
{
	prov_rng ^= prov_rng >> 12;
	prov_rng ^= prov_rng << 25;
	prov_rng ^= prov_rng >> 27;
	return prov_rng * 2685821657736338717ull;
}

static void rnd_fill(uint8_t *b, size_t n)
{
	while (n) {
		uint64_t v = rnd64();
		size_t k = n < 8 ? n : 8;
		memcpy(b, &v, k);
		b += k;
		n -= k;
	}
}

/* A DER ECDSA P-256 signature's shape (71 bytes) around random values: what
 * a badge's signature looks like, never verified here. */
static void fake_der_sig(uint8_t out[71])
{
	out[0] = 0x30;
	out[1] = 0x45;
	out[2] = 0x02;
	out[3] = 0x20;
	rnd_fill(out + 4, 32);
	out[4] = (uint8_t)((out[4] & 0x7f) | 0x01);
	out[36] = 0x02;
	out[37] = 0x21;
	out[38] = 0x00;
	rnd_fill(out + 39, 32);
	out[39] |= 0x80;
}

/* The 2025 public holidays and the weekend days made working days. */
static const char *const hol2025[][3] = {
    {"2025-01-01", "2025-01-01", "元旦"},   {"2025-01-28", "2025-02-04", "春节"},
    {"2025-04-04", "2025-04-06", "清明节"}, {"2025-05-01", "2025-05-05", "劳动节"},
    {"2025-05-31", "2025-06-02", "端午节"}, {"2025-10-01", "2025-10-08", "国庆节、中秋节"},
};
static const char *const work2025[] = {"2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"};

static const char *const surnames[] = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周",
				       "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗"};
static const char *const given[] = {"伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊",   "军",
				    "洋", "勇", "艳", "杰",   "娟", "涛", "明", "超", "秀兰", "霞"};
static const char *const places[] = {"东山", "西河", "南岭", "北坡", "青石", "白水", "红岩", "黄土",
				     "柳林", "桃园", "杏花", "松树", "枣园", "石桥", "大坪", "小湾"};
static const char *const units[] = {"区农业农村局", "区财政局", "区教育局",	"区卫生健康局",
				    "区自然资源局", "区水利局", "市交通运输局", "市供销社"};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* The synthetic province: who is where, and who is away when. */
typedef struct prov {
	int ncadres, nvill, ntown, ndist;
	zc_day y0, y1, as_of;
	int tz_min;
	uint8_t *workday; /* per day y0..y1 */
	int *town_c0;	  /* cadres of township t: town_c0[t] .. town_c0[t + 1] - 1 */
	/* per cadre; spans inclusive, start 0 when none */
	zc_day *lv_a, *lv_b, *tr_a, *tr_b, *tp_a, *tp_b, *aw_a, *aw_b;
	uint8_t *miss_pct;
	uint8_t (*uuid)[16];
	uint8_t (*fp)[ZC_HASH_LEN];
} prov;

static void prov_free(prov *p)
{
	free(p->workday);
	free(p->town_c0);
	free(p->lv_a);
	free(p->lv_b);
	free(p->tr_a);
	free(p->tr_b);
	free(p->tp_a);
	free(p->tp_b);
	free(p->aw_a);
	free(p->aw_b);
	free(p->miss_pct);
	free(p->uuid);
	free(p->fp);
}

static int town_of_village(const prov *p, int v)
{
	return (int)((int64_t)v * p->ntown / p->nvill);
}

static int in_span(zc_day d, zc_day a, zc_day b)
{
	return a && d >= a && d <= b;
}

/* Whether cadre c taps on day d (a working day). */
static int prov_present(const prov *p, int c, zc_day d)
{
	if (in_span(d, p->lv_a[c], p->lv_b[c]) || in_span(d, p->tr_a[c], p->tr_b[c]) ||
	    in_span(d, p->tp_a[c], p->tp_b[c]) || in_span(d, p->aw_a[c], p->aw_b[c]))
		return 0;
	return rnd64() % 1000 >= (uint64_t)p->miss_pct[c] * 10;
}

static int prov_init(prov *p, int ncadres)
{
	memset(p, 0, sizeof *p);
	p->ncadres = ncadres;
	p->nvill = (ncadres + 2) / 3; /* a first secretary and two members */
	p->ntown = ncadres / 100 > 0 ? ncadres / 100 : 1;
	p->ndist = (p->ntown + 9) / 10;
	p->y0 = zc_day_from_ymd(2025, 1, 1);
	p->y1 = zc_day_from_ymd(2025, 12, 31);
	p->as_of = p->y1;
	p->tz_min = 480;
	size_t n = (size_t)ncadres;
	p->workday = calloc((size_t)(p->y1 - p->y0 + 1), 1);
	p->town_c0 = calloc((size_t)p->ntown + 1, sizeof *p->town_c0);
	p->lv_a = calloc(n, sizeof(zc_day));
	p->lv_b = calloc(n, sizeof(zc_day));
	p->tr_a = calloc(n, sizeof(zc_day));
	p->tr_b = calloc(n, sizeof(zc_day));
	p->tp_a = calloc(n, sizeof(zc_day));
	p->tp_b = calloc(n, sizeof(zc_day));
	p->aw_a = calloc(n, sizeof(zc_day));
	p->aw_b = calloc(n, sizeof(zc_day));
	p->miss_pct = calloc(n, 1);
	p->uuid = calloc(n, sizeof *p->uuid);
	p->fp = calloc(n, sizeof *p->fp);
	if (!p->workday || !p->town_c0 || !p->lv_a || !p->lv_b || !p->tr_a || !p->tr_b || !p->tp_a || !p->tp_b ||
	    !p->aw_a || !p->aw_b || !p->miss_pct || !p->uuid || !p->fp)
		return ZC_ENOMEM;
	for (zc_day d = p->y0; d <= p->y1; d++)
		p->workday[d - p->y0] = zc_weekday(d) < 5;
	for (size_t i = 0; i < NELEM(hol2025); i++) {
		zc_day a, b;
		zc_day_parse(hol2025[i][0], &a);
		zc_day_parse(hol2025[i][1], &b);
		for (zc_day d = a; d <= b; d++)
			p->workday[d - p->y0] = 0;
	}
	for (size_t i = 0; i < NELEM(work2025); i++) {
		zc_day d;
		zc_day_parse(work2025[i], &d);
		p->workday[d - p->y0] = 1;
	}
	/* townships hold contiguous villages, villages contiguous cadres */
	for (int t = 0, v = 0; t <= p->ntown; t++) {
		while (v < p->nvill && town_of_village(p, v) < t)
			v++;
		p->town_c0[t] = t == p->ntown ? ncadres : 3 * v;
	}
	zc_day y0 = p->y0;
	for (int c = 0; c < ncadres; c++) {
		/* leave: most a couple of days at township level, some too long */
		if (c % 7 == 3) {
			p->lv_a[c] = y0 + 60 + c % 120;
			p->lv_b[c] = p->lv_a[c] + 1;
		} else if (c % 61 == 5) {
			p->lv_a[c] = y0 + 170 + c % 40;
			p->lv_b[c] = p->lv_a[c] + 5;
		} else if (c % 97 == 11) {
			p->lv_a[c] = y0 + 200 + c % 30;
			p->lv_b[c] = p->lv_a[c] + 9;
		}
		/* district training for two in three, a township trip for some */
		if (c % 3 != 0) {
			p->tr_a[c] = y0 + 240 + c % 40;
			p->tr_b[c] = p->tr_a[c] + 2;
		}
		if (c % 13 == 1) {
			p->tp_a[c] = y0 + 130 + c % 60;
			p->tp_b[c] = p->tp_a[c] + 1;
		}
		/* away without leave for a spell (recall: consecutive absence) */
		if (c % 37 == 0) {
			p->aw_a[c] = y0 + 100 + c % 30;
			p->aw_b[c] = p->aw_a[c] + 24;
		}
		/* ~3% of working days missed; some much more (cumulative) */
		p->miss_pct[c] = c % 53 == 7 ? 16 : 3;
		rnd_fill(p->uuid[c], sizeof p->uuid[c]);
	}
	return 0;
}

static const char *dstr(zc_day d, char buf[11])
{
	zc_day_format(d, buf);
	return buf;
}

/* Stored values for zc_registry_bulk_row: text (NULL: a NULL), integer,
 * blob. */
static zc_registry_value v_txt(const char *s)
{
	return s ? (zc_registry_value){.type = ZC_RV_TEXT, .s = s} : (zc_registry_value){.type = ZC_RV_NULL};
}

static zc_registry_value v_int(int64_t i)
{
	return (zc_registry_value){.type = ZC_RV_INT, .i = i};
}

static zc_registry_value v_blob(const uint8_t *b, size_t n)
{
	return (zc_registry_value){.type = ZC_RV_BLOB, .b = b, .n = n};
}

/* One row of entity into the bulk load, saying why it failed. */
static int bulk_row(zc_store *s, zc_registry_bulk *b, const char *entity, const zc_registry_value *v, size_t n)
{
	int rc = zc_registry_bulk_row(b, entity, v, n);
	if (rc)
		fprintf(stderr, "zhucun-bench report: %s row: %s (%s)\n", entity, zc_strerror(rc), zc_store_errmsg(s));
	return rc;
}

#define ROW(entity, ...)                                                                                               \
	bulk_row(s, bk, entity, (const zc_registry_value[]){__VA_ARGS__},                                              \
		 sizeof((const zc_registry_value[]){__VA_ARGS__}) / sizeof(zc_registry_value))

/* The places: districts, townships with their terminals, villages. */
static int prov_places(zc_store *s, zc_registry_bulk *bk, const prov *p)
{
	char id[32], id2[32], name[96];
	for (int d = 0; d < p->ndist; d++) {
		snprintf(id, sizeof id, "D%02d", d + 1);
		snprintf(name, sizeof name, "%s区", places[d % NELEM(places)]);
		if (ROW("districts", v_txt(id), v_txt(name)))
			return -1;
	}
	for (int t = 0; t < p->ntown; t++) {
		snprintf(id, sizeof id, "T%03d", t + 1);
		snprintf(id2, sizeof id2, "D%02d", t * p->ndist / p->ntown + 1);
		snprintf(name, sizeof name, "%s%s镇", places[t % NELEM(places)], places[(t / 16 + 3) % NELEM(places)]);
		if (ROW("townships", v_txt(id), v_txt(name), v_txt(id2)))
			return -1;
		snprintf(id2, sizeof id2, "K%03d", t + 1);
		if (ROW("terminals", v_txt(id2), v_txt(id)))
			return -1;
	}
	for (int v = 0; v < p->nvill; v++) {
		snprintf(id, sizeof id, "V%05d", v + 1);
		snprintf(id2, sizeof id2, "T%03d", town_of_village(p, v) + 1);
		snprintf(name, sizeof name, "%s%s村", places[v % NELEM(places)], places[(v / 16 + 5) % NELEM(places)]);
		/* a fifth at the policy's daily rate */
		zc_registry_value rate = v % 5 ? v_int(v % 7 ? 10000 : 12000) : v_txt(NULL);
		if (ROW("villages", v_txt(id), v_txt(name), v_txt(id2), rate))
			return -1;
	}
	return 0;
}

/* Cadre c: the cadre, the assignment, the badge and its certificate, leave
 * and duty. */
static int prov_cadre(zc_store *s, zc_registry_bulk *bk, prov *p, int c)
{
	char id[32], id2[32], name[96], a[11], b[11];
	zc_day y0 = p->y0, term_end = zc_day_from_ymd(2026, 12, 31);
	int v = c / 3, fs = c % 3 == 0;
	snprintf(id, sizeof id, "C%05d", c + 1);
	snprintf(name, sizeof name, "%s%s", surnames[(c * 7) % NELEM(surnames)], given[(c / 3) % NELEM(given)]);
	/* first secretaries: party standing and work experience long
	 * enough, except one in a hundred-odd villages */
	const char *party = fs || c % 3 == 1 ? (fs && v % 101 == 50 ? "2024-11-01" : "2012-07-01") : NULL;
	if (ROW("cadres", v_txt(id), v_txt(name), v_txt(fs ? "first_secretary" : "member"), v_txt(party),
		v_txt(fs ? "2009-09-01" : "2016-08-15"), v_txt(units[c % NELEM(units)])))
		return -1;
	snprintf(id2, sizeof id2, "V%05d", v + 1);
	if (ROW("assignments", v_txt(id), v_txt(id2), v_txt(dstr(y0, a)), v_txt(dstr(term_end, b))))
		return -1;
	/* The badge certificate: a stand-in DER of a real one's size. It is
	 * never parsed: there is no revocation list, and every tap's badge
	 * verdict is cached (ZC_STORE_BADGE_OK). */
	uint8_t der[560];
	rnd_fill(der, sizeof der);
	snprintf(id2, sizeof id2, "B%05d", c + 1);
	int rc = zc_registry_bulk_cert(bk, der, sizeof der, id2, p->fp[c]);
	if (rc) {
		fprintf(stderr, "zhucun-bench report: badge certificate: %s\n", zc_strerror(rc));
		return -1;
	}
	if (ROW("badges", v_txt(id2), v_txt(id), v_txt(dstr(y0, a)), v_txt(NULL), v_txt("piv"), v_txt(NULL),
		v_blob(p->fp[c], ZC_HASH_LEN)))
		return -1;
	if (p->lv_a[c]) {
		int len = p->lv_b[c] - p->lv_a[c] + 1;
		snprintf(name, sizeof name, "请假-%05d", c + 1);
		if (ROW("leave", v_txt(id), v_txt(dstr(p->lv_a[c], a)), v_txt(dstr(p->lv_b[c], b)),
			v_txt(len <= 3 || c % 2 ? "township" : "district"), v_txt(name)))
			return -1;
	}
	for (int k = 0; k < 2; k++) {
		zc_day da = k ? p->tp_a[c] : p->tr_a[c], db_ = k ? p->tp_b[c] : p->tr_b[c];
		if (da && ROW("duty", v_txt(id), v_txt(dstr(da, a)), v_txt(dstr(db_, b)),
			      v_txt(k ? "trip" : "training"), v_txt(k ? "township" : "district")))
			return -1;
	}
	return 0;
}

/* The 2025 calendar and the policy. */
static int prov_calendar_policy(zc_store *s, zc_registry_bulk *bk)
{
	char a[11];
	for (size_t i = 0; i < NELEM(hol2025); i++) {
		zc_day da, db_;
		zc_day_parse(hol2025[i][0], &da);
		zc_day_parse(hol2025[i][1], &db_);
		for (zc_day d = da; d <= db_; d++)
			if (ROW("calendar", v_txt(dstr(d, a)), v_txt("holiday"), v_txt(hol2025[i][2])))
				return -1;
	}
	for (size_t i = 0; i < NELEM(work2025); i++)
		if (ROW("calendar", v_txt(work2025[i]), v_txt("workday"), v_txt("调休上班")))
			return -1;
	static const char *const pol[][2] = {
	    {"zone", "Asia/Shanghai"},
	    {"min_taps_per_day", "1"},
	    {"min_days_per_year", "200"},
	    {"max_consecutive_absence_days", "15"},
	    {"max_absent_days_per_year", "30"},
	    {"township_max_leave_days", "3"},
	    {"district_max_leave_days", "7"},
	    {"daily_rate_fen", "10000"},
	    {"clock_rollback_tolerance_s", "300"},
	};
	for (size_t i = 0; i < NELEM(pol); i++)
		if (ROW("policy", v_txt(pol[i][0]), v_txt(pol[i][1])))
			return -1;
	return 0;
}

/* The registry, as a year of imports would have left it, in one bulk load
 * of the empty registry of s. 0 or -1 (said on stderr). */
static int prov_registry(zc_store *s, prov *p)
{
	zc_registry_bulk *bk = NULL;
	int rc = zc_registry_bulk_begin(s, &bk);
	if (rc) {
		fprintf(stderr, "zhucun-bench report: bulk load: %s\n", zc_strerror(rc));
		return -1;
	}
	rc = prov_places(s, bk, p);
	for (int c = 0; c < p->ncadres && !rc; c++)
		rc = prov_cadre(s, bk, p, c);
	if (!rc)
		rc = prov_calendar_policy(s, bk);
	if (rc) {
		zc_registry_bulk_abort(bk);
		return -1;
	}
	if ((rc = zc_registry_bulk_commit(bk))) {
		fprintf(stderr, "zhucun-bench report: bulk load: %s\n", zc_strerror(rc));
		return -1;
	}
	return 0;
}

#undef ROW

/* Each terminal's collection (RULES.md section 1): its whole log pulled
 * when the fixture's records say they were ingested (fixture_sqlite.c),
 * up to its verified head. Without it every day of the year would be
 * PENDING (never collected). 0 or -1 (said on stderr). */
static int prov_collections(zc_store *s, const prov *p)
{
	const int64_t tzs = (int64_t)p->tz_min * 60;
	for (int t = 0; t < p->ntown; t++) {
		char tid[16];
		uint64_t head = 0;
		uint8_t h[ZC_HASH_LEN];
		snprintf(tid, sizeof tid, "K%03d", t + 1);
		const int64_t at_ms =
		    ((int64_t)zc_day_from_ymd(2026, 1, 5 + t % 10) * 86400 - tzs + 10 * 3600) * 1000 + t * 1000;
		int rc = zc_store_terminal_head(s, tid, &head, h);
		if (!rc)
			rc = zc_store_collection_add(s, tid, at_ms, head, "link", "bench", NULL);
		if (rc) {
			fprintf(stderr, "zhucun-bench report: collection of %s: %s\n", tid, zc_strerror(rc));
			return -1;
		}
	}
	return 0;
}
