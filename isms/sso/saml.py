"""The SAML 2.0 protocol, on pysaml2 (signatures checked by xmlsec1).

SP-initiated Web SSO: `begin()` makes an AuthnRequest (HTTP-Redirect binding, signed
when the SP has a key pair; `ForceAuthn` for a re-authentication), keeps its ID and a
random RelayState in the session and returns the IdP's URL. `finish()` takes the
Response the IdP posted to our assertion consumer service and refuses it unless:

- the assertion is signed by a key in the IdP's metadata (an unsigned or altered
  assertion fails; a signed response around an unsigned assertion is not enough);
- it answers the request this session sent (`InResponseTo`; unsolicited responses and
  replays are refused, the request ID is single use) with our RelayState;
- the issuer is the configured IdP, the audience restriction names our entity ID, the
  Destination and every bearer SubjectConfirmation's Recipient are our ACS URL, and
  the time conditions hold (60 s of clock leeway);
- for a re-authentication, the AuthnInstant is fresh.

pysaml2 checks most of these; the audience, recipient, destination and issuer are
checked again here, strictly, because pysaml2 accepts a missing audience restriction
and only checks the recipient when told about the conversation. Any failure raises
`SAMLError` with a precise reason for the security log; nothing falls back.

IdP-initiated single logout: `parse_logout_request()` takes the IdP's LogoutRequest
(HTTP-Redirect or HTTP-POST binding) and refuses it unless it is signed by a key of the
IdP's metadata (the query-string signature of the Redirect binding, checked over the
bytes as received; the enveloped XML signature of the POST binding), comes from the
configured IdP, names our single logout URL as its Destination, is fresh (issued within
LOGOUT_MAX_AGE seconds, NotOnOrAfter not passed) and is not a replay. `logout_response()`
builds the answer (signed when the SP has a key pair).

IdP metadata comes from a file or a URL and is cached for SAML_METADATA_CACHE seconds.
"""

from __future__ import annotations

import base64
import calendar
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import unquote_plus, urlparse

from authlib.common.security import generate_token
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from django.core.cache import cache
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2 import SAMLError as Saml2Error
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.metadata import entity_descriptor
from saml2.response import (
    IncorrectlySigned,
    StatusError,
    UnsolicitedResponse,
    VerificationError,
)
from saml2.s_utils import UnknownPrincipal, UnsupportedBinding, success_status_factory
from saml2.saml import NAMEID_FORMAT_UNSPECIFIED, NameID, name_id_from_string
from saml2.samlp import logout_request_from_string, response_from_string
from saml2.sigver import MissingKey, SignatureError
from saml2.time_util import str_to_time
from saml2.validate import ResponseLifetimeExceed, ToEarly

from isms.sso.config import SAMLConfig

SESSION_KEY = "_isms_saml_flow"
LEEWAY = 60
BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer"
LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


