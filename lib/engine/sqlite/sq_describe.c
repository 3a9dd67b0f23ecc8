/* sq_describe.c - `plan`'s account of an SQLite pull: the target and the remote command. */
#include "engine/eng.h"
#include "engine/sqlite/sq_pull_int.h"
#include "remote/probe.h"
#include "util/ctx.h"

int
sq_describe(struct siphon_run *run, void *st, void (*fn)(void *arg, const char *key, const char *text),
            void *arg)
{
	struct sq *sq = st;
	struct siphon_strbuf line = {0}, stage = {0};
	int r = 0;

	if (siphon_strbuf_printf(&line, "the local file %s, %s", siphon_strbuf_str(&sq->into),
	                         sq->target_exists ? "which exists: it is replaced once the copy is complete"
	                                           : "which does not exist yet: it is created") != 0 ||
	    sq_keep_describe(sq, &line) != 0)
		goto oom;
	fn(arg, "target", siphon_strbuf_str(&line));
	/* The copy is a script (sq_script.c): its gist, not its text. */
	if (siphon_strbuf_printf(&stage, "%s %s 'VACUUM INTO' a temporary file there, then its bytes",
	                         siphon_probe_tool(&run->probe, "sqlite3"), sq->o->dbname) != 0 ||
	    siphon_eng_describe_cmd(run, &line, "the copy, on one channel", siphon_strbuf_str(&stage), 1) != 0 ||
	    siphon_eng_zsplit_describe(run, &line) != 0)
		goto oom;
	fn(arg, "command", siphon_strbuf_str(&line));
	goto out;
oom:
	r = siphon_err_oom(sq->ctx);
out:
	siphon_strbuf_free(&line);
	siphon_strbuf_free(&stage);
	return r;
}
