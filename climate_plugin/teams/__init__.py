"""Climate teams: decision-makers, officials and invited stakeholders who find a municipality's climate
solutions together, asynchronously or in a facilitated session, tied to agenda items and the climate
programme.

- ``service.py``: teams, members and invitations, the session's rounds (the only code that changes them)
- ``solutions.py``: proposing, commenting, supporting and prioritising solutions, and what becomes of them
  (a commitment, an alternative at the checklist's question X1, a programme measure)
- ``links.py``: a member's signed link; ``notices.py``: e-mail notices (stored, then sent)
- ``shown.py``: what other features show of a team (the climate block, the checklist at X1, the meeting view)
- ``game.py``: team challenges, team badges and the opt-in leaderboard; ``participation.py``: figures the
  reach picture counts
- faces: ``web.py`` (members' pages through their link), ``admin.py``, ``api.py``, ``cli.py``
"""
