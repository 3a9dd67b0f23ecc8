/* test_plan_print.c - unit tests of what `siphon plan` prints (cmd/siphon/plan_print.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan_print.h"

static void
test_plan_print_tables_largest_first(void **state)
{
	const struct siphon_plan_table tables[] = {
		{.schema = "public", .name = "small", .bytes = 8192, .rows = 10, .channel = 1, .parts = 1},
		{.schema = "public", .name = "big\x1b[2J", .bytes = 734003200, .rows = 2000000, .channel = 0, .parts = 4},
		{.schema = "", .name = "merged", .bytes = 0, .rows = -1, .channel = -1, .parts = 0},
	};
	const struct siphon_plan_info plan = {
		.engine = "postgres", .server = "PostgreSQL 15", .codec = "zstd", .channels = 2,
		.total_bytes = 734011392, .ntables = 3, .tables = tables, .nobjects = 1, .npieces = 5,
		.channel_bytes_max = 367001600,
		.tune = "channels 2, zstd -1: link 12 MB/s, rtt 1.2 ms, server 8 cores (load 0.3), here 2",
	};
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	(void)state;
	assert_non_null(out);
	cli_plan_print(out, "db1:shop", &plan);
	fclose(out);
	assert_string_equal(text,
	    "db1:shop: PostgreSQL 15 (engine postgres), compression zstd, 2 channels\n"
	    "chosen: channels 2, zstd -1: link 12 MB/s, rtt 1.2 ms, server 8 cores (load 0.3), here 2\n"
	    "3 tables, 734.0 MB on the server, 1 other object; 5 pieces of work, the busiest channel gets 367.0 MB\n"
	    "        size         rows  channel  pieces  table\n"
	    "    734.0 MB      2000000        1       4  public.big?[2J\n"
	    "      8.2 kB           10        2       1  public.small\n"
	    "         0 B            ?        -       0  merged\n"
	    "nothing was created or changed on either machine\n");
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan_print_tables_largest_first),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
