/*
 * cfg_parse.c - the profile file's syntax: lines into sections, keys and
 * values, each line kept as written.  Bytes from a file the user wrote by
 * hand: every way it can be wrong gets its line and the fix.
 */
#include "config/config.h"

#include "util/ctx.h"

#include <stdlib.h>
#include <string.h>

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int
is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-' || c == '.';
}

int
siphon_config_name_ok(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len > SIPHON_CONFIG_NAME_MAX)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!is_name_char(name[i]))
			return 0;
	return 1;
}

int
siphon_cfg_norm_key(const char *key, char *buf, size_t cap)
{
	size_t len = strlen(key);

	if (len == 0 || len >= cap || len > SIPHON_CONFIG_NAME_MAX)
		return -1;
	for (size_t i = 0; i <= len; i++) {
		char c = key[i];

		if (c != '\0' && (c == '.' || !is_name_char(c)))
			return -1;
		buf[i] = c == '_' ? '-' : c;
	}
	return 0;
}

void
siphon_cfg_line_free(struct cfg_line *l)
{
	free(l->text);
	free(l->name);
	free(l->value);
	memset(l, 0, sizeof(*l));
}

int
siphon_cfg_insert(struct siphon_config *cfg, size_t at, const struct cfg_line *l)
{
	if (cfg->n == cfg->cap) {
		size_t cap = cfg->cap > 0 ? cfg->cap * 2 : 32;
		struct cfg_line *nl = realloc(cfg->lines, cap * sizeof(*nl));

		if (nl == NULL)
			return -1;
		cfg->lines = nl;
		cfg->cap = cap;
	}
	memmove(&cfg->lines[at + 1], &cfg->lines[at], (cfg->n - at) * sizeof(*l));
	cfg->lines[at] = *l;
	cfg->n++;
	/* Entries name their section by index: those past at moved. */
	for (size_t i = at + 1; i < cfg->n; i++)
		if (cfg->lines[i].kind == CFG_ENTRY && cfg->lines[i].section >= at)
			cfg->lines[i].section++;
	return 0;
}

long
siphon_cfg_find_section(const struct siphon_config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->n; i++)
		if (cfg->lines[i].kind == CFG_SECTION && strcmp(cfg->lines[i].name, name) == 0)
			return (long)i;
	return -1;
}

long
siphon_cfg_find_key(const struct siphon_config *cfg, size_t sec, const char *key)
{
	for (size_t i = sec + 1; i < cfg->n && cfg->lines[i].kind != CFG_SECTION; i++)
		if (cfg->lines[i].kind == CFG_ENTRY && strcmp(cfg->lines[i].name, key) == 0)
			return (long)i;
	return -1;
}

/* "[ name ]  # comment": the name into l->name. */
static int
parse_section(struct siphon_ctx *ctx, const struct siphon_config *cfg, size_t no,
              struct cfg_line *l, const char *p)
{
	const char *start, *end, *close = strchr(p, ']');
	const char *after;

	if (close == NULL)
		return siphon_err(ctx, SIPHON_EUSAGE, "%s:%zu: missing ']' after the profile name",
		                  cfg->display, no);
	for (start = p + 1; is_blank(*start); start++)
		;
	for (end = close; end > start && is_blank(end[-1]); end--)
		;
	for (after = close + 1; is_blank(*after); after++)
		;
	if (*after != '\0' && *after != '#' && *after != ';')
		return siphon_err(ctx, SIPHON_EUSAGE, "%s:%zu: text after ']': start a comment with '#'",
		                  cfg->display, no);
	if ((l->name = strndup(start, (size_t)(end - start))) == NULL)
		return siphon_err_oom(ctx);
	if (!siphon_config_name_ok(l->name))
		return siphon_err(ctx, SIPHON_EUSAGE,
		                  "%s:%zu: bad profile name: use up to %d letters, digits, '.', '_' "
		                  "or '-'", cfg->display, no, SIPHON_CONFIG_NAME_MAX);
	l->kind = CFG_SECTION;
	return 0;
}

/*
 * A quoted value from p (at the opening quote): \" and \\ are escapes,
 * any other backslash stays.  *endp gets the byte after the closing quote.
 */
