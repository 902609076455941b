/* SPDX-License-Identifier: Apache-2.0 */
/*
 * serial_posix.c: the host link's serial port on POSIX (zc/serial.h): a tty
 * device set raw 8N1 through termios, a pseudo-terminal published as a
 * symbolic link (the simulated board; also what socat or ser2net bridging
 * gives), or any file descriptor (tests). All three are non-blocking
 * descriptors waited on with poll, so reads time out and a write to a line
 * nobody reads gives up instead of hanging the link server.
 *
 * The pty keeps its own slave descriptor open: without it, reading the
 * master fails with EIO whenever no host has the slave open, and every
 * host disconnect would look like a dead port.
 */
#include "zc/serial.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "zc/err.h"

typedef struct port {
	zc_serial ops;
	int fd;		 /* the tty, the pty master, or the wrapped descriptor */
	int slave;	 /* pty: our own slave descriptor; -1 otherwise */
	int tty;	 /* fd is a terminal (tcflush applies) */
	char link[1024]; /* pty: the symbolic link we made; "" otherwise */
	char slave_name[128];
	char name[1300];
} port;

static int port_read(void *ctx, uint8_t *buf, size_t cap, int timeout_ms)
{
	port *p = ctx;
	struct pollfd pf = {p->fd, POLLIN, 0};
	int n = poll(&pf, 1, timeout_ms < 0 ? 0 : timeout_ms);
	if (n < 0)
		return errno == EINTR ? 0 : ZC_EIO;
	if (n == 0)
		return 0;
	ssize_t r = read(p->fd, buf, cap);
	if (r > 0)
		return (int)(r > 0x7fffffff ? 0x7fffffff : r);
	if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return 0;
	return ZC_EIO; /* end of file (the other end closed) or a device error */
}

static int port_write(void *ctx, const uint8_t *buf, size_t n, int timeout_ms)
{
	port *p = ctx;
	while (n) {
		ssize_t w = write(p->fd, buf, n);
		if (w > 0) {
			buf += w;
			n -= (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
			return ZC_EIO;
		struct pollfd pf = {p->fd, POLLOUT, 0};
		int k = poll(&pf, 1, timeout_ms < 0 ? 0 : timeout_ms);
		if (k < 0 && errno != EINTR)
			return ZC_EIO;
		if (k == 0)
			return ZC_EAGAIN;
		if (k > 0 && (pf.revents & (POLLERR | POLLNVAL)))
			return ZC_EIO;
	}
	return 0;
}

static void port_flush(void *ctx)
{
	port *p = ctx;
	if (p->tty)
		tcflush(p->fd, TCIOFLUSH);
	if (p->slave >= 0)
		tcflush(p->slave, TCIOFLUSH); /* what we wrote and no host read */
}

static void port_close(void *ctx)
{
	port *p = ctx;
	if (!p)
		return;
	if (*p->link) {
		/* Remove the link only if it is still ours. */
		char target[sizeof p->slave_name];
		ssize_t n = readlink(p->link, target, sizeof target - 1);
		if (n >= 0) {
			target[n] = 0;
			if (!strcmp(target, p->slave_name))
				unlink(p->link);
		}
	}
	if (p->slave >= 0)
		close(p->slave);
	if (p->fd >= 0)
		close(p->fd);
	free(p);
}

static port *port_new(void)
{
	port *p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	p->fd = -1;
	p->slave = -1;
	p->ops.version = ZC_SERIAL_VERSION;
	p->ops.ctx = p;
	p->ops.read = port_read;
	p->ops.write = port_write;
	p->ops.flush = port_flush;
	p->ops.close = port_close;
	p->ops.name = p->name;
	return p;
}

void zc_serial_free(zc_serial *s)
{
	if (s)
		s->close(s->ctx);
}

static int set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	return fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) ? -1 : 0;
}

static speed_t baud_const(int baud)
{
	switch (baud) {
	case 9600: return B9600;
	case 19200: return B19200;
	case 38400: return B38400;
	case 57600: return B57600;
	case 115200: return B115200;
	case 230400: return B230400;
	case 460800: return B460800;
	case 921600: return B921600;
	default: return 0;
	}
}

/* Raw 8N1, no flow control, modem lines ignored, reads never block in the
 * line discipline (VMIN = VTIME = 0: poll does the waiting). */
