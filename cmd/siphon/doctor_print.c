/* doctor_print.c - `siphon doctor`'s checklist as text. */
#include "doctor_print.h"

#include "termtext.h"

#include <string.h>

static const char *const status_word[] = {
	[SIPHON_CHECK_PASS] = "ok", [SIPHON_CHECK_WARN] = "warn",
	[SIPHON_CHECK_FAIL] = "FAIL", [SIPHON_CHECK_SKIP] = "skip",
};

void
cli_doctor_line(void *arg, const struct siphon_check *c)
{
	struct cli_doctor_out *d = arg;

	switch (c->status) {
	case SIPHON_CHECK_PASS: d->pass++; break;
	case SIPHON_CHECK_WARN: d->warn++; break;
	case SIPHON_CHECK_FAIL: d->fail++; break;
	case SIPHON_CHECK_SKIP: d->skip++; break;
	}
	fprintf(d->out, "  %-4s  %-11s ", status_word[c->status], c->name);
	cli_put_safe(d->out, c->title);
	if (c->status == SIPHON_CHECK_SKIP)
		fputs(": not checked, an earlier step failed", d->out);
	else if (c->detail != NULL && c->detail[0] != '\0') {
		fputs(": ", d->out);
		cli_put_safe(d->out, c->detail);
	}
	fputc('\n', d->out);
	fflush(d->out);
}

void
cli_doctor_total(const struct cli_doctor_out *d)
{
	if (d->fail > 0)
		fprintf(d->out, "%d check%s failed: a pull would fail (fix the FAIL lines above, first to last)\n",
		        d->fail, d->fail == 1 ? "" : "s");
	else if (d->warn > 0)
		fprintf(d->out, "a pull would work; %d warning%s above\n", d->warn, d->warn == 1 ? "" : "s");
	else
		fprintf(d->out, "all %d checks passed\n", d->pass);
}
