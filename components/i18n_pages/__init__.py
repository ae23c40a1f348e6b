"""Page-specific parts of the interface catalogue, one module per page.

Each module defines ``STRINGS = {"zh": {...}, "en": {...}}``; ``components.i18n`` merges them
into the one catalogue per language and refuses a key defined twice.
"""