class SAMLError(Exception):
    """A SAML exchange that must be refused; `reason` is a short code, the message the
    detail for the log."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(detail or reason)
        self.reason = reason
        self.detail = detail or reason


#: reasons that mean the IdP or our set-up is at fault (HTTP 502), not the answer
CONFIGURATION_REASONS = frozenset({"bad_metadata", "metadata_unreachable", "xmlsec_missing"})


@dataclass(frozen=True)
class Assertion:
    """What a verified SAML assertion says about the user."""

    issuer: str
    name_id: str
    name_id_xml: str
    session_index: str
    attributes: dict = field(default_factory=dict)
    authn_instant: int = 0
    authn_contexts: tuple[str, ...] = ()

    def first(self, name: str) -> str:
        """The first value of attribute `name` (the NameID when `name` is empty)."""
        if not name:
            return self.name_id
        values = self.attributes.get(name) or []
        return str(values[0]) if values else ""


_cache: dict[tuple, tuple[float, SPConfig]] = {}
_cache_lock = threading.Lock()


def _config_dict(cfg: SAMLConfig) -> dict:
    metadata = (
        {"local": [cfg.metadata_file]}
        if cfg.metadata_file
        else {"remote": [{"url": cfg.metadata_url}]}
    )
    conf = {
        "entityid": cfg.sp_entity_id,
        "xmlsec_binary": cfg.xmlsec1,
        "metadata": metadata,
        "allow_unknown_attributes": True,
        "accepted_time_diff": LEEWAY,
        "http_client_timeout": cfg.timeout,
        "service": {
            "sp": {
                "name": "ISMS",
                "endpoints": {
                    "assertion_consumer_service": [(cfg.acs_url, BINDING_HTTP_POST)],
                    "single_logout_service": [
                        (cfg.sls_url, BINDING_HTTP_REDIRECT),
                        (cfg.sls_url, BINDING_HTTP_POST),
                    ],
                },
                "want_assertions_signed": True,
                "want_response_signed": False,
                "allow_unsolicited": False,
                "authn_requests_signed": cfg.signs,
                "logout_requests_signed": cfg.signs,
                "logout_responses_signed": cfg.signs,
                "name_id_format_allow_create": True,
            }
        },
    }
    if cfg.signs:
        conf.update(key_file=cfg.key_file, cert_file=cfg.cert_file)
        conf["encryption_keypairs"] = [{"key_file": cfg.key_file, "cert_file": cfg.cert_file}]
    return conf


def sp_config(cfg: SAMLConfig) -> SPConfig:
    """The loaded pysaml2 configuration (IdP metadata included), cached per setting
    values for SAML_METADATA_CACHE seconds."""
    if not cfg.xmlsec1:
        raise SAMLError("xmlsec_missing", "xmlsec1 not found (install it or set SAML_XMLSEC1)")
    key = (
        cfg.metadata_file,
        cfg.metadata_url,
        cfg.sp_entity_id,
        cfg.acs_url,
        cfg.key_file,
        cfg.cert_file,
        cfg.xmlsec1,
    )
    with _cache_lock:
        cached = _cache.get(key)
        if cached and time.monotonic() - cached[0] < cfg.metadata_cache:
            return cached[1]
    source = cfg.metadata_file or cfg.metadata_url
    if not cfg.metadata_file:
        url = urlparse(cfg.metadata_url)
        if url.scheme != "https" and url.hostname not in LOOPBACK:
            # The metadata carries the keys assertions are checked with: never over
            # plain HTTP from another machine.
            raise SAMLError("bad_metadata", f"SAML_IDP_METADATA_URL must use https: {source}")
    try:
        conf = SPConfig()
        conf.load(_config_dict(cfg))
    except (OSError, ValueError) as exc:
        reason = "metadata_unreachable" if cfg.metadata_url else "bad_metadata"
        raise SAMLError(reason, f"IdP metadata {source}: {exc}") from exc
    except Exception as exc:  # pysaml2 raises many kinds while loading metadata
        raise SAMLError("bad_metadata", f"IdP metadata {source}: {exc!r}") from exc
    idps = list(conf.metadata.identity_providers())
    if not idps:
        raise SAMLError("bad_metadata", f"no identity provider in metadata {source}")
    if cfg.idp_entity_id and cfg.idp_entity_id not in idps:
        raise SAMLError(
            "bad_metadata", f"SAML_IDP_ENTITY_ID {cfg.idp_entity_id!r} not in metadata {source}"
        )
    if not cfg.idp_entity_id and len(idps) > 1:
        raise SAMLError(
            "bad_metadata", f"{len(idps)} identity providers in {source}: set SAML_IDP_ENTITY_ID"
        )
    with _cache_lock:
        _cache[key] = (time.monotonic(), conf)
    return conf


def idp_entity_id(cfg: SAMLConfig, conf: SPConfig | None = None) -> str:
    conf = conf or sp_config(cfg)
    return cfg.idp_entity_id or next(iter(conf.metadata.identity_providers()))


def client(cfg: SAMLConfig) -> Saml2Client:
    return Saml2Client(config=sp_config(cfg))


def metadata_xml(cfg: SAMLConfig) -> str:
    """Our SP metadata (entity ID, ACS and SLO endpoints, certificate when signing):
    what the administrator gives the IdP. Built without loading the IdP's metadata."""
    conf = SPConfig()
    local = _config_dict(cfg)
    local.pop("metadata")
    conf.load(local)
    return str(entity_descriptor(conf))


