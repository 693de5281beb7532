"""Who is asking: bearer tokens, password hashes, and the refusals every action can answer.

Tokens are JWTs. Ours are signed with HS256 and a server secret, and nothing else is accepted
for them: the algorithm is pinned (no `none`, no RS/HS confusion), `exp`, `iat`, `sub` and
`iss` are required, and `iss` must be ours. Tokens of an external OIDC issuer are accepted only
when one is configured, with the keys of its JWKS and asymmetric algorithms only.

Passwords are hashed with Argon2id (argon2-cffi's defaults), off the event loop.
"""

from __future__ import annotations

import asyncio
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import ClassVar

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from resolvers.errors import UserFacingError

ASYMMETRIC_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA")


class Code(Enum):
    """Every refusal's precise code (`UserError.code`, or `extensions.code` on queries)."""

    AUTHENTICATION_REQUIRED = "AUTHENTICATION_REQUIRED"
    INVALID_TOKEN = "INVALID_TOKEN"
    TOKEN_EXPIRED = "TOKEN_EXPIRED"
    UNKNOWN_USER = "UNKNOWN_USER"
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    ADMIN_REQUIRED = "ADMIN_REQUIRED"
    NOT_CLAIMANT = "NOT_CLAIMANT"
    NOT_ADDRESSEE = "NOT_ADDRESSEE"
    NOT_FOUND = "NOT_FOUND"
    INVALID_ID = "INVALID_ID"
    INVALID_EMAIL = "INVALID_EMAIL"
    WEAK_PASSWORD = "WEAK_PASSWORD"
    INVALID_NAME = "INVALID_NAME"
    INVALID_ORCID = "INVALID_ORCID"
    INVALID_TEXT = "INVALID_TEXT"
    INVALID_DOMAIN = "INVALID_DOMAIN"
    EMAIL_TAKEN = "EMAIL_TAKEN"
    ALREADY_CLAIMED = "ALREADY_CLAIMED"
    CLAIM_PENDING = "CLAIM_PENDING"
    CLAIM_NOT_PENDING = "CLAIM_NOT_PENDING"
    CLAIM_NOT_REVOCABLE = "CLAIM_NOT_REVOCABLE"
    EMAIL_NOT_LINKED = "EMAIL_NOT_LINKED"
    INVALID_VERIFICATION_TOKEN = "INVALID_VERIFICATION_TOKEN"
    VERIFICATION_TOKEN_EXPIRED = "VERIFICATION_TOKEN_EXPIRED"
    TOO_MANY_VERIFICATION_MAILS = "TOO_MANY_VERIFICATION_MAILS"
    ORCID_MISSING = "ORCID_MISSING"
    ORCID_TAKEN = "ORCID_TAKEN"
    CLAIM_REQUIRED = "CLAIM_REQUIRED"
    NOT_OPEN_TO_COLLABORATE = "NOT_OPEN_TO_COLLABORATE"
    CANNOT_INVITE_SELF = "CANNOT_INVITE_SELF"
    INVITATION_NOT_PENDING = "INVITATION_NOT_PENDING"
    RATE_LIMITED = "RATE_LIMITED"
    TOO_MANY_LOGIN_FAILURES = "TOO_MANY_LOGIN_FAILURES"
    MAIL_NOT_SENT = "MAIL_NOT_SENT"
    ORCID_OAUTH_NOT_CONFIGURED = "ORCID_OAUTH_NOT_CONFIGURED"
    ORCID_STATE_INVALID = "ORCID_STATE_INVALID"
    ORCID_STATE_EXPIRED = "ORCID_STATE_EXPIRED"
    ORCID_STATE_WRONG_USER = "ORCID_STATE_WRONG_USER"
    ORCID_EXCHANGE_FAILED = "ORCID_EXCHANGE_FAILED"
    ORCID_DENIED = "ORCID_DENIED"