static int make_raw(int fd, speed_t speed)
{
	struct termios tio;
	if (tcgetattr(fd, &tio))
		return -1;
	cfmakeraw(&tio);
	tio.c_cflag &= ~(tcflag_t)(CSIZE | PARENB | CSTOPB | CRTSCTS);
	tio.c_cflag |= CS8 | CLOCAL | CREAD;
	tio.c_iflag &= ~(tcflag_t)(IXON | IXOFF | IXANY);
	tio.c_cc[VMIN] = 0;
	tio.c_cc[VTIME] = 0;
	if (cfsetispeed(&tio, speed) || cfsetospeed(&tio, speed))
		return -1;
	return tcsetattr(fd, TCSANOW, &tio);
}

static int open_tty(port *p, const char *path, speed_t speed, char *errbuf, size_t errlen)
{
	p->fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (p->fd < 0) {
		int e = errno;
		snprintf(errbuf, errlen, "%s: %s", path, strerror(e));
		return e == ENOENT ? ZC_ENOENT : ZC_EIO;
	}
	if (!isatty(p->fd)) {
		snprintf(errbuf, errlen, "%s: not a serial port (tty)", path);
		return ZC_EARG;
	}
	if (make_raw(p->fd, speed)) {
		snprintf(errbuf, errlen, "%s: cannot set 8N1 raw mode: %s", path, strerror(errno));
		return ZC_EIO;
	}
	/* No TIOCEXCL: on a pty slave that another process keeps open the
	 * flag would outlive us and lock the next host out. */
	tcflush(p->fd, TCIOFLUSH);
	p->tty = 1;
	snprintf(p->name, sizeof p->name, "%s", path);
	return 0;
}

static int open_pty(port *p, const char *link, speed_t speed, char *errbuf, size_t errlen)
{
	struct stat st;
	if (!*link || strlen(link) >= sizeof p->link) {
		snprintf(errbuf, errlen, "pty: needs a path for the link (pty:/PATH)");
		return ZC_EARG;
	}
	if (!lstat(link, &st) && !S_ISLNK(st.st_mode)) {
		snprintf(errbuf, errlen, "%s exists and is not a symbolic link: not replacing it", link);
		return ZC_EEXIST;
	}
	p->fd = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (p->fd < 0 || grantpt(p->fd) || unlockpt(p->fd) || ptsname_r(p->fd, p->slave_name, sizeof p->slave_name)) {
		snprintf(errbuf, errlen, "cannot create a pseudo-terminal: %s", strerror(errno));
		return ZC_EIO;
	}
	p->slave = open(p->slave_name, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (p->slave < 0 || make_raw(p->slave, speed) || set_nonblock(p->fd)) {
		snprintf(errbuf, errlen, "%s: cannot set up the pseudo-terminal: %s", p->slave_name, strerror(errno));
		return ZC_EIO;
	}
	p->tty = 1;
	if ((unlink(link) && errno != ENOENT) || symlink(p->slave_name, link)) {
		snprintf(errbuf, errlen, "cannot link %s to %s: %s", link, p->slave_name, strerror(errno));
		return ZC_EIO;
	}
	snprintf(p->link, sizeof p->link, "%s", link);
	snprintf(p->name, sizeof p->name, "pty %s at %s", p->slave_name, link);
	return 0;
}

int zc_serial_open(const char *spec, int baud, zc_serial **out, char *errbuf, size_t errlen)
{
	if (!spec || !*spec || !out) {
		snprintf(errbuf, errlen, "no serial port given");
		return ZC_EARG;
	}
	speed_t speed = baud_const(baud ? baud : ZC_SERIAL_BAUD_DEFAULT);
	if (!speed) {
		snprintf(errbuf, errlen, "unsupported baud rate %d", baud);
		return ZC_EARG;
	}
	port *p = port_new();
	if (!p) {
		snprintf(errbuf, errlen, "out of memory");
		return ZC_ENOMEM;
	}
	int rc = !strncmp(spec, "pty:", 4) ? open_pty(p, spec + 4, speed, errbuf, errlen)
					   : open_tty(p, spec, speed, errbuf, errlen);
	if (rc) {
		port_close(p);
		return rc;
	}
	*out = &p->ops;
	return 0;
}

int zc_serial_fd_new(int fd, zc_serial **out)
{
	if (fd < 0 || !out)
		return ZC_EARG;
	port *p = port_new();
	if (!p)
		return ZC_ENOMEM;
	p->fd = fd;
	if (set_nonblock(fd)) {
		p->fd = -1; /* not ours until we succeed */
		port_close(p);
		return ZC_EIO;
	}
	p->tty = isatty(fd);
	snprintf(p->name, sizeof p->name, "fd %d", fd);
	*out = &p->ops;
	return 0;
}
