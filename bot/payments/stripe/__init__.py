"""What only Stripe needs: its records, its webhook and its client."""
