/* SPDX-License-Identifier: Apache-2.0 */
/*
 * feedback.c: feedback devices (zc/feedback.h): a log file, a console line,
 * and GPIO value files for an LED and a buzzer, stacked from a board spec.
 */
#include "zc/feedback.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "zc/err.h"

#define MAX_SINKS 8

typedef enum { SINK_LOG, SINK_CONSOLE, SINK_LED, SINK_BUZZER } sink_type;

typedef struct sink {
	sink_type type;
	char *path;
} sink;

typedef struct multi {
	sink s[MAX_SINKS];
	int n;
} multi;

const char *zc_fb_kind_name(zc_fb_kind k)
{
	switch (k) {
	case ZC_FB_READY: return "READY";
	case ZC_FB_OK: return "OK";
	case ZC_FB_WEAK: return "WEAK";
	case ZC_FB_ALREADY: return "ALREADY";
	case ZC_FB_REJECTED: return "REJECTED";
	case ZC_FB_FULL: return "FULL";
	case ZC_FB_FAULT: return "FAULT";
	}
	return "?";
}

static void append_line(const char *path, const char *line)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	size_t n = strlen(line);
	if (write(fd, line, n) != (ssize_t)n) {
		/* feedback is best effort: a full log must not stop taps */
	}
	close(fd);
}

static void gpio_write(const char *path, int on)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (write(fd, on ? "1\n" : "0\n", 2) != 2) {
		/* best effort */
	}
	close(fd);
}

static void pulse(const char *path, int times, int ms)
{
	for (int i = 0; i < times; i++) {
		gpio_write(path, 1);
		struct timespec d = {0, (long)ms * 1000000L};
		nanosleep(&d, NULL);
		gpio_write(path, 0);
		if (i + 1 < times)
			nanosleep(&d, NULL);
	}
}

static void mshow(void *ctx, const zc_fb_event *ev)
{
	multi *m = ctx;
	char line[1024];
	int uncounted = ev->reason && !strcmp(ev->reason, "not_counted");
	for (int i = 0; i < m->n; i++) {
		sink *s = &m->s[i];
		switch (s->type) {
		case SINK_LOG:
			snprintf(line, sizeof line, "%lld %s %s %llu | %s | %s\n", (long long)ev->utc_ms,
				 zc_fb_kind_name(ev->kind), ev->reason && *ev->reason ? ev->reason : "-",
				 (unsigned long long)ev->seq, ev->line_zh ? ev->line_zh : "",
				 ev->line_en ? ev->line_en : "");
			append_line(s->path, line);
			break;
		case SINK_CONSOLE:
			snprintf(line, sizeof line, "\r\033[K%s\n", ev->line_zh ? ev->line_zh : "");
			if (s->path) {
				append_line(s->path, line);
			} else {
				fputs(line, stdout);
				fflush(stdout);
			}
			break;
		case SINK_LED:
			if (ev->kind == ZC_FB_WEAK && uncounted)
				pulse(s->path, 2, 300);
			else if (ev->kind == ZC_FB_OK || ev->kind == ZC_FB_WEAK || ev->kind == ZC_FB_ALREADY)
				pulse(s->path, 1, 300);
			else if (ev->kind != ZC_FB_READY)
				pulse(s->path, 3, 100);
			break;
		case SINK_BUZZER:
			if (ev->kind == ZC_FB_WEAK && uncounted)
				pulse(s->path, 2, 300); /* neither the success chirp nor the refusal tone */
			else if (ev->kind == ZC_FB_OK || ev->kind == ZC_FB_WEAK)
				pulse(s->path, 1, 80);
			else if (ev->kind == ZC_FB_ALREADY)
				pulse(s->path, 2, 60);
			else if (ev->kind != ZC_FB_READY)
				pulse(s->path, 1, 600);
			break;
		}
	}
}

static void mdestroy(void *ctx)
{
	multi *m = ctx;
	for (int i = 0; i < m->n; i++)
		free(m->s[i].path);
	free(m);
}

int zc_feedback_from_spec(const char *spec, zc_feedback **out, char *errbuf, size_t errlen)
{
	multi *m = calloc(1, sizeof *m);
	zc_feedback *f = calloc(1, sizeof *f);
	char *copy = strdup(spec ? spec : "");
	int rc = ZC_ENOMEM;
	if (!m || !f || !copy)
		goto out;
	rc = 0;
	char *save = NULL;
	for (char *item = strtok_r(copy, ",", &save); item && !rc; item = strtok_r(NULL, ",", &save)) {
		while (*item == ' ' || *item == '\t')
			item++;
		size_t l = strlen(item);
		while (l && (item[l - 1] == ' ' || item[l - 1] == '\t'))
			item[--l] = 0;
		if (!*item)
			continue;
		if (m->n == MAX_SINKS) {
			snprintf(errbuf, errlen, "too many feedback devices (at most %d)", MAX_SINKS);
			rc = ZC_EMALFORMED;
			break;
		}
		char *colon = strchr(item, ':');
		const char *arg = colon ? colon + 1 : NULL;
		size_t nl = colon ? (size_t)(colon - item) : l;
		sink *s = &m->s[m->n];
		if (nl == 3 && !strncmp(item, "log", 3) && arg && *arg)
			s->type = SINK_LOG;
		else if (nl == 7 && !strncmp(item, "console", 7))
			s->type = SINK_CONSOLE;
		else if (nl == 3 && !strncmp(item, "led", 3) && arg && *arg)
			s->type = SINK_LED;
		else if (nl == 6 && !strncmp(item, "buzzer", 6) && arg && *arg)
			s->type = SINK_BUZZER;
		else {
			snprintf(errbuf, errlen,
				 "unknown feedback device '%s' (log:PATH, console[:PATH], led:PATH, buzzer:PATH)",
				 item);
			rc = ZC_EMALFORMED;
			break;
		}
		s->path = arg && *arg ? strdup(arg) : NULL;
		if (arg && *arg && !s->path) {
			rc = ZC_ENOMEM;
			break;
		}
		m->n++;
	}
out:
	free(copy);
	if (rc) {
		if (m)
			mdestroy(m);
		free(f);
		return rc;
	}
	f->version = ZC_FEEDBACK_VERSION;
	f->ctx = m;
	f->show = mshow;
	f->destroy = mdestroy;
	*out = f;
	return 0;
}

void zc_feedback_free(zc_feedback *f)
{
	if (!f)
		return;
	if (f->destroy)
		f->destroy(f->ctx);
	free(f);
}
