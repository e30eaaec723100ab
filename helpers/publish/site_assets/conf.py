"""Sphinx settings of the reader site (copied into the build folder by helpers.publish.site).

Everything renders offline: notebooks are shown with their stored outputs and
no theme asset is fetched from the internet.
"""

project = "NATO and Iraq, 2004 to today"
author = "The NATO-Iraq notebook collection"
copyright = "the contributors. Code: MIT; data, text and charts: CC BY 4.0"

extensions = ["myst_nb"]
# The notebooks are executed by `nato-iraq build`; the site only shows them.
nb_execution_mode = "off"
# Images stay PNG; charts are the stored outputs, not re-rendered.
nb_render_image_options = {"align": "center"}
myst_enable_extensions = ["colon_fence"]
myst_heading_anchors = 3

html_theme = "sphinx_book_theme"
html_title = project
html_static_path = ["_static"]
html_css_files = ["site.css"]
html_copy_source = False
html_show_sourcelink = False
html_last_updated_fmt = None
html_theme_options = {
    "home_page_in_toc": True,
    "show_toc_level": 2,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "navigation_with_keys": False,
}
exclude_patterns = ["**.ipynb_checkpoints", "data/*.md"]
# Without a stated default the theme's script logs "invalid theme mode" on a
# first visit; light suits the charts, which have white backgrounds.
html_context = {"default_mode": "light"}
