"""Alliance Dashboard: therapeutic alliance analytics for psychotherapy clinics."""
__version__ = "0.1.0"
