"""The publishing machinery: build, reader site, class pack, slides, prose checks, command line.

Nothing here is imported by the chapters themselves: someone adapting a
chapter needs only the helpers one level up (``helpers.data``,
``helpers.charts``, ``helpers.narrative`` and the like).
"""
