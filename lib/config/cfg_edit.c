/*
 * cfg_edit.c - changing a loaded profile file line by line: a value
 * replaced where it stands (the rest of its line, a comment say, kept), a
 * key added after its section's last key, a section added at the end, a
 * line removed.  Nothing else of the file moves.
 */
#include "config/config.h"

#include "opt/opt.h"
#include "util/ctx.h"
#include "util/strbuf.h"

#include <stdlib.h>
#include <string.h>

/* Whether value must be quoted to read back as it is. */
static int
needs_quotes(const char *value)
{
	size_t len = strlen(value);

	return len == 0 || value[0] == ' ' || value[0] == '\t' || value[0] == '"' ||
	       value[len - 1] == ' ' || value[len - 1] == '\t' || strchr(value, '#') != NULL;
}

/* value as it is written in the file (quoted when it must be). */
static char *
format_value(const char *value)
{
	struct siphon_strbuf sb = {0};
	int bad = 0;

	if (!needs_quotes(value))
		return strdup(value);
	bad |= siphon_strbuf_puts(&sb, "\"");
	for (const char *p = value; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			bad |= siphon_strbuf_puts(&sb, "\\");
		bad |= siphon_strbuf_append(&sb, p, 1);
	}
	bad |= siphon_strbuf_puts(&sb, "\"");
	if (bad) {
		siphon_strbuf_free(&sb);
		return NULL;
	}
	return siphon_strbuf_take(&sb);
}

/* A new line of kind with text (taken), ending as the file's lines do. */
static int
add_line(struct siphon_config *cfg, size_t at, char *text, enum cfg_kind kind)
{
	struct cfg_line l;

	memset(&l, 0, sizeof(l));
	l.text = text;
	l.kind = kind;
	l.eol = cfg->new_eol;
	/* The line before the new last one gets its end. */
	if (at == cfg->n && at > 0 && cfg->lines[at - 1].eol == CFG_EOL_NONE)
		cfg->lines[at - 1].eol = cfg->new_eol;
	else if (at == cfg->n && at > 0 && cfg->lines[at - 1].eol == CFG_EOL_CR)
		cfg->lines[at - 1].eol = CFG_EOL_CRLF;
	if (siphon_cfg_insert(cfg, at, &l) != 0) {
		free(text);
		return -1;
	}
	return 0;
}

/* Appends "[name]" (after a blank line) at the end; its index in *sec. */
static int
append_section(struct siphon_ctx *ctx, struct siphon_config *cfg, const char *name, size_t *sec)
{
	struct siphon_strbuf sb = {0};
	char *blank;

	if (cfg->n > 0 && cfg->lines[cfg->n - 1].kind != CFG_BLANK) {
		if ((blank = strdup("")) == NULL || add_line(cfg, cfg->n, blank, CFG_BLANK) != 0)
			return siphon_err_oom(ctx);
	}
	if (siphon_strbuf_printf(&sb, "[%s]", name) != 0 ||
	    add_line(cfg, cfg->n, siphon_strbuf_take(&sb), CFG_SECTION) != 0 ||
	    (cfg->lines[cfg->n - 1].name = strdup(name)) == NULL) {
		siphon_strbuf_free(&sb);
		return siphon_err_oom(ctx);
	}
	*sec = cfg->n - 1;
	return 0;
}

static int
check_name(struct siphon_ctx *ctx, const char *name)
{
	if (!siphon_config_name_ok(name))
		return siphon_err(ctx, SIPHON_EUSAGE,
		                  "bad profile name '%s': use up to %d letters, digits, '.', '_' or '-'",
		                  name, SIPHON_CONFIG_NAME_MAX);
	return 0;
}

int
siphon_config_add(struct siphon_ctx *ctx, struct siphon_config *cfg, const char *name)
{
	long sec;
	size_t at;
	int r;

	if ((r = check_name(ctx, name)) != 0)
		return r;
	if ((sec = siphon_cfg_find_section(cfg, name)) >= 0)
		return siphon_err(ctx, SIPHON_EUSAGE,
		                  "[%s] is already in %s (line %ld): change it with siphon config set "
		                  "%s KEY VALUE", name, cfg->display, sec + 1, name);
	return append_section(ctx, cfg, name, &at);
}

/* The option that key names (either spelling); its canonical name in def. */
static int
check_key(struct siphon_ctx *ctx, const struct siphon_opts *opts, const char *key,
          const struct siphon_optdef **def)
{
	char norm[SIPHON_CONFIG_NAME_MAX + 1];
	const char *near;

	if (siphon_cfg_norm_key(key, norm, sizeof(norm)) != 0 ||
	    (*def = siphon_opts_find(opts, norm)) == NULL) {
		if ((near = siphon_opts_suggest(opts, norm)) != NULL)
			return siphon_err(ctx, SIPHON_EUSAGE, "unknown key '%s'; did you mean '%s'?", key, near);
		return siphon_err(ctx, SIPHON_EUSAGE,
		                  "unknown key '%s': the keys are pull's options (siphon pull --help)", key);
	}
	return 0;
}

/* The value checked as the option would check it, and fit for one line. */
static int
check_value(struct siphon_ctx *ctx, struct siphon_opts *opts, const struct siphon_optdef *d,
            const char *value)
{
	int r;

	for (const char *p = value; *p != '\0'; p++)
		if ((unsigned char)*p < ' ' && *p != '\t')
			return siphon_err(ctx, SIPHON_EUSAGE,
			                  "the value for %s holds a line break or a control character",
			                  d->name);
	if ((r = siphon_opts_set(opts, d->name, value, SIPHON_ORIGIN_PROFILE, NULL)) != 0)
		return siphon_err(ctx, r, "%s", siphon_opts_errmsg(opts));
	return 0;
}

