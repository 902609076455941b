/* SPDX-License-Identifier: Apache-2.0 */
/*
 * compare.h: `zhucun-sim compare REPORT.json EXPECTED.json`, the rule of
 * ../shared/scenarios/README.md: the report's `years` rows equal the
 * expected rows exactly, as a set, with no extra rows; its findings, among
 * the types the expected file lists in `compared_finding_types`, are
 * exactly the expected (type, subject, date) triples, where `training` is
 * compared only as a violation. Each missing or extra item is printed.
 */
#ifndef ZC_SIM_COMPARE_H
#define ZC_SIM_COMPARE_H

#include <stdio.h>

/* Compare the report at report_path with the expected file. Differences
 * go to out, one line each, then a summary line; a bad input is one
 * line on err. Returns 0 (match), 1 (mismatch) or 2 (a file is missing,
 * not JSON, or lacks a required member). */
int zc_sim_compare(const char *report_path, const char *expected_path, int all, FILE *out, FILE *err);

/* The subcommand: argv[0] is the command name. Returns the exit status. */
int zc_sim_compare_main(int argc, char **argv);

#endif
