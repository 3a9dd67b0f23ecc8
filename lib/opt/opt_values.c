/*
 * opt_values.c - the values object: one value per definition, set from
 * text (checked against type and bounds), merged by origin, read back
 * typed.
 */
#include "opt/opt.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int opt_err(struct siphon_opts *opts, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Formats one line into opts->errmsg and returns code. */
static int
opt_err(struct siphon_opts *opts, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(opts->errmsg, sizeof(opts->errmsg), fmt, ap);
	va_end(ap);
	/* The text quoted comes from a user: keep the message on one line. */
	for (char *p = opts->errmsg; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return code;
}

/*
 * A strict decimal: digits only (a minus sign first only where the bounds
 * go below 0), no spaces, no suffix, so that "-j 4x" or "-j ' 4'" is an
 * error rather than a surprise.
 */
static int
parse_int(const char *s, int min, int max, int *out)
{
	long v = 0, sign = 1;

	/* A minus sign only where the bounds allow one (--level -3: zstd's fast levels). */
	if (*s == '-' && min < 0) {
		sign = -1;
		s++;
	}
	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
		/* Stopping here also keeps v far from overflowing. */
		if ((sign > 0 && v > max) || (sign < 0 && -v < min))
			return -1;
	}
	v *= sign;
	if (v < min)
		return -1;
	*out = (int)v;
	return 0;
}

