"""Return posts (book drops): collection records, report tables, fill forecast and the
collection policy (which posts are due on a date, which are optional).

Pure: plain data in, plain data out; never imports api, routing, maps, fastapi or
sqlalchemy (tests/test_architecture.py checks it). Empty so far: planned.
"""
