import pytest

from academichub.ingest.normalize import (
    clean_abstract,
    clean_author_name,
    clean_title,
    collapse_repeats,
    decode_tex_accents,
    drop_published_notice,
    looks_like_last_initials,
    split_authors,
    split_biorxiv_authors,
    split_byline,
    split_citation,
    strip_arxiv_prefix,
    strip_tags,
)

# --- titles ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (
            "‘Student Geng’ ignites research-integrity scandal<b> </b>",
            "‘Student Geng’ ignites research-integrity scandal",
        ),
        ("Theory &amp; Practice", "Theory & Practice"),  # feedparser's output of a double-escaped title
        (
            "Cells &lt;i&gt;in vivo&lt;/i&gt;",
            "Cells in vivo",
        ),  # escaped markup is still markup, never kept as tags
        ("  A title\n   over   lines ", "A title over lines"),
        ("H<sub>2</sub>O splitting", "H2O splitting"),
        ("<jats:title>Structured</jats:title> title", "Structured title"),
        ("Learning $\\mu_0$-Invariant Kernels for $x<y$", "Learning $\\mu_0$-Invariant Kernels for $x<y$"),
        (
            "A Cross-Listed Paper <Primary stat.ML>",
            "A Cross-Listed Paper <Primary stat.ML>",
        ),  # text, not a tag
    ],
)
def test_titles_are_plain_text_with_tex_kept(raw, clean):
    assert clean_title(raw) == clean


def test_hostile_script_in_a_title_comes_out_as_inert_plain_text():
    # Script and style elements are code, not prose: they go whole. Other tags go, their words stay.
    cleaned = clean_title("Great result<script>alert(1)</script> &lt;img src=x onerror=alert(2)&gt; here")
    assert cleaned == "Great result here"
    assert (
        clean_abstract(
            "A <style>body{display:none}</style>B <svg onload='x()'>C</svg> <iframe src=x></iframe>"
        )
        == "A B C"
    )
    assert clean_title("Why <script> tags need escaping") == "Why tags need escaping"  # an unclosed one too


@pytest.mark.parametrize(
    "tex",
    [
        "$a<b$ and $c>d$",
        "$x<y$",
        "if $n<k$ then $k>n$",
        "$\\langle a, b \\rangle$",
        "$a <b$",
        "$0<\\beta<1$",
        "for $i<b and j>a$",  # looks like <b and j> but bare words are no attributes
        "$p<i>0$",  # inside math, even what reads as a tag is TeX
        "$$a<b>c$$",
    ],
)
def test_math_with_angle_brackets_is_not_mistaken_for_tags(tex):
    assert strip_tags(tex) == tex
    assert clean_abstract(tex) == tex


def test_an_escaped_less_than_inside_tex_decodes_and_survives():
    assert clean_abstract("We show that for $x&lt;y$ and $c&gt;d$ the \\textbf{bound} holds.") == (
        "We show that for $x<y$ and $c>d$ the \\textbf{bound} holds."
    )


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("<p>First paragraph.</p><p>Second.</p>", "First paragraph. Second."),  # block tags keep words apart
        (
            'Journal, <a href="/toc/ajph/105/S2">Volume 105, Issue S2</a>, Page e1',
            "Journal, Volume 105, Issue S2, Page e1",
        ),
        ("line<br/>break<br />here", "line break here"),
        ("<!-- a comment -->Text", "Text"),
        ("5 &lt; 6 &amp;&amp; 7 &gt; 6", "5 < 6 && 7 > 6"),
        ("It costs $800 <b>per</b> run, not $5.", "It costs $800 per run, not $5."),  # prices are not math
        ("<p>With $x<y$ here</p><p>and $p<i>0$.</p>", "With $x<y$ here and $p<i>0$."),
    ],
)
def test_abstracts_lose_tags_and_entities(raw, clean):
    assert clean_abstract(raw) == clean


