/* SPDX-License-Identifier: Apache-2.0 */
/*
 * zc/board.h: board files (boards/NAME.conf). One "key = value" per line,
 * '#' comments, ${VAR} and ${VAR:-default} expanded from the environment.
 * Keys:
 *   name        board name
 *   reader      libnfc connection string (pn532_uart:/dev/ttyS0, acr122_usb, ...)
 *   state       folder for the terminal's key, journal and provisioning
 *   clock       system | sim (simulated: set through the control socket)
 *   tz          display time zone offset, e.g. +08:00
 *   serial      serial port of the host link, 115200 baud 8N1: a tty device
 *               (/dev/ttyUSB0, /dev/zhucun-link), or pty:PATH for a
 *               pseudo-terminal the terminal creates and links at PATH (the
 *               simulator; also what socat or ser2net bridging gives);
 *               empty: no link
 *   feedback    feedback devices (zc/feedback.h)
 *   control     control socket path (optional; the simulator and tests)
 *   journal_capacity   bytes the journal may use (suffix K, M, G; default 64M)
 *   duplicate_window   seconds within which the same badge counts as already recorded (60)
 *   accept_uid_badges  on/off (default off, as the host's policy of RULES.md 3): with off, a
 *               UID-only card is recorded but told "已记录，普通卡不计考勤" (not a success)
 *   latency_ms  pause between reader polls (default 100)
 *   card_timeout_ms  time a whole tap's card dialogue may take, all APDUs
 *               together (default 3000; 100-30000): a slower card is
 *               recorded as a card error
 *   sim_start   with clock = sim: the simulated time at start (ms since the
 *               epoch, or YYYY-MM-DDThh:mm:ss with Z or +hh:mm); default now
 * Unknown keys are an error, so a typo never passes silently.
 */
#ifndef ZC_BOARD_H
#define ZC_BOARD_H

#include <stddef.h>
#include <stdint.h>

typedef struct zc_board {
	char name[64];
	char reader[256];
	char state[1024];
	char clock[16];
	int tz_offset_min;
	char serial[1024];
	char feedback[1024];
	char control[1024];
	uint64_t journal_capacity;
	int duplicate_window_s;
	int accept_uid_badges;
	int poll_interval_ms;
	int card_timeout_ms;
	int64_t sim_start_ms; /* 0: the real time at start */
} zc_board;

/* Parse ms since the epoch, or YYYY-MM-DDThh:mm:ss[.sss] with Z or +hh:mm /
 * -hh:mm (no zone: UTC). 0 or -1. */
int zc_parse_time_ms(const char *s, int64_t *out);

/* Parse a board file. On error returns ZC_EMALFORMED/ZC_ENOENT/ZC_EIO and
 * writes "FILE:LINE: reason" to errbuf. */
int zc_board_load(const char *path, zc_board *b, char *errbuf, size_t errlen);
/* Apply one "key=value" override (command line --set). */
int zc_board_set(zc_board *b, const char *key, const char *value, char *errbuf, size_t errlen);

#endif
