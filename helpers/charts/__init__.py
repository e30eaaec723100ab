"""Chart kinds of the collection, one module each; all draw in the house style.

Every function takes the loaded :class:`helpers.data.Dataset` (or a slice of
it), returns a matplotlib ``Figure`` with a title, labelled axes, a source line
naming the sources of what is drawn, and annotations where the story is.
"""
