"""Start N app replicas on one database and nginx in front of them; stop them all on Ctrl-C.

    SALESOPS_DATABASE_URL=postgresql+psycopg://user:password@db-host/salesops \\
        python deploy/replicas.py --replicas 2 --port 8080

The replicas listen on 127.0.0.1 from ``--first-port`` on; nginx listens on
``--port`` on every address, with deploy/nginx.conf filled in with the
replicas (``render_config``) and everything it writes under ``--prefix``.
All replicas get the same ``server.cookieSecret`` (sign-in cookies then open
on any of them): ``STREAMLIT_SERVER_COOKIE_SECRET`` if set, else a random one.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = Path(__file__).resolve().parent / "nginx.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
_BLOCK = re.compile(r"(?ms)^([ \t]*)# replicas: begin\n.*?^[ \t]*# replicas: end\n")
_PORT = re.compile(r"(?m)^([ \t]*)listen \S+;([ \t]*# proxy port)$")


def render_config(template: str, port: int, replicas: list[str], *, fail_timeout_s: int = 10) -> str:
    """The nginx configuration with its proxy port and one ``server`` line per replica address.

    >>> text = render_config(TEMPLATE.read_text(), 9000, ["10.0.0.5:8501", "10.0.0.6:8501"])
    >>> [line.strip() for line in text.splitlines() if line.strip().startswith(("server 10.", "listen"))]
    ['server 10.0.0.5:8501 max_fails=1 fail_timeout=10s;', 'server 10.0.0.6:8501 max_fails=1 fail_timeout=10s;', \
'listen 9000;  # proxy port']
    """
    if not 0 < port < 65536:
        raise ValueError(f"port must be 1 to 65535, got {port}")
    if not replicas or not all(re.fullmatch(r"[A-Za-z0-9.\-\[\]:]{1,100}:\d{1,5}", r) for r in replicas):
        raise ValueError(f"replicas must be host:port addresses, got {replicas!r}")
    if not _BLOCK.search(template) or not _PORT.search(template):
        raise ValueError("the template has no '# replicas: begin/end' block or no '# proxy port' line")

    def servers(match: re.Match[str]) -> str:
        pad = match.group(1)
        lines = [f"{pad}server {r} max_fails=1 fail_timeout={fail_timeout_s}s;\n" for r in replicas]
        return f"{pad}# replicas: begin\n{''.join(lines)}{pad}# replicas: end\n"

    text = _BLOCK.sub(servers, template, count=1)
    return _PORT.sub(lambda m: f"{m.group(1)}listen {port};{m.group(2)}", text, count=1)


def replica_command(port: int, address: str = "127.0.0.1") -> list[str]:
    """The command line of one replica (as in deploy/Procfile)."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "streamlit_app.py",
        "--server.headless",
        "true",
        "--server.address",
        address,
        "--server.port",
        str(port),
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
    ]


def prepare_prefix(prefix: Path, port: int, replicas: list[str]) -> Path:
    """Write the filled-in configuration under ``prefix`` (with its logs/ and tmp/ folders); return its path."""
    (prefix / "logs").mkdir(parents=True, exist_ok=True)
    (prefix / "tmp").mkdir(parents=True, exist_ok=True)
    conf = prefix / "nginx.conf"
    conf.write_text(render_config(TEMPLATE.read_text(encoding="utf-8"), port, replicas), encoding="utf-8")
    return conf


def nginx_command(prefix: Path, conf: Path) -> list[str]:
    """nginx in the foreground with this prefix and configuration (its start-up messages on stderr)."""
    return [NGINX, "-p", str(prefix), "-c", str(conf), "-e", "stderr", "-g", "daemon off;"]


def wait_healthy(url: str, timeout_s: float = 60.0, proc: subprocess.Popen | None = None) -> None:
    """Wait until ``url``/_stcore/health answers "ok" (RuntimeError after ``timeout_s`` or if ``proc`` ends)."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.read().decode().strip() == "ok":
                    return
        except OSError:
            pass
        if (proc is not None and proc.poll() is not None) or time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not become healthy")
        time.sleep(0.2)


def stop(procs: list[subprocess.Popen]) -> None:
    """Terminate every process started here (nginx first), then kill what has not ended after 10 s."""
    for proc in reversed(procs):
        if proc.poll() is None:
            proc.terminate()
    for proc in reversed(procs):
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--replicas", type=int, default=2, help="how many app processes (1 to 64; default 2)")
    parser.add_argument("--port", type=int, default=8080, help="nginx's port (default 8080)")
    parser.add_argument("--first-port", type=int, default=8501, help="the first replica's port (default 8501)")
    parser.add_argument("--prefix", type=Path, default=None, help="nginx's folder (default: a new temporary one)")
    args = parser.parse_args(argv)
    if not 1 <= args.replicas <= 64:
        parser.error(f"--replicas must be 1 to 64, got {args.replicas}")
    if not 1024 <= args.first_port <= 65535 - args.replicas:
        parser.error(f"--first-port must be 1024 to {65535 - args.replicas}, got {args.first_port}")
    url = os.environ.get("SALESOPS_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        print(
            "SALESOPS_DATABASE_URL must name the PostgreSQL database all replicas share "
            f"(postgresql+psycopg://...), got {url[:40]!r}",
            file=sys.stderr,
        )
        return 2
    env = dict(os.environ)
    env["STREAMLIT_SERVER_COOKIE_SECRET"] = env.get("STREAMLIT_SERVER_COOKIE_SECRET") or secrets.token_hex(32)
    ports = [args.first_port + i for i in range(args.replicas)]
    prefix = args.prefix or Path(tempfile.mkdtemp(prefix="salesops-nginx-"))
    conf = prepare_prefix(prefix, args.port, [f"127.0.0.1:{p}" for p in ports])
    procs: list[subprocess.Popen] = []
    signal.signal(signal.SIGTERM, _interrupt)  # a service manager's stop is a Ctrl-C
    try:
        for port in ports:
            procs.append(subprocess.Popen(replica_command(port), cwd=ROOT, env=env))
        for port, proc in zip(ports, procs):
            wait_healthy(f"http://127.0.0.1:{port}", proc=proc)
        procs.append(subprocess.Popen(nginx_command(prefix, conf)))
        wait_healthy(f"http://127.0.0.1:{args.port}", timeout_s=15, proc=procs[-1])
        print(f"{args.replicas} replicas behind nginx: http://localhost:{args.port} (nginx files: {prefix})")
        print("Ctrl-C stops them all")
        while all(proc.poll() is None for proc in procs):
            time.sleep(1)
        print("a process ended; stopping the others", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        stop(procs)


if __name__ == "__main__":
    sys.exit(main())
