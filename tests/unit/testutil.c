/* SPDX-License-Identifier: Apache-2.0 */
/* testutil.c: temporary directories, file helpers and the allocation-failure
 * injector (testutil.h) for unit tests. */
#include "testutil.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *tu_tmpdir(const char *tag)
{
	const char *base = getenv("TMPDIR");
	char buf[4096];
	snprintf(buf, sizeof buf, "%s/zc-%s-XXXXXX", base && *base ? base : "/tmp", tag);
	if (!mkdtemp(buf))
		return NULL;
	return strdup(buf);
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void tu_rmtree(const char *path)
{
	if (path)
		nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

uint8_t *tu_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0;
	uint8_t *b = malloc(cap);
	while (b) {
		size_t k = fread(b + n, 1, cap - n, f);
		n += k;
		if (n < cap)
			break;
		uint8_t *nb = realloc(b, cap *= 2);
		if (!nb) {
			free(b);
			b = NULL;
		}
		b = nb;
	}
	fclose(f);
	if (b)
		*len = n;
	return b;
}

int tu_write_file(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	int ok = fwrite(buf, 1, len, f) == len;
	return (fclose(f) == 0 && ok) ? 0 : -1;
}

const char *tu_src_path(const char *rel)
{
	static char buf[4096];
	const char *root = getenv("ZC_SOURCE_ROOT");
#ifdef ZC_SOURCE_ROOT
	if (!root)
		root = ZC_SOURCE_ROOT;
#endif
	snprintf(buf, sizeof buf, "%s/%s", root ? root : ".", rel);
	return buf;
}

const char *tu_scenario_dir(void)
{
	static char buf[4096];
	snprintf(buf, sizeof buf, "%s", tu_src_path("../shared/scenarios"));
	if (access(buf, R_OK))
		snprintf(buf, sizeof buf, "%s", tu_src_path("tests/scenario/data"));
	return buf;
}

#if ZC_TEST_OOM
extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t n);
static _Thread_local long oom_count = -1; /* allocations so far; -1: not counting */
static _Thread_local long oom_fail_at = -1;

void tu_oom_start(long fail_at)
{
	oom_fail_at = fail_at;
	oom_count = 0;
}

long tu_oom_stop(void)
{
	long n = oom_count;
	oom_count = -1;
	return n;
}

static int oom_now(void)
{
	return oom_count >= 0 && oom_count++ == oom_fail_at;
}

void *malloc(size_t n)
{
	return oom_now() ? NULL : __libc_malloc(n);
}

void *calloc(size_t n, size_t size)
{
	return oom_now() ? NULL : __libc_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
	return oom_now() ? NULL : __libc_realloc(p, n);
}
#endif
