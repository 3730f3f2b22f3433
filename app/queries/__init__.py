"""Reads shared by pages and the API: lists, pages and counts, each a fixed number of queries."""
