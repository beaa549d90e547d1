"""Outgoing e-mail: composition from templates, the outbox, and SMTP delivery."""