def begin(request, cfg: SAMLConfig, *, next_url: str, reauth: bool = False) -> str:
    """Start a sign-in (or, with `reauth`, a forced fresh authentication): the URL of the
    IdP's single sign-on service with the AuthnRequest."""
    saml_client = client(cfg)
    relay_state = generate_token(32)
    try:
        request_id, info = saml_client.prepare_for_authenticate(
            entityid=idp_entity_id(cfg, saml_client.config),
            relay_state=relay_state,
            binding=BINDING_HTTP_REDIRECT,
            sign=cfg.signs,
            force_authn="true" if reauth else None,
        )
    except (Saml2Error, UnsupportedBinding, ValueError) as exc:
        raise SAMLError("bad_metadata", f"cannot build the AuthnRequest: {exc!r}") from exc
    request.session[SESSION_KEY] = {
        "request_id": request_id,
        "relay_state": relay_state,
        "next": next_url,
        "reauth": reauth,
        "started": int(time.time()),
    }
    return dict(info["headers"])["Location"]


def has_flow(request) -> bool:
    """Whether this session has begun a SAML sign-in (the session cookie came along)."""
    return bool(request.session.get(SESSION_KEY))


def finish(request, cfg: SAMLConfig) -> tuple[dict, Assertion]:
    """Verify the posted Response: (the flow begun in this session, the assertion)."""
    flow = request.session.pop(SESSION_KEY, None)
    if not flow:
        raise SAMLError("no_flow", "no sign-in in progress in this session (replayed response?)")
    if request.POST.get("RelayState", "") != flow["relay_state"]:
        raise SAMLError("wrong_state", "RelayState does not match the one sent")
    encoded = request.POST.get("SAMLResponse", "")
    if not encoded:
        raise SAMLError("no_response", "POST without a SAMLResponse")
    _check_destination(encoded, cfg)
    saml_client = client(cfg)
    expected_idp = idp_entity_id(cfg, saml_client.config)
    try:
        response = saml_client.parse_authn_request_response(
            encoded,
            BINDING_HTTP_POST,
            outstanding={flow["request_id"]: flow["next"]},
            conv_info={"entity_id": cfg.sp_entity_id},
        )
    except (SignatureError, IncorrectlySigned, MissingKey) as exc:
        raise SAMLError("bad_signature", f"assertion signature not verified: {exc!r}") from exc
    except UnsolicitedResponse as exc:
        raise SAMLError("unsolicited", f"response to a request not sent: {exc}") from exc
    except (StatusError, UnknownPrincipal) as exc:
        raise SAMLError("idp_error", f"IdP answered with an error status: {exc!r}") from exc
    except (ResponseLifetimeExceed, ToEarly) as exc:
        raise SAMLError("expired", f"outside its validity period: {exc}") from exc
    except VerificationError as exc:
        if str(exc) == "Condition not OK":  # pysaml2's word for an impossible time window
            raise SAMLError("expired", "time conditions not met (NotBefore/NotOnOrAfter)") from exc
        raise SAMLError("bad_claims", f"assertion refused: {exc}") from exc
    except Exception as exc:  # pysaml2 raises bare Exception/ValueError for many checks
        text = str(exc)
        if "AudienceRestriction" in text:
            raise SAMLError("wrong_audience", text) from exc
        raise SAMLError("bad_claims", f"assertion refused: {exc!r}") from exc
    if response is None or response.assertion is None:
        raise SAMLError("bad_claims", "no usable assertion in the response")
    _check_strictly(response, cfg, expected_idp)
    assertion = _assertion(response)
    if flow.get("reauth") and assertion.authn_instant < flow["started"] - LEEWAY:
        raise SAMLError("stale_authentication", "ForceAuthn answered with an old AuthnInstant")
    return flow, assertion


