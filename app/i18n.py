"""Choosing the interface language: the user's setting, else the visitor's choice, else the browser's.

Adding a language is a translations folder and its code in Config.LANGUAGES.
"""

from __future__ import annotations

from flask import Flask, current_app, request, session

from app.extensions import babel
from app.identity import current_actor

LANGUAGE_NAMES = {"fi": "Suomi", "en": "English", "sv": "Svenska"}


def select_locale() -> str | None:
    languages = current_app.config["LANGUAGES"]
    user = current_actor()
    if user is not None and user.language in languages:
        return user.language
    chosen = session.get("lang")
    if chosen in languages:
        return str(chosen)
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def install_i18n(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
