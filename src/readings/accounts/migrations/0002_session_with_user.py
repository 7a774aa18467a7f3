import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def sessions_carry_over(apps, schema_editor):
    """Keep everyone signed in: the unexpired sessions move, with their person's id."""
    # Django's database store and Readings' sign with the same salt (the class name).
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    Old = apps.get_model("sessions", "Session")
    New = apps.get_model("accounts", "Session")
    User = apps.get_model("accounts", "User")
    decoder = SessionStore()
    batch = []
    for old in Old.objects.filter(expire_date__gt=timezone.now()).iterator(chunk_size=2000):
        user_id = decoder.decode(old.session_data).get("_auth_user_id")
        batch.append(
            New(
                session_key=old.session_key,
                session_data=old.session_data,
                expire_date=old.expire_date,
                user_id=int(user_id) if str(user_id).isdigit() else None,
            )
        )
        if len(batch) >= 2000:
            _store(New, User, batch)
            batch = []
    _store(New, User, batch)


def _store(New, User, batch):
    known = set(
        User.objects.filter(pk__in={s.user_id for s in batch if s.user_id}).values_list(
            "pk", flat=True
        )
    )
    for session in batch:
        if session.user_id not in known:
            session.user_id = None
    New.objects.bulk_create(batch, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("sessions", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="Session",
            fields=[
                (
                    "session_key",
                    models.CharField(
                        max_length=40, primary_key=True, serialize=False, verbose_name="session key"
                    ),
                ),
                ("session_data", models.TextField(verbose_name="session data")),
                ("expire_date", models.DateTimeField(db_index=True, verbose_name="expire date")),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
            ],
            options={
                "verbose_name": "session",
                "verbose_name_plural": "sessions",
                "db_table": "accounts_session",
                "abstract": False,
            },
        ),
        migrations.RunPython(sessions_carry_over, migrations.RunPython.noop),
    ]
