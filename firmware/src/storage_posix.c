/* SPDX-License-Identifier: Apache-2.0 */
/*
 * storage_posix.c: the zc_storage interface over one directory on disk.
 *
 * Every file is reached relative to a directory descriptor held for the life
 * of the object, so a rename of the folder's parent does not redirect I/O.
 * Open file descriptors are cached (a few, least recently used first out):
 * the journal appends to one segment at a time and an open/close per write
 * would cost more than the write. sync_dir fsyncs the directory descriptor,
 * which is what makes creations, removals and renames durable.
 *
 * errno is mapped to zc_err: ENOSPC and EDQUOT to ZC_ENOSPC, ENOENT to
 * ZC_ENOENT, anything else to ZC_EIO. File names must be plain names (no
 * '/', not "." or ".."); others are refused with ZC_EARG.
 *
 * Not thread-safe: one caller at a time (the journal is its only user).
 */
#include "zc/storage.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "zc/err.h"

#define PFS_CACHE 4 /* cached open files */

struct pfd {
	char *name; /* NULL: slot free */
	int fd;
	uint64_t used; /* LRU tick */
};

struct pfs {
	int dfd;
	uint64_t tick;
	struct pfd cache[PFS_CACHE];
};

static int map_errno(int e)
{
	switch (e) {
	case ENOSPC:
	case EDQUOT: return ZC_ENOSPC;
	case ENOENT: return ZC_ENOENT;
	default: return ZC_EIO;
	}
}

static int name_ok(const char *name)
{
	return name && *name && !strchr(name, '/') && strcmp(name, ".") && strcmp(name, "..") &&
	       strlen(name) <= NAME_MAX;
}

static void slot_close(struct pfd *c)
{
	if (!c->name)
		return;
	close(c->fd);
	free(c->name);
	c->name = NULL;
	c->fd = -1;
}

/* Drop the cached descriptor of name, if any (before remove or rename). */
static void cache_forget(struct pfs *p, const char *name)
{
	for (int i = 0; i < PFS_CACHE; i++)
		if (p->cache[i].name && !strcmp(p->cache[i].name, name))
			slot_close(&p->cache[i]);
}

/* A read-write descriptor for name, from the cache or freshly opened (and
 * created when create is set). 0 or a negative zc_err. */
static int get_fd(struct pfs *p, const char *name, int create, int *fd)
{
	struct pfd *victim = &p->cache[0];
	if (!name_ok(name))
		return ZC_EARG;
	for (int i = 0; i < PFS_CACHE; i++) {
		struct pfd *c = &p->cache[i];
		if (c->name && !strcmp(c->name, name)) {
			c->used = ++p->tick;
			*fd = c->fd;
			return 0;
		}
		if (victim->name && (!c->name || c->used < victim->used))
			victim = c;
	}
	int flags = O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0);
	int f;
	do
		f = openat(p->dfd, name, flags, 0600);
	while (f < 0 && errno == EINTR);
	if (f < 0)
		return map_errno(errno);
	char *copy = strdup(name);
	if (!copy) {
		close(f);
		return ZC_ENOMEM;
	}
	slot_close(victim);
	victim->name = copy;
	victim->fd = f;
	victim->used = ++p->tick;
	*fd = f;
	return 0;
}

static int p_list(void *ctx, char ***names, size_t *count)
{
	struct pfs *p = ctx;
	char **v = NULL;
	size_t n = 0, cap = 0;
	int rc = ZC_EIO;
	DIR *d = NULL;
	int f = openat(p->dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (f < 0) {
		rc = map_errno(errno);
		goto out;
	}
	d = fdopendir(f);
	if (!d) {
		close(f);
		goto out;
	}
	for (;;) {
		errno = 0;
		struct dirent *e = readdir(d);
		if (!e) {
			if (errno)
				goto out;
			break;
		}
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") || e->d_type == DT_DIR)
			continue;
		if (n == cap) {
			size_t ncap = cap ? 2 * cap : 16;
			char **nv = realloc(v, ncap * sizeof *nv);
			if (!nv) {
				rc = ZC_ENOMEM;
				goto out;
			}
			v = nv;
			cap = ncap;
		}
		if (!(v[n] = strdup(e->d_name))) {
			rc = ZC_ENOMEM;
			goto out;
		}
		n++;
	}
	*names = v;
	*count = n;
	v = NULL;
	n = 0;
	rc = 0;
out:
	if (d)
		closedir(d);
	zc_storage_free_names(v, n);
	return rc;
}

static int64_t p_size(void *ctx, const char *name)
{
	struct pfs *p = ctx;
	struct stat st;
	if (!name_ok(name))
		return ZC_EARG;
	if (fstatat(p->dfd, name, &st, 0))
		return map_errno(errno);
	return (int64_t)st.st_size;
}

static int64_t p_pread(void *ctx, const char *name, void *buf, size_t len, uint64_t off)
{
	int fd;
	int rc = get_fd(ctx, name, 0, &fd);
	if (rc)
		return rc;
	size_t done = 0;
	while (done < len) {
		ssize_t k = pread(fd, (uint8_t *)buf + done, len - done, (off_t)(off + done));
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return map_errno(errno);
		}
		if (k == 0)
			break;
		done += (size_t)k;
	}
	return (int64_t)done;
}

