/* sq_explain.c - what a failure on the server's SQLite file means, as rules. */
#include "engine/sqlite/sq_explain.h"

#include "engine/eng_explain.h"
#include "engine/sqlite/sq_pull_int.h"

#include <stdio.h>
#include <string.h>

static const char *const keys[] = {"siphon-sqlite:", "sudo:", "Error", "error", NULL};

static const char *const not_db[] = {"not a database", "file is encrypted", NULL};
static const char *const cannot_write[] = {"readonly database", "unable to open", NULL};
static const char *const cannot_open[] = {
	"unable to open", "readonly database", "ermission denied", NULL,
};
static const char *const locked[] = {"database is locked", "database is busy", NULL};
static const char *const damaged[] = {"malformed", "corrupt", NULL};
static const char *const full[] = {"disk is full", "No space", NULL};
static const char *const io[] = {"disk I/O error", NULL};

static const struct siphon_explain_rule rules[] = {
	/* The engine's own scripts say what failed in their words. */
	{.line_starts = "siphon-sqlite: ", .err = SIPHON_EREMOTE,
	 .msg = "{what} failed on {host}: {tail}"},
	{.any = not_db, .err = SIPHON_EREMOTE,
	 .msg = "\"{db}\" on {host} is not an SQLite 3 database (sqlite3: {line}); an encrypted database cannot be copied either"},
	{.when = "wal", .any = cannot_write, .err = SIPHON_EREMOTE,
	 .msg = "cannot read \"{db}\" on {host}: it is a WAL-mode database, and reading one needs write access to its -shm file, or to its directory when no program has it open; {reader} has neither (sqlite3: {line}); run as the file's owner with {owner_hint}"},
	{.any = cannot_open, .err = SIPHON_EREMOTE,
	 .msg = "permission denied: {reader} cannot open \"{db}\" on {host} (sqlite3: {line}); check the path, or run as the file's owner with {owner_hint}"},
	{.any = locked, .err = SIPHON_EREMOTE,
	 .msg = "\"{db}\" on {host} stayed locked by a writer for more than 10 s (sqlite3: {line}); run again when the writer is done (a database in WAL mode never blocks readers)"},
	{.any = damaged, .err = SIPHON_EREMOTE,
	 .msg = "\"{db}\" on {host} is damaged (sqlite3: {line}); check it there with: sqlite3 FILE 'PRAGMA integrity_check'"},
	{.any = full, .err = SIPHON_EREMOTE,
	 .msg = "the temporary copy of \"{db}\" did not fit in {tmpdir} on {host} (sqlite3: {line}); free space there, or give the SSH user a TMPDIR on a bigger file system"},
	{.any = io, .err = SIPHON_EREMOTE,
	 .msg = "an I/O error on {host} while copying \"{db}\" into {tmpdir} (sqlite3: {line}); the disk of the database or of the temporary directory is full or failing"},
	/* Silence: the shared last rule quotes a line when there is one. */
	{.flags = SIPHON_EXPLAIN_NO_LINE, .err = SIPHON_EREMOTE,
	 .msg = "{what} failed on {host}: sqlite3 exited with an error"},
	{.msg = NULL},
};

static const char *
var(const void *st, const char *name, char *buf, size_t cap)
{
	const struct sq *sq = st;

	if (sq == NULL)
		return NULL;
	if (strcmp(name, "reader") == 0)
		return sq_reader(sq);
	if (strcmp(name, "owner_hint") == 0)
		return sq_owner_hint(sq, buf, cap);
	if (strcmp(name, "tmpdir") == 0)
		return sq->facts.tmpdir[0] ? sq->facts.tmpdir : "the temporary directory";
	if (strcmp(name, "wal") == 0)
		return sq->facts.wal_mode ? "1" : "";
	return NULL;
}

/* Only the copy's own stage has sqlite3's words; the rest gets the status rules. */
const struct siphon_explain_engine siphon_sq_explain = {
	.keys = keys,
	.tidy = siphon_sq_tidy_line,
	.only_stage = "dump",
	.tool = "sqlite3",
	.missing = "a tool",
	.missing_fix = "",
	.rules = rules,
	.var = var,
};

int
sq_explain(void *arg, struct siphon_rstream *rs)
{
	struct sq *sq = arg;

	return siphon_eng_explain(sq->eng, rs, &siphon_sq_explain, sq);
}

int
sq_failed(struct sq *sq, const char *err, const char *what)
{
	/* Not a stream: what sqlite3 said while the inspection opened the file. */
	struct siphon_explain_in in = {
		.what = what, .err = err, .stage = "dump", .code = 1, .signal = "",
	};
	struct siphon_explain_who who;
	int r;

	siphon_eng_explain_who(sq->eng, &who);
	if ((r = siphon_explain(sq->ctx, &in, &siphon_sq_explain, &who, sq)) != 0)
		return r;
	return siphon_explain_status(sq->ctx, &in);
}
