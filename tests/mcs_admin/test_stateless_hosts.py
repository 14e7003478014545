"""The application keeps no state between requests, so that N hosts serve it behind nginx
(issue 10, "Beyond one machine"): two gunicorn processes on one PostgreSQL database, each
with its own empty MEDIA_ROOT, the uploads in an S3 bucket (a moto server). A login, its
session and an upload made through one are usable through the other, and a logout through
the other ends the session everywhere."""

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

import boto3
import pytest
from django.db import connection
from moto.server import ThreadedMotoServer

from bench.client import Client, log_in
from mcs_admin.second_factor import demo_enrol
from tests import factories as f

ROOT = Path(__file__).resolve().parents[2]
BUCKET = "mcs-scans"
REGION = "ap-northeast-1"
PASSWORD = "cross-host-2026"
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n" + secrets.token_bytes(64)

pytestmark = pytest.mark.postgres


@contextmanager
def s3_server():
    """A moto S3 server on a free loopback port, with an empty private bucket."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        s3 = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name=REGION,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
        yield endpoint, s3
    finally:
        server.stop()


def database_url() -> str:
    """The test database, which the app processes see once the test's writes are committed."""
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@contextmanager
def app_host(env: dict, media_root: Path):
    """A gunicorn process with production settings, on a loopback socket bound here first (so
    the port is free and known before it starts); yields the port once it answers."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    server = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "mcs_admin.wsgi:application",
            "--bind", f"fd://{listener.fileno()}", "--workers", "1", "--log-level", "warning",
        ],
        cwd=ROOT, env={**env, "MEDIA_ROOT": str(media_root)}, pass_fds=[listener.fileno()],
        start_new_session=True,
    )  # fmt: skip
    listener.close()  # gunicorn holds it now
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if Client(port).request("GET", "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None, "the app process exited"
            assert time.monotonic() < deadline, "the app process did not answer in 20 s"
            time.sleep(0.2)
        yield port
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)


def test_a_login_session_and_upload_made_on_one_host_work_on_another(
    transactional_db, settings, tmp_path
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]  # the hosts'
    f.AssociationProfileFactory()
    center = f.CenterUserFactory(
        username="center-x", last_name="横断", first_name="試験", password=PASSWORD
    )
    demo_enrol(center)
    pledge = f.StaffPledgeFactory()
    number = pledge.document_number

    with ExitStack() as stack:
        endpoint, s3 = stack.enter_context(s3_server())
        env = {
            **os.environ,
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),  # shared by the hosts, as in production
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": database_url(),
            "UPLOADS_S3_BUCKET": BUCKET,
            "UPLOADS_S3_ENDPOINT_URL": endpoint,
            "UPLOADS_S3_REGION": REGION,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
        }
        media_a, media_b = tmp_path / "media-a", tmp_path / "media-b"
        port_a = stack.enter_context(app_host(env, media_a))
        port_b = stack.enter_context(app_host(env, media_b))

        # on host A: the login page, the second factor, and a scan received on the admin's page
        cookies = log_in(port_a, "center-x", PASSWORD)
        on_a = Client(port_a, cookies)
        status, location, _ = on_a.form(
            "/admin/receive/?number=" + number,
            {"number": number, "received_on": f.TODAY.isoformat()},
            files={"scanned_copy": ("誓約書.pdf", PDF)},
        )
        assert (status, location) == (302, "/admin/receive/")

        # on host B, the same cookies: the same login, and the scan A stored
        on_b = Client(port_b, on_a.cookies)
        status, location, _ = on_b.request("GET", "/")
        assert (status, location) == (302, "/facilities/")  # the center's home, not the login
        status, _, page = on_b.request("GET", "/facilities/")
        assert status == 200
        assert "横断" in re.search(r'data-testid="display-name">([^<]*)<', page.decode())[1]
        status, _, page = on_b.request("GET", "/admin/receive/?number=" + number)
        assert status == 200 and "受領済" in page.decode()
        scan_url = re.search(rb'href="(/scans/pledges/[0-9a-f]{32}\.pdf)"', page)[1].decode()
        status, _, scan = on_b.request("GET", scan_url)
        assert status == 200 and scan == PDF

        # the scan is in the bucket, and neither host kept anything on its own disk
        key = scan_url.removeprefix("/scans/")
        assert s3.get_object(Bucket=BUCKET, Key=key)["Body"].read() == PDF
        for media in (media_a, media_b):
            assert not media.exists() or not any(media.rglob("*"))

        # a logout on B ends the session on A
        _, _, page = on_b.request("GET", "/facilities/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1].decode()
        status, location, _ = on_b.request("POST", "/logout/", {"csrfmiddlewaretoken": token})
        assert (status, location) == (302, "/login/")
        status, location, _ = Client(port_a, cookies).request("GET", "/facilities/")
        assert (status, location) == (302, "/login/?next=/facilities/")
