"""Tests of assistant.evals (a package, so module names like test_cli cannot collide with other folders)."""
