/* SPDX-License-Identifier: Apache-2.0 */
/*
 * zc/wire.h: the serial link between a terminal and a clerk's laptop or the
 * district host. Specified in shared/WIRE.md, with test vectors in
 * shared/vectors/wire/.
 *
 * Framing: every frame is COBS-encoded and ends with a 0x00 delimiter, so a
 * receiver resynchronises on the next 0x00 after line noise. Inside COBS:
 *
 *   u8 type | u16 req_id | u16 len | payload (len bytes) | u32 crc32c
 *
 * crc32c (Castagnoli, as in iSCSI/RFC 3720) covers type..payload. A frame
 * whose CRC, length or COBS structure is wrong is dropped and counted; the
 * decoder never reads out of bounds and never stalls.
 *
 * Conversation (host speaks first; the terminal only answers):
 *   HELLO_REQ(host nonce) -> HELLO (identity, journal head, clock, nonce),
 *        signed by the terminal's journal key over the host's nonce, so
 *        nothing on the line can alter or replay it
 *   GET_RECORDS(from, credit) -> RECORDS* ... END
 *        the terminal sends at most `credit` RECORDS frames ahead; the
 *        host grants more with CREDIT(n) as frames arrive, so the line
 *        stays full; END carries the head when the terminal caught up
 *        (at once, without RECORDS, when from is below the oldest record
 *        held or above the head: END.first_seq and head_seq say where to
 *        start); any request other than CREDIT ends the stream
 *   CREDIT(n)            -> (nothing)
 *   STATUS_REQ           -> STATUS
 *   COMMAND(kind, body, signature) -> RESULT
 *        a state-changing command, signed by the host key over the
 *        terminal's current nonce (see zc_wire_cmd_digest); the terminal
 *        draws a new nonce at every HELLO and after every command whose
 *        signature verified, so none can be replayed; a command is valid
 *        only within ZC_WIRE_CMD_WINDOW_MS of the terminal's monotonic
 *        clock after its nonce was issued, so none can be held back; every
 *        RESULT is signed by the terminal over the request's hash
 *   anything else        -> RESULT(ZC_WIRE_E_UNSUPPORTED)
 */
#ifndef ZC_WIRE_H
#define ZC_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "zc/crypto.h"
#include "zc/record.h"

#define ZC_WIRE_PAYLOAD_MAX  8192		       /* persisted */
#define ZC_WIRE_FRAME_MAX    (ZC_WIRE_PAYLOAD_MAX + 9) /* type..crc */
#define ZC_WIRE_ENCODED_MAX  (ZC_WIRE_FRAME_MAX + ZC_WIRE_FRAME_MAX / 254 + 2)
#define ZC_WIRE_NONCE_LEN    16
#define ZC_WIRE_VERSION	     2				 /* protocol version, first byte of HELLO; persisted */
#define ZC_WIRE_RECORDS_MAX  64				 /* records in one RECORDS frame */
#define ZC_WIRE_PUBKEY_MAX   160			 /* DER public keys in HELLO and PROVISION */
#define ZC_WIRE_CMD_BODY_MAX (ZC_WIRE_PAYLOAD_MAX - 128) /* leaves room for kind, lengths, signature */
/* A command is valid for this long on the terminal's monotonic clock after
 * the nonce it is signed over was issued; persisted (WIRE.md section 6). */
#define ZC_WIRE_CMD_WINDOW_MS 30000

/* Frame types; persisted. */
enum zc_wire_type {
	ZC_WIRE_HELLO_REQ = 0x01,
	ZC_WIRE_HELLO = 0x02,
	ZC_WIRE_GET_RECORDS = 0x03,
	ZC_WIRE_RECORDS = 0x04,
	ZC_WIRE_END = 0x05,
	ZC_WIRE_CREDIT = 0x06,
	ZC_WIRE_STATUS_REQ = 0x07,
	ZC_WIRE_STATUS = 0x08,
	ZC_WIRE_COMMAND = 0x09,
	ZC_WIRE_RESULT = 0x0A,
};

