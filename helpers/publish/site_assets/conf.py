"""Sphinx settings of the reader site (copied into the build folder by helpers.publish.site).

Everything renders offline: notebooks are shown with their stored outputs and
no theme asset is fetched from the internet. ``edition.py``, written beside
this file by the build, gives the edition's version and date.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from edition import EDITION_DATE, FACTS_AS_OF, VERSION

project = "NATO and Iraq, 2004 to today"
author = "the NATO-Iraq notebook collection contributors"
copyright = "the contributors. Code: MIT; data, text and charts: CC BY 4.0"
version = release = VERSION

extensions = ["myst_nb"]
# The notebooks are executed by `nato-iraq build`; the site only shows them.
nb_execution_mode = "off"
# Charts are the stored outputs, shown at the text's width (site.css).
nb_render_image_options = {"align": "center"}
# Only exercise solutions are folded (their cells carry the hide-cell tag).
nb_code_prompt_show = "Show the solution"
nb_code_prompt_hide = "Hide the solution"
myst_enable_extensions = ["colon_fence"]
myst_heading_anchors = 3
# Charts are numbered within each chapter ("Figure 3. ...") by the captions
# helpers.publish.chapter_page writes: Sphinx's numfig would count across chapters.

html_theme = "sphinx_book_theme"
html_title = project
html_static_path = ["_static"]
html_css_files = ["site.css"]
html_js_files = ["site.js"]
html_copy_source = False
html_show_sourcelink = False
html_last_updated_fmt = None
html_theme_options = {
    # The site's title links home; the home page is not listed again.
    "home_page_in_toc": False,
    "show_toc_level": 2,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "navigation_with_keys": False,
    # The sidebar lists chapters and pages, not their sections (the page's own
    # contents are on the right): less to read, and far less for Sphinx to make.
    "max_navbar_depth": 1,
    # One search box (in the sidebar), not a second one in the header.
    "navbar_persistent": [],
    "footer_content_items": ["copyright.html", "extra-footer.html"],
    "extra_footer": (f"<p>Edition {VERSION} of {EDITION_DATE}; facts up to {FACTS_AS_OF}.</p>"),
}
exclude_patterns = ["**.ipynb_checkpoints", "data/*.md", "codebook_tables.md"]
# Without a stated default the theme's script logs "invalid theme mode" on a
# first visit; light suits the charts, which have white backgrounds.
html_context = {"default_mode": "light"}


def setup(app):
    """Remember word stems while the search index is made: the same words recur
    tens of thousands of times, and the stemmer is pure Python."""
    import functools

    from sphinx.search import en

    stem = functools.lru_cache(maxsize=None)(en.SearchEnglish.stem)
    en.SearchEnglish.stem = lambda self, word: stem(self, word)
