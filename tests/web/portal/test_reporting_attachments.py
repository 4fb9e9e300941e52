"""Attachments: real files made here, checked by content and cleaned of metadata such as where a photo was taken."""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib

import pytest
from PIL import Image, ImageCms, ImageFile, PngImagePlugin
from PIL.ExifTags import GPS, IFD, Base
from pypdf import PdfReader, PdfWriter
from pypdf.actions import JavaScript
from pypdf.annotations import Text
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from upstander.web.portal.reporting import attachments
from upstander.web.portal.reporting.attachments import (
    MAX_BYTES,
    MAX_FILES,
    MAX_PIXELS,
    AttachmentRejected,
    clean_attachment,
)


def picture(size: tuple[int, int] = (64, 48), mode: str = "RGB") -> Image.Image:
    """A picture with detail in it, so re-encoding has something to preserve."""
    image = Image.new(mode, size)
    image.putdata(
        [((x * 4) % 256, (y * 5) % 256, (x * y) % 256)[: len(mode)] for y in range(size[1]) for x in range(size[0])]
    )
    return image


def camera_exif(orientation: int | None = None) -> Image.Exif:
    exif = Image.Exif()
    exif[Base.Make] = "Acme Phones"
    exif[Base.Model] = "Spyglass 9"
    if orientation:
        exif[Base.Orientation] = orientation
    exif.get_ifd(IFD.Exif)[Base.DateTimeOriginal] = "2026:03:14 09:26:53"
    gps = exif.get_ifd(IFD.GPSInfo)
    gps[GPS.GPSLatitudeRef] = "N"
    gps[GPS.GPSLatitude] = (51.0, 30.0, 26.0)
    gps[GPS.GPSLongitudeRef] = "W"
    gps[GPS.GPSLongitude] = (0.0, 7.0, 39.0)
    return exif


def jpeg_from_a_phone(orientation: int | None = None, size: tuple[int, int] = (64, 48)) -> bytes:
    out = io.BytesIO()
    picture(size).save(
        out,
        "JPEG",
        exif=camera_exif(orientation),
        comment=b"outside 12 Example Road",
        xmp=b"<x:xmpmeta><photoshop:City>Exampleton</photoshop:City></x:xmpmeta>",
        icc_profile=ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes(),
    )
    return out.getvalue()


METADATA_BYTES = (
    b"Exif\x00\x00",
    b"Acme Phones",
    b"Spyglass",
    b"2026:03:14",
    b"Example Road",
    b"Exampleton",
    b"xmpmeta",
    b"ICC_PROFILE",
)


def test_photo_loses_all_exif_gps_and_comments_but_keeps_its_picture() -> None:
    original = jpeg_from_a_phone()
    with Image.open(io.BytesIO(original)) as before:  # the test file really carries what must go
        assert before.getexif()[Base.Make] == "Acme Phones"
        assert before.getexif().get_ifd(IFD.GPSInfo)[GPS.GPSLatitude] == (51.0, 30.0, 26.0)
        assert before.getexif().get_ifd(IFD.Exif)[Base.DateTimeOriginal] == "2026:03:14 09:26:53"
        assert {"exif", "comment", "xmp", "icc_profile"} <= set(before.info)
        before_pixels = before.convert("RGB")

    cleaned = clean_attachment("IMG_2041.JPG", original)

    assert cleaned.content_type == "image/jpeg" and cleaned.filename == "IMG_2041.jpg"
    for marker in METADATA_BYTES:
        assert marker not in cleaned.data, marker
    with Image.open(io.BytesIO(cleaned.data)) as after:
        assert after.format == "JPEG" and after.size == (64, 48)
        assert len(after.getexif()) == 0
        assert len(after.getexif().get_ifd(IFD.GPSInfo)) == 0
        assert not {"exif", "comment", "xmp", "icc_profile"} & set(after.info)
        after.load()
        # Re-encoded at high quality: the picture is the same to the eye.
        difference = sum(abs(a - b) for a, b in zip(after.tobytes(), before_pixels.tobytes(), strict=True))
        assert difference / (64 * 48 * 3) < 6


def test_photo_is_turned_upright_before_its_orientation_tag_goes() -> None:
    cleaned = clean_attachment("sideways.jpg", jpeg_from_a_phone(orientation=6, size=(40, 20)))
    with Image.open(io.BytesIO(cleaned.data)) as after:
        assert after.size == (20, 40)
        assert len(after.getexif()) == 0