/* Signed command kinds; persisted. */
enum zc_wire_cmd {
	ZC_CMD_SET_TIME = 1,	  /* body: i64 new_utc_ms */
	ZC_CMD_ACK_COLLECTED = 2, /* body: u64 up_to_seq, hash[32] */
	ZC_CMD_PROVISION = 3,	  /* body: see zc_wire_provision */
	ZC_CMD_REVOCATIONS = 4,	  /* body: a signed revocation list (ZRL1) */
};

/* RESULT codes; persisted. */
enum zc_wire_result {
	ZC_WIRE_OK = 0,
	ZC_WIRE_E_SIGNATURE = 1,     /* not signed by the registered host key */
	ZC_WIRE_E_NONCE = 2,	     /* signed over another (old) nonce: a replay */
	ZC_WIRE_E_HASH = 3,	     /* ACK_COLLECTED hash is not the record's */
	ZC_WIRE_E_RANGE = 4,	     /* sequence or time out of range */
	ZC_WIRE_E_PROVISIONED = 5,   /* already provisioned, and not by this host */
	ZC_WIRE_E_UNPROVISIONED = 6, /* the command needs a provisioned terminal */
	ZC_WIRE_E_MALFORMED = 7,     /* the request does not parse */
	ZC_WIRE_E_UNSUPPORTED = 8,   /* unknown type or command */
	ZC_WIRE_E_INTERNAL = 9,	     /* the terminal failed (storage...) */
	ZC_WIRE_E_EXPIRED = 10,	     /* the nonce is older than ZC_WIRE_CMD_WINDOW_MS */
};

/* ---- checksums and COBS ---- */

uint32_t zc_crc32c(uint32_t crc, const void *data, size_t len); /* start with 0 */
/* COBS-encode n bytes; returns the encoded length (no delimiter). out must
 * hold n + n/254 + 1 bytes. */
size_t zc_cobs_encode(const uint8_t *in, size_t n, uint8_t *out);
/* Decode n encoded bytes (no delimiter); returns the decoded length or
 * ZC_EMALFORMED (empty input, a 0x00, a block running past the end, or the
 * non-canonical trailing 0x01 after a 0xFF block). out holds n bytes; out may
 * be in (decoding in place). */
int zc_cobs_decode(const uint8_t *in, size_t n, uint8_t *out);

/* ---- frames ---- */

typedef struct zc_wire_frame {
	uint8_t type;
	uint16_t req_id;
	uint16_t len;
	uint8_t payload[ZC_WIRE_PAYLOAD_MAX];
} zc_wire_frame;

/* Encode a frame (COBS + trailing 0x00) into out (ZC_WIRE_ENCODED_MAX).
 * Returns the byte count or ZC_EARG. */
int zc_wire_encode(uint8_t type, uint16_t req_id, const uint8_t *payload, size_t len, uint8_t *out, size_t cap);

/* Streaming decoder. Feed bytes as they come; whole frames come out. */
typedef struct zc_wire_decoder {
	uint8_t buf[ZC_WIRE_ENCODED_MAX];
	size_t len;
	int overflow;	  /* discarding an overlong run until the next 0x00 */
	uint64_t frames;  /* good frames */
	uint64_t dropped; /* bad frames (CRC, COBS, length, overlong) */
	uint64_t bytes;	  /* bytes fed */
} zc_wire_decoder;

void zc_wire_decoder_init(zc_wire_decoder *d);
/* Consume bytes from in[0..n) until one frame is complete: returns 1 with
 * *f filled and *used set to the bytes consumed (call again with the rest),
 * 0 when all n bytes were consumed without completing a frame (*used = n).
 * Bad frames are dropped silently (counted in d->dropped); empty runs
 * (0x00 0x00) are ignored. Frames of any type come out: the type is the
 * caller's business. */
