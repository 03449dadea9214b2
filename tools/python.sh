#!/bin/sh
# The Python the Makefile makes the virtualenv from, printed as "3.13 /usr/bin/python3.13":
# the one PYTHON names, or else the newest of python3.13, python3.12, python3.11 and python3
# that is 3.11 or newer. Otherwise one sentence on what to install, and exit status 1.
# Shell built-ins only, so that it can answer before anything is installed.

INSTALL="install one (Debian and Ubuntu: apt-get install python3 python3-venv; Fedora: \
dnf install python3; macOS: brew install python@3.13)"

if [ -n "$PYTHON" ]; then
    candidates=$PYTHON
else
    candidates="python3.13 python3.12 python3.11 python3"
fi

for name in $candidates; do
    path=$(command -v "$name") || continue
    # Python 2 prints this too, and is then turned down by its version.
    set -- $("$path" -c 'import sys; print("%d %d" % sys.version_info[:2])' 2>/dev/null)
    if [ $# = 2 ] && [ "$1" = 3 ] && [ "$2" -ge 11 ]; then
        echo "$1.$2 $path"
        exit 0
    fi
    if [ $# = 2 ]; then found="$name is Python $1.$2"; else found="$name does not run"; fi
done

if [ -n "$PYTHON" ] && [ -z "$found" ]; then
    echo "PYTHON=$PYTHON was not found, and ASF-portalen needs Python 3.11 or newer: \
$INSTALL or name one that is there." >&2
elif [ -n "$PYTHON" ]; then
    echo "PYTHON=$found, and ASF-portalen needs 3.11 or newer: $INSTALL or name another." >&2
else
    echo "ASF-portalen needs Python 3.11 or newer and found none on PATH: $INSTALL \
or name one with PYTHON=/path/to/python3." >&2
fi
exit 1
