/*
 * keepname.h - the names of the copies a pull keeps beside the local
 * database: the one it replaced (for `siphon rollback`) and an untouched
 * one of what it pulled (for `siphon reset`).
 *
 * A server database is siphon_<kind>_<into> (kind "prev" or "pristine").
 * When that is longer than the server allows (PostgreSQL: 63 bytes), the
 * target's name is cut (at a character boundary) and followed by '_' and
 * 8 hex digits of its FNV-1a hash, so two long names that share a start
 * still get two names: the name is found again from the target's name
 * alone, by the same rule.  These names never look like a temporary's
 * (siphon_tmp_/siphon_old_, util/tmpname.h), so the stale sweep leaves
 * them alone.
 */
#ifndef SIPHON_ENGINE_KEEPNAME_H
#define SIPHON_ENGINE_KEEPNAME_H

#include <stddef.h>

/* The longest name this writes, with its NUL, for any max. */
#define SIPHON_KEEPNAME_MAX 128

/*
 * siphon_<kind>_<into> in buf (cap >= SIPHON_KEEPNAME_MAX), at most max
 * bytes (max <= SIPHON_KEEPNAME_MAX - 1, and room for the hash: >= 40).
 */
void siphon_keepname(char *buf, size_t cap, const char *kind, const char *into, size_t max);

struct siphon_target;
/*
 * The disk check of a pull that keeps a pristine copy (keep): room for the
 * copy and the pristine one (2 * need); when only the copy fits, the pull
 * goes on without the pristine copy (*skip set, one warning).  0, or
 * SIPHON_ELOCAL (siphon_target_check_disk's message).
 */
int siphon_keep_check_disk(struct siphon_target *t, unsigned long long need, int keep, int *skip);

#endif