# --- arXiv's prefix ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "arXiv:2606.14677v1 Announce Type: new \nAbstract: A Detector Error Model is...",
            ("2606.14677", 1, "new", "A Detector Error Model is..."),
        ),
        (
            "arXiv:2601.11422v2 Announce Type: replace-cross \nAbstract: This work presents...",
            ("2601.11422", 2, "replace-cross", "This work presents..."),
        ),
        (
            "arXiv:hep-th/9901001v2 Announce Type: replace-cross \nAbstract: Legacy identifier.",
            ("hep-th/9901001", 2, "replace-cross", "Legacy identifier."),
        ),
        ("An abstract with no prefix.", (None, None, None, "An abstract with no prefix.")),
        (
            "We cite arXiv:2101.00001v1 Announce Type: new later.",
            (None, None, None, "We cite arXiv:2101.00001v1 Announce Type: new later."),
        ),
    ],
)
def test_strip_arxiv_prefix_keeps_id_version_and_type(raw, expected):
    assert strip_arxiv_prefix(raw) == expected


# --- journal quirks ----------------------------------------------------------------------------------


def test_the_nature_published_online_notice_is_dropped():
    raw = (
        '<p>Nature, Published online: 28 April 2026; <a href="https://www.nature.com/articles/d41586-026-01349-3">'
        "doi:10.1038/d41586-026-01349-3</a></p>The equity paradox of environmental DNA"
    )
    assert drop_published_notice(raw) == "The equity paradox of environmental DNA"
    as_text = "Nature, Published online: 28 April 2026; doi:10.1038/d41586-026-01349-3 The equity paradox"
    assert drop_published_notice(as_text) == "The equity paradox"
    assert (
        drop_published_notice("Published online papers are a topic.")
        == "Published online papers are a topic."
    )


@pytest.mark.parametrize(
    ("text", "once"),
    [
        (
            "Video blogger’s accusations sparked debate. Video blogger’s accusations sparked debate.",
            "Video blogger’s accusations sparked debate.",
        ),
        ("First. Second. First. Second.", "First. Second."),  # a whole repeated block
        ("Intro. Same sentence. Same sentence. End.", "Intro. Same sentence. End."),
        ("No repeats here. None at all.", "No repeats here. None at all."),
        ("Once.", "Once."),
        ("", ""),
    ],
)
def test_a_passage_repeated_back_to_back_appears_once(text, once):
    assert collapse_repeats(text) == once


def test_a_summary_that_only_repeats_the_title_is_no_abstract():
    title = "Efficient robot navigation inspired by honeybee learning flights"
    assert (
        clean_abstract(f"<p>Nature, Published online: 13 May 2026; <a>doi:10.1038/x</a></p>{title}", title)
        == ""
    )
    assert clean_abstract(f"{title}.", title) == ""
    assert clean_abstract(f"{title}. And more.", title) == f"{title}. And more."


@pytest.mark.parametrize(
    ("text", "reference", "rest"),
    [
        (
            "American Journal of Public Health, Volume 105, Issue S2, Page e1-e7, April 2015.",
            "American Journal of Public Health, Volume 105, Issue S2, Page e1-e7, April 2015.",
            "",
        ),
        (
            "Science, Volume 388, Issue 6744, April 2025. An abstract.",
            "Science, Volume 388, Issue 6744, April 2025.",
            "An abstract.",
        ),
        (
            "An abstract that mentions Volume 3, Issue 2 of a journal in 2015.",
            None,
            "An abstract that mentions Volume 3, Issue 2 of a journal in 2015.",
        ),
    ],
)
def test_an_atypon_citation_is_a_journal_reference_not_an_abstract(text, reference, rest):
    assert split_citation(text) == (reference, rest)


@pytest.mark.parametrize(
    ("raw", "names", "rest"),
    [
        (
            "<p>by Ana Lee, Bo Chen</p>\n<p>Background Text.</p>",
            "Ana Lee, Bo Chen",
            "\n<p>Background Text.</p>",
        ),
        (
            "by Kira Elsbernd, W. Chris Buck, the LIFE Study Consortium Background Timely access",
            "Kira Elsbernd, W. Chris Buck, the LIFE Study Consortium",
            "Background Timely access",
        ),
        ("by and large, results hold.", None, "by and large, results hold."),
        ("An abstract.", None, "An abstract."),
    ],
)
def test_a_plos_byline_is_split_off_the_content(raw, names, rest):
    assert split_byline(raw) == (names, rest)


