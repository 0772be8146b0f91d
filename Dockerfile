# One image per Aftercare service, built from this one file: the kit (shared/) and that
# service only, so a team builds, tags and ships its service alone.
#
#   docker build --build-arg SERVICE=intake --build-arg VERSION=0.1.0 \
#       -t registry.example.com/aftercare/intake:0.1.0 .
#
# The command picks the process, from the same image:
#   web:     gunicorn -c python:shared.gunicorn_conf 'services.<name>.app:create_app()'
#   worker:  python -m shared.worker <name>
#   migrate: aftercare migrate <name>
# The installed metadata still registers every service (pyproject.toml's entry points); the
# kit skips those whose package is not installed (shared.service._installed).
#
# Pinned base: an exact patch release on an exact Debian release. Production builds pin the
# digest too: PYTHON_IMAGE=python:3.11.11-slim-bookworm@sha256:<digest from your registry>.
ARG PYTHON_IMAGE=python:3.11.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ARG SERVICE
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    PYTHONDONTWRITEBYTECODE=1
RUN test -n "${SERVICE}" || { echo "build with --build-arg SERVICE=<name>" >&2; exit 1; }
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
# Third-party dependencies first, in their own layer: it is rebuilt only when pyproject.toml
# or constraints.txt change, not on every source edit.
COPY pyproject.toml constraints.txt ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > requirements.txt \
    && pip install -c constraints.txt -r requirements.txt
COPY shared ./shared
COPY services/__init__.py ./services/__init__.py
COPY services/${SERVICE} ./services/${SERVICE}
# A regular (not editable) install: the runtime stage needs nothing from /src. The service
# must still be found by the kit once the others are absent.
RUN pip install -c constraints.txt . \
    && pip check \
    && cd / && python -c "from shared.service import service_names; assert service_names() == ('${SERVICE}',), service_names()"

FROM ${PYTHON_IMAGE} AS service
ARG SERVICE
ARG VERSION=0.0.0-dev
ARG REVISION=unknown
LABEL org.opencontainers.image.title="aftercare-${SERVICE}" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.description="Aftercare ${SERVICE}: web, worker and migrate by command"
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    AFTERCARE_BIND=0.0.0.0 \
    AFTERCARE_VAR_DIR=/tmp/aftercare \
    AFTERCARE_SERVICE=${SERVICE} \
    AFTERCARE_VERSION=${VERSION}
RUN groupadd --system --gid 10001 aftercare \
    && useradd --system --uid 10001 --gid aftercare --no-create-home \
        --home-dir /nonexistent --shell /usr/sbin/nologin aftercare
COPY --from=build /opt/venv /opt/venv
# An empty working directory: code is imported from the installed package only, never from
# a stray checkout, and the application user cannot write here.
WORKDIR /app
USER 10001:10001
# web ports 8001-8008, worker /metrics ports 9001-9008 (the service's port + 1000)
EXPOSE 8001-8008 9001-9008
# The web's /healthz, or the worker's metrics server; a migration exits before it matters.
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=5 \
    CMD ["python", "-m", "shared.healthcheck"]
CMD ["aftercare", "--help"]
