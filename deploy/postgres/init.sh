#!/usr/bin/env bash
# One database and one login role per Aftercare service (SPEC section 1: no service reads
# another's tables). The postgres image runs this once, when it initialises an empty data
# directory (/docker-entrypoint-initdb.d); it is idempotent, so it can be rerun by hand.
#
# Each role's password comes from <SERVICE>_DB_PASSWORD, or from the file named by
# <SERVICE>_DB_PASSWORD_FILE (Docker secrets). Nothing secret lives in this file.
set -euo pipefail

SERVICES="intake dispatch maintenance returns complaints billing kpi support"

password_for() {
    local var file_var
    var="$(tr '[:lower:]' '[:upper:]' <<<"$1")_DB_PASSWORD"
    file_var="${var}_FILE"
    if [[ -n "${!var:-}" ]]; then
        printf '%s' "${!var}"
    elif [[ -n "${!file_var:-}" ]]; then
        tr -d '\r\n' <"${!file_var}"
    else
        echo "init.sh: set ${var} (or ${file_var}) for the ${1} database role" >&2
        return 1
    fi
}

for service in $SERVICES; do
    password="$(password_for "$service")"
    # psql variables (:'x' literal, :"x" identifier) quote the values; \gexec runs the
    # generated statement only when the role or database does not exist yet.
    psql --no-psqlrc -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" \
        --dbname "${POSTGRES_DB:-postgres}" \
        -v name="$service" -v password="$password" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'name', :'password')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'name') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'name', :'name')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'name') \gexec
REVOKE ALL ON DATABASE :"name" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"name" TO :"name";
SQL
    echo "init.sh: database and role ${service} ready"
done
