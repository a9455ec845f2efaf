"""newsmark's user interfaces: the Textual app (`tui.app`) and the command line (`tui.cli`)."""
