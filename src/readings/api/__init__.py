"""Reserved for the api domain: wired into settings, filled by its own issue."""
