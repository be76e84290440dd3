"""Regions: municipalities that coordinate their climate work together (a regional council), the regional
coordinator's link, members' opt-in to share their picture, and the region's checklist template (inherited
by its members: climate_plugin.checklist.store)."""
