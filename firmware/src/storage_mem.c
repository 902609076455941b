/* SPDX-License-Identifier: Apache-2.0 */
/*
 * storage_mem.c: an in-memory zc_storage that models what survives a power
 * cut and injects faults, for crash and fault tests of the journal.
 *
 * The model. Files are inodes with two contents: current (what reads see)
 * and durable (what a power cut leaves). sync(name) makes the current
 * contents durable. The directory likewise exists twice: the current one
 * (names -> inodes, changed by creation, remove and rename) and the durable
 * one, which becomes a copy of the current one at sync_dir. So a file that
 * was created and synced but whose directory was never synced vanishes in a
 * power cut, a removal can come back, and a rename can be undone. An inode
 * lives as long as either directory names it.
 *
 * The fault plan (zc_memfs_set_faults) resets the call counters and the byte
 * budget:
 *  - crash_after_bytes: a write that would go past the budget writes the
 *    bytes up to it and fails with ZC_EIO, and the power is out: every later
 *    call fails with ZC_EIO until zc_memfs_crash(). A write that ends exactly
 *    at the budget succeeds and the power goes out right after it.
 *  - fail_write_nth / fail_sync_nth: the N-th pwrite / sync-kind call (sync
 *    and sync_dir both count) fails with the given error (ZC_EIO if 0). A
 *    failed write writes the first half of its bytes (a prefix, as a real
 *    write may); a failed sync makes nothing durable.
 *  - capacity: the current sizes of the files in the current directory count
 *    against it; a write that does not fit writes the prefix that fits and
 *    fails with ZC_ENOSPC.
 *
 * Not thread-safe. Allocation failures are reported as ZC_EIO.
 */
#include "zc/storage.h"

#include <stdlib.h>
#include <string.h>

#include "zc/err.h"

struct mnode {
	uint8_t *cur;
	size_t cur_len, cur_cap;
	uint8_t *dur;
	size_t dur_len;
};

struct ment {
	char *name;
	struct mnode *node;
};

struct mdir {
	struct ment *e;
	size_t n, cap;
};

struct zc_memfs {
	uint64_t capacity;
	struct mdir cur, dur;
	struct mnode **nodes; /* every live inode */
	size_t nnodes, nodes_cap;
	zc_memfs_faults f;
	int64_t budget;	 /* bytes left before the power fails; -1: no plan */
	uint64_t nwrite; /* pwrite calls since the plan was set */
	uint64_t nsync;	 /* sync and sync_dir calls since the plan was set */
	int dead;	 /* power is out */
	uint64_t written;
};

/* ---- directories and inodes ---- */

static struct ment *dir_find(struct mdir *d, const char *name)
{
	for (size_t i = 0; i < d->n; i++)
		if (!strcmp(d->e[i].name, name))
			return &d->e[i];
	return NULL;
}

static int dir_add(struct mdir *d, const char *name, struct mnode *node)
{
	if (d->n == d->cap) {
		size_t ncap = d->cap ? 2 * d->cap : 8;
		struct ment *ne = realloc(d->e, ncap * sizeof *ne);
		if (!ne)
			return ZC_EIO;
		d->e = ne;
		d->cap = ncap;
	}
	char *copy = strdup(name);
	if (!copy)
		return ZC_EIO;
	d->e[d->n].name = copy;
	d->e[d->n].node = node;
	d->n++;
	return 0;
}

static void dir_del(struct mdir *d, struct ment *e)
{
	free(e->name);
	*e = d->e[--d->n];
}

static void dir_clear(struct mdir *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->e[i].name);
	d->n = 0;
}

/* dst := copy of src. On allocation failure dst is left empty-or-partial and
 * ZC_EIO returned. */
static int dir_copy(struct mdir *dst, const struct mdir *src)
{
	dir_clear(dst);
	for (size_t i = 0; i < src->n; i++)
		if (dir_add(dst, src->e[i].name, src->e[i].node))
			return ZC_EIO;
	return 0;
}