class Refusal(UserFacingError):
    """An action refused by a rule; `category` picks the GraphQL error type it becomes."""

    category: ClassVar[str] = "CONFLICT"

    def __init__(
        self,
        code: Code,
        message: str,
        *,
        field: str | None = None,
        retry_after_s: int | None = None,
        limit: int | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code.value
        self.refusal_code = code
        self.message = message
        self.field = field
        self.retry_after_s = retry_after_s
        self.limit = limit


class NotAuthenticatedError(Refusal):
    category = "AUTHENTICATION"


class ForbiddenError(Refusal):
    category = "FORBIDDEN"


class NotFoundError(Refusal):
    category = "NOT_FOUND"


class InvalidInputError(Refusal):
    category = "INVALID_INPUT"


class ConflictError(Refusal):
    category = "CONFLICT"


class RateLimitedError(Refusal):
    category = "RATE_LIMITED"


class UnavailableError(Refusal):
    """A service the action needs (mail, ORCID) is not configured or did not do its part."""

    category = "UNAVAILABLE"


@dataclass(frozen=True, slots=True)
class Identity:
    """A verified token's subject: one of our user ids, or an external OIDC subject."""

    subject: str
    external: bool
    email: str | None = None
    name: str | None = None


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class SignedState:
    """A verified OAuth `state`: whose flow it is, and the hash of its browser nonce."""

    user_id: str
    nonce_hash: str


class Authenticator:
    """Issues and verifies bearer tokens. One per process (the JWKS client caches keys)."""

    def __init__(
        self,
        secret: str,
        *,
        ttl_s: int,
        issuer: str,
        oidc_jwks_url: str | None = None,
        oidc_issuer: str | None = None,
        oidc_audience: str | None = None,
        oidc_algorithms: tuple[str, ...] = ("RS256", "ES256"),
    ) -> None:
        if not secret:
            raise ValueError("the JWT secret is empty")
        self._secret = secret
        self.ttl_s = ttl_s
        self.issuer = issuer
        self.oidc_issuer = oidc_issuer if oidc_jwks_url else None
        self.oidc_audience = oidc_audience
        bad = [a for a in oidc_algorithms if a not in ASYMMETRIC_ALGORITHMS]
        if bad:
            raise ValueError(f"OIDC algorithms must be asymmetric, not {', '.join(bad)}")
        self.oidc_algorithms = list(oidc_algorithms)
        self._jwks = jwt.PyJWKClient(oidc_jwks_url, cache_keys=True) if oidc_jwks_url else None
        if self._jwks is not None and not oidc_issuer:
            raise ValueError("SCHOLARGRAPH_OIDC_ISSUER is required with an OIDC JWKS URL")

    def issue(self, user_id: str, now: datetime | None = None) -> IssuedToken:
        now = now or datetime.now(UTC)
        expires = now + timedelta(seconds=self.ttl_s)
        payload = {"sub": user_id, "iss": self.issuer, "iat": now, "exp": expires}
        return IssuedToken(jwt.encode(payload, self._secret, algorithm="HS256"), expires)

    def issue_state(
        self,
        user_id: str,
        purpose: str,
        nonce_hash: str,
        ttl_s: int,
        now: datetime | None = None,
    ) -> IssuedToken:
        """A signed, expiring OAuth `state` bound to a user (and to a browser by its nonce).

        Signed with a key derived from the secret for this purpose and carrying its own
        audience, so a state is never accepted as a bearer token, nor a bearer token as a state.
        """
        now = now or datetime.now(UTC)
        expires = now + timedelta(seconds=ttl_s)
        payload = {
            "sub": user_id,
            "iss": self.issuer,
            "aud": self._state_audience(purpose),
            "iat": now,
            "exp": expires,
            "nonce": nonce_hash,
        }
        token = jwt.encode(payload, self._state_key(purpose), algorithm="HS256")
        return IssuedToken(token, expires)

    def verify_state(self, token: str, purpose: str) -> SignedState:
        """The state's user, or a refusal: ORCID_STATE_INVALID or ORCID_STATE_EXPIRED."""
        try:
            claims = jwt.decode(
                token,
                self._state_key(purpose),
                algorithms=["HS256"],
                issuer=self.issuer,
                audience=self._state_audience(purpose),
                options={"require": ["exp", "iat", "sub", "iss", "aud", "nonce"]},
            )
        except jwt.ExpiredSignatureError as error:
            raise InvalidInputError(
                Code.ORCID_STATE_EXPIRED,
                "state: this sign-in with ORCID was started too long ago; start it again.",
                field="state",
            ) from error
        except jwt.PyJWTError as error:
            raise InvalidInputError(
                Code.ORCID_STATE_INVALID,
                "state: not a state this server issued (altered, or for something else); "
                "start the sign-in with ORCID again.",
                field="state",
            ) from error
        return SignedState(user_id=str(claims["sub"]), nonce_hash=str(claims["nonce"]))

    def _state_key(self, purpose: str) -> bytes:
        return hmac.new(self._secret.encode(), f"state:{purpose}".encode(), "sha256").digest()

    def _state_audience(self, purpose: str) -> str:
        return f"{self.issuer}:{purpose}"

    async def verify(self, token: str) -> Identity:
        try:
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError as error:
            raise _invalid("it is not a JWT") from error
        issuer = unverified.get("iss")
        if issuer == self.issuer:
            return self._verify_ours(token)
        if self._jwks is not None and issuer == self.oidc_issuer:
            return await asyncio.to_thread(self._verify_external, token)
        raise _invalid(f"its issuer {issuer!r} is not accepted")

    def _verify_ours(self, token: str) -> Identity:
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=["HS256"],
                issuer=self.issuer,
                options={"require": ["exp", "iat", "sub", "iss"]},
            )
        except jwt.PyJWTError as error:
            raise _refusal(error) from error
        return Identity(subject=str(claims["sub"]), external=False)

    def _verify_external(self, token: str) -> Identity:
        assert self._jwks is not None
        try:
            key = self._jwks.get_signing_key_from_jwt(token)
            claims = jwt.decode(
                token,
                key.key,
                algorithms=self.oidc_algorithms,
                issuer=self.oidc_issuer,
                audience=self.oidc_audience,
                options={
                    "require": ["exp", "iat", "sub", "iss"],
                    "verify_aud": self.oidc_audience is not None,
                },
            )
        except jwt.PyJWKClientError as error:
            raise _invalid(f"no key of the OIDC issuer's JWKS verifies it ({error})") from error
        except jwt.PyJWTError as error:
            raise _refusal(error) from error
        email = claims.get("email") if claims.get("email_verified") else None
        name = claims.get("name") or claims.get("preferred_username")
        return Identity(
            subject=f"{self.oidc_issuer}#{claims['sub']}",
            external=True,
            email=str(email) if email else None,
            name=str(name) if name else None,
        )


