"""What only Stripe Connect needs to pay her: her Express account, its setup link, the rail."""
