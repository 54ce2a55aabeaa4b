"""Container images and their entrypoint (docker-compose.yml, deploy/docker/images.sh)."""
