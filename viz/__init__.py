"""Plots of results folders (load curves, later battery-flow Sankeys and the dashboard)."""
