#!/bin/bash
# needs-real-siphon
# ssh-agent: with the user's key in an agent and no -i, siphon logs in with the agent's key
# (tried before any key file); with an agent holding only a key the server refuses, exit 5.
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin
command -v ssh-agent >/dev/null || it_fail "ssh-agent is missing (openssh-client)"

eval "$(ssh-agent -s -a "$H/run/agent.sock")" >/dev/null || it_fail "ssh-agent did not start"
harness_on_exit "kill $SSH_AGENT_PID 2>/dev/null"
ssh-add -q "$SIPHON_IT_KEY" 2>/dev/null || it_fail "ssh-add"
# A HOME without key files: only the agent can log in.
home=$H/run/agent-home
mkdir -p "$home/.ssh"
chmod 700 "$home" "$home/.ssh"

HOME=$home siphon_run pull "$(remote_spec small)" --known-hosts "$SIPHON_IT_KNOWN_HOSTS" --into small_agent -v
assert_rc 0 "pull with the key in ssh-agent"
assert_stderr_contains "agent"
assert_same small small_agent

ssh-add -q -D 2>/dev/null
ssh-add -q "$SIPHON_IT_OTHER_KEY" 2>/dev/null || it_fail "ssh-add other"
HOME=$home siphon_run pull "$(remote_spec small)" --known-hosts "$SIPHON_IT_KNOWN_HOSTS" --into small_agent2
assert_rc 5 "an agent with only a refused key"
assert_error_line
assert_ws_dbs small_agent
