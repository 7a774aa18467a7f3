"""Keep per-process caches of a platform's registration honest.

A launch reads its platform row afresh (with the login state) and trusts its
cached deployment ids only while the row's ``updated_at`` is unchanged; so
every change to a deployment must touch its platform. Login initiation keeps
the registrations it found (launch.platform_for_login): any change to a
registration or a deployment made in this process empties that at once.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from readings.lti.models import Deployment, Platform


@receiver(post_save, sender=Deployment, dispatch_uid="lti_deployment_saved")
@receiver(post_delete, sender=Deployment, dispatch_uid="lti_deployment_deleted")
def platform_touch(sender, instance: Deployment, **kwargs) -> None:
    Platform.objects.filter(pk=instance.platform_id).update(updated_at=timezone.now())
    _login_registrations_forget()


@receiver(post_save, sender=Platform, dispatch_uid="lti_platform_saved")
@receiver(post_delete, sender=Platform, dispatch_uid="lti_platform_deleted")
def platform_changed(sender, instance: Platform, **kwargs) -> None:
    _login_registrations_forget()


def _login_registrations_forget() -> None:
    from readings.lti.launch import login_registrations_forget

    login_registrations_forget()