static int
parse_quoted(struct siphon_ctx *ctx, const struct siphon_config *cfg, size_t no,
             const char *key, const char *p, char **out, const char **endp)
{
	size_t len = strlen(p), n = 0;
	char *v = malloc(len);

	if (v == NULL)
		return siphon_err_oom(ctx);
	for (p++; *p != '"'; p++) {
		if (*p == '\0') {
			free(v);
			return siphon_err(ctx, SIPHON_EUSAGE,
			                  "%s:%zu: unterminated quote in the value of '%s': end it "
			                  "with '\"' (write \\\" for a quote inside)", cfg->display, no, key);
		}
		if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
			p++;
		v[n++] = *p;
	}
	v[n] = '\0';
	*out = v;
	*endp = p + 1;
	return 0;
}

/* "key = value  # comment" */
static int
parse_entry(struct siphon_ctx *ctx, const struct siphon_config *cfg, size_t no,
            struct cfg_line *l, const char *text, const char *p)
{
	const char *k = p, *v, *end = NULL;
	char key[SIPHON_CONFIG_NAME_MAX + 1];

	while (is_name_char(*p) && *p != '.')
		p++;
	if (p == k || p - k > SIPHON_CONFIG_NAME_MAX)
		goto syntax;
	memcpy(key, k, (size_t)(p - k));
	key[p - k] = '\0';
	while (is_blank(*p))
		p++;
	if (*p != '=')
		goto syntax;
	for (v = p + 1; is_blank(*v); v++)
		;
	if ((l->name = malloc(strlen(key) + 1)) == NULL)
		return siphon_err_oom(ctx);
	siphon_cfg_norm_key(key, l->name, strlen(key) + 1);
	l->kind = CFG_ENTRY;
	l->vstart = (size_t)(v - text);
	if (*v == '"') {
		int r = parse_quoted(ctx, cfg, no, key, v, &l->value, &end);

		if (r != 0)
			return r;
		l->vend = (size_t)(end - text);
		while (is_blank(*end))
			end++;
		if (*end != '\0' && *end != '#')
			return siphon_err(ctx, SIPHON_EUSAGE,
			                  "%s:%zu: text after the closing quote of '%s': start a comment "
			                  "with ' #'", cfg->display, no, key);
		return 0;
	}
	/* Unquoted: up to a '#' after a blank, blanks at the end dropped. */
	for (end = v; *end != '\0' && !(*end == '#' && is_blank(end[-1])); end++)
		;
	while (end > v && is_blank(end[-1]))
		end--;
	l->vend = (size_t)(end - text);
	if ((l->value = strndup(v, (size_t)(end - v))) == NULL)
		return siphon_err_oom(ctx);
	return 0;
syntax:
	return siphon_err(ctx, SIPHON_EUSAGE,
	                  "%s:%zu: expected 'key = value', a '[profile]' line or a '# comment'",
	                  cfg->display, no);
}

/* One line's text: what it is, and for a key its section. */
static int
parse_line(struct siphon_ctx *ctx, struct siphon_config *cfg, size_t no, struct cfg_line *l,
           long section)
{
	const char *p = l->text;
	int r;

	while (is_blank(*p))
		p++;
	if (*p == '\0') {
		l->kind = CFG_BLANK;
		return 0;
	}
	if (*p == '#' || *p == ';') {
		l->kind = CFG_COMMENT;
		return 0;
	}
	if (*p == '[')
		return parse_section(ctx, cfg, no, l, p);
	if ((r = parse_entry(ctx, cfg, no, l, l->text, p)) != 0)
		return r;
	if (section < 0)
		return siphon_err(ctx, SIPHON_EUSAGE,
		                  "%s:%zu: '%s' comes before any [profile]: put it under [defaults] "
		                  "(every profile) or a [name]", cfg->display, no, l->name);
	l->section = (size_t)section;
	return 0;
}