/* The entry at line k gets value (formatted as f, taken) in place. */
static int
replace_value(struct siphon_config *cfg, size_t k, char *f, const char *value)
{
	struct cfg_line *l = &cfg->lines[k];
	struct siphon_strbuf sb = {0};
	char *v = strdup(value);

	/*
	 * An empty value followed at once by its comment ("key = # note"):
	 * the comment needs a blank before it, or it would read as the new
	 * value's end.
	 */
	const char *sep = l->text[l->vend] == '#' ? " " : "";

	if (v == NULL ||
	    siphon_strbuf_append(&sb, l->text, l->vstart) != 0 ||
	    siphon_strbuf_puts(&sb, f) != 0 ||
	    siphon_strbuf_puts(&sb, sep) != 0 ||
	    siphon_strbuf_puts(&sb, l->text + l->vend) != 0) {
		free(v);
		free(f);
		siphon_strbuf_free(&sb);
		return -1;
	}
	free(l->text);
	free(l->value);
	l->text = siphon_strbuf_take(&sb);
	l->value = v;
	l->vend = l->vstart + strlen(f);
	free(f);
	return 0;
}

/* Adds "key = value" after the last key of the section at line sec. */
static int
append_entry(struct siphon_config *cfg, size_t sec, const char *key, char *f, const char *value)
{
	struct siphon_strbuf sb = {0};
	size_t at = sec + 1, indent = 0;
	struct cfg_line *l;

	for (size_t i = sec + 1; i < cfg->n && cfg->lines[i].kind != CFG_SECTION; i++)
		if (cfg->lines[i].kind == CFG_ENTRY)
			at = i + 1;
	/* Indented as the key before it. */
	if (at > sec + 1)
		indent = strspn(cfg->lines[at - 1].text, " \t");
	if (siphon_strbuf_append(&sb, cfg->lines[at - 1].text, indent) != 0 ||
	    siphon_strbuf_printf(&sb, "%s = ", key) != 0 || siphon_strbuf_puts(&sb, f) != 0)
		goto oom;
	if (add_line(cfg, at, siphon_strbuf_take(&sb), CFG_ENTRY) != 0)
		goto oom;
	l = &cfg->lines[at];
	l->section = sec;
	l->vstart = indent + strlen(key) + 3;
	l->vend = l->vstart + strlen(f);
	if ((l->name = strdup(key)) == NULL || (l->value = strdup(value)) == NULL)
		goto oom;
	free(f);
	return 0;
oom:
	free(f);
	siphon_strbuf_free(&sb);
	return -1;
}

int
siphon_config_set(struct siphon_ctx *ctx, struct siphon_config *cfg, const char *name,
                  const char *key, const char *value)
{
	struct siphon_opts *opts = NULL;
	const struct siphon_optdef *d;
	long sec, k;
	size_t at;
	char *f = NULL;
	int r;

	if ((r = check_name(ctx, name)) != 0)
		return r;
	if (siphon_opts_new(&opts) != 0)
		return siphon_err_oom(ctx);
	if ((r = check_key(ctx, opts, key, &d)) != 0 || (r = check_value(ctx, opts, d, value)) != 0)
		goto out;
	if ((f = format_value(value)) == NULL) {
		r = siphon_err_oom(ctx);
		goto out;
	}
	if ((sec = siphon_cfg_find_section(cfg, name)) < 0) {
		if ((r = append_section(ctx, cfg, name, &at)) != 0)
			goto out;
		sec = (long)at;
	}
	k = siphon_cfg_find_key(cfg, (size_t)sec, d->name);
	r = k >= 0 ? replace_value(cfg, (size_t)k, f, value) : append_entry(cfg, (size_t)sec, d->name, f, value);
	f = NULL;
	if (r != 0)
		r = siphon_err_oom(ctx);
out:
	free(f);
	siphon_opts_free(opts);
	return r;
}

int
siphon_config_unset(struct siphon_ctx *ctx, struct siphon_config *cfg, const char *name,
                    const char *key)
{
	char norm[SIPHON_CONFIG_NAME_MAX + 1];
	long sec = siphon_cfg_find_section(cfg, name), k = -1;

	if (sec < 0)
		return siphon_err(ctx, SIPHON_EUSAGE, "no profile '%s' in %s", name, cfg->display);
	if (siphon_cfg_norm_key(key, norm, sizeof(norm)) == 0)
		k = siphon_cfg_find_key(cfg, (size_t)sec, norm);
	if (k < 0)
		return siphon_err(ctx, SIPHON_EUSAGE, "no key '%s' in [%s] of %s", key, name, cfg->display);
	siphon_cfg_line_free(&cfg->lines[k]);
	memmove(&cfg->lines[k], &cfg->lines[k + 1], (cfg->n - (size_t)k - 1) * sizeof(cfg->lines[0]));
	cfg->n--;
	for (size_t i = (size_t)k; i < cfg->n; i++)
		if (cfg->lines[i].kind == CFG_ENTRY && cfg->lines[i].section > (size_t)k)
			cfg->lines[i].section--;
	return 0;
}
