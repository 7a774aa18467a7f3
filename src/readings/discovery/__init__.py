"""Reserved for the discovery domain: wired into settings, filled by its own issue."""
