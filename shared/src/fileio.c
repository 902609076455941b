/* SPDX-License-Identifier: Apache-2.0 */
/* fileio.c: atomic whole-file writes and bounded reads (zc/fileio.h). */
#include "zc/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zc/err.h"

static void sync_dir_of(const char *path)
{
	char dir[4096];
	snprintf(dir, sizeof dir, "%s", path);
	int dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
}

/* Write path.tmp (mode), fsync it, then put it in place: rename() over path,
 * or with exclusive link() so that an existing path is never replaced. */
static int write_placed(const char *path, const void *buf, size_t len, mode_t mode, int exclusive)
{
	char tmp[4096];
	int fd = -1, rc = ZC_EARG;
	if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
		return rc;
	rc = ZC_EIO;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		goto out;
	if (fchmod(fd, mode))
		goto out;
	for (size_t done = 0; done < len;) {
		ssize_t k = write(fd, (const uint8_t *)buf + done, len - done);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			goto out;
		done += (size_t)k;
	}
	if (fsync(fd))
		goto out;
	int c = close(fd);
	fd = -1;
	if (c)
		goto out;
	if (exclusive ? link(tmp, path) : rename(tmp, path)) {
		rc = exclusive && errno == EEXIST ? ZC_EEXIST : ZC_EIO;
		goto out;
	}
	sync_dir_of(path);
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (rc || exclusive)
		unlink(tmp);
	return rc;
}

int zc_file_write_atomic(const char *path, const void *buf, size_t len, mode_t mode)
{
	return write_placed(path, buf, len, mode, 0);
}

int zc_file_write_new(const char *path, const void *buf, size_t len, mode_t mode)
{
	return write_placed(path, buf, len, mode, 1);
}

int zc_file_read(const char *path, size_t max, uint8_t **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return errno == ENOENT ? ZC_ENOENT : ZC_EIO;
	int rc = ZC_ENOMEM;
	uint8_t *b = malloc(max + 2);
	if (!b)
		goto out;
	size_t n = fread(b, 1, max + 1, f);
	if (ferror(f)) {
		rc = ZC_EIO;
		goto out;
	}
	if (n > max) {
		rc = ZC_EFULL;
		goto out;
	}
	b[n] = 0;
	*buf = b;
	*len = n;
	b = NULL;
	rc = 0;
out:
	free(b);
	fclose(f);
	return rc;
}
