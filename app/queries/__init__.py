"""Read models: queries across cases for pages and the API (no workflow is loaded)."""
