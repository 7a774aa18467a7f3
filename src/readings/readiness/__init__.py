"""Reserved for the readiness domain: wired into settings, filled by its own issue."""
