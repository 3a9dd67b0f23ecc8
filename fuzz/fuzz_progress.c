/*
 * fuzz_progress.c - the CLI's views of names from the server: the JSON
 * encoder (progress_json) and the live display's frames (progress_live).
 *
 * Input: a byte for the width (0..255), one for the height (0..63), then
 * text split at the first byte 0x01 into a schema and a table name (the
 * server chooses both); the name is also a warning's and a step's text.
 * Properties: each JSON object is one line, valid UTF-8, holds no byte
 * below 0x20, and ends "}\n"; every line of a frame fits the width less
 * one column, holds no control character, and a frame has no more lines
 * than the height.
 */
#include "fuzz.h"

#include "progress_json.h"
#include "progress_live.h"

/* Whether s is valid UTF-8 (what a JSON reader demands). */
static int
valid_utf8(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned c = s[i];
		size_t len = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3
		             : c >= 0xf0 && c <= 0xf4 ? 4 : 0;

		if (len == 0 || i + len > n)
			return 0;
		for (size_t k = 1; k < len; k++)
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
		i += len;
	}
	return 1;
}

static void
check_json(const struct cli_jbuf *b)
{
	FUZZ_CHECK(b->len >= 3 && b->p[0] == '{' && memcmp(b->p + b->len - 2, "}\n", 2) == 0);
	FUZZ_CHECK(valid_utf8((const unsigned char *)b->p, b->len));
	for (size_t i = 0; i + 1 < b->len; i++)
		FUZZ_CHECK((unsigned char)b->p[i] >= 0x20);
}

static void
check_frame(const char *frame, int n, int width, int height)
{
	int lines = 0, cols = 0;

	for (const char *p = frame; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '\n') {
			FUZZ_CHECK(cols <= width - 1);
			lines++;
			cols = 0;
			continue;
		}
		FUZZ_CHECK(c >= 0x20 && c != 0x7f);
		cols += (c & 0xc0) != 0x80;
	}
	FUZZ_CHECK(cols == 0 && lines == n && n <= height);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};
	int width = (int)fuzz_byte(&in), height = (int)(fuzz_byte(&in) % 64);
	struct siphon_event ev = {.kind = SIPHON_EVENT_TABLE_START, .phase = SIPHON_PHASE_TRANSFER};
	struct cli_jbuf b = {0};
	struct cli_live lv;
	char *text, *name, frame[16384];
	int n;

	if ((text = fuzz_rest_str(&in)) == NULL)
		return 0;
	name = strchr(text, 0x01);
	if (name != NULL)
		*name++ = '\0';
	cli_live_init(&lv);
	ev.table = (struct siphon_event_table){.id = 1, .schema = text, .name = name, .channel = 1,
	                                       .piece = 1, .pieces = 1, .rows = -1,
	                                       .expected_bytes = -1, .expected_rows = -1};
	for (int k = SIPHON_EVENT_PHASE_START; k <= SIPHON_EVENT_STEP; k++) {
		ev.kind = (enum siphon_event_kind)k;
		ev.text = k == SIPHON_EVENT_WARNING || k == SIPHON_EVENT_STEP || k == SIPHON_EVENT_SUMMARY
		          ? (name != NULL ? name : text) : NULL;
		if (k == SIPHON_EVENT_TABLE_END)
			continue;   /* keep the table on the display */
		if (cli_progress_json_event(&b, &ev, 0) == 0)
			check_json(&b);
		cli_live_event(&lv, &ev);
	}
	n = cli_live_render(&lv, width, height, frame, sizeof(frame));
	check_frame(frame, n, width, height);
	cli_live_free(&lv);
	cli_jbuf_free(&b);
	free(text);
	return 0;
}
