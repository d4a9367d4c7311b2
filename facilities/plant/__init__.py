"""The 4R plant: acceptance inspection, grading, racks and shelves, refabrication, reuse and resale."""
