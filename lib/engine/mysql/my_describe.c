/* my_describe.c - `plan`'s account of a MySQL/MariaDB pull: the target and the remote commands. */
#include "engine/eng.h"
#include "engine/mysql/my_pull_int.h"
#include "engine/mysql/my_sql.h"
#include "util/ctx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
my_describe(struct siphon_run *run, void *st, void (*fn)(void *arg, const char *key, const char *text),
            void *arg)
{
	struct my *my = st;
	struct siphon_strbuf stage = {0}, line = {0}, q = {0};
	char what[96], *out = NULL;
	int r = 0, exists, nrows = my_tables_with_rows(my, NULL), n;

	/* --snapshot-only: no local server to ask. */
	if (my->o->snapshot_only) {
		fn(arg, "target", "a snapshot only: nothing local is made or replaced");
		goto remote;
	}
	if (siphon_strbuf_puts(&q, "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ") != 0 ||
	    siphon_my_literal(&q, my->into) != 0)
		goto oom;
	if ((r = my_local_read(my, siphon_strbuf_str(&q), &out, "looking for the local database")) != 0)
		goto out;
	exists = atoi(out) > 0;
	if (siphon_strbuf_printf(&line, "the local database \"%s\", %s", my->into,
	                         exists ? "which exists: its tables are replaced once the copy is complete"
	                                : "which does not exist yet: it is created") != 0 ||
	    my_keep_describe(my, exists, &line) != 0)
		goto oom;
	fn(arg, "target", siphon_strbuf_str(&line));
remote:
	siphon_strbuf_reset(&stage);
	if ((r = my_client_stage(my, &stage, 0)) != 0)
		goto out;
	if (siphon_eng_describe_cmd(run, &line, "the control session (the lock and the snapshot)",
	                            siphon_strbuf_str(&stage), 0) != 0)
		goto oom;
	fn(arg, "command", siphon_strbuf_str(&line));
	if (nrows > 0) {
		n = run->jobs < nrows ? run->jobs : nrows;
		siphon_strbuf_reset(&stage);
		if ((r = my_client_stage(my, &stage, 1)) != 0)
			goto out;
		snprintf(what, sizeof(what), "SELECT of its tables' rows, on each of %d data channel%s", n,
		         n == 1 ? "" : "s");
		if (siphon_eng_describe_cmd(run, &line, what, siphon_strbuf_str(&stage), 1) != 0 ||
		    siphon_eng_zsplit_describe(run, &line) != 0)
			goto oom;
		fn(arg, "command", siphon_strbuf_str(&line));
	}
	goto out;
oom:
	r = siphon_err_oom(my->ctx);
out:
	free(out);
	siphon_strbuf_free(&stage);
	siphon_strbuf_free(&line);
	siphon_strbuf_free(&q);
	return r;
}
