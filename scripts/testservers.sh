#!/usr/bin/env bash
# testservers.sh CMD [ARGS...]
#
# Starts throw-away Redis and PostgreSQL servers on loopback, in a temporary
# directory and on free ports, runs CMD with their URLs in the environment, then
# stops them and removes the directory, whatever CMD did.
#
#   OAUTHGEN_REDIS_URL  redis://127.0.0.1:PORT/0
#   OAUTHGEN_PG_URL     postgres://postgres@127.0.0.1:PORT/postgres?sslmode=disable
#
# Missing servers are installed from Debian's packages (redis-server, postgresql)
# when running as root. A server that cannot be started leaves its variable unset:
# the tests that need it then skip, and this script says so loudly. Under CI=true
# that is an error instead.
#
# An already set OAUTHGEN_REDIS_URL or OAUTHGEN_PG_URL is kept and no server of
# that kind is started.
set -uo pipefail

if [ $# -eq 0 ]; then
	echo "usage: $0 CMD [ARGS...]" >&2
	exit 2
fi

ci=false
case "${CI:-}" in true | 1 | yes) ci=true ;; esac

log() { echo "testservers: $*" >&2; }

loud() {
	echo "" >&2
	echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" >&2
	echo "!!! $*" >&2
	echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" >&2
	echo "" >&2
}

pg_bindir() {
	local d
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
		if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
			echo "$d"
			return 0
		fi
	done
	return 1
}

install_missing() {
	local pkgs=()
	command -v redis-server >/dev/null 2>&1 || pkgs+=(redis-server)
	pg_bindir >/dev/null || pkgs+=(postgresql)
	[ ${#pkgs[@]} -eq 0 ] && return 0
	if [ "$(id -u)" != 0 ]; then
		log "missing ${pkgs[*]} and not root: cannot install"
		return 1
	fi
	log "installing ${pkgs[*]} from Debian's packages"
	export DEBIAN_FRONTEND=noninteractive
	if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${pkgs[@]}"; } >"$tmp/apt.log" 2>&1; then
		log "apt-get failed:"
		tail -20 "$tmp/apt.log" >&2
		return 1
	fi
}

# free_port prints a loopback TCP port nothing listens on, below the kernel's
# ephemeral range: a port in that range may be the local end of one of the many
# connections the tests just made (bind then fails with "Address already in use"
# although nothing listens there).
free_port() {
	local p i low=32768 base=10000 span
	read -r low _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true
	span=$((low - base))
	if [ "$span" -lt 2000 ]; then base=20000 span=40000; fi # no room below the range
	for i in $(seq 1 200); do
		p=$((base + RANDOM % span))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

tmp=$(mktemp -d /tmp/oauthgen-servers.XXXXXX) || exit 1
chmod 755 "$tmp"
redis_pid=""
pg_started=false
pg_dir="$tmp/pg"
bindir=""

as_pg() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

cleanup() {
	if [ -n "$redis_pid" ]; then
		kill "$redis_pid" 2>/dev/null
		wait "$redis_pid" 2>/dev/null
	fi
	if $pg_started; then
		as_pg "$bindir/pg_ctl" -D "$pg_dir" -m immediate -w stop >/dev/null 2>&1
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_redis() {
	local port i
	command -v redis-server >/dev/null 2>&1 || { log "redis-server not found"; return 1; }
	for i in 1 2 3; do
		port=$(free_port) || return 1
		redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no \
			--dir "$tmp" --logfile "$tmp/redis.log" --daemonize no >/dev/null 2>&1 &
		redis_pid=$!
		for _ in $(seq 1 100); do
			if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
				export OAUTHGEN_REDIS_URL="redis://127.0.0.1:$port/0"
				log "redis-server on 127.0.0.1:$port (pid $redis_pid)"
				return 0
			fi
			kill -0 "$redis_pid" 2>/dev/null || break
			sleep 0.05
		done
		kill "$redis_pid" 2>/dev/null
		wait "$redis_pid" 2>/dev/null
		redis_pid=""
	done
	log "redis-server did not start:"
	tail -5 "$tmp/redis.log" >&2 2>/dev/null
	return 1
}

start_pg() {
	local port i
	bindir=$(pg_bindir) || { log "postgresql not found"; return 1; }
	if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
		# postgresql refuses to run as root: it needs a user of its own.
		if ! useradd --system --no-create-home --shell /usr/sbin/nologin postgres >/dev/null 2>&1; then
			log "no postgres system user to run postgresql as, and useradd failed"
			return 1
		fi
	fi
	mkdir -p "$pg_dir" && chmod 700 "$pg_dir"
	[ "$(id -u)" = 0 ] && chown postgres: "$pg_dir"
	if ! as_pg "$bindir/initdb" -D "$pg_dir" -U postgres --auth=trust -E UTF8 --no-sync >"$tmp/initdb.log" 2>&1; then
		log "initdb failed:"
		tail -5 "$tmp/initdb.log" >&2
		return 1
	fi
	for i in 1 2 3; do
		port=$(free_port) || return 1
		if as_pg "$bindir/pg_ctl" -D "$pg_dir" -l "$pg_dir/server.log" -w -t 30 \
			-o "-p $port -k $pg_dir -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
			start >/dev/null 2>&1; then
			pg_started=true
			export OAUTHGEN_PG_URL="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
			log "postgresql ($bindir) on 127.0.0.1:$port"
			return 0
		fi
	done
	log "postgresql did not start:"
	tail -5 "$pg_dir/server.log" >&2 2>/dev/null
	return 1
}

missing=()
if [ -z "${OAUTHGEN_REDIS_URL:-}" ] || [ -z "${OAUTHGEN_PG_URL:-}" ]; then
	install_missing || true
fi
if [ -z "${OAUTHGEN_REDIS_URL:-}" ]; then
	start_redis || missing+=(Redis)
fi
if [ -z "${OAUTHGEN_PG_URL:-}" ]; then
	start_pg || missing+=(PostgreSQL)
fi

if [ ${#missing[@]} -gt 0 ]; then
	if $ci; then
		loud "CI: could not start ${missing[*]}; the store tests cannot run. Failing."
		exit 1
	fi
	loud "could not start ${missing[*]}: the tests that need it WILL BE SKIPPED"
fi

"$@"
rc=$?
if [ ${#missing[@]} -gt 0 ]; then
	loud "reminder: ${missing[*]} tests were SKIPPED (no server)"
fi
exit $rc
