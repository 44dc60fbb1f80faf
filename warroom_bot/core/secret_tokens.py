"""Secrets handed out once and stored only as a SHA-256 hash: REST API bearer tokens, wall links.

A token has 256 bits of entropy, so a fast hash is the right one: there is nothing to brute-force.
"""

from __future__ import annotations

import hashlib
import secrets


def new_token(prefix: str) -> str:
    """`prefix` and 256 random bits, URL-safe."""
    return prefix + secrets.token_urlsafe(32)


def digest(token: str) -> str:
    """What is stored of a token: its SHA-256, in hex."""
    return hashlib.sha256(token.encode()).hexdigest()
