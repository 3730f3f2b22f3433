"""The forms of the document pages and the words they show for kinds, statuses and SDGs.

Like app/web/forms.py, these carry the CSRF token and the fields' shape; the actions validate.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField

KIND_NAMES = {"page": _l("Page"), "good_practice": _l("Good practice")}
STATUS_NAMES = {
    "planned": _l("Planned"),
    "ongoing": _l("Ongoing"),
    "completed": _l("Completed"),
    "ended": _l("Ended"),
}
# The UN Sustainable Development Goals by their official short names.
SDG_NAMES = {
    1: _l("No poverty"),
    2: _l("Zero hunger"),
    3: _l("Good health and well-being"),
    4: _l("Quality education"),
    5: _l("Gender equality"),
    6: _l("Clean water and sanitation"),
    7: _l("Affordable and clean energy"),
    8: _l("Decent work and economic growth"),
    9: _l("Industry, innovation and infrastructure"),
    10: _l("Reduced inequalities"),
    11: _l("Sustainable cities and communities"),
    12: _l("Responsible consumption and production"),
    13: _l("Climate action"),
    14: _l("Life below water"),
    15: _l("Life on land"),
    16: _l("Peace, justice and strong institutions"),
    17: _l("Partnerships for the goals"),
}
PRACTICE_FIELDS = ("organisation", "themes", "sdgs", "status", "results", "contact")
MARKDOWN_HELP = _l("Markdown: ## headings, **bold**, _italic_, lists, links, tables")


class DocumentForm(FlaskForm):
    """Writing a document; the good-practice fields are sent only for good practices."""

    title = StringField(_l("Title"))
    body = TextAreaField(_l("Text"), description=MARKDOWN_HELP)
    organisation = StringField(_l("Organisation or city"), description=_l("e.g. City of Tampere"))
    themes = StringField(_l("Themes"), description=_l("Separated by commas, e.g. energy, schools"))
    sdgs = SelectMultipleField(_l("Sustainable Development Goals"), choices=[(str(n), "") for n in SDG_NAMES],
                               validate_choice=False)
    status = SelectField(_l("Status"), choices=list(STATUS_NAMES.items()), default="ongoing", validate_choice=False)
    results = TextAreaField(_l("Results"), description=_l("What changed, in figures where you can"))
    contact = StringField(_l("Contact person"), description=_l("Who to ask, e.g. name and title"))

    def practice_fields(self) -> dict[str, Any]:
        """The good-practice fields as the actions take them."""
        return {
            "organisation": self.organisation.data, "themes": self.themes.data, "sdgs": self.sdgs.data or [],
            "status": self.status.data, "results": self.results.data, "contact": self.contact.data,
        }

    def fill_practice(self, fields: dict[str, Any]) -> None:
        self.organisation.data = fields.get("organisation", "")
        self.themes.data = ", ".join(fields.get("themes", []))
        self.sdgs.data = [str(n) for n in fields.get("sdgs", [])]
        self.status.data = fields.get("status") or "ongoing"
        self.results.data = fields.get("results", "")
        self.contact.data = fields.get("contact", "")


class NewDocumentForm(DocumentForm):
    kind = RadioField(_l("Kind"), choices=list(KIND_NAMES.items()), default="page", validate_choice=False)


class EditDocumentForm(DocumentForm):
    summary = StringField(_l("What did you change?"), description=_l("A few words for the history, e.g. "
                                                                     "\"Added the results of 2025\""))
    # The revision the edit started from: a save on an older one is merged or shown as a conflict.
    base_revision = HiddenField()
