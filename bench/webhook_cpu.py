"""CPU time per signed BALANCE, in process: the service against the floor, and where it goes.

Both apps (bot.app and bench/floor_app.py) are driven one after the other with Flask's test
client, over signed requests each with its own MessageSid, on a database of the run's own,
seeded as bench/webhook_throughput.py seeds it. Prints process CPU time per request for each
(the test client's own work counts on both sides alike) and the ratio floor/service: unlike
requests per second, CPU time per request hardly moves with the load others put on the
machine. With --profile, a cProfile of the service's requests, by cumulative and own time.

    .venv/bin/python bench/webhook_cpu.py [--requests 2000] [--rounds 3] [--profile]
"""

import argparse
import cProfile
import os
import pstats
import secrets
import statistics
import time
from collections.abc import Callable

from flask import Flask
from pgtemp import DEFAULT_SERVER, temporary_database
from twilio.request_validator import RequestValidator
from webhook_throughput import PATH, UNREACHED_LIMITS, seed

from bot.channel.webhook import DEV_AUTH_TOKEN

BASE_URL = "http://localhost"


def signed_requests(phones: list[str], count: int) -> list[tuple[dict[str, str], str]]:
    """Form bodies and their signatures, each with a fresh MessageSid."""
    validator = RequestValidator(DEV_AUTH_TOKEN)
    signed = []
    for n in range(count):
        form = {
            "MessageSid": "SM" + secrets.token_hex(16),
            "AccountSid": "AC" + "1" * 32,
            "From": phones[n % len(phones)],
            "To": "+15005550006",
            "Body": "BALANCE",
            "NumMedia": "0",
        }
        signed.append((form, validator.compute_signature(BASE_URL + PATH, form)))
    return signed


def driver(app: Flask) -> Callable[[list[tuple[dict[str, str], str]]], float]:
    """A function that posts the requests to the app and returns CPU seconds per request."""
    client = app.test_client()

    def drive(requests: list[tuple[dict[str, str], str]]) -> float:
        start = time.process_time()
        for form, signature in requests:
            response = client.post(
                PATH, data=form, headers={"X-Twilio-Signature": signature}, base_url=BASE_URL
            )
            # Her balance, not an apology: a failing request must not pass for a fast one.
            if response.status_code != 200 or b"<Message>Your balance: $" not in response.data:
                raise SystemExit(f"unexpected answer {response.status_code}: {response.data!r}")
        return (time.process_time() - start) / len(requests)

    return drive


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()
    with temporary_database(DEFAULT_SERVER, f"bench_cpu_{os.getpid()}") as url:
        phones = seed(url)
        os.environ.update({"DATABASE_URL": url, "LOG_LEVEL": "WARNING", **UNREACHED_LIMITS})
        for name in ("REDIS_URL", "TWILIO_AUTH_TOKEN", "PUBLIC_BASE_URL"):
            os.environ.pop(name, None)
        from bench.floor_app import create_app as create_floor  # noqa: PLC0415
        from bot.app import create_app as create_service  # noqa: PLC0415

        service, floor = driver(create_service()), driver(create_floor())
        for drive in (service, floor):  # warmed up: caches, connections, first parses
            drive(signed_requests(phones, 200))
        figures: dict[str, list[float]] = {"service": [], "floor": []}
        for _ in range(args.rounds):  # alternating, so a busy moment falls on both
            figures["service"].append(service(signed_requests(phones, args.requests)))
            figures["floor"].append(floor(signed_requests(phones, args.requests)))
        service_ms = 1000 * statistics.median(figures["service"])
        floor_ms = 1000 * statistics.median(figures["floor"])
        print(f"{args.requests} requests x {args.rounds} rounds, median round, in process")
        print(f"service CPU/request: {service_ms:.3f} ms")
        print(f"floor   CPU/request: {floor_ms:.3f} ms")
        print(f"ratio floor/service: {floor_ms / service_ms:.3f}")
        if args.profile:
            requests = signed_requests(phones, args.requests)
            profile = cProfile.Profile(time.process_time)  # CPU, not waiting on the database
            profile.runcall(service, requests)
            stats = pstats.Stats(profile)
            stats.sort_stats("cumulative").print_stats(args.top)
            stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
