/* SPDX-License-Identifier: Apache-2.0 */
/*
 * zc/clock.h: the clock interface. The terminal reads time only through a
 * zc_clock, so tests and the simulator control it.
 */
#ifndef ZC_CLOCK_H
#define ZC_CLOCK_H

#include <stdint.h>

typedef struct zc_clock {
	void *ctx;
	int64_t (*utc_ms)(void *ctx);	/* wall clock, ms since the Unix epoch, UTC */
	uint64_t (*mono_ms)(void *ctx); /* monotonic ms since boot, never goes back */
	/* Set the wall clock (SET_TIME); 0 or a negative zc_err. May be NULL. */
	int (*set_utc_ms)(void *ctx, int64_t utc_ms);
} zc_clock;

/* The system clocks (CLOCK_REALTIME, CLOCK_MONOTONIC); set is refused. */
zc_clock zc_clock_system(void);

/* A simulated clock: utc starts at start_utc_ms, mono at 0; both advance
 * only when zc_simclock_advance or _set is called. The fields are atomic so
 * the tap loop may read the clock while the link server sets it (SET_TIME)
 * or the control socket moves it. */
typedef struct zc_simclock {
	_Atomic int64_t utc_ms;
	_Atomic uint64_t mono_ms;
} zc_simclock;
zc_clock zc_clock_sim(zc_simclock *sc);
void zc_simclock_advance(zc_simclock *sc, uint64_t ms);

#endif
