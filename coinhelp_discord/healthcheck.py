"""`python -m coinhelp_discord.healthcheck`: exit 0 if the running bot says it is healthy.

For container health checks (the Dockerfile's HEALTHCHECK) and monitors that
run a command: it asks the bot's own /healthz on the address the settings
give (a server listening on every interface is asked on 127.0.0.1), with no
tools beyond Python. Exit 1 and one line when it is not healthy or not
reachable.
"""

from __future__ import annotations

import sys
import urllib.error
import urllib.request

from coinhelp.errors import ConfigError
from coinhelp.settings import load_settings

TIMEOUT = 4.0
_EVERY_INTERFACE = {"0.0.0.0", "::", ""}


def healthz_url(host: str, port: int) -> str:
    host = "127.0.0.1" if host in _EVERY_INTERFACE else host
    return f"http://[{host}]:{port}/healthz" if ":" in host else f"http://{host}:{port}/healthz"


def main() -> int:
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"unhealthy: {exc}", file=sys.stderr)
        return 1
    if not settings.web_port:
        print("unhealthy: the web server is off (COINHELP_WEB_PORT=0)", file=sys.stderr)
        return 1
    url = healthz_url(settings.web_host, settings.web_port)
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
            body = response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        print(f"unhealthy: {url} answered {exc.code}: {exc.read().decode()}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"unhealthy: {url} did not answer ({exc})", file=sys.stderr)
        return 1
    print(body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
