/* SPDX-License-Identifier: Apache-2.0 */
/*
 * linkcli.c: `zhucun-sim link`, a bare serial-link client for tests: it
 * says HELLO, and sends signed commands with any key over any nonce, so a
 * test can play a stranger with a cable (a forged command) or a replay (a
 * command signed over an old nonce). Not for clerks: they use `zhucun`.
 *
 *   zhucun-sim link --port PATH hello
 *   zhucun-sim link --port PATH set-time MS  --key KEY [--nonce HEX] [--terminal ID]
 *   zhucun-sim link --port PATH ack SEQ HASH --key KEY [--nonce HEX] [--terminal ID]
 *
 * Prints one line: the HELLO fields, or "result CODE NAME: TEXT". Exit 0 if
 * the terminal answered (whatever the result), 1 if it did not.
 */
#include "linkcli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "zc/bytes.h"
#include "zc/err.h"
#include "zc/serial.h"
#include "zc/wire.h"

static int send_frame(zc_serial *port, uint8_t type, uint16_t id, const uint8_t *p, size_t n)
{
	static uint8_t enc[ZC_WIRE_ENCODED_MAX];
	int len = zc_wire_encode(type, id, p, n, enc, sizeof enc);
	if (len < 0)
		return len;
	return port->write(port->ctx, enc, (size_t)len, 2000);
}

