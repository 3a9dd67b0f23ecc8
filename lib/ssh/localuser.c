/* localuser.c - the local user's name and home directory. */
#include "ssh/localuser.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/*
 * The password database entry of the real user.  getpwuid's storage is
 * static; the callers copy what they need at once and do not keep it.
 */
static const struct passwd *
self(void)
{
	return getpwuid(getuid());
}

int
siphon_ssh_localuser_name(struct siphon_ctx *ctx, char *buf, size_t cap)
{
	const struct passwd *pw;
	const char *name = getenv("USER");
	int n;

	if (name == NULL || *name == '\0') {
		pw = self();
		name = pw != NULL ? pw->pw_name : NULL;
	}
	if (name == NULL || *name == '\0')
		return siphon_err(ctx, SIPHON_EUSAGE, "cannot tell the local user "
		                  "name (no $USER, no password entry); give the "
		                  "SSH user explicitly (user@host)");
	n = snprintf(buf, cap, "%s", name);
	if (n < 0 || (size_t)n >= cap)
		return siphon_err(ctx, SIPHON_EUSAGE, "user name too long");
	return 0;
}

int
siphon_ssh_localuser_path(struct siphon_ctx *ctx, char *buf, size_t cap,
                          const char *rel)
{
	const struct passwd *pw;
	const char *home = getenv("HOME");
	int n;

	/*
	 * $HOME first, as most tools do, so that a test or a sandbox can point
	 * siphon at another ~/.ssh.
	 */
	if (home == NULL || *home == '\0') {
		pw = self();
		home = pw != NULL ? pw->pw_dir : NULL;
	}
	if (home == NULL || *home == '\0')
		return siphon_err(ctx, SIPHON_EUSAGE, "cannot find the home "
		                  "directory for ~/%s (no $HOME, no password "
		                  "entry)", rel);
	n = snprintf(buf, cap, "%s/%s", home, rel);
	if (n < 0 || (size_t)n >= cap)
		return siphon_err(ctx, SIPHON_EUSAGE, "path too long: %s/%s", home,
		                  rel);
	return 0;
}
