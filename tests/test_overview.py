"""The claims of the landing page (docs/*/index.md), on the run the page publishes."""

import os
import re

import pytest

from conftest import DOCS, SNIPPETS, published_runs, run_by_hand


def at(events, event) -> int:
    """Where ``event`` happened in the run (events are in the order they happened)."""
    return next(i for i, e in enumerate(events) if e is event)


def test_child_change_is_invisible_but_pipe_bytes_arrive(snippet):
    out = snippet("overview/fork_copies_memory.py")
    assert out.line("child: set counter to") == "100"
    assert out.line("parent: child exited with status") == "0"
    assert out.line("parent: counter is still") == "1"
    assert out.line("parent: the pipe brought") == "'counter is 100 in the child'"

    # The mechanism: one fork, a pipe made before it, the child's bytes read by the parent.
    ev = out.events
    parent = ev.main
    (child,) = ev.children(parent)
    pipe = ev.one("os.pipe", pid=parent)
    r, w = pipe.result
    assert at(ev, pipe) < at(ev, ev.one("os.fork", pid=parent))
    sent = ev.writes(pid=child, obj=pipe.obj)
    assert [e.data for e in sent] == ["b'counter is 100 in the child'"]
    got = ev.reads(pid=parent, fd=r, obj=pipe.obj)
    assert got[0].result == len("counter is 100 in the child") and got[-1].result == 0
    # b"" came once both write ends were closed: the parent's own copy, and the child's
    assert ev.calls("os.close", pid=parent).where(fd=w)
    assert ev.calls("os._exit", pid=child)
    assert ev.exit_of(child) == {"exited": 0}


# --- "Run any example yourself": what the overview promises a reader ----------------------------

NOBODY = 65534
# The snippets of the overview, sockets and choosing pages, run as a reader runs them. The
# benchmark is left out: all it prints is figures.
BY_HAND = ["overview/fork_copies_memory.py"] + [
    f"{chapter}/{p.name}" for chapter in ("sockets", "choosing")
    for p in sorted((SNIPPETS / chapter).glob("*.py")) if p.name != "measure_costs.py"]
# Lines that differ, truly, between a run as root and one as an ordinary user.
AS_USER = {"sockets/socket_permissions.py": {
    "another user (uid 65534) connecting: EACCES":
        "another user: only root can become one to try (run as root to see it)",
    "the owner itself, mode sr--------: connected (root ignores file modes)":
        "the owner itself, mode sr--------: EACCES"}}


@pytest.mark.parametrize("name", BY_HAND)
def test_run_by_hand_as_an_ordinary_user_into_a_pipe_it_prints_the_page_output(
        snippet, tmp_path, name):
    out = snippet(name)
    # The page's output comes from a run of this very file, not from a program that prints it.
    argv = out.events.argv_of(out.events.main) or []
    assert any(arg.endswith(f"snippets/{name}") for arg in argv), argv
    done = run_by_hand(name, tmp_path)
    stdout, stderr, returncode, left = done.stdout, done.stderr, done.returncode, done.left
    # By hand the program runs as an ordinary user; the published run may have been root's.
    as_user = AS_USER.get(name, {})
    assert stdout.splitlines() == [as_user.get(line, line) for line in out.lines]
    assert (returncode, stderr, left) == (0, "", [])


def reading_minutes(edition: str, page: str, pace: float) -> float:
    """Minutes for the page's prose (code blocks left out) at ``pace`` words (en) or
    characters (zh, a Latin word counting as one) a minute; a chapter's index counts its folder."""
    path = DOCS / edition / f"{page}.md"
    files = sorted(path.parent.glob("*.md")) if page.endswith("/index") else [path]
    text = "".join(re.sub(r"```.*?```", "", f.read_text(encoding="utf-8"), flags=re.S)
                   for f in files)
    words = len(re.findall(r"[A-Za-z0-9_']+", text))
    return (words + len(re.findall(r"[\u4e00-\u9fff]", text))) / pace


@pytest.mark.parametrize("edition, pace, unit", [("en", 150, r"about (\d+) minutes"),
                                                 ("zh", 300, r"约 (\d+) 分钟")])
def test_the_reading_times_match_the_chapters_length(edition, pace, unit):
    """The overview's reading times are what each chapter's length gives at the pace it states,
    rounded to 5 minutes as it says (chapters grow: the table must follow)."""
    index = (DOCS / edition / "index.md").read_text(encoding="utf-8")
    assert str(pace) in index
    rows = re.findall(r"^\| \{doc\}`([\w/]+)`[^|]* \| " + unit + r" \|$", index, re.M)
    assert [page for page, _ in rows] == ["pipes", "fifo", "signals/index", "mmap", "sockets",
                                          "tools/index", "choosing"]
    for page, stated in rows:
        minutes = reading_minutes(edition, page, pace)
        assert int(stated) == max(5, 5 * round(minutes / 5)), (page, stated, minutes)


def programs_run() -> set[str]:
    """Every program other than Python that a published run started (exec, Popen, spawn)."""
    names = set()
    for record in published_runs("en").values():
        for event in record["run"]["events"]:
            if event["call"] in ("os.exec", "subprocess.Popen", "os.posix_spawn",
                                 "os.posix_spawnp"):
                argv = event["args"].get("argv") or [event["args"].get("path", "")]
                names.add(os.path.basename(argv[0]))
    return {n for n in names if not re.fullmatch(r"python[\d.]*", n)}


@pytest.mark.parametrize("edition", ["en", "zh"])
def test_the_overview_names_every_program_the_examples_run(edition):
    index = (DOCS / edition / "index.md").read_text(encoding="utf-8")
    section = index[index.index("(overview-run-it)="):]
    named = set(re.findall(r"`([a-z]+)`", section.split("\n- ", 1)[0]))
    assert programs_run() == named


# --- the shape of the overview (the chapters': tests/test_site.py) ------------------------------

MARKS = {"en": ("**In practice:**", "## Under the hood: ", "**Next:**", ("the original",)),
         "zh": ("**实践中：**", "## 深入：", "**下一章：**", ("原文", "原教程"))}


def sections(text: str) -> list[tuple[str, str]]:
    """(heading, body) of every level-2 and level-3 section, code blocks left out."""
    text = re.sub(r"```.*?```", "", text, flags=re.S)
    parts = re.split(r"^(#{2,3} .*)$", text, flags=re.M)
    return list(zip(parts[1::2], parts[2::2], strict=True))


@pytest.mark.parametrize("edition", ["en", "zh"])
def test_each_section_of_the_overview_ends_in_practice_and_it_says_what_is_next(edition):
    practice, under_the_hood, next_line, original = MARKS[edition]
    text = (DOCS / edition / "index.md").read_text(encoding="utf-8")
    for heading, body in sections(text):
        assert body.count(practice) == 1, (heading, body.count(practice))
    assert text.count(next_line) == 1  # above its toctree
    # Kernel detail is marked, in step in both editions; the original is named only where the
    # overview says where a reader may start.
    other = "zh" if edition == "en" else "en"
    theirs = (DOCS / other / "index.md").read_text(encoding="utf-8")
    assert text.count(under_the_hood) == theirs.count(MARKS[other][1])
    start = text.index("(overview-how-to-read)=")
    rest = text[:start] + text[text.index("(overview-why)="):]
    assert not any(word in rest.lower() for word in original)
