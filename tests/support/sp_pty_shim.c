/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sp_pty_shim.c: TEST-ONLY preload library that lets Debian's libserialport
 * 0.1.1 open a pseudo-terminal (MEASURED.md, "Serial over pseudo-terminals").
 * Never ship it, never preload it in production.
 *
 *   LD_PRELOAD=<build>/lib/libzc_sp_pty_shim.so zhucun pull /dev/pts/7
 *
 * libserialport refuses a pty for exactly two reasons, and this answers
 * exactly those two, for ptys only; every other call passes through to the
 * real function (dlsym RTLD_NEXT):
 *
 * 1. sp_get_port_by_name -> get_port_details (linux.c) looks the port up in
 *    sysfs: lstat("/sys/class/tty/pts/N") must succeed, and since that is
 *    not a symlink, readlink("/sys/class/tty/pts/N/device") must give a
 *    target (a failure there is "Device not found" too). A pty has neither.
 *    Here, for an N whose /dev/pts/N exists, the lstat reports a directory
 *    and the readlink a device path with neither "usb" nor "bluetooth" in
 *    it, so the port is a native one with no USB metadata to read. Debian's
 *    build calls the old glibc entry __lxstat (the library predates glibc
 *    2.33); lstat, stat and __xstat are answered the same way for builds
 *    that call those.
 * 2. sp_open -> get_config (serialport.c) reads the modem-control lines with
 *    ioctl(TIOCMGET), and set_config may set RTS/DTR with TIOCMBIS/TIOCMBIC
 *    (TIOCMSET in other versions); a pty has no modem lines and fails them
 *    all with ENOTTY. Here those four, on a pty descriptor that failed with
 *    ENOTTY, succeed with all lines off (TIOCMGET reads 0).
 *
 * ZC_SP_PTY_SHIM_LOG=1 in the environment logs every call it answers to
 * stderr.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default")))

static const char SYS_PREFIX[] = "/sys/class/tty/pts/";

