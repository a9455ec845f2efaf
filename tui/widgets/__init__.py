"""Widgets of the newsmark TUI."""

from tui.widgets.article_render import Highlight
from tui.widgets.article_view import ArticleView

__all__ = ["ArticleView", "Highlight"]
