/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hostkey.c: where the host key lives and its creation (zc/hostkey.h).
 *
 * A new key is saved under a temporary name and then hard-linked to its
 * final name: link() never replaces an existing file, so two processes
 * provisioning at once end up with one key, not with terminals registered
 * to a key that was overwritten.
 */
#include "zc/hostkey.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "zc/err.h"
#include "zc/fileio.h"

int zc_hostkey_path(const char *db_path, char *out, size_t cap)
{
	const char *env = getenv("ZHUCUN_HOST_KEY");
	int n;
	if (!out || !cap)
		return ZC_EARG;
	if (env && *env) {
		n = snprintf(out, cap, "%s", env);
	} else {
		const char *slash = db_path ? strrchr(db_path, '/') : NULL;
		if (!slash)
			n = snprintf(out, cap, "%s", ZC_HOSTKEY_FILE);
		else if (slash == db_path)
			n = snprintf(out, cap, "/%s", ZC_HOSTKEY_FILE);
		else
			n = snprintf(out, cap, "%.*s/%s", (int)(slash - db_path), db_path, ZC_HOSTKEY_FILE);
	}
	return n < 0 || (size_t)n >= cap ? ZC_EARG : 0;
}

int zc_hostkey_pub_path(const char *key_path, char *out, size_t cap)
{
	size_t len = key_path ? strlen(key_path) : 0;
	int n;
	if (!key_path || !out || !cap)
		return ZC_EARG;
	if (len > 4 && !strcmp(key_path + len - 4, ".key"))
		n = snprintf(out, cap, "%.*s.pub.pem", (int)(len - 4), key_path);
	else
		n = snprintf(out, cap, "%s.pub.pem", key_path);
	return n < 0 || (size_t)n >= cap ? ZC_EARG : 0;
}

static void fsync_dir_of(const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	if (!slash)
		snprintf(dir, sizeof dir, ".");
	else if (slash == path)
		snprintf(dir, sizeof dir, "/");
	else
		snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

int zc_hostkey_load(const char *path, int create, zc_privkey **out, int *created)
{
	char tmp[PATH_MAX], pub[PATH_MAX], pem[ZC_PEM_MAX];
	zc_privkey *k = NULL;
	int rc;

	if (created)
		*created = 0;
	if (!path || !out)
		return ZC_EARG;
	*out = NULL;
	rc = zc_privkey_load(path, out);
	if (!rc && !zc_hostkey_pub_path(path, pub, sizeof pub) && access(pub, F_OK) && errno == ENOENT &&
	    !zc_privkey_public_pem(*out, pem, sizeof pem))
		zc_file_write_atomic(pub, pem, strlen(pem), 0644); /* restore a lost public half */
	if (rc != ZC_ENOENT || !create)
		return rc;

	if (snprintf(tmp, sizeof tmp, "%s.new-%ld", path, (long)getpid()) >= (int)sizeof tmp ||
	    zc_hostkey_pub_path(path, pub, sizeof pub))
		return ZC_EARG;
	if ((rc = zc_privkey_generate(&k)))
		return rc;
	if ((rc = zc_privkey_save(k, tmp)))
		goto out;
	if (link(tmp, path)) {
		int e = errno;
		unlink(tmp);
		zc_privkey_free(k);
		k = NULL;
		if (e == EEXIST) /* another process was quicker: use its key */
			return zc_privkey_load(path, out);
		return ZC_EIO;
	}
	unlink(tmp);
	fsync_dir_of(path);
	if (created)
		*created = 1;
	/* The public half beside it; a failure here leaves a usable key. */
	if (!zc_privkey_public_pem(k, pem, sizeof pem))
		zc_file_write_atomic(pub, pem, strlen(pem), 0644);
	*out = k;
	k = NULL;
	rc = 0;
out:
	zc_privkey_free(k);
	return rc;
}
