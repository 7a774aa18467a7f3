"""Reserved for the library domain: wired into settings, filled by its own issue."""
