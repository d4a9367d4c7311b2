"""Studies built on the 4R model: sweeps with a purpose and the figures they make (docs/fourr.md)."""
