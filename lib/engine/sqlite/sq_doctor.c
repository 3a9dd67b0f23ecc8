/* sq_doctor.c - `doctor`'s SQLite finding: may the copy be written beside the target. */
#include "engine/eng.h"
#include "engine/sqlite/sq_pull_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

void
sq_doctor(struct siphon_run *run, void *st, siphon_check_fn fn, void *arg)
{
	struct sq *sq = st;
	struct siphon_check c = {.name = "create", .title = "the local file can be written"};
	const char *dir = siphon_strbuf_str(&sq->dir);
	char detail[512];

	(void)run;
	/* The copy is a temporary file in the target's directory, renamed over it. */
	if (access(dir, W_OK | X_OK) == 0) {
		c.status = SIPHON_CHECK_PASS;
		snprintf(detail, sizeof(detail), "can create files in %s", dir);
	} else {
		c.status = SIPHON_CHECK_FAIL;
		c.rc = SIPHON_ELOCAL;
		snprintf(detail, sizeof(detail), "cannot create files in %s (%s); pull into a directory you may write (--into PATH)",
		         dir, strerror(errno));
	}
	c.detail = detail;
	fn(arg, &c);
}
