"""The `scholargraph` command line."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Annotated

import typer
from neo4j.exceptions import DriverError, Neo4jError, TransientError
from rich.console import Console
from rich.markup import escape

from graphdb.connection import first_line, open_driver
from graphdb.errors import DatabaseUnavailableError
from graphdb.migrations import apply_migrations, fetch_applied_migrations
from scholargraph.database import connection_info, local_server
from scholargraph.localneo4j import LocalNeo4jError
from scholargraph.settings import Settings, load_settings

app = typer.Typer(
    help="ScholarGraph: a GraphQL backend over a Neo4j graph of arXiv research.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
neo4j_app = typer.Typer(
    help="The local Neo4j server the project runs itself.", no_args_is_help=True
)
app.add_typer(neo4j_app, name="neo4j")
users_app = typer.Typer(help="Accounts (docs/accounts.md).", no_args_is_help=True)
app.add_typer(users_app, name="users")
console = Console(stderr=True)


def _settings() -> Settings:
    return load_settings()


def _fail(message: str, code: int = 1) -> typer.Exit:
    console.print(f"[red]error:[/red] {escape(message)}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


# What a command reports in one line (`_neo4j_failed`) instead of the driver's traceback.
NEO4J_FAILURES = (DatabaseUnavailableError, DriverError, Neo4jError)

# Loads commit batch by batch and checkpoint what committed.
RESUMABLE = (
    ". What was committed is kept: run the same command again to continue from its checkpoint."
)


def _neo4j_failed(error: Exception, after: str = "") -> typer.Exit:
    """One line for a database failure, never the driver's traceback.

    `after` (how to resume) is added when Neo4j went away; a query Neo4j rejected is a bug,
    reported with its status code, and running again would not help.
    """
    if isinstance(error, DatabaseUnavailableError):
        hint = ""
        if not _settings().uses_external_neo4j:
            hint = " (is the local server running? `scholargraph neo4j start`)"
        return _fail(f"{error}: {error.detail}{hint}")
    if isinstance(error, Neo4jError) and not isinstance(error, TransientError):
        return _fail(f"Neo4j rejected a query ({error.code}): {first_line(error)}")
    return _fail(f"Neo4j failed: {first_line(error)}{after}")


def _refuse_external(settings: Settings, action: str) -> None:
    if settings.uses_external_neo4j:
        raise _fail(
            f"NEO4J_URI is set ({settings.neo4j_uri}): that server is not managed here, "
            f"so `neo4j {action}` does nothing. Unset NEO4J_URI to use the local server."
        )


@neo4j_app.command("start")
def neo4j_start(
    fresh: Annotated[bool, typer.Option(help="Start from an empty database.")] = False,
) -> None:
    """Assemble (first time), then start the local Neo4j; returns once it accepts queries."""
    settings = _settings()
    _refuse_external(settings, "start")
    server = local_server(settings)
    console.print(f"Starting Neo4j {settings.neo4j_version} in {server.home} ...")
    try:
        state = server.start(fresh=fresh)
    except LocalNeo4jError as error:
        raise _fail(str(error)) from error
    console.print(f"Neo4j is ready at {state.uri} (pid {state.pid}).")


@neo4j_app.command("stop")
def neo4j_stop() -> None:
    """Stop the local Neo4j cleanly (works from any process)."""
    settings = _settings()
    _refuse_external(settings, "stop")
    stopped = local_server(settings).stop()
    console.print("Neo4j stopped." if stopped else "Neo4j was not running.")


@neo4j_app.command("status")
def neo4j_status() -> None:
    """Running or not, version, edition, ports and data directory."""
    settings = _settings()
    if settings.uses_external_neo4j:
        from scholargraph.localneo4j import components

        target = connection_info(settings)
        try:
            version, edition = components(target.uri, target.user, target.password)
        except Exception as error:  # any driver failure means "not reachable"
            raise _fail(f"external Neo4j at {target.uri} is not reachable: {error}") from error
        typer.echo(f"external: {target.uri}\nversion: {version}\nedition: {edition}")
        return
    status = local_server(settings).status()
    lines = [
        f"running: {'yes' if status.running else 'no'}",
        f"pid: {status.pid or '-'}",
        f"uri: {status.uri or '-'}",
        f"http port: {status.http_port or '-'}",
        f"version: {status.version or settings.neo4j_version}",
        f"edition: {status.edition or 'community'}",
        f"data directory: {status.data_dir}",
    ]
    typer.echo("\n".join(lines))
    if not status.running:
        raise typer.Exit(3)


@neo4j_app.command("env")
def neo4j_env() -> None:
    """Print NEO4J_URI/NEO4J_USER/NEO4J_PASSWORD for `eval "$(scholargraph neo4j env)"`."""
    settings = _settings()
    try:
        target = connection_info(settings)
    except LocalNeo4jError as error:
        raise _fail(str(error)) from error
    pairs = (
        ("NEO4J_URI", target.uri),
        ("NEO4J_USER", target.user),
        ("NEO4J_PASSWORD", target.password),
        ("NEO4J_DATABASE", target.database),
    )
    for key, value in pairs:
        typer.echo(f"{key}={shlex.quote(value)}")
    typer.echo("export " + " ".join(key for key, _ in pairs))


@app.command()
def migrate() -> None:
    """Apply pending schema migrations (idempotent) and list what the graph records."""
    settings = _settings()
    try:
        target = connection_info(settings)
    except LocalNeo4jError as error:
        raise _fail(str(error)) from error
    with open_driver(target) as driver:
        applied = apply_migrations(driver, target.database)
        for migration in applied:
            console.print(f"applied {migration.version}: {migration.name}")
        if not applied:
            console.print("schema is up to date")
        for recorded in fetch_applied_migrations(driver, target.database):
            typer.echo(f"{recorded.version}\t{recorded.checksum}\t{recorded.name}")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to bind.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
) -> None:
    """Serve the GraphQL API (GraphiQL at /graphql, health at /healthz)."""
    import uvicorn

    uvicorn.run(
        "scholargraph.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
    )


@app.command()
def demo(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to bind.")] = 8000,
    serve_api: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve the API after loading.")
    ] = True,
) -> None:
    """Start Neo4j, apply the schema, load demo data, and serve GraphQL with GraphiQL."""
    from scholargraph.demo import prepare_demo

    settings = _settings()
    try:
        loaded = prepare_demo(settings, console)
    except LocalNeo4jError as error:
        raise _fail(str(error)) from error
    console.print(f"\n[green]Demo data:[/green] {loaded}")
    console.print(f"GraphiQL:  http://{host}:{port}/graphql")
    console.print(f"Health:    http://{host}:{port}/healthz")
    console.print('Cypher:    eval "$(.venv/bin/scholargraph neo4j env)"  (then cypher-shell, ...)')
    if serve_api:
        serve(host=host, port=port, workers=1)


@app.command("export-schema")
def export_schema(
    output: Annotated[Path, typer.Argument(help="Where to write the SDL.")] = Path(
        "schema.graphql"
    ),
) -> None:
    """Write the GraphQL schema (SDL) that clients code against."""
    from schema import build_schema

    output.write_text(build_schema(_settings().limits).as_str() + "\n")
    console.print(f"wrote {output}")


@users_app.command("create")
def users_create(
    email: Annotated[str, typer.Option(help="Login email.")],
    name: Annotated[str, typer.Option(help="Display name.")],
    password: Annotated[
        str,
        typer.Option(
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            envvar="SCHOLARGRAPH_NEW_USER_PASSWORD",
            help="Asked for when not given (or SCHOLARGRAPH_NEW_USER_PASSWORD).",
        ),
    ],
    admin: Annotated[bool, typer.Option("--admin", help="Make an administrator.")] = False,
) -> None:
    """Create an account; with --admin, an administrator (the only way to make one)."""
    from scholargraph.auth import create_account

    settings = _settings()
    try:
        user = create_account(settings, email, password, name, is_admin=admin)
    except LocalNeo4jError as error:
        raise _fail(str(error)) from error
    except ValueError as error:
        raise _fail(str(error)) from error
    role = "administrator" if user.is_admin else "user"
    console.print(f"created {role} {user.email} (User:{user.id})")


@users_app.command("list")
def users_list() -> None:
    """Every account: id, email, name, role."""
    from scholargraph.auth import list_accounts

    try:
        found = list_accounts(_settings())
    except LocalNeo4jError as error:
        raise _fail(str(error)) from error
    for user in found:
        role = "admin" if user.is_admin else "user"
        typer.echo(f"User:{user.id}\t{user.email or '-'}\t{user.name}\t{role}")


load_app = typer.Typer(help="Load metadata files into the graph.", no_args_is_help=True)
app.add_typer(load_app, name="load")
harvest_app = typer.Typer(help="Harvest metadata from OAI-PMH endpoints.", no_args_is_help=True)
app.add_typer(harvest_app, name="harvest")


@load_app.command("arxiv")
def load_arxiv(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (.gz is fine).")],
    quarantine: Annotated[
        Path, typer.Option(help="Where rejected records go, as JSON lines.")
    ] = Path("quarantine.jsonl"),
    batch_size: Annotated[int, typer.Option(help="Papers per transaction.")] = 1000,
    writers: Annotated[
        int, typer.Option(min=1, max=16, help="Transactions committing batches at once.")
    ] = 2,
    progress: Annotated[bool, typer.Option(help="Show a progress bar.")] = True,
    taxonomy: Annotated[
        Path | None, typer.Option(help="arXiv taxonomy folder (default: in the data dir).")
    ] = None,
    ror: Annotated[
        Path | None, typer.Option(help="ROR affiliation mapping folder (default: data dir).")
    ] = None,
    rescan: Annotated[
        bool, typer.Option(help="Read files again even where a checkpoint says they are done.")
    ] = False,
) -> None:
    """Load Kaggle JSON lines, OAI-PMH pages or Atom feeds; resumable and idempotent.

    Exit code 0: everything loaded; 2: some records were quarantined; 1: the load failed.
    """
    from scholargraph.loading import run_load

    settings = _settings()
    try:
        report = run_load(
            settings,
            paths,
            quarantine_path=quarantine,
            batch_size=batch_size,
            writers=writers,
            progress=progress,
            taxonomy_dir=taxonomy,
            ror_dir=ror,
            rescan=rescan,
            console=console,
        )
    except (LocalNeo4jError, FileNotFoundError) as error:
        raise _fail(str(error)) from error
    except NEO4J_FAILURES as error:
        raise _neo4j_failed(error, RESUMABLE) from error
    if report.quarantined:
        raise typer.Exit(2)


@load_app.command("ror")
def load_ror(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="ROR JSON files or folders (default: the data dir's ROR folder)."),
    ] = None,
) -> None:
    """Link institutions to ROR records: ROR id and mail domains (for claim verification).

    Matches Institution nodes by ROR id or by normalised name; idempotent; read in place.
    """
    from scholargraph.loading import run_ror_load

    settings = _settings()
    try:
        run_ror_load(settings, paths or [settings.data_dir / "institutions_ror_api"], console)
    except (LocalNeo4jError, FileNotFoundError, ValueError) as error:
        raise _fail(str(error)) from error


import_app = typer.Typer(help="Offline initial loads through neo4j-admin.", no_args_is_help=True)
app.add_typer(import_app, name="import")


@import_app.command("arxiv")
def import_arxiv(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (.gz is fine).")],
    quarantine: Annotated[
        Path, typer.Option(help="Where rejected records go, as JSON lines.")
    ] = Path("quarantine.jsonl"),
    taxonomy: Annotated[Path | None, typer.Option(help="arXiv taxonomy folder.")] = None,
    ror: Annotated[Path | None, typer.Option(help="ROR affiliation mapping folder.")] = None,
) -> None:
    """REPLACE the local database with PATHs via neo4j-admin import (initial loads only).

    The server is stopped, the CSV files the loader writes are imported, the server restarts,
    migrations and the identity step run. Exit code 2 when records were quarantined.
    """
    from scholargraph.bulkload import BulkImportError, run_bulk_import

    settings = _settings()
    try:
        report = run_bulk_import(
            settings, paths, quarantine_path=quarantine, taxonomy_dir=taxonomy, ror_dir=ror,
            console=console,
        )  # fmt: skip
    except (LocalNeo4jError, BulkImportError, FileNotFoundError) as error:
        raise _fail(str(error)) from error
    except NEO4J_FAILURES as error:
        raise _neo4j_failed(error) from error
    if report.quarantined:
        raise typer.Exit(2)


@harvest_app.command("arxiv")
def harvest_arxiv(
    from_: Annotated[
        str | None, typer.Option("--from", help="YYYY-MM-DD; default: continue from saved state.")
    ] = None,
    set_: Annotated[
        str | None, typer.Option("--set", help="OAI set, e.g. cs or physics:hep-th.")
    ] = None,
    endpoint: Annotated[
        str, typer.Option(help="OAI-PMH base URL.")
    ] = "https://export.arxiv.org/oai2",
    until: Annotated[str | None, typer.Option(help="YYYY-MM-DD upper bound.")] = None,
    max_pages: Annotated[int | None, typer.Option(help="Stop after this many pages.")] = None,
    quarantine: Annotated[Path, typer.Option(help="Where rejected records go.")] = Path(
        "quarantine.jsonl"
    ),
    progress: Annotated[bool, typer.Option(help="Show a progress bar.")] = True,
) -> None:
    """Incremental OAI-PMH harvest (metadataPrefix arXiv) with resumptionToken paging."""
    from scholargraph.loading import run_harvest

    settings = _settings()
    try:
        report = run_harvest(
            settings,
            endpoint=endpoint,
            from_date=from_,
            until=until,
            set_spec=set_,
            max_pages=max_pages,
            quarantine_path=quarantine,
            progress=progress,
            console=console,
        )
    except LocalNeo4jError as error:
        raise _fail(str(error)) from error
    except NEO4J_FAILURES as error:
        raise _neo4j_failed(error, RESUMABLE) from error
    if report.quarantined:
        raise typer.Exit(2)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
    except NEO4J_FAILURES as error:
        # Any other command (migrate, users, ...): a line, not the driver's traceback.
        _neo4j_failed(error)
        sys.exit(1)


if __name__ == "__main__":
    main()
