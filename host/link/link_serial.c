/* SPDX-License-Identifier: Apache-2.0 */
/*
 * link_serial.c: a terminal link over a serial port through libserialport:
 * zc_hostlink_open_serial (zc/hostlink.h), ZC_LINK_BAUD 8N1, no flow control.
 */
#include "zc/hostlink.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libserialport.h>

#include "zc/err.h"
#include "zc/timeutil.h"

typedef struct sp_link {
	struct sp_port *port;
} sp_link;

static int sp_link_read(void *ctx, uint8_t *buf, size_t cap, unsigned timeout_ms)
{
	sp_link *l = ctx;
	int fd = -1;
	/* Wait with poll, which also sees a hung-up port (USB adapter pulled,
	 * the far end of a pty closed): libserialport's read would only time
	 * out on it, spinning. Then read what is there through libserialport. */
	if (sp_get_port_handle(l->port, &fd) == SP_OK && fd >= 0) {
		struct pollfd pf = {.fd = fd, .events = POLLIN};
		int r = poll(&pf, 1, timeout_ms > INT_MAX ? INT_MAX : (int)timeout_ms);
		if (r < 0)
			return errno == EINTR ? 0 : ZC_EIO;
		if (r == 0)
			return 0;
		if (!(pf.revents & POLLIN))
			return ZC_EIO; /* POLLHUP, POLLERR, POLLNVAL */
		timeout_ms = 1;
	}
	enum sp_return r = sp_blocking_read_next(l->port, buf, cap, timeout_ms ? timeout_ms : 1);
	if (r > 0)
		return (int)r;
	if (r < 0)
		return ZC_EIO;
	if (fd >= 0) {
		struct pollfd pf = {.fd = fd, .events = POLLIN};
		if (poll(&pf, 1, 0) == 1 && (pf.revents & (POLLHUP | POLLERR | POLLNVAL)))
			return ZC_EIO;
	}
	return 0;
}

static int sp_link_write(void *ctx, const uint8_t *buf, size_t n, unsigned timeout_ms)
{
	sp_link *l = ctx;
	enum sp_return r = sp_blocking_write(l->port, buf, n, timeout_ms);
	return r == (enum sp_return)n ? 0 : ZC_EIO;
}

static void sp_link_close(void *ctx)
{
	sp_link *l = ctx;
	if (l->port) {
		sp_drain(l->port);
		sp_close(l->port);
		sp_free_port(l->port);
	}
	free(l);
}

static const zc_link_ops sp_ops = {ZC_LINK_OPS_VERSION, sp_link_read, sp_link_write, sp_link_close};

static void set_errbuf(char *errbuf, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set_errbuf(char *errbuf, size_t errlen, const char *fmt, ...)
{
	if (!errbuf || !errlen)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(errbuf, errlen, fmt, ap);
	va_end(ap);
}

int zc_hostlink_open_serial(const char *name, zc_hostlink **out, char *errbuf, size_t errlen)
{
	char real[PATH_MAX];
	struct sp_port *port = NULL;
	struct sp_port_config *cfg = NULL;
	sp_link *l = NULL;
	int rc;

	set_errbuf(errbuf, errlen, "%s", "");
	if (!name || !out)
		return ZC_EARG;
	*out = NULL;
	/* libserialport looks the port up by its name under /sys/class/tty, so
	 * give it the device itself, not a udev symlink. */
	if (!realpath(name, real)) {
		int e = errno;
		set_errbuf(errbuf, errlen, "%s", e == ENOENT || e == ENOTDIR ? "no such device" : strerror(e));
		return e == ENOENT || e == ENOTDIR ? ZC_ENOENT : ZC_EIO;
	}
	if (sp_get_port_by_name(real, &port) != SP_OK) {
		if (!strncmp(real, "/dev/pts/", 9))
			set_errbuf(errbuf, errlen,
				   "%s is a pseudo-terminal (a network bridge such as socat or ser2net?), which "
				   "libserialport 0.1.1 cannot open",
				   real);
		else
			set_errbuf(errbuf, errlen, "not a serial port the system lists");
		return ZC_ENOENT;
	}
	errno = 0;
	if (sp_open(port, SP_MODE_READ_WRITE) != SP_OK) {
		int e = sp_last_error_code();
		char *msg = sp_last_error_message();
		set_errbuf(errbuf, errlen, "cannot open %s: %s", name,
			   e == EACCES	? "permission denied (is the user in the dialout group?)"
			   : e == EBUSY ? "the port is busy (another program has it open)"
			   : msg	? msg
					: "error");
		sp_free_error_message(msg);
		sp_free_port(port);
		return ZC_EIO;
	}
	rc = ZC_EIO;
	if (sp_new_config(&cfg) != SP_OK)
		goto fail;
	sp_set_config_baudrate(cfg, ZC_LINK_BAUD);
	sp_set_config_bits(cfg, 8);
	sp_set_config_parity(cfg, SP_PARITY_NONE);
	sp_set_config_stopbits(cfg, 1);
	sp_set_config_flowcontrol(cfg, SP_FLOWCONTROL_NONE);
	if (sp_set_config(port, cfg) != SP_OK) {
		char *msg = sp_last_error_message();
		set_errbuf(errbuf, errlen, "cannot set %s to %d 8N1: %s", name, ZC_LINK_BAUD, msg ? msg : "error");
		sp_free_error_message(msg);
		goto fail;
	}
	sp_free_config(cfg);
	cfg = NULL;
	sp_flush(port, SP_BUF_INPUT);
	if (!(l = calloc(1, sizeof *l))) {
		rc = ZC_ENOMEM;
		goto fail;
	}
	l->port = port;
	return zc_hostlink_new(&sp_ops, l, out);
fail:
	sp_free_config(cfg);
	sp_close(port);
	sp_free_port(port);
	return rc;
}
