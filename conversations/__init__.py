"""The multilingual conversation state machine: pure Python, no Flask, Twilio, RQ or database."""
