"""tiplookup: offline lookup and referral over the Lao PDR anti-trafficking directory."""

__version__ = "0.1.0"
