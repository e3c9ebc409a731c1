"""Every caption of the report (resources/report/*.rst) renders as Snakemake's report renders
it (Jinja, then docutils to HTML) without a single docutils message: a stray `|...|` is a
substitution reference, and its error would be printed into the report a clinician reads."""

import io

import jinja2
import pytest
from docutils.core import publish_parts

from helpers import REPO

CAPTIONS = sorted((REPO / "resources" / "report").glob("*.rst"))


class Anything:
    """Stands for snakemake.wildcards, .params and the like in a caption's Jinja."""

    def __getattr__(self, name):
        return Anything()

    def __str__(self):
        return "X"


@pytest.mark.parametrize("caption", CAPTIONS, ids=lambda p: p.name)
def test_caption_renders_without_a_docutils_message(caption):
    text = jinja2.Environment().from_string(caption.read_text()).render(snakemake=Anything())
    messages = io.StringIO()
    parts = publish_parts(
        text,
        writer="html",
        settings_overrides={"report_level": 1, "halt_level": 5, "warning_stream": messages},
    )
    assert messages.getvalue() == "", messages.getvalue()
    assert "system-message" not in parts["html_body"]


def test_every_caption_is_checked():
    assert len(CAPTIONS) >= 11 and (REPO / "resources/report/versions.rst") in CAPTIONS
