"""The collaborators page: who works on a list, with which rights, and invitations.

Everyone who may edit the list sees who else does; only those with manage
rights change it. Search answers JSON for the autocomplete and renders the
same page (with results) without JavaScript.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from readings.accounts.models import User
from readings.core.exceptions import InvalidInput, NotFound
from readings.lists.access import access_list_by_id
from readings.lists.forms import (
    CollaboratorAddForm,
    CollaboratorRoleForm,
    CollaboratorSearchForm,
    InvitationForm,
)
from readings.lists.models import ListInvitation, ListMember, ReadingList
from readings.lists.selectors import collaborator_candidates, list_members, pending_invitations
from readings.lists.services import (
    invitation_accept,
    invitation_cancel,
    invitation_create,
    invitation_pending,
    member_remove,
    member_set,
)


def _page(request: HttpRequest, reading_list: ReadingList, access, **extra) -> HttpResponse:
    search = extra.pop("search", None) or CollaboratorSearchForm(request.GET or None)
    query = search.cleaned_data.get("q", "") if search.is_valid() else ""
    context = {
        "list": reading_list,
        "access": access,
        "members": list_members(reading_list=reading_list),
        "invitations": pending_invitations(reading_list=reading_list) if access.manage else [],
        "search": search,
        "query": query,
        "candidates": (
            collaborator_candidates(reading_list=reading_list, query=query) if access.manage else []
        ),
        "add_form": CollaboratorAddForm(),
        "invite_form": extra.pop("invite_form", None) or InvitationForm(),
        "role_form": CollaboratorRoleForm,
        **extra,
    }
    status = 400 if context.get("errors") else 200
    return render(request, "lists/collaborators.html", context, status=status)


@login_required
def collaborators(request: HttpRequest, list_id: int) -> HttpResponse:
    reading_list, access = access_list_by_id(request.user, list_id, for_edit=True)
    return _page(request, reading_list, access)


@login_required
def collaborator_search(request: HttpRequest, list_id: int) -> JsonResponse:
    reading_list, _access = access_list_by_id(request.user, list_id, for_manage=True)
    form = CollaboratorSearchForm(request.GET)
    query = form.cleaned_data.get("q", "") if form.is_valid() else ""
    people = collaborator_candidates(reading_list=reading_list, query=query)
    return JsonResponse(
        {
            "results": [
                {
                    "id": person.pk,
                    "name": person.get_full_name() or person.username,
                    "username": person.username,
                    "email": person.email,
                }
                for person in people
            ]
        }
    )


def _done(request: HttpRequest, reading_list: ReadingList, message: str) -> HttpResponse:
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"ok": True, "message": message})
    messages.success(request, message)
    return redirect("lists:collaborators", reading_list.pk)


def _member_user(reading_list: ReadingList, user_id: int) -> User:
    user = User.objects.filter(pk=user_id, institution_id=reading_list.institution_id).first()
    if user is None:
        raise NotFound(_("No such person at this institution."))
    return user


@login_required
@require_POST
def collaborator_add(request: HttpRequest, list_id: int) -> HttpResponse:
    reading_list, access = access_list_by_id(request.user, list_id, for_manage=True)
    form = CollaboratorAddForm(request.POST)
    if not form.is_valid():
        raise InvalidInput(form.errors)
    person = _member_user(reading_list, form.cleaned_data["user"])
    try:
        member_set(reading_list=reading_list, user=person, role=form.cleaned_data["role"])
    except InvalidInput as exc:
        return _page(request, reading_list, access, errors=exc.errors)
    name = person.get_full_name() or person.username
    return _done(request, reading_list, _("%(name)s added.") % {"name": name})


@login_required
@require_POST
def collaborator_role(request: HttpRequest, list_id: int, user_id: int) -> HttpResponse:
    reading_list, access = access_list_by_id(request.user, list_id, for_manage=True)
    member = _member(reading_list, user_id)
    form = CollaboratorRoleForm(request.POST)
    if not form.is_valid():
        raise InvalidInput(form.errors)
    try:
        member_set(reading_list=reading_list, user=member.user, role=form.cleaned_data["role"])
    except InvalidInput as exc:
        return _page(request, reading_list, access, errors=exc.errors)
    name = member.user.get_full_name() or member.user.username
    return _done(request, reading_list, _("Rights of %(name)s changed.") % {"name": name})


@login_required
@require_POST
def collaborator_remove(request: HttpRequest, list_id: int, user_id: int) -> HttpResponse:
    reading_list, access = access_list_by_id(request.user, list_id, for_manage=True)
    member = _member(reading_list, user_id)
    try:
        member_remove(reading_list=reading_list, user=member.user)
    except InvalidInput as exc:
        return _page(request, reading_list, access, errors=exc.errors)
    name = member.user.get_full_name() or member.user.username
    if member.user_id == request.user.pk:
        messages.success(request, _("You no longer collaborate on this list."))
        return redirect("courses:home")
    return _done(request, reading_list, _("%(name)s removed.") % {"name": name})


def _member(reading_list: ReadingList, user_id: int) -> ListMember:
    member = (
        ListMember.objects.select_related("user")
        .filter(reading_list=reading_list, user_id=user_id)
        .first()
    )
    if member is None:
        raise NotFound(_("This person does not collaborate on the list."))
    return member


@login_required
@require_POST
def invitation_new(request: HttpRequest, list_id: int) -> HttpResponse:
    reading_list, access = access_list_by_id(request.user, list_id, for_manage=True)
    form = InvitationForm(request.POST)
    if not form.is_valid():
        return _page(request, reading_list, access, invite_form=form, errors={})
    email = form.cleaned_data["email"]
    invitation_create(
        reading_list=reading_list,
        email=email,
        role=form.cleaned_data["role"],
        invited_by=request.user,
        accept_url_for=lambda token: request.build_absolute_uri(
            reverse("lists:invitation", args=[token])
        ),
    )
    return _done(request, reading_list, _("Invitation sent to %(email)s.") % {"email": email})


@login_required
@require_POST
def invitation_withdraw(request: HttpRequest, list_id: int, invitation_id: int) -> HttpResponse:
    reading_list, _access = access_list_by_id(request.user, list_id, for_manage=True)
    invitation_cancel(reading_list=reading_list, invitation_id=invitation_id)
    return _done(request, reading_list, _("Invitation withdrawn."))


@login_required
def invitation_open(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link: sign in (login_required) with the invited address, then confirm."""
    invitation = invitation_pending(token=token)
    if invitation.reading_list.institution_id != request.user.institution_id:
        raise NotFound(_("This invitation is for another institution's list."))
    if not invitation.is_addressed_to(request.user):
        return _not_addressed_to_you(request, invitation)
    if request.method == "POST":
        invitation_accept(token=token, user=request.user)
        messages.success(request, _("You now collaborate on this list."))
        return redirect("lists:detail", invitation.reading_list_id)
    return render(request, "lists/invitation.html", {"invitation": invitation})


def _not_addressed_to_you(request: HttpRequest, invitation: ListInvitation) -> HttpResponse:
    """Refuse a link opened by someone else, saying whose it is without giving the address away."""
    inviter = invitation.invited_by
    context = {
        "invitation": invitation,
        "inviter": (inviter.get_full_name() or inviter.username) if inviter else "",
    }
    return render(request, "lists/invitation_not_yours.html", context, status=403)
