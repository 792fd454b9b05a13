"""The plumbing under everything: configuration, runtime, engine and sessions, ORM helpers, logs,
metrics, the migrations runner, phone numbers.
"""
