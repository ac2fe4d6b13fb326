"""Pydantic models at nutriplan's boundaries: what goes in (profiles, options, foods) and what
comes out (targets, plans). Modules below ``nutriplan`` import these; these import nothing above."""
