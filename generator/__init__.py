"""容错纠错案例公开平台 — generator: load → check → render → export → write."""
__version__ = "0.1.0"
