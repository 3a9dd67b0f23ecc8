/*
 * fuzz_explain.c - the explanation table on arbitrary stderr
 * (siphon_explain_match, siphon_explain_render, siphon_explain_key_line):
 * each engine's table (with its tidy hook and state) and the status rules.
 *
 * Input: one control byte (engine, stage, code, signal), then the stderr.
 * Properties: the quoted line is terminated and is one line of stderr (tidied
 * only by SQLite); the status rules explain every failure; a message renders
 * with no placeholder left and, for the status rules, holds the whole stderr.
 */
#include "fuzz.h"

#include "engine/mysql/my_explain.h"
#include "engine/postgres/pg_explain.h"
#include "engine/postgres/pg_pull_int.h"
#include "engine/sqlite/sq_explain.h"
#include "engine/sqlite/sq_pull_int.h"
#include "loop/explain.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const stages[] = {"dump", "compress", NULL, "dump"};
	static const int codes[] = {1, 127, -1, 2};
	struct fuzz_in fin = {data, size};
	unsigned ctl = fuzz_byte(&fin);
	struct siphon_pull_opts o = {.host = "h", .dbname = "/d.db"};
	struct sq sq = {.o = &o};
	struct pg pg = {.jobs = 4};
	const struct siphon_explain_engine *const engines[] = {
		&siphon_pg_explain, &siphon_my_explain, &siphon_sq_explain, NULL,
	};
	const void *states[] = {&pg, NULL, &sq, NULL};
	struct siphon_explain_who who = {.host = "h", .db = "/d.db", .sudo = "u", .elsewhere = ""};
	struct siphon_explain_in in;
	struct siphon_explain_found f;
	struct siphon_strbuf out = {0};
	const struct siphon_explain_engine *eng = engines[ctl & 3];
	char *err;
	int hit;

	if ((err = fuzz_rest_str(&fin)) == NULL)
		return 0;
	sq.facts.wal_mode = (ctl >> 6) & 1;
	in.what = "w";
	in.err = err;
	in.stage = stages[(ctl >> 2) & 3];
	in.code = in.stage != NULL ? codes[(ctl >> 4) & 3] : 0;
	in.signal = (ctl & 0x80) ? "KILL" : "";
	hit = siphon_explain_match(&in, eng, &who, states[ctl & 3], &f);
	FUZZ_CHECK(memchr(f.line, '\0', sizeof(f.line)) != NULL && strchr(f.line, '\n') == NULL);
	if (eng != &siphon_sq_explain && f.line[0] != '\0')
		FUZZ_CHECK(strstr(err, f.line) != NULL);
	if (eng == NULL)
		FUZZ_CHECK(hit == (in.stage != NULL || in.signal[0] != '\0'));
	if (hit) {
		FUZZ_CHECK(f.rule != NULL && f.rule->msg != NULL && f.rule->err < 0);
		FUZZ_CHECK(f.tail <= strlen(f.line));
		FUZZ_CHECK(siphon_explain_render(&out, f.rule->msg, &in, eng, &who,
		                                 states[ctl & 3], &f) == 0);
		/* Placeholders come from the template alone: stderr's braces are text. */
		if (eng == NULL)
			FUZZ_CHECK(strstr(siphon_strbuf_str(&out), err) != NULL);
	}
	siphon_strbuf_free(&out);
	free(err);
	return 0;
}
