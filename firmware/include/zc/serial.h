/* SPDX-License-Identifier: Apache-2.0 */
/*
 * zc/serial.h: the serial port of the host link, as the terminal's link
 * server sees it. The server only reads with a timeout, writes whole frames
 * and closes; everything about the device (a UART, a USB-serial adapter, a
 * pseudo-terminal bridged by socat or ser2net, a socket in a test) stays
 * behind this interface.
 *
 * Return values: read gives the number of bytes read (> 0), 0 when the
 * timeout passed without data, or a negative zc_err when the port failed
 * (ZC_EIO; the caller waits and tries again, or gives up). write gives 0
 * when every byte was handed to the device, ZC_EAGAIN when the device took
 * nothing more for timeout_ms (nobody is reading the other end), ZC_EIO.
 */
#ifndef ZC_SERIAL_H
#define ZC_SERIAL_H

#include <stddef.h>
#include <stdint.h>

#define ZC_SERIAL_VERSION      1
#define ZC_SERIAL_BAUD_DEFAULT 115200

typedef struct zc_serial {
	int version; /* ZC_SERIAL_VERSION */
	void *ctx;
	/* Wait up to timeout_ms (0: do not wait) for bytes and read up to cap. */
	int (*read)(void *ctx, uint8_t *buf, size_t cap, int timeout_ms);
	/* Write all n bytes, waiting at most timeout_ms for the device to take
	 * more whenever it is full. */
	int (*write)(void *ctx, const uint8_t *buf, size_t n, int timeout_ms);
	/* Discard whatever is queued in either direction and not yet delivered
	 * (after a write timed out: the other end went away). May be NULL. */
	void (*flush)(void *ctx);
	/* Close the device and free everything (the serial object too). */
	void (*close)(void *ctx);
	/* What the port is, for messages ("/dev/ttyUSB0", "pty /dev/pts/4 at
	 * /tmp/zhucun-sim/link"). Owned by the port. */
	const char *name;
} zc_serial;

/* Open the board's serial setting:
 *   PATH          a tty device, set raw 8N1 at baud (0: 115200), no flow
 *                 control, modem lines ignored (CLOCAL);
 *   pty:PATH      a new pseudo-terminal whose slave is made reachable as
 *                 the symbolic link PATH (replacing an older link there,
 *                 never a regular file); the host opens PATH as its serial
 *                 port. The terminal keeps the slave open itself, so the
 *                 link survives hosts coming and going. The link is removed
 *                 on close.
 * On error returns ZC_EARG/ZC_ENOENT/ZC_EIO/ZC_EEXIST and writes the reason
 * to errbuf. */
int zc_serial_open(const char *spec, int baud, zc_serial **out, char *errbuf, size_t errlen);

/* Wrap an open file descriptor (a socket or pipe end, for tests); the port
 * owns it and closes it (on an error the caller still owns it). It is made
 * non-blocking. */
int zc_serial_fd_new(int fd, zc_serial **out);

/* Close and free (NULL allowed). */
void zc_serial_free(zc_serial *s);

#endif
