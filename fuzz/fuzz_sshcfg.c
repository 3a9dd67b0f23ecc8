/*
 * fuzz_sshcfg.c - ssh_config files (siphon_sshcfg_resolve,
 * siphon_sshcfg_host_names, siphon_sshcfg_parse_jumps).
 *
 * Input: a byte choosing the host looked up and whether a user and port
 * come with the query, then the bytes of ~/.ssh/config in a temporary
 * HOME.  Inputs whose Include could leave that HOME (a path with '/', '~',
 * '$' or '%') are skipped: a glob over the whole filesystem is slow, not a
 * finding.  Properties: no crash or leak; a resolved result has a host
 * name; a resolved ProxyJump parses; an error leaves no result and one
 * message.
 */
#include "fuzz.h"

#include "sshcfg/sshcfg.h"
#include "util/ctx.h"

#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const hosts[] = {
	"prod", "db1.internal", "PROD", "bastion", "x",
};

/* The temporary HOME, made once per process. */
static const char *
home(void)
{
	static char dir[64];

	if (dir[0] == '\0') {
		char ssh[96];

		snprintf(dir, sizeof(dir), "/tmp/siphon-fuzz-sshcfg-XXXXXX");
		if (mkdtemp(dir) == NULL)
			abort();
		snprintf(ssh, sizeof(ssh), "%s/.ssh", dir);
		mkdir(ssh, 0700);
	}
	return dir;
}

/* Could an Include in the input reach outside HOME? */
static int
include_escapes(const uint8_t *p, size_t n)
{
	size_t i;
	int inc = 0, path = 0;

	for (i = 0; i < n; i++) {
		if (i + 7 <= n && strncasecmp((const char *)p + i, "include", 7) == 0)
			inc = 1;
		if (p[i] == '/' || p[i] == '~' || p[i] == '$' || p[i] == '%')
			path = 1;
	}
	return inc && path;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};
	unsigned pick = fuzz_byte(&in);
	struct siphon_sshcfg_query q;
	struct siphon_sshcfg *c = NULL;
	struct siphon_sshcfg_jump *j = NULL;
	struct siphon_ctx *ctx = NULL;
	char path[128], sys[128], **names = NULL;
	size_t n = 0, i;
	FILE *f;
	int r;

	if (include_escapes(in.p, in.left))
		return 0;
	snprintf(path, sizeof(path), "%s/.ssh/config", home());
	snprintf(sys, sizeof(sys), "%s/no_system_config", home());
	if ((f = fopen(path, "w")) == NULL)
		abort();
	if (in.left > 0 && fwrite(in.p, 1, in.left, f) != in.left)
		abort();
	if (fclose(f) != 0)
		abort();
	if (siphon_ctx_new(&ctx) != 0)
		return 0;

	memset(&q, 0, sizeof(q));
	q.host = hosts[pick % 5];
	q.user = (pick & 0x10) ? "cli" : NULL;
	q.port = (pick & 0x20) ? 2022 : 0;
	q.system_file = sys;
	q.home = home();
	q.local_user = "fuzz";
	r = siphon_sshcfg_resolve(ctx, &q, &c);
	if (r == 0) {
		FUZZ_CHECK(c != NULL && c->hostname != NULL);
		if (c->proxy_jump != NULL) {
			FUZZ_CHECK(siphon_sshcfg_parse_jumps(ctx, c->proxy_jump, &j, &n) == 0);
			FUZZ_CHECK(n > 0);
			siphon_sshcfg_jumps_free(j, n);
		}
	} else {
		FUZZ_CHECK(c == NULL);
		FUZZ_CHECK(r == SIPHON_EUSAGE || r == SIPHON_ENOMEM);
		FUZZ_CHECK(siphon_ctx_errmsg(ctx)[0] != '\0');
		FUZZ_CHECK(strchr(siphon_ctx_errmsg(ctx), '\n') == NULL);
	}
	siphon_sshcfg_free(c);

	siphon_err_clear(ctx);
	if (siphon_sshcfg_host_names(ctx, &q, &names, &n) == 0) {
		for (i = 0; i < n; i++) {
			FUZZ_CHECK(strpbrk(names[i], "*?!") == NULL);
			free(names[i]);
		}
		free(names);
	}
	siphon_ctx_free(ctx);
	return 0;
}
