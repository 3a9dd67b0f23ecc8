/* cmd_schedule.h - `siphon schedule` and `siphon unschedule`. */
#ifndef SIPHON_CMD_SCHEDULE_H
#define SIPHON_CMD_SCHEDULE_H

/*
 * Runs `schedule PROFILE --daily HH:MM|--hourly|--cron EXPR [--systemd]`
 * or `schedule --list` (argv[0] is "schedule"); main_config is the
 * --config given before the command, or NULL.  Returns the exit status.
 */
int cli_cmd_schedule(int argc, char **argv, const char *main_config);
/* Runs `unschedule PROFILE`: exit status 2 when it has no schedule. */
int cli_cmd_unschedule(int argc, char **argv, const char *main_config);

#endif
