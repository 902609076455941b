/* SPDX-License-Identifier: Apache-2.0 */
/*
 * wirevec.h: the generator of the serial-protocol test vectors checked in
 * under shared/vectors/wire/ (see shared/WIRE.md), and the JSON rendering
 * of decoded messages their manifest uses. Deterministic: the same key
 * gives byte-identical output (RFC 6979 signatures, a fixed-seed generator
 * for the noise in the stream vector).
 */
#ifndef ZC_WIREVEC_H
#define ZC_WIREVEC_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* Write the vectors into out_dir; host_key is the PEM private key that signs
 * the commands (and, in the vectors, is also the terminal's key that signs
 * the records and is shown in HELLO). Returns 0 or a negative zc_err. */
int zc_wirevec_write(const char *out_dir, const char *host_key);

/* The fields of a message payload of frame type `type` as JSON, or NULL if
 * the payload does not decode. Unknown types give {"raw": hex}. A COMMAND's
 * body is decoded too, for the kinds with a wire.h body decoder. */
json_t *zc_wirevec_msg_json(uint8_t type, const uint8_t *payload, size_t len);

#endif
