"""Outgoing mail: SMTP when MAIL_SERVER is set, else the message is written to the log (development).

A message is composed in the request but delivered in a background task, so no request waits on
the SMTP server: a slow server does not hold the request, and how long a request takes does not
tell whether a mail was sent (a reset request for a known address costs what an unknown one does).
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from typing import Any

from flask import current_app

from app.extensions import socketio

log = logging.getLogger("app.mail")


def send_mail(to: str, subject: str, body: str) -> None:
    """Compose a message and hand it to a background task for delivery (returns at once)."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    settings = {key: config[key] for key in
                ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "MAIL_USERNAME", "MAIL_PASSWORD")}
    socketio.start_background_task(deliver, message, settings)


def deliver(message: EmailMessage, settings: dict[str, Any]) -> None:
    """Send one message (or log it without MAIL_SERVER); a failure is logged, never raised."""
    if not settings["MAIL_SERVER"]:
        log.warning("mail to %s (no MAIL_SERVER set, printed instead):\n%s\n\n%s",
                    message["To"], message["Subject"], message.get_content())
        return
    try:
        with smtplib.SMTP(settings["MAIL_SERVER"], settings["MAIL_PORT"], timeout=10) as smtp:
            if settings["MAIL_USE_TLS"]:
                smtp.starttls()
            if settings["MAIL_USERNAME"]:
                smtp.login(settings["MAIL_USERNAME"], settings["MAIL_PASSWORD"])
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException, ValueError):  # ValueError: smtplib sends only ASCII credentials
        log.exception("mail to %s could not be delivered", message["To"])
