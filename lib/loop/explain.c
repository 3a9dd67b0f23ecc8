/* explain.c - the shared explanation rules and the matcher that applies them. */
#include "loop/explain.h"

#include <stdio.h>
#include <string.h>

/*
 * sudo writes its own lines ("sudo: a password is required"): anchored, so
 * that a name the tool echoes ("database \"sudo:\" ...") is not taken for one.
 */
static const char *const sudo_says[] = {"^sudo:", NULL};

const struct siphon_explain_rule siphon_explain_shared_first[] = {
	{.any = sudo_says, .err = SIPHON_EREMOTE,
	 .msg = "sudo on {host} refused to run {tool} as {sudo} without a password ({line}); allow it with NOPASSWD in sudoers"},
	/* The shell's "command not found". */
	{.code = 127, .err = SIPHON_EREMOTE,
	 .msg = "{what}: {missing} was not found on {host} ({line}){missing_fix}"},
	{.msg = NULL},
};

const struct siphon_explain_rule siphon_explain_shared_last[] = {
	{.flags = SIPHON_EXPLAIN_LINE | SIPHON_EXPLAIN_STATUS, .err = SIPHON_EREMOTE,
	 .msg = "{what} failed on {host}: {line}"},
	{.msg = NULL},
};

const struct siphon_explain_rule siphon_explain_shared_status[] = {
	{.flags = SIPHON_EXPLAIN_SIGNAL, .err = SIPHON_EREMOTE,
	 .msg = "{what} was killed on the server by SIG{signal}{: stderr}"},
	{.flags = SIPHON_EXPLAIN_NO_STATUS, .err = SIPHON_ECONNECT,
	 .msg = "{what} ended without reporting its status (connection cut, or the remote shell failed){: stderr}"},
	{.flags = SIPHON_EXPLAIN_STATUS, .code = 127, .err = SIPHON_EREMOTE,
	 .msg = "{what}: '{stage}' was not found on the server (exit 127){: stderr}"},
	{.flags = SIPHON_EXPLAIN_STATUS, .err = SIPHON_EREMOTE,
	 .msg = "{what} failed on the server ({stage} exited {code}){: stderr}"},
	{.msg = NULL},
};

const char *
siphon_explain_key_line(const char *err, const char *const *keys, char *buf, size_t cap)
{
	const char *p = NULL;
	size_t len;
	int i;

	for (i = 0; keys != NULL && keys[i] != NULL && p == NULL; i++)
		p = strstr(err, keys[i]);
	if (p == NULL)
		p = err;
	while (p > err && p[-1] != '\n')
		p--;
	len = strcspn(p, "\n");
	if (len >= cap)
		len = cap - 1;
	memcpy(buf, p, len);
	buf[len] = '\0';
	return buf;
}

/* Does err hold s ("^s": at the start of one of its lines)? */
static int
holds(const char *err, const char *s)
{
	const char *p;
	size_t n;

	if (s[0] != '^')
		return strstr(err, s) != NULL;
	s++;
	n = strlen(s);
	for (p = err; p != NULL; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (strncmp(p, s, n) == 0)
			return 1;
	}
	return 0;
}

static int
holds_any(const char *err, const char *const *list)
{
	int i;

	if (list == NULL)
		return 1;
	for (i = 0; list[i] != NULL; i++)
		if (holds(err, list[i]))
			return 1;
	return 0;
}

static const char *
engine_var(const struct siphon_explain_engine *eng, const void *st, const char *name,
           char *buf, size_t cap)
{
	if (eng == NULL || eng->var == NULL)
		return NULL;
	return eng->var(st, name, buf, cap);
}

static int
rule_holds(const struct siphon_explain_rule *r, const struct siphon_explain_in *in,
           const struct siphon_explain_engine *eng, const void *st,
           struct siphon_explain_found *f)
{
	int has_status = in->stage != NULL && in->code != -1;
	char buf[64];
	const char *v;

	if ((r->flags & SIPHON_EXPLAIN_SIGNAL) && in->signal[0] == '\0')
		return 0;
	if ((r->flags & SIPHON_EXPLAIN_NO_STATUS) && !(in->stage != NULL && in->code == -1))
		return 0;
	if ((r->flags & SIPHON_EXPLAIN_STATUS) && !has_status)
		return 0;
	if ((r->flags & SIPHON_EXPLAIN_LINE) && f->line[0] == '\0')
		return 0;
	if ((r->flags & SIPHON_EXPLAIN_NO_LINE) && f->line[0] != '\0')
		return 0;
	if (r->code != 0 && (in->stage == NULL || in->code != r->code))
		return 0;
	if (!holds_any(in->err, r->any) || !holds_any(in->err, r->also))
		return 0;
	if (r->line_starts != NULL && strncmp(f->line, r->line_starts, strlen(r->line_starts)) != 0)
		return 0;
	if (r->when != NULL &&
	    ((v = engine_var(eng, st, r->when, buf, sizeof(buf))) == NULL || v[0] == '\0'))
		return 0;
	f->tail = r->line_starts != NULL ? strlen(r->line_starts) : 0;
	return 1;
}

static int
first_of(const struct siphon_explain_rule *rules, const struct siphon_explain_in *in,
         const struct siphon_explain_engine *eng, const void *st,
         struct siphon_explain_found *f)
{
	for (; rules != NULL && rules->msg != NULL; rules++)
		if (rule_holds(rules, in, eng, st, f)) {
			f->rule = rules;
			return 1;
		}
	return 0;
}

