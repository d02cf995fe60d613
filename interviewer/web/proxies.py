"""Which peers may say who the client is, through `X-Forwarded-For` and `X-Forwarded-Proto`.

Per-client rate limits key on the client's address. uvicorn believes forwarded headers from
127.0.0.1 unless told otherwise, so any local process (or a proxy that passes the header on
unchecked) could claim a fresh address on every request and a fresh allowance with it. Here
no one is believed unless `INTERVIEWER_TRUSTED_PROXIES` names it.
"""

from __future__ import annotations

import ipaddress
from typing import Any


def parse_trusted(value: str) -> list[str]:
    """The comma-separated IP addresses and networks in `value`; a clear error for the rest."""
    trusted = []
    for item in (part.strip() for part in value.split(",")):
        if not item:
            continue
        try:
            trusted.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError:
            raise ValueError(f"INTERVIEWER_TRUSTED_PROXIES: {item!r} is not an IP address or "
                             "network (e.g. 10.0.0.5 or 10.0.0.0/24)") from None
    return trusted


def server_options(trusted: list[str]) -> dict[str, Any]:
    """uvicorn's options: forwarded headers are read only from `trusted` peers, and not at
    all when there are none (uvicorn's own default trusts loopback)."""
    if not trusted:
        return {"proxy_headers": False, "forwarded_allow_ips": ""}
    return {"proxy_headers": True, "forwarded_allow_ips": ",".join(trusted)}
