/* plan_print.c - the plan of a pull as text. */
#include "plan_print.h"

#include "summary.h"
#include "termtext.h"

#include <stdlib.h>
#include <string.h>

static int
by_size(const void *a, const void *b)
{
	const struct siphon_plan_table *x = *(const struct siphon_plan_table *const *)a;
	const struct siphon_plan_table *y = *(const struct siphon_plan_table *const *)b;

	return x->bytes < y->bytes ? 1 : x->bytes > y->bytes ? -1 : strcmp(x->name, y->name);
}

void
cli_plan_print(FILE *out, const char *target, const struct siphon_plan_info *p)
{
	const struct siphon_plan_table **order = calloc((size_t)p->ntables + 1, sizeof(*order));
	char total[32], busiest[32], size[32], name[300], schema[300], server[160], t[600], cmd[2048];
	int i;

	cli_format_bytes(total, sizeof(total), p->total_bytes);
	cli_format_bytes(busiest, sizeof(busiest), p->channel_bytes_max);
	fprintf(out, "%s: %s (engine %s), compression %s, %d channel%s\n", cli_safe_copy(t, sizeof(t), target),
	        cli_safe_copy(server, sizeof(server), p->server), p->engine, p->codec, p->channels,
	        p->channels == 1 ? "" : "s");
	if (p->tune != NULL && p->tune[0] != '\0')
		fprintf(out, "chosen: %s\n", cli_safe_copy(t, sizeof(t), p->tune));
	fprintf(out, "%d table%s, %s on the server, %d other object%s; %d piece%s of work, the busiest channel gets %s\n",
	        p->ntables, p->ntables == 1 ? "" : "s", total, p->nobjects, p->nobjects == 1 ? "" : "s",
	        p->npieces, p->npieces == 1 ? "" : "s", busiest);
	if (order == NULL)
		return;
	for (i = 0; i < p->ntables; i++)
		order[i] = &p->tables[i];
	qsort(order, (size_t)p->ntables, sizeof(*order), by_size);
	if (p->ntables > 0)
		fprintf(out, "%12s %12s %8s %7s  %s\n", "size", "rows", "channel", "pieces", "table");
	for (i = 0; i < p->ntables; i++) {
		const struct siphon_plan_table *tb = order[i];
		char rows[32], channel[16], pieces[16];

		cli_format_bytes(size, sizeof(size), tb->bytes);
		if (tb->rows >= 0)
			snprintf(rows, sizeof(rows), "%lld", (long long)tb->rows);
		else
			snprintf(rows, sizeof(rows), "?");
		if (tb->channel >= 0)
			snprintf(channel, sizeof(channel), "%d", tb->channel + 1);
		else
			snprintf(channel, sizeof(channel), "-");
		snprintf(pieces, sizeof(pieces), "%d", tb->parts);
		fprintf(out, "%12s %12s %8s %7s  %s%s%s\n", size, rows, channel, pieces,
		        cli_safe_copy(schema, sizeof(schema), tb->schema), tb->schema[0] != '\0' ? "." : "",
		        cli_safe_copy(name, sizeof(name), tb->name));
	}
	if (p->target != NULL && p->target[0] != '\0')
		fprintf(out, "into %s\n", cli_safe_copy(t, sizeof(t), p->target));
	if (p->ncommands > 0)
		fprintf(out, "on the server, as the SSH user (at low CPU and I/O priority unless --no-nice, each under siphon's watchdog):\n");
	for (i = 0; i < p->ncommands; i++)
		fprintf(out, "  %s\n", cli_safe_copy(cmd, sizeof(cmd), p->commands[i]));
	fprintf(out, "nothing was created or changed on either machine\n");
	free(order);
}
