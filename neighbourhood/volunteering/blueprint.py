"""The volunteering blueprint, shared by the activity pages (views.py), the organiser's roster and check-in
(roster_views.py), records and certificates (record_views.py), the volunteer's own page and the time bank
(me_views.py), and its command."""
import click
from flask import Blueprint

from neighbourhood.extensions import db
from neighbourhood.volunteering import rules, services

bp = Blueprint("volunteering", __name__)
bp.add_app_template_filter(rules.shown_hours, "hours")


@bp.cli.command("process-due")
def process_due_command() -> None:
    """Send the day-before reminders to volunteers whose shift starts within 24 hours (run by cron hourly)."""
    reminded = services.process_due(db.session)
    db.session.commit()
    click.echo(f"reminders sent: {reminded}" if reminded else "nothing due")
