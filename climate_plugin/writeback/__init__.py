"""The climate block written back into the host: building it (block.py), deciding whether it must be
(re)sent and planning it (plan.py, the one path every caller takes), sending it (send.py), retrying a
failed one (service.py, audited) and its API (api.py)."""
