"""Scheduled and streaming workers that run beside (or inside) the API server."""
