"""HTML forms (Flask-WTF): they carry the CSRF token and the fields' shape; the actions validate."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)

from app.errors import Invalid


class SignInForm(FlaskForm):
    email = EmailField(_l("Email"))
    password = PasswordField(_l("Password"))
    remember = BooleanField(_l("Keep me signed in on this device"))
    next = HiddenField()


class RegisterForm(FlaskForm):
    display_name = StringField(_l("Name"), description=_l("As others will see it, e.g. Anna Virtanen"))
    email = EmailField(_l("Email"))
    organisation = StringField(_l("Organisation"), description=_l("City, municipality, company or association"))
    password = PasswordField(_l("Password"), description=_l("At least 10 characters"))


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("Email"))


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), description=_l("At least 10 characters"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"))
    new_password = PasswordField(_l("New password"), description=_l("At least 10 characters"))


class ProfileForm(FlaskForm):
    display_name = StringField(_l("Name"))
    organisation = StringField(_l("Organisation"))
    title = StringField(_l("Job title"))
    language = SelectField(_l("Language"), choices=[("", _l("Browser's language")), ("fi", "Suomi"), ("en", "English")])


class TokenForm(FlaskForm):
    name = StringField(_l("Token name"), description=_l("What will use it, e.g. a reporting script"))


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class WorkspaceForm(FlaskForm):
    name = StringField(_l("Name"))
    slug = StringField(
        _l("Address"), description=_l("Lowercase letters, digits and hyphens; made from the name if left empty")
    )
    description = TextAreaField(_l("Description"))
    themes = StringField(_l("Themes"), description=_l("Separated by commas, e.g. energy, transport"))
    visibility = SelectField(
        _l("Who can read"),
        choices=[
            ("public", _l("Anyone, also without signing in")),
            ("network", _l("Everyone signed in to the network")),
            ("private", _l("Members only (hidden from others)")),
        ],
        default="network",
    )
    join_policy = SelectField(
        _l("Who can join"),
        choices=[
            ("open", _l("Anyone who can read")),
            ("request", _l("By request, approved by moderators")),
            ("invite", _l("By invitation only")),
        ],
        default="open",
    )


class WorkspaceSettingsForm(WorkspaceForm):
    """The same fields as creating, less the address (links to the workspace must keep working)."""

    slug = None
    archived = BooleanField(_l("Archived: read-only, shown last in the directory"))
    premoderation = BooleanField(
        _l("Pre-moderation: new members' posts wait for a moderator's approval"),
        description=_l("Once a moderator has approved one of a member's posts, their later posts appear at once."),
    )


class ThreadForm(FlaskForm):
    title = StringField(_l("Title"))
    body = TextAreaField(_l("Message"), description=_l("Markdown: **bold**, _italic_, lists, links, > quotes"))


class PostForm(FlaskForm):
    body = TextAreaField(_l("Reply"), description=_l("Markdown: **bold**, _italic_, lists, links, > quotes"))
    reply_to = HiddenField()


class JoinRequestForm(FlaskForm):
    message = TextAreaField(
        _l("Message to the moderators (optional)"),
        description=_l("Who you are and why you would like to join, e.g. your role in your city's climate work"),
    )


class ReasonForm(FlaskForm):
    """A decision with an optional reason: ban, remove, decline a request, reject a post."""

    reason = TextAreaField(_l("Reason (optional)"))
    next = HiddenField()


class HideForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason"), description=_l("The author sees this reason; others see only that a post was hidden.")
    )
    next = HiddenField()


class SuspendForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), description=_l("Recorded in the audit log."))


FLAG_REASONS = [
    ("spam", _l("Spam or advertising")),
    ("inappropriate", _l("Inappropriate or offensive")),
    ("off_topic", _l("Off topic")),
    ("other", _l("Something else")),
]


class FlagForm(FlaskForm):
    reason = RadioField(_l("What is wrong with the post?"), choices=FLAG_REASONS, validate_choice=False)
    text = TextAreaField(
        _l("More details for the moderators"), description=_l("Required when you choose \"Something else\".")
    )


ROLE_CHOICES = [
    ("member", _l("Member")),
    ("facilitator", _l("Facilitator")),
    ("moderator", _l("Moderator")),
    ("owner", _l("Owner")),
]


class InviteForm(FlaskForm):
    email = EmailField(
        _l("Email address"),
        description=_l(
            "If the address has an account, that person is invited; otherwise they can create one from the link."
        ),
    )
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, validate_choice=False)


class InvitationRegisterForm(FlaskForm):
    display_name = StringField(_l("Name"), description=_l("As others will see it, e.g. Anna Virtanen"))
    organisation = StringField(_l("Organisation"), description=_l("City, municipality, company or association"))
    password = PasswordField(_l("Password"), description=_l("At least 10 characters"))


class ThreadTitleForm(FlaskForm):
    title = StringField(_l("Title"))


class MoveThreadForm(FlaskForm):
    workspace = SelectField(_l("Move to"), validate_choice=False)


def show_errors(form: FlaskForm, error: Invalid) -> None:
    """Put the action's field messages next to the form's fields (the rest, and those of hidden
    fields such as a reply's `reply_to`, which no one would see, above the form)."""
    for name, message in error.fields.items():
        field = getattr(form, name, None)
        if field is not None and field.type != "HiddenField":
            field.errors = [*list(field.errors or []), message]
        else:
            form.form_errors.append(message)