static int dir_refs(const struct mdir *d, const struct mnode *node)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->e[i].node == node)
			return 1;
	return 0;
}

static void node_free(struct mnode *n)
{
	free(n->cur);
	free(n->dur);
	free(n);
}

/* Free the inodes neither directory names any more. */
static void gc(zc_memfs *m)
{
	size_t k = 0;
	for (size_t i = 0; i < m->nnodes; i++) {
		struct mnode *n = m->nodes[i];
		if (dir_refs(&m->cur, n) || dir_refs(&m->dur, n))
			m->nodes[k++] = n;
		else
			node_free(n);
	}
	m->nnodes = k;
}

static struct mnode *node_new(zc_memfs *m)
{
	if (m->nnodes == m->nodes_cap) {
		size_t ncap = m->nodes_cap ? 2 * m->nodes_cap : 8;
		struct mnode **nv = realloc(m->nodes, ncap * sizeof *nv);
		if (!nv)
			return NULL;
		m->nodes = nv;
		m->nodes_cap = ncap;
	}
	struct mnode *n = calloc(1, sizeof *n);
	if (n)
		m->nodes[m->nnodes++] = n;
	return n;
}

static int node_reserve(struct mnode *n, size_t len)
{
	if (len <= n->cur_cap)
		return 0;
	size_t ncap = n->cur_cap ? n->cur_cap : 256;
	while (ncap < len)
		ncap *= 2;
	uint8_t *nb = realloc(n->cur, ncap);
	if (!nb)
		return ZC_EIO;
	n->cur = nb;
	n->cur_cap = ncap;
	return 0;
}

/* Set the current length, zero-filling when it grows. */
static int node_resize(struct mnode *n, size_t len)
{
	if (node_reserve(n, len))
		return ZC_EIO;
	if (len > n->cur_len)
		memset(n->cur + n->cur_len, 0, len - n->cur_len);
	n->cur_len = len;
	return 0;
}

/* durable := current */
static int node_persist(struct mnode *n)
{
	uint8_t *d = NULL;
	if (n->cur_len) {
		d = malloc(n->cur_len);
		if (!d)
			return ZC_EIO;
		memcpy(d, n->cur, n->cur_len);
	}
	free(n->dur);
	n->dur = d;
	n->dur_len = n->cur_len;
	return 0;
}

/* current := durable */
static int node_revert(struct mnode *n)
{
	if (node_reserve(n, n->dur_len))
		return ZC_EIO;
	if (n->dur_len)
		memcpy(n->cur, n->dur, n->dur_len);
	n->cur_len = n->dur_len;
	return 0;
}

static uint64_t used_bytes(const zc_memfs *m)
{
	uint64_t u = 0;
	for (size_t i = 0; i < m->cur.n; i++)
		u += m->cur.e[i].node->cur_len;
	return u;
}

static struct mnode *lookup(zc_memfs *m, const char *name)
{
	struct ment *e = dir_find(&m->cur, name);
	return e ? e->node : NULL;
}

/* ---- the storage operations ---- */

static int m_list(void *ctx, char ***names, size_t *count)
{
	zc_memfs *m = ctx;
	if (m->dead)
		return ZC_EIO;
	char **v = calloc(m->cur.n ? m->cur.n : 1, sizeof *v);
	if (!v)
		return ZC_EIO;
	for (size_t i = 0; i < m->cur.n; i++) {
		if (!(v[i] = strdup(m->cur.e[i].name))) {
			zc_storage_free_names(v, i);
			return ZC_EIO;
		}
	}
	*names = v;
	*count = m->cur.n;
	return 0;
}

static int64_t m_size(void *ctx, const char *name)
{
	zc_memfs *m = ctx;
	if (m->dead)
		return ZC_EIO;
	struct mnode *n = lookup(m, name);
	return n ? (int64_t)n->cur_len : ZC_ENOENT;
}

