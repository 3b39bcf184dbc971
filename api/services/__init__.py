"""What the service does, without HTTP: the day chain (`planning`), the plan job runner
(`plan_jobs`), plans, school requests, collections, the post catalogue, the year replay and
accounts. Plain Python over the store and the pure packages; never imports FastAPI, so the
HTTP routers and the command line share it. Errors are the domain exceptions of `errors`.
"""
