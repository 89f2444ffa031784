#!/bin/sh
# Writes the secrets compose.yml mounts (docker/secrets/, mode 600). Never overwrites an existing one:
# regenerating the database password would lock Handsup out of an initialised PostgreSQL volume.
set -eu
cd "$(dirname "$0")"
umask 077
mkdir -p secrets
new() { [ -s "secrets/$1" ] && echo "kept    secrets/$1" && return 0; printf '%s' "$2" > "secrets/$1"; echo "created secrets/$1"; }
new postgres_password "$(openssl rand -hex 24)"
new database_url "postgres://handsup:$(cat secrets/postgres_password)@postgres:5432/handsup"
new jwt_secrets "k1:$(openssl rand -hex 32)"
new encryption_key "$(openssl rand -hex 32)"
new metrics_token "$(openssl rand -hex 32)"
new admin_password "$(openssl rand -base64 18)"
echo "The first administrator's password is in docker/secrets/admin_password."
