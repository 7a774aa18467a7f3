"""Reserved for the loaders domain: wired into settings, filled by its own issue."""
