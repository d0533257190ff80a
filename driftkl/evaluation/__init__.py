"""From a profile and current counts to per-feature results, and the decision rule."""
