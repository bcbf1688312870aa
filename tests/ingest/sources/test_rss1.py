"""RSS 1.0 journals and preprint servers: Nature, bioRxiv/medRxiv, Atypon (Science, PNAS)."""

import datetime as dt

from academichub.ingest.sources import parse_feed
from academichub.ingest.sources.catalogue import find_source


def read(path, fixtures, source=None):
    return parse_feed((fixtures / path).read_bytes(), source)


# --- Nature --------------------------------------------------------------------------------------------


def test_nature_items_lose_the_published_online_notice_and_a_summary_that_is_only_the_title(fixtures):
    feed = read("feeds/RECONSTRUCTED_nature_rss1.xml", fixtures)
    first = feed.papers[0]
    assert first.title == "The equity paradox of environmental DNA for biodiversity monitoring"
    assert first.abstract == ""  # the content was the notice and the title again
    assert (first.id, first.doi) == ("doi:10.1038/d41586-026-01349-3", "10.1038/d41586-026-01349-3")
    assert first.date == dt.date(2026, 4, 28)
    assert first.source_label == "Nature"


def test_nature_gives_one_creator_per_author(fixtures):
    papers = read("feeds/RECONSTRUCTED_nature_rss1.xml", fixtures).papers
    assert [p.authors for p in papers] == [
        ["Placeholder Author"],
        ["Placeholder First", "Placeholder Second"],
    ]


def test_a_nature_sentence_repeated_back_to_back_appears_once(seed_day):
    papers = read("journal_rss1_nature_science.xml", seed_day).papers
    assert papers[1].abstract == (
        "Video blogger’s viral accusations of data manipulation in Nature journals have sparked "
        "intense debate and speedy institutional investigations."
    )


def test_stray_bold_tags_leave_a_nature_title(seed_day):
    title = read("journal_rss1_nature_science.xml", seed_day).papers[1].title
    assert (
        title
        == "‘Student Geng’ ignites research-integrity scandal in China after calling out senior academics"
    )


def test_a_nature_item_without_creator_has_no_authors(seed_day):
    assert all(p.authors == [] for p in read("journal_rss1_nature_science.xml", seed_day).papers)


def test_nature_with_its_catalogue_source_is_labelled_by_the_catalogue(fixtures):
    feed = read("feeds/RECONSTRUCTED_nature_rss1.xml", fixtures, find_source("nature"))
    assert {(p.source_label, tuple(p.feeds)) for p in feed.papers} == {("Nature", ("nature",))}


# --- bioRxiv / medRxiv ---------------------------------------------------------------------------------


def test_biorxiv_authors_come_from_the_one_creator_string(fixtures):
    paper = read("feeds/biorxiv_rss1_feed-rs.xml", fixtures).papers[0]
    assert paper.authors == [
        "N. LAPALU",
        "A. SIMON",
        "A. Lu",
        "P.-L. Plaumann",
        "J. Amselem",
        "S. Pigne",
        "A. Auger",
        "C. Koch",
        "J.-F. Dallery",
        "R. J. O'Connell",
    ]


def test_biorxiv_ids_dates_labels_and_pdf(fixtures):
    paper = read("feeds/biorxiv_rss1_feed-rs.xml", fixtures).papers[0]
    assert paper.id == "doi:10.1101/2023.12.16.571984"
    assert paper.date == dt.date(2023, 12, 16)
    assert paper.source_label == "bioRxiv (Genomics)"  # from "bioRxiv Subject Collection: Genomics"
    assert paper.pdf_url == "https://www.biorxiv.org/content/10.1101/2023.12.16.571984v1.full.pdf"
    assert paper.url == "http://biorxiv.org/cgi/content/short/2023.12.16.571984v1?rss=1"
    assert paper.abstract.startswith("Colletotrichum destructivum (Cd) is a phytopathogenic fungus")
    assert paper.arxiv_id is None and paper.categories == []


def test_seed_preprint_labels_come_from_the_channel_or_the_catalogue(seed_day):
    bio = read("journal_rss1_biorxiv_bioinfo.xml", seed_day)
    assert bio.papers[0].source_label == "bioRxiv (Bioinfo)"
    assert bio.papers[0].pdf_url is None  # a placeholder link holds no version: no guessed PDF
    labelled = read("journal_rss1_biorxiv_bioinfo.xml", seed_day, find_source("biorxiv:bioinformatics"))
    assert labelled.papers[0].source_label == "bioRxiv (Bioinformatics)"
    med = read("journal_rss1_medrxiv_medicine.xml", seed_day, find_source("medrxiv:infectious-diseases"))
    assert {p.source_label for p in med.papers} == {"medRxiv (Infectious Diseases)"}


def test_the_seed_preprints_notice_is_gone_and_entities_decoded(seed_day):
    abstract = read("journal_rss1_biorxiv_bioinfo.xml", seed_day).papers[0].abstract
    assert abstract.startswith("Single-cell RNA sequencing (scRNA-seq) maps aging tissues")
    assert "young[->]old" in abstract and "&gt;" not in abstract


# --- Atypon ------------------------------------------------------------------------------------------


def test_an_atypon_citation_becomes_the_journal_reference_and_no_abstract(fixtures):
    paper = read("feeds/atypon_rss1_ajph_2015.xml", fixtures).papers[0]
    assert paper.abstract == ""
    assert (
        paper.journal_ref
        == "American Journal of Public Health, Volume 105, Issue S2, Page e1-e7, April 2015."
    )
    assert paper.id == "doi:10.2105/ajph.2014.302274"
    assert paper.date == dt.date(2015, 3, 6)


def test_atypon_is_labelled_by_the_channels_publication_name_not_the_items(fixtures):
    # Atypon items repeat the article title in prism:publicationName; the channel's names the journal.
    papers = read("feeds/atypon_rss1_ajph_2015.xml", fixtures).papers
    assert {p.source_label for p in papers} == {"American Journal of Public Health"}
    assert papers[1].authors[-1] == "Barbara Van Der Pol"
