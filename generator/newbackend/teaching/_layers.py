"""The words every teaching module shares: the five layers, and how a layer's state shows.

Kept apart from the modules that do the work, so the CLI's help can name the layers without
loading them.
"""

# Every layer a generated test is marked with, in the order of the five-layer picture.
LAYERS = ("routes", "services", "models", "cache", "config")
# The layers a student can be given; config is always provided.
EXERCISE_LAYERS = ("routes", "services", "models", "cache")

# How a layer's state shows in the terminal (check, cohort report) and in the HTML report.
STATE_SYMBOLS = {"done": "✓", "todo": "✗", "waiting": "…", "error": "!"}
STATE_COLOURS = {"done": "green", "todo": "red", "waiting": "yellow", "error": "magenta"}
