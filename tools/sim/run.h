/* SPDX-License-Identifier: Apache-2.0 */
/*
 * run.h: `zhucun-sim run FILE.scn --dir DIR`, the scenario runner. It plays
 * a scenario (../shared/SCENARIO.md) through the real parts:
 *
 *   DIR/ca/            the badge CA (zc_calib), revocations at their times
 *   DIR/badges/        B001.card (virtual PIV card) and B001.der per badge;
 *                      clones as cards only; UID badges are uid:HEX specs
 *   DIR/terminals/K01/ ZHUCUN_SIM_DIR of terminal K01: its state folder
 *                      (key, journal, provisioning), pty links, control
 *                      sockets, feedback.log
 *   DIR/host.db        the host store (and zhucun-host.key beside it)
 *   DIR/registry/      the registry CSV files (host/doc/IMPORT.md)
 *   DIR/logs/          every child process's output
 *   DIR/report.json    the report at the scenario's as-of date
 *
 * Per terminal a `zhucun-sim reader` process and a `zhucun-terminal`
 * process on boards/sim.conf, provisioned by a real `zhucun provision` over
 * the serial link. The first N taps of each badge at each terminal go
 * through libnfc (reader process, control sockets); the rest run the same
 * firmware tap loop in-process over the terminal's own state folder with a
 * virtual reader, the terminal process stopped meanwhile (never within
 * the board's duplicate window of the terminal's last tap, so the window
 * applies as on a device that keeps running). Then every
 * terminal is pulled with `zhucun pull`, the registry imported and the
 * report made. Deterministic: the CA and badges come from a generator
 * seeded with the SHA-256 of the scenario text.
 *
 * Every child process is stopped at the end, on any error and on SIGINT,
 * SIGTERM or SIGHUP, and when the runner's parent dies.
 */
#ifndef ZC_SIM_RUN_H
#define ZC_SIM_RUN_H

typedef struct zc_sim_run_opts {
	const char *scenario; /* the .scn file */
	const char *dir;      /* must not exist, or be empty */
	const char *bin;      /* folder of zhucun, zhucun-terminal, zhucun-sim; NULL: this program's */
	const char *board;    /* NULL: boards/sim.conf of the source tree */
	int libnfc_taps;      /* taps per badge and terminal through libnfc (>= 0) */
	int verbose;	      /* timings and progress on stdout */
} zc_sim_run_opts;

/* Run the scenario. Returns the exit status: 0 done, 1 a step failed (a
 * message on stderr says which), 2 bad options or a scenario that does not
 * parse (nothing simulated), 130 stopped by a signal. */
int zc_sim_run(const zc_sim_run_opts *o);

/* The subcommand: argv[0] is the command name. Returns the exit status. */
int zc_sim_run_main(int argc, char **argv);

#endif
