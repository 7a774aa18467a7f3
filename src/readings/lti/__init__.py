"""Reserved for the lti domain: wired into settings, filled by its own issue."""
