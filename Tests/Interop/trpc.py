"""A small client for the control API in tRPC's wire format (docs/api.md): queries by GET with
?input=, mutations by POST with a JSON body. Returns (HTTP status, envelope) so tests can check
error envelopes as well as data."""
import json
import urllib.error
import urllib.parse
import urllib.request


class TRPCFailure(AssertionError):
    def __init__(self, status: int, envelope: dict):
        super().__init__(f"{status}: {envelope}")
        self.status = status
        self.envelope = envelope
        self.code = envelope.get("error", {}).get("data", {}).get("code")


class API:
    def __init__(self, base: str, token: str | None = None):
        self.base = base
        self.token = token

    def as_user(self, token: str) -> "API":
        return API(self.base, token)

    def call(self, name: str, payload=None, *, query: bool = False) -> tuple[int, dict]:
        headers = {}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        url = f"{self.base}/api/trpc/{name}"
        if query:
            if payload is not None:
                url += "?input=" + urllib.parse.quote(json.dumps(payload))
            request = urllib.request.Request(url, headers=headers, method="GET")
        else:
            headers["Content-Type"] = "application/json"
            request = urllib.request.Request(url, data=json.dumps(payload or {}).encode(), headers=headers,
                                             method="POST")
        try:
            with urllib.request.urlopen(request, timeout=15) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"{}")

    def query(self, name: str, payload=None):
        status, envelope = self.call(name, payload, query=True)
        if status != 200:
            raise TRPCFailure(status, envelope)
        return envelope["result"]["data"]

    def mutate(self, name: str, payload=None):
        status, envelope = self.call(name, payload)
        if status != 200:
            raise TRPCFailure(status, envelope)
        return envelope["result"]["data"]

    def register(self, username: str, password: str = "correct horse battery", display: str | None = None) -> "Account":
        data = self.mutate("users.register", {"username": username, "password": password,
                                              "displayName": display or username.title()})
        return Account(self.as_user(data["token"]), data["user"])


class Account:
    def __init__(self, api: API, user: dict):
        self.api = api
        self.user = user
        self.id = user["id"]
