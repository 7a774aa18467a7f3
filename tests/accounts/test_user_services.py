"""Users and roles: uniqueness is reported per field, never as a database error."""

from __future__ import annotations

import pytest

from readings.accounts.models import RoleAssignment, User
from readings.accounts.services import user_create, user_grant_role, user_set_roles
from readings.core.exceptions import InvalidInput


def test_a_primary_id_taken_at_the_institution_is_refused_on_that_field(make_user):
    make_user("alice", primary_id="S100")
    with pytest.raises(InvalidInput) as caught:
        make_user("bob", primary_id="S100")
    assert list(caught.value.errors) == ["primary_id"]
    assert "already exists" in caught.value.errors["primary_id"][0]
    assert not User.objects.filter(username="bob").exists()


def test_the_same_primary_id_is_fine_at_another_institution(make_user, other_institution):
    make_user("alice", primary_id="S100")
    bob = make_user("bob", primary_id="S100", inst=other_institution)
    assert bob.primary_id == "S100"


def test_many_users_may_have_no_primary_id(make_user):
    for name in ("a", "b", "c"):
        make_user(name, primary_id="")
    assert User.objects.filter(primary_id="").count() == 3


def test_primary_ids_are_compared_after_trimming(make_user):
    make_user("alice", primary_id="S100")
    with pytest.raises(InvalidInput) as caught:
        make_user("bob", primary_id="  S100 ")
    assert "primary_id" in caught.value.errors


def test_a_taken_username_is_refused_on_that_field(make_user, other_institution):
    make_user("alice")
    with pytest.raises(InvalidInput) as caught:
        make_user("alice", primary_id="OTHER", inst=other_institution)
    assert list(caught.value.errors) == ["username"]


def test_every_problem_with_a_new_user_is_reported_at_once(make_user, institution):
    make_user("alice", primary_id="S100")
    with pytest.raises(InvalidInput) as caught:
        user_create(
            institution=institution, username="alice", primary_id="S100", email="not-an-email"
        )
    assert {"username", "primary_id", "email"} <= set(caught.value.errors)


def test_a_user_holds_each_role_once_however_often_it_is_granted(make_user):
    user = make_user(roles=["instructor"])
    user_grant_role(user=user, role="instructor")
    user_grant_role(user=user, role="librarian")
    user_grant_role(user=user, role="librarian")
    assert sorted(RoleAssignment.objects.filter(user=user).values_list("role", flat=True)) == [
        "instructor",
        "librarian",
    ]
    assert user.role_set == {"instructor", "librarian"}


def test_setting_roles_replaces_them(make_user):
    user = make_user(roles=["instructor", "librarian"])
    user_set_roles(user=user, roles=["student"])
    assert set(RoleAssignment.objects.filter(user=user).values_list("role", flat=True)) == {
        "student"
    }


def test_a_single_role_given_as_text_is_one_role_not_letters(make_user):
    user = make_user()
    user_set_roles(user=user, roles="librarian")
    assert user.role_set == {"librarian"}


def test_an_unknown_role_is_refused_listing_the_known_ones(make_user):
    user = make_user()
    with pytest.raises(InvalidInput) as caught:
        user_set_roles(user=user, roles=["student", "dean"])
    message = caught.value.errors["roles"][0]
    assert "dean" in message and "librarian" in message
    assert not RoleAssignment.objects.filter(user=user).exists()


def test_a_user_without_a_password_cannot_sign_in_with_one(institution):
    user = user_create(institution=institution, username="sso-only")
    assert not user.has_usable_password()