int zc_wire_decoder_feed(zc_wire_decoder *d, const uint8_t *in, size_t n, size_t *used, zc_wire_frame *f);

/* ---- messages ---- */

typedef struct zc_wire_hello {
	char terminal[ZC_TERMINAL_ID_MAX + 1]; /* "" when not provisioned (township too) */
	char township[ZC_TERMINAL_ID_MAX + 1];
	char firmware[ZC_TEXT_MAX + 1];
	uint8_t key_fp[ZC_HASH_LEN];	    /* the terminal's public key fingerprint */
	uint16_t pubkey_len;		    /* and the key itself (DER SubjectPublicKeyInfo), */
	uint8_t pubkey[ZC_WIRE_PUBKEY_MAX]; /* 1..160 bytes, key_fp = SHA-256(pubkey) */
	uint8_t host_fp[ZC_HASH_LEN];	    /* registered host key; zeros if none */
	uint64_t head_seq;		    /* 0: empty journal */
	uint8_t head_hash[ZC_HASH_LEN];
	uint64_t first_seq;	/* oldest record still held, head_seq + 1 if none */
	uint64_t collected_seq; /* watermark, <= head_seq */
	int64_t utc_ms;		/* the terminal's clock */
	uint8_t nonce[ZC_WIRE_NONCE_LEN];
	/* version 2: the terminal's signature (its journal key, the one in
	 * pubkey) over zc_wire_hello_digest: the fields above and the host's
	 * nonce from HELLO_REQ. */
	uint8_t sig_len;
	uint8_t sig[ZC_SIG_MAX];
} zc_wire_hello;

typedef struct zc_wire_status {
	uint64_t bytes_used, capacity_bytes;
	uint64_t records, uncollected;
	uint8_t reader_ok; /* 0 or 1 */
	uint64_t taps, faults;
	char last_fault[ZC_TEXT_MAX + 1];
	int64_t utc_ms;
} zc_wire_status;

typedef struct zc_wire_get {
	uint64_t from_seq; /* >= 1 */
	uint16_t credit;   /* RECORDS frames the terminal may send ahead, >= 1 */
	/* Largest RECORDS payload the host wants (a noisy line asks for small
	 * frames): 0 for ZC_WIRE_PAYLOAD_MAX (and the 10-byte form of the
	 * message), else ZC_WIRE_GET_MIN_PAYLOAD..ZC_WIRE_PAYLOAD_MAX (12 bytes). */
	uint16_t max_payload;
} zc_wire_get;

#define ZC_WIRE_GET_MIN_PAYLOAD 256 /* persisted */

/* RECORDS: u64 first_seq | u16 count | count x (u16 len | record); the
 * records are first_seq, first_seq + 1, ... (1..64 of them, each 1..ZC_REC_MAX
 * bytes, opaque here: the receiver decodes and verifies them). */
typedef struct zc_wire_records {
	uint64_t first_seq;
	uint16_t count;
	const uint8_t *rec[ZC_WIRE_RECORDS_MAX]; /* point into the frame payload */
	uint16_t len[ZC_WIRE_RECORDS_MAX];
} zc_wire_records;

typedef struct zc_wire_end {
	uint64_t head_seq;
	uint8_t head_hash[ZC_HASH_LEN];
	uint64_t first_seq; /* the oldest held (1..head_seq + 1): from_seq below it was pruned */
} zc_wire_end;

typedef struct zc_wire_command {
	uint8_t kind; /* enum zc_wire_cmd; 0 is malformed, unknown kinds decode */
	uint16_t body_len;
	uint8_t body[ZC_WIRE_CMD_BODY_MAX];
	uint8_t sig_len;
	uint8_t sig[ZC_SIG_MAX];
} zc_wire_command;

