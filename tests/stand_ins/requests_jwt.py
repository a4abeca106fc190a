"""A stand-in for requests_jwt, which jira.JIRA(..., jwt=...) imports and which Debian does not
package: the part of its interface that python3-jira's JIRA._create_jwt_session uses, so that
python3-jira's own code builds the session, the URLs and the qsh. requests_jwt's JWTAuth is a
requests auth whose claims are fields, each a value or a function of the prepared request,
evaluated for every request and signed with PyJWT; its header is a format with the token in
it. Only that is here (nothing of requests_jwt's other generators or options). What this shows
is python3-jira's own part, not requests_jwt's: its published source calls .decode('ascii') on
what jwt.encode returns, a str since PyJWT 2, and leaves out claims whose value is falsy."""

import jwt
from requests.auth import AuthBase


class JWTAuth(AuthBase):
    def __init__(self, secret, alg="HS256", header_format='JWT token="%s"'):
        self.secret, self.alg, self.header_format = secret, alg, header_format
        self.fields = {}

    def set_header_format(self, header_format):
        self.header_format = header_format

    def add_field(self, name, value):
        self.fields[name] = value

    def __call__(self, request):
        claims = {name: value(request) if callable(value) else value
                  for name, value in self.fields.items()}
        token = jwt.encode(claims, self.secret, algorithm=self.alg)
        request.headers["Authorization"] = self.header_format % token
        return request
