"""Thin adapters that plug rnncheck into pytest, flake8 and pre-commit (installed as `rnncheck_plugins`)."""
