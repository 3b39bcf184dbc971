"""The HTTP side of the service: the FastAPI app (`api.http.app`), its routers and schemas,
the request dependencies and the one place that turns domain errors into HTTP answers
(`api.http.errors`). Only this package imports FastAPI; the command line never imports it.
"""
