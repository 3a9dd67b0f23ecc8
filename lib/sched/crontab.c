/*
 * crontab.c - finding, replacing and removing siphon's blocks in a crontab
 * text; everything outside a block is copied byte for byte.
 */
#include "sched/crontab.h"
#include "sched/msg.h"

#include "siphon.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The profile a marker line names (the line without its end, after the
 * prefix): up to ':' on a BEGIN line, up to trailing blanks on an END one.
 * 0, or -1 when it is no good name.
 */
static int
marker_name(const char *s, size_t len, int begin, char *name, size_t cap)
{
	size_t n = 0;

	while (n < len && s[n] != ':' && s[n] != ' ' && s[n] != '\t' && s[n] != '\r')
		n++;
	if (n == 0 || n >= cap)
		return -1;
	memcpy(name, s, n);
	name[n] = '\0';
	if (!siphon_config_name_ok(name))
		return -1;
	if (begin)
		return 0;
	/* After an END's name only blanks (a CR of a CRLF table too). */
	for (size_t i = n; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return -1;
	return 0;
}

static int
starts(const char *line, size_t len, const char *prefix)
{
	size_t pl = strlen(prefix);

	return len >= pl && memcmp(line, prefix, pl) == 0;
}

/* A profile seen already (two blocks of one profile are refused). */
struct seen {
	char (*names)[65];
	size_t n, cap;
};

static int
seen_add(struct seen *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->names[i], name) == 0)
			return 1;
	if (s->n == s->cap) {
		size_t cap = s->cap == 0 ? 8 : s->cap * 2;
		char (*nn)[65] = realloc(s->names, cap * sizeof(*nn));

		if (nn == NULL)
			return -1;
		s->names = nn;
		s->cap = cap;
	}
	snprintf(s->names[s->n++], sizeof(s->names[0]), "%s", name);
	return 0;
}

int
siphon_crontab_scan(const char *text, size_t len,
                    int (*fn)(void *arg, const struct siphon_crontab_block *b), void *arg,
                    char *err, size_t errcap)
{
	struct siphon_crontab_block b;
	struct seen seen = {NULL, 0, 0};
	size_t pos = 0, bl = strlen(SIPHON_CRONTAB_BEGIN), el = strlen(SIPHON_CRONTAB_END);
	int line = 0, open = 0, r = -1;
	char name[65];

	err[0] = '\0';
	while (pos < len) {
		const char *s = text + pos;
		const char *nl = memchr(s, '\n', len - pos);
		size_t ll = nl != NULL ? (size_t)(nl - s) : len - pos;
		size_t next = pos + ll + (nl != NULL);

		line++;
		if (starts(s, ll, SIPHON_CRONTAB_BEGIN)) {
			if (open) {
				siphon_sched_msg(err, errcap, "crontab line %d: a siphon block begins inside the block of "
				          "'%s' (line %d), which has no END line; fix it with crontab -e",
				          line, b.profile, b.line);
				goto out;
			}
			if (marker_name(s + bl, ll - bl, 1, name, sizeof(name)) != 0) {
				siphon_sched_msg(err, errcap, "crontab line %d: a siphon BEGIN line without a profile "
				          "name; fix it with crontab -e", line);
				goto out;
			}
			memset(&b, 0, sizeof(b));
			snprintf(b.profile, sizeof(b.profile), "%s", name);
			b.begin = pos;
			b.line = line;
			open = 1;
		} else if (starts(s, ll, SIPHON_CRONTAB_END)) {
			if (marker_name(s + el, ll - el, 0, name, sizeof(name)) != 0 || !open ||
			    strcmp(name, b.profile) != 0) {
				if (open)
					siphon_sched_msg(err, errcap, "crontab line %d: this END line does not close the "
					          "block of '%s' (line %d); fix it with crontab -e", line, b.profile,
					          b.line);
				else
					siphon_sched_msg(err, errcap, "crontab line %d: a siphon END line without its BEGIN "
					          "line; fix it with crontab -e", line);
				goto out;
			}
			switch (seen_add(&seen, b.profile)) {
			case 1:
				siphon_sched_msg(err, errcap, "crontab line %d: a second block of profile '%s'; remove "
				          "one with crontab -e", b.line, b.profile);
				goto out;
			case -1:
				siphon_sched_msg(err, errcap, "out of memory");
				goto out;
			}
			open = 0;
			b.end = next;
			if (fn != NULL && fn(arg, &b) != 0)
				break;
		} else if (open && b.job_len == 0) {
			size_t lead = 0;

			while (lead < ll && (s[lead] == ' ' || s[lead] == '\t'))
				lead++;
			if (lead < ll && s[lead] != '#' && s[lead] != '\r') {
				b.job = pos;
				b.job_len = ll;
			}
		}
		pos = next;
	}
	if (open) {
		siphon_sched_msg(err, errcap, "crontab line %d: the siphon block of '%s' never ends (no END "
		          "line); fix it with crontab -e", b.line, b.profile);
		goto out;
	}
	r = 0;
out:
	free(seen.names);
	return r;
}

struct finder {
	const char *profile;
	struct siphon_crontab_block *out;
	int found;
};

static int
find_one(void *arg, const struct siphon_crontab_block *b)
{
	struct finder *f = arg;

	if (strcmp(b->profile, f->profile) != 0)
		return 0;
	*f->out = *b;
	f->found = 1;
	/* Scan on: the rest of the table must be well formed too. */
	return 0;
}

int
siphon_crontab_find(const char *text, size_t len, const char *profile,
                    struct siphon_crontab_block *b, char *err, size_t errcap)
{
	struct finder f = {profile, b, 0};

	if (siphon_crontab_scan(text, len, find_one, &f, err, errcap) != 0)
		return -1;
	return f.found;
}

int
siphon_crontab_edit(const char *text, size_t len, const char *profile, const char *job,
                    char **out, size_t *out_len, char *err, size_t errcap)
{
	struct siphon_crontab_block b;
	size_t head, tail, cap, n = 0;
	int found, sep;
	char *o;

	*out = NULL;
	*out_len = 0;
	if (job != NULL && strpbrk(job, "\r\n") != NULL)
		return siphon_sched_msg(err, errcap, "a crontab job is one line");
	if ((found = siphon_crontab_find(text, len, profile, &b, err, errcap)) < 0)
		return -1;
	head = found ? b.begin : len;
	tail = found ? b.end : len;
	/* A table without its last line end gets one before the new block. */
	sep = job != NULL && !found && len > 0 && text[len - 1] != '\n';
	cap = len + 1 + (job != NULL ? strlen(SIPHON_CRONTAB_BEGIN) + 2 * strlen(profile) +
	                 strlen(SIPHON_CRONTAB_NOTE) + strlen(job) + strlen(SIPHON_CRONTAB_END) + 8 : 0);
	if ((o = malloc(cap)) == NULL)
		return siphon_sched_msg(err, errcap, "out of memory");
	memcpy(o, text, head);
	n = head;
	if (sep)
		o[n++] = '\n';
	if (job != NULL)
		n += (size_t)snprintf(o + n, cap - n, "%s%s%s\n%s\n%s%s\n", SIPHON_CRONTAB_BEGIN, profile,
		                      SIPHON_CRONTAB_NOTE, job, SIPHON_CRONTAB_END, profile);
	memcpy(o + n, text + tail, len - tail);
	n += len - tail;
	o[n] = '\0';
	*out = o;
	*out_len = n;
	return found;
}
