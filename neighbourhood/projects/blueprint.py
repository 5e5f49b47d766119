"""The projects blueprint, shared by the project pages (views.py), funding (funding_views.py), the
supervisors' dashboard (oversight.py) and 问效 (evaluation_views.py), and its command."""
import click
from flask import Blueprint

from neighbourhood.extensions import db
from neighbourhood.projects import evaluation

bp = Blueprint("projects", __name__)


@bp.cli.command("process-due")
def process_due_command() -> None:
    """Settle the rating windows that have closed, flagging projects rated below 3.0 for rectification (run by
    cron every few minutes)."""
    settled = evaluation.settle_due(db.session)
    db.session.commit()
    click.echo(f"ratings settled: {settled}" if settled else "nothing due")
