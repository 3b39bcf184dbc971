"""Return posts (book drops, 返却ポスト): collection records and post rules (`records`), the
FY2023 fixed rota (`rota`), the annual report's table (`report`), flags (`flags`), the
chart (`chart`), the inflow forecast (`forecast`), the collection policy (`policy`: which
posts must, may or need not be emptied on a date) and the year's replay (`replay`).

Pure: plain data in, plain data out; never imports api, routing, maps, fastapi or
sqlalchemy (tests/test_architecture.py checks it).
"""
