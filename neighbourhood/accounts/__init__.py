"""Accounts: people, sign-in, household memberships and roles per place."""
