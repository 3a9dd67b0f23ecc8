/*
 * pg_owner.h - ownership that survives the trip where it can.
 *
 * The schema is dumped with its owners.  A workstation rarely has every
 * production role: each top-level "ALTER ... OWNER TO role;" naming a role
 * that the local server lacks (or that the local user may not hand objects
 * to) is left out, so the object stays with the local user instead of
 * failing the restore.  The statements are recognised only at the top level
 * of the script (the SQL lexer of pg_script.c), never inside a function
 * body or a literal.
 */
#ifndef SIPHON_PG_OWNER_H
#define SIPHON_PG_OWNER_H

#include "engine/postgres/pg_script.h"
#include "loop/proc.h"
#include "loop/sink.h"
#include "util/ctx.h"
#include "util/strbuf.h"

/*
 * The local roles objects may be given to, sorted; existing, when set, the
 * roles that exist at all: a privilege, a policy or a user mapping may name
 * any of them (the object's owner grants), an owner only one the local user
 * is a member of.
 */
struct siphon_pg_roles {
	char **names;
	int n;
	const struct siphon_pg_roles *existing;   /* borrowed; NULL: names */
};

/*
 * Reads them from the local server in one query: member, the roles the
 * local user is a member of; all, every role.  0 or a negative code.
 */
int siphon_pg_roles_load(struct siphon_ctx *ctx, struct siphon_pg_roles *member,
                         struct siphon_pg_roles *all);
/* Sorts names (owned by roles) for lookups. */
void siphon_pg_roles_sort(struct siphon_pg_roles *roles);
void siphon_pg_roles_clear(struct siphon_pg_roles *roles);
int siphon_pg_roles_has(const struct siphon_pg_roles *roles, const char *name);
/* Adds a copy of name, keeping the list sorted and unique.  0 or -1. */
int siphon_pg_roles_add(struct siphon_pg_roles *roles, const char *name);

/* What the filters left out, for the pull's one warning. */
struct siphon_pg_dropped {
	struct siphon_pg_roles missing;   /* the roles they named, sorted */
	int owners;                       /* ALTER ... OWNER TO */
	int acls;                         /* GRANT, REVOKE, default privileges */
	int mappings;                     /* CREATE USER MAPPING FOR role */
};
void siphon_pg_dropped_clear(struct siphon_pg_dropped *d);

/*
 * 1 when line (a whole top-level line, without its newline) is
 * "ALTER ... OWNER TO role;" for a role not in roles; 0 otherwise.
 */
int siphon_pg_owner_drop(const char *line, size_t len,
                         const struct siphon_pg_roles *roles);

/*
 * 1 when line is a privilege statement (GRANT, REVOKE, ALTER DEFAULT
 * PRIVILEGES, SET SESSION AUTHORIZATION) that names a role not in roles
 * (PUBLIC always exists).
 */
int siphon_pg_acl_drop(const char *line, size_t len,
                       const struct siphon_pg_roles *roles);

/*
 * 1 when line starts pg_dump's "CREATE USER MAPPING FOR role SERVER s"
 * for a role not in roles (PUBLIC always exists).  The whole statement is
 * left out, up to the line that ends it (OPTIONS go over several lines).
 */
int siphon_pg_mapping_drop(const char *line, size_t len,
                           const struct siphon_pg_roles *roles);

/*
 * Filters a whole script: returns a new string (caller frees) without the
 * lines to drop (OWNER TO statements and user mappings), or NULL when out
 * of memory; dropped counts them and collects the roles.
 */
char *siphon_pg_owner_filter_text(const char *text,
                                  const struct siphon_pg_roles *roles,
                                  struct siphon_pg_dropped *dropped);
/* The same for privilege statements (siphon_pg_acl_drop). */
char *siphon_pg_acl_filter_text(const char *text,
                                const struct siphon_pg_roles *roles,
                                struct siphon_pg_dropped *dropped);

/*
 * A POLICY entry of the post-data script (sql: its whole text) whose TO
 * list names roles the local server lacks: 0 nothing to change; 1 *out is
 * the entry with those roles taken out; 2 every role of the policy is
 * missing, leave the entry out (it could apply to no one here).  On 1 and 2
 * *note says which policy and roles, for the warning.  -1: out of memory.
 */
int siphon_pg_policy_filter(const char *sql, const struct siphon_pg_roles *roles,
                            char **out, char **note);

/* The lexer and statement state of a filter between lines. */
struct siphon_pg_filter {
	struct siphon_pg_lexer lx;
	int in_mapping;          /* inside a user mapping being left out */
};

/* A streaming filter in front of a local psql's stdin. */
struct siphon_pg_owner_sink {
	struct siphon_ctx *ctx;
	struct siphon_proc *proc;
	const struct siphon_pg_roles *roles;
	struct siphon_pg_filter filter;
	struct siphon_strbuf line;     /* the line being received */
	unsigned long lineno;
	struct siphon_pg_dropped dropped;
};

void siphon_pg_owner_sink(struct siphon_sink *s, struct siphon_pg_owner_sink *f);

#endif
