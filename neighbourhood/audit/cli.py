"""`flask audit verify`: check the whole chain, then every domain's records against it; non-zero exit when the
chain is broken or any record disagrees with it."""
import click
from flask.cli import AppGroup
from flask_babel import force_locale

from neighbourhood.audit import services
from neighbourhood.extensions import db

audit_cli = AppGroup("audit", help="Audit log commands.")


@audit_cli.command("verify")
def verify_command() -> None:
    """Recompute every entry's hash and its link to the one before; then cross-check the records."""
    report = services.verify_chain(db.session)
    if report.ok:
        click.echo(f"OK {report.count} entries, head {report.head_hash}")
    else:
        click.echo(
            f"BROKEN at entry {report.broken_seq}: {report.problem} "
            f"({report.count} entries verified before it, last good hash {report.head_hash})",
            err=True,
        )
    # Operators read this output in English, like the chain's lines above.
    with force_locale("en"):
        results = services.run_cross_checks(db.session)
        for result in results:
            if result.ok:
                click.echo(f"OK {result.name}")
                continue
            click.echo(f"PROBLEMS in {result.name}: {len(result.problems)}", err=True)
            for problem in result.problems:
                click.echo(f"  {problem}", err=True)
    if not report.ok or not all(result.ok for result in results):
        raise SystemExit(1)
