"""Writes for reading lists, sections, members and tags.

Every change to a list or its content runs in a transaction that locks the
list row and bumps ``version``; callers that pass ``expected_version`` get a
``Conflict`` instead of overwriting someone else's newer edit.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from readings.accounts.models import User
from readings.core import positions
from readings.core.exceptions import Conflict, Forbidden, InvalidInput, NotFound
from readings.core.models import validate
from readings.courses.models import Course
from readings.institutions.models import Institution
from readings.lists import syllabus as syllabus_files
from readings.lists.models import (
    ListCourse,
    ListInvitation,
    ListMember,
    ListStatus,
    MemberRole,
    PublicationStatus,
    ReadingList,
    Section,
    Tag,
    TagKind,
    Visibility,
)

_LIST_FIELDS = (
    "name",
    "description",
    "subject",
    "status",
    "publication_status",
    "visibility",
    "due_back_date",
    "is_template",
)


def list_lock(*, list_id: int, expected_version: int | None = None) -> ReadingList:
    """Lock a list for a change (call inside a transaction) and check the version."""
    reading_list = ReadingList.objects.select_for_update().filter(pk=list_id).first()
    if reading_list is None:
        raise NotFound(gettext("No such reading list."))
    if expected_version is not None and reading_list.version != expected_version:
        raise Conflict(
            gettext(
                "Someone else changed this list since you opened it (you had version "
                "%(yours)s, it is now %(current)s). Reload the list to see their changes, "
                "then make yours again."
            )
            % {"yours": expected_version, "current": reading_list.version},
            code="stale_version",
        )
    return reading_list


def list_bump(reading_list: ReadingList) -> None:
    ReadingList.objects.filter(pk=reading_list.pk).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    reading_list.version += 1


@transaction.atomic
def list_create(
    *,
    institution: Institution,
    name: str,
    acting_user: User | None = None,
    code: str = "",
    courses: Iterable[Course] = (),
    description: str = "",
    subject: str = "",
    visibility: str = Visibility.COURSE,
    publication_status: str = PublicationStatus.DRAFT,
    status: str = ListStatus.BEING_PREPARED,
    due_back_date: datetime.date | None = None,
    first_section: str | None = "Readings",
    rolled_from: ReadingList | None = None,
    is_template: bool = False,
) -> ReadingList:
    """Create a list; its creator (if any) becomes an owner."""
    reading_list = ReadingList(
        institution=institution,
        code=(code or "").strip() or _new_code(),
        name=name.strip(),
        description=description,
        subject=subject,
        visibility=visibility,
        publication_status=publication_status,
        status=status,
        due_back_date=due_back_date,
        rolled_from=rolled_from,
        is_template=is_template,
    )
    validate(reading_list)
    try:
        with transaction.atomic():
            reading_list.save()
    except IntegrityError as exc:
        raise InvalidInput(
            {"code": [gettext("A list with code “%(code)s” exists.") % {"code": reading_list.code}]}
        ) from exc
    for course in courses:
        list_link_course(reading_list=reading_list, course=course)
    if acting_user is not None and acting_user.institution_id == institution.pk:
        ListMember.objects.create(
            reading_list=reading_list, user=acting_user, role=MemberRole.OWNER
        )
    if first_section:
        section_create(reading_list=reading_list, name=first_section)
        reading_list.refresh_from_db(fields=["version"])
    return reading_list


@transaction.atomic
def list_update(
    *, list_id: int, expected_version: int | None = None, **fields: object
) -> ReadingList:
    unknown = set(fields) - set(_LIST_FIELDS)
    if unknown:
        raise TypeError(f"list_update cannot change {sorted(unknown)}")
    reading_list = list_lock(list_id=list_id, expected_version=expected_version)
    for name, value in fields.items():
        # Trimmed as at creation, so "   " is refused as blank rather than kept.
        setattr(reading_list, name, value.strip() if name == "name" else value)
    validate(reading_list)
    reading_list.save(update_fields=[*fields, "updated_at"])
    list_bump(reading_list)
    return reading_list


def list_publish(*, list_id: int, expected_version: int | None = None) -> ReadingList:
    return list_update(
        list_id=list_id,
        expected_version=expected_version,
        publication_status=PublicationStatus.PUBLISHED,
    )


def list_set_publication(
    *, list_id: int, publication_status: str, expected_version: int | None = None
) -> ReadingList:
    """Move a list between draft, published and archived (any way round)."""
    if publication_status not in PublicationStatus.values:
        raise InvalidInput(
            {
                "publication_status": [
                    gettext("“%(value)s” is not a publication status.")
                    % {"value": publication_status}
                ]
            }
        )
    return list_update(
        list_id=list_id, expected_version=expected_version, publication_status=publication_status
    )


def list_send_to_library(*, list_id: int, expected_version: int | None = None) -> ReadingList:
    return list_update(
        list_id=list_id, expected_version=expected_version, status=ListStatus.READY_FOR_PROCESSING
    )


@transaction.atomic
def list_mark_reviewed(
    *, list_id: int, user: User, expected_version: int | None = None
) -> ReadingList:
    """Record that someone who may edit the list reviewed it for students (go-live evidence).

    Marking again moves the date forward: the latest review is the one that counts.
    """
    reading_list = list_lock(list_id=list_id, expected_version=expected_version)
    reading_list.reviewed_at = timezone.now()
    reading_list.reviewed_by = user
    reading_list.save(update_fields=["reviewed_at", "reviewed_by", "updated_at"])
    list_bump(reading_list)
    return reading_list


@transaction.atomic
def list_link_course(
    *, reading_list: ReadingList, course: Course, expected_version: int | None = None
) -> None:
    if course.institution_id != reading_list.institution_id:
        raise InvalidInput(
            {"courses": [gettext("A list can only be linked to its institution's courses.")]}
        )
    locked = list_lock(list_id=reading_list.pk, expected_version=expected_version)
    _, created = ListCourse.objects.get_or_create(reading_list=locked, course=course)
    if created:
        list_bump(locked)
    reading_list.version = locked.version


@transaction.atomic
def list_unlink_course(
    *, reading_list: ReadingList, course: Course, expected_version: int | None = None
) -> None:
    locked = list_lock(list_id=reading_list.pk, expected_version=expected_version)
    deleted, _ = ListCourse.objects.filter(reading_list=locked, course=course).delete()
    if deleted:
        list_bump(locked)
    reading_list.version = locked.version


@transaction.atomic
def list_set_courses(
    *, list_id: int, courses: Iterable[Course], expected_version: int | None = None
) -> ReadingList:
    """Link the list to exactly these courses (one version bump for the whole change)."""
    locked = list_lock(list_id=list_id, expected_version=expected_version)
    wanted = {c.pk: c for c in courses}
    if any(c.institution_id != locked.institution_id for c in wanted.values()):
        raise InvalidInput(
            {"courses": [gettext("A list can only be linked to its institution's courses.")]}
        )
    current = set(
        ListCourse.objects.filter(reading_list=locked).values_list("course_id", flat=True)
    )
    if current == set(wanted):
        return locked
    ListCourse.objects.filter(reading_list=locked).exclude(course_id__in=wanted).delete()
    ListCourse.objects.bulk_create(
        [ListCourse(reading_list=locked, course_id=pk) for pk in set(wanted) - current]
    )
    list_bump(locked)
    return locked


@transaction.atomic
def list_create_from(
    *,
    source: ReadingList,
    acting_user: User,
    name: str = "",
    courses: Iterable[Course] = (),
    code: str = "",
) -> ReadingList:
    """Duplicate a list (or start from a template): a draft copy the acting user owns."""
    # Imported here: copying imports citations, which import this module.
    from readings.lists.copying import list_copy

    copy = list_copy(source=source, code=code, courses=courses, name=(name or "").strip())
    if acting_user.institution_id == copy.institution_id:
        ListMember.objects.create(reading_list=copy, user=acting_user, role=MemberRole.OWNER)
    return copy


@transaction.atomic
def list_set_syllabus(
    *, list_id: int, upload: UploadedFile | None, expected_version: int | None = None
) -> ReadingList:
    """Attach (or with ``upload=None`` remove) the list's syllabus file."""
    if upload is not None:
        syllabus_files.check_upload(upload)
    locked = list_lock(list_id=list_id, expected_version=expected_version)
    old_name = locked.syllabus.name if locked.syllabus else ""
    if upload is not None:
        locked.syllabus.save(syllabus_files.stored_name(upload.name), upload, save=False)
    else:
        locked.syllabus = ""
    locked.save(update_fields=["syllabus", "updated_at"])
    list_bump(locked)
    if old_name:
        # Copies of a list share its file until one of them replaces it.
        transaction.on_commit(lambda: syllabus_files.delete_if_unused(old_name))
    return locked


