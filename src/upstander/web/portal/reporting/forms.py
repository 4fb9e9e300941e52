"""The reporting forms: plain questions, every field validated with a message a member of the public
understands, and everything typed kept when something is wrong (Django re-renders the bound form).

One form serves the three routes; the partner route adds the worker's details, and the staff route says that
line managers never see a report. A reporter either stays anonymous or gives details with consent and safe ways
to be contacted: a survivor may live with the abuser.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.validators import validate_email

from upstander.web.portal.models import Report

MAX_TEXT = 20_000
MIN_ACCOUNT = 20
PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{8,18}[0-9]$")
CHANNELS = (
    ("phone_call", "A phone call"),
    ("text_message", "A text message"),
    ("email", "An email"),
    ("letter", "A letter"),
    ("through_worker", "Through my support worker"),
)
OTHERS = (("no", "No, not that I know of"), ("yes", "Yes"), ("unsure", "I don't know"))
ANONYMITY = (
    ("anonymous", "Stay anonymous: I will use a receipt code to follow up"),
    ("named", "Give my details so the unit can contact me"),
)
SURVIVOR_CONSENT = (
    ("yes", "Yes, they know and agree"),
    ("no", "No, they do not know"),
    ("unsafe", "It is not safe to ask them"),
)


def _text(
    label: str, *, required: bool = False, max_length: int = 200, help_text: str = "", rows: int = 0
) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        widget=widget,
        strip=True,
        error_messages={
            "required": f"Please tell us {label[0].lower() + label[1:].rstrip('?')}.",
            "max_length": f"{label}: please keep this under {max_length:,} characters.",
        },
    )


def _radio(label: str, choices: tuple[tuple[str, str], ...], required: str, initial: str | None = None
           ) -> forms.ChoiceField:
    """One answer from a few, as radio buttons; `required` is the message when none is chosen."""
    return forms.ChoiceField(label=label, choices=choices, widget=forms.RadioSelect, initial=initial,
                             error_messages={"required": required,
                                             "invalid_choice": "Please choose one of the answers given."})


class ReportForm(forms.Form):
    # About the officer or member of staff.
    subject_name = _text("Their name, if you know it")
    subject_collar = _text(
        "Collar or shoulder number", max_length=20, help_text="The number on their uniform, for example PC 1234."
    )
    subject_role = _text("Their role or rank", help_text="For example police officer, PCSO, detective, call handler.")
    subject_station = _text("Station or area they work in")
    subject_vehicle = _text("Vehicle registration or call sign", max_length=40)
    subject_description = _text(
        "What they look like, or anything else that helps identify them", max_length=2000, rows=3
    )
    # What happened.
    what_happened = _text(
        "What happened",
        required=True,
        max_length=MAX_TEXT,
        rows=8,
        help_text="In your own words. Include anything they said or sent you.",
    )
    when_happened = _text("When it happened", help_text="A date, or roughly, for example 'last spring, at night'.")
    where_happened = _text("Where it happened", max_length=500)
    others_affected = _radio("Do you think anyone else has been affected?", OTHERS,
                             "Please say whether anyone else has been affected.", initial="unsure")
    others_detail = _text("Tell us about them, if you can", max_length=2000, rows=2)
    # Who is reporting.
    anonymity = _radio("Do you want to stay anonymous?", ANONYMITY, "Please choose whether to stay anonymous.",
                       initial="anonymous")
    reporter_name = _text("Your name")
    reporter_phone = _text("Phone number", max_length=24)
    reporter_email = _text("Email address", max_length=254)
    contact_consent = forms.BooleanField(label="I agree to be contacted about this report", required=False)
    safe_channels = forms.MultipleChoiceField(
        label="How is it safe to contact you?",
        choices=CHANNELS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "Please choose from the ways listed."},
    )
    safe_times = _text(
        "When is it safe to contact you?",
        max_length=500,
        help_text="For example 'weekdays 10am to 2pm, never at weekends'.",
    )

    def __init__(self, *args: Any, route: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.route = route
        if route == Report.Route.PARTNER:
            self.fields["partner_agency"] = _text(
                "Your organisation", required=True, help_text="For example a domestic abuse service or council."
            )
            self.fields["partner_worker"] = _text(
                "Your name, role and how to reach you", required=True, max_length=500, rows=2
            )
            self.fields["survivor_consent"] = _radio(
                "Does the person you support know about this referral?", SURVIVOR_CONSENT,
                "Please say whether the person you support knows about this referral.")
            self.fields["what_happened"].label = "What happened to the person you support"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        about = (
            "subject_name",
            "subject_collar",
            "subject_role",
            "subject_station",
            "subject_vehicle",
            "subject_description",
        )
        if not any(data.get(f) for f in about):
            self.add_error(
                "subject_name",
                "Please tell us at least one thing that helps identify who you are "
                "reporting: a name, a number, a vehicle or a description.",
            )
        account = data.get("what_happened", "")
        if account and len(account) < MIN_ACCOUNT:
            self.add_error(
                "what_happened",
                f"Please tell us a little more about what happened (at least {MIN_ACCOUNT} characters).",
            )
        if data.get("anonymity") == "named":
            self._clean_contact(data)
        return data

    def _clean_contact(self, data: dict[str, Any]) -> None:
        if not data.get("reporter_name"):
            self.add_error("reporter_name", "Please give your name, or choose to stay anonymous.")
        phone, email = data.get("reporter_phone", ""), data.get("reporter_email", "")
        if phone and not PHONE.match(phone):
            self.add_error("reporter_phone", "Please check the phone number: digits, spaces and a leading + only.")
        if email:
            try:
                validate_email(email)
            except forms.ValidationError:
                self.add_error(
                    "reporter_email", "Please check the email address: it should look like name@example.org."
                )
        if data.get("contact_consent"):
            if (
                not phone
                and not email
                and "letter" not in data.get("safe_channels", [])
                and "through_worker" not in data.get("safe_channels", [])
            ):
                self.add_error(
                    "reporter_phone", "Please give a phone number or an email address, so the unit can contact you."
                )
            if not data.get("safe_channels"):
                self.add_error("safe_channels", "Please choose at least one way that is safe to contact you.")
            if "email" in data.get("safe_channels", []) and not email:
                self.add_error(
                    "reporter_email", "You chose email as a safe way to contact you: please give the address."
                )
            if {"phone_call", "text_message"} & set(data.get("safe_channels", [])) and not phone:
                self.add_error("reporter_phone", "You chose a call or a text: please give the phone number.")


class FollowUpForm(forms.Form):
    code = forms.CharField(
        label="Your receipt code",
        max_length=200,
        strip=True,
        help_text="The six words you were given when you made your report.",
        error_messages={"required": "Please enter your receipt code: six words."},
    )


class ReplyForm(forms.Form):
    body = _text("Your message", required=True, max_length=MAX_TEXT, rows=5)
