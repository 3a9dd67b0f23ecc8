/* live_tty.c - the live display redrawn in place on the terminal. */
#include "live_tty.h"

#include "tty.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

/* Bounds of what is drawn: beyond them the frame would not fit its buffer. */
#define MAX_WIDTH 400
#define MAX_HEIGHT 60
/* A frame's text, the escapes around each of its lines, a log line above. */
#define FRAME_CAP ((size_t)(MAX_WIDTH * 4 + 8) * MAX_HEIGHT + 64)
#define OUT_CAP (2 * FRAME_CAP + 4096)

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
read_size(struct cli_live_tty *lt)
{
	struct winsize ws;

	lt->width = 80;
	lt->height = 24;
	if (ioctl(lt->fd, TIOCGWINSZ, &ws) == 0) {
		if (ws.ws_col > 0)
			lt->width = ws.ws_col;
		if (ws.ws_row > 0)
			lt->height = ws.ws_row;
	}
	if (lt->width > MAX_WIDTH)
		lt->width = MAX_WIDTH;
}

int
cli_live_tty_open(struct cli_live_tty *lt, int fd)
{
	memset(lt, 0, sizeof(*lt));
	lt->fd = fd;
	cli_live_init(&lt->lv);
	lt->frame = calloc(1, FRAME_CAP);
	lt->prev = calloc(1, FRAME_CAP);
	lt->out = malloc(OUT_CAP);
	if (lt->frame == NULL || lt->prev == NULL || lt->out == NULL) {
		cli_live_tty_close(lt);
		return -1;
	}
	lt->cap = FRAME_CAP;
	read_size(lt);
	return 0;
}

/*
 * The screen rows the block takes now.  Drawn at this width, one per line;
 * after the terminal narrowed, most terminals (tmux, VTE, kitty, iTerm2)
 * reflow the lines that no longer fit over several rows, so count those.
 * (xterm cuts instead: going up too far then erases a line or two above
 * the block, which beats leaving pieces of old frames on the screen.)
 */
static int
block_rows(const struct cli_live_tty *lt)
{
	const char *p = lt->prev;
	int rows = 0;

	if (lt->lines == 0 || lt->width >= lt->drawn_width)
		return lt->lines;
	for (int i = 0; i < lt->lines && *p != '\0'; i++) {
		int cols = 0;

		for (; *p != '\0' && *p != '\n'; p++)
			cols += ((unsigned char)*p & 0xc0) != 0x80;
		if (*p == '\n')
			p++;
		rows += cols > 0 ? (cols + lt->width - 1) / lt->width : 1;
	}
	return rows;
}

/* Appends to out what takes the cursor to the block's first line. */
static size_t
to_top(const struct cli_live_tty *lt, char *out, size_t len)
{
	int rows = block_rows(lt);

	if (rows > 0)
		len += (size_t)snprintf(out + len, OUT_CAP - len, "\r\033[%dA", rows);
	else
		out[len++] = '\r';
	return len;
}

/* Appends s, each '\n' preceded by clear-to-end-of-line. */
static size_t
put_lines(char *out, size_t len, const char *s)
{
	for (; *s != '\0' && len + 8 < OUT_CAP; s++) {
		if (*s == '\n') {
			memcpy(out + len, "\033[K", 3);
			len += 3;
		}
		out[len++] = *s;
	}
	return len;
}

/*
 * Draws the frame, with above (NULL: none) printed first where the block
 * was.  force: draw even when the text did not change (the size did, or a
 * line went above).
 */
static void
draw(struct cli_live_tty *lt, const char *above, int force)
{
	size_t len = 0;
	int height = lt->height - 1 < MAX_HEIGHT ? lt->height - 1 : MAX_HEIGHT;
	int n;

	/* The cursor can go up no further than the screen's top line. */
	n = cli_live_render(&lt->lv, lt->width, height, lt->frame, lt->cap);
	if (!force && above == NULL && strcmp(lt->frame, lt->prev) == 0) {
		lt->pending = 0;
		return;
	}
	len = to_top(lt, lt->out, len);
	if (above != NULL) {
		size_t al = strlen(above);

		if (al > OUT_CAP / 2)
			al = OUT_CAP / 2;
		memcpy(lt->out + len, above, al);
		len += al;
		memcpy(lt->out + len, "\033[K\n", 4);
		len += 4;
	}
	len = put_lines(lt->out, len, lt->frame);
	memcpy(lt->out + len, "\033[J", 3);
	len += 3;
	cli_write_all(lt->fd, lt->out, len);
	memcpy(lt->prev, lt->frame, strlen(lt->frame) + 1);
	lt->lines = n;
	lt->drawn_width = lt->width;
	lt->pending = 0;
	lt->last = now_s();
}

void
cli_live_tty_erase(struct cli_live_tty *lt)
{
	char seq[32];
	int n;

	if (lt->lines == 0)
		return;
	if (cli_winch_take())
		read_size(lt);
	n = snprintf(seq, sizeof(seq), "\r\033[%dA\033[J", block_rows(lt));
	cli_write_all(lt->fd, seq, (size_t)n);
	lt->lines = 0;
	lt->prev[0] = '\0';
}

void
cli_live_tty_event(struct cli_live_tty *lt, const struct siphon_event *ev)
{
	int resized, now;

	if (lt->frame == NULL)
		return;
	if (ev->kind == SIPHON_EVENT_SUMMARY) {
		cli_live_event(&lt->lv, ev);
		cli_live_tty_erase(lt);
		return;
	}
	if (cli_live_event(&lt->lv, ev))
		lt->pending = 1;
	if ((resized = cli_winch_take()) != 0)
		read_size(lt);
	/* What the run does now shows at once; figures wait for their period. */
	now = ev->kind == SIPHON_EVENT_PHASE_START || ev->kind == SIPHON_EVENT_PHASE_END ||
	      ev->kind == SIPHON_EVENT_STEP;
	if (resized || (lt->pending && (now || now_s() - lt->last >= CLI_LIVE_PERIOD)))
		draw(lt, NULL, resized);
}

void
cli_live_tty_print(struct cli_live_tty *lt, const char *line)
{
	if (lt->frame == NULL) {
		cli_write_all(lt->fd, line, strlen(line));
		cli_write_all(lt->fd, "\n", 1);
		return;
	}
	if (cli_winch_take())
		read_size(lt);
	/* Before the first frame there is no block to draw under the line. */
	if (lt->lines == 0 && lt->prev[0] == '\0' && !lt->pending) {
		cli_write_all(lt->fd, line, strlen(line));
		cli_write_all(lt->fd, "\n", 1);
		return;
	}
	draw(lt, line, 1);
}

void
cli_live_tty_close(struct cli_live_tty *lt)
{
	if (lt->out != NULL)
		cli_live_tty_erase(lt);
	cli_live_free(&lt->lv);
	free(lt->frame);
	free(lt->prev);
	free(lt->out);
	lt->frame = lt->prev = lt->out = NULL;
}
