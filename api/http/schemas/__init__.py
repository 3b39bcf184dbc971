"""Pydantic v2 request and response shapes shared by the routers."""