def _check_destination(encoded: str, cfg: SAMLConfig) -> None:
    """The Response must name our ACS as its Destination (checked first, so a response
    meant for another service is refused by name; pysaml2 would only drop it)."""
    try:
        message = response_from_string(base64.b64decode(encoded, validate=False))
    except Exception as exc:  # undecodable base64 or XML (defusedxml refuses entities)
        raise SAMLError("bad_claims", f"SAMLResponse unreadable: {exc!r}") from exc
    if message is None or message.destination != cfg.acs_url:
        destination = getattr(message, "destination", None)
        raise SAMLError("wrong_recipient", f"Destination {destination!r}, expected {cfg.acs_url!r}")


def _check_strictly(response, cfg: SAMLConfig, expected_idp: str) -> None:
    # Both the Response's issuer and the (signed) assertion's: with federation metadata
    # listing several IdPs, a signature by another of them must not pass.
    issuers = {response.issuer(), getattr(response.assertion.issuer, "text", None)}
    if issuers != {expected_idp}:
        raise SAMLError(
            "wrong_idp", f"issuer {sorted(map(str, issuers))}, expected {expected_idp!r}"
        )
    if response.response.destination != cfg.acs_url:
        raise SAMLError(
            "wrong_recipient",
            f"Destination {response.response.destination!r}, expected {cfg.acs_url!r}",
        )
    assertion = response.assertion
    conditions = assertion.conditions
    audiences = {
        (audience.text or "").strip()
        for restriction in (conditions.audience_restriction if conditions else [])
        for audience in restriction.audience
    }
    if cfg.sp_entity_id not in audiences:
        raise SAMLError("wrong_audience", f"audience {sorted(audiences)}, not {cfg.sp_entity_id}")
    recipients = [
        getattr(confirmation.subject_confirmation_data, "recipient", None)
        for confirmation in assertion.subject.subject_confirmation
        if confirmation.method == BEARER
    ]
    if not recipients or any(recipient != cfg.acs_url for recipient in recipients):
        raise SAMLError("wrong_recipient", f"Recipient {recipients}, expected {cfg.acs_url!r}")


def _assertion(response) -> Assertion:
    name_id = response.name_id
    if name_id is None or not (name_id.text or "").strip():
        raise SAMLError("bad_claims", "assertion without a NameID")
    statements = response.assertion.authn_statement
    if not statements:
        raise SAMLError("bad_claims", "assertion without an AuthnStatement")
    instant = statements[0].authn_instant
    contexts = tuple(context for context, _authorities, _instant in response.authn_info())
    return Assertion(
        issuer=response.issuer(),
        name_id=name_id.text.strip(),
        name_id_xml=str(name_id),
        session_index=statements[0].session_index or "",
        attributes={key: list(values) for key, values in (response.ava or {}).items()},
        authn_instant=int(time.mktime(str_to_time(instant))) if instant else 0,
        authn_contexts=contexts,
    )


def logout_url(request, cfg: SAMLConfig, name_id_xml: str, session_index: str) -> str | None:
    """SP-initiated single logout: the IdP's SLO URL with a LogoutRequest for the
    signed-out session, or None when the IdP offers no HTTP-Redirect SLO endpoint."""
    saml_client = client(cfg)
    idp = idp_entity_id(cfg, saml_client.config)
    try:
        destinations = saml_client.metadata.single_logout_service(
            idp, BINDING_HTTP_REDIRECT, "idpsso"
        )
    except Exception:  # noqa: BLE001 - no SLO endpoint in metadata
        destinations = []
    if not destinations:
        return None
    destination = destinations[0]["location"]
    name_id = name_id_from_string(name_id_xml) if name_id_xml else None
    if name_id is None:
        name_id = NameID(format=NAMEID_FORMAT_UNSPECIFIED, text="")
    request_id, logout_request = saml_client.create_logout_request(
        destination,
        idp,
        name_id=name_id,
        session_indexes=[session_index] if session_index else None,
        sign=False,
    )
    info = saml_client.apply_binding(
        BINDING_HTTP_REDIRECT,
        str(logout_request),
        destination,
        relay_state="",
        sign=cfg.signs,
        sigalg=None,
    )
    return dict(info["headers"])["Location"]


# --- IdP-initiated single logout ---------------------------------------------------

