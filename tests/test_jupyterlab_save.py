"""A chapter opened and saved in JupyterLab, unedited, stays byte-identical.

JupyterLab talks to a Jupyter server: it opens a notebook through the
contents API, starts a kernel for it through the sessions API, copies the
kernel's ``language_info`` and kernel spec into the notebook's metadata, and
saves the notebook back through the contents API. This test does the same
against a real server and a running kernel, so that ``git status`` stays
clean after a reader opens and saves a chapter.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers.paths import NOTEBOOKS_DIR

pytestmark = pytest.mark.slow

TOKEN = uuid.uuid4().hex
CHAPTER = NOTEBOOKS_DIR / "05_command.ipynb"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A running Jupyter server, spoken to over HTTP and WebSocket as JupyterLab does."""

    def __init__(self, root: Path, log: Path) -> None:
        self.log_path = log
        self.log = log.open("w")
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "jupyter_server",
                f"--ServerApp.root_dir={root}",
                f"--ServerApp.port={self.port}",
                "--ServerApp.ip=127.0.0.1",
                f"--IdentityProvider.token={TOKEN}",
                "--ServerApp.open_browser=False",
                "--ServerApp.port_retries=0",
                # The project's machines run as root; the server refuses that unasked.
                "--allow-root",
            ],
            stdout=subprocess.DEVNULL,
            stderr=self.log,
        )

    def request(self, method: str, path: str, body: object | None = None) -> dict:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            f"{self.base}{path}",
            data=data,
            method=method,
            headers={"Authorization": f"token {TOKEN}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read() or b"{}")

    def wait_until_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server ended: {self.log_path.read_text()[-2000:]}")
            try:
                self.request("GET", "/api/status")
                return
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        raise TimeoutError("the Jupyter server did not start")

    def kernel_info(self, kernel_id: str) -> dict:
        """The kernel's reply to ``kernel_info_request``, over the kernel's WebSocket."""
        import websocket

        ws = websocket.create_connection(
            f"ws://127.0.0.1:{self.port}/api/kernels/{kernel_id}/channels?token={TOKEN}",
            timeout=30,
        )
        try:
            msg_id = uuid.uuid4().hex
            ws.send(
                json.dumps(
                    {
                        "header": {
                            "msg_id": msg_id,
                            "msg_type": "kernel_info_request",
                            "username": "test",
                            "session": uuid.uuid4().hex,
                            "version": "5.3",
                            "date": "",
                        },
                        "parent_header": {},
                        "metadata": {},
                        "content": {},
                        "channel": "shell",
                        "buffers": [],
                    }
                )
            )
            while True:
                message = json.loads(ws.recv())
                if message.get("parent_header", {}).get("msg_id") == msg_id and (
                    message["msg_type"] == "kernel_info_reply"
                ):
                    return message["content"]
        finally:
            ws.close()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


@pytest.fixture
def server(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = Server(tmp_path, tmp_path_factory.mktemp("server-log") / "server.log")
    try:
        running.wait_until_ready()
        yield running
    finally:
        running.stop()


def open_and_save_as_jupyterlab_does(server: Server, name: str) -> None:
    session = server.request(
        "POST",
        "/api/sessions",
        {"path": name, "name": name, "type": "notebook", "kernel": {"name": "python3"}},
    )
    kernel = session["kernel"]
    model = server.request("GET", f"/api/contents/{name}?content=1&type=notebook")
    info = server.kernel_info(kernel["id"])
    spec = server.request("GET", "/api/kernelspecs")["kernelspecs"][kernel["name"]]["spec"]
    metadata = model["content"]["metadata"]
    metadata["language_info"] = info["language_info"]
    metadata["kernelspec"] = {
        "display_name": spec["display_name"],
        "language": spec["language"],
        "name": kernel["name"],
    }
    server.request(
        "PUT",
        f"/api/contents/{name}",
        {"type": "notebook", "format": "json", "content": model["content"]},
    )
    server.request("DELETE", f"/api/sessions/{session['id']}")


def test_an_opened_and_saved_chapter_is_byte_identical(server: Server, tmp_path: Path) -> None:
    shutil.copyfile(CHAPTER, tmp_path / CHAPTER.name)
    before = (tmp_path / CHAPTER.name).read_bytes()
    open_and_save_as_jupyterlab_does(server, CHAPTER.name)
    after = (tmp_path / CHAPTER.name).read_bytes()
    if after != before:
        old = json.loads(before)["metadata"]
        new = json.loads(after)["metadata"]
        pytest.fail(f"saving changed the file; metadata before {old}, after {new}")


def test_the_check_sees_a_change_of_metadata(server: Server, tmp_path: Path) -> None:
    """The same steps on a notebook stored without the kernel's language_info change it."""
    nb = json.loads(CHAPTER.read_text(encoding="utf-8"))
    nb["metadata"]["language_info"] = {"name": "python"}  # what builds stored before
    path = tmp_path / "old.ipynb"
    path.write_text(json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    before = path.read_bytes()
    open_and_save_as_jupyterlab_does(server, path.name)
    assert path.read_bytes() != before
