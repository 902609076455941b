/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_sp_pty.c: shows what the test-only preload sp_pty_shim does to
 * Debian's libserialport 0.1.1 (MEASURED.md).
 *
 *   test_sp_pty refused   (run without the shim) libserialport refuses a
 *                         pty: sp_get_port_by_name fails, and the pty fails
 *                         TIOCMGET with ENOTTY (what sp_open would trip on)
 *   test_sp_pty works     (run with LD_PRELOAD=libzc_sp_pty_shim.so) the
 *                         real libserialport opens the pty slave at 115200
 *                         8N1 and moves 1 MiB each way through it, byte for
 *                         byte, with blocking reads and writes; ports that do
 *                         not exist are still refused
 *
 * Exit 0 when the expectation holds, 1 otherwise (with the reason).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <libserialport.h>

#define TOTAL (1u << 20)
#define CHUNK 4096

static int fails;

#define CHECK(cond, ...)                                                                                               \
	do {                                                                                                           \
		if (!(cond)) {                                                                                         \
			fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                                           \
			fprintf(stderr, __VA_ARGS__);                                                                  \
			fputc('\n', stderr);                                                                           \
			fails++;                                                                                       \
		}                                                                                                      \
	} while (0)

static int open_pty(char *slave, size_t cap)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY);
	if (m < 0 || grantpt(m) || unlockpt(m) || ptsname_r(m, slave, cap)) {
		perror("pty");
		exit(1);
	}
	return m;
}

static char *sp_err(void)
{
	static char buf[256];
	char *m = sp_last_error_message();
	snprintf(buf, sizeof buf, "%s", m ? m : "?");
	sp_free_error_message(m);
	return buf;
}

static int refused(void)
{
	char slave[64];
	int m = open_pty(slave, sizeof slave);
	struct sp_port *p = NULL;
	enum sp_return r = sp_get_port_by_name(slave, &p);
	CHECK(r != SP_OK, "without the shim sp_get_port_by_name(%s) succeeded", slave);
	if (r == SP_OK)
		sp_free_port(p);
	else
		printf("without the shim: sp_get_port_by_name(%s) fails: %s\n", slave, sp_err());
	int fd = open(slave, O_RDWR | O_NOCTTY);
	int bits = 0;
	errno = 0;
	int ir = ioctl(fd, TIOCMGET, &bits);
	CHECK(ir < 0 && errno == ENOTTY, "TIOCMGET on a pty: rc %d errno %d (expected ENOTTY)", ir, errno);
	if (ir < 0)
		printf("without the shim: ioctl(TIOCMGET) on %s fails: %s\n", slave, strerror(errno));
	close(fd);
	close(m);
	return fails ? 1 : 0;
}

/* The master side echoes everything back. */
static void *echo(void *arg)
{
	int m = *(int *)arg;
	uint8_t buf[CHUNK];
	size_t done = 0;
	while (done < TOTAL) {
		ssize_t n = read(m, buf, sizeof buf);
		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			break;
		}
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(m, buf + off, (size_t)(n - off));
			if (w <= 0)
				return NULL;
			off += w;
		}
		done += (size_t)n;
	}
	return NULL;
}

static int works(void)
{
	char slave[64];
	int m = open_pty(slave, sizeof slave);
	struct sp_port *p = NULL;
	enum sp_return r = sp_get_port_by_name(slave, &p);
	CHECK(r == SP_OK, "sp_get_port_by_name(%s): %s", slave, sp_err());
	if (r != SP_OK)
		return 1;
	CHECK(sp_get_port_transport(p) == SP_TRANSPORT_NATIVE, "a pty should look like a native port");
	r = sp_open(p, SP_MODE_READ_WRITE);
	CHECK(r == SP_OK, "sp_open(%s): %s", slave, sp_err());
	if (r != SP_OK)
		return 1;
	CHECK(sp_set_baudrate(p, 115200) == SP_OK, "baud rate: %s", sp_err());
	CHECK(sp_set_bits(p, 8) == SP_OK, "bits: %s", sp_err());
	CHECK(sp_set_parity(p, SP_PARITY_NONE) == SP_OK, "parity: %s", sp_err());
	CHECK(sp_set_stopbits(p, 1) == SP_OK, "stop bits: %s", sp_err());
	CHECK(sp_set_flowcontrol(p, SP_FLOWCONTROL_NONE) == SP_OK, "flow control: %s", sp_err());
	int baud = 0;
	struct sp_port_config *cfg = NULL;
	if (sp_new_config(&cfg) == SP_OK && sp_get_config(p, cfg) == SP_OK)
		sp_get_config_baudrate(cfg, &baud);
	sp_free_config(cfg);
	CHECK(baud == 115200, "baud rate reads back as %d", baud);

	pthread_t th;
	pthread_create(&th, NULL, echo, &m);
	uint8_t out[CHUNK], in[CHUNK];
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	size_t moved = 0;
	for (unsigned i = 0; moved < TOTAL && !fails; i++) {
		for (size_t k = 0; k < CHUNK; k++)
			out[k] = (uint8_t)(i * 131 + k * 7);
		int w = sp_blocking_write(p, out, CHUNK, 2000);
		CHECK(w == CHUNK, "sp_blocking_write: %d", w);
		int n = sp_blocking_read(p, in, CHUNK, 2000);
		CHECK(n == CHUNK, "sp_blocking_read: %d of %d bytes", n, CHUNK);
		CHECK(!memcmp(in, out, CHUNK), "bytes differ in chunk %u", i);
		moved += CHUNK;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CHECK(sp_drain(p) == SP_OK, "sp_drain: %s", sp_err());
	pthread_join(th, NULL);
	double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("with the shim: %s opened by libserialport, %zu bytes each way in %.3f s (%.1f MB/s)\n", slave, moved, s,
	       s > 0 ? (double)moved / s / 1e6 : 0);
	sp_close(p);
	sp_free_port(p);
	close(m);

	/* Still refused: a pty that does not exist, and a path that is no port. */
	r = sp_get_port_by_name("/dev/pts/999999", &p);
	CHECK(r != SP_OK, "a pty that does not exist was accepted");
	if (r == SP_OK)
		sp_free_port(p);
	r = sp_get_port_by_name("/dev/zc-no-such-port", &p);
	CHECK(r != SP_OK, "a device that does not exist was accepted");
	if (r == SP_OK)
		sp_free_port(p);
	return fails ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "refused"))
		return refused();
	if (argc == 2 && !strcmp(argv[1], "works"))
		return works();
	fprintf(stderr, "usage: test_sp_pty refused|works\n");
	return 2;
}
