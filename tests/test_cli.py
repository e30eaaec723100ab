"""The `nato-iraq` command line: subcommands exist and explain themselves."""

from __future__ import annotations

import pytest

from helpers.publish.cli import main, make_parser


@pytest.mark.parametrize(
    "argv", [["--help"], ["build", "--help"], ["teach", "--help"], ["validate", "--help"]]
)
def test_help_exits_cleanly(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 0
    assert "usage: nato-iraq" in capsys.readouterr().out


def test_a_subcommand_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main([])
    assert exc.value.code == 2
    assert "required" in capsys.readouterr().err


def test_build_is_listed_in_the_top_level_help() -> None:
    assert "build" in make_parser().format_help()
