/* SPDX-License-Identifier: Apache-2.0 */
/*
 * zc/collect.h: collecting a terminal's journal over the link into the
 * store, the work behind `zhucun pull` (and, later, the service pulling a
 * terminal as soon as it is plugged in):
 *
 *   1. HELLO; the terminal must be provisioned and registered in the store
 *      under the key it presents (or, asked for, registered now: trust on
 *      first use);
 *   2. pull every record after the store's verified head for it, and ingest
 *      them in batches, one transaction each, gathered in memory first: a
 *      transaction is only local work, never open while the link is
 *      waited on, so other commands can write between batches (an
 *      interruption loses at most the records not stored yet, and a rerun
 *      goes on from the verified head: every record ends up stored exactly
 *      once);
 *   3. ACK_COLLECTED up to the verified head with its hash, signed by the
 *      host key, when it covers something new that is not itself just a
 *      COLLECTED record (acknowledging an acknowledgement would add a record
 *      at every pull, forever);
 *   4. SET_TIME when the terminal's clock is off by more than a tolerance;
 *   5. pull once more the records those commands appended (COLLECTED,
 *      CLOCK_SET), so the store matches the terminal.
 * When step 2 completes, the store records the collection (zc_store_collection_add):
 * the host's time of the HELLO and the terminal's head then, so the
 * terminal's collected-until (RULES.md section 1) is known.
 * ACK and SET_TIME need the host key the terminal registered at
 * provisioning; with another key (or none) they are skipped, and said so.
 */
#ifndef ZC_COLLECT_H
#define ZC_COLLECT_H

#include <signal.h>
#include <stdint.h>

#include "zc/crypto.h"
#include "zc/hostlink.h"
#include "zc/store.h"
#include "zc/wire.h"

#define ZC_COLLECT_BATCH_DEFAULT	  500
#define ZC_COLLECT_TIME_TOLERANCE_DEFAULT 120000 /* ms */

typedef struct zc_collect_opts {
	const char *source;		     /* where the records came from (the port), kept with findings */
	uint32_t batch;			     /* records per transaction (or what 1 s brought); 0: 500 */
	uint16_t window;		     /* RECORDS frames in flight; 0: the hostlink default */
	int64_t time_tolerance_ms;	     /* 0: 120000; negative: never set the clock */
	int64_t clock_rollback_tolerance_ms; /* ingest policy; 0: the store's default */
	int register_unknown;		     /* register an unknown terminal's key (trust on first use) */
	int64_t host_time_ms;		     /* the host clock at HELLO (a simulation's time); 0: the system clock */
	zc_privkey *host_key;		     /* signs ACK_COLLECTED and SET_TIME; NULL: skip them */
	zc_pull_progress_fn progress;	     /* may be NULL */
	void *arg;
	volatile sig_atomic_t *stop; /* nonzero: stop after the current record */
} zc_collect_opts;

/* Why collect stopped (zc_collect_result.error). */
enum zc_collect_error {
	ZC_COLLECT_OK = 0,
	ZC_COLLECT_LINK,	  /* the link failed (hostlink error in rc) */
	ZC_COLLECT_UNPROVISIONED, /* the terminal has no id yet */
	ZC_COLLECT_BAD_HELLO,	  /* its key does not match its fingerprint */
	ZC_COLLECT_UNKNOWN,	  /* not registered in the store (no register_unknown) */
	ZC_COLLECT_KEY_MISMATCH,  /* registered under another key */
	ZC_COLLECT_STORE,	  /* the store failed */
	ZC_COLLECT_STOPPED,	  /* *stop was set */
	ZC_COLLECT_RESET,	  /* its head is below the verified one (terminal_reset) */
};

/* What became of a signed command. */
enum zc_collect_cmd {
	ZC_COLLECT_CMD_NOT_NEEDED = 0,
	ZC_COLLECT_CMD_NO_KEY,	   /* skipped: no host key */
	ZC_COLLECT_CMD_OTHER_HOST, /* skipped: the terminal obeys another host key */
	ZC_COLLECT_CMD_OK,
	ZC_COLLECT_CMD_REFUSED, /* RESULT code/text say why */
	ZC_COLLECT_CMD_FAILED,	/* the link failed */
};

typedef struct zc_collect_cmd_result {
	int state; /* enum zc_collect_cmd */
	int code;  /* RESULT code when sent */
	char text[ZC_TEXT_MAX + 1];
} zc_collect_cmd_result;

typedef struct zc_collect_result {
	int error; /* enum zc_collect_error */
	zc_wire_hello hello;
	int64_t clock_offset_ms;	 /* terminal clock minus host clock at HELLO */
	int registered;			 /* registered now (trust on first use) */
	uint64_t from_seq;		 /* first seq asked for */
	uint64_t pruned_from, pruned_to; /* nonzero: records the store lacks that the
					  * terminal no longer holds (collected by
					  * another host, then deleted) */
	uint64_t verified_head;		 /* the store's verified head at the end */
	uint8_t verified_hash[ZC_HASH_LEN];
	zc_pull_progress pull;	/* the main pull */
	uint64_t tail_records;	/* records of the closing pull (step 5) */
	uint64_t tail_bytes;	/* and their bytes */
	zc_ingest_stats ingest; /* all of it, both pulls */
	zc_collect_cmd_result ack, set_time;
	uint64_t acked_to;
	int64_t collected_at_ms; /* the collection recorded in the store (collected-until); 0: none */
	int64_t seconds_ms;	 /* the whole collection */
	zc_hostlink_stats link;
} zc_collect_result;

/* Collect as described above. Returns 0 when every record up to the
 * terminal's head was pulled and stored (commands may still have been
 * refused or skipped: see r->ack, r->set_time), else a negative zc_err with
 * r->error saying where, and an English line in errbuf; whatever was stored
 * before stays stored. */
int zc_collect(zc_store *s, zc_hostlink *h, const zc_collect_opts *opts, zc_collect_result *r, char *errbuf,
	       size_t errlen);

#endif
