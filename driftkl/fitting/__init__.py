"""Fitting bins on a reference.

Column plans, mergeable accumulators, numeric and categorical edges, and the streaming fit
for references larger than memory.
"""
