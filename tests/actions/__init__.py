"""Action-level tests: real database, real actions, asserting what a user would notice."""
