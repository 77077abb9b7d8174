#!/usr/bin/env bash
# `make run`: the core demo until ioasidd exists, then ioasidd in the
# foreground on the embedded default platform.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -x build/daemon/ioasidd ]; then
	exec build/daemon/ioasidd --foreground "$@"
fi
exec build/examples/ioasid-demo "$@"
