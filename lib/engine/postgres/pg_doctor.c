/* pg_doctor.c - `doctor`'s PostgreSQL finding: may the local role create the copy. */
#include "engine/eng.h"
#include "engine/postgres/pg_local.h"
#include "engine/postgres/pg_pull_int.h"
#include "util/ctx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
pg_doctor(struct siphon_run *run, void *st, siphon_check_fn fn, void *arg)
{
	struct siphon_check c = {.name = "create", .title = "the local role may create databases"};
	char detail[512];
	char *out = NULL;

	(void)st;
	/* The copy is a new database, renamed over the old one at the end. */
	if (siphon_pg_local_query(run->ctx, "postgres",
	        "SELECT CASE WHEN rolsuper OR rolcreatedb THEN 'y' ELSE 'n' END || ' ' || current_user "
	        "FROM pg_catalog.pg_roles WHERE rolname = current_user;", &out) != 0) {
		c.status = SIPHON_CHECK_FAIL;
		c.rc = siphon_ctx_errcode(run->ctx);
		snprintf(detail, sizeof(detail), "%s", siphon_ctx_errmsg(run->ctx));
	} else if (out[0] == 'y') {
		out[strcspn(out, "\n")] = '\0';
		c.status = SIPHON_CHECK_PASS;
		snprintf(detail, sizeof(detail), "role \"%s\" has CREATEDB", out + 2);
	} else {
		out[strcspn(out, "\n")] = '\0';
		c.status = SIPHON_CHECK_FAIL;
		c.rc = SIPHON_ELOCAL;
		snprintf(detail, sizeof(detail),
		         "the local role \"%s\" may not create databases; as a superuser run: ALTER ROLE \"%s\" CREATEDB",
		         out + 2, out + 2);
	}
	c.detail = detail;
	fn(arg, &c);
	free(out);
}
