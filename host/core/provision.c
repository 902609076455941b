/* SPDX-License-Identifier: Apache-2.0 */
/*
 * provision.c: the provisioning exchange (zc/provision.h): the badge CA and
 * revocation list to carry, then HELLO, PROVISION, HELLO over the link and
 * the terminal's key into the store.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zc/badge.h"
#include "zc/bundle.h"
#include "zc/crypto.h"
#include "zc/err.h"
#include "zc/fileio.h"
#include "zc/hostlink.h"
#include "zc/provision.h"
#include "zc/store.h"
#include "zc/wire.h"

#define REV_FILE_MAX (1u << 22)

void zc_provision_ca_clear(zc_provision_ca *c)
{
	zc_badge_ca_free(c->ca);
	free(c->rev);
	memset(c, 0, sizeof *c);
}

int zc_provision_ca_load(const char *ca_path, const char *rev_path, zc_provision_ca *out, int *error,
			 const char **field)
{
	zc_revlist_error re = {0};
	int rc;
	memset(out, 0, sizeof *out);
	*field = NULL;
	*error = ZC_PROVISION_CA_UNREADABLE;
	if ((rc = zc_badge_ca_load(ca_path, &out->ca)) || !rev_path)
		goto out;
	*error = ZC_PROVISION_REV_UNREADABLE;
	if ((rc = zc_file_read(rev_path, REV_FILE_MAX, &out->rev, &out->rev_len)))
		goto out;
	*error = ZC_PROVISION_REV_INVALID;
	if ((rc = zc_badge_ca_set_revocations(out->ca, out->rev, out->rev_len, &re))) {
		*field = re.field;
		goto out;
	}
	*error = ZC_PROVISION_REV_TOO_LARGE;
	if (out->rev_len > UINT16_MAX)
		rc = ZC_EFULL;
out:
	if (!rc)
		*error = ZC_PROVISION_CA_OK;
	return rc;
}

/* The id must not belong to another terminal in this store. */
static int id_free(zc_store *s, const char *tid, const uint8_t key_fp[ZC_HASH_LEN], zc_provision_result *r)
{
	char have[ZC_PEM_MAX];
	int rc = 0;
	if (zc_store_terminal_key(s, tid, have, sizeof have))
		return 0;
	zc_pubkey *k = NULL;
	if (!zc_pubkey_parse((const uint8_t *)have, strlen(have), &k) && !zc_pubkey_fingerprint(k, r->taken_fp) &&
	    memcmp(r->taken_fp, key_fp, ZC_HASH_LEN)) {
		r->error = ZC_PROVISION_ID_TAKEN;
		rc = ZC_EEXIST;
	}
	zc_pubkey_free(k);
	return rc;
}

/* Register the key the provisioned terminal presents under tid. */
static int register_key(zc_store *s, const char *tid, zc_provision_result *r)
{
	zc_pubkey *tkey = NULL;
	char pem[ZC_PEM_MAX];
	int rc = 0;
	if (zc_pubkey_parse(r->hello.pubkey, r->hello.pubkey_len, &tkey) || zc_pubkey_pem(tkey, pem, sizeof pem)) {
		r->error = ZC_PROVISION_BAD_KEY;
		rc = ZC_EMALFORMED;
	}
	zc_pubkey_free(tkey);
	if (rc)
		return rc;
	rc = zc_store_terminal_add(s, tid, pem);
	if (rc == ZC_EEXIST) {
		r->error = ZC_PROVISION_KEY_MISMATCH;
	} else if (rc) {
		snprintf(r->msg, sizeof r->msg, "%s", zc_store_errmsg(s));
		r->error = ZC_PROVISION_STORE;
	}
	return rc;
}

/* PROVISION as p asks, signed by key, carrying the public key hder. */
static int send_provision(zc_hostlink *h, zc_privkey *key, const zc_provision_params *p, const uint8_t *hder, int hlen,
			  zc_provision_result *r)
{
	size_t ca_len;
	const uint8_t *ca_der = zc_badge_ca_der(p->ca->ca, &ca_len);
	zc_wire_provision pv = {.host_pubkey = hder,
				.host_pubkey_len = (uint16_t)hlen,
				.ca_cert = ca_der,
				.ca_cert_len = (uint16_t)ca_len,
				.revocations = p->ca->rev,
				.revocations_len = (uint16_t)p->ca->rev_len};
	snprintf(pv.terminal, sizeof pv.terminal, "%s", p->terminal);
	snprintf(pv.township, sizeof pv.township, "%s", p->township);
	int rc = zc_hostlink_provision(h, &pv, key, &r->answer);
	if (rc) {
		r->error = ZC_PROVISION_LINK;
		return rc;
	}
	if (r->answer.code != ZC_WIRE_OK) {
		r->error = ZC_PROVISION_REFUSED;
		return ZC_ESTATE;
	}
	return 0;
}

int zc_provision(zc_hostlink *h, zc_store *s, zc_privkey *host_key, const zc_provision_params *p,
		 zc_provision_result *r)
{
	char pem[ZC_PEM_MAX];
	uint8_t hder[ZC_BUNDLE_KEY_MAX];
	int hlen, rc;
	memset(r, 0, sizeof *r);
	if (zc_privkey_public_pem(host_key, pem, sizeof pem) || (hlen = zc_pem_to_der(pem, hder, sizeof hder)) < 0 ||
	    zc_privkey_fingerprint(host_key, r->host_fp)) {
		r->error = ZC_PROVISION_HOST_KEY;
		return ZC_ECRYPTO;
	}
	if ((rc = zc_hostlink_hello(h, &r->hello, NULL))) {
		r->error = ZC_PROVISION_LINK;
		return rc;
	}
	if ((rc = id_free(s, p->terminal, r->hello.key_fp, r)) || (rc = send_provision(h, host_key, p, hder, hlen, r)))
		return rc;
	/* Ask again: the key it signs with from now on, and the proof it took. */
	if ((rc = zc_hostlink_hello(h, &r->hello, NULL))) {
		r->error = ZC_PROVISION_LINK;
		return rc;
	}
	if (strcmp(r->hello.terminal, p->terminal) || memcmp(r->hello.host_fp, r->host_fp, ZC_HASH_LEN)) {
		r->error = ZC_PROVISION_NOT_TAKEN;
		return ZC_ESTATE;
	}
	return register_key(s, p->terminal, r);
}