# --- names -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tex", "text"),
    [
        ("Daniel P\\'erez Herrera", "Daniel Pérez Herrera"),
        ('M. Kr\\"uger', "M. Krüger"),
        ('Link\\"oping', "Linköping"),
        ("\\v{S}ipu\\v{s}", "Šipuš"),
        ("\\v S", "Š"),
        ("Bj{\\o}rn", "Bjørn"),
        ("Fran\\c{c}ois", "François"),
        ("Nu\\~nez", "Nuñez"),
        ("Ren{\\'e}", "René"),
        ("Ren\\'{e}", "René"),
        ("Mar\\'{\\i}a", "María"),
        ("\\L{}ukasz", "Łukasz"),
        ("Stra\\ss e", "Straße"),
        ("Erd\\H{o}s", "Erdős"),
        ('\\AA{}ngstr\\"om', "Ångström"),
        ("G\\`erard", "Gérard".replace("é", "è")),
        ("No accents at all", "No accents at all"),
        ("$\\vec{x} \\cdot \\vec{y}$", "$\\vec{x} \\cdot \\vec{y}$"),  # macros that only start like accents
    ],
)
def test_tex_accents_are_decoded(tex, text):
    assert decode_tex_accents(tex) == text


@pytest.mark.parametrize(
    ("creator", "authors"),
    [
        (
            "Daniel P\\'erez Herrera, Zheng Chen (Link\\\"oping University), Erik G. Larsson",
            ["Daniel Pérez Herrera", "Zheng Chen", "Erik G. Larsson"],
        ),
        ("A. Smith (MIT, Cambridge), B. Jones", ["A. Smith", "B. Jones"]),
        ("A. Smith (Dept. of Physics (Theory), Univ. X), B. Jones", ["A. Smith", "B. Jones"]),
        ("A. Smith, B. Jones and C. Brown", ["A. Smith", "B. Jones", "C. Brown"]),
        ("A. Smith, B. Jones, and C. Brown", ["A. Smith", "B. Jones", "C. Brown"]),
        (
            "Anamta Khan, Ratna Kandala,  Deepti, Sheza Munir",
            ["Anamta Khan", "Ratna Kandala", "Deepti", "Sheza Munir"],
        ),
        ("Alexander Andersen", ["Alexander Andersen"]),  # "and" inside a name is no separator
        ("Unknown Author", []),
        ("", []),
        ("  ", []),
        ("A. Smith, Unknown Author", ["A. Smith"]),
        ("A. Smith (MIT, B. Jones", ["A. Smith", "B. Jones"]),  # an affiliation the feed left unclosed
    ],
)
def test_split_authors_arxiv_style(creator, authors):
    assert split_authors(creator) == authors


@pytest.mark.parametrize(
    ("creator", "authors"),
    [
        (
            "LAPALU, N., SIMON, A., Lu, A., Plaumann, P.-L., O'Connell, R. J.",
            ["N. LAPALU", "A. SIMON", "A. Lu", "P.-L. Plaumann", "R. J. O'Connell"],
        ),
        ("Naka, A.; Shababo, B.; Adesnik, H.", ["A. Naka", "B. Shababo", "H. Adesnik"]),  # the API's "; "
        (
            "Smith, J., COVID-19 Genomics Consortium, Lee, K.",
            ["J. Smith", "COVID-19 Genomics Consortium", "K. Lee"],
        ),  # a group author has no initials
        ('M\\"uller, T.', ["T. Müller"]),
        ("", []),
    ],
)
def test_split_biorxiv_authors_gives_initials_then_surname(creator, authors):
    assert split_biorxiv_authors(creator) == authors


@pytest.mark.parametrize(
    ("creator", "shape"),
    [
        ("LAPALU, N., SIMON, A.", True),
        ("Naka, A.; Shababo, B.", True),
        ("Lu, A.", True),
        ("Michael Cooper, Samuel Cooper", False),
        ("A. Smith (MIT, Cambridge), B. Jones", False),
        ("Placeholder Author", False),
    ],
)
def test_biorxiv_shape_is_told_apart_from_arxiv_shape(creator, shape):
    assert looks_like_last_initials(creator) is shape


def test_an_author_name_loses_braces_and_affiliation():
    assert clean_author_name('{M}\\"uller (CERN)') == "Müller"
