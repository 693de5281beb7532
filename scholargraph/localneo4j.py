"""A Neo4j Community server the project assembles from Maven Central jars and runs itself.

There is no distribution tarball on Maven Central, but the server is just its jars: the runtime
closure of `org.neo4j:neo4j` plus `org.neo4j.app:neo4j-server`. Maven copies them once into a
cache keyed by version; each server *home* (demo, tests) then holds its own conf, data and logs,
plus `state.json` with the generated password, the ports and the pid.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

from neo4j import GraphDatabase
from neo4j.exceptions import AuthError, ServiceUnavailable

ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"
ADMIN_TOOL = "org.neo4j.cli.AdminTool"
# How long a restarted server waits for its previous ports (see `LocalNeo4j._start`).
PORT_WAIT_S = 20.0
JVM_FLAGS = (
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-XX:+ExitOnOutOfMemoryError",
)
# G1, Neo4j's default, for servers that answer requests. The throughput collector does no
# concurrent marking beside the application: on 2 cores a bulk load is ~6 % faster with it
# (docs/benchmarks.md), at the price of longer pauses when the old generation is collected.
# The choice takes effect when the server starts (a running one keeps its own), and for the
# home's neo4j-admin runs.
GarbageCollector = Literal["g1", "parallel"]
GC_FLAGS: dict[GarbageCollector, str] = {"g1": "-XX:+UseG1GC", "parallel": "-XX:+UseParallelGC"}

POM_TEMPLATE = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>scholargraph</groupId>
  <artifactId>neo4j-community-runtime</artifactId>
  <version>{version}</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.neo4j</groupId><artifactId>neo4j</artifactId><version>{version}</version>
    </dependency>
    <dependency>
      <groupId>org.neo4j.app</groupId><artifactId>neo4j-server</artifactId>
      <version>{version}</version>
    </dependency>
  </dependencies>
</project>
"""

# Neo4j's distribution ships log4j2 configs outside any jar; these are our own, small ones.
LOG_CONFIG = """<?xml version="1.0" encoding="UTF-8"?>
<Configuration status="ERROR" packages="org.neo4j.logging.log4j">
  <Appenders>
    <RollingRandomAccessFile name="{name}" fileName="${{config:server.directories.logs}}/{file}"
        filePattern="${{config:server.directories.logs}}/{file}.%02i">
      <Neo4jDebugLogLayout pattern="%d{{yyyy-MM-dd HH:mm:ss.SSSZ}}{{GMT+0}} %-5p [%c{{1.}}] %m%n"/>
      <Policies><SizeBasedTriggeringPolicy size="20 MB"/></Policies>
      <DefaultRolloverStrategy fileIndex="min" max="3"/>
    </RollingRandomAccessFile>
  </Appenders>
  <Loggers>
    <Root level="{level}"><AppenderRef ref="{name}"/></Root>
  </Loggers>
</Configuration>
"""


class LocalNeo4jError(RuntimeError):
    """Assembling, starting or stopping the local server failed; the message says how."""


@dataclass(frozen=True, slots=True)
class ServerState:
    version: str
    password: str
    bolt_port: int
    http_port: int
    pid: int | None

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"


@dataclass(frozen=True, slots=True)
class ServerStatus:
    running: bool
    pid: int | None
    uri: str | None
    http_port: int | None
    version: str | None
    edition: str | None
    data_dir: Path
    home: Path


def distribution_dir(cache_dir: Path, version: str) -> Path:
    return cache_dir / f"neo4j-community-{version}"


