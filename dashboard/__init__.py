"""eventwire dashboard: a Streamlit multipage app over models.queries.

Run it with ``streamlit run dashboard/app.py``; it reads ``EVENTWIRE_DATABASE_URL``.
"""