static int64_t m_pread(void *ctx, const char *name, void *buf, size_t len, uint64_t off)
{
	zc_memfs *m = ctx;
	if (m->dead)
		return ZC_EIO;
	struct mnode *n = lookup(m, name);
	if (!n)
		return ZC_ENOENT;
	if (off >= n->cur_len)
		return 0;
	size_t k = n->cur_len - off < len ? n->cur_len - (size_t)off : len;
	memcpy(buf, n->cur + off, k);
	return (int64_t)k;
}

static int m_pwrite(void *ctx, const char *name, const void *buf, size_t len, uint64_t off)
{
	zc_memfs *m = ctx;
	int err = 0;
	if (m->dead)
		return ZC_EIO;
	m->nwrite++;
	struct mnode *n = lookup(m, name);
	if (!n) {
		n = node_new(m);
		if (!n || dir_add(&m->cur, name, n)) {
			gc(m);
			return ZC_EIO;
		}
	}
	size_t k = len;
	if (m->f.fail_write_nth > 0 && m->nwrite == (uint64_t)m->f.fail_write_nth) {
		err = m->f.fail_write_err ? m->f.fail_write_err : ZC_EIO;
		k = len / 2;
	}
	if (m->capacity) {
		uint64_t used = used_bytes(m);
		uint64_t room = m->capacity > used ? m->capacity - used : 0;
		uint64_t end_max = n->cur_len + room;
		if (off + k > end_max) {
			k = end_max > off ? (size_t)(end_max - off) : 0;
			if (!err)
				err = ZC_ENOSPC;
		}
	}
	if (m->budget >= 0) {
		if ((uint64_t)m->budget < k) {
			k = (size_t)m->budget;
			err = ZC_EIO;
		}
		m->budget -= (int64_t)k;
		if (m->budget == 0)
			m->dead = 1;
	}
	if (k) {
		if (off + k > n->cur_len && node_resize(n, (size_t)(off + k)))
			return ZC_EIO;
		memcpy(n->cur + off, buf, k);
		m->written += k;
	}
	return err;
}

/* Count a sync-kind call; nonzero when the plan fails this one. */
static int sync_fault(zc_memfs *m)
{
	m->nsync++;
	if (m->f.fail_sync_nth > 0 && m->nsync == (uint64_t)m->f.fail_sync_nth)
		return m->f.fail_sync_err ? m->f.fail_sync_err : ZC_EIO;
	return 0;
}

static int m_sync(void *ctx, const char *name)
{
	zc_memfs *m = ctx;
	if (m->dead)
		return ZC_EIO;
	struct mnode *n = lookup(m, name);
	if (!n)
		return ZC_ENOENT;
	int rc = sync_fault(m);
	if (rc)
		return rc;
	return node_persist(n);
}

static int m_sync_dir(void *ctx)
{
	zc_memfs *m = ctx;
	if (m->dead)
		return ZC_EIO;
	int rc = sync_fault(m);
	if (rc)
		return rc;
	rc = dir_copy(&m->dur, &m->cur);
	gc(m);
	return rc;
}

static int m_truncate(void *ctx, const char *name, uint64_t len)
{
	zc_memfs *m = ctx;
	if (m->dead)
		return ZC_EIO;
	struct mnode *n = lookup(m, name);
	if (!n)
		return ZC_ENOENT;
	return node_resize(n, (size_t)len);
}

static int m_remove(void *ctx, const char *name)
{
	zc_memfs *m = ctx;
	if (m->dead)
		return ZC_EIO;
	struct ment *e = dir_find(&m->cur, name);
	if (!e)
		return ZC_ENOENT;
	dir_del(&m->cur, e);
	gc(m);
	return 0;
}

