/* SPDX-License-Identifier: Apache-2.0 */
/* clock.c: the system clock and the simulated clock (zc/clock.h). */
#include "zc/clock.h"

#include <time.h>

#include "zc/err.h"

static int64_t sys_utc(void *ctx)
{
	(void)ctx;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint64_t sys_mono(void *ctx)
{
	(void)ctx;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int sys_set(void *ctx, int64_t utc_ms)
{
	(void)ctx;
	(void)utc_ms;
	return ZC_ESTATE; /* a board with an RTC driver overrides this */
}

zc_clock zc_clock_system(void)
{
	zc_clock c = {NULL, sys_utc, sys_mono, sys_set};
	return c;
}

static int64_t sim_utc(void *ctx)
{
	return ((zc_simclock *)ctx)->utc_ms;
}
static uint64_t sim_mono(void *ctx)
{
	return ((zc_simclock *)ctx)->mono_ms;
}
static int sim_set(void *ctx, int64_t utc_ms)
{
	((zc_simclock *)ctx)->utc_ms = utc_ms;
	return 0;
}

zc_clock zc_clock_sim(zc_simclock *sc)
{
	zc_clock c = {sc, sim_utc, sim_mono, sim_set};
	return c;
}

void zc_simclock_advance(zc_simclock *sc, uint64_t ms)
{
	sc->utc_ms += (int64_t)ms;
	sc->mono_ms += ms;
}
