"""Settings from the environment (the names the stack writes to .stack/env)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore", frozen=True)

    kafka_bootstrap_servers: str = "127.0.0.1:19092"
    database_url: str = "postgresql://waardigwerk@127.0.0.1:15432/waardigwerk"
    waardigwerk_test_clock: bool = False
    waardigwerk_beleid: str = "huidig"
    waardigwerk_health_port: int = 0
    waardigwerk_log_level: str = "INFO"
    waardigwerk_batch_max: int = Field(default=500, ge=1)
    waardigwerk_pseudonym_key: str = "lokaal-ontwikkel-sleutel-niet-voor-productie"
