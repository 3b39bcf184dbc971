# bookrun service image: uvicorn serving api.http.app:app on port 8000.
#   docker build -t bookrun .
#   docker run --rm -p 8000:8000 bookrun          # then: curl localhost:8000/health
#   docker run --rm bookrun bookrun solve docs/examples/example_1.problem.json
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore

WORKDIR /app

# A Japanese font: the report charts (drops/chart.py) name the posts in Japanese when one is
# installed, in English otherwise. (The map and the route sheet are drawn by the user's
# browser with the fonts of the user's machine.)
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*

# Dependency layer: only pyproject.toml, so editing the code does not reinstall OR-Tools.
# The run-time dependencies are read from [project].dependencies (tomllib is stdlib).
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# The code. Editable, so docs/examples stays next to the packages (`bookrun example`).
COPY . .
# The day search's compiled rounds are compiled here, once, into routing/search/__pycache__
# (about 20 s), so the service does not compile them at each start.
RUN pip install --no-deps -e . \
    && python -c "import routing; routing.compile_day_search()" \
    && useradd --create-home --uid 10001 --shell /usr/sbin/nologin bookrun \
    && mkdir -p /data \
    && chown bookrun:bookrun /data

# The SQLite store goes to a writable folder; mount a volume on /data to keep it, or set
# DATABASE_URL to a PostgreSQL URL. The service migrates and loads the scenario on start
# (bookrun serve --init is idempotent), as the template's prestart script does.
ENV DATABASE_URL=sqlite:////data/bookrun.db

USER bookrun
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4)"]

CMD ["bookrun", "serve", "--init", "--host", "0.0.0.0", "--port", "8000"]
