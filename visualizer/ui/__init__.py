"""Streamlit pages, widget groups, session state and caching: the only code that calls st.*."""
