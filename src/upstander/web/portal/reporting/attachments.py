"""Attachments to a confidential report: type decided by content, size limited, metadata removed.

Accepted: photos (JPEG, PNG), PDF documents and plain UTF-8 text. The name a file arrives with is never trusted
for its type; the cleaned file is named with the extension of what it really is.

- Pictures are decoded and re-encoded from their pixels alone, turned upright first: nothing else survives,
  so no EXIF (camera, time, GPS location), XMP, ICC profile text, PNG text chunks or comments. Colours in
  another profile are converted to sRGB before the profile is dropped. Sizes beyond MAX_PIXELS are refused
  before decoding (decompression bombs), and at most ATTACHMENT_SLOTS requests clean attachments at once, so
  the memory pictures take is bounded however many arrive together.
- PDFs are rebuilt page by page into a new document, which leaves behind the document information (author,
  title, software), XMP metadata, JavaScript, embedded files, the open action, bookmarks and forms. From each
  page, annotations (comments carry their author's name; links and widgets can carry actions) and page
  metadata are dropped, and photos inside are stripped of their EXIF and other application segments.
  Encrypted PDFs are refused: they cannot be checked.
  Not covered: metadata boxes inside JPEG 2000 images and images written inline in a page's content; both
  are rare in scans and phone photos.
- Text must be UTF-8 without control characters, and not markup (HTML, SVG, XML), which a browser would run.

Messages are for the member of the public who chose the file and name it.
"""

from __future__ import annotations

import io
import re
import threading
import unicodedata
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from PIL import Image, ImageCms, ImageOps
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, StreamObject

MAX_BYTES = 10 * 1024 * 1024  # per file
MAX_FILES = 5  # per report
# Ordinary phone photos are 12 MP (4032 x 3024) or 24 MP (5712 x 4284, newer phones' default), a DSLR's 24 MP
# (6000 x 4000): all under 25 MP. A picture decodes to 3-4 bytes a pixel and is held twice while cleaned, so one
# at the limit takes about 200 MB; 48-200 MP full-resolution modes must be sent as a smaller copy.
MAX_PIXELS = 25_000_000
# A cleaned file can be larger than the one sent (a re-encoded picture); past this it is refused, which also
# bounds what a download of it holds in memory (the server's output buffer, runtime.py).
MAX_CLEANED_BYTES = 2 * MAX_BYTES
ATTACHMENT_SLOTS = 2  # requests cleaning attachments at once (one a core on the 2-core server it was sized for)
ATTACHMENT_WAIT_SECONDS = 20.0  # how long a request waits for a slot before the reporter is asked to resend
MAX_PDF_PAGES = 1_000
NAME_CHARS = 60  # of a cleaned file name, before the extension

JPEG, PNG, PDF, TEXT = "image/jpeg", "image/png", "application/pdf", "text/plain; charset=utf-8"
_EXTENSIONS = {JPEG: ".jpg", PNG: ".png", PDF: ".pdf", TEXT: ".txt"}
_ACCEPTED = "Please attach photos (JPEG or PNG), PDF documents or plain text files."

# Page entries left behind: annotations, additional actions, page metadata, application data, thumbnails
# (an older rendering of the page), article beads and edit times.
_PAGE_KEYS_DROPPED = ("/Annots", "/AA", "/Metadata", "/PieceInfo", "/Thumb", "/B", "/LastModified")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_MARKUP = re.compile(r"<\s*(?:!doctype|html|head|body|script|svg|iframe|object|embed|\?xml)\b", re.IGNORECASE)
_slots = threading.BoundedSemaphore(ATTACHMENT_SLOTS)

# Pillow's own decompression-bomb guard at our limit, not its default of 89 MP: it then refuses outright, at
# open, anything over twice MAX_PIXELS, whoever opens it. Between one and two times it only warns, and the size
# check right after open refuses it; the warning is silenced process-wide because warnings.catch_warnings, used
# per call before, is not thread-safe under a threaded server.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)


@dataclass(frozen=True)
class CleanedFile:
    filename: str
    content_type: str
    data: bytes


class AttachmentRejected(ValueError):
    """A file that cannot be attached; the message says why, in plain words, naming the file."""


class AttachmentsBusy(RuntimeError):
    """Every slot for cleaning attachments stayed taken for ATTACHMENT_WAIT_SECONDS."""


@contextmanager
def attachment_slot() -> Iterator[None]:
    """Hold one of the ATTACHMENT_SLOTS while cleaning a request's files; AttachmentsBusy if none frees within
    ATTACHMENT_WAIT_SECONDS."""
    if not _slots.acquire(timeout=ATTACHMENT_WAIT_SECONDS):
        raise AttachmentsBusy("all attachment slots are taken")
    try:
        yield
    finally:
        _slots.release()


