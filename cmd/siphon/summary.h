/* summary.h - the line siphon prints after a successful pull. */
#ifndef SIPHON_CMD_SUMMARY_H
#define SIPHON_CMD_SUMMARY_H

#include "siphon.h"

#include <stddef.h>
#include <stdint.h>

/* "1.2 GB": decimal units, as transfer rates are quoted. */
void cli_format_bytes(char *buf, size_t cap, uint64_t n);

/*
 * "pulled app from db1 into app: 42 tables, 5.3 GB (1.2 GB on the wire,
 * zstd) in 12.3 s, 431.0 MB/s" into buf, always terminated, control
 * characters of names replaced.
 */
void cli_format_summary(char *buf, size_t cap,
                        const struct siphon_opts *o,
                        const struct siphon_pull_stats *st);

#endif
