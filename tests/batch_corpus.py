"""A generated batch for the batch tests: `SERVICES` services × 11 documents, plus corrupt and image-only PDFs.

Layout: `root/service-NN/<documents>`. Each service gets 4 PDFs and 2 DOCX from the bundled samples (a comment
appended after the end of each PDF makes every file's content unique), 4 Markdown texts and 1 plain text made
from `samples/src/*.md` with the service's own name. Even services get the conforming versions, odd services the
defective ones. Services 00–03 also hold a corrupt PDF, services 04–05 a scanned PDF without a text layer.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
SERVICES = 20
KINDS = ("contrat", "devis", "livret", "reglement")
ORGANISATION = "Association Aide et Présence du Val"


@dataclass
class Corpus:
    root: Path
    services: list[str] = field(default_factory=list)
    corrupt: set[str] = field(default_factory=set)  # file names
    image_only: set[str] = field(default_factory=set)
    files: list[Path] = field(default_factory=list)


def service_name(number: int) -> str:
    return f"service-{number:02d}"


def image_only_pdf() -> bytes:
    from fpdf import FPDF

    from tests.test_extract import _png_bytes

    pdf = FPDF()
    pdf.add_page()
    pdf.set_fill_color(200, 200, 200)
    pdf.rect(20, 20, 150, 80, style="F")
    pdf.image(io.BytesIO(_png_bytes()), x=20, y=120, w=60)
    return bytes(pdf.output())


def write_service(corpus: Corpus, number: int, conforming: bool, scanned_pdf: bytes) -> None:
    name = service_name(number)
    folder = corpus.root / name
    folder.mkdir(parents=True, exist_ok=True)
    quality = "conforme" if conforming else "defectueux"
    label = f"Service d'aide à domicile numéro {number}"

    def write(filename: str, data: bytes) -> None:
        (folder / filename).write_bytes(data)
        corpus.files.append(folder / filename)

    for kind in KINDS:
        pdf = (SAMPLES / f"{kind}_{quality}.pdf").read_bytes()
        write(f"{kind}.pdf", pdf + f"\n% {name}\n".encode())
        text = (SAMPLES / "src" / f"{kind}_{quality}.md").read_text(encoding="utf-8").replace(ORGANISATION, label)
        write(f"{kind}_texte.md", text.encode("utf-8"))
    for kind in ("contrat", "devis"):
        write(f"{kind}.docx", (SAMPLES / f"{kind}_{quality}.docx").read_bytes())
    livret = (SAMPLES / "src" / f"livret_{quality}.md").read_text(encoding="utf-8").replace(ORGANISATION, label)
    write("livret_brut.txt", livret.replace("#", "").encode("utf-8"))
    if number < 4:
        write("devis_abime.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 4 + name.encode())
        corpus.corrupt.add(str(folder / "devis_abime.pdf"))
    elif number < 6:
        write("livret_scanne.pdf", scanned_pdf + f"\n% {name}\n".encode())
        corpus.image_only.add(str(folder / "livret_scanne.pdf"))


def build_corpus(root: Path, services: int = SERVICES) -> Corpus:
    corpus = Corpus(root)
    scanned = image_only_pdf()
    for number in range(services):
        write_service(corpus, number, conforming=number % 2 == 0, scanned_pdf=scanned)
        corpus.services.append(service_name(number))
    return corpus
