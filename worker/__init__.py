"""eventwire worker side: settings, broker, actors, CLI and the extractor (worker.extraction)."""
