/*
 * fuzz_target.c - the target argument [user@]host[:port]:DBNAME
 * (cli_target_parse in cmd/siphon/args.c) and cli_sanitize, which makes
 * any text one terminal line.
 *
 * Properties: a target that parses has a host without blanks, controls or
 * shell quotes that does not start with '-', a non-empty database name, a
 * port of 0 or 1..65535, and written back in the canonical form it parses
 * to the same pieces; a refusal says why in err; sanitized text holds no
 * control character.
 */
#include "fuzz.h"

#include "args.h"

static void
check_roundtrip(const struct cli_target *t)
{
	struct cli_target again;
	char err[CLI_ERR_MAX], *spec;
	size_t cap = strlen(t->host) + strlen(t->dbname) + 32 +
	             (t->user != NULL ? strlen(t->user) : 0);
	int n;

	if ((spec = malloc(cap)) == NULL)
		return;
	n = snprintf(spec, cap, "%s%s%s%s%s%s:%s",
	             t->user != NULL ? t->user : "", t->user != NULL ? "@" : "",
	             strchr(t->host, ':') != NULL ? "[" : "", t->host,
	             strchr(t->host, ':') != NULL ? "]" : "", "", t->dbname);
	FUZZ_CHECK(n > 0 && (size_t)n < cap);
	if (t->port != 0) {
		/* host:port:db, with the port between. */
		snprintf(spec, cap, "%s%s%s%s%s:%d:%s",
		         t->user != NULL ? t->user : "", t->user != NULL ? "@" : "",
		         strchr(t->host, ':') != NULL ? "[" : "", t->host,
		         strchr(t->host, ':') != NULL ? "]" : "", t->port, t->dbname);
	}
	FUZZ_CHECK(cli_target_parse(spec, &again, err, sizeof(err)) == 0);
	FUZZ_CHECK((again.user == NULL) == (t->user == NULL));
	FUZZ_CHECK(t->user == NULL || strcmp(again.user, t->user) == 0);
	FUZZ_CHECK(strcmp(again.host, t->host) == 0);
	FUZZ_CHECK(again.port == t->port);
	FUZZ_CHECK(strcmp(again.dbname, t->dbname) == 0);
	cli_target_free(&again);
	free(spec);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cli_target t;
	char err[CLI_ERR_MAX], *s;
	const char *h;

	if ((s = fuzz_str(data, size)) == NULL)
		return 0;
	if (cli_target_parse(s, &t, err, sizeof(err)) == 0) {
		FUZZ_CHECK(t.host != NULL && t.host[0] != '\0' && t.host[0] != '-');
		for (h = t.host; *h != '\0'; h++)
			FUZZ_CHECK((unsigned char)*h > ' ' && *h != 0x7f &&
			           strchr("@/[]\\'\"`$;,", *h) == NULL);
		FUZZ_CHECK(t.dbname != NULL && t.dbname[0] != '\0');
		FUZZ_CHECK(t.port >= 0 && t.port <= 65535);
		FUZZ_CHECK(t.user == NULL || t.user[0] != '\0');
		check_roundtrip(&t);
		cli_target_free(&t);
	} else {
		FUZZ_CHECK(err[0] != '\0' && memchr(err, '\0', sizeof(err)) != NULL);
		FUZZ_CHECK(t.buf == NULL && t.host == NULL);
	}
	cli_sanitize(s);
	for (h = s; *h != '\0'; h++)
		FUZZ_CHECK((unsigned char)*h >= ' ' && *h != 0x7f);
	free(s);
	return 0;
}
