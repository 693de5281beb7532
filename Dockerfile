# The API image. Neo4j itself runs as the official neo4j:5.26-community service in compose.
FROM python:3.11-slim
ENV UV_PYTHON_DOWNLOADS=never PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
RUN pip install --no-cache-dir uv==0.13.8
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project
COPY scholargraph ./scholargraph
COPY schema ./schema
COPY resolvers ./resolvers
COPY graphdb ./graphdb
COPY loaders ./loaders
RUN uv sync --frozen --no-dev
ENV PATH="/app/.venv/bin:$PATH"
EXPOSE 8000
CMD ["sh", "-c", "scholargraph migrate && scholargraph serve --host 0.0.0.0 --port 8000"]
