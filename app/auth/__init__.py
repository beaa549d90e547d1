"""Sign-up, log-in, log-out, account settings and invitations."""