typedef struct zc_wire_result_msg {
	uint8_t code; /* enum zc_wire_result; unknown codes decode (failures) */
	char text[ZC_TEXT_MAX + 1];
	uint8_t nonce[ZC_WIRE_NONCE_LEN]; /* the terminal's next nonce */
	/* version 2: the hash of the request answered (zc_wire_request_hash)
	 * and the terminal's signature over zc_wire_result_digest. */
	uint8_t req_hash[ZC_HASH_LEN];
	uint8_t sig_len;
	uint8_t sig[ZC_SIG_MAX];
} zc_wire_result_msg;

/* PROVISION body: tid, township, host public key (DER), badge CA
 * certificate (DER), revocation list (ZRL1, may be empty). */
typedef struct zc_wire_provision {
	char terminal[ZC_TERMINAL_ID_MAX + 1];
	char township[ZC_TERMINAL_ID_MAX + 1];
	const uint8_t *host_pubkey;
	uint16_t host_pubkey_len;
	const uint8_t *ca_cert;
	uint16_t ca_cert_len;
	const uint8_t *revocations;
	uint16_t revocations_len;
} zc_wire_provision;

/* Each encoder returns the payload length or ZC_EARG (a value the decoder
 * would refuse, or no room); each decoder 0 or ZC_EMALFORMED / ZC_ETRUNC
 * (exact consumption, bounded lengths), and zc_wire_hello_decode also
 * ZC_EVERSION (a protocol version other than ZC_WIRE_VERSION). Byte layouts
 * and the rules checked: shared/WIRE.md. HELLO_REQ and STATUS_REQ have an
 * empty payload. */
int zc_wire_hello_encode(const zc_wire_hello *m, uint8_t *out, size_t cap);
int zc_wire_hello_decode(const uint8_t *p, size_t n, zc_wire_hello *m);
int zc_wire_status_encode(const zc_wire_status *m, uint8_t *out, size_t cap);
int zc_wire_status_decode(const uint8_t *p, size_t n, zc_wire_status *m);
int zc_wire_get_encode(const zc_wire_get *m, uint8_t *out, size_t cap);
int zc_wire_get_decode(const uint8_t *p, size_t n, zc_wire_get *m);
int zc_wire_credit_encode(uint16_t credit, uint8_t *out, size_t cap);
int zc_wire_credit_decode(const uint8_t *p, size_t n, uint16_t *credit);
/* Records: start a payload, add records while they fit (ZC_EFULL when the
 * next does not), then the payload length is *len. */
void zc_wire_records_begin(uint8_t *out, uint64_t first_seq, size_t *len);
int zc_wire_records_add(uint8_t *out, size_t cap, size_t *len, const uint8_t *rec, size_t rec_len);
int zc_wire_records_decode(const uint8_t *p, size_t n, zc_wire_records *m);
int zc_wire_end_encode(const zc_wire_end *m, uint8_t *out, size_t cap);
int zc_wire_end_decode(const uint8_t *p, size_t n, zc_wire_end *m);
int zc_wire_command_encode(const zc_wire_command *m, uint8_t *out, size_t cap);
int zc_wire_command_decode(const uint8_t *p, size_t n, zc_wire_command *m);
int zc_wire_result_encode(const zc_wire_result_msg *m, uint8_t *out, size_t cap);
int zc_wire_result_decode(const uint8_t *p, size_t n, zc_wire_result_msg *m);
int zc_wire_provision_encode(const zc_wire_provision *m, uint8_t *out, size_t cap);
int zc_wire_provision_decode(const uint8_t *p, size_t n, zc_wire_provision *m);
/* SET_TIME body: i64 new_utc_ms. ACK_COLLECTED body: u64 up_to_seq (>= 1),
 * hash[32] (the record's hash). */
