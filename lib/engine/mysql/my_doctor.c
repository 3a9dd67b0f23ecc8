/* my_doctor.c - `doctor`'s MySQL/MariaDB finding: may the local user create the copy. */
#include "engine/eng.h"
#include "engine/mysql/my_pull_int.h"
#include "util/ctx.h"

#include <stdio.h>
#include <stdlib.h>

/*
 * The copy is made in a database of its own (siphon_tmp_...) whose tables
 * are then renamed into the target: that takes CREATE (and DROP) on every
 * database, a global grant.  Grants on name patterns cannot be told from
 * here with certainty: they are a warning, not a failure.
 */
static const char create_sql[] =
	"SELECT (SELECT COUNT(*) FROM information_schema.USER_PRIVILEGES "
	"WHERE PRIVILEGE_TYPE = 'CREATE' AND GRANTEE = CONCAT('''', "
	"SUBSTRING_INDEX(CURRENT_USER(), '@', 1), '''@''', SUBSTRING_INDEX(CURRENT_USER(), '@', -1), '''')), "
	"CURRENT_USER()";

void
my_doctor(struct siphon_run *run, void *st, siphon_check_fn fn, void *arg)
{
	struct my *my = st;
	struct siphon_check c = {.name = "create", .title = "the local user may create databases"};
	char detail[1024], user[256] = "";
	char *out = NULL;
	int n = 0;

	/* --snapshot-only: a pull asks the local server nothing (its restore will). */
	if (my->o->snapshot_only) {
		c.status = SIPHON_CHECK_SKIP;
		c.detail = "not checked: the profile saves snapshots only (snapshot_only), no local database is made";
		fn(arg, &c);
		return;
	}
	if (my_local_read(my, create_sql, &out, "checking the local user's privileges") != 0) {
		c.status = SIPHON_CHECK_FAIL;
		c.rc = siphon_ctx_errcode(run->ctx);
		snprintf(detail, sizeof(detail), "%s", siphon_ctx_errmsg(run->ctx));
	} else {
		if (sscanf(out, "%d\t%255[^\n]", &n, user) < 1)
			n = 0;
		if (n > 0) {
			c.status = SIPHON_CHECK_PASS;
			snprintf(detail, sizeof(detail), "%s has the global CREATE privilege", user);
		} else {
			c.status = SIPHON_CHECK_WARN;
			snprintf(detail, sizeof(detail),
			         "%s has no global CREATE privilege; siphon creates and drops databases named "
			         "siphon_tmp_*: GRANT ALL ON *.* TO %s (or on those names)", user, user);
		}
	}
	c.detail = detail;
	fn(arg, &c);
	free(out);
}
