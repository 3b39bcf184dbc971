"""One router per resource: auth, sites, collections, school requests, plans, drops."""
