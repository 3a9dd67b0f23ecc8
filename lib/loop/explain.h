/*
 * explain.h - one table of explanations for a remote command that failed:
 * what its status and stderr mean, in one line that says what failed,
 * where, and how to fix it.
 *
 * The rules are data.  The rules every engine shares live here once (sudo
 * refused, a tool not found, a failure with a telling line; and, when no
 * engine has anything to say, the status rules: killed by a signal, no
 * status trailer, exit 127, any other exit).  Each engine adds its own rules
 * as a table in its directory.  The order is fixed:
 *
 *   the engine's gate -> the shared first rules (sudo, exit 127)
 *   -> the engine's rules -> the shared last rule (the key line)
 *
 * and, in the stream itself, the status rules (siphon_explain_status).
 *
 * A message is a template: "{host}" and the like are replaced by the pull's
 * facts (siphon_explain_who), the failure's (siphon_explain_in), the
 * engine's words (siphon_explain_engine) or, for any other name, the
 * engine's var() hook.  The matcher is pure: stderr is outside bytes, and
 * unit tests and fuzz/fuzz_explain.c drive it without a server.
 */
#ifndef SIPHON_LOOP_EXPLAIN_H
#define SIPHON_LOOP_EXPLAIN_H

#include "util/ctx.h"
#include "util/strbuf.h"

#include <stddef.h>

/* A failed remote command, as the stream saw it. */
struct siphon_explain_in {
	const char *what;     /* the command, for messages: "pg_dump of the schema" */
	const char *err;      /* its stderr without the status trailers, "" when none */
	const char *stage;    /* the first pipeline stage that failed, NULL when none */
	int code;             /* that stage's exit code; -1 when its status never came */
	const char *signal;   /* the signal that killed the command ("KILL"), "" when none */
};

/* The pull's facts that messages name; any may be NULL. */
struct siphon_explain_who {
	const char *host;
	const char *db;
	const char *sudo;       /* --remote-sudo USER */
	const char *elsewhere;  /* what the other engine lacks there (struct siphon_run's
	                           other_missing), "" or NULL when nothing */
};

/* Conditions on the status, in siphon_explain_rule.flags (all must hold). */
enum {
	SIPHON_EXPLAIN_SIGNAL = 1 << 0,     /* killed by a signal */
	SIPHON_EXPLAIN_NO_STATUS = 1 << 1,  /* a stage's status trailer never came */
	SIPHON_EXPLAIN_STATUS = 1 << 2,     /* a stage failed with a real exit code */
	SIPHON_EXPLAIN_LINE = 1 << 3,       /* stderr has a line to quote */
	SIPHON_EXPLAIN_NO_LINE = 1 << 4,    /* ... it has none */
};

/*
 * One rule: when every condition given holds, the message.  A string in
 * any[] or all_of[] that starts with '^' must start a stderr line.
 */
struct siphon_explain_rule {
	unsigned flags;               /* SIPHON_EXPLAIN_* */
	int code;                     /* the failed stage's exit code; 0: any */
	const char *const *any;       /* stderr holds one of these; NULL: no condition */
	const char *const *also;      /* and one of these; NULL: no condition */
	const char *line_starts;      /* the key line starts with this ({tail}: the rest) */
	const char *when;             /* the engine's var() of this name is not "" */
	int err;                      /* the SIPHON_E* code */
	const char *msg;              /* the template; NULL ends a table */
};

/* An engine's rules and words. */
struct siphon_explain_engine {
	/* Markers of the telling stderr line ({line}), most telling first. */
	const char *const *keys;
	/* Optional: tidies the key line (db is who->db). */
	void (*tidy)(char *line, size_t cap, const char *db);
	/*
	 * The gate: when set, no rule applies unless this stage failed with a
	 * real exit code and no signal (the rest gets the status rules).
	 */
	const char *only_stage;
	const char *tool;          /* {tool}: what sudo was to run, "the dump" */
	const char *missing;       /* {missing}: what exit 127 means, "a tool" */
	const char *missing_fix;   /* {missing_fix}: "" or "; install it there (...)" */
	const struct siphon_explain_rule *rules;
	/*
	 * Optional: the engine's own placeholders ("{sessions}"), from its state
	 * st; returns NULL for a name it does not know.
	 */
	const char *(*var)(const void *st, const char *name, char *buf, size_t cap);
};

/* What the matcher found: the rule and the quoted line. */
struct siphon_explain_found {
	const struct siphon_explain_rule *rule;
	char line[512];             /* {line}: the key line, tidied */
	size_t tail;                /* {tail}: offset of the rest after line_starts */
};

/*
 * The first rule that matches in, in the order above (eng NULL: the status
 * rules alone).  Returns 1 and fills *found, or 0 when none matches.
 */
int siphon_explain_match(const struct siphon_explain_in *in,
                         const struct siphon_explain_engine *eng,
                         const struct siphon_explain_who *who, const void *st,
                         struct siphon_explain_found *found);

/*
 * Appends tmpl with its placeholders replaced to out.  Returns 0, or -1 when
 * out of memory.  An unknown placeholder is kept as written.
 */
int siphon_explain_render(struct siphon_strbuf *out, const char *tmpl,
                          const struct siphon_explain_in *in,
                          const struct siphon_explain_engine *eng,
                          const struct siphon_explain_who *who, const void *st,
                          const struct siphon_explain_found *found);

/*
 * Matches and sets the message on ctx.  Returns the rule's code after
 * siphon_err(), or 0 when no rule matched (the caller's next rules apply).
 */
int siphon_explain(struct siphon_ctx *ctx, const struct siphon_explain_in *in,
                   const struct siphon_explain_engine *eng,
                   const struct siphon_explain_who *who, const void *st);

/*
 * The status rules alone (signal, no status, exit 127, any exit): the last
 * word on every failed stream.  Returns the code after siphon_err(), or 0
 * when in did not fail.
 */
int siphon_explain_status(struct siphon_ctx *ctx, const struct siphon_explain_in *in);

/*
 * The line of err that holds the first of keys found (else its first line),
 * into buf (cap > 0), without its newline; returns buf.
 */
const char *siphon_explain_key_line(const char *err, const char *const *keys,
                                    char *buf, size_t cap);

/* The shared rules, for tests: the first ones, the last, the status rules. */
extern const struct siphon_explain_rule siphon_explain_shared_first[];
extern const struct siphon_explain_rule siphon_explain_shared_last[];
extern const struct siphon_explain_rule siphon_explain_shared_status[];

#endif
