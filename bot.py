"""coinhelp's entry point from a checkout.

    python bot.py             run the bot (needs DISCORD_TOKEN)
    python bot.py --sandbox   the same bot against a local Discord stand-in

Nothing imports this file: the process lives in coinhelp_discord/launcher.py
(also the installed `coinhelp` command), the bot in coinhelp_discord/bot.py.
"""

import sys

from coinhelp_discord.launcher import main

if __name__ == "__main__":
    sys.exit(main())