static int m_rename(void *ctx, const char *from, const char *to)
{
	zc_memfs *m = ctx;
	if (m->dead)
		return ZC_EIO;
	struct ment *f = dir_find(&m->cur, from);
	if (!f)
		return ZC_ENOENT;
	if (!strcmp(from, to))
		return 0;
	struct mnode *node = f->node;
	struct ment *t = dir_find(&m->cur, to);
	if (t) {
		t->node = node;
	} else if (dir_add(&m->cur, to, node)) {
		return ZC_EIO;
	}
	dir_del(&m->cur, dir_find(&m->cur, from));
	gc(m);
	return 0;
}

static int64_t m_available(void *ctx)
{
	zc_memfs *m = ctx;
	if (m->dead || !m->capacity)
		return -1;
	uint64_t used = used_bytes(m);
	return used < m->capacity ? (int64_t)(m->capacity - used) : 0;
}

static void m_destroy(void *ctx)
{
	(void)ctx; /* a view owns nothing; zc_memfs_free releases m */
}

/* ---- the test-facing API ---- */

zc_memfs *zc_memfs_new(uint64_t capacity_bytes)
{
	zc_memfs *m = calloc(1, sizeof *m);
	if (!m)
		return NULL;
	m->capacity = capacity_bytes;
	m->budget = -1;
	m->f.crash_after_bytes = -1;
	return m;
}

void zc_memfs_free(zc_memfs *m)
{
	if (!m)
		return;
	dir_clear(&m->cur);
	dir_clear(&m->dur);
	free(m->cur.e);
	free(m->dur.e);
	for (size_t i = 0; i < m->nnodes; i++)
		node_free(m->nodes[i]);
	free(m->nodes);
	free(m);
}

int zc_storage_mem_open(zc_memfs *m, zc_storage **out)
{
	if (!m || !out)
		return ZC_EARG;
	zc_storage *s = calloc(1, sizeof *s);
	if (!s)
		return ZC_ENOMEM;
	s->version = ZC_STORAGE_VERSION;
	s->ctx = m;
	s->list = m_list;
	s->size = m_size;
	s->pread = m_pread;
	s->pwrite = m_pwrite;
	s->sync = m_sync;
	s->sync_dir = m_sync_dir;
	s->truncate = m_truncate;
	s->remove = m_remove;
	s->rename = m_rename;
	s->available = m_available;
	s->destroy = m_destroy;
	*out = s;
	return 0;
}

void zc_memfs_set_faults(zc_memfs *m, const zc_memfs_faults *f)
{
	m->f = *f;
	m->budget = f->crash_after_bytes >= 0 ? f->crash_after_bytes : -1;
	m->nwrite = 0;
	m->nsync = 0;
}

void zc_memfs_crash(zc_memfs *m, int keep_unsynced)
{
	if (!keep_unsynced) {
		for (size_t i = 0; i < m->nnodes; i++)
			node_revert(m->nodes[i]); /* cannot fail: cur_cap >= old lengths */
		dir_copy(&m->cur, &m->dur);
		gc(m);
	}
	memset(&m->f, 0, sizeof m->f);
	m->f.crash_after_bytes = -1;
	m->budget = -1;
	m->nwrite = 0;
	m->nsync = 0;
	m->dead = 0;
}

int zc_memfs_flip_bit(zc_memfs *m, const char *name, uint64_t byte, int bit)
{
	struct mnode *n = lookup(m, name);
	if (!n)
		return ZC_ENOENT;
	if (bit < 0 || bit > 7 || (byte >= n->cur_len && byte >= n->dur_len))
		return ZC_EARG;
	if (byte < n->cur_len)
		n->cur[byte] ^= (uint8_t)(1u << bit);
	if (byte < n->dur_len)
		n->dur[byte] ^= (uint8_t)(1u << bit);
	return 0;
}

const uint8_t *zc_memfs_data(zc_memfs *m, const char *name, size_t *len)
{
	struct mnode *n = lookup(m, name);
	if (!n)
		return NULL;
	if (len)
		*len = n->cur_len;
	return n->cur ? n->cur : (const uint8_t *)"";
}

uint64_t zc_memfs_bytes_written(zc_memfs *m)
{
	return m->written;
}
