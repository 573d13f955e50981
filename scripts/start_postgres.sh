#!/usr/bin/env bash
# Install (Debian) and start a throwaway PostgreSQL server on 127.0.0.1:${PGPORT:-54329}
# for the tests, then print the URL to use as QUALKIT_TEST_DB.
set -euo pipefail
PGPORT="${PGPORT:-54329}"
PGDATA="${PGDATA:-/tmp/qualkit-pg-$PGPORT}"
if ! ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1; then
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
RUN=(bash -c)
if [ "$(id -u)" = 0 ]; then RUN=(su postgres -s /bin/bash -c); fi
if [ -f "$PGDATA/postmaster.pid" ]; then "${RUN[@]}" "$PGBIN/pg_ctl -D $PGDATA stop -m fast" >&2 || true; fi
rm -rf "$PGDATA"; mkdir -p "$PGDATA"
[ "$(id -u)" = 0 ] && chown postgres "$PGDATA"
"${RUN[@]}" "$PGBIN/initdb -D $PGDATA -A trust -U postgres --encoding=UTF8 --locale=C.UTF-8" >/dev/null
"${RUN[@]}" "$PGBIN/pg_ctl -D $PGDATA -o '-p $PGPORT -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off' -l $PGDATA/server.log start -w" >&2
"$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres qualkit_test
echo "postgresql+psycopg://postgres@127.0.0.1:$PGPORT/qualkit_test"
