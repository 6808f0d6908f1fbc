"""Targets, utilisation, forecasts and snapshots (issue 4 builds this domain)."""
