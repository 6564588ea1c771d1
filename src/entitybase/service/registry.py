"""Sites, term languages and users: small tables read into memory."""

import hashlib
import json
import secrets
import threading
import time

from .errors import RuleViolation
from .records import User
from .sites import Site, default_chain, language_rows, site_rows, well_formed_language


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Registry:
    def __init__(self, store):
        self.store = store
        self._lock = threading.Lock()
        self.reload()

    def reload(self) -> None:
        with self.store.read() as conn:
            sites = {row.site_id: Site(row.site_id, row.site_group, row.language,
                                       row.rdf_language, row.url_pattern)
                     for row in self.store.sites(conn)}
            languages = {row.code: json.loads(row.chain) for row in self.store.languages(conn)}
        with self._lock:
            self.sites, self.languages = sites, languages

    # -- sites -------------------------------------------------------------------------------

    @property
    def has_sites(self) -> bool:
        return bool(self.sites)

    def load_sites(self, records: list[dict]) -> int:
        rows = site_rows(records)
        self.store.replace_sites(rows)
        self.reload()
        return len(rows)

    def site(self, site_id: str) -> Site | None:
        return self.sites.get(site_id)

    def sitelink_url(self, site_id: str, title: str) -> str | None:
        site = self.sites.get(site_id)
        return site.page_url(title) if site else None

    def is_known_site(self, site_id: str) -> bool:
        return site_id in self.sites

    # -- languages ---------------------------------------------------------------------------

    def load_languages(self, records: dict) -> int:
        rows = language_rows(records)
        self.store.replace_languages(rows)
        self.reload()
        return len(rows)

    def is_valid_language(self, code: str) -> bool:
        if self.languages:
            return code in self.languages
        return well_formed_language(code)

    def language_fallbacks(self, code: str) -> list[str]:
        return list(self.languages.get(code) or default_chain(code))

    # -- users -------------------------------------------------------------------------------

    def create_user(self, name: str, *, admin: bool = False, bot: bool = False):
        """A new user and its API token; only the token's hash is stored."""
        if not name or len(name) > 255:
            raise RuleViolation("invalid-user-name", "A user name has 1 to 255 characters")
        with self.store.read() as conn:
            if self.store.user_by_name(conn, name) is not None:
                raise RuleViolation("user-exists", f"User {name} already exists")
        token = secrets.token_urlsafe(32)
        user_id = self.store.add_user(name=name, admin=admin, bot=bot,
                                      token_hash=token_hash(token),
                                      created=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
        return User(user_id, name, admin, bot), token

    def authenticate(self, token: str) -> User | None:
        if not token:
            return None
        with self.store.read() as conn:
            row = self.store.user_by_token(conn, token_hash(token))
        return User(row.id, row.name, row.admin, row.bot) if row else None
