/* SPDX-License-Identifier: Apache-2.0 */
/*
 * zc/provision.h: giving a new terminal its identity over the link and
 * registering it in the store, the work behind `zhucun provision` (and,
 * later, the service provisioning a terminal plugged into it):
 *
 *   1. HELLO: the key the terminal presents; the id to give must not be
 *      registered in the store under another terminal's key;
 *   2. PROVISION (shared/WIRE.md section 6): the id, the township, this
 *      host's public key, the badge CA and its revocation list, signed by
 *      the host key;
 *   3. HELLO again: the terminal must now show that id and this host's key;
 *   4. register the terminal's key under the id in the store.
 *
 * No language of its own: the result says in codes where it stopped; the
 * caller words it (link failures through zc_hostlink_errmsg of the link it
 * passed).
 */
#ifndef ZC_PROVISION_H
#define ZC_PROVISION_H

#include <stddef.h>
#include <stdint.h>

#include "zc/badge.h"
#include "zc/crypto.h"
#include "zc/hostlink.h"
#include "zc/store.h"
#include "zc/wire.h"

/* The badge CA a PROVISION carries and, optionally, its revocation list. */
typedef struct zc_provision_ca {
	zc_badge_ca *ca; /* its revocation list (if any) set and checked */
	uint8_t *rev;	 /* the list's bytes as sent; NULL: none */
	size_t rev_len;
} zc_provision_ca;

/* Where zc_provision_ca_load stopped. */
enum zc_provision_ca_error {
	ZC_PROVISION_CA_OK = 0,
	ZC_PROVISION_CA_UNREADABLE,  /* the CA certificate does not load (rc) */
	ZC_PROVISION_REV_UNREADABLE, /* the revocation list file cannot be read (rc) */
	ZC_PROVISION_REV_INVALID,    /* the list does not parse (field) or is not the CA's (rc ZC_ESIG) */
	ZC_PROVISION_REV_TOO_LARGE,  /* more than a PROVISION carries (65,535 bytes) */
};

/* Load the CA certificate at ca_path and the revocation list at rev_path
 * (NULL: none) into *out (released with zc_provision_ca_clear, also after a
 * failure). Returns 0, or a negative zc_err with *error (enum
 * zc_provision_ca_error) saying which step failed and, for
 * ZC_PROVISION_REV_INVALID, *field (may be NULL) the list's offending field. */
int zc_provision_ca_load(const char *ca_path, const char *rev_path, zc_provision_ca *out, int *error,
			 const char **field);
void zc_provision_ca_clear(zc_provision_ca *c);

typedef struct zc_provision_params {
	const char *terminal;	   /* the id to give (zc_id_valid) */
	const char *township;	   /* the township's id */
	const zc_provision_ca *ca; /* the badge CA and revocation list to install */
} zc_provision_params;

/* Where zc_provision stopped (zc_provision_result.error). */
enum zc_provision_error {
	ZC_PROVISION_OK = 0,
	ZC_PROVISION_HOST_KEY,	   /* the host key cannot be exported */
	ZC_PROVISION_LINK,	   /* the link failed (the hostlink's rc; its errmsg says more) */
	ZC_PROVISION_ID_TAKEN,	   /* the id is registered under another key (taken_fp) */
	ZC_PROVISION_REFUSED,	   /* the terminal refused (answer.code, answer.text) */
	ZC_PROVISION_NOT_TAKEN,	   /* it answered OK but then shows another id or host key (hello) */
	ZC_PROVISION_BAD_KEY,	   /* the key the terminal presents does not parse */
	ZC_PROVISION_KEY_MISMATCH, /* provisioned, but the store has the id under another key */
	ZC_PROVISION_STORE,	   /* registering failed (msg: the store's reason) */
};

typedef struct zc_provision_result {
	int error;		       /* enum zc_provision_error */
	uint8_t host_fp[ZC_HASH_LEN];  /* this host's key */
	uint8_t taken_fp[ZC_HASH_LEN]; /* ZC_PROVISION_ID_TAKEN: the registered key */
	zc_wire_hello hello;	       /* the last HELLO: after provisioning, the terminal as it is now */
	zc_wire_result_msg answer;     /* the terminal's RESULT to PROVISION */
	char msg[256];		       /* ZC_PROVISION_STORE: the store's reason */
} zc_provision_result;

/* Provision the terminal at the other end of h as described above, the
 * command signed with host_key, and register it in s. Returns 0 when the
 * terminal took the id and host key and is registered; else a negative
 * zc_err with r->error saying where (the terminal may be provisioned
 * already when registering failed: running it again is harmless). */
int zc_provision(zc_hostlink *h, zc_store *s, zc_privkey *host_key, const zc_provision_params *p,
		 zc_provision_result *r);

#endif
