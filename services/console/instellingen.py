"""The console's own settings, from the environment (the services' settings are `shared.settings`)."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict


class ConsoleSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore", frozen=True)

    console_admin_user: str = ""
    console_admin_password: str = ""
    # Sessions live in PostgreSQL: a restart or a second replica keeps everyone logged in.
    console_sessie_inactief_min: int = 30  # idle timeout
    console_sessie_max_uren: int = 12  # absolute timeout, however active the session is
    # "auto": Secure when the request came over TLS (directly or per X-Forwarded-Proto); "1": always.
    console_cookie_secure: str = "auto"
    # Login limits: failed attempts within the window before further attempts are refused.
    console_login_venster_min: int = 15
    console_login_max_per_account: int = 5
    console_login_max_per_adres: int = 20
    # Extra origins allowed to post (behind a proxy that rewrites Host), comma-separated, e.g. https://console.example.
    console_origins: str = ""

    def origins(self) -> frozenset[str]:
        return frozenset(o.strip().rstrip("/") for o in self.console_origins.split(",") if o.strip())