@transaction.atomic
def list_change_settings(
    *,
    list_id: int,
    expected_version: int | None,
    fields: dict[str, object],
    courses: Iterable[Course],
    syllabus: UploadedFile | None = None,
    remove_syllabus: bool = False,
) -> ReadingList:
    """The settings form in one transaction: fields, linked courses, then the syllabus file."""
    if syllabus is not None:
        syllabus_files.check_upload(syllabus)
    updated = list_update(list_id=list_id, expected_version=expected_version, **fields)
    updated = list_set_courses(list_id=list_id, courses=courses)
    if syllabus is not None or remove_syllabus:
        updated = list_set_syllabus(list_id=list_id, upload=syllabus)
    return updated


@transaction.atomic
def list_delete(*, list_id: int, expected_version: int | None = None) -> None:
    reading_list = list_lock(list_id=list_id, expected_version=expected_version)
    old_name = reading_list.syllabus.name if reading_list.syllabus else ""
    reading_list.delete()
    if old_name:
        transaction.on_commit(lambda: syllabus_files.delete_if_unused(old_name))


# Members and invitations ---------------------------------------------------

INVITATION_LIFETIME = datetime.timedelta(days=14)


@transaction.atomic
def member_set(*, reading_list: ReadingList, user: User, role: str) -> ListMember:
    if role not in MemberRole.values:
        raise InvalidInput(
            {
                "role": [
                    gettext("Unknown role “%(role)s”; use %(roles)s.")
                    % {"role": role, "roles": ", ".join(MemberRole.values)}
                ]
            }
        )
    if user.institution_id != reading_list.institution_id:
        raise InvalidInput(
            {"user": [gettext("Collaborators must belong to the list's institution.")]}
        )
    # Lock the list so two managers demoting owners at once cannot leave none.
    list_lock(list_id=reading_list.pk)
    if role != MemberRole.OWNER:
        _keep_an_owner(reading_list, leaving=user)
    member, _ = ListMember.objects.update_or_create(
        reading_list=reading_list, user=user, defaults={"role": role}
    )
    return member


