"""coinhelp's Discord side: the bot, the process that runs it, and starting it on a stand-in.

    bot.py         CoinhelpBot and create_bot(): discord.py's Bot with the core's
                   services, the cogs, and the command sync
    launcher.py    main(): settings → logging → checked data → database → bot → run;
                   the `coinhelp` command and `python bot.py`
    on_standin.py  the real bot started against a Discord stand-in: the end-to-end
                   tests, the benchmark and the sandbox all use it
    deliveries.py  each interaction handled once (Discord may deliver one twice),
                   with its server set for the log lines it causes
    logs.py        logging set-up: plain or JSON lines, the server each is about
    web.py         the web server: /healthz, /metrics, and room for more pages
    metrics.py     the Prometheus metrics /metrics serves
    healthcheck.py `python -m coinhelp_discord.healthcheck`: the container's health check

The cogs themselves are the top-level `cogs` package; the core (`coinhelp`)
never imports discord.
"""