def clean_attachments(files: Sequence[tuple[str, bytes]]) -> list[CleanedFile]:
    """Every (filename, data) pair cleaned, or AttachmentRejected for the first that cannot be."""
    if len(files) > MAX_FILES:
        raise AttachmentRejected(f"You can attach at most {MAX_FILES} files; you chose {len(files)}.")
    return [clean_attachment(filename, data) for filename, data in files]


def clean_attachment(filename: str, data: bytes) -> CleanedFile:
    """The file checked and stripped of metadata, under a safe name; AttachmentRejected if it is not accepted."""
    shown = _shown_name(filename)
    if not data:
        raise AttachmentRejected(f"{shown} is empty. Please choose the file again.")
    if len(data) > MAX_BYTES:
        raise AttachmentRejected(
            f"{shown} is {len(data) / 2**20:.1f} MB; each file can be at most {MAX_BYTES // 2**20} MB."
        )
    if data.startswith(b"\xff\xd8\xff"):
        content_type, cleaned = JPEG, _clean_image(data, "JPEG", shown)
    elif data.startswith(b"\x89PNG\r\n\x1a\n"):
        content_type, cleaned = PNG, _clean_image(data, "PNG", shown)
    elif data.startswith(b"%PDF-"):
        content_type, cleaned = PDF, _clean_pdf(data, shown)
    else:
        content_type, cleaned = TEXT, _check_text(data, shown)
    if len(cleaned) > MAX_CLEANED_BYTES:
        raise AttachmentRejected(
            f"{shown} would be over {MAX_CLEANED_BYTES // 2**20} MB once hidden details are removed. "
            "Please attach a smaller copy."
        )
    return CleanedFile(safe_filename(filename, _EXTENSIONS[content_type]), content_type, cleaned)


def safe_filename(filename: str, extension: str) -> str:
    """A short readable name for storage and download: no path, no control or bidi characters, only letters,
    digits, spaces, hyphens and underscores, ending in `extension` (the file's real type)."""
    stem = _without_extension(_base_name(filename))
    stem = re.sub(r"[^\w\s-]+", "-", stem)
    stem = re.sub(r"\s*-[\s-]*", "-", re.sub(r"\s+", " ", stem))
    stem = stem.strip(" -_")[:NAME_CHARS].rstrip(" -_")
    return f"{stem or 'attachment'}{extension}"


def _clean_image(data: bytes, fmt: str, shown: str) -> bytes:
    try:
        with Image.open(io.BytesIO(data), formats=[fmt]) as image:
            width, height = image.size  # read from the header: nothing is decoded yet
            if width * height > MAX_PIXELS:
                raise _too_many_pixels(shown, width, height)
            image.load()
            profile = image.info.get("icc_profile")
            ImageOps.exif_transpose(image, in_place=True)  # the way the camera was held, before EXIF goes
            pixels = _to_srgb(image, profile, fmt)
            # A new image with only the pixels pasted in carries no info dict, so the encoder has no EXIF,
            # XMP, ICC profile, text chunk, comment or DPI to write back.
            fresh = Image.new(pixels.mode, pixels.size)
            fresh.paste(pixels)
            del pixels  # at most two copies of the pixels at once: the decoded one and the fresh one
        out = io.BytesIO()
        if fmt == "JPEG":
            fresh.save(out, "JPEG", quality=95, optimize=True)
        else:
            fresh.save(out, "PNG")
        return out.getvalue()
    except AttachmentRejected:
        raise
    except Image.DecompressionBombError:
        raise _too_many_pixels(shown, None, None) from None
    except Exception as exc:  # a parser of untrusted input fails in many ways; each means the file is refused
        raise AttachmentRejected(f"{shown} could not be opened as a picture; it may be damaged.") from exc


def _to_srgb(image: Image.Image, profile: bytes | None, fmt: str) -> Image.Image:
    """`image` in a mode the output format takes, with colours from an embedded profile converted to sRGB."""
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    if fmt == "JPEG":
        mode = "L" if image.mode in ("1", "L") else "RGB"
    elif image.mode in ("1", "L", "LA", "RGB", "RGBA", "I;16") and "transparency" not in image.info:
        mode = image.mode
    else:
        mode = "RGBA" if has_alpha else "RGB"
    if profile and mode in ("RGB", "RGBA") and image.mode in ("RGB", "RGBA", "CMYK"):
        try:
            converted = ImageCms.profileToProfile(
                image, ImageCms.ImageCmsProfile(io.BytesIO(profile)), ImageCms.createProfile("sRGB"), outputMode=mode
            )
            if converted is not None:
                return converted
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a profile lcms cannot use: keep the colours as they are
    return image if image.mode == mode else image.convert(mode)


def _too_many_pixels(shown: str, width: int | None, height: int | None) -> AttachmentRejected:
    size = f" ({width} × {height} pixels)" if width and height else ""
    return AttachmentRejected(
        f"{shown} is too large a picture{size}. Please attach a smaller copy, "
        f"of at most {MAX_PIXELS // 1_000_000} megapixels."
    )