def ensure_distribution(cache_dir: Path, version: str, *, quiet: bool = False) -> Path:
    """Return the folder of jars for `version`, assembling it with Maven on first use.

    Assembly happens in a temporary folder renamed into place, so an interrupted download never
    leaves a half-filled cache behind; a file lock keeps two processes from racing.
    """
    target = distribution_dir(cache_dir, version)
    if (target / "lib").is_dir() and (target / ".complete").exists():
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    with _file_lock(cache_dir / f".neo4j-{version}.lock"):
        if (target / ".complete").exists():
            return target
        mvn = shutil.which("mvn")
        if mvn is None:
            raise LocalNeo4jError(
                "Maven (mvn) is needed once to fetch the Neo4j jars; install it (e.g. apt-get "
                "install maven) or point NEO4J_URI at a running Neo4j 5.26."
            )
        work = Path(tempfile.mkdtemp(prefix=f"neo4j-{version}-", dir=cache_dir))
        try:
            (work / "pom.xml").write_text(POM_TEMPLATE.format(version=version))
            command = [
                mvn,
                "-B",
                *(["-q"] if quiet else []),
                "-f",
                str(work / "pom.xml"),
                "dependency:copy-dependencies",
                "-DincludeScope=runtime",
                f"-DoutputDirectory={work / 'lib'}",
            ]
            completed = subprocess.run(command, capture_output=True, text=True, check=False)
            if completed.returncode != 0:
                tail = "\n".join((completed.stdout + completed.stderr).splitlines()[-30:])
                raise LocalNeo4jError(f"Maven could not assemble Neo4j {version}:\n{tail}")
            (work / ".complete").write_text(version)
            if target.exists():
                shutil.rmtree(target)
            work.rename(target)
        finally:
            if work.exists():
                shutil.rmtree(work, ignore_errors=True)
    return target


