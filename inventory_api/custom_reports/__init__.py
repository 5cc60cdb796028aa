"""A manager's own reports, built without code from a whitelist of fields, saved and shared, run as a page, CSV,
JSON or chart."""
