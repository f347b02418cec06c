"""localstripe (the fake Stripe API from PyPI, a test dependency) bound to 127.0.0.1 only.

    python scripts/fake_stripe.py --port 8420 [--webhook URL --webhook-secret whsec_...]

Used by `./dev run` (the demo takes cards without a Stripe account) and by the tests
(tests/stripe_server.py). `localstripe --port` itself listens on every interface. With
--webhook, the events localstripe emits (payment_intent.succeeded, ...) are POSTed, signed with
the secret, to that URL, as Stripe would."""
from __future__ import annotations

import argparse


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8420)
    parser.add_argument("--webhook", default="", help="URL that receives the signed events")
    parser.add_argument("--webhook-secret", default="", help="whsec_... signing the events")
    args = parser.parse_args(argv)

    from aiohttp import web
    from localstripe.resources import store
    from localstripe.server import app
    from localstripe.webhooks import register_webhook

    # localstripe pickles its whole store into /tmp after every write: slower with every object,
    # and shared by every instance on the machine. Ours keeps its state in memory only.
    store.dump_to_disk = lambda: None

    if args.webhook:
        register_webhook("comptoir", args.webhook, args.webhook_secret, None)
    web.run_app(app, host="127.0.0.1", port=args.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
