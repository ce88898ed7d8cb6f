"""The issue's yardstick, served beside avgflow by bench/intake --baseline: a bare Django view
that validates one form and writes two rows in one transaction, on the same PostgreSQL, with
the same gunicorn workers and persistent connections. Its rate tells how fast this machine is,
so that bench/intake's figures can be compared across machines (issue 9 quotes 540 a second)."""
