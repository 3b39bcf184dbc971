"""The library network as data: sites, opening calendars, vehicles and demand; the bundled
networks (Munakata, Ichinoseki), a seeded synthetic generator, and the pure day assembly
``problem_for_day(network, date, requests, due_posts, options) -> routing.Problem``.

Pure: imports routing and drops (types), never api, maps, fastapi or sqlalchemy
(tests/test_architecture.py checks it). Empty so far: planned.
"""