@transaction.atomic
def member_remove(*, reading_list: ReadingList, user: User) -> None:
    list_lock(list_id=reading_list.pk)
    _keep_an_owner(reading_list, leaving=user)
    ListMember.objects.filter(reading_list=reading_list, user=user).delete()


def _keep_an_owner(reading_list: ReadingList, *, leaving: User) -> None:
    owners = ListMember.objects.filter(reading_list=reading_list, role=MemberRole.OWNER)
    if owners.filter(user=leaving).exists() and owners.count() == 1:
        raise InvalidInput(
            {"user": [gettext("A list keeps at least one owner; add another owner first.")]}
        )


@transaction.atomic
def invitation_create(
    *,
    reading_list: ReadingList,
    email: str,
    role: str,
    invited_by: User,
    accept_url_for: Callable[[str], str],
) -> ListInvitation:
    """Invite an address to collaborate and email it the link (sent once the row is saved).

    ``accept_url_for(token)`` builds the absolute link; the address need not
    belong to anyone yet.
    """
    email = (email or "").strip()
    invitation = ListInvitation(
        reading_list=reading_list,
        email=email,
        role=role,
        token=secrets.token_urlsafe(32),
        invited_by=invited_by,
        expires_at=timezone.now() + INVITATION_LIFETIME,
    )
    validate(invitation, exclude=["token"])
    invitation.save()
    link = accept_url_for(invitation.token)
    inviter = invited_by.get_full_name() or invited_by.username
    subject = gettext("%(inviter)s invites you to work on the reading list “%(name)s”") % {
        "inviter": inviter,
        "name": reading_list.name,
    }
    body = gettext(
        "%(inviter)s has invited you to collaborate on the reading list “%(name)s” "
        "(%(rights)s).\n\nAccept the invitation (you will be asked to sign in):\n%(link)s"
        "\n\nThe link works until %(day)s."
    ) % {
        "inviter": inviter,
        "name": reading_list.name,
        "rights": invitation.get_role_display().lower(),
        "link": link,
        # Month names in the language the e-mail is written in.
        "day": date_format(invitation.expires_at, "j F Y"),
    }
    sender = getattr(settings, "DEFAULT_FROM_EMAIL", None)
    transaction.on_commit(lambda: send_mail(subject, body, sender, [email]))
    return invitation


