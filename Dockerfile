# coinhelp in a container: the bot as a non-root user, its database on the
# /data volume, and a health check on the bot's own /healthz.
#
#   docker build -t coinhelp .
#   docker run -d --name coinhelp -e DISCORD_TOKEN=... -v coinhelp-data:/data coinhelp
#
# compose.yaml does the same with a .env file; README "Hosting it" has more.

# --- build the wheel (templates and the curated FAQ ship inside it) ------------
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml setup.py README.md ./
COPY coinhelp ./coinhelp
COPY coinhelp_discord ./coinhelp_discord
COPY cogs ./cogs
COPY sandbox ./sandbox
COPY standin ./standin
COPY templates ./templates
COPY faq ./faq
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

# --- the image that runs -----------------------------------------------------
FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    COINHELP_DB=/data/coinhelp.db \
    COINHELP_WEB_HOST=0.0.0.0 \
    COINHELP_WEB_PORT=8080
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl \
    && rm -rf /wheels \
    && groupadd --system --gid 10001 coinhelp \
    && useradd --system --uid 10001 --gid 10001 --home-dir /data --shell /usr/sbin/nologin coinhelp \
    && mkdir -p /data \
    && chown coinhelp:coinhelp /data
# By number, so that the runtime can tell it is not root without reading /etc/passwd.
USER 10001:10001
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-m", "coinhelp_discord.healthcheck"]
# SIGTERM (docker stop): the bot finishes the pledges it is writing, closes the
# database and exits 0; compose.yaml gives it time to.
ENTRYPOINT ["coinhelp"]
