"""Typer commands, one module per area. Each module has ``register(app)``."""