def _invalid(why: str) -> NotAuthenticatedError:
    return NotAuthenticatedError(Code.INVALID_TOKEN, f"The bearer token was refused: {why}.")


def _refusal(error: jwt.PyJWTError) -> NotAuthenticatedError:
    if isinstance(error, jwt.ExpiredSignatureError):
        return NotAuthenticatedError(
            Code.TOKEN_EXPIRED, "The bearer token has expired: log in again for a new one."
        )
    if isinstance(error, jwt.InvalidAlgorithmError):
        return _invalid("its signing algorithm is not accepted")
    if isinstance(error, jwt.InvalidSignatureError):
        return _invalid("its signature does not verify")
    if isinstance(error, jwt.InvalidIssuerError):
        return _invalid("its issuer is not accepted")
    if isinstance(error, jwt.InvalidAudienceError):
        return _invalid("its audience is not this API")
    if isinstance(error, jwt.MissingRequiredClaimError):
        return _invalid(f"it lacks the required claim {error.claim!r}")
    if isinstance(error, jwt.ImmatureSignatureError):
        return _invalid("it is not valid yet")
    return _invalid("it is malformed")


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header; None without the header."""
    if authorization is None or not authorization.strip():
        return None
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthenticatedError(
            Code.INVALID_TOKEN, "The Authorization header must be 'Bearer <token>'."
        )
    return token.strip()


_hasher = PasswordHasher()
# Verified against when the email is unknown, so a wrong email costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not a password anyone has")


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hasher.hash, password)


async def password_matches(password_hash: str | None, password: str) -> bool:
    def check() -> bool:
        try:
            return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    return await asyncio.to_thread(check)
