"""A Stripe client built from the settings, one per process (it keeps its connections).

Money in (`bot/payments/`) and money out (`bot/payouts_rail/stripe_connect/`) share it, so it
lives below both."""

import stripe

from bot.infra.config import Settings

_clients: dict[tuple[str, str | None], stripe.StripeClient] = {}


def client(settings: Settings) -> stripe.StripeClient:
    """The Stripe client for these settings (pointed at STRIPE_API_BASE_URL if set)."""
    if settings.stripe_secret_key is None:
        raise RuntimeError("STRIPE_SECRET_KEY is not set")
    key = (settings.stripe_secret_key, settings.stripe_api_base_url)
    if key not in _clients:
        addresses: stripe.BaseAddresses = {}
        if settings.stripe_api_base_url:
            addresses["api"] = settings.stripe_api_base_url
        # Our own idempotency keys make a retry safe; two network retries ride out a blip.
        _clients[key] = stripe.StripeClient(
            settings.stripe_secret_key, base_addresses=addresses, max_network_retries=2
        )
    return _clients[key]
