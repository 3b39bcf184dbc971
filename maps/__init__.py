"""Render a `routing.Plan`: Folium route maps, printable route sheets (HTML, CSV), GeoJSON.

Pure: takes a plan and the problem's coordinates and computes nothing new; imports
routing (types only) and folium, never api, fastapi or sqlalchemy, and never calls
`solve` (tests/test_architecture.py checks it). Empty so far: planned.
"""
