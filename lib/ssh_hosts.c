/* ssh_hosts.c - siphon_ssh_config_hosts(): the user's ssh_config Host names, for completion. */
#include "siphon.h"

#include "sshcfg/sshcfg.h"
#include "util/ctx.h"

#include <stdlib.h>
#include <string.h>

int
siphon_ssh_config_hosts(struct siphon_ctx *ctx, const char *file,
                        void (*fn)(void *arg, const char *host), void *arg)
{
	struct siphon_sshcfg_query q;
	char **names = NULL;
	size_t n = 0;
	int r;

	memset(&q, 0, sizeof(q));
	q.file = file;
	if ((r = siphon_sshcfg_host_names(ctx, &q, &names, &n)) != 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		fn(arg, names[i]);
		free(names[i]);
	}
	free(names);
	return 0;
}
