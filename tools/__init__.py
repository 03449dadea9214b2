"""Tooling beside the portal: the project's own PostgreSQL cluster, the benchmark and the load
tool. The site (asf_portal, regions, projects) never imports it; tests/test_layout.py checks."""
