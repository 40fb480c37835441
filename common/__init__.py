"""What every room of eventwire shares: settings, the error hierarchy and the contract.

Nothing here imports another eventwire package, so the front door (``eventwire``), the
worker, the dashboard and the models can all read it without importing each other.
"""
