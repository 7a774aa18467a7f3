"""Reserved for the analytics domain: wired into settings, filled by its own issue."""
