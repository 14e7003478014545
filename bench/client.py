"""An HTTP client of the application as gunicorn serves it behind the TLS proxy.

Plain HTTP on loopback, sending `X-Forwarded-Proto: https` as nginx does; the cookies are kept
by hand (they are Secure); a form is read for its CSRF token before it is posted; a login
passes the second factor with its demo TOTP secret. Used by the page benchmark and by the test
that a session and an upload cross app hosts (tests/mcs_admin/test_stateless_hosts.py).
"""

import hashlib
import hmac
import http.client
import re
import struct
import time
import uuid
from urllib.parse import urlencode


class Client:
    """One HTTP connection with the cookies of a login."""

    def __init__(self, port: int, cookies: dict | None = None):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies = dict(cookies or {})

    def request(self, method, path, body=None, files=None, headers=None):
        """`files`: {field: (filename, bytes)}, sent with `body` as multipart/form-data;
        `headers`: more request headers."""
        headers = {"X-Forwarded-Proto": "https", "Host": "127.0.0.1", **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if files:
            body, headers["Content-Type"] = _multipart(body or {}, files)
        elif body is not None:
            body = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if body is not None:
            headers["Referer"] = f"https://127.0.0.1{path}"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        data = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response.status, response.headers.get("Location", ""), data

    def csrf_token(self, path) -> str:
        """GET the page at `path` for its form's CSRF token (and the cookie that goes with it)."""
        status, location, page = self.request("GET", path)
        assert status == 200, f"GET {path}: {status} {location}"
        return re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()

    def form(self, path, fields, files=None):
        """GET the page at `path`, then POST `fields` to it with the page's CSRF token."""
        token = self.csrf_token(path)
        return self.request("POST", path, {**fields, "csrfmiddlewaretoken": token}, files)


def _multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    for name, (filename, content) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def demo_code(username: str) -> str:
    """The current code of a login enrolled with its demo secret (second_factor.demo_key)."""
    key = bytes.fromhex(hashlib.sha256(f"mcs-demo-totp:{username}".encode()).hexdigest())
    digest = hmac.new(key, struct.pack(">Q", int(time.time()) // 30), "sha1").digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**6:06d}"


def log_in(port: int, username: str, password: str) -> dict:
    """The cookies of a login made through the login page and the second factor."""
    client = Client(port)
    status, _, _ = client.form("/login/", {"username": username, "password": password})
    assert status == 302, f"{username}: password refused ({status})"
    status, _, _ = client.form("/account/two-factor/", {"token": demo_code(username)})
    assert status == 302, f"{username}: second factor refused ({status})"
    return client.cookies
