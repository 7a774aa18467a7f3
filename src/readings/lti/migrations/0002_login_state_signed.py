# The login state is signed and carries what the launch needs; nothing is stored at login.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("lti", "0001_initial"),
    ]

    operations = [
        migrations.DeleteModel(
            name="LaunchState",
        ),
    ]
