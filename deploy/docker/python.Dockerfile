# Local equivalent of python:3.11.2-slim-bookworm: Debian bookworm's Python 3.11.2 with venv
# (ensurepip) and CA certificates. Built by deploy/docker/images.sh.
ARG BASE_IMAGE=waardigwerk-local/debian:bookworm
FROM ${BASE_IMAGE}
ARG DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y python3 python3-venv python-is-python3 ca-certificates \
 && rm -rf /var/lib/apt/lists/*
ENV PYTHONDONTWRITEBYTECODE=1
CMD ["python3"]
