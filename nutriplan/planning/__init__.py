"""Model building, solving and infeasibility diagnosis: the only part of nutriplan that imports
PuLP.

- ``solvers``: ``make_solver`` (HiGHS or CBC with deterministic settings) and ``run_solver``, which
  solves a ``pulp.LpProblem`` and returns a ``SolveReport`` (status as data, time, gap, objective).
- ``diagnose``: why a model has no solution, from its named constraints: ``minimal_conflict``
  (an irreducible set of conflicting constraints, by a deletion filter) and ``elastic_shortfalls``
  (how far each constraint must move, in one solve).
- ``diet``: the bring-your-own diet problem, ``solve_diet``.
"""
