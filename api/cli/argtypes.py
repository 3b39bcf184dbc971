"""Argument types shared by the ``bookrun`` subcommands: each parses one option value or
raises `argparse.ArgumentTypeError` naming the value (argparse adds the option's name)."""

from __future__ import annotations

import argparse
import datetime as dt
import math


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, got {text!r}") from None
    if not value > 0 or not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be > 0, got {text}")
    return value


def non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an integer, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {text}")
    return value


def positive_int(text: str) -> int:
    value = non_negative_int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {text}")
    return value


def plan_date(text: str, *, now: dt.datetime | None = None) -> dt.date:
    """``today``, ``tomorrow`` (in Asia/Tokyo, the libraries' time) or a date YYYY-MM-DD;
    ``now`` (aware) stands for the current time in tests."""
    from scenarios.calendar import TOKYO

    word = text.strip().lower()
    if word in ("today", "tomorrow"):
        today = (now or dt.datetime.now(TOKYO)).astimezone(TOKYO).date()
        return today + dt.timedelta(days=1 if word == "tomorrow" else 0)
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be today, tomorrow or a date YYYY-MM-DD, got "
                                         f"{text!r}") from None


def iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a date YYYY-MM-DD, got {text!r}") from None
