"""Block Kit rendering: pure functions from domain objects to messages and views."""
