"""Parts of the ``climate-plugin demo`` command: a sample agenda system and agenda items to feed it."""

from climate_plugin.demo.items import DEMO_ITEMS
from climate_plugin.demo.sample_host import Delivery, SampleHost, generate_secret

__all__ = ["DEMO_ITEMS", "Delivery", "SampleHost", "generate_secret"]
