#!/usr/bin/python3
"""qshcheck adapter for Debian's python3-jwt (PyJWT) on the Forge Invocation Token vectors (the
verify operation, kind forge-invocation; other cases are skipped), called as a Forge Remote in
Python would call it:

    header = jwt.get_unverified_header(token)
    key = the PyJWK of the given JWKS whose key_id is header["kid"]
    claims = jwt.decode(token, key.key, algorithms=["RS256"], audience=<the app's ARI>,
                        issuer="forge/invocation-token", leeway=..., options={"require": [...]})

The JWKS is the one the case gives (jwt.PyJWKSet.from_json), never fetched. PyJWT knows
nothing of the app claim, so the adapter checks it as the Forge documentation asks an app to
(installationId and apiBaseUrl present, app.id the app's ARI): a failure here is PyJWT's.
PyJWT reads the system clock; the adapter pins it to the case's `now`.

Run it with Debian's python3 (/usr/bin/python3).
"""

import datetime as _dt
import os
import sys

import jwt
import jwt.api_jwt

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from debian_version import debian_version  # noqa: E402
from verify_loop import serve_verify  # noqa: E402

NOW = [0]
ARI_PREFIX = "ari:cloud:ecosystem::app/"


class _FixedDatetime(_dt.datetime):
    @classmethod
    def now(cls, tz=None):
        return _dt.datetime.fromtimestamp(NOW[0], tz=tz or _dt.timezone.utc)


jwt.api_jwt.datetime = _FixedDatetime


def verify(req):
    NOW[0] = req["now"]
    auth = req.get("authorization")
    if auth is None:
        raise ValueError("CARRIAGE_MISSING")
    if not auth.startswith("Bearer "):
        raise ValueError("CARRIAGE_SCHEME")
    token = auth[len("Bearer "):]
    header = jwt.get_unverified_header(token)
    keys = [k for k in jwt.PyJWKSet.from_json(req["jwks"]).keys if k.key_id == header.get("kid")]
    if not keys:
        raise ValueError("KEY_UNKNOWN")
    app_id = req["appId"]
    ari = app_id if app_id.startswith(ARI_PREFIX) else ARI_PREFIX + app_id
    claims = jwt.decode(token, keys[0].key, algorithms=["RS256"], audience=ari, issuer="forge/invocation-token",
                        leeway=req["leeway"], options={"require": ["exp", "iat"]})
    app = claims.get("app")
    if not isinstance(app, dict) or not isinstance(app.get("installationId"), str) or \
            not isinstance(app.get("apiBaseUrl"), str) or app.get("id", ari) != ari:
        raise ValueError("FIT_APP_INVALID")


def main():
    serve_verify({"name": "python3-jwt", "version": debian_version("python3-jwt", jwt.__version__)},
                 verify, lambda m: m.get("kind") == "forge-invocation", "not a Forge Invocation Token")


if __name__ == "__main__":
    main()