def test_png_loses_text_chunks_and_exif_and_keeps_every_pixel() -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "DC Jane Example")
    info.add_text("Comment", "taken at 12 Example Road", zip=True)
    info.add_itxt("Description", "screenshot of messages from PC 4471", lang="en")
    image = picture((30, 20), "RGBA")
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=info, exif=camera_exif())
    original = out.getvalue()
    assert b"DC Jane Example" in original and b"Acme Phones" in original

    cleaned = clean_attachment("screenshot.png", original)

    assert cleaned.content_type == "image/png" and cleaned.filename == "screenshot.png"
    for marker in (b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"DC Jane Example", b"Acme Phones", b"PC 4471"):
        assert marker not in cleaned.data, marker
    with Image.open(io.BytesIO(cleaned.data)) as after:
        assert after.size == (30, 20) and after.mode == "RGBA"
        assert "Author" not in after.info and len(after.getexif()) == 0
        assert after.tobytes() == image.tobytes()  # PNG is lossless: nothing but metadata may change


def test_palette_png_with_transparency_keeps_its_transparency() -> None:
    image = Image.new("P", (10, 10), 1)
    image.putpalette([255, 0, 0, 0, 255, 0] + [0] * 762)
    image.putpixel((0, 0), 0)
    out = io.BytesIO()
    image.save(out, "PNG", transparency=0)
    cleaned = clean_attachment("icon.png", out.getvalue())
    with Image.open(io.BytesIO(cleaned.data)) as after:
        rgba = after.convert("RGBA")
        assert rgba.getpixel((0, 0))[3] == 0 and rgba.getpixel((5, 5)) == (0, 255, 0, 255)


def pdf_with_everything(pages: int = 3, password: str | None = None) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(200, 200)
    writer.add_metadata(
        {
            "/Author": "DC Jane Example",
            "/Title": "Statement about PC 4471",
            "/Creator": "Acme Scanner Pro",
            "/Producer": "Acme PDF 2.0",
        }
    )
    writer.add_open_action(JavaScript("app.alert('opened');"))
    writer.xmp_metadata = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><dc:creator>DC Jane Example</dc:creator></x:xmpmeta>'
    writer.add_attachment("hidden-notes.txt", b"my home address is 12 Example Road")
    writer.open_destination = writer.pages[0]
    annotation = Text(rect=(20, 20, 60, 60), text="comment by DC Jane Example")
    annotation[NameObject("/T")] = TextStringObject("DC Jane Example")
    writer.add_annotation(page_number=0, annotation=annotation)
    writer.pages[1][NameObject("/AA")] = DictionaryObject(
        {
            NameObject("/O"): DictionaryObject(
                {
                    NameObject("/S"): NameObject("/JavaScript"),
                    NameObject("/JS"): TextStringObject("app.launchURL('x');"),
                }
            )
        }
    )
    if password is not None:
        writer.encrypt(user_password=password, owner_password="owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_pdf_loses_metadata_scripts_attachments_and_annotations_and_keeps_its_pages() -> None:
    original = pdf_with_everything(pages=3)
    before = PdfReader(io.BytesIO(original))
    assert before.metadata.author == "DC Jane Example" and before.metadata.title == "Statement about PC 4471"
    for marker in (b"/JavaScript", b"/EmbeddedFiles", b"/Annots", b"/OpenAction", b"/AA", b"xmpmeta"):
        assert marker in original, marker

    cleaned = clean_attachment("statement.pdf", original)

    assert cleaned.content_type == "application/pdf" and cleaned.filename == "statement.pdf"
    for marker in (
        b"DC Jane Example",
        b"PC 4471",
        b"Acme",
        b"/Author",
        b"/Title",
        b"/Producer",
        b"/Info",
        b"/JavaScript",
        b"/JS",
        b"app.alert",
        b"/EmbeddedFiles",
        b"Example Road",
        b"/OpenAction",
        b"/Annots",
        b"/AA",
        b"/Metadata",
        b"xmpmeta",
        b"pypdf",
    ):
        assert marker not in cleaned.data, marker
    after = PdfReader(io.BytesIO(cleaned.data))
    assert len(after.pages) == 3
    assert not after.metadata  # no document information at all
    assert after.xmp_metadata is None
    root = after.trailer["/Root"]
    assert "/Names" not in root and "/OpenAction" not in root and "/AcroForm" not in root
    assert all(page.mediabox.width == 200 for page in after.pages)


def test_photos_inside_a_pdf_lose_their_exif() -> None:
    out = io.BytesIO()
    picture((60, 40)).save(out, "PDF", exif=camera_exif().tobytes())  # Pillow embeds the JPEG, EXIF and all
    original = out.getvalue()
    assert b"Acme Phones" in original and b"/DCTDecode" in original
    cleaned = clean_attachment("scan.pdf", original)
    assert b"Acme Phones" not in cleaned.data and b"Exif" not in cleaned.data
    after = PdfReader(io.BytesIO(cleaned.data))
    (image,) = after.pages[0].images
    assert image.image.size == (60, 40)  # the stripped JPEG still decodes


def test_strip_jpeg_segments_keeps_the_image_data() -> None:
    original = jpeg_from_a_phone()
    stripped = attachments.strip_jpeg_segments(original)
    for marker in METADATA_BYTES:
        assert marker not in stripped
    with Image.open(io.BytesIO(original)) as a, Image.open(io.BytesIO(stripped)) as b:
        assert a.tobytes() == b.tobytes()
    for broken in (b"not a jpeg", b"\xff\xd8\xff\xe1\x40\x00Exif", b"\xff\xd8\x00\x00"):
        with pytest.raises(ValueError):
            attachments.strip_jpeg_segments(broken)


@pytest.mark.parametrize("password", ["secret", ""])
def test_encrypted_pdf_is_refused(password: str) -> None:
    with pytest.raises(AttachmentRejected, match=re.escape("“locked.pdf” is protected with a password")):
        clean_attachment("locked.pdf", pdf_with_everything(pages=2, password=password))


def test_damaged_pdf_is_refused() -> None:
    with pytest.raises(AttachmentRejected, match=re.escape("“broken.pdf” could not be opened as a PDF")):
        clean_attachment("broken.pdf", b"%PDF-1.7\n this is not really a PDF \n%%EOF")
    with pytest.raises(AttachmentRejected, match="could not be opened as a PDF"):
        clean_attachment("truncated.pdf", pdf_with_everything(pages=2)[:300])


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("holiday.jpg", b"<!DOCTYPE html><html><body><script>fetch('/report')</script></body></html>"),
        ("holiday.jpg", b"\n\n  <html><body>hello</body></html>"),
        ("drawing.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("notes.txt", b'<?xml version="1.0"?><root/>'),
        ("notes.txt", b"Dear PSD,\n\nplease see <script src=//evil.example/x.js></script>"),
    ],
)
def test_markup_is_refused_whatever_it_is_called(name: str, data: bytes) -> None:
    with pytest.raises(AttachmentRejected, match=f"“{name}” is a web page"):
        clean_attachment(name, data)


