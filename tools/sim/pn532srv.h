/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pn532srv.h: the virtual PN532 reader process (zhucun-sim reader). It serves
 * the PN532 engine (pn532.h) on a pseudo-terminal that libnfc opens as
 * "pn532_uart:LINK", presents virtual cards (vcard.h), and takes line
 * commands on a UNIX stream socket:
 *
 *   present SPEC   put a card in the field (uid:HEX, piv:FILE, or N for the
 *                  N-th --card), replacing the one there
 *   remove         take the card away
 *   status         the card in the field ("ok piv B001 C001", "ok none";
 *                  " (unplugged)" is appended while unplugged)
 *   unplug         the reader vanishes: the pty is closed, the link removed
 *   plug           it comes back, on a new pty behind the same link
 *   latency MS     reply latency in ms, or "model"
 *   quit           stop
 *
 * Each command gets one line back, "ok ..." or "error ...".
 */
#ifndef ZC_SIM_PN532SRV_H
#define ZC_SIM_PN532SRV_H

#include <stddef.h>

typedef struct zc_simreader_opts {
	const char *link;	  /* symlink to the pty slave, made and removed here */
	const char *control;	  /* control socket; NULL: link + ".ctl" */
	const char *const *cards; /* card specs; the first is present at start */
	size_t ncards;
	int latency_ms; /* >= 0, or ZC_PN532_LATENCY_MODEL */
	int verbose;	/* trace PN532 frames on stderr */
} zc_simreader_opts;

/* Run until "quit", SIGTERM, SIGINT or SIGHUP. Prints "ready /dev/pts/N" on
 * stdout once libnfc can connect, errors on stderr. Returns the exit status:
 * 0 after a clean stop, 1 on a runtime failure, 2 on bad options or cards. */
int zc_simreader_run(const zc_simreader_opts *o);

/* Send one command line to a running reader's control socket and put its
 * answer (without the newline) in reply. 0 for an "ok" answer, 1 for an
 * "error" answer, 2 if the reader could not be reached (reply says why). */
int zc_simreader_send(const char *control, const char *line, char *reply, size_t cap);

#endif
