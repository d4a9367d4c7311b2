"""Serve the dashboard page with Solara's Starlette app on a local port (blocks until Ctrl-C)."""

from __future__ import annotations

import json
import os
from typing import Any

from viz.dashboard.app import CONFIG_ENV

APP_MODULE = "viz.dashboard.app"


def serve(config: dict[str, Any], host: str = "127.0.0.1", port: int = 8765, log_level: str = "warning") -> None:
    """Serve ``viz.dashboard.app`` for the scenario ``config`` (scenario, variant, seed, overrides)."""
    import uvicorn

    os.environ[CONFIG_ENV] = json.dumps(config)
    os.environ["SOLARA_APP"] = APP_MODULE
    os.environ["SERVER_NAME"] = host
    os.environ["SERVER_PORT"] = str(port)
    uvicorn.run("solara.server.starlette:app", host=host, port=port, log_level=log_level)
