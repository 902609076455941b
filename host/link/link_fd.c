/* SPDX-License-Identifier: Apache-2.0 */
/*
 * link_fd.c: a terminal link over a file descriptor (poll, read, write):
 * a pty, a socket or a pipe pair; zc_hostlink_open_fd (zc/hostlink.h).
 */
#include "zc/hostlink.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>

#include "zc/err.h"
#include "zc/timeutil.h"

typedef struct fd_link {
	int fd;
	int own;
} fd_link;

static int fd_read(void *ctx, uint8_t *buf, size_t cap, unsigned timeout_ms)
{
	fd_link *l = ctx;
	int64_t deadline = zc_mono_ms() + timeout_ms;
	for (;;) {
		struct pollfd pf = {.fd = l->fd, .events = POLLIN};
		int64_t left = deadline - zc_mono_ms();
		int r = poll(&pf, 1, left < 0 ? 0 : (int)(left > INT_MAX ? INT_MAX : left));
		if (r < 0 && errno == EINTR)
			return 0; /* a signal: let the caller look at its flags */
		if (r < 0)
			return ZC_EIO;
		if (r == 0)
			return 0;
		ssize_t n = read(l->fd, buf, cap);
		if (n > 0)
			return (int)n;
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		return ZC_EIO; /* EOF or error: the other end is gone */
	}
}

static int fd_write(void *ctx, const uint8_t *buf, size_t n, unsigned timeout_ms)
{
	fd_link *l = ctx;
	int64_t deadline = zc_mono_ms() + timeout_ms;
	while (n) {
		struct pollfd pf = {.fd = l->fd, .events = POLLOUT};
		int64_t left = deadline - zc_mono_ms();
		if (left <= 0)
			return ZC_EIO;
		int r = poll(&pf, 1, (int)(left > INT_MAX ? INT_MAX : left));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return ZC_EIO;
		if (pf.revents & (POLLERR | POLLHUP | POLLNVAL))
			return ZC_EIO;
		ssize_t w = write(l->fd, buf, n);
		if (w < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (w <= 0)
			return ZC_EIO;
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

static void fd_close(void *ctx)
{
	fd_link *l = ctx;
	if (l->own)
		close(l->fd);
	free(l);
}

static const zc_link_ops fd_ops = {ZC_LINK_OPS_VERSION, fd_read, fd_write, fd_close};

int zc_hostlink_open_fd(int fd, int own, zc_hostlink **out)
{
	if (fd < 0 || !out)
		return ZC_EARG;
	fd_link *l = calloc(1, sizeof *l);
	if (!l)
		return ZC_ENOMEM;
	l->fd = fd;
	l->own = own;
	return zc_hostlink_new(&fd_ops, l, out);
}
