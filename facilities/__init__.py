"""The 4R battery facility model (collection, grading, reuse, refabrication, recycling)."""
