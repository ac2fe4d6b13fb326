"""Bundled data tables of nutriplan (installed as ``nutriplan.food_data``).

Every table here names its source in ``SOURCES.md``; the scripts in ``scripts/`` rebuild the
generated ones from those sources.
"""
