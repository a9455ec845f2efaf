"""Command group placeholder: filled in by the issue that owns it."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add this group's commands to the parser."""
