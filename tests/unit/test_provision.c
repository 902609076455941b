/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_provision.c: the provisioning exchange (zc/provision.h), the call
 * behind `zhucun provision`, against the real terminal: the firmware's link
 * server (zc/linksrv.h) over its terminal state and an in-memory journal,
 * at the other end of a socketpair, with a real store file and a real badge
 * CA (zhucun-ca's operations). Covered: the CA and revocation list loaded,
 * unreadable, not the CA's; a new terminal provisioned and registered, and
 * provisioned again by the same host; another host refused by the terminal
 * (nothing registered); an id registered to another terminal's key refused
 * before anything is sent; a silent line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ca.h"
#include "testutil.h"
#include "zc/badge.h"
#include "zc/crypto.h"
#include "zc/err.h"
#include "zc/hostlink.h"
#include "zc/journal.h"
#include "zc/linksrv.h"
#include "zc/provision.h"
#include "zc/serial.h"
#include "zc/storage.h"
#include "zc/store.h"
#include "zc/termstate.h"
#include "zc/wire.h"

#define T0 1751330000000LL /* 2025-07-01T00:33:20Z */

typedef struct fx {
	char *dir;
	char state[1024], ca_dir[1024], ca_pem[1100], rev[1100], db[1024];
	/* the terminal */
	zc_memfs *mem;
	zc_storage *st;
	zc_journal *j;
	zc_privkey *term_key;
	zc_simclock sc;
	zc_clock clk;
	zc_termstate *ts;
	int sv[2];
	zc_serial *tport;
	zc_linksrv *srv;
	/* the host */
	zc_privkey *host, *stranger;
	zc_hostlink *h;
	zc_store *s;
	zc_provision_ca ca;
} fx;

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	char err[256];
	signal(SIGPIPE, SIG_IGN);
	f->dir = tu_tmpdir("provision");
	snprintf(f->state, sizeof f->state, "%s/state", f->dir);
	snprintf(f->ca_dir, sizeof f->ca_dir, "%s/ca", f->dir);
	snprintf(f->ca_pem, sizeof f->ca_pem, "%s/ca.pem", f->ca_dir);
	snprintf(f->rev, sizeof f->rev, "%s/revocations.zrl", f->ca_dir);
	snprintf(f->db, sizeof f->db, "%s/host.db", f->dir);
	assert_int_equal(mkdir(f->state, 0700), 0);
	zc_ca_init_opts io = {.dir = f->ca_dir, .name = "测试区工牌CA", .district = "测试区", .now_ms = T0};
	assert_int_equal(zc_ca_init(&io, err, sizeof err), 0);

	/* the terminal, unprovisioned */
	assert_int_equal(zc_privkey_generate(&f->term_key), 0);
	f->mem = zc_memfs_new(0);
	assert_int_equal(zc_storage_mem_open(f->mem, &f->st), 0);
	zc_journal_cfg jc = {0, 4096};
	assert_int_equal(zc_journal_open(f->st, &jc, &f->j), 0);
	f->sc.utc_ms = T0;
	f->sc.mono_ms = 1;
	f->clk = zc_clock_sim(&f->sc);
	zc_termstate_cfg tc = {f->state, f->j, f->term_key, &f->clk, "test-fw 1.0"};
	assert_int_equal(zc_termstate_open(&tc, &f->ts, err, sizeof err), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, f->sv), 0);
	assert_int_equal(zc_serial_fd_new(f->sv[0], &f->tport), 0);
	zc_linksrv_cfg lc = {f->tport, f->ts, "test-fw 1.0", 20, 1000};
	assert_int_equal(zc_linksrv_start(&lc, &f->srv), 0);

	/* the host */
	assert_int_equal(zc_privkey_generate(&f->host), 0);
	assert_int_equal(zc_privkey_generate(&f->stranger), 0);
	assert_int_equal(zc_hostlink_open_fd(f->sv[1], 0, &f->h), 0);
	assert_int_equal(zc_store_open(f->db, &f->s, err, sizeof err), 0);
	int error = -1;
	const char *field = "x";
	assert_int_equal(zc_provision_ca_load(f->ca_pem, f->rev, &f->ca, &error, &field), 0);
	assert_int_equal(error, ZC_PROVISION_CA_OK);
	assert_null(field);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	zc_hostlink_close(f->h);
	zc_linksrv_stop(f->srv);
	zc_serial_free(f->tport);
	close(f->sv[1]);
	zc_termstate_close(f->ts);
	zc_journal_close(f->j);
	zc_storage_close(f->st);
	zc_memfs_free(f->mem);
	zc_store_close(f->s);
	zc_provision_ca_clear(&f->ca);
	zc_privkey_free(f->term_key);
	zc_privkey_free(f->host);
	zc_privkey_free(f->stranger);
	tu_rmtree(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

static int provision(fx *f, zc_privkey *key, const char *tid, zc_provision_result *r)
{
	zc_provision_params p = {.terminal = tid, .township = "T01", .ca = &f->ca};
	return zc_provision(f->h, f->s, key, &p, r);
}

static void fingerprint(zc_privkey *k, uint8_t fp[ZC_HASH_LEN])
{
	assert_int_equal(zc_privkey_fingerprint(k, fp), 0);
}

static void test_ca_load(void **state)
{
	fx *f = *state;
	zc_provision_ca c;
	int error;
	const char *field;
	char p[1200], err[256];

	/* without a list */
	assert_int_equal(zc_provision_ca_load(f->ca_pem, NULL, &c, &error, &field), 0);
	assert_non_null(c.ca);
	assert_null(c.rev);
	zc_provision_ca_clear(&c);
	assert_null(c.ca);
	/* with one: its bytes as sent */
	assert_non_null(f->ca.rev);
	assert_true(f->ca.rev_len > 0);

	snprintf(p, sizeof p, "%s/missing.pem", f->dir);
	assert_int_not_equal(zc_provision_ca_load(p, NULL, &c, &error, &field), 0);
	assert_int_equal(error, ZC_PROVISION_CA_UNREADABLE);
	zc_provision_ca_clear(&c);

	snprintf(p, sizeof p, "%s/missing.zrl", f->dir);
	assert_int_not_equal(zc_provision_ca_load(f->ca_pem, p, &c, &error, &field), 0);
	assert_int_equal(error, ZC_PROVISION_REV_UNREADABLE);
	zc_provision_ca_clear(&c);

	/* a list that does not parse */
	snprintf(p, sizeof p, "%s/junk.zrl", f->dir);
	assert_int_equal(tu_write_file(p, "ZRL1 not really", 15), 0);
	assert_int_not_equal(zc_provision_ca_load(f->ca_pem, p, &c, &error, &field), 0);
	assert_int_equal(error, ZC_PROVISION_REV_INVALID);
	zc_provision_ca_clear(&c);

	/* another CA's list */
	char other[1024];
	snprintf(other, sizeof other, "%s/other-ca", f->dir);
	zc_ca_init_opts io = {.dir = other, .name = "另一区工牌CA", .district = "另一区", .now_ms = T0};
	assert_int_equal(zc_ca_init(&io, err, sizeof err), 0);
	snprintf(p, sizeof p, "%s/revocations.zrl", other);
	assert_int_equal(zc_provision_ca_load(f->ca_pem, p, &c, &error, &field), ZC_ESIG);
	assert_int_equal(error, ZC_PROVISION_REV_INVALID);
	zc_provision_ca_clear(&c);
}

static void test_new_terminal(void **state)
{
	fx *f = *state;
	zc_provision_result r;
	uint8_t fp[ZC_HASH_LEN];
	fingerprint(f->host, fp);
	assert_int_equal(provision(f, f->host, "K01", &r), 0);
	assert_int_equal(r.error, ZC_PROVISION_OK);
	assert_int_equal(r.answer.code, ZC_WIRE_OK);
	assert_memory_equal(r.host_fp, fp, ZC_HASH_LEN);
	/* the terminal as it is now */
	assert_string_equal(r.hello.terminal, "K01");
	assert_string_equal(r.hello.township, "T01");
	assert_memory_equal(r.hello.host_fp, fp, ZC_HASH_LEN);
	/* registered under the key it presents */
	char pem[ZC_PEM_MAX];
	zc_pubkey *k = NULL;
	uint8_t kfp[ZC_HASH_LEN], tfp[ZC_HASH_LEN];
	assert_int_equal(zc_store_terminal_key(f->s, "K01", pem, sizeof pem), 0);
	assert_int_equal(zc_pubkey_parse((const uint8_t *)pem, strlen(pem), &k), 0);
	assert_int_equal(zc_pubkey_fingerprint(k, kfp), 0);
	zc_pubkey_free(k);
	assert_memory_equal(kfp, r.hello.key_fp, ZC_HASH_LEN);
	fingerprint(f->term_key, tfp);
	assert_memory_equal(kfp, tfp, ZC_HASH_LEN);

	/* the same host again: harmless */
	assert_int_equal(provision(f, f->host, "K01", &r), 0);
	assert_int_equal(r.error, ZC_PROVISION_OK);

	/* another host: the terminal refuses */
	assert_int_equal(provision(f, f->stranger, "K01", &r), ZC_ESTATE);
	assert_int_equal(r.error, ZC_PROVISION_REFUSED);
	assert_int_equal(r.answer.code, ZC_WIRE_E_PROVISIONED);
	assert_memory_equal(r.hello.host_fp, fp, ZC_HASH_LEN); /* still ours */
}

static void test_refused_registers_nothing(void **state)
{
	fx *f = *state;
	zc_provision_result r;
	assert_int_equal(provision(f, f->host, "K01", &r), 0);
	/* the stranger asks for another id: refused, not registered */
	assert_int_equal(provision(f, f->stranger, "K02", &r), ZC_ESTATE);
	assert_int_equal(r.error, ZC_PROVISION_REFUSED);
	char pem[ZC_PEM_MAX];
	assert_int_equal(zc_store_terminal_key(f->s, "K02", pem, sizeof pem), ZC_ENOENT);
}

static void test_id_taken(void **state)
{
	fx *f = *state;
	zc_provision_result r;
	/* K01 is another terminal's in this store */
	zc_privkey *other = NULL;
	zc_pubkey *pub = NULL;
	char pem[ZC_PEM_MAX];
	uint8_t ofp[ZC_HASH_LEN], tfp[ZC_HASH_LEN];
	assert_int_equal(zc_privkey_generate(&other), 0);
	assert_int_equal(zc_pubkey_from_priv(other, &pub), 0);
	assert_int_equal(zc_pubkey_pem(pub, pem, sizeof pem), 0);
	assert_int_equal(zc_pubkey_fingerprint(pub, ofp), 0);
	assert_int_equal(zc_store_terminal_add(f->s, "K01", pem), 0);
	assert_int_equal(provision(f, f->host, "K01", &r), ZC_EEXIST);
	assert_int_equal(r.error, ZC_PROVISION_ID_TAKEN);
	assert_memory_equal(r.taken_fp, ofp, ZC_HASH_LEN);
	fingerprint(f->term_key, tfp);
	assert_memory_equal(r.hello.key_fp, tfp, ZC_HASH_LEN);
	assert_string_equal(r.hello.terminal, ""); /* nothing was sent */
	/* another id is free */
	assert_int_equal(provision(f, f->host, "K02", &r), 0);
	zc_pubkey_free(pub);
	zc_privkey_free(other);
}

static void test_silent_line(void **state)
{
	fx *f = *state;
	zc_provision_result r;
	zc_linksrv_stop(f->srv);
	f->srv = NULL;
	zc_hostlink_set_timeout(f->h, 100, 1);
	assert_int_equal(provision(f, f->host, "K01", &r), ZC_EAGAIN);
	assert_int_equal(r.error, ZC_PROVISION_LINK);
	char pem[ZC_PEM_MAX];
	assert_int_equal(zc_store_terminal_key(f->s, "K01", pem, sizeof pem), ZC_ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_ca_load, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_new_terminal, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_refused_registers_nothing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_id_taken, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_silent_line, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