int zc_wire_set_time_encode(int64_t utc_ms, uint8_t *out, size_t cap);
int zc_wire_set_time_decode(const uint8_t *p, size_t n, int64_t *utc_ms);
int zc_wire_ack_encode(uint64_t up_to_seq, const uint8_t hash[ZC_HASH_LEN], uint8_t *out, size_t cap);
int zc_wire_ack_decode(const uint8_t *p, size_t n, uint64_t *up_to_seq, uint8_t hash[ZC_HASH_LEN]);

/* The digest a host signs for a command:
 * SHA-256("zhucun-cmd-v1" || u8 tid_len || terminal || nonce[16] || u8 kind
 *         || u16 body_len || body). For a first PROVISION, terminal is the
 * id being given. */
void zc_wire_cmd_digest(const char *terminal, const uint8_t nonce[ZC_WIRE_NONCE_LEN], uint8_t kind, const uint8_t *body,
			size_t body_len, uint8_t out[ZC_HASH_LEN]);
/* Sign / verify a command in place (sig, sig_len) over that digest.
 * terminal is "" or a valid id (else ZC_EARG). sign: 0, ZC_EARG or ZC_ECRYPTO;
 * verify: 0, ZC_ESIG or ZC_EARG. */
int zc_wire_cmd_sign(zc_wire_command *c, const char *terminal, const uint8_t nonce[ZC_WIRE_NONCE_LEN],
		     zc_privkey *host_key);
int zc_wire_cmd_verify(const zc_wire_command *c, const char *terminal, const uint8_t nonce[ZC_WIRE_NONCE_LEN],
		       zc_pubkey *host_key);

/* ---- the terminal's signatures (version 2) ---- */

/* HELLO_REQ's payload: the host's nonce (ZC_WIRE_NONCE_LEN bytes). A
 * terminal takes a payload of another length as an all-zero nonce. */
int zc_wire_hello_req_encode(const uint8_t host_nonce[ZC_WIRE_NONCE_LEN], uint8_t *out, size_t cap);
void zc_wire_hello_req_decode(const uint8_t *p, size_t n, uint8_t host_nonce[ZC_WIRE_NONCE_LEN]);
/* SHA-256("zhucun-hello-v2" || host_nonce[16] || the HELLO payload without
 * its sig_len and sig). ZC_EARG when m does not encode. */
int zc_wire_hello_digest(const zc_wire_hello *m, const uint8_t host_nonce[ZC_WIRE_NONCE_LEN], uint8_t out[ZC_HASH_LEN]);
/* Sign m (sets sig, sig_len) with the terminal's key / verify it with the
 * key the caller trusts for this terminal. sign: 0, ZC_EARG, ZC_ECRYPTO;
 * verify: 0, ZC_ESIG, ZC_EARG. */
int zc_wire_hello_sign(zc_wire_hello *m, const uint8_t host_nonce[ZC_WIRE_NONCE_LEN], zc_privkey *key);
int zc_wire_hello_verify(const zc_wire_hello *m, const uint8_t host_nonce[ZC_WIRE_NONCE_LEN], zc_pubkey *key);
/* The hash of a request a RESULT answers: SHA-256(u8 type || u16 req_id ||
 * payload), over the frame as the terminal received it. */
void zc_wire_request_hash(uint8_t type, uint16_t req_id, const uint8_t *payload, size_t len, uint8_t out[ZC_HASH_LEN]);
/* SHA-256("zhucun-result-v2" || the RESULT payload without its sig_len and
 * sig) — code, text, nonce and req_hash. ZC_EARG when m does not encode. */
int zc_wire_result_digest(const zc_wire_result_msg *m, uint8_t out[ZC_HASH_LEN]);
int zc_wire_result_sign(zc_wire_result_msg *m, zc_privkey *key);
int zc_wire_result_verify(const zc_wire_result_msg *m, zc_pubkey *key);

const char *zc_wire_type_name(uint8_t type);
const char *zc_wire_result_name(uint8_t code);
const char *zc_wire_cmd_name(uint8_t kind);

#endif
