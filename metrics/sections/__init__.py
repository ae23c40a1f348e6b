"""Section builders: one pure function per page section, returning a
:class:`metrics.section.SectionModel` that the screen and every export read (one module per
page; ``base`` holds the figure rows they share, ``entities`` the one entity table)."""
