#!/usr/bin/env python3
# timerslack.py NS CMD [ARG...] - runs CMD with the kernel's timer slack at
# NS nanoseconds: it is inherited by every thread CMD starts and kept across
# exec, so a program measured this way runs as if it had set the slack
# before starting (docs/PERFORMANCE.md, "Timer slack"). vigia keeps a slack
# wider than its own 4 ms, so this also measures it at wider ones.
# Example: bench/serve-sidebyside.sh 30 3 1000 \
#   'default=bench/timerslack.py 50000 /tmp/vigia-before serve --listen 127.0.0.1:{port} --db {home}/v.db' \
#   'wide=bench/timerslack.py 4000000 /tmp/vigia-before serve --listen 127.0.0.1:{port} --db {home}/v.db'
# Needs (Debian packages): python3.
import ctypes
import os
import sys

PR_SET_TIMERSLACK = 29

if len(sys.argv) < 3:
    sys.exit("usage: timerslack.py NS CMD [ARG...]")
libc = ctypes.CDLL(None, use_errno=True)
if libc.prctl(PR_SET_TIMERSLACK, ctypes.c_ulong(int(sys.argv[1])), 0, 0, 0) != 0:
    sys.exit("timerslack.py: prctl: " + os.strerror(ctypes.get_errno()))
os.execvp(sys.argv[2], sys.argv[2:])
