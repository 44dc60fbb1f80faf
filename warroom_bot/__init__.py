"""warroom-bot: a Slack bot that runs a promotion campaign's war room."""

__version__ = "0.1.0"
