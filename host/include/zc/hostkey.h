/* SPDX-License-Identifier: Apache-2.0 */
/*
 * zc/hostkey.h: the host key, the P-256 key a host signs its commands to
 * terminals (and its record bundles) with. A terminal registers the public
 * half at provisioning and from then on obeys only commands signed by it.
 *
 * Where it lives: $ZHUCUN_HOST_KEY if set, else zhucun-host.key in the
 * folder of the database (--db), so a store and the key that provisioned its
 * terminals travel together. The private key is PEM, mode 0600; the public
 * half is written beside it as zhucun-host.pub.pem (the path with ".key"
 * replaced by ".pub.pem", or with ".pub.pem" appended) for other hosts to
 * check bundles against. It is created on first need (provisioning,
 * exporting a bundle); an existing key is never replaced.
 */
#ifndef ZC_HOSTKEY_H
#define ZC_HOSTKEY_H

#include <stddef.h>

#include "zc/crypto.h"

#define ZC_HOSTKEY_FILE "zhucun-host.key"

/* The key path for a database path, as described above. 0, or ZC_EARG when
 * it does not fit cap. */
int zc_hostkey_path(const char *db_path, char *out, size_t cap);
/* The public key path beside a key path. */
int zc_hostkey_pub_path(const char *key_path, char *out, size_t cap);
/* Load the key at path. If it does not exist and create is set, generate
 * one, save it (0600, fsynced; never over a key another process created
 * meanwhile: that one is loaded instead) and write the public PEM beside
 * it; *created (may be NULL) tells. Returns 0, ZC_ENOENT (absent, create
 * not set), ZC_EMALFORMED (not a P-256 private key), ZC_EIO, ZC_ECRYPTO. */
int zc_hostkey_load(const char *path, int create, zc_privkey **out, int *created);

#endif
