"""Starting the dashboard (`python -m alliance serve`): where Streamlit would listen, and whether login is configured.

Reads Streamlit's own configuration (config.toml and secrets.toml, from the current
folder and ~/.streamlit, and the command line's options), so the check sees exactly
what `streamlit run` will use.
"""
from __future__ import annotations

import tomllib
from pathlib import Path


class LaunchError(Exception):
    """The dashboard must not start; the message is one sentence."""


def configured_address() -> str | None:
    """`server.address` as Streamlit will read it (config files and STREAMLIT_SERVER_ADDRESS); None when unset."""
    from streamlit import config

    return config.get_option("server.address")


def login_configured() -> bool:
    """Whether a secrets.toml Streamlit will read has an [auth] section; a file that cannot be read is a LaunchError."""
    from streamlit import config

    configured = False
    for name in config.get_option("secrets.files") or []:
        path = Path(name)
        if path.suffix != ".toml" or not path.is_file():
            continue
        try:
            configured = configured or bool(tomllib.loads(path.read_text(encoding="utf-8")).get("auth"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise LaunchError(f"The secrets file {path} cannot be read ({exc}); fix it before serving.") from None
    return configured