def zip_file() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("statement.txt", "hello")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("holiday.jpg", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(range(256)) * 4),  # .exe
        ("statement.pdf", zip_file()),
        ("archive.zip", zip_file()),
        ("program", b"\x7fELF\x02\x01\x01\x00" + bytes(64)),
        ("old.txt", "café written in Latin-1".encode("latin-1")),
        ("nul.txt", b"text with a \x00 in it"),
        ("bell.txt", b"text with a \x07 bell"),
        ("movie.gif", b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04"),
    ],
)
def test_other_kinds_of_file_are_refused(name: str, data: bytes) -> None:
    with pytest.raises(AttachmentRejected) as caught:
        clean_attachment(name, data)
    message = str(caught.value)
    assert f"“{name}” is not a kind of file we can accept" in message
    assert "JPEG or PNG" in message and "PDF" in message and "plain text" in message


def test_damaged_picture_is_refused() -> None:
    with pytest.raises(AttachmentRejected, match=re.escape("“cut.jpg” could not be opened as a picture")):
        clean_attachment("cut.jpg", jpeg_from_a_phone()[:400])
    with pytest.raises(AttachmentRejected, match="could not be opened as a picture"):
        clean_attachment("fake.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 20)


def test_plain_text_is_accepted_unchanged_under_its_real_type() -> None:
    text = "Notes from 3 March\r\nHe said:\t“delete it”.\n\ufeffEnd\f".encode()
    cleaned = clean_attachment("Notes.TXT", text)
    assert cleaned.data == text
    assert cleaned.filename == "Notes.txt" and cleaned.content_type == "text/plain; charset=utf-8"
    assert clean_attachment("photo.jpg", b"actually just words").filename == "photo.txt"


def test_oversize_file_is_refused() -> None:
    with pytest.raises(AttachmentRejected, match=r"“big.txt” is 10.0 MB; each file can be at most 10 MB"):
        clean_attachment("big.txt", b"a" * (MAX_BYTES + 1))
    assert clean_attachment("fits.txt", b"a" * MAX_BYTES).data == b"a" * MAX_BYTES
    assert MAX_BYTES == 10 * 1024 * 1024


def test_empty_file_is_refused() -> None:
    with pytest.raises(AttachmentRejected, match=re.escape("“nothing.jpg” is empty")):
        clean_attachment("nothing.jpg", b"")


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bomb_png(width: int, height: int, rows: int | None = None) -> bytes:
    """A PNG declaring `width` x `height` greyscale pixels, its `rows` of zeros compressed a row at a time (a
    real decompression bomb: a small file that would decode to width x height bytes)."""
    compressor = zlib.compressobj(9)
    row = b"\x00" * (width + 1)
    body = b"".join(compressor.compress(row) for _ in range(height if rows is None else rows))
    body += compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", body) + png_chunk(b"IEND", b"")


def test_decompression_bombs_are_refused_before_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_decoding(self: object) -> None:
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    real_bomb = bomb_png(7000, 7000)  # 49 megapixels in a small file: more than MAX_PIXELS, under Pillow's guard
    assert len(real_bomb) < MAX_BYTES // 10
    with pytest.raises(AttachmentRejected, match=r"“bomb.png” is too large a picture \(7000 × 7000 pixels\)"):
        clean_attachment("bomb.png", real_bomb)
    with pytest.raises(AttachmentRejected, match=r"“just-over.png” .*at most 25 megapixels"):
        clean_attachment("just-over.png", bomb_png(5001, 5000, rows=1))
    with pytest.raises(AttachmentRejected, match=re.escape("“huge.png” is too large a picture")):
        clean_attachment("huge.png", bomb_png(100_000, 100_000, rows=1))  # Pillow's own guard trips first


def test_pillow_s_own_bomb_guard_is_at_our_limit_not_its_default_of_89_megapixels() -> None:
    # The attack sent 7000 x 7000 PNGs: under Pillow's default guard, so every one was decoded.
    assert Image.MAX_IMAGE_PIXELS == MAX_PIXELS <= 25_000_000
    with pytest.raises(Image.DecompressionBombError):
        Image.open(io.BytesIO(bomb_png(7100, 7100, rows=1)))  # over twice the limit: refused at open


def test_an_ordinary_24_megapixel_phone_photo_is_still_accepted() -> None:
    out = io.BytesIO()
    Image.new("RGB", (5712, 4284), (90, 120, 160)).save(out, "JPEG", quality=90)  # a newer phone's default size
    cleaned = clean_attachment("IMG_2041.jpg", out.getvalue())
    assert cleaned.content_type == "image/jpeg" and Image.open(io.BytesIO(cleaned.data)).size == (5712, 4284)


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("..\\..\\Windows\\system.ini", "system.txt"),
        ("C:\\Users\\jane\\Desktop\\my notes.txt", "my notes.txt"),
        ("/home/jane/notes.txt", "notes.txt"),
        ("invoice\u202etxt.exe", "invoicetxt.txt"),  # a right-to-left override hiding the real extension
        ("notes\x00.exe\n.txt", "notes-exe.txt"),
        ("<script>alert(1)</script>.txt", "script.txt"),  # "/" ends a path whatever surrounds it
        ("<b>bold</b> claim.txt", "b-claim.txt"),
        ("résumé (final).txt", "résumé-final.txt"),
        (".bashrc", "bashrc.txt"),
        ("...", "attachment.txt"),
        ("", "attachment.txt"),
        ("a" * 300 + ".txt", "a" * 60 + ".txt"),
        ("report.pdf.txt", "report-pdf.txt"),
    ],
)
def test_file_names_are_made_safe(name: str, safe: str) -> None:
    assert clean_attachment(name, b"plain words").filename == safe


def test_messages_name_the_file_without_its_path_or_control_characters() -> None:
    with pytest.raises(AttachmentRejected) as caught:
        clean_attachment("/home/jane/secret folder/evi\x1bdence.jpg", b"")
    assert str(caught.value) == "“evidence.jpg” is empty. Please choose the file again."
    with pytest.raises(AttachmentRejected, match=r"^This file is empty"):
        clean_attachment("", b"")


def test_at_most_five_files() -> None:
    assert MAX_FILES == 5
    files = [(f"note{i}.txt", b"words") for i in range(MAX_FILES)]
    assert [f.filename for f in attachments.clean_attachments(files)] == [f"note{i}.txt" for i in range(MAX_FILES)]
    with pytest.raises(AttachmentRejected, match="at most 5 files; you chose 6"):
        attachments.clean_attachments([*files, ("one-more.txt", b"words")])
