/* SPDX-License-Identifier: Apache-2.0 */
/* linkcli.h: `zhucun-sim link`, a bare serial-link test client (linkcli.c). */
#ifndef ZC_LINKCLI_H
#define ZC_LINKCLI_H

/* argv[0] is the subcommand; returns the exit status. */
int zc_linkcli_main(int argc, char **argv);

#endif
