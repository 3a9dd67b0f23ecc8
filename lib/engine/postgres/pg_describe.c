/* pg_describe.c - `plan`'s account of a PostgreSQL pull: the target and the remote commands. */
#include "engine/eng.h"
#include "engine/postgres/pg_pull_int.h"
#include "util/ctx.h"

#include <stdio.h>

int
pg_describe(struct siphon_run *run, void *st, void (*fn)(void *arg, const char *key, const char *text),
            void *arg)
{
	struct pg *pg = st;
	struct siphon_strbuf stage = {0}, line = {0};
	char what[96];
	int r = 0, adaptive;

	if (siphon_strbuf_printf(&line, "the local PostgreSQL database \"%s\", %s", pg->into,
	                         pg->target_exists ? "which exists: it is replaced once the copy is complete"
	                                           : "which does not exist yet: it is created") != 0 ||
	    pg_keep_describe(pg, &line) != 0)
		goto oom;
	fn(arg, "target", siphon_strbuf_str(&line));
	siphon_strbuf_reset(&stage);
	if ((r = pg_psql_stage(pg, &stage, pg->tools.t[siphon_pg_tools_newest(&pg->tools)].bindir, 0)) != 0)
		goto out;
	if (siphon_eng_describe_cmd(run, &line, "the snapshot session (exports the one snapshot)",
	                            siphon_strbuf_str(&stage), 0) != 0)
		goto oom;
	fn(arg, "command", siphon_strbuf_str(&line));
	for (int i = 0; i < PG_NDUMPS; i++) {
		if ((r = pg_dump_stage(pg, i, &stage)) != 0)
			goto out;
		if (siphon_eng_describe_cmd(run, &line, pg_dump_what(i), siphon_strbuf_str(&stage), 1) != 0)
			goto oom;
		fn(arg, "command", siphon_strbuf_str(&line));
	}
	if (pg->nlanes > 0) {
		siphon_strbuf_reset(&stage);
		if ((r = pg_psql_stage(pg, &stage, pg->tools.t[pg->pgi].bindir, 1)) != 0)
			goto out;
		snprintf(what, sizeof(what), "COPY ... TO STDOUT of its tables, on each of %d data channel%s",
		         pg->nlanes, pg->nlanes == 1 ? "" : "s");
		/* Adaptive: psql starts the compressor itself, anew when the level moves. */
		adaptive = pg->disp != NULL && siphon_eng_adaptive(run);
		if (siphon_eng_describe_cmd(run, &line, what, siphon_strbuf_str(&stage), !adaptive) != 0)
			goto oom;
		if (adaptive) {
			siphon_strbuf_reset(&stage);
			if ((r = siphon_eng_zstd_cmd(run, &stage, siphon_adapt_level(&run->adapt))) != 0)
				goto out;
			if (siphon_strbuf_printf(&line, ", its output through \\o |%s (at first: the level then moves "
			                                "with what the pull measures)",
			                         siphon_strbuf_str(&stage)) != 0)
				goto oom;
		}
		fn(arg, "command", siphon_strbuf_str(&line));
	}
	goto out;
oom:
	r = siphon_err_oom(pg->ctx);
out:
	siphon_strbuf_free(&stage);
	siphon_strbuf_free(&line);
	return r;
}