/* Wait up to ms for a frame of the given type and request id. */
static int wait_frame(zc_serial *port, zc_wire_decoder *d, uint8_t type, uint16_t id, zc_wire_frame *f, int ms)
{
	uint8_t buf[512];
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		int n = port->read(port->ctx, buf, sizeof buf, 100);
		if (n < 0)
			return n;
		size_t off = 0;
		while (off < (size_t)n) {
			size_t used = 0;
			if (zc_wire_decoder_feed(d, buf + off, (size_t)n - off, &used, f) == 1 && f->type == type &&
			    f->req_id == id)
				return 0;
			off += used ? used : (size_t)n - off;
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if ((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 > ms)
			return ZC_EAGAIN;
	}
}

static int hello(zc_serial *port, zc_wire_decoder *d, zc_wire_hello *h)
{
	static zc_wire_frame f;
	uint16_t id = (uint16_t)(rand() & 0xFFFF);
	int rc = send_frame(port, ZC_WIRE_HELLO_REQ, id, NULL, 0);
	if (!rc)
		rc = wait_frame(port, d, ZC_WIRE_HELLO, id, &f, 3000);
	if (!rc)
		rc = zc_wire_hello_decode(f.payload, f.len, h);
	return rc;
}

int zc_linkcli_main(int argc, char **argv)
{
	static const struct option opts[] = {{"port", required_argument, 0, 'p'},
					     {"key", required_argument, 0, 'k'},
					     {"nonce", required_argument, 0, 'n'},
					     {"terminal", required_argument, 0, 't'},
					     {0, 0, 0, 0}};
	const char *port_path = NULL, *keyp = NULL, *nonce_hex = NULL, *tid = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "p:k:n:t:", opts, NULL)) != -1) {
		switch (c) {
		case 'p': port_path = optarg; break;
		case 'k': keyp = optarg; break;
		case 'n': nonce_hex = optarg; break;
		case 't': tid = optarg; break;
		default: return 2;
		}
	}
	if (!port_path || optind >= argc) {
		fprintf(stderr, "zhucun-sim link: needs --port PATH and hello | set-time MS | ack SEQ HASH\n");
		return 2;
	}
	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	char err[256];
	zc_serial *port = NULL;
	if (zc_serial_open(port_path, 115200, &port, err, sizeof err)) {
		fprintf(stderr, "zhucun-sim link: %s\n", err);
		return 1;
	}
	static zc_wire_decoder d;
	zc_wire_decoder_init(&d);
	zc_wire_hello h;
	int rc = hello(port, &d, &h);
	if (rc) {
		fprintf(stderr, "zhucun-sim link: no HELLO from %s: %s\n", port_path, zc_strerror(rc));
		zc_serial_free(port);
		return 1;
	}
	const char *cmd = argv[optind];
	char hx[2 * ZC_HASH_LEN + 1];
	if (!strcmp(cmd, "hello")) {
		printf("terminal=%s township=%s head=%llu collected=%llu utc_ms=%lld nonce=%s\n", h.terminal,
		       h.township, (unsigned long long)h.head_seq, (unsigned long long)h.collected_seq,
		       (long long)h.utc_ms, zc_hex(h.nonce, ZC_WIRE_NONCE_LEN, hx));
		zc_serial_free(port);
		return 0;
	}
	static zc_wire_command cm;
	memset(&cm, 0, sizeof cm);
	zc_wbuf w;
	zc_wbuf_init(&w, cm.body, sizeof cm.body);
	if (!strcmp(cmd, "set-time") && optind + 2 == argc) {
		cm.kind = ZC_CMD_SET_TIME;
		zc_w_i64(&w, strtoll(argv[optind + 1], NULL, 10));
	} else if (!strcmp(cmd, "ack") && optind + 3 == argc) {
		uint8_t hash[ZC_HASH_LEN];
		cm.kind = ZC_CMD_ACK_COLLECTED;
		if (zc_unhex(argv[optind + 2], hash, ZC_HASH_LEN)) {
			fprintf(stderr, "zhucun-sim link: ack needs a 64-hex-digit hash\n");
			zc_serial_free(port);
			return 2;
		}
		zc_w_u64(&w, strtoull(argv[optind + 1], NULL, 10));
		zc_w_bytes(&w, hash, ZC_HASH_LEN);
	} else {
		fprintf(stderr, "zhucun-sim link: unknown command (hello, set-time MS, ack SEQ HASH)\n");
		zc_serial_free(port);
		return 2;
	}
	cm.body_len = (uint16_t)w.len;
	uint8_t nonce[ZC_WIRE_NONCE_LEN];
	memcpy(nonce, h.nonce, sizeof nonce);
	if (nonce_hex && zc_unhex(nonce_hex, nonce, sizeof nonce)) {
		fprintf(stderr, "zhucun-sim link: --nonce needs 32 hex digits\n");
		zc_serial_free(port);
		return 2;
	}
	if (keyp) {
		zc_privkey *k;
		if (zc_privkey_load(keyp, &k)) {
			fprintf(stderr, "zhucun-sim link: cannot load key %s\n", keyp);
			zc_serial_free(port);
			return 2;
		}
		zc_wire_cmd_sign(&cm, tid ? tid : h.terminal, nonce, k);
		zc_privkey_free(k);
	} else {
		/* unsigned: a syntactically valid signature of nobody */
		static const uint8_t junk[8] = {0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01};
		memcpy(cm.sig, junk, sizeof junk);
		cm.sig_len = sizeof junk;
	}
	static uint8_t payload[ZC_WIRE_PAYLOAD_MAX];
	int n = zc_wire_command_encode(&cm, payload, sizeof payload);
	static zc_wire_frame f;
	uint16_t id = (uint16_t)(rand() & 0xFFFF);
	rc = n < 0 ? n : send_frame(port, ZC_WIRE_COMMAND, id, payload, (size_t)n);
	if (!rc)
		rc = wait_frame(port, &d, ZC_WIRE_RESULT, id, &f, 3000);
	zc_wire_result_msg res;
	if (!rc)
		rc = zc_wire_result_decode(f.payload, f.len, &res);
	zc_serial_free(port);
	if (rc) {
		fprintf(stderr, "zhucun-sim link: no RESULT: %s\n", zc_strerror(rc));
		return 1;
	}
	printf("result %u %s: %s\n", res.code, zc_wire_result_name(res.code), res.text);
	return 0;
}
