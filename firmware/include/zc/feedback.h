/* SPDX-License-Identifier: Apache-2.0 */
/*
 * zc/feedback.h: what the cadre sees and hears at the terminal: a display
 * line in Chinese (with English available), a success or failure LED and a
 * beep. Implementations: a log file (the simulated board, tests), a text
 * console (a display), and GPIO-style value files for an LED and a buzzer.
 * Several can be stacked with zc_feedback_multi.
 */
#ifndef ZC_FEEDBACK_H
#define ZC_FEEDBACK_H

#include <stddef.h>
#include <stdint.h>

typedef enum zc_fb_kind {
	ZC_FB_READY = 0, /* idle, ready for the next badge */
	ZC_FB_OK,	 /* tap recorded */
	ZC_FB_WEAK,	 /* UID-only card recorded as weak */
	ZC_FB_ALREADY,	 /* same badge again within the window: already recorded */
	ZC_FB_REJECTED,	 /* badge refused (reason code given) */
	ZC_FB_FULL,	 /* journal full of uncollected records: tap refused */
	ZC_FB_FAULT,	 /* reader or storage fault */
} zc_fb_kind;

typedef struct zc_fb_event {
	zc_fb_kind kind;
	const char *reason;  /* stable English code: "revoked", "unknown_ca", ... or "" */
	const char *line_zh; /* display line, Simplified Chinese */
	const char *line_en; /* the same in English */
	int64_t utc_ms;	     /* when */
	uint64_t seq;	     /* record appended (0: none) */
} zc_fb_event;

typedef struct zc_feedback {
	int version; /* ZC_FEEDBACK_VERSION */
	void *ctx;
	void (*show)(void *ctx, const zc_fb_event *ev);
	void (*destroy)(void *ctx);
} zc_feedback;

#define ZC_FEEDBACK_VERSION 1

/* Build feedback from a board setting: comma-separated list of
 *   log:PATH         append "utc_ms KIND reason seq | line_zh | line_en" lines
 *   console[:PATH]   write the display line (default stdout)
 *   led:PATH         write 1 / 0 to a GPIO value file (on for OK, blink on error)
 *   buzzer:PATH      the same for a buzzer
 * ZC_EMALFORMED for an unknown item (errbuf says which). */
int zc_feedback_from_spec(const char *spec, zc_feedback **out, char *errbuf, size_t errlen);
void zc_feedback_free(zc_feedback *f);
/* Stable English name of a kind ("OK", "ALREADY", ...). */
const char *zc_fb_kind_name(zc_fb_kind k);

#endif
