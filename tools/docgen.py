"""Writes real PDF and DOCX files with the Python standard library only.

Used to build the test fixtures (tests/fixtures/make_fixtures.py). The
outputs are committed; this module is kept so they can be regenerated and
reviewed.

PDF: version 1.4, one content stream per page, the standard Type 1 font
Helvetica with WinAnsiEncoding (no font embedding needed), an Info
dictionary with Title, Author and CreationDate, and an exact xref table.

DOCX: the minimal WordprocessingML package: [Content_Types].xml, _rels/.rels,
word/document.xml (headings as Heading1..3 styles, bullet paragraphs with a
ListBullet style, tables as w:tbl) and docProps/core.xml (Dublin Core title,
creator, created and modified dates).
"""

import os
import textwrap
import zipfile
from xml.sax.saxutils import escape

LINES_PER_PAGE = 46
WRAP_COLUMNS = 88


def _pdf_string(text):
    data = text.encode("cp1252", errors="replace")
    out = bytearray(b"(")
    for byte in data:
        if byte in (0x28, 0x29, 0x5C):  # ( ) \
            out += b"\\" + bytes([byte])
        elif byte < 0x20 or byte > 0x7E:
            out += b"\\%03o" % byte
        else:
            out.append(byte)
    return bytes(out + b")")


def _layout(blocks):
    """Blocks are ("h1"|"h2"|"p"|"li", text); returns wrapped lines."""
    lines = []
    for kind, text in blocks:
        if kind in ("h1", "h2", "h3"):
            if lines:
                lines.append("")
            lines.append(text)
            lines.append("")
        elif kind == "li":
            wrapped = textwrap.wrap(text, WRAP_COLUMNS - 2) or [""]
            lines.append("- " + wrapped[0])
            lines.extend("  " + rest for rest in wrapped[1:])
        elif kind == "row":
            lines.append("   ".join(text))
        else:
            lines.extend(textwrap.wrap(text, WRAP_COLUMNS) or [""])
            lines.append("")
    return lines


def write_pdf(path, title, author, date, blocks):
    """date: "20250310120000" (UTC)."""
    lines = _layout(blocks)
    pages = [lines[i:i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)] or [[]]
    objects = []  # object bodies, object n is objects[n - 1]

    def add(body):
        objects.append(body)
        return len(objects)

    catalog = add(None)
    page_tree = add(None)
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
               b"/Encoding /WinAnsiEncoding >>")
    info = add(b"<< /Title " + _pdf_string(title) + b" /Author " + _pdf_string(author) +
               b" /Producer (UnifyData docgen) /CreationDate (D:" + date.encode() +
               b"Z) /ModDate (D:" + date.encode() + b"Z) >>")
    page_ids = []
    for page_lines in pages:
        ops = [b"BT", b"/F1 11 Tf", b"14 TL", b"72 760 Td"]
        for line in page_lines:
            ops.append(_pdf_string(line) + b" Tj T*")
        ops.append(b"ET")
        stream = b"\n".join(ops)
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        page_ids.append(add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] "
                            b"/Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>"
                            % (page_tree, font, content)))
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % page_tree
    kids = b" ".join(b"%d 0 R" % p for p in page_ids)
    objects[page_tree - 1] = b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % len(page_ids)

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n" % (len(objects) + 1)
    out += b"0000000000 65535 f \n"
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += (b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(objects) + 1, catalog, info, xref))
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "wb") as f:
        f.write(out)


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _paragraph(text, style=None):
    props = '<w:pPr><w:pStyle w:val="%s"/></w:pPr>' % style if style else ""
    return ('<w:p>%s<w:r><w:t xml:space="preserve">%s</w:t></w:r></w:p>'
            % (props, escape(text)))


def _table(rows):
    out = ['<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/></w:tblPr>']
    for row in rows:
        out.append("<w:tr>")
        for cell in row:
            out.append("<w:tc>%s</w:tc>" % _paragraph(cell))
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def write_docx(path, title, author, created, blocks):
    """created: "2025-03-10T12:00:00Z"; blocks as for write_pdf, plus
    ("table", [[cell, ...], ...])."""
    body = []
    styles = {"h1": "Heading1", "h2": "Heading2", "h3": "Heading3", "li": "ListBullet"}
    for kind, content in blocks:
        if kind == "table":
            body.append(_table(content))
        elif kind == "row":
            body.append(_table([content]))
        else:
            body.append(_paragraph(content, styles.get(kind)))
    document = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<w:document xmlns:w="%s"><w:body>%s<w:sectPr/></w:body></w:document>'
                % (W, "".join(body)))
    core = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
            'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            '<dc:title>%s</dc:title><dc:creator>%s</dc:creator>'
            '<dcterms:created xsi:type="dcterms:W3CDTF">%s</dcterms:created>'
            '<dcterms:modified xsi:type="dcterms:W3CDTF">%s</dcterms:modified>'
            '</cp:coreProperties>' % (escape(title), escape(author), created, created))
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        '<Override PartName="/docProps/core.xml" ContentType="application/'
        'vnd.openxmlformats-package.core-properties+xml"/></Types>')
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="word/document.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
            'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
            '</Relationships>')
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    # A fixed timestamp keeps the output byte-identical between runs.
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in (("[Content_Types].xml", content_types), ("_rels/.rels", rels),
                           ("word/document.xml", document), ("docProps/core.xml", core)):
            info = zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
