"""ScholarGraph wiring: settings, the local Neo4j, the Starlette app and the CLI."""

__version__ = "0.1.0"
