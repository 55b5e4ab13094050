"""`onrecord serve`: the web app."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.options import DataDirOption, HostOption, PortOption, reports_errors, settings_from

app = typer.Typer()


@app.command()
@reports_errors
def serve(
    host: Annotated[
        str | None,
        typer.Option(
            help="interface to listen on (env ONRECORD_HOST; default 127.0.0.1); an address other than loopback "
            "needs a log-in (ONRECORD_AUTH_USERNAME and ONRECORD_AUTH_PASSWORD) or --no-auth"
        ),
    ] = None,
    port: Annotated[int | None, typer.Option(help="port (env ONRECORD_PORT; default 7860)")] = None,
    no_auth: Annotated[
        bool,
        typer.Option("--no-auth", help="serve on an address other than loopback without a log-in: open to anyone"),
    ] = False,
    data_dir: DataDirOption = None,
    chroma_host: HostOption = None,
    chroma_port: PortOption = None,
) -> None:
    """Serve the web app (ingesting the sample transcripts into a new, empty library)."""
    from app import serve as serve_app

    serve_app(settings_from(data_dir, chroma_host, chroma_port, host=host, port=port), without_login=no_auth)