def invitation_pending(*, token: str) -> ListInvitation:
    """The open invitation behind a link, or NotFound (used, expired or unknown alike)."""
    invitation = (
        ListInvitation.objects.select_related("reading_list", "invited_by")
        .filter(token=token, accepted_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if invitation is None or not token:
        raise NotFound(gettext("This invitation has expired, was already used, or was withdrawn."))
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, user: User) -> ListMember:
    """Make the signed-in user a collaborator, never lowering a role they already hold."""
    invitation = invitation_pending(token=token)
    reading_list = invitation.reading_list
    if user.institution_id != reading_list.institution_id:
        raise InvalidInput(
            {
                "user": [
                    gettext("This invitation is for a list of another institution; sign in there.")
                ]
            }
        )
    if not invitation.is_addressed_to(user):
        raise Forbidden(
            gettext(
                "This invitation was sent to %(address)s; sign in with that account to accept it."
            )
            % {"address": invitation.masked_email}
        )
    ListInvitation.objects.filter(pk=invitation.pk).update(
        accepted_at=timezone.now(), accepted_by=user
    )
    existing = ListMember.objects.filter(reading_list=reading_list, user=user).first()
    rank = {MemberRole.EDIT: 0, MemberRole.MANAGE: 1, MemberRole.OWNER: 2}
    if existing is not None and rank[existing.role] >= rank[invitation.role]:
        return existing
    return member_set(reading_list=reading_list, user=user, role=invitation.role)


def invitation_cancel(*, reading_list: ReadingList, invitation_id: int) -> None:
    ListInvitation.objects.filter(
        reading_list=reading_list, pk=invitation_id, accepted_at__isnull=True
    ).delete()


# Sections ------------------------------------------------------------------


@transaction.atomic
def section_create(
    *,
    reading_list: ReadingList,
    name: str,
    description: str = "",
    start_date: datetime.date | None = None,
    end_date: datetime.date | None = None,
    position: int | None = None,
    expected_version: int | None = None,
) -> Section:
    """Add a section at the end of the list, or at ``position``."""
    locked = list_lock(list_id=reading_list.pk, expected_version=expected_version)
    order = positions.ordered_ids(Section.objects.filter(reading_list=locked))
    section = Section(
        reading_list=locked,
        name=name.strip(),
        description=description,
        start_date=start_date,
        end_date=end_date,
        position=len(order),
    )
    validate(section)
    section.save()
    if position is not None and position < len(order):
        order.insert(max(position, 0), section.pk)
        positions.place(Section, "reading_list", {locked.pk: order})
        section.refresh_from_db(fields=["position"])
    list_bump(locked)
    reading_list.version = locked.version
    return section


@transaction.atomic
def section_update(
    *, section_id: int, expected_version: int | None = None, **fields: object
) -> Section:
    allowed = {"name", "description", "start_date", "end_date", "locked"}
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"section_update cannot change {sorted(unknown)}")
    section = _section(section_id)
    locked = list_lock(list_id=section.reading_list_id, expected_version=expected_version)
    for name, value in fields.items():
        setattr(section, name, value.strip() if name == "name" else value)
    validate(section)
    section.save(update_fields=[*fields, "updated_at"])
    list_bump(locked)
    return section


@transaction.atomic
def section_move(*, section_id: int, position: int, expected_version: int | None = None) -> Section:
    section = _section(section_id)
    locked = list_lock(list_id=section.reading_list_id, expected_version=expected_version)
    order = positions.ordered_ids(Section.objects.filter(reading_list=locked))
    order.remove(section.pk)
    order.insert(max(0, min(position, len(order))), section.pk)
    positions.place(Section, "reading_list", {locked.pk: order})
    list_bump(locked)
    section.refresh_from_db(fields=["position"])
    return section


@transaction.atomic
def section_delete(*, section_id: int, expected_version: int | None = None) -> None:
    """Delete a section and its citations; the other sections close the gap."""
    section = _section(section_id)
    locked = list_lock(list_id=section.reading_list_id, expected_version=expected_version)
    section.delete()
    order = positions.ordered_ids(Section.objects.filter(reading_list=locked))
    positions.place(Section, "reading_list", {locked.pk: order})
    list_bump(locked)


@transaction.atomic
def section_set_tags(
    *, section: Section, tags: Iterable[Tag], expected_version: int | None = None
) -> None:
    tags = list(tags)
    locked = list_lock(list_id=section.reading_list_id, expected_version=expected_version)
    if any(t.institution_id != locked.institution_id for t in tags):
        raise InvalidInput({"tags": [gettext("Tags must belong to the list's institution.")]})
    section.tags.set(tags)
    list_bump(locked)


def _section(section_id: int) -> Section:
    section = Section.objects.select_related("reading_list").filter(pk=section_id).first()
    if section is None:
        raise NotFound(gettext("No such section."))
    return section


# Tags ----------------------------------------------------------------------


def tag_create(
    *,
    institution: Institution,
    code: str,
    name: str,
    kind: str = TagKind.PUBLIC,
    position: int = 0,
) -> Tag:
    tag = Tag(
        institution=institution, code=code.strip(), name=name.strip(), kind=kind, position=position
    )
    validate(tag)
    tag.save()
    return tag


def _new_code() -> str:
    return f"RL-{secrets.token_hex(5).upper()}"
