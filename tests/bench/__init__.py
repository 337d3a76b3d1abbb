"""Tests of assistant.bench (a package, so module names cannot collide with other test folders)."""
