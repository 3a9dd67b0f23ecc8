/*
 * crontab.h - siphon's blocks in a user's crontab, edited as text: one
 * block per profile between two marker lines,
 *
 *   # BEGIN siphon schedule prod: managed by siphon, edit with siphon schedule/unschedule
 *   30 3 * * * /usr/bin/env HOME=/home/ann ... '/usr/local/bin/siphon' pull --unattended prod ...
 *   # END siphon schedule prod
 *
 * and every other byte of the table kept as it was.  Pure: the text comes
 * from `crontab -l` and goes back to `crontab FILE` (sched/schedule.c).  A
 * table whose markers do not pair up (an edit by hand cut a block) is
 * refused with its line, never guessed at.
 */
#ifndef SIPHON_SCHED_CRONTAB_H
#define SIPHON_SCHED_CRONTAB_H

#include <stddef.h>

#define SIPHON_CRONTAB_BEGIN "# BEGIN siphon schedule "
#define SIPHON_CRONTAB_END "# END siphon schedule "
#define SIPHON_CRONTAB_NOTE ": managed by siphon, edit with siphon schedule/unschedule"

/* A block found: byte offsets into the text and its first job line. */
struct siphon_crontab_block {
	char profile[65];
	size_t begin, end;       /* [begin, end): the block, its last line end included */
	size_t job, job_len;     /* the first line that is no comment or blank; job_len 0: none */
	int line;                /* the number of its BEGIN line, from 1 */
};

/*
 * Calls fn for each block of text, in order; fn returns non-zero to stop.
 * Returns 0, or -1 with one line in err when the markers do not pair up (a
 * block never ends, an END without its BEGIN, a block inside another, two
 * blocks of one profile, a bad profile name).
 */
int siphon_crontab_scan(const char *text, size_t len,
                        int (*fn)(void *arg, const struct siphon_crontab_block *b), void *arg,
                        char *err, size_t errcap);

/*
 * The block of profile into *b: 1 when there is one, 0 when not, -1 with
 * err when the table is malformed (siphon_crontab_scan).
 */
int siphon_crontab_find(const char *text, size_t len, const char *profile,
                        struct siphon_crontab_block *b, char *err, size_t errcap);

/*
 * A new table (caller frees; *out_len its length): text with profile's
 * block replaced by one holding job (a line, without its end), or added at
 * the end when there is none (after a line end, should the table lack its
 * last).  job NULL removes the block instead.  Returns 1 when the block
 * was there, 0 when not, -1 with err (malformed, or out of memory: err
 * says which).
 */
int siphon_crontab_edit(const char *text, size_t len, const char *profile, const char *job,
                        char **out, size_t *out_len, char *err, size_t errcap);

#endif