static int
parse_flag(const char *s, int *out)
{
	static const char *const yes[] = {"yes", "true", "on", "1", NULL};
	static const char *const no[] = {"no", "false", "off", "0", NULL};

	for (size_t i = 0; yes[i] != NULL; i++) {
		if (strcmp(s, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcmp(s, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	return -1;
}

/* "auto, zstd, pigz, gzip or none" for a message. */
static void
list_choices(const char *const *c, char *buf, size_t cap)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; c[i] != NULL && len < cap; i++) {
		const char *sep = i == 0 ? "" : c[i + 1] == NULL ? " or " : ", ";
		int w = snprintf(buf + len, cap - len, "%s%s", sep, c[i]);

		if (w < 0)
			break;
		len += (size_t)w;
	}
}

/*
 * Checks text against d and stores the number into *num.  The message
 * names the option as spelled ("-j", "SIPHON_JOBS", "jobs") after prefix
 * ("" or "file:line: ").
 */
static int
parse_value(struct siphon_opts *opts, const struct siphon_optdef *d, const char *text,
            const char *prefix, const char *spelled, int *num)
{
	char names[256];

	switch (d->type) {
	case SIPHON_OPT_FLAG:
		if (parse_flag(text, num) != 0)
			return opt_err(opts, SIPHON_EUSAGE, "%sbad value '%s' for %s (expected yes or no)",
			               prefix, text, spelled);
		return 0;
	case SIPHON_OPT_INT:
		if (parse_int(text, d->min, d->max, num) != 0)
			return opt_err(opts, SIPHON_EUSAGE,
			               "%sbad value '%s' for %s (expected a number from %d to %d)",
			               prefix, text, spelled, d->min, d->max);
		return 0;
	case SIPHON_OPT_STRING:
	case SIPHON_OPT_FILE:
		if (*text == '\0')
			return opt_err(opts, SIPHON_EUSAGE, "%sempty value for %s", prefix, spelled);
		*num = 0;
		if (d->flags & SIPHON_OPTDEF_SERVER) {
			struct siphon_opt_server sv;

			if (siphon_opt_server_split(text, &sv, names, sizeof(names)) != 0)
				return opt_err(opts, SIPHON_EUSAGE,
				               "%sbad value '%s' for %s (expected [user@]host[:port] or "
				               "a Host of ~/.ssh/config; %s)",
				               prefix, text, spelled, names);
		}
		return 0;
	case SIPHON_OPT_CHOICE:
		for (int i = 0; d->choices != NULL && d->choices[i] != NULL; i++) {
			if (strcmp(d->choices[i], text) == 0) {
				*num = i;
				return 0;
			}
		}
		list_choices(d->choices, names, sizeof(names));
		return opt_err(opts, SIPHON_EUSAGE, "%sbad value '%s' for %s (expected %s)",
		               prefix, text, spelled, names);
	}
	return opt_err(opts, SIPHON_EINTERNAL, "option %s has an unknown type %d", d->name, (int)d->type);
}

static int
find_index(const struct siphon_opts *opts, const char *name, size_t *at)
{
	/*
	 * "database" was "dbname" before profiles: code written against the
	 * old name (a branch merged later) must not read NULL in silence.
	 */
	if (strcmp(name, "dbname") == 0)
		name = "database";
	for (size_t i = 0; i < opts->n; i++) {
		if (strcmp(opts->defs[i]->name, name) == 0) {
			*at = i;
			return 0;
		}
	}
	return -1;
}

int
siphon_opts_init(struct siphon_opts *opts, const struct siphon_optdef *const *defs, size_t n)
{
	memset(opts, 0, sizeof(*opts));
	if ((opts->defs = calloc(n > 0 ? n : 1, sizeof(*opts->defs))) == NULL ||
	    (opts->v = calloc(n > 0 ? n : 1, sizeof(*opts->v))) == NULL)
		return opt_err(opts, SIPHON_ENOMEM, "out of memory");
	opts->n = n;
	for (size_t i = 0; i < n; i++) {
		const struct siphon_optdef *d = defs[i];
		struct siphon_opt_value *v = &opts->v[i];
		char spelled[80];
		int r;

		opts->defs[i] = d;
		v->num = d->type == SIPHON_OPT_CHOICE ? -1 : 0;
		if (d->def == NULL)
			continue;
		snprintf(spelled, sizeof(spelled), "the default of --%s", d->name);
		if ((r = parse_value(opts, d, d->def, "", spelled, &v->num)) != 0)
			return r == SIPHON_EUSAGE ? SIPHON_EINTERNAL : r;
		if ((v->text = strdup(d->def)) == NULL)
			return opt_err(opts, SIPHON_ENOMEM, "out of memory");
	}
	return 0;
}

void
siphon_opts_clear(struct siphon_opts *opts)
{
	for (size_t i = 0; opts->v != NULL && i < opts->n; i++) {
		free(opts->v[i].text);
		free(opts->v[i].where);
	}
	free(opts->v);
	free(opts->defs);
	free(opts->filled_choices);
	memset(opts, 0, sizeof(*opts));
}

/*
 * A server value taken ("deploy@db1:2222") sets its parts, at its origin,
 * where they are not set more strongly already.  Its text was checked.
 */
static int
set_server_parts(struct siphon_opts *opts, const char *text, enum siphon_opt_origin origin,
                 const char *where)
{
	struct siphon_opt_server sv;
	char why[128], port[16];
	int r;

	if (siphon_opt_server_split(text, &sv, why, sizeof(why)) != 0)
		return opt_err(opts, SIPHON_EINTERNAL, "server '%s' no longer splits: %s", text, why);
	if ((r = siphon_opts_set(opts, "host", sv.host, origin, where)) != 0)
		return r;
	if (sv.user != NULL && (r = siphon_opts_set(opts, "user", sv.user, origin, where)) != 0)
		return r;
	snprintf(port, sizeof(port), "%d", sv.port);
	if (sv.port != 0 && (r = siphon_opts_set(opts, "port", port, origin, where)) != 0)
		return r;
	return 0;
}

int
siphon_opts_set(struct siphon_opts *opts, const char *name, const char *text,
                enum siphon_opt_origin origin, const char *where)
{
	const struct siphon_optdef *d;
	struct siphon_opt_value *v;
	char spelled[128], prefix[300] = "";
	char *t = NULL, *w = NULL;
	size_t i;
	int num, r;

	opts->errmsg[0] = '\0';
	if (find_index(opts, name, &i) != 0)
		return opt_err(opts, SIPHON_EUSAGE, "%s%sunknown option '%s'",
		               where != NULL && origin == SIPHON_ORIGIN_PROFILE ? where : "",
		               where != NULL && origin == SIPHON_ORIGIN_PROFILE ? ": " : "", name);
	d = opts->defs[i];
	v = &opts->v[i];
	/*
	 * Messages name the option the way its origin spells it: on the
	 * command line as written, in the environment the variable, in a
	 * profile its key after the file and line.
	 */
	if (origin == SIPHON_ORIGIN_PROFILE) {
		snprintf(spelled, sizeof(spelled), "%s", d->name);
		if (where != NULL)
			snprintf(prefix, sizeof(prefix), "%s: ", where);
	} else if (where != NULL && (origin == SIPHON_ORIGIN_CLI || origin == SIPHON_ORIGIN_ENV)) {
		snprintf(spelled, sizeof(spelled), "%s", where);
	} else {
		snprintf(spelled, sizeof(spelled), "--%s", d->name);
	}
	/* A bad value is an error even where a stronger one will win. */
	if ((r = parse_value(opts, d, text, prefix, spelled, &num)) != 0)
		return r;
	if (v->set && origin < v->origin)
		return 0;
	if ((t = strdup(text)) == NULL || (where != NULL && (w = strdup(where)) == NULL)) {
		free(t);
		return opt_err(opts, SIPHON_ENOMEM, "out of memory");
	}
	free(v->text);
	free(v->where);
	v->text = t;
	v->where = w;
	v->num = num;
	v->origin = origin;
	v->set = origin > SIPHON_ORIGIN_DEFAULT;
	if (d->flags & SIPHON_OPTDEF_SERVER)
		return set_server_parts(opts, text, origin, where);
	return 0;
}

const char *
siphon_opts_errmsg(const struct siphon_opts *opts)
{
	return opts->errmsg;
}

size_t
siphon_opts_count(const struct siphon_opts *opts)
{
	return opts->n;
}

const struct siphon_optdef *
siphon_opts_def(const struct siphon_opts *opts, size_t i)
{
	return i < opts->n ? opts->defs[i] : NULL;
}

const struct siphon_optdef *
siphon_opts_find(const struct siphon_opts *opts, const char *name)
{
	size_t i;

	return find_index(opts, name, &i) == 0 ? opts->defs[i] : NULL;
}

static const struct siphon_opt_value *
value_named(const struct siphon_opts *opts, const char *name)
{
	size_t i;

	return find_index(opts, name, &i) == 0 ? &opts->v[i] : NULL;
}

const struct siphon_opt_value *
siphon_opt_value(const struct siphon_opts *opts, const struct siphon_optdef *d)
{
	return value_named(opts, d->name);
}

int
siphon_opts_is_set(const struct siphon_opts *opts, const char *name)
{
	const struct siphon_opt_value *v = value_named(opts, name);

	return v != NULL && v->set;
}

int
siphon_opts_int(const struct siphon_opts *opts, const char *name)
{
	const struct siphon_opt_value *v = value_named(opts, name);

	return v != NULL ? v->num : 0;
}

const char *
siphon_opts_str(const struct siphon_opts *opts, const char *name)
{
	const struct siphon_opt_value *v = value_named(opts, name);

	return v != NULL ? v->text : NULL;
}

int
siphon_opt_int(const struct siphon_opts *opts, const struct siphon_optdef *d)
{
	return siphon_opts_int(opts, d->name);
}

const char *
siphon_opt_str(const struct siphon_opts *opts, const struct siphon_optdef *d)
{
	return siphon_opts_str(opts, d->name);
}

enum siphon_opt_origin
siphon_opts_origin(const struct siphon_opts *opts, const char *name, const char **where)
{
	const struct siphon_opt_value *v = value_named(opts, name);

	if (where != NULL)
		*where = v != NULL && v->set ? v->where : NULL;
	return v != NULL && v->set ? v->origin : SIPHON_ORIGIN_DEFAULT;
}

const char *
siphon_opt_origin_name(enum siphon_opt_origin origin)
{
	switch (origin) {
	case SIPHON_ORIGIN_DEFAULT:
		return "default";
	case SIPHON_ORIGIN_PROFILE:
		return "profile";
	case SIPHON_ORIGIN_ENV:
		return "environment";
	case SIPHON_ORIGIN_CLI:
		return "command line";
	}
	return "?";
}