static int p_pwrite(void *ctx, const char *name, const void *buf, size_t len, uint64_t off)
{
	int fd;
	int rc = get_fd(ctx, name, 1, &fd);
	if (rc)
		return rc;
	size_t done = 0;
	while (done < len) {
		ssize_t k = pwrite(fd, (const uint8_t *)buf + done, len - done, (off_t)(off + done));
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return map_errno(errno);
		}
		if (k == 0)
			return ZC_EIO;
		done += (size_t)k;
	}
	return 0;
}

static int p_sync(void *ctx, const char *name)
{
	int fd;
	int rc = get_fd(ctx, name, 0, &fd);
	if (rc)
		return rc;
	return fsync(fd) ? map_errno(errno) : 0;
}

static int p_sync_dir(void *ctx)
{
	struct pfs *p = ctx;
	return fsync(p->dfd) ? map_errno(errno) : 0;
}

static int p_truncate(void *ctx, const char *name, uint64_t len)
{
	int fd;
	int rc = get_fd(ctx, name, 0, &fd);
	if (rc)
		return rc;
	int r;
	do
		r = ftruncate(fd, (off_t)len);
	while (r && errno == EINTR);
	return r ? map_errno(errno) : 0;
}

static int p_remove(void *ctx, const char *name)
{
	struct pfs *p = ctx;
	if (!name_ok(name))
		return ZC_EARG;
	cache_forget(p, name);
	return unlinkat(p->dfd, name, 0) ? map_errno(errno) : 0;
}

static int p_rename(void *ctx, const char *from, const char *to)
{
	struct pfs *p = ctx;
	if (!name_ok(from) || !name_ok(to))
		return ZC_EARG;
	cache_forget(p, from);
	cache_forget(p, to);
	return renameat(p->dfd, from, p->dfd, to) ? map_errno(errno) : 0;
}

static int64_t p_available(void *ctx)
{
	struct pfs *p = ctx;
	struct statvfs sv;
	if (fstatvfs(p->dfd, &sv))
		return -1;
	unsigned long long avail = (unsigned long long)sv.f_bavail * sv.f_frsize;
	return avail > INT64_MAX ? INT64_MAX : (int64_t)avail;
}

static void p_destroy(void *ctx)
{
	struct pfs *p = ctx;
	if (!p)
		return;
	for (int i = 0; i < PFS_CACHE; i++)
		slot_close(&p->cache[i]);
	if (p->dfd >= 0)
		close(p->dfd);
	free(p);
}

/* fsync the directory holding path, so that a folder we just created stays. */
static void sync_parent(const char *path)
{
	char *copy = strdup(path);
	if (!copy)
		return;
	int f = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (f >= 0) {
		fsync(f);
		close(f);
	}
	free(copy);
}

int zc_storage_posix_open(const char *dir, zc_storage **out)
{
	struct pfs *p = NULL;
	zc_storage *s = NULL;
	int rc = ZC_EARG;
	if (!dir || !*dir || !out)
		goto out;
	rc = ZC_ENOMEM;
	p = calloc(1, sizeof *p);
	s = calloc(1, sizeof *s);
	if (!p || !s)
		goto out;
	p->dfd = -1;
	if (mkdir(dir, 0700) == 0) {
		sync_parent(dir);
	} else if (errno != EEXIST) {
		rc = map_errno(errno);
		goto out;
	}
	p->dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (p->dfd < 0) {
		rc = map_errno(errno);
		goto out;
	}
	s->version = ZC_STORAGE_VERSION;
	s->ctx = p;
	s->list = p_list;
	s->size = p_size;
	s->pread = p_pread;
	s->pwrite = p_pwrite;
	s->sync = p_sync;
	s->sync_dir = p_sync_dir;
	s->truncate = p_truncate;
	s->remove = p_remove;
	s->rename = p_rename;
	s->available = p_available;
	s->destroy = p_destroy;
	*out = s;
	s = NULL;
	p = NULL;
	rc = 0;
out:
	p_destroy(p);
	free(s);
	return rc;
}

/* Both implementations allocate the zc_storage separately from its context:
 * destroy frees the context, this frees the object. NULL is allowed. */
void zc_storage_close(zc_storage *s)
{
	if (!s)
		return;
	if (s->destroy)
		s->destroy(s->ctx);
	free(s);
}

void zc_storage_free_names(char **names, size_t count)
{
	if (!names)
		return;
	for (size_t i = 0; i < count; i++)
		free(names[i]);
	free(names);
}