#: how old an IdP's LogoutRequest may be (plus LEEWAY): it is sent as the user watches
LOGOUT_MAX_AGE = 300
#: the Redirect binding's signature algorithms accepted (SHA-1 is not)
REDIRECT_SIGNATURE_HASHES = {
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256": hashes.SHA256,
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384": hashes.SHA384,
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512": hashes.SHA512,
}


@dataclass(frozen=True)
class IdPLogout:
    """A verified LogoutRequest from the IdP: whose sessions it ends (all of the NameID's
    when it lists no SessionIndex), and what the answer needs."""

    issuer: str
    name_id: str
    session_indexes: tuple[str, ...]
    binding: str
    relay_state: str
    message: object = field(repr=False, compare=False)


def _raw_query_values(query_string: str) -> dict[str, str]:
    """The query's parameters as sent (still URL-encoded): the Redirect binding signs
    the exact bytes, which re-encoding could change."""
    values = {}
    for part in query_string.split("&"):
        key, _sep, value = part.partition("=")
        values.setdefault(unquote_plus(key), value)
    return values


def _idp_signing_keys(saml_client, idp: str) -> list:
    try:
        certs = saml_client.metadata.certs(idp, "any", "signing")
    except Exception:  # noqa: BLE001 - pysaml2 raises KeyError and others
        certs = []
    keys = []
    for _name, cert in certs:
        der = base64.b64decode("".join(str(cert).split()))
        keys.append(x509.load_der_x509_certificate(der).public_key())
    if not keys:
        raise SAMLError("bad_metadata", f"no signing certificate for {idp} in the metadata")
    return keys


def _check_redirect_signature(query_string: str, saml_client, idp: str) -> None:
    raw = _raw_query_values(query_string)
    if not raw.get("Signature") or not raw.get("SigAlg"):
        raise SAMLError("bad_signature", "LogoutRequest without a signature (Redirect binding)")
    algorithm = unquote_plus(raw["SigAlg"])
    digest = REDIRECT_SIGNATURE_HASHES.get(algorithm)
    if digest is None:
        raise SAMLError("bad_signature", f"LogoutRequest signature algorithm {algorithm!r} refused")
    signed = f"SAMLRequest={raw['SAMLRequest']}"
    if "RelayState" in raw:
        signed += f"&RelayState={raw['RelayState']}"
    signed += f"&SigAlg={raw['SigAlg']}"
    try:
        signature = base64.b64decode(unquote_plus(raw["Signature"]), validate=True)
    except ValueError as exc:
        raise SAMLError("bad_signature", "LogoutRequest signature is not base64") from exc
    for key in _idp_signing_keys(saml_client, idp):
        try:
            key.verify(signature, signed.encode("ascii"), padding.PKCS1v15(), digest())
        except (InvalidSignature, TypeError, ValueError, AttributeError):
            continue
        return
    raise SAMLError("bad_signature", "LogoutRequest signature not verified (Redirect binding)")


def _check_post_signature(xml: str, encoded: str, saml_client, idp: str) -> None:
    _idp_signing_keys(saml_client, idp)  # keys from the metadata only, never the message's
    try:
        saml_client.sec.correctly_signed_logout_request(xml, must=True, origdoc=encoded)
    except Exception as exc:  # SignatureError, MissingKey and pysaml2's bare errors
        raise SAMLError(
            "bad_signature", f"LogoutRequest signature not verified (POST binding): {exc!r}"
        ) from exc


def _check_fresh(message) -> None:
    now = time.time()
    issued = _utc(message.issue_instant)
    if issued > now + LEEWAY or issued < now - LOGOUT_MAX_AGE - LEEWAY:
        raise SAMLError("expired", f"LogoutRequest issued at {message.issue_instant}")
    if message.not_on_or_after and _utc(message.not_on_or_after) < now - LEEWAY:
        raise SAMLError("expired", f"LogoutRequest NotOnOrAfter {message.not_on_or_after}")


def _utc(instant: str) -> float:
    """Seconds since the epoch of an xs:dateTime in UTC (as SAML writes them)."""
    try:
        return float(calendar.timegm(str_to_time(instant)))
    except (TypeError, ValueError) as exc:
        raise SAMLError("bad_claims", f"unreadable time {instant!r}: {exc}") from exc


