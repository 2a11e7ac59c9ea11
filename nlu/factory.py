"""Choose the interpreter from plain settings (so ``nlu`` never imports ``bot``)."""

from __future__ import annotations

from pathlib import Path

from nlu.interpreter import Interpreter


def build_interpreter(kind: str = "embedded", *, rasa_url: str | None = None, rasa_token: str | None = None,
                      timeout: float = 3.0, cache_dir: str | Path | None = None,
                      data_dir: str | Path | None = None) -> Interpreter:
    """``"embedded"`` (default: trains in-process) or ``"rasa"`` (needs ``rasa_url``)."""
    kind = (kind or "embedded").strip().lower()
    if kind == "embedded":
        from nlu.embedded import EmbeddedInterpreter

        return EmbeddedInterpreter(data_dir=data_dir, cache_dir=cache_dir)
    if kind == "rasa":
        if not rasa_url:
            raise ValueError("interpreter 'rasa' needs a server URL (BIZWATCH_RASA_URL)")
        from nlu.rasa_http import RasaHttpInterpreter

        return RasaHttpInterpreter(rasa_url, token=rasa_token, timeout=timeout)
    raise ValueError(f"unknown interpreter {kind!r}: use 'embedded' or 'rasa'")
