"""From what users pass to a validated timeline: tables, panels, runs, change targets, scalers."""
