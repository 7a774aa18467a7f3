"""Discovery: search library catalogues (SRU, built-in), MARC mapping, OpenURL, cited-by."""
