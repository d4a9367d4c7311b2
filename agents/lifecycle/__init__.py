"""Vehicle life of EV cohorts over decades: sales, daily use and battery ageing, retirement, export, repacks."""
