"""Keep per-process caches of a platform's registration honest.

A launch reads its platform row afresh (with the login state) and trusts its
cached deployment ids only while the row's ``updated_at`` is unchanged; so
every change to a deployment must touch its platform.
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
