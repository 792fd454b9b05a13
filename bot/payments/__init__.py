"""Money in: households pay what they confirm, through a provider behind one interface."""