static void logf_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void logf_(const char *fmt, ...)
{
	static int on = -1;
	if (on < 0) {
		const char *v = getenv("ZC_SP_PTY_SHIM_LOG");
		on = v && *v && strcmp(v, "0");
	}
	if (!on)
		return;
	va_list ap;
	va_start(ap, fmt);
	fputs("sp_pty_shim: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* If path is /sys/class/tty/pts/N (suffix "") or /sys/class/tty/pts/N/device
 * (suffix "/device") for an N whose /dev/pts/N exists, copy N into n. */
static int pts_sysfs(const char *path, const char *suffix, char n[16])
{
	if (!path || strncmp(path, SYS_PREFIX, sizeof SYS_PREFIX - 1))
		return 0;
	const char *p = path + sizeof SYS_PREFIX - 1, *d = p;
	while (*d >= '0' && *d <= '9')
		d++;
	if (d == p || d - p >= 16 || strcmp(d, suffix))
		return 0;
	memcpy(n, p, (size_t)(d - p));
	n[d - p] = 0;
	char dev[32];
	snprintf(dev, sizeof dev, "/dev/pts/%s", n);
	return access(dev, F_OK) == 0;
}

static void fake_dir(struct stat *st)
{
	memset(st, 0, sizeof *st);
	st->st_mode = S_IFDIR | 0755;
	st->st_nlink = 2;
}

static void *next_sym(const char *name, const char *version)
{
	void *f = version ? dlvsym(RTLD_NEXT, name, version) : NULL;
	return f ? f : dlsym(RTLD_NEXT, name);
}

/* ---- stat family ---- */

/* The old glibc entry points take a version (_STAT_VER, 1 on x86-64 where
 * the kernel's struct stat is glibc's) before the path. */
EXPORT int __lxstat(int ver, const char *path, struct stat *st)
{
	static int (*real)(int, const char *, struct stat *);
	char n[16];
	if (pts_sysfs(path, "", n)) {
		logf_("__lxstat(%s): a directory", path);
		fake_dir(st);
		return 0;
	}
	if (!real)
		real = (int (*)(int, const char *, struct stat *))next_sym("__lxstat", "GLIBC_2.2.5");
	if (real)
		return real(ver, path, st);
	return lstat(path, st);
}

EXPORT int __xstat(int ver, const char *path, struct stat *st)
{
	static int (*real)(int, const char *, struct stat *);
	char n[16];
	if (pts_sysfs(path, "", n)) {
		logf_("__xstat(%s): a directory", path);
		fake_dir(st);
		return 0;
	}
	if (!real)
		real = (int (*)(int, const char *, struct stat *))next_sym("__xstat", "GLIBC_2.2.5");
	if (real)
		return real(ver, path, st);
	return stat(path, st);
}

EXPORT int lstat(const char *path, struct stat *st)
{
	static int (*real)(const char *, struct stat *);
	char n[16];
	if (pts_sysfs(path, "", n)) {
		logf_("lstat(%s): a directory", path);
		fake_dir(st);
		return 0;
	}
	if (!real)
		real = (int (*)(const char *, struct stat *))next_sym("lstat", NULL);
	if (!real) {
		errno = ENOSYS;
		return -1;
	}
	return real(path, st);
}

EXPORT int stat(const char *path, struct stat *st)
{
	static int (*real)(const char *, struct stat *);
	char n[16];
	if (pts_sysfs(path, "", n)) {
		logf_("stat(%s): a directory", path);
		fake_dir(st);
		return 0;
	}
	if (!real)
		real = (int (*)(const char *, struct stat *))next_sym("stat", NULL);
	if (!real) {
		errno = ENOSYS;
		return -1;
	}
	return real(path, st);
}

/* ---- readlink ---- */

EXPORT ssize_t readlink(const char *path, char *buf, size_t size)
{
	static ssize_t (*real)(const char *, char *, size_t);
	char n[16];
	/* libserialport passes the same buffer as path and result: read the
	 * path completely before writing. */
	if (pts_sysfs(path, "/device", n)) {
		char target[64];
		int len = snprintf(target, sizeof target, "../../devices/zc-test-pty/pts%s", n);
		size_t k = (size_t)len < size ? (size_t)len : size;
		memcpy(buf, target, k);
		logf_("readlink(/sys/class/tty/pts/%s/device): %.*s", n, (int)k, target);
		return (ssize_t)k;
	}
	if (!real)
		real = (ssize_t(*)(const char *, char *, size_t))next_sym("readlink", NULL);
	if (!real) {
		errno = ENOSYS;
		return -1;
	}
	return real(path, buf, size);
}

/* ---- ioctl ---- */

/* A pty descriptor: a slave (/dev/pts/N, Unix98 majors 136..143) or a master
 * (/dev/ptmx 5:2, or the BSD-style masters 128..135, 2). */
static int is_pty(int fd)
{
	struct stat st;
	if (fstat(fd, &st) || !S_ISCHR(st.st_mode))
		return 0;
	unsigned maj = major(st.st_rdev), min = minor(st.st_rdev);
	return (maj >= 136 && maj <= 143) || (maj >= 128 && maj <= 135) || maj == 2 || (maj == 5 && min == 2);
}

EXPORT int ioctl(int fd, unsigned long req, ...)
{
	static int (*real)(int, unsigned long, ...);
	va_list ap;
	va_start(ap, req);
	void *arg = va_arg(ap, void *);
	va_end(ap);
	if (!real)
		real = (int (*)(int, unsigned long, ...))next_sym("ioctl", NULL);
	if (!real) {
		errno = ENOSYS;
		return -1;
	}
	int rc = real(fd, req, arg);
	if (rc < 0 && errno == ENOTTY && (req == TIOCMGET || req == TIOCMSET || req == TIOCMBIS || req == TIOCMBIC) &&
	    is_pty(fd)) {
		if (req == TIOCMGET && arg)
			*(int *)arg = 0;
		logf_("ioctl(%d, %s): a pty has no modem lines; answered as all off", fd,
		      req == TIOCMGET	? "TIOCMGET"
		      : req == TIOCMSET ? "TIOCMSET"
		      : req == TIOCMBIS ? "TIOCMBIS"
					: "TIOCMBIC");
		errno = 0;
		return 0;
	}
	return rc;
}
