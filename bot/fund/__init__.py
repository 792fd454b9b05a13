"""The fund's rules on the database, implementing the conversations' ports.
"""
