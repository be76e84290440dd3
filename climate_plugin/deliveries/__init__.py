"""Webhook deliveries: what the worker does with one (pipeline.py: fetch → upsert → screen → assess →
plan the write-back), redelivering one (service.py, audited), and their admin page and API (admin.py,
api.py)."""
