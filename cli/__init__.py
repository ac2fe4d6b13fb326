"""The ``nutriplan`` command (installed as the import package ``nutriplan_cli``): click commands
that parse options, call one public function of ``nutriplan`` and format its result."""
