"""The local server: started by the suite, reachable, the right version and edition."""

from __future__ import annotations

import socket
import threading

from neo4j import Driver

from graphdb.connection import ConnectionInfo
from scholargraph.localneo4j import LocalNeo4j, _pick_port, components, new_password
from scholargraph.settings import NEO4J_VERSION


def test_server_is_community_5_26(neo4j_info: ConnectionInfo) -> None:
    version, edition = components(neo4j_info.uri, neo4j_info.user, neo4j_info.password)
    assert version.startswith("5.26.")
    assert edition == "community"


def test_data_survives_stop_and_start(test_server: LocalNeo4j | None, clean_graph: Driver) -> None:
    if test_server is None:
        return  # an external server is not ours to restart
    clean_graph.execute_query("CREATE (:Topic {code: 'test.persist', name: 'kept'})")
    assert test_server.stop()
    assert test_server.status().running is False
    state = test_server.start()
    assert test_server.status().version == NEO4J_VERSION
    from neo4j import GraphDatabase

    with GraphDatabase.driver(state.uri, auth=("neo4j", state.password)) as driver:
        records, _, _ = driver.execute_query(
            "MATCH (t:Topic {code: 'test.persist'}) RETURN t.name AS name"
        )
    assert [r["name"] for r in records] == ["kept"]


def test_state_file_is_private(test_server: LocalNeo4j | None) -> None:
    if test_server is None:
        return
    assert test_server.state_file.stat().st_mode & 0o077 == 0


def test_generated_passwords_are_never_read_as_options() -> None:
    # The password goes on neo4j-admin's command line: one starting with "-" was taken for an
    # option (seen as a failed first start once in a while).
    passwords = {new_password() for _ in range(2000)}
    assert len(passwords) == 2000
    assert all(p.isalnum() and p.isascii() and len(p) >= 32 for p in passwords)


def test_a_restarted_server_gets_its_port_back_once_the_old_process_lets_go() -> None:
    # After a crash the dying process may hold its ports a moment longer; a restart waits for
    # them rather than moving to another port that clients holding the old URI cannot find.
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = int(held.getsockname()[1])
        assert _pick_port(port, wait_s=0) != port
        threading.Timer(1.0, held.close).start()
        assert _pick_port(port, wait_s=15) == port
