"""eventwire worker side: broker, Dramatiq actors, batch processing and the extractor."""
