"""`flask audit verify`: check the whole chain; non-zero exit when it is broken."""
import click
from flask.cli import AppGroup

from neighbourhood.audit import services
from neighbourhood.extensions import db

audit_cli = AppGroup("audit", help="Audit log commands.")


@audit_cli.command("verify")
def verify_command() -> None:
    """Recompute every entry's hash and its link to the one before."""
    report = services.verify_chain(db.session)
    if report.ok:
        click.echo(f"OK {report.count} entries, head {report.head_hash}")
        return
    click.echo(
        f"BROKEN at entry {report.broken_seq}: {report.problem} "
        f"({report.count} entries verified before it, last good hash {report.head_hash})",
        err=True,
    )
    raise SystemExit(1)
