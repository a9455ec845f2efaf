"""Widgets of the newsmark TUI (import them from their modules)."""