int
siphon_explain_match(const struct siphon_explain_in *in,
                     const struct siphon_explain_engine *eng,
                     const struct siphon_explain_who *who, const void *st,
                     struct siphon_explain_found *f)
{
	memset(f, 0, sizeof(*f));
	if (eng == NULL) {
		siphon_explain_key_line(in->err, NULL, f->line, sizeof(f->line));
		return first_of(siphon_explain_shared_status, in, NULL, st, f);
	}
	if (eng->only_stage != NULL &&
	    (in->signal[0] != '\0' || in->stage == NULL || in->code == -1 ||
	     strcmp(in->stage, eng->only_stage) != 0))
		return 0;
	siphon_explain_key_line(in->err, eng->keys, f->line, sizeof(f->line));
	if (eng->tidy != NULL)
		eng->tidy(f->line, sizeof(f->line), who != NULL && who->db != NULL ? who->db : "");
	return first_of(siphon_explain_shared_first, in, eng, st, f) ||
	       first_of(eng->rules, in, eng, st, f) ||
	       first_of(siphon_explain_shared_last, in, eng, st, f);
}

/* The value of one placeholder, or NULL when the name is unknown. */
static const char *
value(const char *name, const struct siphon_explain_in *in,
      const struct siphon_explain_engine *eng, const struct siphon_explain_who *who,
      const void *st, const struct siphon_explain_found *f, char *buf, size_t cap)
{
	const char *v;

#define OR(s, d) ((s) != NULL ? (s) : (d))
	if (strcmp(name, "host") == 0)
		return who != NULL ? OR(who->host, "?") : "?";
	if (strcmp(name, "db") == 0)
		return who != NULL ? OR(who->db, "?") : "?";
	if (strcmp(name, "sudo") == 0)
		return who != NULL ? OR(who->sudo, "?") : "?";
	if (strcmp(name, "elsewhere") == 0) {
		v = who != NULL ? OR(who->elsewhere, "") : "";
		if (v[0] == '\0')
			return "";
		snprintf(buf, cap, " (and there is no %s there for another engine)", v);
		return buf;
	}
	if (strcmp(name, "what") == 0)
		return OR(in->what, "the remote command");
	if (strcmp(name, "line") == 0)
		return f->line;
	if (strcmp(name, "tail") == 0)
		return f->line + f->tail;
	if (strcmp(name, "stage") == 0)
		return OR(in->stage, "?");
	if (strcmp(name, "code") == 0) {
		snprintf(buf, cap, "%d", in->code);
		return buf;
	}
	if (strcmp(name, "signal") == 0)
		return in->signal;
	if (eng != NULL && strcmp(name, "tool") == 0)
		return OR(eng->tool, "the command");
	if (eng != NULL && strcmp(name, "missing") == 0)
		return OR(eng->missing, "a tool");
	if (eng != NULL && strcmp(name, "missing_fix") == 0)
		return OR(eng->missing_fix, "");
#undef OR
	return engine_var(eng, st, name, buf, cap);
}

int
siphon_explain_render(struct siphon_strbuf *out, const char *tmpl,
                      const struct siphon_explain_in *in,
                      const struct siphon_explain_engine *eng,
                      const struct siphon_explain_who *who, const void *st,
                      const struct siphon_explain_found *f)
{
	const char *p = tmpl, *open, *close, *v;
	char name[32], buf[512];
	size_t n;

	while ((open = strchr(p, '{')) != NULL) {
		if (siphon_strbuf_append(out, p, (size_t)(open - p)) != 0)
			return -1;
		close = strchr(open, '}');
		n = close != NULL ? (size_t)(close - open - 1) : sizeof(name);
		if (n >= sizeof(name) || memchr(open + 1, '{', n) != NULL) {
			/* Not a placeholder: the brace is text. */
			if (siphon_strbuf_append(out, open, 1) != 0)
				return -1;
			p = open + 1;
			continue;
		}
		memcpy(name, open + 1, n);
		name[n] = '\0';
		if (strcmp(name, ": stderr") == 0) {
			/* The whole stderr after ": ", when there is one. */
			if (in->err[0] != '\0' &&
			    (siphon_strbuf_puts(out, ": ") != 0 || siphon_strbuf_puts(out, in->err) != 0))
				return -1;
		} else if ((v = value(name, in, eng, who, st, f, buf, sizeof(buf))) != NULL) {
			if (siphon_strbuf_puts(out, v) != 0)
				return -1;
		} else if (siphon_strbuf_append(out, open, n + 2) != 0) {
			return -1;
		}
		p = close + 1;
	}
	return siphon_strbuf_puts(out, p);
}

int
siphon_explain(struct siphon_ctx *ctx, const struct siphon_explain_in *in,
               const struct siphon_explain_engine *eng,
               const struct siphon_explain_who *who, const void *st)
{
	struct siphon_explain_found f;
	struct siphon_strbuf msg = {0};
	int r;

	if (!siphon_explain_match(in, eng, who, st, &f))
		return 0;
	if (siphon_explain_render(&msg, f.rule->msg, in, eng, who, st, &f) != 0)
		r = siphon_err_oom(ctx);
	else
		r = siphon_err(ctx, f.rule->err, "%s", siphon_strbuf_str(&msg));
	siphon_strbuf_free(&msg);
	return r;
}

int
siphon_explain_status(struct siphon_ctx *ctx, const struct siphon_explain_in *in)
{
	return siphon_explain(ctx, in, NULL, NULL, NULL);
}
