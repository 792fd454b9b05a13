"""Twilio in and out: webhooks, the inbox transaction, the spool, the sender, abuse limits, the
outbox hand-over and notice statuses.
"""
