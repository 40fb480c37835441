"""What every event type's rule shares: the article context, mentions, dating, the dispatch of
a trigger to its type's rule, the folding of one sentence's mentions and the article passes.

The rules themselves live in ``worker/extraction/event_types/<type>/rule.py``.
"""
