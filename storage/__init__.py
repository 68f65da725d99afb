"""Durable storage for the order engine: the only package that imports SQLAlchemy."""
