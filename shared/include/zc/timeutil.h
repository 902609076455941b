/* SPDX-License-Identifier: Apache-2.0 */
/*
 * zc/timeutil.h: the host's own clocks in milliseconds (the terminal reads
 * time only through its zc_clock interface, never through these).
 */
#ifndef ZC_TIMEUTIL_H
#define ZC_TIMEUTIL_H

#include <stdint.h>

/* CLOCK_MONOTONIC in ms: for timeouts and durations. */
int64_t zc_mono_ms(void);
/* CLOCK_REALTIME in ms since the Unix epoch (UTC). */
int64_t zc_real_ms(void);

#endif
