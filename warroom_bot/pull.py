"""A campaign's optional pull source: a URL (`/warroom config pull.url …`) fetched before each
digest, answering JSON readings in the REST batch format (`{"readings": [...]}` or a bare list).

The fetch happens outside any database transaction and has a timeout; a source that fails, or
answers readings that are not valid, is named in the digest, never silently skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

PULL_TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True)
class Pulled:
    url: str
    rows: list[dict[str, Any]]
    problem: str | None = None


async def fetch(url: str) -> Pulled:
    try:
        async with httpx.AsyncClient(timeout=PULL_TIMEOUT_SECONDS) as client:
            response = await client.get(url, headers={"Accept": "application/json"})
        response.raise_for_status()
        body = response.json()
    except httpx.TimeoutException:
        return Pulled(url, [], f"no answer within {PULL_TIMEOUT_SECONDS:g} s")
    except httpx.HTTPStatusError as error:
        return Pulled(url, [], f"it answered HTTP {error.response.status_code}")
    except httpx.HTTPError as error:
        return Pulled(url, [], f"it could not be reached ({type(error).__name__})")
    except ValueError:
        return Pulled(url, [], "it did not answer JSON")
    rows = body.get("readings") if isinstance(body, dict) else body
    if not isinstance(rows, list):
        return Pulled(url, [], 'its JSON has no list of readings (expected {"readings": [...]})')
    return Pulled(url, rows)
