"""Payout rails: how a paid day off leaves the fund (by hand today; Stripe Connect next)."""
