"""The benefits bot: the Flask app, configuration, data model, ledger and Twilio channel."""
