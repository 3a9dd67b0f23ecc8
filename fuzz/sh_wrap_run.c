/*
 * sh_wrap_run.c - the wrapper run by real shells.  For each file named on
 * the command line (inputs of fuzz_sh_wrap: quotes, backslashes, dollars,
 * newlines, high bytes), the script
 *     printf '%s' 'FILE CONTENTS, QUOTED'
 * is wrapped with siphon_sh_wrap() and handed, as an SSH server hands a
 * command to the user's login shell, to "SHELL -c WRAPPED" for /bin/sh and
 * every other login shell that is installed (bash, dash, zsh, fish, tcsh):
 * each must print the contents back byte for byte.  Exit 1 on a mismatch.
 */
#include "remote/shell.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const shells[] = {
	"/bin/sh", "/bin/bash", "/bin/dash", "/bin/zsh", "/usr/bin/zsh",
	"/usr/bin/fish", "/bin/tcsh", "/usr/bin/tcsh",
};

/* Runs shell -c cmd; its stdout into out.  0, or -1 when it could not run. */
static int
run(const char *shell, const char *cmd, struct siphon_strbuf *out, int *status)
{
	int fd[2];
	pid_t pid;
	char buf[4096];
	ssize_t n;

	if (pipe(fd) != 0)
		return -1;
	if ((pid = fork()) < 0) {
		close(fd[0]);
		close(fd[1]);
		return -1;
	}
	if (pid == 0) {
		dup2(fd[1], 1);
		close(fd[0]);
		close(fd[1]);
		execl(shell, shell, "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(fd[1]);
	while ((n = read(fd[0], buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		siphon_strbuf_append(out, buf, (size_t)n);
	}
	close(fd[0]);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
	return 0;
}

static char *
slurp(const char *path)
{
	struct siphon_strbuf sb = {0};
	char buf[4096];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (f == NULL)
		return NULL;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		siphon_strbuf_append(&sb, buf, n);
	fclose(f);
	return siphon_strbuf_take(&sb);
}

static int
check_case(const char *path)
{
	struct siphon_strbuf script = {0}, wrapped = {0}, out = {0};
	char *text = slurp(path);
	size_t i, len;
	int bad = 0, status;

	if (text == NULL) {
		fprintf(stderr, "%s: cannot read\n", path);
		return 1;
	}
	/* The shells see a C string: the contents up to a NUL. */
	len = strlen(text);
	if (siphon_strbuf_puts(&script, "printf '%s' ") != 0 ||
	    siphon_sh_quote(&script, text) != 0 ||
	    siphon_sh_wrap(&wrapped, siphon_strbuf_str(&script)) != 0) {
		bad = 1;
		goto out;
	}
	for (i = 0; i < sizeof(shells) / sizeof(shells[0]); i++) {
		if (access(shells[i], X_OK) != 0)
			continue;
		siphon_strbuf_reset(&out);
		if (run(shells[i], siphon_strbuf_str(&wrapped), &out, &status) != 0 ||
		    !WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
		    out.len != len || memcmp(siphon_strbuf_str(&out), text, len) != 0) {
			fprintf(stderr, "%s: %s did not print the script's text back "
			        "(%zu bytes of %zu)\n", path, shells[i], out.len, len);
			bad = 1;
		}
	}
out:
	siphon_strbuf_free(&script);
	siphon_strbuf_free(&wrapped);
	siphon_strbuf_free(&out);
	free(text);
	return bad;
}

int
main(int argc, char **argv)
{
	int i, bad = 0;

	for (i = 1; i < argc; i++)
		bad |= check_case(argv[i]);
	printf("sh_wrap_run: %d case%s, %s\n", argc - 1, argc == 2 ? "" : "s",
	       bad ? "FAILED" : "every shell printed them back");
	return bad;
}
