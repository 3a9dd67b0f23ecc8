/*
 * opt_env.c - options from the environment: SIPHON_<NAME>, '-' as '_',
 * upper case, for every option of the registry.
 */
#include "opt/opt.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* "SIPHON_REMOTE_PG_OPTS" for "remote-pg-opts"; -1 when it does not fit. */
int
siphon_opt_env_name(const struct siphon_optdef *d, char *buf, size_t cap)
{
	size_t n = strlen("SIPHON_");

	if (snprintf(buf, cap, "SIPHON_") >= (int)cap)
		return -1;
	for (const char *p = d->name; *p != '\0'; p++) {
		if (n + 1 >= cap)
			return -1;
		buf[n++] = *p == '-' ? '_' : (char)toupper((unsigned char)*p);
	}
	buf[n] = '\0';
	return 0;
}

/* The value of variable name in envp, or NULL. */
static const char *
env_value(char *const *envp, const char *name)
{
	size_t len = strlen(name);

	for (; envp != NULL && *envp != NULL; envp++)
		if (strncmp(*envp, name, len) == 0 && (*envp)[len] == '=')
			return *envp + len + 1;
	return NULL;
}

int
siphon_opts_apply_env(struct siphon_opts *opts, char *const *envp)
{
	char name[128];
	int r;

	for (size_t i = 0; i < opts->n; i++) {
		const char *v;

		if (siphon_opt_env_name(opts->defs[i], name, sizeof(name)) != 0)
			continue;
		/* VAR= (set but empty) is how a shell script unsets it. */
		if ((v = env_value(envp, name)) == NULL || *v == '\0')
			continue;
		if ((r = siphon_opts_set(opts, opts->defs[i]->name, v, SIPHON_ORIGIN_ENV, name)) != 0)
			return r;
	}
	return 0;
}
