"""The engine: deploys diagrams, runs cases on SpiffWorkflow, keeps timers (the layer below the domain)."""
