"""Accounts: sign-up, sessions, passwords, recovery, invitations, API tokens and organisation profiles."""
