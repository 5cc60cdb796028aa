"""Requesters hear of their work orders: e-mails from the outbox's events, and a read-only status link."""
