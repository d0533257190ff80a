"""Integrations with other tools; each subpackage imports its third-party library at the top."""
