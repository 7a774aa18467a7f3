from __future__ import annotations

from typing import Any

from django.contrib.auth.forms import UserChangeForm
from django.utils.translation import gettext_lazy as _

from readings.accounts.models import User


class UserAdminChangeForm(UserChangeForm):
    """A librarian's processing departments must be their own institution's."""

    class Meta(UserChangeForm.Meta):
        model = User

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        institution = cleaned.get("institution")
        departments = cleaned.get("processing_departments") or ()
        if any(d.institution_id != getattr(institution, "pk", None) for d in departments):
            self.add_error(
                "processing_departments", _("Choose departments of the user's institution.")
            )
        return cleaned
