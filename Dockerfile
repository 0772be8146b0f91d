# One image for every Aftercare service; the command picks the service and the process:
#   web:     gunicorn -c python:shared.gunicorn_conf 'services.<name>.app:create_app()'
#   worker:  python -m shared.worker <name>
#   migrate: aftercare migrate <name>
# docker-compose.yml runs all three for each of the seven services.
ARG PYTHON_IMAGE=python:3.11-slim

FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
# Third-party dependencies first, in their own layer: it is rebuilt only when pyproject.toml
# or constraints.txt change, not on every source edit.
COPY pyproject.toml constraints.txt ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > requirements.txt \
    && pip install -c constraints.txt -r requirements.txt
COPY shared ./shared
COPY services ./services
# A regular (not editable) install: the runtime stage needs nothing from /src.
RUN pip install -c constraints.txt . \
    && pip check

FROM ${PYTHON_IMAGE} AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    AFTERCARE_BIND=0.0.0.0 \
    AFTERCARE_VAR_DIR=/tmp/aftercare
RUN groupadd --system --gid 10001 aftercare \
    && useradd --system --uid 10001 --gid aftercare --no-create-home \
        --home-dir /nonexistent --shell /usr/sbin/nologin aftercare
COPY --from=build /opt/venv /opt/venv
# An empty working directory: code is imported from the installed package only, never from
# a stray checkout, and the application user cannot write here.
WORKDIR /app
USER 10001:10001
# web ports 8001-8008, worker /metrics ports 9001-9008
EXPOSE 8001-8008 9001-9008
CMD ["aftercare", "--help"]