def parse_logout_request(request, cfg: SAMLConfig) -> IdPLogout:
    """Verify the LogoutRequest the IdP sent to our single logout service (GET:
    HTTP-Redirect, POST: HTTP-POST); SAMLError with a precise reason otherwise."""
    binding = BINDING_HTTP_REDIRECT if request.method == "GET" else BINDING_HTTP_POST
    data = request.GET if request.method == "GET" else request.POST
    encoded = data.get("SAMLRequest", "")
    relay_state = data.get("RelayState", "")
    saml_client = client(cfg)
    expected_idp = idp_entity_id(cfg, saml_client.config)
    try:
        xml = saml_client.unravel(encoded, binding, "LogoutRequest")
        message = logout_request_from_string(xml)
    except Exception as exc:  # undecodable base64, deflate or XML
        raise SAMLError("bad_claims", f"LogoutRequest unreadable: {exc!r}") from exc
    if message is None:
        raise SAMLError("bad_claims", "not a LogoutRequest")
    issuer = (getattr(message.issuer, "text", None) or "").strip()
    if issuer != expected_idp:
        raise SAMLError("wrong_idp", f"LogoutRequest from {issuer!r}, expected {expected_idp!r}")
    if binding == BINDING_HTTP_REDIRECT:
        _check_redirect_signature(request.META.get("QUERY_STRING", ""), saml_client, issuer)
    else:
        _check_post_signature(xml, encoded, saml_client, issuer)
    if message.destination != cfg.sls_url:
        raise SAMLError(
            "wrong_recipient", f"Destination {message.destination!r}, expected {cfg.sls_url!r}"
        )
    _check_fresh(message)
    if message.name_id is None or not (message.name_id.text or "").strip():
        raise SAMLError("bad_claims", "LogoutRequest without a (plain) NameID")
    if not cache.add(f"isms:saml-logout:{issuer}:{message.id}", 1, LOGOUT_MAX_AGE + 2 * LEEWAY):
        raise SAMLError("replayed", f"LogoutRequest {message.id} already handled")
    return IdPLogout(
        issuer=issuer,
        name_id=message.name_id.text.strip(),
        session_indexes=tuple(
            (index.text or "").strip() for index in message.session_index or [] if index.text
        ),
        binding=binding,
        relay_state=relay_state,
        message=message,
    )


def logout_response(cfg: SAMLConfig, logout: IdPLogout) -> dict:
    """The LogoutResponse (status Success) to a verified IdP LogoutRequest, signed when
    the SP has a key pair: {"binding", "url"} for the Redirect binding (the IdP's URL
    with the signed query), or {"binding", "url", "fields"} for the POST binding (the
    form the browser posts). The binding the request came with is preferred."""
    saml_client = client(cfg)
    other = BINDING_HTTP_POST if logout.binding == BINDING_HTTP_REDIRECT else BINDING_HTTP_REDIRECT
    for binding in (logout.binding, other):
        try:
            info = saml_client.response_args(logout.message, [binding])
        except Exception:  # noqa: BLE001, S112 - no SLO endpoint for this binding
            continue
        if not info.get("destination"):
            continue
        sign_xml = cfg.signs and binding == BINDING_HTTP_POST
        response = saml_client.create_logout_response(
            logout.message,
            bindings=[binding],
            status=success_status_factory(),
            sign=sign_xml,
        )
        if binding == BINDING_HTTP_POST:
            return {
                "binding": binding,
                "url": info["destination"],
                "fields": {
                    "SAMLResponse": base64.b64encode(str(response).encode()).decode(),
                    "RelayState": logout.relay_state,
                },
            }
        sent = saml_client.apply_binding(
            BINDING_HTTP_REDIRECT,
            str(response),
            info["destination"],
            logout.relay_state,
            response=True,
            sign=cfg.signs,
            sigalg=None,
        )
        return {"binding": binding, "url": dict(sent["headers"])["Location"]}
    raise SAMLError("bad_metadata", "the IdP's metadata has no single logout service to answer")
