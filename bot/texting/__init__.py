"""What the channel and the fund use to speak to people: notices, texts rendered from the catalogs,
consent (opt-outs).
"""