def _clean_pdf(data: bytes, shown: str) -> bytes:
    damaged = f"{shown} could not be opened as a PDF document; it may be damaged."
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise AttachmentRejected(
                f"{shown} is protected with a password or encrypted, so it cannot be "
                "checked. Please remove the protection and attach it again."
            )
        pages = len(reader.pages)
        if pages == 0:
            raise AttachmentRejected(damaged)
        if pages > MAX_PDF_PAGES:
            raise AttachmentRejected(
                f"{shown} has {pages} pages; at most {MAX_PDF_PAGES} can be attached. "
                "Please split it into smaller files."
            )
        writer = PdfWriter()
        for page in reader.pages:
            for key in _PAGE_KEYS_DROPPED:  # before copying, so the writer never takes them in
                page.pop(key, None)
            writer.add_page(page)
        seen: set[int] = set()
        for page in writer.pages:
            _strip_resources(page.get("/Resources"), seen)
        writer.metadata = None  # no /Info at all, not even pypdf's Producer
        writer.compress_identical_objects()  # also drops anything copied but no longer referenced
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()
    except AttachmentRejected:
        raise
    except Exception as exc:  # a parser of untrusted input fails in many ways; each means the file is refused
        raise AttachmentRejected(damaged) from exc


def _strip_resources(resources: Any, seen: set[int]) -> None:
    """Drop metadata from the images and form objects a page draws, following nested forms once each."""
    resources = resources.get_object() if resources is not None else None
    if not isinstance(resources, DictionaryObject):
        return
    xobjects = resources.get("/XObject")
    xobjects = xobjects.get_object() if xobjects is not None else None
    if not isinstance(xobjects, DictionaryObject):
        return
    for ref in xobjects.values():
        xobject = ref.get_object()
        if not isinstance(xobject, StreamObject) or id(xobject) in seen:
            continue
        seen.add(id(xobject))
        for key in ("/Metadata", "/PieceInfo"):
            xobject.pop(key, None)
        if xobject.get("/Subtype") == "/Form":
            _strip_resources(xobject.get("/Resources"), seen)
        elif xobject.get("/Filter") in ("/DCTDecode", ["/DCTDecode"]):
            # The stream is a JPEG file as the scanner or phone wrote it, EXIF and all. The base class's
            # accessors read and write the raw stream, not a decoded copy.
            StreamObject.set_data(xobject, strip_jpeg_segments(StreamObject.get_data(xobject)))
            xobject.decoded_self = None


def strip_jpeg_segments(data: bytes) -> bytes:
    """A JPEG without its application segments (APP1 EXIF/XMP, APP2 ICC, APP13 Photoshop, ...) or comments,
    image data untouched. JFIF (APP0) and Adobe (APP14, which says how colours are coded) stay."""
    if not data.startswith(b"\xff\xd8"):
        raise ValueError("not a JPEG stream")
    out = bytearray(b"\xff\xd8")
    pos = 2
    while pos + 1 < len(data):
        if data[pos] != 0xFF:
            raise ValueError("JPEG segment expected")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0xD9 or 0xD0 <= marker <= 0xD7 or marker == 0x01:  # no length field
            out += data[pos : pos + 2]
            pos += 2
            continue
        length = int.from_bytes(data[pos + 2 : pos + 4], "big")
        if length < 2 or pos + 2 + length > len(data):
            raise ValueError("JPEG segment runs past the end")
        if marker == 0xDA:  # start of scan: the rest is image data
            out += data[pos:]
            return bytes(out)
        if not (0xE1 <= marker <= 0xEF and marker != 0xEE) and marker != 0xFE:
            out += data[pos : pos + 2 + length]
        pos += 2 + length
    return bytes(out)


def _check_text(data: bytes, shown: str) -> bytes:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise AttachmentRejected(f"{shown} is not a kind of file we can accept. {_ACCEPTED}") from None
    if _CONTROL.search(text):
        raise AttachmentRejected(f"{shown} is not a kind of file we can accept. {_ACCEPTED}")
    if text.lstrip("\ufeff \t\r\n").startswith("<") or _MARKUP.search(text):
        raise AttachmentRejected(
            f"{shown} is a web page or similar file, which we cannot accept. Please save "
            "it as a PDF, or attach a screenshot, instead."
        )
    return data


def _base_name(filename: str) -> str:
    name = re.split(r"[\\/]", filename or "")[-1]
    name = unicodedata.normalize("NFC", name)
    # Category C: control, format (including right-to-left overrides that disguise an extension), unassigned.
    return "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()


def _without_extension(name: str) -> str:
    stem, dot, _ = name.lstrip(".").rpartition(".")
    return stem if dot else name.lstrip(".")


def _shown_name(filename: str) -> str:
    """The file as the person chose it, for messages: its name in quotes without path or control characters,
    shortened if long."""
    name = _base_name(filename)
    return f"“{name[:77]}…”" if len(name) > 80 else f"“{name}”" if name else "This file"
