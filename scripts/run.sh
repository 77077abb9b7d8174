#!/usr/bin/env bash
# `make run`: ioasidd in the foreground with an embedded default
# configuration (below), its journal in build/run/state, on the default
# socket ($XDG_RUNTIME_DIR/ioasid.sock, /run/ioasid.sock for root; set
# IOASID_SOCKET to choose another). Extra arguments go to ioasidd.
# Until ioasidd is built, it falls back to the core demo.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x build/daemon/ioasidd ]; then
	exec build/examples/ioasid-demo "$@"
fi

run=build/run
mkdir -p "$run/state"
if [ -n "${IOASID_SOCKET:-}" ]; then
	sock=$IOASID_SOCKET
elif [ "$(id -u)" = 0 ]; then
	sock=/run/ioasid.sock
elif [ -n "${XDG_RUNTIME_DIR:-}" ]; then
	sock=$XDG_RUNTIME_DIR/ioasid.sock
else
	sock=$PWD/$run/ioasid.sock
fi

# The embedded default configuration (see ioasidd(8) for every key).
cat > "$run/ioasidd.conf" <<'CONF'
# Written by scripts/run.sh; edit the script, not this file.
quota = 1024
reclaim_grace_ms = 30000
fsync = batch
log_level = info
# A sample limit: processes in /machine.slice share 4096 IDs.
limit /machine.slice = 4096
CONF

ctl=build/cli/ioasidctl
cat >&2 <<MSG
ioasidd: socket $sock, journal $run/state, config $run/ioasidd.conf
Connect from another terminal:
  $ctl -s $sock status
  $ctl -s $sock shell      (then: alloc, info, list, free ID, ...)
Stop with Ctrl-C (the journal keeps allocated IDs for their owners).
MSG
exec build/daemon/ioasidd --foreground --socket "$sock" \
	--state-dir "$run/state" --config "$run/ioasidd.conf" "$@"
