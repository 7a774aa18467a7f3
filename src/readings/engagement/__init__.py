"""Reserved for the engagement domain: wired into settings, filled by its own issue."""
