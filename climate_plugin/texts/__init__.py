"""Texts a person reads, per area, in fi, sv and en; `climate_plugin.i18n` merges them all.

Each area keeps its own module so that areas grow without one file becoming everybody's bottleneck.
"""
