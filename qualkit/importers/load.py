"""Read one transcript file into a :class:`~qualkit.model.Transcript` and its parsed turns."""

from __future__ import annotations

from pathlib import Path

from qualkit.errors import InputError
from qualkit.importers.encoding import MAX_BYTES
from qualkit.importers.readers import read_text
from qualkit.importers.turns import ParsedTranscript, parse_turns
from qualkit.model import Transcript
from qualkit.text import text_hash


def load_transcript(
    path: Path,
    interviewer: str | None = None,
    transcript_id: str | None = None,
    max_bytes: int = MAX_BYTES,
) -> tuple[Transcript, ParsedTranscript]:
    """Read, normalise and parse a transcript file.

    The transcript id defaults to the file name without its extension; the title is the
    ``title`` metadata (a ``# Title`` line or ``Title:`` header) or else that id.
    ``Transcript.participant`` is left unset: link it from the participants table.
    The text is returned as read; it has not been de-identified.
    """
    path = Path(path)
    text = read_text(path, max_bytes)
    try:
        parsed = parse_turns(text, interviewer=interviewer)
    except ValueError as e:
        raise InputError(path, str(e)) from None
    tid = transcript_id if transcript_id is not None else path.stem
    transcript = Transcript(
        tid=tid,
        title=parsed.metadata.get("title") or tid,
        text=text,
        source_name=path.name,
        text_hash=text_hash(text),
        turns=parsed.turns,
        metadata=dict(parsed.metadata),
    )
    return transcript, parsed