class LocalNeo4j:
    """One server home: `<home>/{conf,data,logs,run,import,plugins}` and `state.json`."""

    def __init__(
        self,
        home: Path,
        cache_dir: Path,
        version: str,
        *,
        heap: str = "1g",
        pagecache: str = "512m",
        preferred_ports: tuple[int, int] = (7687, 7474),
        gc: GarbageCollector = "g1",
    ) -> None:
        self.home = home
        self.cache_dir = cache_dir
        self.version = version
        self.heap = heap
        self.pagecache = pagecache
        self.preferred_ports = preferred_ports
        self.gc = gc

    @property
    def state_file(self) -> Path:
        return self.home / "state.json"

    @property
    def data_dir(self) -> Path:
        return self.home / "data"

    @property
    def conf_dir(self) -> Path:
        return self.home / "conf"

    @property
    def logs_dir(self) -> Path:
        return self.home / "logs"

    @property
    def import_dir(self) -> Path:
        return self.home / "import"

    def read_state(self) -> ServerState | None:
        try:
            raw = json.loads(self.state_file.read_text())
        except FileNotFoundError:
            return None
        return ServerState(**raw)

    def _write_state(self, state: ServerState) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        tmp = self.state_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(state), indent=2))
        os.chmod(tmp, 0o600)
        tmp.replace(self.state_file)

    def running_pid(self) -> int | None:
        state = self.read_state()
        if state is None or state.pid is None:
            return None
        return state.pid if _process_is_neo4j(state.pid, self.home) else None

    # -- lifecycle -------------------------------------------------------------------------

    def start(self, *, fresh: bool = False, timeout_s: float = 180.0) -> ServerState:
        with _file_lock(self.home.parent / f".{self.home.name}.lock"):
            return self._start(fresh=fresh, timeout_s=timeout_s)

    def _start(self, *, fresh: bool, timeout_s: float) -> ServerState:
        if fresh:
            self._stop()
            shutil.rmtree(self.data_dir, ignore_errors=True)
        state = self.read_state()
        if state is not None and self.running_pid() is not None:
            if self._wait_ready(state, timeout_s=timeout_s, pid=state.pid):
                return state
            raise LocalNeo4jError(
                f"Neo4j (pid {state.pid}) is running but not answering.\n{self._log_tail()}"
            )
        dist = ensure_distribution(self.cache_dir, self.version)
        for folder in ("conf", "data", "logs", "run", "import", "plugins"):
            (self.home / folder).mkdir(parents=True, exist_ok=True)
        password = state.password if state else new_password()
        # A server started before keeps its ports, so clients holding its URI (an API process, a
        # load waiting out a restart) find it again; after a crash the dying process may hold
        # them for a moment longer, so they are waited for before others are picked.
        wait_s = PORT_WAIT_S if state else 0.0
        bolt_port = _pick_port(state.bolt_port if state else self.preferred_ports[0], wait_s=wait_s)
        http_port = _pick_port(
            state.http_port if state else self.preferred_ports[1], {bolt_port}, wait_s=wait_s
        )
        self._write_conf(bolt_port, http_port)
        if not (self.data_dir / "dbms" / "auth.ini").exists():
            self._admin(dist, ["dbms", "set-initial-password", password])
        log = open(self.logs_dir / "console.log", "ab")  # noqa: SIM115 - handed to the child
        try:
            process = subprocess.Popen(
                [
                    _java(),
                    f"-Xms{self.heap}",
                    f"-Xmx{self.heap}",
                    GC_FLAGS[self.gc],
                    *JVM_FLAGS,
                    f"-Dscholargraph.home={self.home}",
                    "-cp",
                    f"{self.home / 'plugins'}/*:{self.conf_dir}/*:{dist / 'lib'}/*",
                    ENTRY_POINT,
                    f"--home-dir={self.home}",
                    f"--config-dir={self.conf_dir}",
                ],
                cwd=self.home,
                env=self._env(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        finally:
            log.close()
        state = ServerState(self.version, password, bolt_port, http_port, process.pid)
        self._write_state(state)
        if not self._wait_ready(state, timeout_s=timeout_s, pid=process.pid):
            tail = self._log_tail()
            self._stop()
            raise LocalNeo4jError(f"Neo4j did not become ready in {timeout_s:.0f}s.\n{tail}")
        return state

    def stop(self, timeout_s: float = 90.0) -> bool:
        with _file_lock(self.home.parent / f".{self.home.name}.lock"):
            return self._stop(timeout_s)

    def _stop(self, timeout_s: float = 90.0) -> bool:
        pid = self.running_pid()
        if pid is None:
            return False
        os.kill(pid, signal.SIGTERM)  # Neo4j checkpoints and shuts down cleanly on TERM
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if not _pid_alive(pid):
                break
            time.sleep(0.2)
        else:
            os.kill(pid, signal.SIGKILL)
        state = self.read_state()
        if state is not None:
            self._write_state(
                ServerState(state.version, state.password, state.bolt_port, state.http_port, None)
            )
        return True

    def status(self) -> ServerStatus:
        state = self.read_state()
        pid = self.running_pid()
        version = edition = None
        if state is not None and pid is not None:
            with contextlib.suppress(Exception):
                version, edition = components(state.uri, "neo4j", state.password)
        return ServerStatus(
            running=pid is not None and version is not None,
            pid=pid,
            uri=state.uri if state else None,
            http_port=state.http_port if state else None,
            version=version,
            edition=edition,
            data_dir=self.data_dir,
            home=self.home,
        )

    def admin(self, arguments: Sequence[str]) -> subprocess.CompletedProcess[str]:
        """Run `neo4j-admin` (e.g. `database import full`) against this home."""
        dist = ensure_distribution(self.cache_dir, self.version)
        return self._admin(dist, arguments, check=False)

    # -- internals -------------------------------------------------------------------------

    def _env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["NEO4J_HOME"] = str(self.home)
        env["NEO4J_CONF"] = str(self.conf_dir)
        env.pop("JAVA_OPTS", None)
        return env

    def _admin(
        self, dist: Path, arguments: Sequence[str], *, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        completed = subprocess.run(
            [
                _java(),
                "-Xmx1g",
                GC_FLAGS[self.gc],
                *JVM_FLAGS,
                "-cp",
                f"{dist / 'lib'}/*",
                ADMIN_TOOL,
                *arguments,
            ],
            cwd=self.home,
            env=self._env(),
            capture_output=True,
            text=True,
            check=False,
        )
        if check and completed.returncode != 0:
            raise LocalNeo4jError(
                f"neo4j-admin {' '.join(arguments[:2])} failed: {completed.stderr.strip()}"
            )
        return completed

    def _write_conf(self, bolt_port: int, http_port: int) -> None:
        lines = {
            "server.default_listen_address": "127.0.0.1",
            "server.default_advertised_address": "127.0.0.1",
            "server.bolt.listen_address": f"127.0.0.1:{bolt_port}",
            "server.http.enabled": "true",
            "server.http.listen_address": f"127.0.0.1:{http_port}",
            "server.https.enabled": "false",
            "dbms.security.auth_enabled": "true",
            "dbms.usage_report.enabled": "false",
            "server.memory.heap.initial_size": self.heap,
            "server.memory.heap.max_size": self.heap,
            "server.memory.pagecache.size": self.pagecache,
            "db.tx_log.rotation.retention_policy": "2 files",
            # Transaction timeouts are enforced by a monitor; the default 2 s check would let a
            # request run well past the API's time limit.
            "db.transaction.monitor.check.interval": "50ms",
            "server.directories.data": str(self.data_dir),
            "server.directories.logs": str(self.logs_dir),
            "server.directories.run": str(self.home / "run"),
            "server.directories.import": str(self.import_dir),
            "server.directories.plugins": str(self.home / "plugins"),
            "server.logs.config": str(self.conf_dir / "server-logs.xml"),
            "server.logs.user.config": str(self.conf_dir / "user-logs.xml"),
        }
        text = "".join(f"{key}={value}\n" for key, value in lines.items())
        (self.conf_dir / "neo4j.conf").write_text(text)
        (self.conf_dir / "server-logs.xml").write_text(
            LOG_CONFIG.format(name="DebugLog", file="debug.log", level="INFO")
        )
        (self.conf_dir / "user-logs.xml").write_text(
            LOG_CONFIG.format(name="Neo4jLog", file="neo4j.log", level="INFO")
        )

    def _wait_ready(self, state: ServerState, *, timeout_s: float, pid: int | None) -> bool:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if pid is not None and not _pid_alive(pid):
                return False
            try:
                with GraphDatabase.driver(
                    state.uri,
                    auth=("neo4j", state.password),
                    connection_timeout=2,
                    notifications_min_severity="OFF",
                ) as driver:
                    driver.verify_connectivity()
                    driver.execute_query("RETURN 1", database_="neo4j")
                return True
            except (ServiceUnavailable, OSError):
                time.sleep(0.5)
            except AuthError as error:
                raise LocalNeo4jError(
                    f"Neo4j at {self.home} rejected the password in {self.state_file}: {error}. "
                    "Start with --fresh to recreate the database."
                ) from error
            except Exception:  # the database may still be starting up
                time.sleep(0.5)
        return False

    def _log_tail(self, lines: int = 25) -> str:
        chunks = []
        for name in ("console.log", "neo4j.log", "debug.log"):
            path = self.logs_dir / name
            if path.exists():
                text = path.read_text(errors="replace").splitlines()[-lines:]
                chunks.append(f"--- {path} ---\n" + "\n".join(text))
        return "\n".join(chunks)


def new_password() -> str:
    """A random password for a new local server: 144 bits, hex digits only.

    It is handed to `neo4j-admin dbms set-initial-password` on the command line, where a
    URL-safe token starting with "-" (1 draw in 64) was read as an option: the tool printed its
    usage and the first start failed.
    """
    return secrets.token_hex(18)


def components(uri: str, user: str, password: str) -> tuple[str, str]:
    """`CALL dbms.components()`: the kernel's version and edition."""
    with GraphDatabase.driver(
        uri, auth=(user, password), connection_timeout=3, notifications_min_severity="OFF"
    ) as driver:
        records, _, _ = driver.execute_query(
            "CALL dbms.components() YIELD name, versions, edition "
            "RETURN name, versions[0] AS version, edition",
            database_="system",
        )
    kernel = next((r for r in records if r["name"] == "Neo4j Kernel"), records[0])
    return str(kernel["version"]), str(kernel["edition"])


def _java() -> str:
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").exists():
        return str(Path(java_home) / "bin" / "java")
    java = shutil.which("java")
    if java is None:
        raise LocalNeo4jError("Java 17+ is needed to run Neo4j 5.26; none was found on PATH.")
    return java


def _pick_port(preferred: int, taken: set[int] | None = None, *, wait_s: float = 0.0) -> int:
    taken = taken or set()
    if preferred not in taken:
        deadline = time.monotonic() + wait_s
        while True:
            if _port_free(preferred):
                return preferred
            if time.monotonic() >= deadline:
                break
            time.sleep(0.2)
    while True:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = int(sock.getsockname()[1])
        if port not in taken:
            return port


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child still answers kill(0); treat it as gone.
    with contextlib.suppress(OSError):
        stat = Path(f"/proc/{pid}/stat").read_text()
        if stat.rsplit(")", 1)[1].split()[0] == "Z":
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)
            return False
    return True


def _process_is_neo4j(pid: int, home: Path) -> bool:
    """The pid in state.json is ours only if it is alive and is the JVM started for `home`."""
    if not _pid_alive(pid):
        return False
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return True  # no /proc (macOS): trust the pid
    return f"-Dscholargraph.home={home}".encode() in cmdline


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
