"""Settings from the environment (the names the stack writes to .stack/env)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class TopicSettings(BaseModel):
    """Partitions, replication factor and min.insync.replicas of one topic; unset ones take the default."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    partitions: int | None = Field(default=None, ge=1)
    replication_factor: int | None = Field(default=None, ge=1)
    min_insync_replicas: int | None = Field(default=None, ge=1)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore", frozen=True)

    kafka_bootstrap_servers: str = "127.0.0.1:19092"
    # A secure broker (WAARDIGWERK_SECURE=1, docs/security.md): each service logs in as its own principal.
    kafka_security_protocol: Literal["PLAINTEXT", "SASL_PLAINTEXT"] = "PLAINTEXT"
    kafka_sasl_mechanism: Literal["SCRAM-SHA-512"] = "SCRAM-SHA-512"
    kafka_sasl_username: str = ""
    kafka_sasl_password: SecretStr = SecretStr("")
    database_url: str = "postgresql://waardigwerk@127.0.0.1:15432/waardigwerk"
    waardigwerk_test_clock: bool = False
    waardigwerk_beleid: str = "huidig"
    waardigwerk_health_port: int = 0
    waardigwerk_log_level: str = "INFO"
    # OpenTelemetry traces (shared/tracing.py): off, or sent with the OTLP/HTTP exporter, or to stderr.
    waardigwerk_traces: Literal["", "otlp", "console"] = ""
    waardigwerk_http_host: str = "127.0.0.1"  # health and console; 0.0.0.0 in a container
    waardigwerk_batch_max: int = Field(default=500, ge=1)
    # A fetch held at the broker until a record comes; long without cost in latency (shared/prefetch.py),
    # but the broker answers a connection's requests in order: a lag or metadata request sent beside
    # it waits for it (with 5 s the metrics' lag figures timed out after 2 s).
    waardigwerk_fetch_max_wait_ms: int = Field(default=1000, ge=0)
    # How long a quiet consumer's loops wait before they look again (records wake them at once).
    waardigwerk_consumer_wait_ms: int = Field(default=1000, ge=1)
    waardigwerk_commit_every_ms: int = Field(default=500, ge=0)  # offsets of applied batches (shared/commits.py)
    waardigwerk_outbox_bewaar_dagen: int = Field(default=7, ge=0)  # sent outbox rows are kept this long
    # How long a statement (or a connection, or a session idle in a transaction) may go unanswered
    # before it fails as a dead link (shared/db.py create_pool).
    waardigwerk_db_timeout_s: float = Field(default=60.0, gt=0)
    # Keys the per-recipient pseudonyms (deling); no default: deling refuses to start without one.
    waardigwerk_pseudonym_key: str = ""
    # A record that fails for a reason the runtime cannot classify is tried this often, then dead-lettered.
    waardigwerk_record_pogingen: int = Field(default=5, ge=1)
    # A timer whose handler fails is tried this often (with backoff), then kept as a dead timer.
    waardigwerk_timer_pogingen: int = Field(default=5, ge=1)
    # Topics the platform creates up front (deploy/local/topics.py). Unset: from the cluster's size
    # (3 partitions; replication factor min(3, brokers); min.insync.replicas one less, at least 1).
    waardigwerk_topic_partitions: int | None = Field(default=None, ge=1)
    waardigwerk_topic_replication_factor: int | None = Field(default=None, ge=1)
    waardigwerk_topic_min_insync_replicas: int | None = Field(default=None, ge=1)
    # Per topic, as JSON: {"waardigwerk.in.meldingen": {"partitions": 12, "min_insync_replicas": 2}}.
    waardigwerk_topic_overrides: dict[str, TopicSettings] = Field(default_factory=dict)

    @property
    def kafka_bootstrap_list(self) -> list[str]:
        """`host:port,host:port` as a list (FastStream takes one address per item; a cluster has several)."""
        return [address.strip() for address in self.kafka_bootstrap_servers.split(",") if address.strip()]

    @property
    def kafka_sasl(self) -> bool:
        return self.kafka_security_protocol == "SASL_PLAINTEXT"

    def kafka_client_options(self) -> dict[str, str]:
        """aiokafka connection arguments: none for a plaintext broker, the SASL login for a secure one."""
        if not self.kafka_sasl:
            return {}
        return {
            "security_protocol": self.kafka_security_protocol,
            "sasl_mechanism": self.kafka_sasl_mechanism,
            "sasl_plain_username": self.kafka_sasl_username,
            "sasl_plain_password": self.kafka_sasl_password.get_secret_value(),
        }
