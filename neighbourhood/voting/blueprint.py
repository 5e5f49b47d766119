"""The voting blueprint, shared by the voters' pages (views.py) and the convenor's (manage.py), and its command."""
import click
from flask import Blueprint, current_app

from neighbourhood.extensions import db
from neighbourhood.voting import services
from neighbourhood.voting.integrity import BallotKeys

bp = Blueprint("voting", __name__)


@bp.cli.command("process-due")
def process_due_command() -> None:
    """Open scheduled ballots, close those past their time, remind non-voters a day before close (run by cron
    every few minutes; ballot pages also do it before they render)."""
    done = services.process_due(db.session, keys=BallotKeys.from_secret(current_app.config["SECRET_KEY"]))
    db.session.commit()
    click.echo(", ".join(f"{what}: {n}" for what, n in sorted(done.items())) or "nothing due")
