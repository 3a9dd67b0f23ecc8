/*
 * fuzz_crontab.c - the crontab block editor (siphon_crontab_scan/edit) on
 * arbitrary tables, and the cron expression parser, its next run and its
 * systemd form on the first line of the input.
 *
 * Input: one control byte (which profile the edit names), then the table.
 * Properties: a table is refused as a whole or read as blocks in order,
 * each inside the table and starting with its BEGIN marker; a refusal is
 * one line; setting a block of a table that scans keeps every byte
 * outside it, finds the block with its job, and removing it again gives
 * the table back (with a line end added after a last line that had none).
 * An expression is refused with one line, or has a calendar form and a
 * next run after the time asked.
 */
#include "fuzz.h"

#include "sched/cron.h"
#include "sched/crontab.h"

#include <time.h>

static const char *const profiles[] = {"p", "prod", "a.b-c_d", "stage"};
static const char job[] = "1 2 * * * /usr/bin/env HOME=/h '/x/siphon' pull --unattended p";

static void
check_line(const char *msg)
{
	FUZZ_CHECK(msg[0] != '\0');
	for (; *msg != '\0'; msg++)
		FUZZ_CHECK((unsigned char)*msg >= ' ' && *msg != 0x7f);
}

struct order {
	const char *text;
	size_t len, last_end;
};

static int
in_order(void *arg, const struct siphon_crontab_block *b)
{
	struct order *o = arg;

	FUZZ_CHECK(b->begin >= o->last_end && b->begin < b->end && b->end <= o->len);
	FUZZ_CHECK(memcmp(o->text + b->begin, SIPHON_CRONTAB_BEGIN, strlen(SIPHON_CRONTAB_BEGIN)) == 0);
	FUZZ_CHECK(b->job_len == 0 || (b->job > b->begin && b->job + b->job_len <= b->end));
	o->last_end = b->end;
	return 0;
}

static void
expression(const char *text, size_t len)
{
	char expr[SIPHON_CRON_EXPR_MAX], err[512], cal[4096];
	size_t n = strcspn(text, "\n");
	struct siphon_cron c;
	time_t after = 1796000000, next;

	(void)len;
	if (n >= sizeof(expr))
		n = sizeof(expr) - 1;
	memcpy(expr, text, n);
	expr[n] = '\0';
	if (siphon_cron_parse(expr, &c, err, sizeof(err)) != 0) {
		check_line(err);
		return;
	}
	FUZZ_CHECK(siphon_cron_calendar(&c, cal, sizeof(cal)) == 0 && strchr(cal, '\n') != NULL);
	if (siphon_cron_next(&c, after, &next) == 0)
		FUZZ_CHECK(next > after);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};
	const char *profile = profiles[fuzz_byte(&in) % (sizeof(profiles) / sizeof(profiles[0]))];
	char err[512], *set = NULL, *back = NULL, *text;
	struct siphon_crontab_block b, had;
	struct order o;
	size_t len, set_len, back_len;
	int found, r;

	if ((text = fuzz_rest_str(&in)) == NULL)
		return 0;
	/* The table as `crontab -l` gives it: text, up to a NUL. */
	len = strlen(text);
	expression(text, len);
	o = (struct order){text, len, 0};
	if (siphon_crontab_scan(text, len, in_order, &o, err, sizeof(err)) != 0) {
		check_line(err);
		FUZZ_CHECK(siphon_crontab_edit(text, len, profile, job, &set, &set_len, err, sizeof(err)) == -1);
		FUZZ_CHECK(set == NULL);
		goto out;
	}
	found = siphon_crontab_find(text, len, profile, &had, err, sizeof(err));
	FUZZ_CHECK(found == 0 || found == 1);
	r = siphon_crontab_edit(text, len, profile, job, &set, &set_len, err, sizeof(err));
	FUZZ_CHECK(r == found && set != NULL && strlen(set) == set_len);
	FUZZ_CHECK(siphon_crontab_find(set, set_len, profile, &b, err, sizeof(err)) == 1);
	FUZZ_CHECK(b.job_len == strlen(job) && memcmp(set + b.job, job, b.job_len) == 0);
	if (found) {
		/* Everything before and after the old block, as it was. */
		FUZZ_CHECK(b.begin == had.begin && memcmp(set, text, had.begin) == 0);
		FUZZ_CHECK(set_len - b.end == len - had.end &&
		           memcmp(set + b.end, text + had.end, len - had.end) == 0);
	} else {
		FUZZ_CHECK(memcmp(set, text, len) == 0 && b.end == set_len);
	}
	r = siphon_crontab_edit(set, set_len, profile, NULL, &back, &back_len, err, sizeof(err));
	FUZZ_CHECK(r == 1 && back != NULL);
	if (!found) {
		int eol = len > 0 && text[len - 1] != '\n';

		FUZZ_CHECK(back_len == len + (size_t)eol && memcmp(back, text, len) == 0);
		FUZZ_CHECK(!eol || back[len] == '\n');
	}
out:
	free(set);
	free(back);
	free(text);
	return 0;
}
