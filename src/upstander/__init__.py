"""Upstander: counter-corruption intelligence and early warning for professional standards."""

__version__ = "0.1.0"
