"""Package layout only (metadata is in pyproject.toml): the top-level folders connectors/, webhooks/,
worker/ and migrations/ are installed as climate_plugin.connectors, climate_plugin.webhooks, … so the
distribution claims no generic import name. Computed, so a new connector folder is installed without
editing a list."""

from setuptools import find_packages, setup

#: folders kept at the top of the source tree, installed under the project's namespace
FOLDERS = ("connectors", "webhooks", "worker", "migrations")

packages = find_packages(include=["climate_plugin", "climate_plugin.*"])
package_dir = {"climate_plugin": "climate_plugin"}
for folder in FOLDERS:
    package_dir[f"climate_plugin.{folder}"] = folder
    packages += [f"climate_plugin.{name}" for name in find_packages(include=[folder, f"{folder}.*"])]

setup(packages=packages, package_dir=package_dir)
