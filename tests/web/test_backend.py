"""Getting the assistant ready: open the index, or build it with progress when there is none."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from assistant.errors import IndexIncompatible, IndexMissing
from assistant.web import backend as backend_module
from assistant.web.backend import Backend
from tests.web.fakes import FakeAssistant
from tests.web.servers import fake_settings


def test_opens_the_current_index(tmp_path: Path) -> None:
    fake = FakeAssistant()
    b = Backend(fake_settings(tmp_path), opener=lambda: fake)
    b.start().join(5)
    assert b.assistant() is fake and b.state == "ready"
    assert b.health()["loaded"] is True and "3 passages of 3 documents" in b.message


def test_builds_when_there_is_no_index_and_reports_progress(tmp_path: Path, capsys) -> None:
    built = threading.Event()
    halfway = threading.Event()
    proceed = threading.Event()
    seen: dict = {}

    def opener():
        if not built.is_set():
            raise IndexMissing("no index")
        return FakeAssistant()

    def builder(progress):
        progress(5, 10)
        halfway.set()
        proceed.wait(5)
        progress(10, 10)
        built.set()

    b = Backend(fake_settings(tmp_path), opener=opener, builder=builder)
    thread = b.start()
    assert halfway.wait(5)
    seen.update(b.health())
    assert b.assistant() is None and "5 of 10" in b.not_ready_message()
    proceed.set()
    thread.join(5)
    assert seen["status"] == "building" and seen["progress"] == {"embedded": 5, "total": 10}
    assert b.state == "ready" and b.assistant() is not None
    assert "embedding 10/10 (100%)" in capsys.readouterr().err


@pytest.mark.parametrize("error", [IndexIncompatible("built with another model"), RuntimeError("disk")])
def test_a_failure_is_shown_not_hung(tmp_path: Path, error: Exception) -> None:
    def opener():
        raise error

    b = Backend(fake_settings(tmp_path), opener=opener)
    b.start().join(5)
    assert b.state == "failed" and not b.wait(0.1)
    assert str(error) in b.not_ready_message() and b.health()["loaded"] is False
    assert b.assistant(wait_s=5) is None


def test_filter_choices_come_from_the_index(tmp_path: Path) -> None:
    b = Backend.ready_with(FakeAssistant(), fake_settings(tmp_path))
    assert b.filter_choices() == {
        "programme": ["ClusterXchange", "INNOSUP-1"],
        "doc_type": ["call", "faq", "guide"],
        "call_id": ["INNOSUP-01-2018-2020", "INNOSUP-1-2015"],
    }


def test_a_new_build_is_picked_up_between_questions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    class Reloading(FakeAssistant):
        reloads = 0

        def reload_if_changed(self) -> bool:
            self.reloads += 1
            self.build_id = "build-2"
            return True

    monkeypatch.setattr(backend_module, "RELOAD_CHECK_S", 0.0)
    fake = Reloading()
    b = Backend.ready_with(fake, fake_settings(tmp_path))
    b.assistant()
    assert fake.reloads == 1 and "build-2" in b.message and b.health()["build_id"] == "build-2"
