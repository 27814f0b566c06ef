"""Tools outside the app: regenerating the shipped models, and the server helper tests and benches share."""
