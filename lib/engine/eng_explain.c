/* eng_explain.c - an engine's explanation table applied with the run's facts. */
#include "engine/eng_explain.h"

void
siphon_eng_explain_who(const struct siphon_run *run, struct siphon_explain_who *who)
{
	who->host = run->o->host;
	who->db = run->o->dbname;
	who->sudo = run->o->remote_sudo;
	who->elsewhere = run->other_missing;
}

int
siphon_eng_explain(const struct siphon_run *run, const struct siphon_rstream *rs,
                   const struct siphon_explain_engine *t, const void *st)
{
	struct siphon_explain_in in;
	struct siphon_explain_who who;

	siphon_rstream_explain_in(rs, &in);
	siphon_eng_explain_who(run, &who);
	return siphon_explain(run->ctx, &in, t, &who, st);
}