/* A second [name], or a key twice in one section: which one counts is unclear. */
static int
check_duplicates(struct siphon_ctx *ctx, const struct siphon_config *cfg, size_t i)
{
	const struct cfg_line *l = &cfg->lines[i];
	long first;

	if (l->kind == CFG_SECTION) {
		first = siphon_cfg_find_section(cfg, l->name);
		if (first >= 0 && (size_t)first < i)
			return siphon_err(ctx, SIPHON_EUSAGE,
			                  "%s:%zu: [%s] again (first at line %ld): merge the two into one",
			                  cfg->display, i + 1, l->name, first + 1);
	} else if (l->kind == CFG_ENTRY) {
		first = siphon_cfg_find_key(cfg, l->section, l->name);
		if (first >= 0 && (size_t)first < i)
			return siphon_err(ctx, SIPHON_EUSAGE,
			                  "%s:%zu: '%s' again in [%s] (first at line %ld): keep one",
			                  cfg->display, i + 1, l->name, cfg->lines[l->section].name,
			                  first + 1);
	}
	return 0;
}

int
siphon_cfg_parse_lines(struct siphon_ctx *ctx, struct siphon_config *cfg, const char *data,
                       size_t len)
{
	size_t pos = 0;
	long section = -1;
	int r;

	if (len > SIPHON_CONFIG_MAX_BYTES)
		return siphon_err(ctx, SIPHON_EUSAGE, "%s is over %d bytes: not a profile file?",
		                  cfg->display, SIPHON_CONFIG_MAX_BYTES);
	if (memchr(data, '\0', len) != NULL)
		return siphon_err(ctx, SIPHON_EUSAGE, "%s holds a NUL byte: not a text file",
		                  cfg->display);
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
		cfg->bom = 1;
		pos = 3;
	}
	while (pos < len) {
		const char *nl = memchr(data + pos, '\n', len - pos);
		size_t end = nl != NULL ? (size_t)(nl - data) : len;
		struct cfg_line l;

		memset(&l, 0, sizeof(l));
		l.eol = nl == NULL ? CFG_EOL_NONE : CFG_EOL_LF;
		if (nl != NULL && end > pos && data[end - 1] == '\r') {
			l.eol = CFG_EOL_CRLF;
			end--;
		} else if (nl == NULL && end > pos && data[end - 1] == '\r') {
			/*
			 * A CR at the very end ends the line, as it will once an
			 * edit appends after it (no value ends in a CR).
			 */
			l.eol = CFG_EOL_CR;
			end--;
		}
		if ((l.text = strndup(data + pos, end - pos)) == NULL)
			return siphon_err_oom(ctx);
		if (siphon_cfg_insert(cfg, cfg->n, &l) != 0) {
			siphon_cfg_line_free(&l);
			return siphon_err_oom(ctx);
		}
		if (cfg->n == 1 && l.eol != CFG_EOL_NONE && l.eol != CFG_EOL_CR)
			cfg->new_eol = l.eol;
		if ((r = parse_line(ctx, cfg, cfg->n, &cfg->lines[cfg->n - 1], section)) != 0)
			return r;
		if (cfg->lines[cfg->n - 1].kind == CFG_SECTION)
			section = (long)cfg->n - 1;
		if ((r = check_duplicates(ctx, cfg, cfg->n - 1)) != 0)
			return r;
		pos = nl != NULL ? (size_t)(nl - data) + 1 : len;
	}
	return 0;
}

char *
siphon_cfg_render(const struct siphon_config *cfg, size_t *len)
{
	size_t total = cfg->bom ? 3 : 0, n = 0;
	char *out;

	for (size_t i = 0; i < cfg->n; i++)
		total += strlen(cfg->lines[i].text) + 2;
	if ((out = malloc(total + 1)) == NULL)
		return NULL;
	if (cfg->bom) {
		memcpy(out, "\xef\xbb\xbf", 3);
		n = 3;
	}
	for (size_t i = 0; i < cfg->n; i++) {
		size_t tl = strlen(cfg->lines[i].text);

		memcpy(out + n, cfg->lines[i].text, tl);
		n += tl;
		if (cfg->lines[i].eol == CFG_EOL_CRLF || cfg->lines[i].eol == CFG_EOL_CR)
			out[n++] = '\r';
		if (cfg->lines[i].eol == CFG_EOL_LF || cfg->lines[i].eol == CFG_EOL_CRLF)
			out[n++] = '\n';
	}
	out[n] = '\0';
	*len = n;
	return out;
}
